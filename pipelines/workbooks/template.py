"""`template`: a unit's yearly workbook, made for a person filling it in Excel or WPS."""

from datetime import datetime
from io import BytesIO
from pathlib import Path

import duckdb
import openpyxl
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation

from ..core import config
from ..core.problems import InputError, Problem
from ..core.table_files import save_workbook, workbook_bytes
from .reporting import led_tasks, reporting_units, valid_years, workbook_rows

FONT = "宋体"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
NUMBER_FORMATS = {
    "percent": '0.0#"%"',  # 95.3 shows as 95.3%; a typed 95.3% becomes 0.953 in a % format, read back ×100
    "count": "#,##0",
    "rank": "0",
    "amount": "#,##0.00",
    "area": "#,##0.0#",
}
VALUE_HEADER_ROW = 3  # title, unit/year line, then the table
EXTRA_VALUE_COLUMN = "口径说明"
EXTRA_PROGRESS_COLUMN = "完成时限"


def check_request(con: duckdb.DuckDBPyConnection, unit: str, year: int) -> None:
    problems = []
    units = reporting_units(con)
    if unit not in units:
        problems.append(Problem("", f"参数 --unit：单位“{unit}”不需要填报或不存在。需要填报的单位：{'、'.join(units)}"))
    if year not in valid_years():
        years = valid_years()
        problems.append(Problem("", f"参数 --year：年度 {year} 不在方案范围内，可选 {years[0]}—{years[-1]} 年"))
    if problems:
        raise InputError(problems)


def make_template(con: duckdb.DuckDBPyConnection, unit: str, year: int, include_demo: bool = False) -> openpyxl.Workbook:
    """The workbook for one unit and year: 填报说明, 指标数据, 任务进展, and 整改说明 when the unit leads targets
    that were lagging as of the year before, on real data (workbooks/rectify.py; include_demo: the demo
    generator's own workbooks)."""
    from .rectify import lagging_targets

    check_request(con, unit, year)
    rows = workbook_rows(con, unit)
    tasks = led_tasks(con, unit)
    lagging = lagging_targets(con, unit, year, include_demo)
    wb = openpyxl.Workbook()
    _guide(wb.active, unit, year, len(rows), len(tasks), len(lagging))
    _values(wb.create_sheet(config.SHEET_VALUES), unit, year, rows)
    _progress(wb.create_sheet(config.SHEET_PROGRESS), unit, year, tasks)
    if len(lagging):
        _rectification(wb.create_sheet(config.SHEET_RECTIFICATION), unit, year, lagging)
    wb.properties.title = f"{unit}{year}年度监测填报"
    wb.properties.creator = config.PLATFORM_NAME
    return wb


def template_bytes(con: duckdb.DuckDBPyConnection, unit: str, year: int) -> bytes:
    return workbook_bytes(make_template(con, unit, year))


def write_template(con: duckdb.DuckDBPyConnection, unit: str, year: int, out: Path) -> Path:
    return save_workbook(make_template(con, unit, year), out)


def template_file_name(unit: str, year: int) -> str:
    return f"{unit}_{year}年度监测填报.xlsx"


def _font(bold=False, size=11, color=None):
    return Font(name=FONT, bold=bold, size=size, color=color)


def guide_sheet(ws, title: str, lines: list[tuple[str, object]], width: int = 90) -> None:
    """The 填报说明 sheet: a title, then label | text rows (the labels 填报单位 and 填报年度 are read back)."""
    ws.title = config.SHEET_GUIDE
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = width
    ws["A1"] = title
    ws["A1"].font = _font(True, 14)
    for i, (label, text) in enumerate(lines, start=3):
        ws.cell(i, 1, label).font = _font(True)
        ws.cell(i, 2, text).font = _font()
        ws.cell(i, 2).alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
    fit_to_width(ws, landscape=False)
    ws.protection.sheet = True


def _guide(ws, unit: str, year: int, n_values: int, n_tasks: int, n_lagging: int = 0) -> None:
    rectify = f"，“{config.SHEET_RECTIFICATION}”{n_lagging}行" if n_lagging else ""
    lines = [
        (config.GUIDE_UNIT_LABEL, unit),
        (config.GUIDE_YEAR_LABEL, year),
        ("生成时间", datetime.now().strftime("%Y-%m-%d %H:%M")),
        ("填报内容", f"“{config.SHEET_VALUES}”{n_values}行，“{config.SHEET_PROGRESS}”{n_tasks}行{rectify}"),
        ("", ""),
        ("怎样填写", f"1. 在“{config.SHEET_VALUES}”的黄色“数值”列填写{year}年度的数据；没有数据的留空，不要填 0 或“无”。"),
        ("", "2. 比率可直接填百分数（如 95.3 或 95.3%），也可只填其下方的分子、分母，平台自动计算。"),
        ("", "3. 数量只填阿拉伯数字（可带单位，如“12所”）；“是/否”类指标和建设项目的进度（未开工、在建、已竣工，按年末情况）"
             "从下拉列表中选择。"),
        ("", "4. 标有“当年新增”的指标只填本年度新增的数量，累计数由平台逐年相加。"),
        ("", "5. 位次填写在赤峰市各旗县区中的名次，1 为第一名。"),
        ("", f"6. 在“{config.SHEET_PROGRESS}”为本单位牵头的每项任务选择进展状态（未启动、推进中、已完成、常态化推进），并简要说明。"),
        ("", "7. 请勿修改指标代码、名称、年份和表头，不要增删工作表；如需更正，修改后重新上传，新文件将替换旧值，旧版本留档备查。"),
        *([("", f"8. “{config.SHEET_RECTIFICATION}”列出本单位牵头、截至{year - 1}年进展滞后的目标：请逐项填写原因分析、整改措施和"
                "计划完成时间（如“2026年6月”）。")] if n_lagging else []),
        ("", "上传后由审核人员审核，审核通过后数值才计入各页面和报表；被退回的，请按退回原因修改后重新上传。"),
        ("单位说明", "“%”填百分数（95 表示 95%）；人、人次、所、个、名按实际数量；万元、元按金额；亩按面积。"),
        ("咨询", "填报中有疑问，请联系旗教育局（教育高质量发展监测平台管理员）。"),
    ]
    guide_sheet(ws, "敖汉旗推动教育高质量发展实施方案 监测数据填报", lines)


def _header(ws, row: int, columns: list[str], widths: list[int]) -> None:
    for c, (name, width) in enumerate(zip(columns, widths), start=1):
        cell = ws.cell(row, c, name)
        cell.font = _font(True)
        cell.fill = HEADER_FILL
        cell.border = BOX
        cell.alignment = Alignment(horizontal="center", vertical="center")
        ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width = width
    ws.freeze_panes = ws.cell(row + 1, 1)


def fit_to_width(ws, landscape: bool = True) -> None:
    """Print on A4, as wide as the page, as many pages long as needed, header repeated."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0


def _title(ws, text: str, unit: str, year: int, width: int) -> None:
    ws.cell(1, 1, text).font = _font(True, 14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(2, 1, f"{config.GUIDE_UNIT_LABEL}：{unit}　　{config.GUIDE_YEAR_LABEL}：{year}").font = _font(True, 11, "1F4E79")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws.print_title_rows = f"{VALUE_HEADER_ROW}:{VALUE_HEADER_ROW}"
    fit_to_width(ws)


SOURCE_COLUMN = 1 + len(config.VALUE_COLUMNS)  # 数据来源 (来源日期 beside it), after the six columns of old
HINT_COLUMN = SOURCE_COLUMN + len(config.VALUE_SOURCE_COLUMNS)


def hint(row) -> str:
    """口径说明: the definition, and for an input of another office where it comes from (issue 18)."""
    source = getattr(row, "external_source", None)
    if isinstance(source, str) and source:
        return f"【外部数据：由{source}提供，请填写“数据来源”（如哪份统计、哪个部门）和“来源日期”】{row.definition}"
    return row.definition


def _values(ws, unit: str, year: int, rows) -> None:
    columns = [*config.VALUE_COLUMNS, *config.VALUE_SOURCE_COLUMNS, EXTRA_VALUE_COLUMN]
    _title(ws, f"{unit} {year}年度 指标数据", unit, year, len(columns))
    _header(ws, VALUE_HEADER_ROW, columns, [22, 46, 8, 8, 14, 28, 22, 14, 60])
    flags = DataValidation(type="list", formula1='"是,否"', allow_blank=True, showErrorMessage=True,
                           errorTitle="请从列表中选择", error="该指标只能填写“是”或“否”")
    ws.add_data_validation(flags)
    stages = DataValidation(type="list", formula1='"' + ",".join(config.PROJECT_STAGES) + '"', allow_blank=True,
                            showErrorMessage=True, errorTitle="请从列表中选择",
                            error="建设项目的进度只能是：" + "、".join(config.PROJECT_STAGES))
    ws.add_data_validation(stages)
    for i, row in enumerate(rows.itertuples(), start=VALUE_HEADER_ROW + 1):
        name = ("　　其中：" if row.level else "") + row.name
        values = [row.indicator_code, name, row.unit, year, None, None, None, None, hint(row)]
        for c, value in enumerate(values, start=1):
            cell = ws.cell(i, c, value)
            cell.font = _font()
            cell.border = BOX
            cell.alignment = Alignment(vertical="center", wrap_text=c in (2, 6, SOURCE_COLUMN, HINT_COLUMN))
        number = ws.cell(i, 5)
        number.fill = INPUT_FILL
        number.protection = Protection(locked=False)
        number.number_format = NUMBER_FORMATS.get(row.value_type, "General")
        for c in (6, SOURCE_COLUMN, SOURCE_COLUMN + 1):  # 备注, 数据来源, 来源日期
            ws.cell(i, c).protection = Protection(locked=False)
        if isinstance(getattr(row, "external_source", None), str) and row.external_source:
            for c in (SOURCE_COLUMN, SOURCE_COLUMN + 1):  # asked of an external input: yellow like 数值
                ws.cell(i, c).fill = INPUT_FILL
        if row.value_type == "flag":
            flags.add(number)
        if row.value_type == "stage":
            stages.add(number)
    if rows.empty:
        ws.cell(2, 1).value += "　　（本单位没有需要填报的指标，只需填写“任务进展”）"
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # people may widen a column to read a long name


def _progress(ws, unit: str, year: int, tasks) -> None:
    columns = [*config.PROGRESS_COLUMNS, EXTRA_PROGRESS_COLUMN]
    _title(ws, f"{unit} {year}年度 牵头任务进展", unit, year, len(columns))
    _header(ws, VALUE_HEADER_ROW, columns, [10, 70, 14, 50, 24])
    statuses = DataValidation(type="list", formula1='"' + ",".join(config.PROGRESS_STATUSES) + '"', allow_blank=True,
                              showErrorMessage=True, errorTitle="请从列表中选择",
                              error="进展状态只能是：" + "、".join(config.PROGRESS_STATUSES))
    ws.add_data_validation(statuses)
    for i, task in enumerate(tasks.itertuples(), start=VALUE_HEADER_ROW + 1):
        for c, value in enumerate([task.task_no, task.text, None, None, task.deadline_text], start=1):
            cell = ws.cell(i, c, value)
            cell.font = _font()
            cell.border = BOX
            cell.alignment = Alignment(vertical="top", wrap_text=c in (2, 4, 5))
        for c in (3, 4):
            ws.cell(i, c).fill = INPUT_FILL
            ws.cell(i, c).protection = Protection(locked=False)
        statuses.add(ws.cell(i, 3))
    ws.protection.sheet = True
    ws.protection.formatColumns = False


def _rectification(ws, unit: str, year: int, lagging) -> None:
    """The 整改说明 sheet: one row per lagging target the unit leads; the three answers are typed."""
    columns = list(config.RECTIFICATION_COLUMNS)
    _title(ws, f"{unit} {year}年度 整改说明（截至{year - 1}年进展滞后的目标）", unit, year, len(columns))
    _header(ws, VALUE_HEADER_ROW, columns, [10, 46, 14, 44, 44, 16])
    for i, row in enumerate(lagging.itertuples(), start=VALUE_HEADER_ROW + 1):
        for c, value in enumerate([row.target_id, row.label, row.status_label, None, None, None], start=1):
            cell = ws.cell(i, c, value)
            cell.font = _font()
            cell.border = BOX
            cell.alignment = Alignment(vertical="top", wrap_text=c in (2, 4, 5))
        for c in (4, 5, 6):
            ws.cell(i, c).fill = INPUT_FILL
            ws.cell(i, c).protection = Protection(locked=False)
        ws.cell(i, 6).number_format = "@"  # a month typed as 2026年6月 stays the words typed
    ws.protection.sheet = True
    ws.protection.formatColumns = False


def fill(wb: openpyxl.Workbook, values: dict[str, object], notes: dict[str, str],
         progress: dict[int, tuple[str, str]], rectifications: dict[str, tuple[object, object, object]] | None = None,
         as_text: bool = False, sources: dict[str, tuple[object, object]] | None = None) -> bytes:
    """Type values into a template as a person would, and save it (the demo, the tests and online entry).

    rectifications: target_id -> (原因分析, 整改措施, 计划完成时间), typed on the 整改说明 sheet. as_text: what is
    typed is stored as text, never as a formula (online entry: "=已建成2所" is words, as a text cell keeps them).
    sources: indicator code -> (数据来源, 来源日期).
    """
    _fill_values(wb[config.SHEET_VALUES], values, notes, sources or {}, as_text)
    tasks = wb[config.SHEET_PROGRESS]
    for row in range(VALUE_HEADER_ROW + 1, tasks.max_row + 1):
        number = tasks.cell(row, 1).value
        if number in progress:
            for c, text in zip((3, 4), progress[number]):
                _type(tasks.cell(row, c), text, as_text)
    if rectifications and config.SHEET_RECTIFICATION in wb.sheetnames:
        sheet = wb[config.SHEET_RECTIFICATION]
        for row in range(VALUE_HEADER_ROW + 1, sheet.max_row + 1):
            answers = rectifications.get(sheet.cell(row, 1).value)
            if answers:
                for c, value in enumerate(answers, start=4):
                    _type(sheet.cell(row, c), value, as_text)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _fill_values(sheet, values: dict[str, object], notes: dict[str, str], sources: dict[str, tuple[object, object]],
                 as_text: bool) -> None:
    """指标数据: each indicator's 数值 and 备注, and its 数据来源 and 来源日期, by its code."""
    for row in range(VALUE_HEADER_ROW + 1, sheet.max_row + 1):
        code = sheet.cell(row, 1).value
        if code in values:
            _type(sheet.cell(row, 5), values[code], as_text)
        if code in notes:
            _type(sheet.cell(row, 6), notes[code], as_text)
        for c, typed in zip((SOURCE_COLUMN, SOURCE_COLUMN + 1), sources.get(code, ())):
            if typed is not None:
                _type(sheet.cell(row, c), typed, as_text)


def _type(cell, value, as_text: bool) -> None:
    """A value into a cell; with as_text, a string stays a string even when it starts with "="."""
    cell.value = value
    if as_text and isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
