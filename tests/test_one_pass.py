"""Issue 18, part 4: one pass of errors, and what is missing. Every problem at once, with the errors that another
error hid marked as knock-ons (said once, after the root errors); the statistics system's words read as the
platform's with a note; at load, what was left blank and which criteria therefore cannot be judged."""

from pathlib import Path

import duckdb
import pytest

from pipelines.core import config
from pipelines.core import school_settings as s
from tests.books import filled, ingest_approved
from tests.cli import run_cli
from tests.school_books import KINDERGARTENS, REGISTER, SCHOOLS, counts, full, kindergarten, school, school_book
from tests.test_app import navigation_only  # noqa: F401 (the fixture keeps app.py's navigation)


def q(db: Path, sql: str, params=()):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def roots(result) -> list:
    return [p for p in result.errors if p.kind != "knock_on"]


# Knock-on errors.


def sixteen_bad_types() -> tuple[list[dict], list[dict]]:
    """16 schools whose 办学类型 is not a type at all (中学), 28 rows of theirs on 学校, and the good small county."""
    register, rows = list(REGISTER), list(SCHOOLS)
    for i in range(16):
        school_id, name = f"SL2{i:02d}", f"示例中学{i}"
        register.append(school(school_id, name, "中学"))
        rows.append(counts(school_id, name, "初中", 300, classes=6))
        if i < 12:
            rows.append(counts(school_id, name, "小学", 200, classes=6))
    return register, rows


def test_sixteen_bad_register_rows_are_sixteen_errors_and_one_knock_on(wh, tmp_path):
    raw, db = wh
    register, rows = sixteen_bad_types()
    result = ingest_approved(school_book(db, tmp_path / "s.xlsx", register=register, schools=rows), raw, db)
    assert result.outcome == "rejected"
    assert len(roots(result)) == 16  # not 44: the rows of those schools are not each "不在学校名录中"
    assert {(p.sheet, p.column) for p in roots(result)} == {(s.SHEET_REGISTER, s.SCHOOL_TYPE)}
    [knock] = result.knock_ons
    assert knock.sheet == s.SHEET_SCHOOLS and knock.label == "连带错误"
    assert "因“学校名录”第" in knock.reason and "（16所学校）有误" in knock.reason and "28行未能核对" in knock.reason
    assert not [p for p in result.problems if "不在“学校名录”中" in p.reason]
    assert "16 个错误（另有 1 处连带错误" in result.message


def test_a_few_bad_register_rows_each_say_which_rows_they_hid(wh, tmp_path):
    raw, db = wh
    register = [*REGISTER[:2], school("SL003", "贝子府示例学校", "九年制一贯学校", "贝子府镇", "镇区"), REGISTER[3]]
    result = ingest_approved(school_book(db, tmp_path / "s.xlsx", register=register), raw, db)
    [root] = roots(result)
    assert root.sheet == s.SHEET_REGISTER and root.row == 6 and root.column == s.SCHOOL_TYPE
    [knock] = result.knock_ons
    assert knock.reason.startswith("因“学校名录”第6行办学类型有误，“学校”表中该校（SL003）的以下3行未能核对：第")


def test_the_command_line_says_the_root_errors_before_the_knock_ons(wh, tmp_path):
    raw, db = wh
    register, rows = sixteen_bad_types()
    book = school_book(db, tmp_path / "s.xlsx", register=register, schools=rows)
    out = run_cli("ingest", book, "--raw", raw, "--db", db)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    lines = [line.strip() for line in out.stderr.splitlines() if line.startswith("  ")]
    labels = [line.split("：")[0] for line in lines]
    assert labels == ["错误"] * 16 + ["连带错误"]


def test_a_register_that_cannot_be_read_hides_the_school_rows(wh, tmp_path):
    raw, db = wh

    def no_header(wb):
        wb[s.SHEET_REGISTER].cell(s.HEADER_ROW, 5).value = "类型"  # 办学类型 renamed

    result = ingest_approved(school_book(db, tmp_path / "s.xlsx", edit=no_header), raw, db)
    assert any("缺少“办学类型”列" in p.reason for p in roots(result))
    hidden = {p.sheet: p.reason for p in result.knock_ons}
    assert "学校名录" in hidden and "因“学校名录”无法读取" in hidden[s.SHEET_SCHOOLS]


def test_a_workbook_whose_year_was_changed_is_one_error_not_one_per_row(wh, tmp_path):
    raw, db = wh

    def other_year(wb):
        wb[config.SHEET_GUIDE].cell(4, 2).value = 2024  # 填报年度 changed; every row still says 2025

    values = {"HS_GER": 95, "KG_ENROLLED": 10000, "KG_PUBLIC_ENROLLED": 6000, "SE_ENROLLED": 470, "RT_ROTATED": 120}
    result = ingest_approved(filled(db, tmp_path / "y.xlsx", values=values, edit=other_year), raw, db)
    assert result.outcome == "rejected"
    [root] = roots(result)
    assert root.column == "年份" and "填报年度 2024 不一致" in root.reason
    [knock] = result.knock_ons
    assert "行的数值未能核对" in knock.reason


def test_a_unit_that_does_not_report_is_one_error_and_the_rows_are_still_checked(wh, tmp_path):
    raw, db = wh

    def other_unit(wb):
        wb[config.SHEET_GUIDE].cell(3, 2).value = "教育局"

    result = ingest_approved(filled(db, tmp_path / "u.xlsx", values={"HS_GER": "约九成"}, edit=other_unit), raw, db)
    reasons = [p.reason for p in roots(result)]
    assert any("不是需要填报的单位" in r for r in reasons) and any("无法识别为数字" in r for r in reasons)
    assert len(reasons) == 2  # not one "不属于教育局" per row
    [knock] = result.knock_ons
    assert "因填报单位“教育局”有误" in knock.reason


def test_a_header_that_cannot_be_found_hides_its_sheet(wh, tmp_path):
    raw, db = wh

    def renamed(wb):
        wb[config.SHEET_VALUES].cell(3, 5).value = "数量"

    result = ingest_approved(filled(db, tmp_path / "h.xlsx", values={"HS_GER": 95}, edit=renamed), raw, db)
    assert any("缺少“数值”列" in p.reason for p in roots(result))
    assert [p.sheet for p in result.knock_ons] == [config.SHEET_VALUES]


# The statistics system's words.


def test_the_statistics_systems_words_are_read_with_a_note(wh, tmp_path):
    raw, db = wh
    register = [
        school("SL001", "新惠示例小学", "小学", owner="教育部门办", area="111"),
        school("SL002", "四家子示例初级中学", "初级中学", "四家子镇", "121", owner="集体办"),
        school("SL003", "贝子府示例学校", "九年一贯制学校", "贝子府镇", "镇中心区"),
        school("SL004", "示例教学点", "小学教学点", "长胜镇", "220"),
    ]
    rows = [*SCHOOLS[:4], counts("SL003", "贝子府示例学校", "全校", None, teaching_area=3000, sports_area=6000,
                                 equipment_value=120, multimedia_rooms=12, music_rooms=1, art_rooms=1), SCHOOLS[5]]
    kgs = [kindergarten("YE001", "新惠示例幼儿园", "教育部门办", 200, 8, 1, 14, 14, 24), *KINDERGARTENS[1:]]
    result = ingest_approved(school_book(db, tmp_path / "s.xlsx", register=register, schools=rows, kindergartens=kgs),
                             raw, db)
    assert result.outcome == "loaded", [str(p) for p in result.errors]
    notes = {p.reason.split("（")[0] for p in result.warnings if p.kind == "note"}
    assert {"“初级中学”按“初中”读取", "“九年一贯制学校”按“九年一贯制”读取", "“小学教学点”按“教学点”读取",
            "“教育部门办”按“公办”读取", "“集体办”按“公办”读取", "“111”按“城区”读取", "“全校”按“全校共用”读取"} <= notes
    assert all(p.label == "说明" for p in result.warnings if p.kind == "note")
    assert q(db, "select school_id, stage, area_type, ownership from schools order by school_id") == [
        ("SL001", "小学", "城区", "公办"), ("SL002", "初中", "镇区", "公办"), ("SL003", "九年一贯制", "镇区", "公办"),
        ("SL004", "教学点", "乡村", "公办"), ("YE001", "幼儿园", "城区", "公办"), ("YE002", "幼儿园", "城区", "普惠性民办"),
        ("YE003", "幼儿园", "城区", "非普惠民办")]
    assert q(db, "select count(*) from school_counts where stage = '全校共用'") == [(1,)]


def test_sixteen_schools_written_as_the_statistics_system_writes_them_are_no_error(wh, tmp_path):
    raw, db = wh
    register, rows = list(REGISTER), list(SCHOOLS)
    for i in range(16):
        school_id, name = f"SL2{i:02d}", f"示例学校{i}"
        register.append(school(school_id, name, "初级中学" if i % 2 else "九年一贯制学校"))
        rows.append(counts(school_id, name, "初中", 300, classes=6))
        if i % 2 == 0:
            rows.append(counts(school_id, name, "小学", 200, classes=6))
    result = ingest_approved(school_book(db, tmp_path / "s.xlsx", register=register, schools=rows), raw, db)
    assert result.outcome == "loaded", [str(p) for p in result.errors][:5]
    assert len([p for p in result.warnings if p.kind == "note"]) == 2  # one per word, not one per row


# What was left blank.


def test_the_completeness_summary_says_what_cannot_be_judged(wh, tmp_path):
    raw, db = wh
    rows = [counts("SL001", "新惠示例小学", "小学", **full(1000, 50, 12, 10, 5000, 7000, 250, 25), classes=22,
                   music_rooms=2, art_rooms=2),  # 最大班额 left blank
            *SCHOOLS[1:]]
    rows[2] = counts("SL003", "贝子府示例学校", "小学", 300, qualified_teachers=15, backbone_teachers=4,
                     pe_art_teachers=3, classes=8)  # 最大班额 blank again
    book = school_book(db, tmp_path / "s.xlsx", schools=rows, county={"YZ_S01": "88%"})
    out = run_cli("ingest", book, "--raw", raw, "--db", db)
    assert out.returncode == 0, out.stderr
    said = [line.strip() for line in out.stdout.splitlines() if line.strip().startswith("完整性")]
    assert any(line.endswith("最大班额 2 行未填 → “小学班额（全旗最大班额）”无法评估") for line in said), said
    # 24 since issue 19 (教育质量 asks four more 是/否 items)
    assert any("全旗指标" in line and "24 项未填" in line and "暂无数据" in line for line in said)
    kept = q(db, "select sheet, \"column\", reason from ingest_warnings where kind = 'completeness' order by all")
    assert (s.SHEET_SCHOOLS, "最大班额") in {(sheet, column) for sheet, column, _ in kept}
    # a facility typed on a two-stage school's 全校共用 row is not blank on its stage rows
    assert not [r for _, column, r in kept if column in ("体育运动场馆面积(平方米)", "教学仪器设备值(万元)")]


def test_the_upload_page_shows_knock_ons_and_completeness_apart(wh, accounts, monkeypatch, tmp_path):
    from tests.test_app import sign_in
    from tests.test_readiness_page import open_app

    raw, db = wh
    monkeypatch.setenv("MONITOR_RAW", str(raw))
    at = open_app(db, monkeypatch, page="pages/upload.py")
    sign_in(at, "edu")
    register, rows = sixteen_bad_types()
    bad = school_book(db, tmp_path / "bad.xlsx", register=register, schools=rows)
    good = school_book(db, tmp_path / "good.xlsx", county={})
    at.file_uploader(key="uploads").set_value([(p.name, p.read_bytes(), "application/octet-stream")
                                               for p in (bad, good)]).run()
    assert not at.exception, at.exception
    headings = [e.value for e in (*at.error, *at.warning, *at.info)]
    assert any("须修改的错误：16 条" in h for h in headings)
    assert any("因上述错误未能核对的内容" in h and "1 条" in h for h in headings)
    assert any(h.startswith("**完整性") for h in headings)


def test_a_years_blank_county_items_are_listed(plan_db):
    from pipelines.schools.completeness import completeness

    items = {"YZ_S01": ("义务教育优质均衡社会认可度", "%"), "YZ_G06": ("按100名学生核定公用经费", "是/否"),
             "POP_3_5": ("3—5周岁常住人口数", "人")}
    found = completeness("f.xlsx", [], [], [{"item_code": "YZ_S01"}], items, {})
    assert [p.reason for p in found] == ["1 项未填 → “按100名学生核定公用经费”1项标准暂无数据"]


@pytest.mark.parametrize("typed", ["初级中学", "九年一贯制学校", "小学教学点", "普通高级中学", "中职"])
def test_a_register_type_in_the_statistics_words_is_in_the_drop_down_or_read(plan_db, typed):
    from pipelines.workbooks.statistics_words import canonical

    assert canonical("school_type", typed) in s.SCHOOL_TYPES

