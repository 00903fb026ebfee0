"""`template --unit 旗教育局 --year Y --schools`: the school and kindergarten workbook."""

import openpyxl

from pipelines.core import config
from pipelines.core import school_settings as s
from tests.books import ingest_approved
from tests.cli import run_cli
from tests.school_books import school_book, school_template


def test_the_command_writes_the_school_workbook(plan_db, tmp_path):
    out = tmp_path / "schools.xlsx"
    result = run_cli("template", "--unit", "旗教育局", "--year", "2026", "--schools", "--out", out, "--db", plan_db)
    assert result.returncode == 0, result.stderr
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == [config.SHEET_GUIDE, s.SHEET_REGISTER, s.SHEET_SCHOOLS, s.SHEET_KINDERGARTENS, s.SHEET_COUNTY]
    guide = wb[config.SHEET_GUIDE]
    labels = {guide.cell(r, 1).value: guide.cell(r, 2).value for r in range(1, 30)}
    assert labels[config.GUIDE_UNIT_LABEL] == "旗教育局" and labels[config.GUIDE_YEAR_LABEL] == 2026
    assert labels[s.BOOK_KIND_LABEL] == s.BOOK_KIND
    assert any(s.CAVEAT in str(guide.cell(r, 2).value) for r in range(1, 30))
    for sheet, columns in ((s.SHEET_REGISTER, s.REGISTER_COLUMNS), (s.SHEET_SCHOOLS, s.SCHOOL_COLUMNS),
                           (s.SHEET_KINDERGARTENS, s.KG_COLUMNS)):
        ws = wb[sheet]
        assert tuple(c.value for c in ws[s.HEADER_ROW])[: len(columns)] == columns, sheet
        assert "2026" in ws["A2"].value
    schools = wb[s.SHEET_SCHOOLS]
    assert not any(h for h in (c.value for c in schools[s.HEADER_ROW]) if h and ("生均" in h or "每百名" in h))
    rules = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in wb[s.SHEET_REGISTER].data_validations.dataValidation}
    assert "新惠镇" in rules["C4"] and "九年一贯制" in rules["E4"] and "城区" in rules["D4"]
    county = wb[s.SHEET_COUNTY]
    codes = {county.cell(r, 1).value: (county.cell(r, 3).value, county.cell(r, 6).value)
             for r in range(s.HEADER_ROW + 1, county.max_row + 1)}
    assert codes["YZ_S01"] == ("%", "≥85%") and codes["YZ_G06"] == ("是/否", "是")
    # asked once, in 旗教育局's yearly workbook (issue 18): the 3—5 population and the criteria a plan indicator gives
    assert not {"POP_3_5", "YZ_Q02", "YZ_G10", "YZ_G11", "YZ_G08"} & set(codes)
    assert "PH_01" not in codes  # derived from the kindergarten rows, never typed
    assert county.protection.sheet and county.cell(s.HEADER_ROW + 1, 1).protection.locked
    assert not county.cell(s.HEADER_ROW + 1, 4).protection.locked


def test_the_school_workbook_is_for_旗教育局_only(plan_db, tmp_path):
    result = run_cli("template", "--unit", "旗财政局", "--year", "2025", "--schools", "--out", tmp_path / "x.xlsx",
                     "--db", plan_db)
    assert result.returncode == 1 and "由旗教育局填报" in result.stderr and "Traceback" not in result.stderr
    result = run_cli("template", "--unit", "旗教育局", "--year", "2040", "--schools", "--out", tmp_path / "x.xlsx",
                     "--db", plan_db)
    assert result.returncode == 1 and "2040" in result.stderr


def test_the_next_year_starts_from_the_register_and_the_same_year_from_the_values(wh, tmp_path):
    raw, db = wh
    assert ingest_approved(school_book(db, tmp_path / "2024.xlsx", year=2024), raw, db).outcome == "loaded"
    wb = school_template(db, 2025)
    register = wb[s.SHEET_REGISTER]
    assert [register.cell(r, 1).value for r in range(4, 8)] == ["SL001", "SL002", "SL003", "SL004"]
    schools = wb[s.SHEET_SCHOOLS]
    assert [(schools.cell(r, 1).value, schools.cell(r, 3).value) for r in range(4, 10)] == [
        ("SL001", "小学"), ("SL002", "初中"), ("SL003", "小学"), ("SL003", "初中"), ("SL003", s.SHARED_STAGE),
        ("SL004", "小学")]
    assert all(schools.cell(r, c).value is None for r in range(4, 10) for c in range(4, 18))  # counts to fill
    assert [wb[s.SHEET_KINDERGARTENS].cell(r, 1).value for r in range(4, 7)] == ["YE001", "YE002", "YE003"]
    same = school_template(db, 2024)  # a correction: the year's values as loaded
    assert same[s.SHEET_SCHOOLS].cell(4, 4).value == 1000
    county = same[s.SHEET_COUNTY]
    assert {county.cell(r, 1).value: county.cell(r, 4).value for r in range(4, county.max_row + 1)}["YZ_G06"] == "是"


def test_demo_data_never_fills_a_real_template(demo_base):
    _, db = demo_base
    wb = school_template(db, 2026)
    assert wb[s.SHEET_REGISTER].cell(s.HEADER_ROW + 1, 1).value is None
    assert wb[s.SHEET_KINDERGARTENS].cell(s.HEADER_ROW + 1, 1).value is None


def test_the_workbook_asks_the_inputs_of_issue_19(plan_db):
    """The current 苏木乡镇 in the drop-downs; 是否乡镇中心园 as 是/否, 园长 and 园舍 on 幼儿园; the smallest music and art
    rooms on 学校; 教育质量's yes/no items and YZ_Q04's 低于0.15 on 全旗指标."""
    wb = school_template(plan_db, 2025)
    rules = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in wb[s.SHEET_KINDERGARTENS].data_validations.dataValidation}
    assert "黄羊洼镇" in rules["C4"] and "新州街道" in rules["C4"] and "宝国吐乡" not in rules["C4"]
    kg = [c.value for c in wb[s.SHEET_KINDERGARTENS][s.HEADER_ROW]]
    assert kg[12:19] == ["是否乡镇中心园", "园长数", "持证园长数", "园舍规划设计年份", "室外游戏场地面积(平方米)",
                         "幼儿活动用房建筑面积(平方米)", "园舍建筑面积(平方米)"]
    assert rules["M4"] == '"是,否"'
    schools = [c.value for c in wb[s.SHEET_SCHOOLS][s.HEADER_ROW]]
    assert schools[17:19] == ["最小一间音乐专用教室面积(平方米)", "最小一间美术专用教室面积(平方米)"]
    county = wb[s.SHEET_COUNTY]
    codes = {county.cell(r, 1).value: (county.cell(r, 3).value, county.cell(r, 6).value)
             for r in range(s.HEADER_ROW + 1, county.max_row + 1)}
    assert {codes[c] for c in ("YZ_Q07", "YZ_Q08", "YZ_Q09", "YZ_Q10")} == {("是/否", "是")}
    assert codes["YZ_Q04"][1] == "＜0.15"
    guide = " ".join(str(c.value) for row in wb[config.SHEET_GUIDE].iter_rows() for c in row if c.value)
    assert "是否乡镇中心园" in guide and "园舍规划设计年份" in guide and "最小一间音乐专用教室面积" in guide
