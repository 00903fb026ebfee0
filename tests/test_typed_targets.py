"""Issue 19, item 6: phrases checkable without a number, typed and judged like the rest — by hand on tiny data,
then through the public path (template → ingest → status)."""

import duckdb
import pytest

from pipelines import config
from pipelines.catalogue import read_catalogue
from pipelines.describe import describe_goal
from pipelines.formats import gap as describe_gap
from pipelines.formats import latest as describe_latest
from pipelines.status import assess, target_of
from tests.books import filled, ingest_approved, row_of, template

CATALOGUE = read_catalogue(config.RAW_DIR / config.REFERENCE_DIR)
ROWS = CATALOGUE.targets.set_index("target_id", drop=False)
PROJECTS = {"T88-1": "FAC_PS10", "T88-2": "FAC_MS4", "T88-3": "FAC_KG8", "T88-4": "FAC_KG9", "T89-1": "FAC_MS9",
            "T89-2": "FAC_PS3_COMPLEX", "T89-3": "FAC_PS7_GYM", "T89-4": "FAC_HYW_CANTEEN", "T89-5": "FAC_BZF_CANTEEN",
            "T89-6": "FAC_CS_COMPLEX", "T89-7": "FAC_MTYZ_KG"}


def judged(target_id: str, values, as_of: int):
    return assess(target_of(next(ROWS.loc[[target_id]].itertuples())), values, as_of)


def test_the_new_targets_are_typed_as_the_notice_words_them():
    t = ROWS
    assert t.loc["T15-3", ["kind", "target_year", "goal", "source_text"]].tolist() == [
        "milestone", 2023, "建成", "力争建成共享型实训基地"]
    assert t.loc["T34-2", ["kind", "comparator", "basis", "target_year", "recurring"]].tolist() == [
        "trend", "decreasing", "each_year", 2023, True]
    assert t.loc["T35-1", ["kind", "comparator", "target_value", "target_year"]].tolist() == ["level", "<=", 0.0, 2023]
    assert [t.loc[f"T48-{n}", "comparator"] for n in (1, 2, 3)] == ["decreasing", "increasing", "not_decreasing"]
    assert set(t.loc[["T48-1", "T48-2", "T48-3"], "basis"]) == {"overall"}
    assert t.loc["T80-1", ["kind", "target_value", "recurring"]].tolist() == ["compliance", 100.0, True]
    projects = t[t["kind"] == "project"]
    assert dict(zip(projects["target_id"], projects["indicator_code"])) == PROJECTS
    # 新建 … by 竣工; 规划新建 (九中, 三小综合楼, 七小体育活动室) by 开工; 新惠十小 by 2023 (年底全部完成), the rest by 2025.
    assert {i: int(v) for i, v in zip(projects["target_id"], projects["target_value"]) if v == 1} == {
        "T89-1": 1, "T89-2": 1, "T89-3": 1}
    assert dict(zip(projects["target_id"], projects["target_year"]))["T88-1"] == 2023
    assert set(projects["target_year"]) == {2023, 2025}
    assert ROWS.loc["B28-1", "target_value"] == 4500  # the canteen's 4500㎡ stays


@pytest.mark.parametrize(("target", "values", "as_of", "status"), [
    # task 48: 初级 below the baseline (met), back above it (missed); 中级 level with it is not 增加; 高级 kept
    ("T48-1", [(2022, 40.0), (2023, 38.0)], 2023, "year_met"),
    ("T48-1", [(2022, 40.0), (2023, 38.0), (2024, 41.0)], 2024, "year_missed"),
    ("T48-1", [(2022, 40.0), (2023, 38.0)], 2024, "year_no_data"),
    ("T48-1", [(2023, 38.0)], 2023, "not_assessable"),  # no baseline before the year
    ("T48-2", [(2022, 30.0), (2023, 30.0)], 2023, "year_missed"),
    ("T48-2", [(2022, 30.0), (2024, 33.5)], 2024, "year_met"),
    ("T48-3", [(2022, 20.0), (2023, 20.0)], 2023, "year_met"),
    ("T48-1", [(2022, 40.0)], 2022, "not_due"),
    # task 34: 分年度补齐 — fewer than the year before, or none left
    ("T34-2", [(2022, 12.0), (2023, 8.0)], 2023, "year_met"),
    ("T34-2", [(2022, 12.0), (2023, 8.0), (2024, 8.0)], 2024, "year_missed"),
    ("T34-2", [(2024, 0.0), (2025, 0.0)], 2025, "year_met"),
    ("T34-2", [(2023, 3.0)], 2023, "not_assessable"),
    # task 35: the 特教 gap closed by 2023 (met), only in 2024 (late), not at all (missed), never reported
    ("T35-1", [(2022, 6.0), (2023, 0.0)], 2023, "met"),
    ("T35-1", [(2022, 6.0), (2023, 2.0), (2024, 0.0)], 2024, "met_late"),
    ("T35-1", [(2022, 6.0), (2023, 2.0)], 2024, "missed"),
    ("T35-1", [], 2025, "no_data"),
    # task 80: every school teaches the course, or not
    ("T80-1", [(2023, 100.0)], 2023, "year_met"),
    ("T80-1", [(2023, 96.2)], 2023, "year_missed"),
    ("T80-1", [(2023, 100.0)], 2024, "year_no_data"),
    # task 15: the 共享型实训基地 建成 by 2023
    ("T15-3", [(2023, 1.0)], 2023, "met"),
    ("T15-3", [(2023, 0.0), (2024, 1.0)], 2024, "met_late"),
    ("T15-3", [(2023, 0.0)], 2023, "missed"),
    ("T15-3", [], 2024, "missed"),
    ("T15-3", [], 2022, "not_due"),
    # a project to finish by 2025: 在建 on track, 未开工 behind, 竣工 in time or late, not there after its year
    ("T88-2", [(2024, 1.0)], 2024, "on_track"),
    ("T88-2", [(2024, 0.0)], 2024, "insufficient"),
    ("T88-2", [(2024, 1.0), (2025, 2.0)], 2025, "met"),
    ("T88-2", [(2025, 1.0), (2026, 2.0)], 2026, "met_late"),
    ("T88-2", [(2024, 1.0), (2025, 1.0)], 2025, "missed"),
    ("T88-2", [(2024, 1.0)], 2026, "missed"),
    ("T88-2", [], 2025, "no_data"),
    ("T88-2", [], 2026, "missed"),
    # a project to start by 2025 (规划新建): not started yet is not yet due; 在建 (or 竣工) is met
    ("T89-1", [(2024, 0.0)], 2024, "not_due"),
    ("T89-1", [(2024, 0.0), (2025, 1.0)], 2025, "met"),
    ("T89-1", [(2025, 0.0)], 2025, "missed"),
    ("T88-1", [(2023, 2.0)], 2023, "met"),  # 新惠十小: 年底全部完成 (2023)
    ("T88-1", [(2023, 1.0)], 2024, "missed"),
])
def test_each_new_target_judged_by_hand(target, values, as_of, status):
    assert judged(target, values, as_of).status == status


def test_a_projects_words():
    met = judged("T88-2", [(2024, 1.0), (2025, 2.0)], 2025)
    assert met.latest_text == "2025年已竣工" and met.method == "project"
    building = judged("T88-2", [(2024, 1.0)], 2024)
    row = next(ROWS.loc[["T88-2"]].assign(latest_value=building.latest_value, latest_text=None, gap=building.gap)
               .itertuples())
    assert describe_goal(row) == "竣工" and describe_latest(row) == "在建" and describe_gap(row) == "未竣工"
    assert building.detail == "2024年末在建，期限2025年底前竣工"
    assert describe_goal(next(ROWS.loc[["T89-1"]].itertuples())) == "开工"
    late = judged("T35-1", [(2022, 6.0), (2023, 2.0)], 2024)
    assert describe_goal(next(ROWS.loc[["T35-1"]].itertuples())) == "缺口补齐（0）" and late.gap == 2.0
    assert judged("T15-3", [(2023, 1.0)], 2023).latest_text == "2023年报告“是”（建成）"
    assert "基线2022年40" in judged("T48-1", [(2022, 40.0), (2023, 38.0)], 2023).detail


def test_the_new_indicators_are_in_their_units_workbooks(plan_db):
    edu = template(plan_db, "旗教育局", 2025)
    sheet = edu[config.SHEET_VALUES]
    codes = {sheet.cell(r, 1).value for r in range(4, sheet.max_row + 1)}
    assert {"VE_SHARED_BASE", "SE_TEACHER_GAP", "KG_STAFF_GAP", "LE_COURSE_SHARE", "LE_COURSE_SCHOOLS",
            *PROJECTS.values()} <= codes
    assert "SC_SCHOOLS" not in codes  # the denominator of 劳动教育必修课 is counted from the school register
    stage_rule = next(dv for dv in sheet.data_validations.dataValidation if "未开工" in (dv.formula1 or ""))
    assert f"E{row_of(edu, 'FAC_MS4')}" in str(stage_rule.sqref)
    hr = template(plan_db, "旗人社局", 2025)[config.SHEET_VALUES]
    assert {hr.cell(r, 1).value for r in range(4, hr.max_row + 1)} >= {
        "RC_JUNIOR_SHARE", "RC_JUNIOR", "RC_POSTS", "RC_MID_SHARE", "RC_MID", "RC_SENIOR_SHARE", "RC_SENIOR"}


def test_new_targets_through_the_public_path(wh, tmp_path):
    raw, db = wh
    books = [
        ("旗教育局", 2022, {"SE_TEACHER_GAP": 6, "KG_STAFF_GAP": 12}),
        ("旗教育局", 2023, {"SE_TEACHER_GAP": "0人", "KG_STAFF_GAP": 8, "VE_SHARED_BASE": "是", "FAC_PS10": "已竣工",
                          "FAC_MS4": "在建", "FAC_MS9": "未开工"}),
        ("旗人社局", 2022, {"RC_JUNIOR": 8, "RC_MID": 6, "RC_SENIOR": 6, "RC_POSTS": 20}),
        ("旗人社局", 2023, {"RC_JUNIOR": 6, "RC_MID": 8, "RC_SENIOR": 6, "RC_POSTS": 20}),
    ]
    for i, (unit, year, values) in enumerate(books):
        result = ingest_approved(filled(db, tmp_path / f"{i}.xlsx", unit=unit, year=year, values=values), raw, db)
        assert result.outcome == "loaded", [str(p) for p in result.problems]
    with duckdb.connect(str(db), read_only=True) as con:
        got = dict(con.execute("select target_id, status from target_assessments where as_of_year = 2023 "
                               "and not include_demo").fetchall())
        stages = dict(con.execute("select indicator_code, value from latest_observations where year = 2023 "
                                  "and indicator_code like 'FAC_%'").fetchall())
    assert stages == {"FAC_PS10": 2.0, "FAC_MS4": 1.0, "FAC_MS9": 0.0}
    assert {k: got[k] for k in ("T15-3", "T35-1", "T34-2", "T48-1", "T48-2", "T48-3", "T88-1", "T88-2", "T89-1",
                                "T89-4")} == {
        "T15-3": "met", "T35-1": "met", "T34-2": "year_met", "T48-1": "year_met", "T48-2": "year_met",
        "T48-3": "year_met", "T88-1": "met", "T88-2": "on_track", "T89-1": "not_due", "T89-4": "no_data"}


def test_a_stage_typed_otherwise_is_refused_with_its_cell(wh, tmp_path):
    from pipelines.ingest import ingest_file

    raw, db = wh
    path = filled(db, tmp_path / "bad.xlsx", values={"FAC_MS4": "快完工了"})
    result = ingest_file(path, raw, db)
    assert result.outcome == "rejected"
    (problem,) = [p for p in result.problems if p.severity == "error"]
    wb = template(db, "旗教育局", 2025)
    assert (problem.sheet, problem.row, problem.column) == (config.SHEET_VALUES, row_of(wb, "FAC_MS4"), "数值")
    assert "未开工、在建、已竣工" in problem.reason
