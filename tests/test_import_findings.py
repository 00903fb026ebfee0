"""`import`: what a county statistician found trying it on the office's own exports (issue 18's tester)."""

import csv
import io

import pytest

from pipelines.imports import mappings
from pipelines.imports.fields import SCHOOL_FIELDS
from tests import office_exports as ox
from tests.test_import import edited, proposal, q, run


def rows_of(path) -> dict[str, list[str]]:
    """The mapping file's rows by field code."""
    return {r[1]: r for r in csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig")))}


# -- 1. a per-school table with a 学段 column -------------------------------------------------------------------


def test_a_school_list_with_a_stage_column_loads(wh, tmp_path, capsys):
    raw, db = wh
    export = ox.school_list(tmp_path / "学校明细.xlsx")
    assert run(export.path, "--unit", "旗教育局", "--year", 2025, "--raw", raw, "--db", db) == 3
    path = proposal(capsys)
    assert rows_of(path)["school.stage"][3] == "学段"
    assert run(export.path, "--unit", "旗教育局", "--year", 2025, "--mapping", path, "--raw", raw, "--db", db) == 0, \
        capsys.readouterr()
    got = q(db, "select r.name, c.stage, c.students, c.classes, c.max_class from school_counts c "
                "join school_register r using (submission_id, school_id) order by all")
    assert got == sorted((name, stage, *map(float, values[:3])) for (name, stage), values in export.expected.items())
    types = dict(q(db, "select name, school_type from school_register"))
    assert types == {"长胜镇中心小学": "小学", "玛尼罕乡中学": "初中", "金厂沟梁镇九年一贯制学校": "九年一贯制"}
    assert "办学类型按名称和学段推定" in capsys.readouterr().out


def test_a_two_stage_school_without_its_stage_is_refused_not_dropped(wh, tmp_path, capsys):
    raw, db = wh
    export = ox.school_list(tmp_path / "学校明细.xlsx")
    run(export.path, "--unit", "旗教育局", "--year", 2025, "--raw", raw, "--db", db)
    path = edited(proposal(capsys), {"school.stage": ""}, tmp_path / "无学段.csv")
    assert run(export.path, "--unit", "旗教育局", "--year", 2025, "--mapping", path, "--raw", raw, "--db", db) == 1
    err = capsys.readouterr().err
    assert "金厂沟梁镇九年一贯制学校" in err and "学段" in err and "第5行" in err
    assert q(db, "select count(*) from submissions") == [(0,)]


def test_a_stage_given_as_a_value_for_forms_loads(wh, tmp_path, capsys):
    raw, db = wh
    schools = ox.form_schools(2)
    ox.form_folder(tmp_path / "基层报表", schools)
    run(tmp_path / "基层报表", "--unit", "旗教育局", "--year", 2025, "--raw", raw, "--db", db)
    path = edited(proposal(capsys), {"school.stage": "值：小学"}, tmp_path / "改.csv")
    assert run(tmp_path / "基层报表", "--unit", "旗教育局", "--year", 2025, "--mapping", path, "--raw", raw,
               "--db", db) == 0, capsys.readouterr()
    assert q(db, "select distinct stage from school_counts") == [("小学",)]


# -- 2. an export of another year ---------------------------------------------------------------------------------


def test_an_export_of_another_year_is_refused_where_it_says_its_year(wh, tmp_path, capsys):
    raw, db = wh
    export = ox.county_summary(tmp_path / "基本情况.xlsx", year=2026)
    assert run(export.path, "--unit", "旗教育局", "--year", 2025, "--raw", raw, "--db", db) == 1
    err = capsys.readouterr().err
    assert "工作表名称“2026基本情况”" in err or "第1行，A列" in err
    assert "文件写的是2026年" in err and "不是导入的2025年" in err
    assert run(export.path, "--unit", "旗教育局", "--year", 2026, "--raw", raw, "--db", db) == 3


def test_the_year_of_an_export_is_read_from_its_title_not_from_dates(tmp_path):
    import openpyxl

    from pipelines.imports.candidates import read_layout
    from pipelines.imports.source import read_workbook
    from pipelines.imports.years import wrong_year

    def year_of(title, cover=None, sheet="基本情况"):
        export = ox.county_summary(tmp_path / "a.xlsx")
        wb = openpyxl.load_workbook(export.path)
        wb.active.title = sheet
        wb.active["A1"] = title
        if cover:
            wb.create_sheet("封面", 0)["B3"] = cover
        wb.save(export.path)
        book = read_workbook(export.path, "a.xlsx")
        return wrong_year(book, read_layout(book), 2025)

    assert year_of("敖汉旗2025年各级各类学校基本情况") is None
    assert year_of("各级各类学校基本情况（2024-2025学年）") is None
    assert year_of("各级各类学校基本情况", cover="报出日期：2026年1月20日") is None  # a date, not the year
    assert year_of("各级各类学校基本情况") is None  # no year said: nothing to compare
    assert year_of("各级各类学校基本情况", cover="教育统计报表制度（2020年版）") is None  # an edition, not the year
    found = year_of("各级各类学校基本情况", cover="敖汉旗2026年教育事业统计资料")
    assert (found.sheet, found.row, found.letter) == ("封面", 3, "B") and "2026年" in found.reason


# -- 3. a wrong proposal removed on the page -----------------------------------------------------------------------


def test_a_source_emptied_in_the_editor_means_not_in_this_file(wh, tmp_path):
    import math

    import pandas as pd

    from dashboard import import_ui
    from pipelines.imports import settings as s
    from pipelines.imports.run import prepare
    from pipelines.operations.import_loading import check
    from pipelines.warehouse.connection import connect

    raw, db = wh
    export = ox.county_summary(tmp_path / "基本情况.xlsx")
    with connect(db, read_only=True) as con:
        prepared = prepare(con, raw, [(export.path.name, export.path)], "旗教育局", 2025)
    [group] = prepared.groups
    shown = import_ui._frame(prepared, group)
    assert not shown.isin(["None", "nan"]).any().any() and not shown.isna().any().any()
    assert (shown.set_index("字段代码").loc["HS_AGE_POP", "来源"]) == s.NOT_IN_FILE  # offered as a choice
    edited = shown.reset_index(drop=True)
    codes = list(edited["字段代码"])
    edited.loc[codes.index("JH_GRADUATES"), "来源"] = math.nan  # the cell deleted in the editor
    edited.loc[codes.index("GH_ENROLLED"), "来源"] = None
    edited.loc[codes.index("VE_ENROLLED"), "换算"] = None
    import_ui._take(group, shown, pd.DataFrame(edited))
    assert group.rules["JH_GRADUATES"].refs == [] and group.rules["GH_ENROLLED"].refs == []
    assert group.rules["HS_AGE_POP"].refs == []
    result = check(prepared, db).result
    assert result.outcome == "checked", [str(p) for p in result.problems]
    assert not any("nan" in p.reason or "None" in p.reason for p in result.problems)


def test_the_mapping_file_reads_not_in_this_file_as_blank(plan_con):
    from pipelines.imports import settings as s
    from pipelines.imports.fields import indicator_fields

    fields = {f.code: f for f in indicator_fields(plan_con, "旗教育局")}
    data = f"版式,字段代码,来源\r\nx,GH_ENROLLED,{s.NOT_IN_FILE}\r\n".encode("utf-8-sig")
    assert mappings.from_csv(data, "a.csv", fields)["x"].rules["GH_ENROLLED"].refs == []


# -- 4. 教基1001 of a school without a 标识码 ----------------------------------------------------------------------


def _without_id(path, blank):
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb["教基1001"]
    ws.unmerge_cells("B3:D3")
    ws["B3"] = blank
    ws["A9"], ws["B9"] = "所在地区划代码", "150430"  # a figure further down: the first number of the sheet
    wb.save(path)


@pytest.mark.parametrize("blank", [None, "无"])
def test_forms_of_a_school_without_its_id_are_read_by_their_labels(tmp_path, blank):
    from pipelines.imports.fields import SCHOOL_FIELDS
    from pipelines.imports.propose import propose
    from tests.test_import import layout_of

    [path] = ox.form_folder(tmp_path / "forms", ox.form_schools(1))
    _without_id(path, blank)
    rules = propose(list(SCHOOL_FIELDS), layout_of(path))
    assert {c: rules[c].refs for c in ("school.id", "school.name", "school.type", "school.area", "school.owner")} == {
        "school.id": ["教基1001!B3"], "school.name": ["教基1001!B4"], "school.type": ["教基1001!B5"],
        "school.area": ["教基1001!B7"], "school.owner": ["教基1001!B8"]}


def test_forms_whose_first_school_has_no_id_load_every_school(wh, tmp_path, capsys):
    raw, db = wh
    schools = ox.form_schools(3)
    paths = ox.form_folder(tmp_path / "基层报表", schools)
    _without_id(paths[0], None)
    run(tmp_path / "基层报表", "--unit", "旗教育局", "--year", 2025, "--raw", raw, "--db", db)
    out = capsys.readouterr().out
    assert f"读出 {schools[1].school_id}" in out  # the preview shows a school that gives it
    path = next(line.split("：", 1)[1] for line in out.splitlines() if line.startswith("已写出建议的对应关系："))
    assert run(tmp_path / "基层报表", "--unit", "旗教育局", "--year", 2025, "--mapping", path, "--raw", raw,
               "--db", db) == 0, capsys.readouterr()
    names = dict(q(db, "select name, school_id from school_register"))
    assert names[schools[1].name] == schools[1].school_id and names[schools[0].name].startswith("ZD")


# -- 5. 办学类型 with the statistics system's code -------------------------------------------------------------------


@pytest.mark.parametrize("written, read", [("211 小学", "小学"), ("241 九年一贯制学校", "九年一贯制"), ("311 初级中学", "初中"),
                                           ("311-初级中学", "初中"), ("312", "九年一贯制"), ("218", "教学点"),
                                           ("220 乡村", None), ("小学", "小学"), ("999", "999")])
def test_a_school_type_written_with_its_code_is_read(written, read):
    from pipelines.imports.apply import Reader
    from pipelines.imports.fields import by_code

    fields = by_code(SCHOOL_FIELDS)
    reader = Reader(fields, set())
    if read is None:  # a 城乡 word with its code
        assert reader.word(fields["school.area"], written) == "乡村"
    else:
        assert reader.word(fields["school.type"], written) == read


def test_forms_with_coded_school_types_load(wh, tmp_path, capsys):
    raw, db = wh
    schools = ox.form_schools(3)
    for school, coded in zip(schools, ("211 小学", "211", "241 九年一贯制学校")):
        school.school_type = coded
    ox.form_folder(tmp_path / "基层报表", schools)
    run(tmp_path / "基层报表", "--unit", "旗教育局", "--year", 2025, "--raw", raw, "--db", db)
    path = proposal(capsys)
    assert run(tmp_path / "基层报表", "--unit", "旗教育局", "--year", 2025, "--mapping", path, "--raw", raw,
               "--db", db) == 0, capsys.readouterr()
    types = dict(q(db, "select name, school_type from school_register"))
    assert [types[s.name] for s in schools] == ["小学", "小学", "九年一贯制"]


# -- 6. 教学及辅助用房 from 教基5170 laid out by 产权 --------------------------------------------------------------------


def test_teaching_area_is_proposed_from_a_5170_by_ownership(tmp_path):
    import openpyxl

    from pipelines.imports.propose import propose
    from tests.test_import import layout_of

    [path] = ox.form_folder(tmp_path / "forms", ox.form_schools(1))
    wb = openpyxl.load_workbook(path)
    del wb["教基5170"]
    ws = wb.create_sheet("教基5170")
    ws["A1"], ws["A2"], ws["E2"] = "校舍情况", "表号：教基5170", "单位：平方米"
    ws.append([])
    ws.append(["项目", "代码", "学校产权校舍建筑面积", "其中：危房", "非学校产权校舍建筑面积"])
    for row in [("总计", "01", 9550, 0, 300), ("一、教学及辅助用房", "02", 8650, 0, 200), ("  其中：普通教室", "03", 5190, 0, 0),
                ("二、行政办公用房", "05", 500, 0, 100)]:
        ws.append(list(row))
    wb.save(path)
    rule = propose(list(SCHOOL_FIELDS), layout_of(path))["school.teaching_area"]
    assert rule.refs == ["教基5170!C6"] and rule.confidence >= 0.9


# -- 7. a 值： constant of a figure, and the mapping of a returned import ---------------------------------------------


def returned(raw, db, submission_id: int) -> None:
    """A reviewer returns a workbook (a logged decision)."""
    from datetime import datetime

    from pipelines.operations.review import record_decision

    record_decision(raw, db, submission_id, "returned", "审核员", datetime.now().replace(microsecond=0), "请改正")


def test_a_constant_of_a_figure_is_for_one_import_and_a_returned_mapping_is_not_reused(wh, tmp_path, capsys):
    raw, db = wh
    from tests.books import approve_all

    first = ox.county_summary(tmp_path / "2025.xlsx", year=2025)
    run(first.path, "--unit", "旗教育局", "--year", 2025, "--raw", raw, "--db", db)
    path = proposal(capsys)
    assert run(first.path, "--unit", "旗教育局", "--year", 2025, "--mapping", path, "--raw", raw, "--db", db) == 0
    approve_all(raw, db)
    capsys.readouterr()
    # 2026: the person types 在园幼儿总数 as a value and blanks 普通高中; the reviewer returns the workbook
    second = ox.county_summary(tmp_path / "2026.xlsx", year=2026, scale=1.05)
    changed = edited(path, {"KG_ENROLLED": "值：5000", "GH_ENROLLED": ""}, tmp_path / "改.csv")
    assert run(second.path, "--unit", "旗教育局", "--year", 2026, "--mapping", changed, "--raw", raw, "--db", db) == 0
    assert "“在园幼儿总数”的固定值 5000 只用于本次导入" in capsys.readouterr().out
    assert q(db, "select value from observations where indicator_code = 'KG_ENROLLED' and year = 2026") == [(5000.0,)]
    saved = sorted((raw / "mappings").rglob("*.csv"))[-1].read_bytes().decode("utf-8-sig")
    assert "值：5000" not in saved  # not saved for another year
    returned(raw, db, 2)
    # 2027: read with the mapping of the approved 2025 import, not the returned one's
    third = ox.county_summary(tmp_path / "2027.xlsx", year=2027, scale=1.1)
    assert run(third.path, "--unit", "旗教育局", "--year", 2027, "--raw", raw, "--db", db) == 0
    out = capsys.readouterr().out
    assert "填报 #1，已通过" in out
    got = dict(q(db, "select indicator_code, value from observations where year = 2027"))
    assert got["KG_ENROLLED"] == third.expected["KG_ENROLLED"] and got["GH_ENROLLED"] == third.expected["GH_ENROLLED"]


def test_a_word_given_as_a_value_is_said_at_every_reuse(wh, tmp_path, capsys):
    raw, db = wh
    schools = ox.balance_schools(4)
    export = ox.balance_table(tmp_path / "2024.xlsx", schools, year=2024)
    run(export.path, "--unit", "旗教育局", "--year", 2024, "--raw", raw, "--db", db)
    given = edited(proposal(capsys), {"school.area": "值：乡村", "school.owner": "值：公办"}, tmp_path / "改.csv")
    assert run(export.path, "--unit", "旗教育局", "--year", 2024, "--mapping", given, "--raw", raw, "--db", db) == 0
    capsys.readouterr()
    again = ox.balance_table(tmp_path / "2025.xlsx", schools, year=2025)
    assert run(again.path, "--unit", "旗教育局", "--year", 2025, "--raw", raw, "--db", db) == 0
    out = capsys.readouterr().out
    assert "沿用对应关系中填写的固定值：“城乡类型” = 乡村" in out and "“举办者（公办/民办）” = 公办" in out


# -- 8. a returned import sent again with its mapping corrected -----------------------------------------------------


def test_the_same_export_through_a_corrected_mapping_is_a_new_workbook(wh, tmp_path, capsys):
    import openpyxl

    raw, db = wh
    export = ox.county_summary(tmp_path / "基本情况.xlsx")
    wb = openpyxl.load_workbook(export.path)
    ws = wb.active
    row = next(r for r in range(7, 20) if "初中" == str(ws.cell(r, 1).value).strip())
    ws.cell(row, 9).value = "—"  # 初中 毕业生数: nothing in this export
    wb.save(export.path)
    run(export.path, "--unit", "旗教育局", "--year", 2025, "--raw", raw, "--db", db)
    path = proposal(capsys)
    assert run(export.path, "--unit", "旗教育局", "--year", 2025, "--mapping", path, "--raw", raw, "--db", db) == 0
    returned(raw, db, 1)
    capsys.readouterr()
    corrected = edited(path, {"JH_GRADUATES": ""}, tmp_path / "改.csv")  # the same values, another mapping
    assert run(export.path, "--unit", "旗教育局", "--year", 2025, "--mapping", corrected, "--raw", raw, "--db", db) == 0
    assert "内容完全相同" not in capsys.readouterr().out
    assert q(db, "select submission_id, review_status from submissions order by 1") == [(1, "returned"), (2, "pending")]
    assert run(export.path, "--unit", "旗教育局", "--year", 2025, "--mapping", corrected, "--raw", raw, "--db", db) == 0
    assert "内容完全相同，未重复载入（填报 #2 待审核）" in capsys.readouterr().out  # the same pair: loaded once


# -- 10. near-synonyms that count something else ---------------------------------------------------------------------


def test_graduates_are_not_proposed_as_the_graduating_class_without_a_word(wh, tmp_path, capsys):
    raw, db = wh
    export = ox.county_summary(tmp_path / "基本情况.xlsx")
    assert run(export.path, "--unit", "旗教育局", "--year", 2025, "--raw", raw, "--db", db) == 3
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if "JH_GRADUATES" in line)
    assert "可信度 0.80（请核对）" in line and "口径不同" in line
    path = next(line.split("：", 1)[1] for line in out.splitlines() if line.startswith("已写出建议的对应关系："))
    note = rows_of(tmp_path / path.rsplit("/", 1)[-1])["JH_GRADUATES"][7]
    assert "口径不同" in note and "九年级" in note
    assert rows_of(tmp_path / path.rsplit("/", 1)[-1])["GH_ENROLLED"][5] == "1.00"


# -- 11. .ods keeps its merged cells ---------------------------------------------------------------------------------


def test_an_ods_export_reads_its_merged_headings_as_the_xlsx(tmp_path):
    from tests.test_import import layout_of

    export = ox.kindergarten_by_group(tmp_path / "学前.xlsx")
    ods = ox.as_ods(export.path, tmp_path / "学前.ods")
    xlsx, odf = layout_of(export.path), layout_of(ods)
    assert [c.text for c in odf.tables[0].columns] == [c.text for c in xlsx.tables[0].columns]
    assert [r.text for r in odf.tables[0].rows] == [r.text for r in xlsx.tables[0].rows]
    assert len([r for r in odf.tables[0].rows if r.kind == "data"]) == 8  # 5 by 举办者, 3 by 城乡
    assert odf.fingerprint == xlsx.fingerprint  # the same layout, next year in either format


def test_an_ods_export_loads_value_by_value(wh, tmp_path, capsys):
    raw, db = wh
    export = ox.kindergarten_by_group(tmp_path / "学前.xlsx")
    ods = ox.as_ods(export.path, tmp_path / "学前.ods")
    run(ods, "--unit", "旗教育局", "--year", 2025, "--raw", raw, "--db", db)
    assert run(ods, "--unit", "旗教育局", "--year", 2025, "--mapping", proposal(capsys), "--raw", raw, "--db", db) == 0
    assert dict(q(db, "select indicator_code, value from observations")) == {
        c: float(v) for c, v in export.expected.items()}


# -- 12. every problem at once ----------------------------------------------------------------------------------------


def test_every_problem_of_the_export_is_said_at_once(wh, tmp_path, capsys):
    import openpyxl

    raw, db = wh
    export = ox.county_summary(tmp_path / "基本情况.xlsx")
    run(export.path, "--unit", "旗教育局", "--year", 2025, "--raw", raw, "--db", db)
    path = proposal(capsys)
    wb = openpyxl.load_workbook(export.path)
    ws = wb.active
    rows = {str(ws.cell(r, 1).value).strip(): r for r in range(7, 20)}
    ws.cell(rows["普通高中"], 7).value = "89.7%"  # a percent in a count
    ws.cell(rows["学前教育"], 7).value = 4862.5  # a fraction
    ws.cell(rows["中等职业教育"], 7).value = 1e308  # absurd
    wb.save(tmp_path / "坏.xlsx")
    assert run(tmp_path / "坏.xlsx", "--unit", "旗教育局", "--year", 2025, "--mapping", path, "--raw", raw, "--db", db) == 1
    err = capsys.readouterr().err
    assert "是百分数" in err and "应为整数（4862.5）" in err and "超出合理范围" in err
    assert f"第{rows['学前教育']}行，G列" in err  # at the export's own cell


def test_every_problem_of_the_mapping_is_said_at_once(wh, tmp_path, capsys):
    raw, db = wh
    export = ox.county_summary(tmp_path / "基本情况.xlsx")
    run(export.path, "--unit", "旗教育局", "--year", 2025, "--raw", raw, "--db", db)
    path = edited(proposal(capsys), {"GH_ENROLLED": "2025基本情况 > 普通高中 > 在校生", "KG_ENROLLED": "值：四千"},
                  tmp_path / "改.csv")
    path.write_bytes(path.read_bytes() + "x,NO_SUCH,名称,2025基本情况 > 小学 > 学校数,,,,\r\n".encode())
    assert run(export.path, "--unit", "旗教育局", "--year", 2025, "--mapping", path, "--raw", raw, "--db", db) == 1
    err = capsys.readouterr().err
    assert "字段代码“NO_SUCH”不是本单位模板中的字段" in err
    assert "来源“2025基本情况 > 普通高中 > 在校生”在“基本情况.xlsx”中找不到" in err
    assert "文件“改.csv”，“来源”列，“在园幼儿总数”：“值：四千”：无法识别为数字" in err


# -- 14. a count turned back from a per-student figure never replaces an exact one ----------------------------------


def test_an_exact_count_is_kept_over_one_turned_back_from_a_per_student_figure(wh, tmp_path, capsys):
    from tests.books import approve_all

    raw, db = wh
    [school] = ox.form_schools(1)
    school.students, school.teaching_area = 1850, 8650  # 4.68 m² a student in the 优质均衡 table: 8658 back
    ox.form_folder(tmp_path / "基层报表", [school])
    run(tmp_path / "基层报表", "--unit", "旗教育局", "--year", 2025, "--raw", raw, "--db", db)
    assert run(tmp_path / "基层报表", "--unit", "旗教育局", "--year", 2025, "--mapping", proposal(capsys), "--raw", raw,
               "--db", db) == 0
    approve_all(raw, db)
    counts = {"students": 1850, "qualified_teachers": 80, "backbone_teachers": 20, "pe_art_teachers": 17,
              "teaching_area": 8650, "sports_area": 14300, "equipment_value": 421.5, "multimedia_rooms": 45}
    export = ox.balance_table(tmp_path / "优质均衡.xlsx", [ox.BalanceSchool(school.name, "小学", {"小学": counts})])
    run(export.path, "--unit", "旗教育局", "--year", 2025, "--raw", raw, "--db", db)
    assert run(export.path, "--unit", "旗教育局", "--year", 2025, "--mapping", proposal(capsys), "--raw", raw,
               "--db", db) == 0
    out = capsys.readouterr().out
    assert "保留准确数" in out and "教学及辅助用房面积(平方米) 8650（换算得 8658）" in out
    assert q(db, "select c.teaching_area from school_counts c where c.submission_id = 2") == [(8650.0,)]
    assert q(db, "select c.backbone_teachers from school_counts c where c.submission_id = 2") == [(20.0,)]  # new: taken


def test_a_count_turned_back_earlier_is_replaced_by_a_corrected_table(wh, tmp_path, capsys):
    from tests.books import approve_all

    raw, db = wh
    schools = ox.balance_schools(3)
    export = ox.balance_table(tmp_path / "优质均衡.xlsx", schools)
    run(export.path, "--unit", "旗教育局", "--year", 2025, "--raw", raw, "--db", db)
    given = edited(proposal(capsys), {"school.area": "值：乡村", "school.owner": "值：公办"}, tmp_path / "改.csv")
    assert run(export.path, "--unit", "旗教育局", "--year", 2025, "--mapping", given, "--raw", raw, "--db", db) == 0
    approve_all(raw, db)
    first = schools[0].stages["小学"]
    first["teaching_area"] = first["teaching_area"] + 500
    again = ox.balance_table(tmp_path / "改正.xlsx", schools)
    assert run(again.path, "--unit", "旗教育局", "--year", 2025, "--raw", raw, "--db", db) == 0
    assert "保留准确数" not in capsys.readouterr().out
    got = q(db, "select c.teaching_area from school_counts c join school_register r using (submission_id, school_id) "
                "where c.submission_id = 2 and r.name = ? and c.stage = '小学'", [schools[0].name])
    assert abs(got[0][0] - first["teaching_area"]) <= 0.005 * first["students"] + 0.5


# -- 15. what the messages say ---------------------------------------------------------------------------------------


def test_schools_of_the_register_missing_from_the_file_keep_their_values(wh, tmp_path, capsys):
    from tests.books import approve_all

    raw, db = wh
    schools = ox.balance_schools(4)
    export = ox.balance_table(tmp_path / "优质均衡.xlsx", schools)
    run(export.path, "--unit", "旗教育局", "--year", 2025, "--raw", raw, "--db", db)
    out = capsys.readouterr().out
    assert "不在学校名录中" in out and "“城乡类型”、“举办者（公办/民办）”，文件中未找到" in out  # said with the proposal
    path = out.split("已写出建议的对应关系：", 1)[1].splitlines()[0]
    given = edited(tmp_path / path.rsplit("/", 1)[-1], {"school.area": "值：乡村", "school.owner": "值：公办"},
                   tmp_path / "改.csv")
    assert run(export.path, "--unit", "旗教育局", "--year", 2025, "--mapping", given, "--raw", raw, "--db", db) == 0
    approve_all(raw, db)
    capsys.readouterr()
    fewer = ox.balance_table(tmp_path / "部分.xlsx", schools[1:])
    assert run(fewer.path, "--unit", "旗教育局", "--year", 2025, "--raw", raw, "--db", db) == 0
    out = capsys.readouterr().out
    assert f"学校名录中的 1 所学校不在导入的文件中：{schools[0].name}。它们仍列在名录中，本年已载入的数值保持不变" in out
    assert "没有本年数据" not in out
    assert q(db, "select count(*) from school_counts c join school_register r using (submission_id, school_id) "
                 "where c.submission_id = 2 and r.name = ?", [schools[0].name]) == [(len(schools[0].stages),)]


def test_a_sentence_about_several_schools_names_their_folder_not_one_schools_file(wh, tmp_path, capsys):
    raw, db = wh
    schools = ox.form_schools(3)
    for school in schools:
        school.area_code = ""
    paths = ox.form_folder(tmp_path / "基层报表", schools)
    run(tmp_path / "基层报表", "--unit", "旗教育局", "--year", 2025, "--raw", raw, "--db", db)
    assert run(tmp_path / "基层报表", "--unit", "旗教育局", "--year", 2025, "--mapping", proposal(capsys), "--raw", raw,
               "--db", db) == 1
    line = next(x for x in capsys.readouterr().err.splitlines() if "“城乡类型”" in x)
    assert line.startswith("  错误：文件“基层报表”：3 所学校不在学校名录中") and paths[0].name not in line


def test_an_import_says_once_that_the_export_carries_no_rectification(wh, tmp_path, capsys):
    raw, db = wh
    export = ox.county_summary(tmp_path / "基本情况.xlsx")
    run(export.path, "--unit", "旗教育局", "--year", 2025, "--raw", raw, "--db", db)
    assert run(export.path, "--unit", "旗教育局", "--year", 2025, "--mapping", proposal(capsys), "--raw", raw,
               "--db", db) == 0
    out = capsys.readouterr().out
    assert "工作表“整改说明”" not in out
    assert out.count("统计报表中没有整改说明") == 1


def _in_ten_thousands(path, heading: bool):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "基本情况"
    ws.append(["敖汉旗2025年各级各类学校在校生"])
    ws.append(["填报单位：敖汉旗教育局", None, None if heading else "单位：万人"])
    ws.append(["项目", "在校生数（万人）" if heading else "在校生数", "毕业生数"])
    for row in [("学前教育", 0.4862, 0.1702), ("普通高中", 0.8972, 0.2901), ("中等职业教育", 0.2105, 0.064)]:
        ws.append(list(row))
    wb.save(path)
    return path


@pytest.mark.parametrize("heading", [False, True])
def test_a_table_in_ten_thousands_is_read_as_persons(wh, tmp_path, capsys, heading):
    raw, db = wh
    path = _in_ten_thousands(tmp_path / "万人.xlsx", heading)
    assert run(path, "--unit", "旗教育局", "--year", 2025, "--raw", raw, "--db", db) == 3
    out = capsys.readouterr().out
    assert "GH_ENROLLED（普通高中在校生数）←" in out and "读出 8972" in out
    mapping = out.split("已写出建议的对应关系：", 1)[1].splitlines()[0]
    assert run(path, "--unit", "旗教育局", "--year", 2025, "--mapping", mapping, "--raw", raw, "--db", db) == 0, \
        capsys.readouterr()
    got = dict(q(db, "select indicator_code, value from observations"))
    assert got["GH_ENROLLED"] == 8972 and got["KG_ENROLLED"] == 4862 and got["HS_ENROLLED"] == 11077
    assert q(db, "select note from import_sources where indicator_code = 'GH_ENROLLED'") == [("单位为万人，已乘以10000",)]


def test_a_zip_member_named_outside_the_zip_is_refused_and_a_note_passed_over(wh, tmp_path, capsys):
    import zipfile

    raw, db = wh
    [path] = ox.form_folder(tmp_path / "f", ox.form_schools(1))
    with zipfile.ZipFile(tmp_path / "x.zip", "w") as z:
        z.write(path, "../../evil.xlsx")
    assert run(tmp_path / "x.zip", "--unit", "旗教育局", "--year", 2025, "--raw", raw, "--db", db) == 1
    err = capsys.readouterr().err
    assert "x.zip/../../evil.xlsx" in err and "指向压缩包以外" in err and "没有工作簿" not in err
    with zipfile.ZipFile(tmp_path / "y.zip", "w") as z:
        z.write(path, f"基层报表/{path.name}")
        z.writestr("基层报表/说明.txt", "各校报表，请查收")
    assert run(tmp_path / "y.zip", "--unit", "旗教育局", "--year", 2025, "--raw", raw, "--db", db) == 3
    assert "y.zip/基层报表/说明.txt”：不是工作簿（.txt），已跳过" in capsys.readouterr().out


def test_the_command_to_run_again_keeps_every_option(wh, tmp_path, capsys, accounts):
    raw, db = wh
    export = ox.county_summary(tmp_path / "基本情况.xlsx")
    assert run(export.path, "--unit", "旗教育局", "--year", 2025, "--as", "edu", "--raw", raw, "--db", db) == 3
    out = capsys.readouterr().out
    command = out.split("后运行：\n", 1)[1].strip()
    assert command.startswith(f"python -m pipelines import {export.path} --unit 旗教育局 --year 2025 --as edu "
                              f"--raw {raw} --db {db} --mapping ")


def test_review_list_shows_a_value_as_read(wh, tmp_path, capsys):
    raw, db = wh
    [school] = ox.form_schools(1)
    school.equipment_value = 61.25
    ox.form_folder(tmp_path / "基层报表", [school])
    run(tmp_path / "基层报表", "--unit", "旗教育局", "--year", 2025, "--raw", raw, "--db", db)
    assert run(tmp_path / "基层报表", "--unit", "旗教育局", "--year", 2025, "--mapping", proposal(capsys), "--raw", raw,
               "--db", db) == 0
    capsys.readouterr()
    from pipelines.cli.main import main

    assert main(["review", "list", "1", "--raw", str(raw), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "61.25" in out


def test_a_township_is_read_from_an_address_and_a_short_name():
    from pipelines.imports.apply import township

    towns = {"新惠镇", "四家子镇", "玛尼罕乡", "敖润苏莫苏木"}
    assert township("内蒙古自治区赤峰市敖汉旗新惠镇惠州路1号", towns) == "新惠镇"
    assert township("新惠", towns) == "新惠镇" and township("敖润苏莫", towns) == "敖润苏莫苏木"


def test_kindergarten_children_are_proposed_from_a_row_named_with_them(tmp_path, plan_con):
    import openpyxl

    from pipelines.imports.propose import propose
    from tests.test_import import layout_of

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "综合"
    ws.append(["2025年敖汉旗教育事业发展主要指标"])
    ws.append(["序号", "项目", "计量单位", "在校生数", "其中：女"])
    for row in [(1, "学前教育（在园）", "人", 4862, 2301), (2, "小学", "人", 16734, 7980)]:
        ws.append(list(row))
    wb.save(tmp_path / "F.xlsx")
    from pipelines.imports.fields import indicator_fields

    rules = propose(indicator_fields(plan_con, "旗教育局"), layout_of(tmp_path / "F.xlsx"))
    assert rules["KG_ENROLLED"].refs == ["综合 > 学前教育(在园) > 在校生数"]
