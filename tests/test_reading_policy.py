"""Who must sign in before reading: everyone, unless the operator opened reading on purpose (issue 20, item 12).

Not decided by the connection: a plain TCP forwarder on the server made every browser look local and read
任务台账 without signing in, so neither the listening address nor proxy headers matter any more.
"""

import json

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.auth import sign_in_required
from pipelines import config
from pipelines.accounts import DEFAULT_SETTINGS, AccountStore
from tests.test_app import navigation_only, shows_the_cockpit  # noqa: F401 (navigation_only is a fixture)


@pytest.mark.parametrize("rule, required", [
    (True, True),
    (False, False),  # only false itself, written on purpose, opens reading
    ("false", True),
    ("beyond_loopback", True),  # the former default, left in older accounts files: now sign-in for everyone
    ("flase", True),  # a typo is the safe choice, not an opening
    (None, True),
    (0, True),
])
def test_sign_in_required(rule, required):
    assert sign_in_required(rule) is required


def test_the_safe_choice_is_the_default_in_the_code_and_in_a_new_accounts_file(tmp_path):
    assert DEFAULT_SETTINGS["sign_in_required_for_all_pages"] is True
    store = AccountStore(tmp_path / "accounts.json")
    assert store.settings()["sign_in_required_for_all_pages"] is True
    example = json.loads(config.ACCOUNTS_EXAMPLE.read_text(encoding="utf-8"))
    assert example["settings"]["sign_in_required_for_all_pages"] is True


def test_an_accounts_file_without_the_setting_gets_the_safe_default(tmp_path):
    path = tmp_path / "accounts.json"
    path.write_text(json.dumps({"settings": {}, "accounts": []}), encoding="utf-8")
    assert AccountStore(path).settings()["sign_in_required_for_all_pages"] is True


@pytest.mark.parametrize("rule", ["beyond_loopback", None])
def test_the_pages_ask_for_a_sign_in_by_default_even_without_any_proxy(wh, tmp_path, monkeypatch, rule):
    """AppTest has no connection, no address and no proxy headers at all: still only the sign-in page."""
    raw, db = wh
    path = tmp_path / "fresh-accounts.json"
    settings = {} if rule is None else {"sign_in_required_for_all_pages": rule}
    path.write_text(json.dumps({"settings": settings, "accounts": []}), encoding="utf-8")
    monkeypatch.setenv("MONITOR_ACCOUNTS", str(path))
    monkeypatch.setenv("MONITOR_DB", str(db))
    at = AppTest.from_file(str(config.ROOT / "app.py"), default_timeout=60).run()
    assert not shows_the_cockpit(at) and any("请登录" in m.value for m in at.markdown)


def test_reading_opened_on_purpose_shows_the_pages_without_sign_in(wh, accounts, monkeypatch):
    raw, db = wh
    data = json.loads(accounts.read_text(encoding="utf-8"))
    data["settings"]["sign_in_required_for_all_pages"] = False
    accounts.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("MONITOR_DB", str(db))
    at = AppTest.from_file(str(config.ROOT / "app.py"), default_timeout=60).run()
    assert shows_the_cockpit(at) and not any("请登录" in m.value for m in at.markdown)
