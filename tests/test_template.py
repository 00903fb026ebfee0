import duckdb
import openpyxl
import pytest

from pipelines.core import config
from pipelines.core.problems import InputError
from pipelines.workbooks.template import make_template
from tests.cli import run_cli


def test_template_command_writes_the_sheets(plan_db, tmp_path):
    out = tmp_path / "edu.xlsx"
    result = run_cli("template", "--unit", "旗教育局", "--year", "2025", "--out", out, "--db", plan_db)
    assert result.returncode == 0, result.stderr
    wb = openpyxl.load_workbook(out)
    # A fourth sheet, 整改说明, for the targets it leads that lag as of 2024: with no data at all, only the
    # acceptance due in 2023 and never reported (职业学校办学条件达标, 逾期未达成), and (issue 19) the two other
    # targets due in 2023 and never reported: the 共享型实训基地 and the 新惠第十小学 project.
    assert wb.sheetnames == [config.SHEET_GUIDE, config.SHEET_VALUES, config.SHEET_PROGRESS, config.SHEET_RECTIFICATION]
    rectify = wb[config.SHEET_RECTIFICATION]
    assert [c.value for c in rectify[3]] == list(config.RECTIFICATION_COLUMNS)
    assert [[c.value for c in row] for row in rectify.iter_rows(min_row=4)] == [
        ["T15-2", "敖汉旗职业学校办学条件达标：通过验收（2023年）", "逾期未达成", None, None, None],
        ["T15-3", "职业中学共享型实训基地建成：建成（2023年）", "逾期未达成", None, None, None],
        ["T88-1", "新惠第十小学建设项目进度：竣工（2023年）", "逾期未达成", None, None, None]]
    assert rectify.protection.sheet and rectify.cell(4, 1).protection.locked
    assert not any(rectify.cell(4, c).protection.locked for c in (4, 5, 6))  # the three answers are typed

    guide = wb[config.SHEET_GUIDE]
    labels = {guide.cell(r, 1).value: guide.cell(r, 2).value for r in range(1, 20)}
    assert labels[config.GUIDE_UNIT_LABEL] == "旗教育局" and labels[config.GUIDE_YEAR_LABEL] == 2025

    values = wb[config.SHEET_VALUES]
    assert [c.value for c in values[3]][:6] == list(config.VALUE_COLUMNS)
    assert "旗教育局" in values["A2"].value and "2025" in values["A2"].value
    codes = [values.cell(r, 1).value for r in range(4, values.max_row + 1)]
    assert codes[:3] == ["HS_REGION_QUALITY", "HS_CITY_FEATURE", "HS_SUBJECT_BASE"]
    # A rate comes with its numerator and denominator; a structure as its parts only.
    assert codes[codes.index("HS_GER") + 1 : codes.index("HS_GER") + 3] == ["HS_ENROLLED", "HS_AGE_POP"]
    assert "VE_GEN_RATIO" not in codes and {"VE_ENROLLED", "GH_ENROLLED"} <= set(codes)
    assert "TS_SENIOR" not in codes  # 旗人社局 reports the post structure
    assert len(codes) == len(set(codes))
    assert all(values.cell(r, 4).value == 2025 for r in range(4, values.max_row + 1))

    # Code and name locked, 数值 and 备注 open, the sheet protected; number formats on 数值.
    r = codes.index("HS_GER") + 4
    assert values.protection.sheet
    assert values.cell(r, 1).protection.locked and values.cell(r, 2).protection.locked
    assert not values.cell(r, 5).protection.locked and not values.cell(r, 6).protection.locked
    assert values.cell(r, 5).number_format == '0.0#"%"'
    assert values.cell(codes.index("HS_ENROLLED") + 4, 5).number_format == "#,##0"
    flag_row = codes.index("CM_BALANCE_ACCEPT") + 4
    assert any(f"E{flag_row}" in str(dv.sqref) for dv in values.data_validations.dataValidation)
    assert values.column_dimensions["B"].width >= 40

    progress = wb[config.SHEET_PROGRESS]
    assert [c.value for c in progress[3]][:4] == list(config.PROGRESS_COLUMNS)
    tasks = [progress.cell(r, 1).value for r in range(4, progress.max_row + 1)]
    assert 1 in tasks and 82 not in tasks  # task 82 is led by 旗财政局
    status_rules = [dv for dv in progress.data_validations.dataValidation if "E" not in str(dv.sqref)]
    assert status_rules and all(s in status_rules[0].formula1 for s in config.PROGRESS_STATUSES)
    assert "C4" in str(status_rules[0].sqref)


# Issue 19: 旗人社局 also reports the 教研中心 posts (task 48: three shares and their four counts).
@pytest.mark.parametrize(("unit", "rows", "tasks"), [("旗人社局", 10, 4), ("旗财政局", 12, 6), ("旗委编办", 0, 3)])
def test_template_rows_per_unit(plan_db, unit, rows, tasks):
    with duckdb.connect(str(plan_db), read_only=True) as con:
        wb = make_template(con, unit, 2024)
    def filled_rows(ws):
        return sum(1 for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value is not None)

    assert filled_rows(wb[config.SHEET_VALUES]) == rows
    assert filled_rows(wb[config.SHEET_PROGRESS]) == tasks


def test_template_refuses_unknown_unit_and_year_listing_valid_ones(plan_db, tmp_path):
    result = run_cli("template", "--unit", "旗司法局", "--year", "2035", "--out", tmp_path / "x.xlsx", "--db", plan_db)
    assert result.returncode == 1
    assert "旗司法局" in result.stderr and "旗教育局、旗人社局" in result.stderr
    assert "2035" in result.stderr and "2022—2030" in result.stderr
    assert not (tmp_path / "x.xlsx").exists()
    with duckdb.connect(str(plan_db), read_only=True) as con, pytest.raises(InputError):
        make_template(con, "教育局", 2025)
