"""Issue 18, part 5: the small faults found on the way, each with the test that failed before its fix."""

import pytest

from pipelines.core.values import example, parse_value
from tests.test_app import app, fixture_wh, navigation_only  # noqa: F401 (fixtures)


@pytest.mark.parametrize("raw", ["8645平方米", "8645㎡", "8645m²", "8645 M²", "８６４５平米", "8,645平方米"])
def test_area_typed_with_its_unit_is_read(raw):
    parsed = parse_value(raw, "area", unit="平方米")
    assert parsed.error is None
    assert parsed.value == 8645


def test_area_example_is_itself_readable():
    typed = example("area", "平方米").split(" 或 ")[-1]  # the message offers 4500平方米
    assert parse_value(typed, "area", unit="平方米").value == 4500


def test_county_sheet_standard_has_no_nan(plan_db):
    from pipelines.core import school_settings as s
    from tests.school_books import school_template

    ws = school_template(plan_db, 2025)[s.SHEET_COUNTY]
    standards = {ws.cell(r, 1).value: ws.cell(r, 6).value for r in range(s.HEADER_ROW + 1, ws.max_row + 1)}
    assert standards["YZ_Q04"] == "＜0.15"  # 低于0.15 (issue 19: it was stored as ≤)
    assert not [code for code, text in standards.items() if text and "nan" in str(text)]


@pytest.mark.parametrize("sheet", ["学校名录", "学校", "幼儿园"])
def test_school_sheet_drop_downs_reach_far_below_the_spare_rows(plan_db, sheet):
    from openpyxl.worksheet.cell_range import CellRange

    from pipelines.core import school_settings as s
    from tests.school_books import school_template

    ws = school_template(plan_db, 2025)[sheet]
    rules = ws.data_validations.dataValidation
    assert rules
    deepest = [max(CellRange(str(r)).max_row for r in rule.sqref.ranges) for rule in rules]
    assert min(deepest) >= s.HEADER_ROW + 500  # 37 schools, or 150, each get the lists


def test_review_preview_names_county_items_in_words(wh, tmp_path, accounts):
    from pipelines.operations.ingest import ingest_file
    from pipelines.records.review_preview import preview
    from tests.school_books import school_book

    raw, db = wh
    result = ingest_file(school_book(db, tmp_path / "schools.xlsx"), raw, db)
    assert result.outcome == "loaded", [str(p) for p in result.problems]
    county = result.changes[result.changes["indicator_code"].str.startswith("全旗｜")]
    assert len(county) and "全旗：义务教育优质均衡社会认可度" in set(county["name"])
    shown = preview(db, result.submission_id, 2025).values
    shown = shown[shown["indicator_code"].str.startswith("全旗｜")]
    codes = {code.split("｜")[1] for code in shown["indicator_code"]}
    assert len(shown) and not codes & set(shown["name"])  # never a bare code such as POP_3_5
    assert not [name for name in shown["name"] if "POP_3_5" in name or "YZ_" in name]


def test_history_of_a_unit_workbook_shows_yes_no_as_words(wh, tmp_path):
    import duckdb

    from pipelines.records.history import submission_changes
    from tests.books import filled, ingest_approved

    raw, db = wh
    first = ingest_approved(filled(db, tmp_path / "a.xlsx", values={"CM_BALANCE_ACCEPT": "否", "HS_GER": 93}), raw, db)
    second = ingest_approved(filled(db, tmp_path / "b.xlsx", values={"CM_BALANCE_ACCEPT": "是", "HS_GER": 93}), raw, db)
    with duckdb.connect(str(db), read_only=True) as con:
        before = submission_changes(con, first.submission_id).set_index("指标")
        after = submission_changes(con, second.submission_id).set_index("指标")
    name = "通过国家义务教育优质均衡达标验收"
    assert before.loc[name, "本次的值"] == "否" and before.loc[name, "变化"] == "新增"
    assert (after.loc[name, "此前的值"], after.loc[name, "本次的值"], after.loc[name, "变化"]) == ("否", "是", "更正")
    assert after.loc["高中阶段毛入学率", "变化"] == "不变"


def test_history_of_a_school_workbook_shows_its_values(wh, tmp_path):
    import duckdb

    from pipelines.records.history import submission_changes
    from tests.books import ingest_approved
    from tests.school_books import school_book

    raw, db = wh
    first = ingest_approved(school_book(db, tmp_path / "s1.xlsx"), raw, db)
    second = ingest_approved(school_book(db, tmp_path / "s2.xlsx", county={"YZ_S01": "90%", "YZ_G06": "是"}), raw, db)
    with duckdb.connect(str(db), read_only=True) as con:
        frame = submission_changes(con, second.submission_id)
        assert len(submission_changes(con, first.submission_id))
    assert len(frame) > 20  # the schools' and kindergartens' counts, not an empty table
    rows = frame.set_index("指标")
    assert rows.loc["全旗：义务教育优质均衡社会认可度", "变化"] == "更正"
    assert rows.loc["全旗：不足100名学生的村小学和教学点按100名学生核定公用经费", "本次的值"] == "是"


def test_online_grid_shows_empty_cells_empty_not_none(app, accounts):  # noqa: F811 (the fixture)
    from tests.test_app import sign_in

    app.switch_page("pages/upload.py").run()
    sign_in(app, "edu")
    assert not app.exception, app.exception
    grids = [d.value for d in app.dataframe if d.proto.editing_mode]
    assert len(grids) >= 2  # 指标数据, 任务进展 (and 整改说明)
    for grid in grids:
        text = grid[[c for c in grid.columns if c != "任务编号"]]
        assert not text.isna().any().any(), text.columns[text.isna().any()].tolist()


def test_an_unchanged_online_resubmission_is_not_sent_again(wh, tmp_path):
    import openpyxl

    from pipelines.operations.ingest import check_file, ingest_file
    from pipelines.warehouse.connection import connect
    from pipelines.workbooks import online_entry as entry
    from tests.test_entry import form, online_book

    raw, db = wh
    first = online_book(db, tmp_path / "a.xlsx", form(db), {"HS_GER": "95.9"}, progress={1: ("推进中", "编制方案")})
    assert ingest_file(first, raw, db).outcome == "loaded"  # pending
    again = online_book(db, tmp_path / "b.xlsx", form(db), {})  # the form starts from it: nothing changed
    wb = openpyxl.load_workbook(again)
    wb.properties.keywords = "一分钟后"  # made a minute later: other bytes (生成时间), the same content
    wb.save(again)
    changed = online_book(db, tmp_path / "c.xlsx", form(db), {"HS_GER": "96.1"})
    with connect(db, read_only=True) as con:
        said = [entry.same_as_sent(con, "旗教育局", 2025, check_file(con, path, path.name).checked)
                for path in (again, changed)]
    assert said[0] and "填报 #1" in said[0] and "待审核" in said[0]
    assert said[1] is None
