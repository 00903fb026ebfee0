"""旗教育局's school and kindergarten workbook through the common check → archive → load path."""

from pathlib import Path

import duckdb
import pytest

from pipelines import config
from pipelines.archive import read_log
from pipelines.build import build
from pipelines.ingest import ingest_file, withdraw
from pipelines.schools import settings as s
from tests.books import approve_all, filled, ingest_approved
from tests.cli import run_cli
from tests.school_books import COUNTY, REGISTER, SCHOOLS, column_of, counts, full, row_with, school, school_book


def q(db: Path, sql: str, params=()):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def archive_files(raw: Path) -> list[Path]:
    return sorted(p for p in (raw / config.SUBMISSIONS_DIR).rglob("*") if p.is_file())


def test_a_good_school_workbook_is_archived_and_loaded(wh, tmp_path):
    raw, db = wh
    result = ingest_approved(school_book(db, tmp_path / "schools.xlsx"), raw, db)
    assert result.outcome == "loaded", [str(p) for p in result.problems]
    assert "学校 4 所（6 行），幼儿园 3 所，全旗指标 2 项" in result.message
    typed = sum(len([k for k in row if k not in ("学校标识码", "学校名称", "学段")]) for row in SCHOOLS) + 3 * 6 + 2
    assert q(db, "select unit, year, is_demo, n_values from submissions") == [("旗教育局", 2025, False, typed)]
    assert q(db, "select year, n_schools, n_kindergartens, n_school_rows, n_county_items from school_workbooks") == [
        (2025, 4, 3, 6, 2)]
    assert q(db, "select school_id, stage, stages, township, area_type, ownership from schools where kind = 'school' "
                 "order by school_id") == [
        ("SL001", "小学", ["小学"], "新惠镇", "城区", "公办"),
        ("SL002", "初中", ["初中"], "四家子镇", "镇区", "公办"),
        ("SL003", "九年一贯制", ["小学", "初中"], "贝子府镇", "镇区", "公办"),
        ("SL004", "教学点", ["小学"], "长胜镇", "乡村", "公办"),
    ]
    assert q(db, "select item_code, value from county_items order by item_code") == [
        ("YZ_G06", 1.0), ("YZ_S01", 88.0)]
    # archived byte for byte and logged, so that build replays it
    [event] = [e for e in read_log(raw) if e["event"] == "accepted"]
    assert (raw / config.SUBMISSIONS_DIR / event["path"]).read_bytes() == (tmp_path / "schools.xlsx").read_bytes()
    rebuilt = tmp_path / "rebuilt.duckdb"
    build(raw, rebuilt)
    for table in ("school_register", "school_counts", "kindergarten_counts", "county_items", "readiness"):
        count = "select count(*) from query_table(?)"
        assert q(rebuilt, count, [table]) == q(db, count, [table]), table
    assert q(rebuilt, "select * from school_indicators order by all") == q(db, "select * from school_indicators order by all")


def test_the_ingest_command_recognises_the_school_workbook(wh, tmp_path):
    raw, db = wh
    book = school_book(db, tmp_path / "schools.xlsx")
    result = run_cli("ingest", book, "--raw", raw, "--db", db)
    assert result.returncode == 0, result.stderr
    assert "旗教育局 2025年度学校与幼儿园" in result.stdout
    again = run_cli("ingest", book, "--raw", raw, "--db", db)
    assert again.returncode == 0 and "内容完全相同，未重复载入" in again.stdout


def _set(sheet, first, header, value, stage=None):
    def edit(wb):
        ws = wb[sheet]
        ws.cell(row_with(ws, first, stage), column_of(ws, header)).value = value
    return edit


def _append(sheet, values: dict):
    def edit(wb):
        ws = wb[sheet]
        r = max(row for row in range(s.HEADER_ROW + 1, ws.max_row + 1) if ws.cell(row, 1).value) + 1
        for header, value in values.items():
            ws.cell(r, column_of(ws, header)).value = value
    return edit


def _both(*edits):
    def edit(wb):
        for one in edits:
            one(wb)
    return edit


REFUSALS = [
    ("unknown_school", _append(s.SHEET_SCHOOLS, {s.ID: "SL999", s.STAGE: "小学", "在校生数": 100}),
     s.SHEET_SCHOOLS, "A", "学校标识码“SL999”不在“学校名录”中"),
    ("school_listed_twice", _append(s.SHEET_REGISTER, school("SL002", "重复的学校", "初中", "四家子镇", "镇区")),
     s.SHEET_REGISTER, "A", "“SL002”重复列出（与“学校名录”第5行）"),
    ("stage_listed_twice", _append(s.SHEET_SCHOOLS, {s.ID: "SL001", s.STAGE: "小学", "在校生数": 10}),
     s.SHEET_SCHOOLS, "C", "新惠示例小学的“小学”重复填报"),
    ("stage_not_taught", _set(s.SHEET_SCHOOLS, "SL002", s.STAGE, "小学"),
     s.SHEET_SCHOOLS, "C", "四家子示例初级中学是初中，没有“小学”学段"),
    ("shared_row_of_a_single_stage_school", _append(s.SHEET_SCHOOLS, {s.ID: "SL001", s.STAGE: s.SHARED_STAGE,
                                                                      "体育运动场馆面积(平方米)": 100}),
     s.SHEET_SCHOOLS, "C", "单一学段"),
    ("no_students_but_teachers", _set(s.SHEET_SCHOOLS, "SL002", "在校生数", 0),
     s.SHEET_SCHOOLS, "D", "在校生数为0，却填写了教学班数"),
    ("text_in_a_count", _set(s.SHEET_SCHOOLS, "SL001", "县级以上骨干教师数", "十二人"),
     s.SHEET_SCHOOLS, "H", "无法识别为数字"),
    ("negative_area", _set(s.SHEET_SCHOOLS, "SL001", "体育运动场馆面积(平方米)", -5),
     s.SHEET_SCHOOLS, "K", "不能为负数"),
    ("fraction_of_a_teacher", _set(s.SHEET_SCHOOLS, "SL001", "高于规定学历教师数", 50.5),
     s.SHEET_SCHOOLS, "G", "应为整数"),
    ("absurd_students", _set(s.SHEET_SCHOOLS, "SL001", "在校生数", 100000),
     s.SHEET_SCHOOLS, "D", "超出一所学校可能的范围"),
    ("junior_counts_on_a_primary_row", _set(s.SHEET_SCHOOLS, "SL001", "初中毕业班学生数", 10),
     s.SHEET_SCHOOLS, "P", "只在初中学段填写"),
    ("unknown_township", _set(s.SHEET_REGISTER, "SL001", s.TOWNSHIP, "新惠"),
     s.SHEET_REGISTER, "C", "苏木乡镇“新惠”不是敖汉旗的苏木乡镇"),
    ("abolished_township", _set(s.SHEET_REGISTER, "SL002", s.TOWNSHIP, "宝国吐乡"),
     s.SHEET_REGISTER, "C", "苏木乡镇“宝国吐乡”已撤销，不在现行区划（国家统计局2023年统计用区划代码）中"),
    ("abolished_township_of_a_kindergarten", _set(s.SHEET_KINDERGARTENS, "YE002", s.TOWNSHIP, "宝国吐乡"),
     s.SHEET_KINDERGARTENS, "C", "苏木乡镇“宝国吐乡”已撤销"),
    ("unknown_school_type", _set(s.SHEET_REGISTER, "SL001", s.SCHOOL_TYPE, "小学校"),
     s.SHEET_REGISTER, "E", "办学类型“小学校”应为"),
    ("merged_school_still_listed", _set(s.SHEET_REGISTER, "SL001", s.MERGED_FROM, "SL004"),
     s.SHEET_REGISTER, "A", "已注明并入"),
    ("kindergarten_listed_twice", _set(s.SHEET_KINDERGARTENS, "YE002", s.KG_ID, "YE001"),
     s.SHEET_KINDERGARTENS, "A", "“YE001”重复列出"),
    ("kindergarten_id_of_a_school", _set(s.SHEET_KINDERGARTENS, "YE002", s.KG_ID, "SL001"),
     s.SHEET_KINDERGARTENS, "A", "与“学校名录”第4行"),
    ("certified_above_teachers", _set(s.SHEET_KINDERGARTENS, "YE001", "持证专任教师数", 15),
     s.SHEET_KINDERGARTENS, "K", "持证专任教师数（15）大于专任教师数（14）"),
    ("unknown_kindergarten_type", _set(s.SHEET_KINDERGARTENS, "YE003", s.KG_OWNER, "民办"),
     s.SHEET_KINDERGARTENS, "E", "性质“民办”应为"),
    # issue 19's inputs
    ("centre_not_yes_or_no", _set(s.SHEET_KINDERGARTENS, "YE001", "是否乡镇中心园", "中心"),
     s.SHEET_KINDERGARTENS, "M", "无法识别“中心”：请填写“是”或“否”"),
    ("certified_heads_above_heads", _both(_set(s.SHEET_KINDERGARTENS, "YE001", "园长数", 1),
                                          _set(s.SHEET_KINDERGARTENS, "YE001", "持证园长数", 2)),
     s.SHEET_KINDERGARTENS, "O", "持证园长数（2）大于园长数（1）"),
    ("design_year_after_the_year", _set(s.SHEET_KINDERGARTENS, "YE002", "园舍规划设计年份", 2030),
     s.SHEET_KINDERGARTENS, "P", "园舍规划设计年份“2030”应为1949年至填报年度之间的四位年份"),
    ("design_year_as_a_date", _set(s.SHEET_KINDERGARTENS, "YE002", "园舍规划设计年份", "2017年9月"),
     s.SHEET_KINDERGARTENS, "P", "无法识别为数字"),
    ("activity_rooms_above_the_building", _both(_set(s.SHEET_KINDERGARTENS, "YE003", "幼儿活动用房建筑面积(平方米)", 900),
                                                _set(s.SHEET_KINDERGARTENS, "YE003", "园舍建筑面积(平方米)", 800)),
     s.SHEET_KINDERGARTENS, "R", "幼儿活动用房建筑面积(平方米)（900）大于园舍建筑面积(平方米)（800）"),
    ("room_area_without_rooms", _both(_set(s.SHEET_SCHOOLS, "SL004", "音乐专用教室数", 0),
                                      _set(s.SHEET_SCHOOLS, "SL004", "最小一间音乐专用教室面积(平方米)", 60)),
     s.SHEET_SCHOOLS, "R", "音乐专用教室数为0，却填写了最小一间音乐专用教室面积(平方米)（60）"),
    ("absurd_room_area", _set(s.SHEET_SCHOOLS, "SL001", "最小一间美术专用教室面积(平方米)", 9000),
     s.SHEET_SCHOOLS, "S", "超出一所学校可能的范围"),
    ("share_above_100", _set(s.SHEET_COUNTY, "YZ_S01", "数值", 120),
     s.SHEET_COUNTY, "D", "不能超过100%"),
    ("unknown_county_code", _set(s.SHEET_COUNTY, "YZ_S01", "项目代码", "YZ_X99"),
     s.SHEET_COUNTY, "A", "项目代码“YZ_X99”不存在"),
]


@pytest.mark.parametrize(("fault", "edit", "sheet", "letter", "reason"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_a_faulty_school_workbook_is_refused_with_sheet_row_and_column(wh, tmp_path, fault, edit, sheet, letter, reason):
    raw, db = wh
    before = archive_files(raw)
    result = ingest_file(school_book(db, tmp_path / f"{fault}.xlsx", edit=edit), raw, db)
    assert result.outcome == "rejected"
    [problem] = [p for p in result.errors if p.sheet == sheet and reason in p.reason] or [None]
    assert problem is not None, [str(p) for p in result.problems]
    assert problem.row and problem.row > s.HEADER_ROW and problem.letter == letter, str(problem)
    assert archive_files(raw) == before
    assert q(db, "select count(*) from submissions") == [(0,)]
    assert q(db, "select count(*) from school_register") == [(0,)]


def test_a_school_of_the_current_division_is_accepted_and_a_renamed_township_is_read_with_a_note(wh, tmp_path):
    """Issue 19: 黄羊洼学校 (task 89) in 黄羊洼镇, a township of the 2023 division, is accepted; 牛古吐乡 (now 牛古吐镇)
    is read as 牛古吐镇, and a located note says so; 宝国吐乡 (abolished) is refused (REFUSALS)."""
    raw, db = wh
    register = [*REGISTER, school("SL005", "黄羊洼学校", "九年一贯制", "黄羊洼镇", "乡村"),
                school("SL006", "牛古吐中心小学", "小学", "牛古吐乡", "镇区"), school("SL007", "牛古吐村小学", "小学", "牛古吐乡", "乡村")]
    rows = [*SCHOOLS, counts("SL005", "黄羊洼学校", "小学", 420), counts("SL005", "黄羊洼学校", "初中", 310),
            counts("SL006", "牛古吐中心小学", "小学", 500), counts("SL007", "牛古吐村小学", "小学", 80)]
    result = ingest_approved(school_book(db, tmp_path / "current.xlsx", register=register, schools=rows), raw, db)
    assert result.outcome == "loaded", [str(p) for p in result.errors]
    assert dict(q(db, "select name, township from schools where school_id in ('SL005', 'SL006', 'SL007')")) == {
        "黄羊洼学校": "黄羊洼镇", "牛古吐中心小学": "牛古吐镇", "牛古吐村小学": "牛古吐镇"}
    [note] = [p for p in result.warnings if "牛古吐乡" in p.reason]
    assert note.sheet == s.SHEET_REGISTER and note.letter == "C" and note.row == s.HEADER_ROW + 6
    assert "“牛古吐乡”已更名为“牛古吐镇”，按现名读取" in note.reason and "共2行：第9、10行" in note.reason


def test_every_problem_of_a_workbook_is_listed_at_once(wh, tmp_path):
    raw, db = wh

    def three_faults(wb):
        edits = {fault: edit for fault, edit, *_ in REFUSALS}
        for edit in (edits["unknown_school"], edits["stage_not_taught"], edits["certified_above_teachers"]):
            edit(wb)
    result = ingest_file(school_book(db, tmp_path / "three.xlsx", edit=three_faults), raw, db)
    assert result.outcome == "rejected" and len(result.errors) == 3
    assert {p.sheet for p in result.errors} == {s.SHEET_SCHOOLS, s.SHEET_KINDERGARTENS}


def test_a_workbook_of_another_unit_or_year_is_refused(wh, tmp_path):
    raw, db = wh

    def other(wb):
        guide = wb[config.SHEET_GUIDE]
        for r in range(1, 12):
            if guide.cell(r, 1).value == config.GUIDE_UNIT_LABEL:
                guide.cell(r, 2).value = "旗财政局"
            if guide.cell(r, 1).value == config.GUIDE_YEAR_LABEL:
                guide.cell(r, 2).value = 2035
    result = ingest_file(school_book(db, tmp_path / "other.xlsx", edit=other), raw, db)
    reasons = " ".join(p.reason for p in result.errors)
    assert result.outcome == "rejected" and "由旗教育局填报，不是“旗财政局”" in reasons and "2035" in reasons


def test_warnings_are_kept_and_the_workbook_loads(wh, tmp_path):
    raw, db = wh
    register = [*REGISTER, school("SL005", "没有数据的小学", "小学", "长胜镇", "乡村")]
    schools = [row for row in SCHOOLS if row[s.ID] != "SL003" or row[s.STAGE] != "初中"]
    result = ingest_file(school_book(db, tmp_path / "gaps.xlsx", register=register, schools=schools), raw, db)
    assert result.outcome == "loaded", [str(p) for p in result.errors]
    reasons = [w.reason for w in result.warnings]
    assert any("没有数据的小学在“学校”中没有小学学段的数据" in r for r in reasons)
    assert any("贝子府示例学校在“学校”中没有初中学段的数据" in r for r in reasons)
    assert q(db, "select count(*) from ingest_warnings") == [(len(reasons),)]


def test_a_later_workbook_restates_the_year_and_a_withdrawal_restores_the_earlier(wh, tmp_path, accounts):
    from pipelines.accounts import AccountStore

    raw, db = wh
    ingest_approved(school_book(db, tmp_path / "first.xlsx"), raw, db)
    fewer = [row for row in SCHOOLS if row[s.ID] != "SL004"]
    second = ingest_approved(school_book(db, tmp_path / "second.xlsx", register=REGISTER[:3], schools=fewer,
                                     county={**COUNTY, "YZ_S01": 90}), raw, db)
    assert second.outcome == "loaded"
    assert q(db, "select count(*) from schools where kind = 'school'") == [(3,)]
    assert q(db, "select count(*) from school_register where kind = 'school'") == [(7,)]  # both versions kept
    assert q(db, "select value from county_criteria where criterion_id = 'YZ_S01'") == [(90.0,)]
    withdraw(raw, db, second.submission_id, AccountStore().get("admin"), "误报")
    assert q(db, "select count(*) from schools where kind = 'school'") == [(4,)]
    assert q(db, "select value from county_criteria where criterion_id = 'YZ_S01'") == [(88.0,)]
    assert q(db, "select value from readiness where criterion_id = 'YZ_S01' and as_of_year = 2025 and include_demo") == [
        (88.0,)]


def test_what_a_school_workbook_would_change_is_shown_before_loading(wh, tmp_path):
    from pipelines.ingest import check_file
    from pipelines.warehouse import connect

    raw, db = wh
    ingest_approved(school_book(db, tmp_path / "first.xlsx"), raw, db)
    changed = [counts("SL001", "新惠示例小学", "小学", **full(1000, 50, 12, 10, 5000, 7600, 250, 25),
                      classes=22, max_class=46, music_rooms=2, art_rooms=2), *SCHOOLS[1:]]
    book = school_book(db, tmp_path / "second.xlsx", schools=changed)
    with connect(db, read_only=True) as con:
        result = check_file(con, book, "second.xlsx")
    assert result.outcome == "checked"
    changes = result.changes.set_index("indicator_code")
    row = changes.loc["SL001｜小学｜sports_area"]
    assert (row["current_value"], row["value"], row["change"]) == (7000, 7600, "更正")
    assert row["name"] == "新惠示例小学（小学）体育运动场馆面积(平方米)"
    assert (changes["change"] == "不变").sum() == len(changes) - 1


def test_a_school_workbook_logged_before_a_crash_is_loaded_by_the_next_writer(wh, tmp_path):
    """An ingest killed after archiving and logging, before its load committed: the next ingest catches up."""
    from datetime import datetime

    from pipelines.archive import archive
    from tests.books import filled

    raw, db = wh
    book = school_book(db, tmp_path / "schools.xlsx")
    archive(raw, book.read_bytes(), book.name, "旗教育局", 2025, datetime(2026, 3, 1, 9, 0))
    assert q(db, "select count(*) from school_register") == [(0,)]
    result = ingest_file(filled(db, tmp_path / "edu.xlsx", values={"HS_GER": 95}), raw, db)
    assert result.outcome == "loaded"
    assert q(db, "select count(*) from school_register") == [(7,)]  # loaded, awaiting review
    assert approve_all(raw, db) == 2
    assert q(db, "select count(*) from schools") == [(7,)]
    assert q(db, "select value from readiness where criterion_id = 'YZ_S01' and as_of_year = 2025 and include_demo") == [
        (88.0,)]


def test_a_school_workbook_is_not_the_units_yearly_report(wh, tmp_path):
    """旗教育局's school workbook for 2026 does not make 2026 a year 旗教育局 has reported (the default year)."""
    raw, db = wh
    book = school_book(db, tmp_path / "schools_2026.xlsx", year=2026)
    assert ingest_approved(book, raw, db).outcome == "loaded"
    assert q(db, "select units_reported from year_coverage(true) where year = 2026") == [(0,)]
    yearly = filled(db, tmp_path / "edu_2026.xlsx", year=2026, values={"HS_GER": 96})
    assert ingest_approved(yearly, raw, db).outcome == "loaded"
    assert q(db, "select units_reported from year_coverage(true) where year = 2026") == [(1,)]
