"""`template --unit 旗教育局 --year Y --schools`: the school and kindergarten workbook for a year.

Sheets: 填报说明; 学校名录 (the register of schools); 学校 (one row per school and stage: counts only);
幼儿园 (one row per kindergarten: its register columns and counts); 全旗指标 (county-wide items). The
register and, for a year already loaded, the counts are filled in from the warehouse (real data only,
never demo), so that a person changes what changed.
"""

from datetime import datetime
from io import BytesIO
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
from openpyxl.styles import Alignment, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..core import config
from ..core import school_settings as s
from ..core.describe import SYMBOLS, present
from ..core.problems import InputError, Problem
from ..core.table_files import save_workbook, workbook_bytes
from ..workbooks.template import BOX, INPUT_FILL, NUMBER_FORMATS, _font, _header, _title, guide_sheet
from .division import Division

SPARE_ROWS = {s.SHEET_REGISTER: 30, s.SHEET_SCHOOLS: 60, s.SHEET_KINDERGARTENS: 30}


def file_name(year: int) -> str:
    return f"{s.SCHOOL_UNIT}_{year}年度学校与幼儿园填报.xlsx"


def check_request(unit: str, year: int) -> None:
    problems = []
    if unit != s.SCHOOL_UNIT:
        problems.append(Problem("", f"参数 --unit：学校与幼儿园工作簿由{s.SCHOOL_UNIT}填报，不是“{unit}”"))
    if year not in config.YEARS:
        problems.append(Problem("", f"参数 --year：年度 {year} 不在方案范围内，可选 {config.YEARS[0]}—{config.YEARS[-1]} 年"))
    if problems:
        raise InputError(problems)


def known_rows(con: duckdb.DuckDBPyConnection, year: int) -> dict[str, pd.DataFrame]:
    """The real (not demo) register of the year, or of the latest year before it; the counts if the year's own."""
    (latest,), = con.execute("select max(year) from school_books(false) where year <= ?", [year]).fetchall()
    empty = {"register": pd.DataFrame(), "counts": pd.DataFrame(), "kindergartens": pd.DataFrame(),
             "county": pd.DataFrame()}
    if latest is None:
        return empty
    register = con.execute(
        "select * from school_register_current(false) where year = ? order by kind, sheet_row", [latest]).df()
    rows = dict(empty, register=register)
    if latest == year:  # a correction: the year's values as loaded, to be changed where wrong
        rows["counts"] = con.execute(
            "select c.* from school_counts c join school_books(false) b using (submission_id) where b.year = ?",
            [year]).df()
        rows["kindergartens"] = con.execute(
            "select k.* from kindergarten_counts k join school_books(false) b using (submission_id) where b.year = ?",
            [year]).df()
        rows["county"] = con.execute(
            "select i.* from county_items i join school_books(false) b using (submission_id) where b.year = ?",
            [year]).df()
    return rows


def make_school_template(con: duckdb.DuckDBPyConnection, year: int, unit: str = s.SCHOOL_UNIT) -> openpyxl.Workbook:
    check_request(unit, year)
    rows = known_rows(con, year)
    division = Division.from_warehouse(con)
    county = con.execute(
        "select criterion_id, name, unit, comparator, threshold, scheme from criteria "
        "where scope = 'county' and measure = 'reported' order by sort_order").df()
    wb = openpyxl.Workbook()
    _guide(wb.active, year)
    register = rows["register"]
    schools = register[register["kind"] == "school"] if len(register) else register
    kindergartens = register[register["kind"] == "kindergarten"] if len(register) else register
    _register(wb.create_sheet(s.SHEET_REGISTER), year, schools, division)
    _schools(wb.create_sheet(s.SHEET_SCHOOLS), year, schools, rows["counts"])
    _kindergartens(wb.create_sheet(s.SHEET_KINDERGARTENS), year, kindergartens, rows["kindergartens"], division)
    _county(wb.create_sheet(s.SHEET_COUNTY), year, county, rows["county"])
    wb.properties.title = f"{s.SCHOOL_UNIT}{year}年度学校与幼儿园填报"
    wb.properties.creator = config.PLATFORM_NAME
    return wb


def school_template_bytes(con: duckdb.DuckDBPyConnection, year: int) -> bytes:
    return workbook_bytes(make_school_template(con, year))


def write_school_template(con: duckdb.DuckDBPyConnection, unit: str, year: int, out: Path) -> Path:
    return save_workbook(make_school_template(con, year, unit), out)


GUIDE = (
    "本工作簿为2030年义务教育优质均衡、2028年学前教育普及普惠国家督导评估做准备：逐校、逐园填报原始数量，"
    "每百名学生、生均指标和校际差异系数由平台计算，不要填比例或生均数。",
    f"“{s.SHEET_REGISTER}”：本年度在办的每所小学、教学点、初中、九年一贯制学校、完全中学一行；普通高中、中等职业学校、"
    "特殊教育学校也列在名录中（平台据此计算中小学校数、高中学校数、职业学校数等，各单位不再填写），但不填“学校”表。"
    f"{s.ID}填全国统一的10位学校"
    "标识码（没有的，可用本单位固定的编号，逐年不变）。新设、合并、更名的在“本年变动”注明；合并的，在“并入学校标识码”"
    "填被并入学校的标识码（多个用顿号分隔）。撤销、停办的学校不再列出。",
    f"“{s.SHEET_SCHOOLS}”：每所学校每个学段一行：九年一贯制填小学、初中两行；完全中学填初中、高中两行，高中行只填在校生数"
    "（用于分摊共用设施）。只填人数、间数、面积（㎡）和金额（万元）。",
    f"多学段学校不能分学段统计的校舍、场地、设备和音乐美术专用教室，填在学段为“{s.SHARED_STAGE}”的一行，平台按在校生数加权"
    "（九年一贯制小学1：初中1.1，完全中学初中1：高中1.2）分摊到各学段。",
    "“初中毕业班学生数”“该届初一入学人数”只在初中学段填写，用于计算初中三年巩固率。",
    "“一年级学生数”至“九年级学生数”（选填）：小学行填一至六年级，初中行填七至九年级，各年级之和须等于在校生数；"
    "用于按年级推算今后的在校生数（验收准备的达标路径）。不填的，按在校生数平均分到各年级推算。",
    "“最小一间音乐专用教室面积”“最小一间美术专用教室面积”：该校面积最小的一间音乐（美术）专用教室的面积（平方米），"
    "用于判断每间专用教室是否达到面积要求；没有该类专用教室的不填，多学段学校可填在“全校共用”行。",
    f"“{s.SHEET_KINDERGARTENS}”：每所幼儿园一行，性质为公办、普惠性民办或非普惠民办；“超过规定班额的班数”按小班25人、"
    "中班30人、大班35人（《幼儿园工作规程》）计。",
    "“是否乡镇中心园”：乡镇（苏木）的公办中心幼儿园选“是”，其他选“否”（每个乡镇苏木至少应有一所公办中心园）；"
    "“园长数”“持证园长数”与专任教师一起计算持证上岗率。",
    "“园舍规划设计年份”：园舍规划设计的年份（2017年起按新的《幼儿园建设标准》，达标率要求不同；不清楚的填建成年份并在备注中"
    "说明）；“室外游戏场地面积”“幼儿活动用房建筑面积”“园舍建筑面积”填平方米，生均面积由平台按在园幼儿数计算。",
    f"“{s.SHEET_COUNTY}”：填写全旗的数值（百分数填 95 或 95%）或从下拉列表选“是/否”；没有数据的留空。与年度工作簿"
    "“指标数据”相同的数量（3—5周岁常住人口数、残疾儿童少年入学率、交流轮岗比例、教师与公务员工资之比等）只在"
    "“指标数据”中填报一次，这里不再填写；验收准备直接取用。",
    "没有数据的单元格留空，不要填 0 或“无”；上传后平台列出全部问题（工作表、行、列、原因），有错误的文件不会载入。",
    f"评估标准{s.CAVEAT}。",
)


def _guide(ws, year: int) -> None:
    lines = [
        (config.GUIDE_UNIT_LABEL, s.SCHOOL_UNIT),
        (config.GUIDE_YEAR_LABEL, year),
        (s.BOOK_KIND_LABEL, s.BOOK_KIND),
        ("生成时间", datetime.now().strftime("%Y-%m-%d %H:%M")),
        ("", ""),
        *(("怎样填写" if i == 0 else "", f"{i + 1}. {line}") for i, line in enumerate(GUIDE)),
        ("咨询", "填报中有疑问，请联系旗教育局（教育高质量发展监测平台管理员）。"),
    ]
    guide_sheet(ws, "敖汉旗推动教育高质量发展实施方案 学校与幼儿园办学条件填报（验收准备）", lines, width=100)


def dropdown(ws, values, first_row: int, last_row: int, column: int, title: str) -> None:
    text = ",".join(values)
    rule = DataValidation(type="list", formula1=f'"{text}"', allow_blank=True, showErrorMessage=True,
                          errorTitle="请从列表中选择", error=f"{title}只能是：{'、'.join(values)}")
    ws.add_data_validation(rule)
    letter = get_column_letter(column)
    rule.add(f"{letter}{first_row}:{letter}{last_row}")


def _table(ws, year: int, title: str, columns, widths, rows: list[list], inputs: dict[int, str], lists: dict[int, tuple],
           unit: str = s.SCHOOL_UNIT, spare: int | None = None):
    """Title, header, the rows, and spare formatted rows: input cells yellow, number formats, drop-downs (the
    planning workbook's tables too: unit, spare rows)."""
    _title(ws, f"{unit} {year}年度 {title}", unit, year, len(columns))
    _header(ws, s.HEADER_ROW, list(columns), widths)
    first = s.HEADER_ROW + 1
    last = first + len(rows) + (SPARE_ROWS.get(ws.title, 0) if spare is None else spare) - 1
    for r in range(first, last + 1):
        values = rows[r - first] if r - first < len(rows) else [None] * len(columns)
        for c, value in enumerate(values, start=1):
            cell = ws.cell(r, c, value)
            cell.font = _font()
            cell.border = BOX
            if c in inputs:
                cell.fill = INPUT_FILL
                cell.number_format = NUMBER_FORMATS.get(inputs[c], "General")
            cell.protection = Protection(locked=False)
    for column, values in lists.items():
        # the drop-downs reach far below the formatted rows: a county lists more schools than spare rows
        dropdown(ws, values, first, max(last, first + s.DROPDOWN_ROWS - 1), column, columns[column - 1])
    ws.row_dimensions[s.HEADER_ROW].height = 45
    for c in range(1, len(columns) + 1):
        ws.cell(s.HEADER_ROW, c).alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _value(row, name):
    value = row.get(name) if isinstance(row, dict) else getattr(row, name, None)
    return value if present(value) else None


def _township(name: str, division: Division) -> str:
    """A register's 苏木乡镇 as the current division names it (a renamed one by its new name)."""
    return division.renamed.get(name, name)


def _typed(row, name, kind):
    """A loaded value as a person types it (a 是/否 column as 是 or 否)."""
    value = _value(row, name)
    return ("是" if value else "否") if kind == "flag" and value is not None else value


def _register(ws, year, schools: pd.DataFrame, division: Division) -> None:
    rows = [[r.school_id, r.name, _township(r.township, division), r.area_type, r.stage, r.ownership, None, None, None]
            for r in schools.itertuples()]
    columns = s.REGISTER_COLUMNS
    _table(ws, year, "学校名录", columns, [14, 26, 14, 10, 14, 8, 10, 22, 24], rows, {},
           {3: division.current, 4: s.AREA_TYPES, 5: tuple(s.SCHOOL_TYPES), 6: s.SCHOOL_OWNERS, 7: s.CHANGES})


def _schools(ws, year, schools: pd.DataFrame, counts: pd.DataFrame) -> None:
    typed = {(r["school_id"], r["stage"]): r for r in counts.to_dict("records")} if len(counts) else {}
    rows = []
    for r in schools.itertuples():
        stages = list(s.SCHOOL_TYPES.get(r.stage, ()))
        if len(stages) > 1:
            stages.append(s.SHARED_STAGE)
        for stage in stages:
            known = typed.get((r.school_id, stage), {})
            rows.append([r.school_id, r.name, stage,
                         *(_value(known, column) for _, column, _ in (*s.SCHOOL_FIELDS, *s.GRADE_FIELDS)),
                         _value(known, "note")])
    fields = (*s.SCHOOL_FIELDS, *s.GRADE_FIELDS)
    inputs = {i + 4: kind for i, (kind, _, _) in enumerate(fields)}
    widths = [14, 24, 10, *([11] * len(fields)), 20]
    _table(ws, year, "学校（每校每学段一行，只填数量）", s.SCHOOL_COLUMNS, widths, rows, inputs,
           {3: (*s.JUDGED_STAGES, s.HIGH_STAGE, s.SHARED_STAGE)})
    ws.freeze_panes = ws.cell(s.HEADER_ROW + 1, 4)


def _kindergartens(ws, year, kindergartens: pd.DataFrame, counts: pd.DataFrame, division: Division) -> None:
    typed = {r["school_id"]: r for r in counts.to_dict("records")} if len(counts) else {}
    rows = []
    for r in kindergartens.itertuples():
        known = typed.get(r.school_id, {})
        rows.append([r.school_id, r.name, _township(r.township, division), r.area_type, r.ownership, None,
                     *(_typed(known, column, kind) for kind, column, _ in s.KG_FIELDS), _value(known, "note")])
    first_count = len(s.KG_COLUMNS) - len(s.KG_FIELDS)  # the 1-based column before the first count
    inputs = {first_count + i: kind for i, (kind, _, _) in enumerate(s.KG_FIELDS)}
    flags = {c: ("是", "否") for c, kind in inputs.items() if kind == "flag"}
    widths = [14, 26, 14, 10, 12, 10, *([12] * len(s.KG_FIELDS)), 20]
    _table(ws, year, "幼儿园（每园一行）", s.KG_COLUMNS, widths, rows, inputs,
           {3: division.current, 4: s.AREA_TYPES, 5: s.KG_OWNERS, 6: s.CHANGES, **flags})
    ws.freeze_panes = ws.cell(s.HEADER_ROW + 1, 3)


def _standard(comparator: str, threshold: float, unit: str | None) -> str:
    unit = unit if present(unit) else ""  # a criterion without a unit (a 差异率) reads as NaN from the frame
    if unit == "是/否":
        return "是"
    return f"{SYMBOLS.get(comparator, '')}{threshold:g}{unit}"


def _county(ws, year, criteria: pd.DataFrame, known: pd.DataFrame) -> None:
    values = dict(zip(known["item_code"], known["value"])) if len(known) else {}
    rows, flags = [], []
    for r in criteria.itertuples():
        value = values.get(r.criterion_id)
        if r.unit == "是/否" and value is not None:
            value = "是" if value >= 1 else "否"
        rows.append([r.criterion_id, f"［{r.scheme}］{r.name}", r.unit, value, None,
                     _standard(r.comparator, r.threshold, r.unit)])
    columns = (*s.COUNTY_COLUMNS, "评估标准")
    _table(ws, year, "全旗指标", columns, [12, 60, 8, 12, 24, 12], rows, {4: "General"}, {})
    for i, row in enumerate(rows, start=s.HEADER_ROW + 1):
        kind = s.value_type(row[2])
        if kind == "flag":
            flags.append(i)
        else:
            ws.cell(i, 4).number_format = NUMBER_FORMATS.get(kind, "General")
        for c in (1, 2, 3, 6):
            ws.cell(i, c).protection = Protection(locked=True)
        ws.cell(i, 2).alignment = Alignment(wrap_text=True, vertical="center")
    rule = DataValidation(type="list", formula1='"是,否"', allow_blank=True, showErrorMessage=True,
                          errorTitle="请从列表中选择", error="该项只能填写“是”或“否”")
    ws.add_data_validation(rule)
    for i in flags:
        rule.add(ws.cell(i, 4))
    ws.protection.sheet = True  # codes and names locked; 数值 and 备注 open
    ws.protection.formatColumns = False


def _clear(ws) -> None:
    for row in ws.iter_rows(min_row=s.HEADER_ROW + 1):
        for cell in row:
            cell.value = None


def _write(ws, rows: list[dict]) -> None:
    headers = {ws.cell(s.HEADER_ROW, c).value: c for c in range(1, ws.max_column + 1)}
    for i, row in enumerate(rows, start=s.HEADER_ROW + 1):
        for header, value in row.items():
            ws.cell(i, headers[header]).value = value


def fill_school_book(wb: openpyxl.Workbook, register: list[dict], schools: list[dict], kindergartens: list[dict],
                     county: dict[str, object]) -> bytes:
    """Type a year's rows into a school template as a person would (pre-filled rows replaced), and save."""
    for sheet, rows in ((s.SHEET_REGISTER, register), (s.SHEET_SCHOOLS, schools), (s.SHEET_KINDERGARTENS, kindergartens)):
        _clear(wb[sheet])
        _write(wb[sheet], rows)
    ws = wb[s.SHEET_COUNTY]
    listed = set()
    for r in range(s.HEADER_ROW + 1, ws.max_row + 1):
        code = ws.cell(r, 1).value
        listed.add(code)
        ws.cell(r, 4).value = county.get(code)
    # an input the template no longer asks (COUNTY_INPUTS: the demo's 3—5 population) as an older workbook carries it
    last = max((r for r in range(s.HEADER_ROW + 1, ws.max_row + 1) if ws.cell(r, 1).value), default=s.HEADER_ROW)
    for code, name, unit in s.COUNTY_INPUTS:
        if code in county and code not in listed:
            last += 1
            for c, value in enumerate((code, name, unit, county[code]), start=1):
                ws.cell(last, c).value = value
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def filled_rows(wb: openpyxl.Workbook) -> tuple[list[dict], list[dict], list[dict], dict[str, object]]:
    """What a school template holds (its pre-filled register and counts), as fill_school_book takes it."""
    tables = []
    for sheet in (s.SHEET_REGISTER, s.SHEET_SCHOOLS, s.SHEET_KINDERGARTENS):
        ws = wb[sheet]
        headers = [ws.cell(s.HEADER_ROW, c).value for c in range(1, ws.max_column + 1)]
        rows = []
        for r in range(s.HEADER_ROW + 1, ws.max_row + 1):
            row = {h: ws.cell(r, c).value for c, h in enumerate(headers, start=1) if h}
            if any(v is not None for v in row.values()):
                rows.append(row)
        tables.append(rows)
    ws = wb[s.SHEET_COUNTY]
    county = {ws.cell(r, 1).value: ws.cell(r, 4).value for r in range(s.HEADER_ROW + 1, ws.max_row + 1)
              if ws.cell(r, 1).value and ws.cell(r, 4).value is not None}
    return tables[0], tables[1], tables[2], county
