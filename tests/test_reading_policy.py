"""Who must sign in before reading: by default everyone whose browser is not on the server itself."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.auth import sign_in_required
from pipelines.core import config
from pipelines.records.accounts import DEFAULT_SETTINGS, AccountStore
from tests.test_app import navigation_only, shows_the_cockpit  # noqa: F401 (navigation_only is a fixture)

BROWSER = {"Host": "127.0.0.1:8501", "User-Agent": "Mozilla/5.0"}
PROXIED = {"Host": "jiaoyu.aohan.local", "X-Forwarded-For": "10.12.0.31", "X-Real-IP": "10.12.0.31"}


@pytest.mark.parametrize("rule, address, headers, peer, required", [
    # The default: open on the server itself, closed as soon as anyone else can reach the app.
    ("beyond_loopback", "127.0.0.1", BROWSER, None, False),
    ("beyond_loopback", "::1", BROWSER, None, False),
    ("beyond_loopback", "localhost", BROWSER, None, False),
    ("beyond_loopback", "127.0.0.1", PROXIED, "10.12.0.31", True),  # through nginx: the peer is the real client
    ("beyond_loopback", "127.0.0.1", {**BROWSER, "X-Forwarded-For": "127.0.0.1"}, None, True),  # a proxy on the server
    ("beyond_loopback", "127.0.0.1", {**BROWSER, "forwarded": "for=10.0.0.2"}, None, True),  # any case
    ("beyond_loopback", "0.0.0.0", BROWSER, None, True),  # listening on every interface
    ("beyond_loopback", "", BROWSER, None, True),  # Streamlit's default address is every interface
    ("beyond_loopback", "10.12.0.5", BROWSER, "10.12.0.31", True),
    ("beyond_loopback", "127.0.0.1", BROWSER, "10.12.0.31", True),  # a peer that is not loopback
    ("beyond_loopback", "127.0.0.1", {}, None, False),  # no connection at all (AppTest)
    # A value that is neither true nor false (a typo) is the safe default, not an opening.
    ("flase", "0.0.0.0", BROWSER, None, True),
    (None, "127.0.0.1", PROXIED, None, True),
    # The operator's explicit choices win either way.
    (True, "127.0.0.1", BROWSER, None, True),
    (True, "127.0.0.1", {}, None, True),
    (False, "0.0.0.0", PROXIED, "10.12.0.31", False),
])
def test_sign_in_required(rule, address, headers, peer, required):
    assert sign_in_required(rule, address, headers, peer) is required


def test_the_safe_choice_is_the_default_in_the_code_and_in_a_new_accounts_file(tmp_path):
    assert DEFAULT_SETTINGS["sign_in_required_for_all_pages"] == "beyond_loopback"
    store = AccountStore(tmp_path / "accounts.json")
    assert store.settings()["sign_in_required_for_all_pages"] == "beyond_loopback"
    example = json.loads(config.ACCOUNTS_EXAMPLE.read_text(encoding="utf-8"))
    assert example["settings"]["sign_in_required_for_all_pages"] == "beyond_loopback"


def test_an_accounts_file_without_the_setting_gets_the_safe_default(tmp_path):
    path = tmp_path / "accounts.json"
    path.write_text(json.dumps({"settings": {}, "accounts": []}), encoding="utf-8")
    assert AccountStore(path).settings()["sign_in_required_for_all_pages"] == "beyond_loopback"


def test_reading_opened_on_purpose_shows_the_pages_without_sign_in(wh, accounts, monkeypatch):
    raw, db = wh
    data = json.loads(accounts.read_text(encoding="utf-8"))
    data["settings"]["sign_in_required_for_all_pages"] = False
    accounts.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("MONITOR_DB", str(db))
    at = AppTest.from_file(str(config.ROOT / "app.py"), default_timeout=60).run()
    assert shows_the_cockpit(at) and not any("请登录" in m.value for m in at.markdown)
