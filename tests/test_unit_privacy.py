"""Units do not see each other's unreviewed work (issue 20, item 7): a workbook awaiting review or returned —
its values, notes, warnings, file name and the reviewer's reasons — is seen by its unit, the 审核 accounts of
that unit and 管理, on every page and from the command line; approved work by every reader."""

import shutil
from datetime import datetime

import pytest
from streamlit.testing.v1 import AppTest

from pipelines import config
from pipelines.accounts import Account, AccountStore
from pipelines.collection.review import decide, record_decision
from pipelines.collection.visibility import counts_pending_of, sees_unreviewed, visible
from pipelines.ingest import ingest_file
from tests.books import filled
from tests.cli import run_cli
from tests.test_app import navigation_only, sign_in  # noqa: F401 (autouse: app.py runs on every AppTest rerun, as served)

DRAFT_NOTE = "财政局草稿：债务化解进度说明"  # 旗财政局's pending workbook's 进展说明 (task 82)
RETURN_NOTE = "财政局2024年数据口径有误，请核对"  # the reviewer's reason for returning 旗财政局's 2024 workbook
EDU_NOTE = "教育局待审：集团化办学进展"  # 旗教育局's pending workbook's 进展说明 (task 1)


@pytest.fixture(scope="module")
def drafts(empty_base, accounts_file, tmp_path_factory):
    """旗财政局: 2023 approved, 2024 returned (with the reviewer's reason), 2025 pending (debt 2900, a note on task
    82); 旗教育局: 2025 pending with a warning (a rate typed as 0.6). Ids by key."""
    base = tmp_path_factory.mktemp("privacy")
    raw, db = base / "raw", base / "warehouse.duckdb"
    shutil.copytree(empty_base[0], raw)
    shutil.copy(empty_base[1], db)
    admin = Account("admin", "管理")
    ids = {}
    for key, unit, year, values, progress in (
            ("fin_approved", "旗财政局", 2023, {"FI_HS_DEBT": 12000}, None),
            ("fin_returned", "旗财政局", 2024, {"FI_HS_DEBT": 8888}, None),
            ("fin_pending", "旗财政局", 2025, {"FI_HS_DEBT": 2900}, {82: ("推进中", DRAFT_NOTE)}),
            ("edu_pending", "旗教育局", 2025, {"KG_PUBLIC_RATE": "0.6"}, {1: ("推进中", EDU_NOTE)})):
        result = ingest_file(filled(db, base / f"{key}_{unit}{year}.xlsx", unit=unit, year=year, values=values,
                                    progress=progress), raw, db)
        assert result.outcome == "loaded", [str(p) for p in result.problems]
        ids[key] = result.submission_id
    record_decision(raw, db, ids["fin_approved"], "approved", "审核员", datetime(2024, 3, 1))
    decide(raw, db, ids["fin_returned"], "returned", admin, RETURN_NOTE)
    return raw, db, ids


@pytest.fixture
def app(drafts, accounts, tmp_path, monkeypatch):
    raw, db, ids = drafts
    own_raw, own_db = tmp_path / "raw", tmp_path / "w.duckdb"
    shutil.copytree(raw, own_raw)
    shutil.copy(db, own_db)
    monkeypatch.setenv("MONITOR_DB", str(own_db))
    monkeypatch.setenv("MONITOR_RAW", str(own_raw))
    at = AppTest.from_file(str(config.ROOT / "app.py"), default_timeout=90)
    at.run()
    return at, ids


def page_as(at, page: str, name: str):
    at.switch_page(page).run()
    if any(f.proto.form_id == "sign_in" for f in at.text_input):
        sign_in(at, name)
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def shown_text(at) -> str:
    """Everything the page shows: text elements, tables, data frames, and the options of its selects."""
    parts = [e.value for kind in (at.markdown, at.caption, at.info, at.warning, at.error, at.success) for e in kind]
    parts += [getattr(d.value, "data", d.value).to_csv() for d in at.dataframe]  # a Styler's frame too
    parts += [t.value.to_csv() for t in at.table]
    parts += [str(o) for s in at.selectbox for o in s.options]
    return "\n".join(parts)


def history(at):
    return next(d.value for d in at.dataframe if "审核意见" in d.value.columns and "提交人" in d.value.columns)


# The rule, per role.


EDU = Account("edu", "填报", "旗教育局")
FIN = Account("finance", "填报", "旗财政局")
CHECKER = Account("checker", "审核", units=["旗教育局"])
VIEWER = Account("viewer", "浏览")
ADMIN = Account("admin", "管理")


@pytest.mark.parametrize(("account", "sees"), [
    (ADMIN, {"旗教育局", "旗财政局"}), (EDU, {"旗教育局"}), (FIN, {"旗财政局"}), (CHECKER, {"旗教育局"}),
    (VIEWER, set()), (None, set()), (Account("idle", "审核", units=[]), set())])
def test_who_sees_a_units_unreviewed_work(account, sees):
    for unit in ("旗教育局", "旗财政局"):
        assert sees_unreviewed(account, unit) == (unit in sees)
        assert visible(account, unit, "approved")
        assert visible(account, unit, "pending") == visible(account, unit, "returned") == (unit in sees)


# 数据填报: the history and the default selection (the outside check: edu saw 旗财政局's pending workbook's values).


@pytest.mark.parametrize(("name", "units"), [("edu", {"旗教育局"}), ("checker", {"旗教育局"}), ("viewer", set()),
                                             ("finance", {"旗财政局"}), ("admin", {"旗教育局", "旗财政局"})])
def test_the_upload_pages_history_shows_pending_and_returned_workbooks_to_their_own_only(app, name, units):
    at, ids = app
    page_as(at, "pages/upload.py", name)
    table = history(at)
    drafts = {(u, s) for u, s in zip(table["单位"], table["状态"]) if s != "已通过"}
    expected = {("旗财政局", "已退回"), ("旗财政局", "待审核"), ("旗教育局", "待审核")}
    assert drafts == {d for d in expected if d[0] in units}
    assert ("旗财政局", "已通过") in set(zip(table["单位"], table["状态"]))  # approved work: everyone's
    picked = at.selectbox(key="history_pick")
    assert [int(o.split()[0].lstrip("#")) for o in picked.options] == list(table["编号"])  # the labels shown
    assert picked.value == max(table["编号"])  # the default: the latest this account may see
    text = shown_text(at)
    assert (RETURN_NOTE in text) == ("旗财政局" in units)
    if "旗财政局" not in units:  # the pending 2025 workbook's value (2900) and its file are nowhere on the page
        assert "fin_pending" not in text and "2900" not in text and "8888" not in text


def test_a_unit_cannot_open_another_units_draft_through_the_history_select(app):
    at, ids = app
    page_as(at, "pages/upload.py", "edu")
    numbers = [int(o.split()[0].lstrip("#")) for o in at.selectbox(key="history_pick").options]
    assert ids["fin_pending"] not in numbers and ids["fin_returned"] not in numbers and ids["edu_pending"] in numbers


# The sidebar's count: a reviewer its units', a unit its own; readers without a unit the county's.


@pytest.mark.parametrize(("name", "count"), [("checker", 1), ("edu", 1), ("finance", 1), ("admin", 2), ("viewer", 2)])
def test_the_sidebars_pending_count_is_of_the_accounts_units(app, name, count):
    at, _ = app
    page_as(at, "pages/upload.py", name)
    assert any(f"{count} 个工作簿待审核" in c.value for c in at.sidebar.caption), [c.value for c in at.sidebar.caption]


def test_counts_pending_of():
    assert counts_pending_of(CHECKER, "旗教育局") and not counts_pending_of(CHECKER, "旗财政局")
    assert counts_pending_of(VIEWER, "旗财政局") and counts_pending_of(None, "旗财政局")


# 任务台账's history of a task, 数据质量's warnings, 总览's latest workbooks, 报送与催报's return reasons.


def test_the_ledgers_task_history_hides_another_units_draft(app):
    at, _ = app
    page_as(at, "pages/upload.py", "edu")  # signed in as 旗教育局
    at.switch_page("pages/ledger.py").run()
    at.selectbox(key="ledger_history_task").set_value(82).run()
    assert not at.exception, at.exception
    assert DRAFT_NOTE not in shown_text(at) and any("还没有填报过进展" in c.value for c in at.caption)
    at.selectbox(key="ledger_history_task").set_value(1).run()
    assert EDU_NOTE in shown_text(at)  # its own pending report


def test_the_ledgers_task_history_shows_the_draft_to_its_unit(app):
    at, _ = app
    page_as(at, "pages/upload.py", "finance")
    at.switch_page("pages/ledger.py").run()
    at.selectbox(key="ledger_history_task").set_value(82).run()
    assert DRAFT_NOTE in shown_text(at)


@pytest.mark.parametrize(("name", "sees"), [("finance", False), ("viewer", False), ("checker", True), ("edu", True)])
def test_quality_warnings_of_a_pending_workbook_only_to_its_own(app, name, sees):
    at, _ = app
    page_as(at, "pages/upload.py", name)
    at.switch_page("pages/quality.py").run()
    assert not at.exception, at.exception
    assert ("数值0.6小于1" in shown_text(at)) == sees


def test_the_overview_lists_no_other_units_draft(app):
    at, ids = app
    page_as(at, "pages/upload.py", "edu")
    at.switch_page("pages/overview.py").run()
    at.run()
    recent = next(d.value for d in at.dataframe if "收到时间" in d.value.columns and "文件" in d.value.columns)
    assert not any("旗财政局2025" in f or "旗财政局2024" in f for f in recent["文件"])
    assert any("旗教育局2025" in f for f in recent["文件"]) and any("旗财政局2023" in f for f in recent["文件"])


@pytest.mark.parametrize(("name", "sees"), [("edu", False), ("viewer", False), ("finance", True), ("admin", True)])
def test_a_return_reason_on_the_reminders_page_only_to_its_own(app, name, sees):
    at, _ = app
    page_as(at, "pages/upload.py", name)
    at.switch_page("pages/reminders.py").run()
    assert not at.exception, at.exception
    text = shown_text(at)
    assert ("已退回" in text) and (RETURN_NOTE in text) == sees  # the state is a receipt; the reason is not


# The command line: `review list ID --as NAME` previews only what that account may see.


def test_review_list_id_as_an_account_outside_the_unit_is_refused(drafts, accounts):
    raw, db, ids = drafts
    common = ["--raw", raw, "--db", db]
    for name in ("checker", "edu", "viewer"):
        refused = run_cli("review", "list", ids["fin_pending"], "--as", name, *common)
        assert refused.returncode == 1, (name, refused.stdout)
        assert "不能查看" in refused.stderr and "旗财政局" in refused.stderr and "2900" not in refused.stdout
        assert DRAFT_NOTE not in refused.stdout
    for name in ("finance", "admin"):
        shown = run_cli("review", "list", ids["fin_pending"], "--as", name, *common)
        assert shown.returncode == 0 and DRAFT_NOTE in shown.stdout, shown.stderr
    approved = run_cli("review", "list", ids["fin_approved"], "--as", "edu", *common)
    assert approved.returncode == 0, approved.stderr  # approved work: every account's


def test_review_list_as_a_reviewer_lists_its_units_only(drafts, accounts):
    raw, db, ids = drafts
    listed = run_cli("review", "list", "--status", "全部", "--as", "checker", "--raw", raw, "--db", db)
    assert listed.returncode == 0 and f"#{ids['edu_pending']}" in listed.stdout
    assert f"#{ids['fin_pending']}" not in listed.stdout and RETURN_NOTE not in listed.stdout
    assert AccountStore().get("checker").units == ["旗教育局"]
