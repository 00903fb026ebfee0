"""Issue 18, part 3: one quantity, one place. A criterion that a plan indicator measures takes the county figure
reported in the unit's yearly workbook where the school and kindergarten rows give none, and says which it used;
the duplicates are asked once; the 3—5周岁 population is an indicator of the unit's workbook."""

from pathlib import Path

import duckdb
import openpyxl
import pytest

from pipelines.core import school_settings as s
from tests.books import filled, ingest_approved, template
from tests.school_books import school_book, school_template

COUNTY_FIGURES = {  # 旗教育局's 2025 figures, typed in 指标数据 (no school workbook yet)
    "KG_ENROLLED": 10000, "KG_PUBLIC_ENROLLED": 6000, "KG_INCLUSIVE_ENROLLED": 9000, "KG_AGE_POP": 11000,
    "JH_RETENTION": 98.1, "SE_ENROL_RATE": 96, "RT_ROTATED": 120, "RT_ELIGIBLE": 1000, "RT_BACKBONE": 30,
}


def q(db: Path, sql: str, params=()):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def judged(db: Path, criterion: str, as_of: int = 2025) -> tuple:
    """(value, basis, status) of a criterion as of a year, with demo data."""
    rows = q(db, "select value, basis, status from readiness where criterion_id = ? and as_of_year = ? and include_demo",
             [criterion, as_of])
    assert len(rows) == 1, rows
    return rows[0]


@pytest.fixture
def reported(wh, tmp_path):
    raw, db = wh
    assert ingest_approved(filled(db, tmp_path / "edu.xlsx", values=COUNTY_FIGURES), raw, db).outcome == "loaded"
    finance = filled(db, tmp_path / "fin.xlsx", unit="旗财政局", values={"FI_TEACHER_PAY": 103000, "FI_CIVIL_PAY": 100000})
    assert ingest_approved(finance, raw, db).outcome == "loaded"
    return raw, db


def test_without_kindergarten_rows_the_county_figures_judge_and_say_so(reported):
    _, db = reported
    value, basis, status = judged(db, "PH_03")
    assert value == pytest.approx(60.0) and status == "met" and basis == "指标数据：在园幼儿入公办园率（KG_PUBLIC_RATE）"
    assert judged(db, "PH_02")[:2] == (pytest.approx(90.0), "指标数据：普惠性幼儿园覆盖率（KG_INCLUSIVE_RATE）")
    value, basis, _ = judged(db, "PH_01")  # 在园幼儿 ÷ the 3—5 population, both in 指标数据
    assert value == pytest.approx(100 * 10000 / 11000) and "KG_GROSS_ENROL_RATE" in basis
    judged_now = q(db, "select count(*) from readiness where scheme = '普及普惠' and as_of_year = 2025 and include_demo "
                       "and value is not null")
    assert judged_now == [(3,)]  # no longer 13/13 暂无数据


def test_yz_q01_takes_the_reported_retention_rate(reported):
    _, db = reported
    assert judged(db, "YZ_Q01")[:2] == (pytest.approx(98.1), "指标数据：初中三年义务教育巩固率（JH_RETENTION）")


def test_the_four_duplicates_take_the_plan_indicators_value(reported):
    _, db = reported
    assert judged(db, "YZ_Q02")[:2] == (pytest.approx(96.0), "指标数据：残疾儿童入学率（SE_ENROL_RATE）")
    assert judged(db, "YZ_G10")[0] == pytest.approx(12.0)  # 120 of 1000, from its parts
    assert judged(db, "YZ_G11")[0] == pytest.approx(25.0)  # 30 of 120
    value, basis, status = judged(db, "YZ_G08")  # judged as ≥100%, not 是/否
    assert value == pytest.approx(103.0) and "FI_PAY_RATIO" in basis and status == "met"
    assert q(db, "select comparator, threshold, unit from criteria where criterion_id = 'YZ_G08'") == [(">=", 100.0, "%")]


def test_with_kindergarten_and_school_rows_the_rows_come_first(reported, tmp_path):
    raw, db = reported
    assert ingest_approved(school_book(db, tmp_path / "schools.xlsx"), raw, db).outcome == "loaded"
    assert judged(db, "PH_02")[:2] == (pytest.approx(85.714, abs=1e-3), "逐园数据")  # 300 of 350 children
    assert judged(db, "PH_01")[:2] == (pytest.approx(100 * 350 / 11000), "逐园数据")  # the population of 指标数据
    assert judged(db, "YZ_Q01")[:2] == (pytest.approx(94.444, abs=1e-3), "逐校数据")
    assert judged(db, "YZ_Q02")[1] == "指标数据：残疾儿童入学率（SE_ENROL_RATE）"  # the rows do not give it
    assert judged(db, "YZ_S01")[1] == "全旗指标"


def test_the_duplicates_are_asked_once(plan_db):
    county = school_template(plan_db, 2025)[s.SHEET_COUNTY]
    codes = {county.cell(r, 1).value for r in range(s.HEADER_ROW + 1, county.max_row + 1)}
    assert not {"YZ_Q02", "YZ_G10", "YZ_G11", "YZ_G08", "POP_3_5", "YZ_Q01", "PH_01", "PH_02", "PH_03"} & codes
    asked = {}
    for unit in ("旗教育局", "旗财政局"):
        ws = template(plan_db, unit, 2025)["指标数据"]
        asked |= {ws.cell(r, 1).value: unit for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value}
    for code in ("SE_ENROL_RATE", "RT_RATE", "RT_BACKBONE_SHARE", "JH_RETENTION", "KG_PUBLIC_RATE", "KG_GROSS_ENROL_RATE",
                 "KG_AGE_POP", "HS_AGE_POP"):
        assert asked[code] == "旗教育局", code
    assert asked["FI_PAY_RATIO"] == "旗财政局"


def test_an_older_school_workbook_with_the_moved_items_still_loads(wh, tmp_path):
    """Archived school workbooks carry POP_3_5 and the four duplicates in 全旗指标: POP_3_5 is read as before
    (the population where 指标数据 has none), a duplicate is loaded with a warning and not used."""
    raw, db = wh

    def older(wb: openpyxl.Workbook) -> None:
        ws = wb[s.SHEET_COUNTY]
        row = ws.max_row + 1
        for offset, (code, value) in enumerate((("POP_3_5", 400), ("YZ_Q02", 94.6), ("YZ_G08", "否"))):
            ws.cell(row + offset, 1, code)
            ws.cell(row + offset, 4, value)

    result = ingest_approved(school_book(db, tmp_path / "old.xlsx", edit=older), raw, db)
    assert result.outcome == "loaded", [str(p) for p in result.problems]
    warned = [p for p in result.warnings if p.sheet == s.SHEET_COUNTY and p.kind is None]
    assert len(warned) == 2 and all("指标数据" in p.reason and "不再载入" in p.reason for p in warned)
    assert q(db, "select item_code, value from county_items order by item_code") == [
        ("POP_3_5", 400.0), ("YZ_G06", 1.0), ("YZ_S01", 88.0)]
    assert judged(db, "PH_01")[:2] == (pytest.approx(87.5), "逐园数据")  # 350 children ÷ 400, as before
    assert judged(db, "YZ_Q02")[0] is None  # not from the school workbook any more
    # the unit's population, once reported, is the one used
    assert ingest_approved(filled(db, tmp_path / "edu.xlsx", values={"KG_AGE_POP": 500}), raw, db).outcome == "loaded"
    assert judged(db, "PH_01")[0] == pytest.approx(70.0)


def test_the_page_and_its_excel_sheet_say_which_figure_was_used(reported, monkeypatch):
    from reports.briefing_data import gather
    from reports.queries import reading
    from reports.readiness_exports import workbook_sheets
    from tests.test_readiness_page import open_app, table_with

    _, db = reported
    at = open_app(db, monkeypatch)  # no school workbook: the criteria the county figures judge are shown
    assert any("指标数据" in i.value for i in at.info)
    at.segmented_control(key="readiness_scheme").set_value("普及普惠").run()
    assert not at.exception, at.exception
    shown = table_with(at, "数据来源").set_index("标准")
    assert shown.loc["公办园在园幼儿占比", "数据来源"] == "指标数据：在园幼儿入公办园率（KG_PUBLIC_RATE）"
    with duckdb.connect(str(db), read_only=True) as con:
        briefing = gather(con, 2025, True)
        with reading(con):
            sheets = workbook_sheets(briefing)
    frame = next(sheet.frame for sheet in sheets if sheet.title == "验收准备").set_index("标准代码")
    assert frame.loc["YZ_Q01", "数据来源"] == "指标数据：初中三年义务教育巩固率（JH_RETENTION）"


# The number of schools: counted from the register, not typed by four units.

COUNTED = ("CU_SCHOOLS", "SC_SCHOOLS", "IT_CM_SCHOOLS", "IT_HS_SCHOOLS", "VE_SCHOOLS", "SA_SCHOOLS")


def with_upper_schools(db: Path, path: Path) -> Path:
    from tests.school_books import REGISTER, school

    register = [*REGISTER, school("SL005", "敖汉旗第一中学", "普通高中"), school("SL006", "敖汉旗职业中学", "中等职业学校"),
                school("SL007", "敖汉旗特殊教育学校", "特殊教育学校")]
    return school_book(db, path, register=register)


def test_school_counts_are_derived_from_the_register(wh, tmp_path):
    raw, db = wh
    result = ingest_approved(with_upper_schools(db, tmp_path / "schools.xlsx"), raw, db)
    assert result.outcome == "loaded", [str(p) for p in result.problems]
    got = dict(q(db, "select indicator_code, value from latest_observations where year = 2025 and derivation = 'register'"))
    # 小学, 初中, 九年一贯制 and 普通高中 (a 教学点 is not a school of the statistics); 3 kindergartens
    assert got == {"CU_SCHOOLS": 4, "SC_SCHOOLS": 4, "IT_CM_SCHOOLS": 3, "IT_HS_SCHOOLS": 2, "VE_SCHOOLS": 1,
                   "SA_SCHOOLS": 9}
    assert q(db, "select count(*) from latest_observations where indicator_code in (select unnest(?)) "
                 "and year = 2024", [list(COUNTED)]) == [(0,)]  # no register that year: 暂无数据
    # a rate takes the count as its denominator
    book = filled(db, tmp_path / "cu.xlsx", unit="旗委宣传部", values={"CU_GREEN_WARM": 3})
    assert ingest_approved(book, raw, db).outcome == "loaded"
    assert q(db, "select value, derivation from latest_observations where indicator_code = 'CU_GREEN_WARM_SHARE' "
                 "and year = 2025") == [(75.0, "derived")]


def test_the_unit_templates_no_longer_ask_the_number_of_schools(plan_db):
    for unit in ("旗教育局", "旗委宣传部"):
        ws = template(plan_db, unit, 2025)["指标数据"]
        codes = {ws.cell(r, 1).value for r in range(4, ws.max_row + 1)}
        assert not set(COUNTED) & codes, unit
        hint = next(c for c in range(1, ws.max_column + 1) if ws.cell(3, c).value == "口径说明")
        hints = {ws.cell(r, 1).value: ws.cell(r, hint).value for r in range(4, ws.max_row + 1)}
        if unit == "旗委宣传部":
            assert "由旗教育局学校名录计数" in hints["CU_GREEN_WARM_SHARE"]


def test_a_share_above_the_registers_count_is_refused(wh, tmp_path):
    raw, db = wh
    assert ingest_approved(with_upper_schools(db, tmp_path / "schools.xlsx"), raw, db).outcome == "loaded"
    result = ingest_approved(filled(db, tmp_path / "cu.xlsx", unit="旗委宣传部", values={"CU_GREEN_WARM": 9}), raw, db)
    assert result.outcome == "rejected"
    assert any("学校名录计数 4" in p.reason for p in result.errors), [str(p) for p in result.errors]


def test_an_older_workbook_with_a_typed_count_loads_with_a_warning(wh, tmp_path):
    """An archived workbook of an older template typed SC_SCHOOLS: it loads (never stops a build), warned,
    and its value stands for its year."""
    raw, db = wh

    def older(wb):
        ws = wb["指标数据"]
        r = ws.max_row + 1
        ws.cell(r, 1, "SC_SCHOOLS")
        ws.cell(r, 2, "中小学校数")
        ws.cell(r, 4, 2025)
        ws.cell(r, 5, 168)

    book = filled(db, tmp_path / "old.xlsx", values={"SC_WEEK_SCHOOLS": 150}, edit=older)
    result = ingest_approved(book, raw, db)
    assert result.outcome == "loaded", [str(p) for p in result.problems]
    assert any("学校名录计数" in p.reason and "仍载入" in p.reason for p in result.warnings)
    assert q(db, "select value, derivation from latest_observations where indicator_code = 'SC_SCHOOLS' "
                 "and year = 2025") == [(168.0, "reported")]


def test_a_school_listed_only_for_the_counts_has_no_rows_on_the_school_sheet(wh, tmp_path):
    from tests.school_books import REGISTER, SCHOOLS, counts, school

    raw, db = wh
    register = [*REGISTER, school("SL005", "敖汉旗第一中学", "普通高中")]
    rows = [*SCHOOLS, counts("SL005", "敖汉旗第一中学", "高中", 2400)]
    result = ingest_approved(school_book(db, tmp_path / "s.xlsx", register=register, schools=rows), raw, db)
    assert result.outcome == "rejected"
    [error] = result.errors
    assert "普通高中" in error.reason and "不在“学校”表填写" in error.reason


def test_the_indicator_page_says_the_count_comes_from_the_register(wh, tmp_path, monkeypatch):
    from tests.test_readiness_page import open_app

    raw, db = wh
    assert ingest_approved(filled(db, tmp_path / "e.xlsx", values={"SC_WEEK_SCHOOLS": 3}), raw, db).outcome == "loaded"
    at = open_app(db, monkeypatch, page="pages/indicators.py", query={"target": "T77-1"})
    said = [c.value for c in at.caption if "学校名录计数" in c.value]
    assert said and "2025年没有学校名录" in said[0]


# External inputs: entered with their source and date.


def test_the_template_asks_an_external_inputs_source_and_date(plan_db):
    ws = template(plan_db, "旗教育局", 2025)["指标数据"]
    header = [ws.cell(3, c).value for c in range(1, ws.max_column + 1)]
    assert header == ["指标代码", "指标名称", "单位", "年份", "数值", "备注", "数据来源", "来源日期", "口径说明"]
    hints = {ws.cell(r, 1).value: ws.cell(r, 9).value for r in range(4, ws.max_row + 1)}
    assert hints["HS_AGE_POP"].startswith("【外部数据：由公安（户籍人口）提供")
    assert hints["KG_AGE_POP"].startswith("【外部数据：由公安/统计/卫健（常住人口）提供")
    assert hints["SE_AGE_POP"].startswith("【外部数据：由残联提供")
    assert "外部数据" not in hints["HS_ENROLLED"]


def test_an_external_inputs_source_and_date_are_stored_and_warned_when_missing(wh, tmp_path):
    raw, db = wh
    book = filled(db, tmp_path / "e.xlsx", values={"HS_ENROLLED": 17850, "HS_AGE_POP": 19600, "SE_AGE_POP": 480,
                                                   "SE_ENROLLED": 470},
                  sources={"HS_AGE_POP": ("旗公安局户籍人口统计", "2025年12月31日")})
    result = ingest_approved(book, raw, db)
    assert result.outcome == "loaded", [str(p) for p in result.problems]
    warned = [p for p in result.warnings if "外部数据" in p.reason]
    assert len(warned) == 1 and warned[0].subject == "适龄残疾儿童少年数" and "残联" in warned[0].reason
    assert warned[0].column == "数据来源"
    assert q(db, "select indicator_code, source, source_date from observations where source is not null") == [
        ("HS_AGE_POP", "旗公安局户籍人口统计", "2025-12-31")]
    assert q(db, "select source from latest_observations where indicator_code = 'HS_GER' and year = 2025") == [
        ("15—17周岁户籍人口数：旗公安局户籍人口统计（2025-12-31）",)]  # shown beside the rate it makes
    assert q(db, "select count(*) from ingest_warnings where reason like '%外部数据%'") == [(1,)]


def test_an_older_workbook_without_the_source_columns_still_loads(wh, tmp_path):
    raw, db = wh

    def six_columns(wb):  # the template of before issue 18: 口径说明 right after 备注
        wb["指标数据"].delete_cols(7, 2)

    result = ingest_approved(filled(db, tmp_path / "old.xlsx", values={"HS_AGE_POP": 19600}, edit=six_columns), raw, db)
    assert result.outcome == "loaded", [str(p) for p in result.problems]
    [warned] = [p for p in result.warnings if "外部数据" in p.reason]
    assert "旧模板" in warned.reason and warned.column == "数值"
    assert q(db, "select value, source from observations") == [(19600.0, None)]


def test_a_source_date_people_write_is_read(wh, tmp_path):
    from datetime import datetime

    from pipelines.workbooks.sources import source_date

    assert source_date("2025年12月") == ("2025-12", None)
    assert source_date("2025/6/30") == ("2025-06-30", None)
    assert source_date(datetime(2025, 12, 31)) == ("2025-12-31", None)
    assert source_date(2025) == ("2025", None) and source_date("2025年底") == ("2025-12", None)
    assert source_date("去年") == ("去年", source_date("去年")[1]) and "无法识别" in source_date("去年")[1]


def test_the_indicator_page_shows_the_source_beside_the_value(wh, tmp_path, monkeypatch):
    from tests.test_readiness_page import open_app

    raw, db = wh
    book = filled(db, tmp_path / "e.xlsx", values={"HS_ENROLLED": 17850, "HS_AGE_POP": 19600},
                  sources={"HS_AGE_POP": ("旗公安局户籍人口统计", "2025-12-31")})
    assert ingest_approved(book, raw, db).outcome == "loaded"
    at = open_app(db, monkeypatch, page="pages/indicators.py", query={"target": "T03-5"})
    table = next(df.value for df in at.dataframe if "数据来源" in df.value.columns)
    assert table["数据来源"].iloc[-1] == "15—17周岁户籍人口数：旗公安局户籍人口统计（2025-12-31）"
    assert any("公安（户籍人口）提供" in m.value for m in at.markdown)


def test_an_online_entry_carries_the_source_and_date(wh, tmp_path):
    from tests.test_entry import form, online_book

    raw, db = wh
    f = form(db)
    f.values.loc[f.values["指标代码"] == "HS_AGE_POP", ["数据来源", "来源日期"]] = ["旗统计局", "2025-12"]
    book = online_book(db, tmp_path / "o.xlsx", f, {"HS_AGE_POP": "19600"})
    assert ingest_approved(book, raw, db).outcome == "loaded"
    assert q(db, "select source, source_date from observations") == [("旗统计局", "2025-12")]
    again = form(db).values.set_index("指标代码").loc["HS_AGE_POP"]
    assert (again["数据来源"], again["来源日期"]) == ("旗统计局", "2025-12")  # prefilled for a correction


def test_the_review_preview_of_a_unit_workbook_shows_the_criteria_it_moves(wh, tmp_path):
    from pipelines.operations.ingest import ingest_file
    from pipelines.records.review_preview import preview

    raw, db = wh
    result = ingest_file(filled(db, tmp_path / "e.xlsx", values={"JH_RETENTION": 98.1}), raw, db)
    moved = preview(db, result.submission_id, 2025).statuses.set_index("key")
    assert moved.loc["YZ_Q01", "before"] == "暂无数据" and moved.loc["YZ_Q01", "after"] != "暂无数据"
    assert moved.loc["T06-8", "after"] != moved.loc["T06-8", "before"]  # and its own target
