"""The planning workbook (规划项目与适龄人口): made by the template, prefilled with tasks 88–89, checked, archived,
loaded, reviewed like any workbook; its changes and births reach the plan; it is not a unit's yearly report."""

from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

from pipelines.operations.ingest import ingest_file
from pipelines.planning import settings as p
from pipelines.planning.template import fill_plan_book, make_plan_template, prefilled
from tests.books import ingest_approved, written
from tests.cli import run_cli
from tests.school_books import school_book


def q(db: Path, sql: str, params=()):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def plan_book(db: Path, path: Path, changes: list[dict], population: list[dict], unit="旗教育局", year=2026,
              edit=None) -> Path:
    with duckdb.connect(str(db), read_only=True) as con:
        wb = make_plan_template(con, unit, year)
    data = fill_plan_book(wb, changes, population)
    return written(data, path, edit)


def change(project, school_id, kind, amount, ready, stage=None, **more):
    return {p.PROJECT: project, p.ID: school_id, p.KIND: kind, p.AMOUNT: amount, p.READY: ready, p.STAGE: stage, **more}


BIRTHS = [{p.POPULATION_YEAR: y, p.BIRTHS: n, p.POP_SOURCE: "旗卫健委出生登记", p.POP_DATE: "2026-03-31"}
          for y, n in {2017: 300, 2018: 300, 2019: 300, 2020: 250, 2021: 220, 2022: 200, 2023: 180, 2024: 180}.items()]


@pytest.fixture
def county(wh, tmp_path):
    """The small county's school workbooks of 2024 and 2025, approved."""
    raw, db = wh
    for year in (2024, 2025):
        assert ingest_approved(school_book(db, tmp_path / f"schools_{year}.xlsx", year=year), raw, db).outcome == "loaded"
    return raw, db


def test_the_template_is_prefilled_with_the_notices_buildings(county, tmp_path):
    raw, db = county
    out = tmp_path / "plan.xlsx"
    result = run_cli("template", "--unit", "旗教育局", "--year", 2026, "--plan", "--out", out, "--db", db)
    assert result.returncode == 0, result.stderr
    assert "规划项目与适龄人口" in result.stdout
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["填报说明", p.SHEET_CHANGES, p.SHEET_POPULATION]
    rows = prefilled(wb)
    # tasks 88–89: eleven projects and the canteen, each with the task it comes from
    assert len(rows) == 12 and rows[p.SOURCE].str.match(r"方案任务8[89]（[TB]\d+-\d+）").all()
    listed = dict(zip(rows[p.PROJECT], rows[p.KIND]))
    assert listed["新惠第三小学综合楼"] == "教学及辅助用房" and listed["新惠第七小学体育活动室"] == "体育运动场馆"
    assert listed["新惠中学学生餐厅"] == p.LIVING and listed["新惠第四中学"] == p.NEW_SCHOOL
    canteen = rows[rows[p.PROJECT] == "新惠中学学生餐厅"].iloc[0]
    assert canteen[p.AMOUNT] == 4500 and canteen[p.READY] == 2025
    started = rows[rows[p.PROJECT] == "新惠第七小学体育活动室"].iloc[0]  # 规划新建: only its start is dated
    assert pd.isna(started[p.READY]) and "竣工年份待定" in started[p.NOTE]


def test_a_planning_workbook_is_archived_loaded_and_counts_once_approved(county, tmp_path):
    raw, db = county
    book = plan_book(db, tmp_path / "plan.xlsx",
                     [change("新惠示例小学运动场", "SL001", "体育运动场馆", 600, 2026),
                      change("贝子府示例学校综合楼", "SL003", "教学及辅助用房", 800, 2027, stage="全校共用"),
                      change("示例食堂", "SL002", p.LIVING, 900, 2026)], BIRTHS)
    before = q(db, "select count(*) from submissions")[0][0]
    result = ingest_file(book, raw, db)
    assert result.outcome == "loaded", [str(x) for x in result.problems]
    assert "规划项目 3 项（计入指标 2 项），适龄人口 8 个年度" in result.message
    assert q(db, "select count(*) from submissions")[0][0] == before + 1
    assert (raw / "submissions" / q(db, "select archive_path from submissions where submission_id = ?",
                                    [result.submission_id])[0][0]).read_bytes() == book.read_bytes()
    assert q(db, "select count(*) from current_planned_changes(true)") == [(0,)]  # pending: not counted
    from pipelines.records.history import submission_changes
    from pipelines.records.review_preview import preview

    seen = preview(db, result.submission_id).values  # what the reviewer sees approving it would change
    assert seen.set_index("name").at["新惠示例小学运动场：体育运动场馆（2026年到位）", "value"] == 600
    assert set(seen["change"]) == {"新增"} and len(seen) == 3 + 8  # three amounts (the canteen's too) and 8 births
    with duckdb.connect(str(db), read_only=True) as con:
        assert "2020年出生人口数" in set(submission_changes(con, result.submission_id)["指标"])
    ingest_approved_id(raw, db, result.submission_id)
    assert q(db, "select school_id, stage, resource, amount, year_ready from current_planned_changes(true) "
                 "where resource is not null order by sheet_row") == [
        ("SL001", "小学", "sports_area", 600.0, 2026), ("SL003", "全校共用", "teaching_area", 800.0, 2027)]
    # SL001 meets 6 of 7 (sports ground at 93%); with the ground ready in 2026 it meets all 7 from then on
    n_met = dict(q(db, "select scenario, n_met from plan_schools where scheme = '优质均衡' and school_id = 'SL001' "
                       "and year = 2026 and scenario in ('base', 'changes')"))
    assert n_met == {"base": 6, "changes": 7}
    assert q(db, "select births_source from current_population(true) where year = 2020") == [("旗卫健委出生登记",)]
    method = q(db, "select method from plan_runs where scheme = '优质均衡'")[0][0]
    assert "小学新生按6年前的出生人口（来源：旗卫健委出生登记）" in method


def ingest_approved_id(raw, db, submission_id):
    from datetime import datetime

    from pipelines.operations.review import record_decision

    record_decision(raw, db, submission_id, "approved", "审核员", datetime.now().replace(microsecond=0))


def _cell(sheet, row, header, value):
    def edit(wb):
        ws = wb[sheet]
        column = next(c for c in range(1, ws.max_column + 1) if ws.cell(p.HEADER_ROW, c).value == header)
        ws.cell(row, column).value = value
    return edit


def test_a_faulty_planning_workbook_is_refused_whole_with_sheet_row_and_column(county, tmp_path):
    raw, db = county
    changes = [change("运动场", "SL001", "体育运动场馆", 600, 2026),
               change("综合楼", "SL003", "教学及辅助用房", 800, 2027),  # a two-stage school: which stage?
               change("新校", "SL999", "教学及辅助用房", 500, 2027),  # not in the register
               change("设备", "SL002", "教学仪器设备", 30, None),  # counted, but no year
               change("游泳池", "SL001", "游泳馆", 300, 2027)]  # not a kind
    population = [*BIRTHS[:2], {p.POPULATION_YEAR: 2019, p.BIRTHS: 300, p.POP_SOURCE: "网上查的"}]

    def fault(wb):
        _cell(p.SHEET_CHANGES, 4, p.AMOUNT, "约六百")(wb)

    book = plan_book(db, tmp_path / "bad.xlsx", changes, population, edit=fault)
    archived = sorted((raw / "submissions").rglob("*.xlsx"))
    result = ingest_file(book, raw, db)
    assert result.outcome == "rejected"
    found = {(x.sheet, x.row, x.column): x.reason for x in result.errors}
    assert found[(p.SHEET_CHANGES, 4, p.AMOUNT)].startswith("无法识别")
    assert "有小学、初中两个学段，须填写学段" in found[(p.SHEET_CHANGES, 5, p.STAGE)]
    assert "SL999" in found[(p.SHEET_CHANGES, 6, p.ID)] and "不在最新的学校与幼儿园名录中" in found[(p.SHEET_CHANGES, 6, p.ID)]
    assert "须填写到位" in found[(p.SHEET_CHANGES, 7, p.READY)]
    assert "类别“游泳馆”不是可选值" in found[(p.SHEET_CHANGES, 8, p.KIND)]
    assert "卫健、统计或公安" in found[(p.SHEET_POPULATION, 6, p.POP_SOURCE)]
    assert sorted((raw / "submissions").rglob("*.xlsx")) == archived  # nothing archived
    assert q(db, "select count(*) from plan_workbooks") == [(0,)]


def test_a_planning_workbook_is_not_the_units_yearly_report(county, tmp_path):
    raw, db = county
    receipts = "select unit, year, n_approved, n_pending, state from report_receipts(true) order by all"
    before = q(db, receipts)
    book = plan_book(db, tmp_path / "plan.xlsx", [change("运动场", "SL001", "体育运动场馆", 600, 2026)], BIRTHS)
    assert ingest_approved(book, raw, db).outcome == "loaded"
    assert q(db, "select units_reported from year_coverage(true) where year = 2026") == [(0,)]
    assert q(db, receipts) == before
    assert q(db, "select kind from special_workbooks where year = 2026") == [("plan",)]
    # the review list does not take it for a later version of a yearly workbook of 旗教育局 2026
    from pipelines.records.review_state import REVIEW_LIST

    with duckdb.connect(str(db), read_only=True) as con:
        listed = con.execute(REVIEW_LIST, ["all"] * 3).df()
    assert listed.set_index("file_name").at["plan.xlsx", "n_later"] == 0


def test_a_rebuild_gives_the_same_plan(county, tmp_path):
    from pipelines.operations.build import build

    raw, db = county
    book = plan_book(db, tmp_path / "plan.xlsx", [change("运动场", "SL001", "体育运动场馆", 600, 2026)], BIRTHS)
    assert ingest_approved(book, raw, db).outcome == "loaded"
    tables = ("enrolment_projection", "readiness_plan", "plan_criteria", "plan_schools")
    before = {t: q(db, "from query_table(?) order by all", [t]) for t in tables}
    build(raw, db)
    assert {t: q(db, "from query_table(?) order by all", [t]) for t in tables} == before
    assert q(db, "select count(*) from planned_changes") == [(1,)]
