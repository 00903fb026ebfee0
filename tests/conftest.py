import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines import config
from pipelines.plan_inputs import read_units
from pipelines.unit_names import canonical_names

SEED_RAW = config.RAW_DIR

# The fast loop (scripts/test.sh --fast) leaves out the tests marked slow: besides those marked by hand, every
# test that uses one of these fixtures (they build the demo warehouse, load workbooks into a warehouse of their
# own, or run the app's pages).
SLOW_FIXTURES = {
    "demo_base", "wh",  # the demo warehouse; a private warehouse to load workbooks into
    # fixtures of the modules that load workbooks, build, back up or run the app on top of those
    "fixture_wh", "app", "page", "pages_wh", "upload_page", "reminder_wh", "evidence_base", "with_data",
    "saved_by_libreoffice", "used", "target", "good_backup", "both", "loaded", "reported", "green", "rule_db", "years",
    "site", "own_site", "proxied", "deck_path", "deck_plan", "report_path", "written", "browser",
}
# Tests that start servers and browsers, kill processes, race writers or drive LibreOffice: one xdist worker runs
# them one after another (their timings and ports are not shared with a neighbour), each under its own time-out.
SERIAL_MARKERS = {"browser": 1200, "visual": 1200, "faults": 900}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark the slow and the serial tests before the markers select and xdist groups them."""
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
        serial = [seconds for name, seconds in SERIAL_MARKERS.items() if item.get_closest_marker(name)]
        if serial:
            item.add_marker(pytest.mark.xdist_group("serial"))
            if item.get_closest_marker("timeout") is None:
                item.add_marker(pytest.mark.timeout(max(serial)))


def open_reading(path: Path, opened: bool = True) -> Path:
    """Reading without sign-in opened on purpose in an accounts file, as an operator may (the tests of the pages
    read so; the tests of sign-in and of the served site close it again with opened=False)."""
    import json

    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"settings": {}, "accounts": []}
    data["settings"]["sign_in_required_for_all_pages"] = not opened
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def private_runtime_files(tmp_path, monkeypatch):
    """No test writes into the repository's data/: the default raw folder and accounts file are temporary."""
    monkeypatch.setenv("MONITOR_RAW", str(tmp_path / "default-raw"))
    monkeypatch.setenv("MONITOR_ACCOUNTS", str(open_reading(tmp_path / "default-accounts.json")))
    monkeypatch.setenv("MONITOR_BACKUP_KEY", str(tmp_path / "backup.key"))  # none unless a test writes one


@pytest.fixture(scope="session")
def unit_names() -> dict[str, str]:
    return canonical_names(read_units(SEED_RAW / config.REFERENCE_DIR).to_dict("records"))


def copy_plan_raw(dest: Path) -> Path:
    """A raw folder with the plan inputs only (no submissions)."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in (config.PLAN_FILE, config.TASKLIST_FILE):
        shutil.copy(SEED_RAW / name, dest / name)
    shutil.copytree(SEED_RAW / config.REFERENCE_DIR, dest / config.REFERENCE_DIR)
    return dest


@pytest.fixture
def plan_raw(tmp_path) -> Path:
    return copy_plan_raw(tmp_path / "raw")


@pytest.fixture(scope="session")
def plan_db(empty_base, tmp_path_factory) -> Path:
    """The seed's plan in a warehouse, for read-only checks: a copy of empty_base's (built once)."""
    db = tmp_path_factory.mktemp("plan") / "warehouse.duckdb"
    shutil.copy(empty_base[1], db)
    return db


@pytest.fixture
def plan_con(plan_db):
    con = duckdb.connect(str(plan_db), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="session")
def empty_base(tmp_path_factory) -> tuple[Path, Path]:
    """A raw folder (plan only) and its warehouse, built once; tests copy it."""
    from pipelines.build import build

    base = tmp_path_factory.mktemp("base")
    raw = copy_plan_raw(base / "raw")
    db = base / "warehouse.duckdb"
    build(raw, db, include_demo=False)
    return raw, db


@pytest.fixture
def wh(empty_base, tmp_path):
    """A private copy of the plan-only raw folder and warehouse: (raw, db)."""
    from tests.books import copy_warehouse

    return copy_warehouse(*empty_base, tmp_path / "wh")


@pytest.fixture(scope="session")
def demo_base(tmp_path_factory) -> tuple[Path, Path]:
    """The embedded default (plan and demo archive) built once."""
    from pipelines.build import build

    base = tmp_path_factory.mktemp("demo")
    raw = base / "raw"
    shutil.copytree(SEED_RAW, raw)
    db = base / "warehouse.duckdb"
    build(raw, db)
    return raw, db


PASSWORDS = {"admin": "admin-pass-1", "edu": "edu-pass-123", "finance": "fin-pass-123", "viewer": "view-pass-1",
             "checker": "check-pass-1"}


@pytest.fixture(scope="session")
def accounts_file(tmp_path_factory) -> Path:
    """An accounts file with one account of each kind (hashing is slow: made once)."""
    from pipelines.accounts import AccountStore

    path = tmp_path_factory.mktemp("accounts") / "accounts.json"
    store = AccountStore(path)
    units = ["旗教育局", "旗财政局"]
    store.add("admin", "管理", None, PASSWORDS["admin"], units)
    store.add("edu", "填报", "旗教育局", PASSWORDS["edu"], units)
    store.add("finance", "填报", "旗财政局", PASSWORDS["finance"], units)
    store.add("viewer", "浏览", None, PASSWORDS["viewer"], units)
    store.add("checker", "审核", "旗教育局", PASSWORDS["checker"], units)  # reviews 旗教育局's workbooks only
    return open_reading(path)


@pytest.fixture
def accounts(accounts_file, tmp_path, monkeypatch) -> Path:
    """A private copy of the accounts file, used by the app and the command line of this test."""
    path = tmp_path / "accounts.json"
    shutil.copy(accounts_file, path)
    monkeypatch.setenv("MONITOR_ACCOUNTS", str(path))
    return path
