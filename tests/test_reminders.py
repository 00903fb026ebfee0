"""催报: due dates from the settings, what has come of each unit's yearly workbook, days overdue counted by
hand for a fixed day, the 催报 list (xlsx), the notice to a late unit (docx) and the 报送与催报 page."""

import re
import shutil
from datetime import date
from io import BytesIO
from pathlib import Path

import duckdb
import openpyxl
import pytest
from docx import Document
from streamlit.testing.v1 import AppTest

from pipelines import config
from pipelines.accounts import DEFAULT_SETTINGS, Account
from pipelines.collection import reminders
from pipelines.collection.reminders import SettingsError, due_date
from pipelines.collection.review import decide
from pipelines.ingest import ingest_file, withdraw
from tests.books import approve_all, filled, ingest_approved
from tests.test_app import navigation_only  # noqa: F401 (autouse: app.py runs on every AppTest rerun, as served)

TODAY = date(2026, 4, 1)  # the day after 2025's workbooks were due (2026-03-31)
ADMIN = Account("admin", "管理")
EDU_RETURN = "幼儿园在园幼儿数与统计快报不符"
FIN_RETURN = "缺少债务化解说明"


# ---- due dates ------------------------------------------------------------------------------------------

def test_default_due_day_is_march_31_of_the_next_year():
    assert due_date(2025, {}) == date(2026, 3, 31)
    assert due_date(2022, {}) == date(2023, 3, 31)
    assert due_date(2025, DEFAULT_SETTINGS) == date(2026, 3, 31)


@pytest.mark.parametrize("written, expected", [
    ("04-30", date(2026, 4, 30)),
    ("4-5", date(2026, 4, 5)),
    ("次年5月15日", date(2026, 5, 15)),
    ("06.30", date(2026, 6, 30)),
    ("1/31", date(2026, 1, 31)),
])
def test_configured_due_day(written, expected):
    assert due_date(2025, {"report_due": written}) == expected


def test_a_single_year_may_have_its_own_due_day():
    settings = {"report_due": "03-31", "report_due_by_year": {"2025": "2026-06-30"}}
    assert due_date(2025, settings) == date(2026, 6, 30)
    assert due_date(2024, settings) == date(2025, 3, 31)  # the others keep the rule
    assert "2025年度为2026年6月30日" in reminders.due_rule(settings)
    assert reminders.due_rule({}) == "次年3月31日前"


@pytest.mark.parametrize("settings, named", [
    ({"report_due": "13-01"}, "report_due"),
    ({"report_due": "02-30"}, "report_due"),
    ({"report_due": "三月底"}, "report_due"),
    ({"report_due": 331}, "report_due"),
    ({"report_due": "02-29"}, "report_due"),  # a day most years do not have
    ({"report_due_by_year": {"2025": "下个月"}}, "report_due_by_year"),
    ({"report_due_by_year": {"2025": "2026-02-30"}}, "report_due_by_year"),
    ({"report_due_by_year": {"2025": "2025-06-30"}}, "report_due_by_year"),  # before the year has ended
    ({"report_due_by_year": ["2025", "2026-04-30"]}, "report_due_by_year"),  # not a table of years
    ({"report_due_by_year": "2026-04-30"}, "report_due_by_year"),
])
@pytest.mark.parametrize("year", [2023, 2025])  # 2月29日 is in 2024 only: refused whatever the year
def test_bad_settings_are_said_in_chinese(settings, named, year):
    with pytest.raises(SettingsError) as caught:
        due_date(year if named == "report_due" else 2025, settings)
    message = str(caught.value)
    assert named in message and re.search(r"[\u4e00-\u9fff]{4}", message)


def test_a_bad_setting_is_said_by_receipts_too(reminder_wh):
    raw, db = reminder_wh
    with duckdb.connect(str(db), read_only=True) as con, pytest.raises(SettingsError, match="report_due"):
        reminders.receipts(con, TODAY, {"report_due": "99-99"})


# ---- what has come of each workbook ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def reminder_wh(empty_base, tmp_path_factory):
    """Workbooks in every state, as of TODAY (2026-04-01):
    旗教育局 2022 approved, 2023 pending, 2024 returned, 2025 nothing; 旗财政局 2022 demo only (approved before
    any real workbook: the demo's, gone when 旗教育局 2022 is approved), 2023 withdrawn, 2024 returned then sent
    again (pending), 2025 nothing."""
    base = tmp_path_factory.mktemp("reminders")
    raw, db = base / "raw", base / "warehouse.duckdb"
    shutil.copytree(empty_base[0], raw)
    shutil.copy(empty_base[1], db)

    def load(name, unit, year, values, demo=False) -> int:
        result = ingest_file(filled(db, base / name, unit=unit, year=year, values=values), raw, db, is_demo=demo)
        assert result.outcome == "loaded", [str(p) for p in result.problems]
        return result.submission_id

    load("fin2022.xlsx", "旗财政局", 2022, {"FI_HS_DEBT": 12800}, demo=True)
    assert approve_all(raw, db) == 1
    load("edu2022.xlsx", "旗教育局", 2022, {"KG_PUBLIC_RATE": 59})
    assert approve_all(raw, db) == 1  # the first real approval: the demo ends
    load("edu2023.xlsx", "旗教育局", 2023, {"KG_PUBLIC_RATE": 60})
    decide(raw, db, load("edu2024.xlsx", "旗教育局", 2024, {"KG_PUBLIC_RATE": 61}), "returned", ADMIN, EDU_RETURN)
    withdraw(raw, db, load("fin2023.xlsx", "旗财政局", 2023, {"FI_HS_DEBT": 12000}), ADMIN, "报错了年度")
    decide(raw, db, load("fin2024a.xlsx", "旗财政局", 2024, {"FI_HS_DEBT": 10000}), "returned", ADMIN, FIN_RETURN)
    load("fin2024b.xlsx", "旗财政局", 2024, {"FI_HS_DEBT": 9000})
    return raw, db


def receipts(db: Path, today: date = TODAY, settings: dict | None = None):
    with duckdb.connect(str(db), read_only=True) as con:
        return reminders.receipts(con, today, settings or {})


def cells(frame) -> dict:
    return {(r.unit, r.year): (r.state, r.overdue_days) for r in frame.itertuples()}


def test_states_and_days_overdue_counted_by_hand(reminder_wh):
    frame = receipts(reminder_wh[1])
    got = cells(frame)
    # Due 2023-03-31: 366 days to 2024-03-31 (29 Feb 2024), 365 to 2025-03-31, 365 to 2026-03-31, then 1.
    assert got[("旗教育局", 2022)] == ("approved", 0)
    assert got[("旗教育局", 2023)] == ("pending", 0)  # received: not overdue, whatever the day
    assert got[("旗教育局", 2024)] == ("returned", 366)  # due 2025-03-31
    assert got[("旗教育局", 2025)] == ("missing", 1)  # due 2026-03-31, today is the day after
    assert got[("旗财政局", 2022)] == ("missing", 1097)  # the demo workbook does not count here
    assert got[("旗财政局", 2023)] == ("missing", 731)  # withdrawn: as if never sent
    assert got[("旗财政局", 2024)] == ("pending", 0)  # returned, then sent again
    assert got[("旗财政局", 2025)] == ("missing", 1)
    # A unit that only leads tasks owes a workbook from the plan's first year (2023), not the baseline.
    assert ("旗委组织部", 2022) not in got and got[("旗委组织部", 2023)] == ("missing", 731)
    # Up to last year only: 2026's workbook is not owed yet.
    assert max(frame["year"]) == 2025
    row = frame[(frame["unit"] == "旗教育局") & (frame["year"] == 2024)].iloc[0]
    assert row["returned_note"] == EDU_RETURN and row["state_label"] == "已退回，逾期366天"
    assert row["due_date"] == date(2025, 3, 31)
    assert frame[(frame["unit"] == "旗教育局") & (frame["year"] == 2023)].iloc[0]["state_label"] == "待审核"


def test_a_demo_workbook_never_counts_as_sent(demo_base):
    """On the demo county every unit-year is owed: the demo's approved workbooks are not a unit's."""
    frame = receipts(demo_base[1])
    assert set(frame["state"]) == {"missing"} and len(frame) > 20


def test_the_due_day_itself_is_not_overdue_the_next_day_is_one(reminder_wh):
    db = reminder_wh[1]
    on_the_day = cells(receipts(db, date(2026, 3, 31)))
    assert on_the_day[("旗教育局", 2025)] == ("missing", 0)
    assert on_the_day[("旗教育局", 2024)] == ("returned", 365)
    assert cells(receipts(db, date(2026, 4, 1)))[("旗教育局", 2025)] == ("missing", 1)
    assert cells(receipts(db, date(2026, 4, 30)))[("旗教育局", 2025)] == ("missing", 30)
    assert ("旗教育局", 2025) not in cells(receipts(db, date(2025, 12, 31)))  # the year is not over


def test_the_configured_due_day_moves_the_count(reminder_wh):
    db = reminder_wh[1]
    later = cells(receipts(db, settings={"report_due": "04-30"}))
    assert later[("旗教育局", 2025)] == ("missing", 0)  # due 2026-04-30
    assert later[("旗教育局", 2024)] == ("returned", 336)  # due 2025-04-30: 335 days to 2026-03-31, +1
    one_year = cells(receipts(db, settings={"report_due_by_year": {"2024": "2025-12-31"}}))
    assert one_year[("旗教育局", 2024)] == ("returned", 91)  # 31 + 28 + 31 + 1
    assert one_year[("旗财政局", 2023)] == ("missing", 731)  # 2023 keeps 次年3月31日


def test_overdue_list_and_matrix(reminder_wh):
    frame = receipts(reminder_wh[1])
    late = reminders.overdue(frame)
    assert set(zip(late["unit"], late["year"])) == {
        (u, y) for (u, y), (state, days) in cells(frame).items() if days > 0}
    assert ("旗教育局", 2023) not in set(zip(late["unit"], late["year"]))
    assert (late["overdue_days"] > 0).all() and set(late["state"]) == {"returned", "missing"}
    wide = reminders.matrix(frame)
    edu = wide[wide["单位"] == "旗教育局"].iloc[0]
    assert (edu["2022年度"], edu["2023年度"], edu["2024年度"], edu["2025年度"]) == (
        "已通过", "待审核", "已退回，逾期366天", "未报送，逾期1天")
    assert wide[wide["单位"] == "旗委组织部"].iloc[0]["2022年度"] == "—"  # owes nothing for 2022
    assert wide["单位"].iloc[0] == "旗教育局"


def test_the_reminder_list_xlsx(reminder_wh):
    frame = receipts(reminder_wh[1])
    wb = openpyxl.load_workbook(BytesIO(reminders.reminder_list_xlsx(frame, TODAY)))
    assert wb.sheetnames == ["催报名单_20260401"]
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[0] == ("单位", "年度", "状态", "应报日期", "逾期天数", "最近收到", "退回原因")
    body = {(r[0], int(r[1])): r for r in rows[1:]}
    assert len(body) == len(rows) - 1 == len(reminders.overdue(frame))
    edu = body[("旗教育局", 2024)]
    assert edu[2:5] == ("已退回", "2025-03-31", 366) and edu[6] == EDU_RETURN
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", edu[5])
    assert body[("旗财政局", 2022)][2:5] == ("未报送", "2023-03-31", 1097)
    assert body[("旗财政局", 2022)][5] in (None, "") and body[("旗财政局", 2022)][6] in (None, "")
    assert ("旗财政局", 2024) not in body and ("旗教育局", 2022) not in body
    assert "示例数据" not in str(wb.active.oddHeader.right.text or "")


# ---- the notice to a late unit --------------------------------------------------------------------------

def docx_text(data: bytes) -> tuple[str, list[list[str]], str]:
    doc = Document(BytesIO(data))
    body = "\n".join(p.text for p in doc.paragraphs)
    tables = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    header = "\n".join(p.text for s in doc.sections for p in s.header.paragraphs)
    return body, tables, header


def test_the_notice_to_a_late_unit(reminder_wh):
    from dashboard.reminder_notice import notice_docx

    late = reminders.overdue(receipts(reminder_wh[1]))
    body, tables, header = docx_text(notice_docx("旗教育局", late, TODAY, DEFAULT_SETTINGS))
    assert "旗教育局：" in body and "催报通知" in body
    assert "截至2026年4月1日" in body and "2024年度、2025年度" in body
    assert "请于2026年4月8日前" in body  # reminder_days_to_send: 7
    assert "旗委教育工作领导小组办公室" in body
    assert "旗财政局" not in body + str(tables)  # one unit's notice names no other
    rows = {r[0]: r for r in tables}
    assert rows["2024年度"][1:] == ["已退回", "2025年3月31日", "366天", EDU_RETURN]
    assert rows["2025年度"][1:] == ["未报送", "2026年3月31日", "1天", ""]
    assert "2023年度" not in rows  # pending: received, not owed
    assert "示例数据" not in header + body


def test_the_notice_counts_the_days_for_another_unit(reminder_wh):
    from dashboard.reminder_notice import notice_docx

    late = reminders.overdue(receipts(reminder_wh[1]))
    body, tables, header = docx_text(notice_docx("旗财政局", late, TODAY, {**DEFAULT_SETTINGS,
                                                                           "reminder_days_to_send": 10}))
    assert "旗财政局：" in body and "请于2026年4月11日前" in body
    # 2022: only a demo workbook came, which is not the unit's; 2024 was sent again and awaits review.
    assert dict((r[0], r[3]) for r in tables[1:]) == {"2022年度": "1097天", "2023年度": "731天", "2025年度": "1天"}
    assert "示例数据" not in header


# ---- the page -------------------------------------------------------------------------------------------

@pytest.fixture
def page(reminder_wh, accounts, monkeypatch, tmp_path):
    """报送与催报 through the real app, on a private copy of reminder_wh, with TODAY as the day."""
    from dashboard import reminders_ui

    raw, db = tmp_path / "raw", tmp_path / "w.duckdb"
    shutil.copytree(reminder_wh[0], raw)
    shutil.copy(reminder_wh[1], db)
    monkeypatch.setenv("MONITOR_DB", str(db))
    monkeypatch.setenv("MONITOR_RAW", str(raw))
    monkeypatch.setattr(reminders_ui, "today", lambda: TODAY)

    at = AppTest.from_file(str(config.ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at, accounts


def set_settings(accounts: Path, **settings) -> None:
    import json

    data = json.loads(accounts.read_text("utf-8"))
    data.setdefault("settings", {}).update(settings)
    accounts.write_text(json.dumps(data, ensure_ascii=False), "utf-8")


def frames(at) -> list:
    return [d.value for d in at.dataframe]


def test_the_page_shows_the_matrix_and_the_overdue_list(page):
    at, _ = page
    at.switch_page("pages/reminders.py").run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["报送与催报"]
    shown = frames(at)
    wide = next(f for f in shown if "2024年度" in getattr(f, "columns", []))
    wide = getattr(wide, "data", wide)  # a Styler: its frame
    edu = wide[wide["单位"] == "旗教育局"].iloc[0]
    # each cell marked as well as coloured (issue 21: a grey print loses nothing): × for overdue
    assert edu["2024年度"] == "× 已退回，逾期366天" and edu["2025年度"] == "× 未报送，逾期1天"
    listed = next(f for f in shown if "逾期天数" in getattr(f, "columns", []))
    assert ("旗教育局", 2024, 366) in set(zip(listed["单位"], listed["年度"], listed["逾期天数"]))
    assert ("旗教育局", 2023) not in set(zip(listed["单位"], listed["年度"]))
    counts = {m.label: m.value for m in at.metric}
    assert counts["逾期"] == str(len(listed))
    assert counts["待审核工作簿"] == "2"  # 旗教育局 2023 and 旗财政局 2024 (sent again after its return)
    assert any("次年3月31日前" in c.value and "截至2026年4月1日" in c.value for c in at.caption)
    assert any("群机器人催报" in c.value and "未启用" in c.value for c in at.caption)  # off by default


def test_the_page_with_a_year_of_its_own_due_day(page):
    at, accounts = page
    set_settings(accounts, report_due_by_year={"2025": "2026-06-30"})
    at.switch_page("pages/reminders.py").run()
    assert not at.exception, at.exception
    listed = next(f for f in frames(at) if "逾期天数" in getattr(f, "columns", []))
    assert ("旗教育局", 2025) not in set(zip(listed["单位"], listed["年度"]))  # due 2026-06-30
    assert ("旗教育局", 2024) in set(zip(listed["单位"], listed["年度"]))
    assert any("2025年度为2026年6月30日" in c.value for c in at.caption)


def test_the_page_says_a_bad_setting_in_chinese(page):
    at, accounts = page
    set_settings(accounts, report_due="13-45")
    at.switch_page("pages/reminders.py").run()
    assert not at.exception, at.exception
    assert any("report_due" in e.value and "不是月日" in e.value for e in at.error)


@pytest.mark.parametrize(("value", "days"), [(7, 7), ("14", 14), (1, 1), (90, 90)])
def test_the_days_a_notice_gives(value, days):
    assert reminders.days_to_send({"reminder_days_to_send": value}) == days
    assert reminders.days_to_send({}) == 7


@pytest.mark.parametrize("value", [0, -3, 91, "七天", 7.5, True, None, [7]])
def test_a_bad_days_to_send_setting_is_said_in_chinese(value):
    with pytest.raises(SettingsError, match="reminder_days_to_send"):
        reminders.days_to_send({"reminder_days_to_send": value})


def test_an_approved_year_with_a_correction_awaiting_review(wh, tmp_path):
    raw, db = wh
    assert ingest_approved(filled(db, tmp_path / "a.xlsx", year=2024, values={"KG_PUBLIC_RATE": 61}), raw, db).outcome == "loaded"
    assert ingest_file(filled(db, tmp_path / "b.xlsx", year=2024, values={"KG_PUBLIC_RATE": 62}), raw, db).outcome == "loaded"
    row = receipts(db).set_index(["unit", "year"]).loc[("旗教育局", 2024)]
    assert (row["state"], row["n_approved"], row["n_pending"]) == ("approved", 1, 1)
    assert row["state_label"] == "已通过，另有1个待审核"
