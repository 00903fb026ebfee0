"""`template --unit UNIT --year Y --plan`: the planning workbook (规划项目与适龄人口).

Sheets: 填报说明; 规划项目 (one row per project decided: school, what it adds, how much, the year it is ready),
prefilled with the projects that count now (the unit's latest workbook that counts, real data only) and the
notice's tasks 88–89 buildings not yet listed; 适龄人口 (births and the 3 and 6 周岁 populations by year, each with
the office it comes from), prefilled with the years that count now. Loaded, archived and reviewed like every
workbook (pipelines.operations.ingest).
"""

import re
from datetime import datetime
from io import BytesIO
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd

from ..core import config
from ..core import school_settings as ss
from ..core.describe import present
from ..core.problems import InputError, Problem
from ..core.table_files import save_workbook, workbook_bytes
from ..schools.school_template import _table as school_table
from ..workbooks.template import guide_sheet
from . import settings as p

WIDTHS = {p.SHEET_CHANGES: [30, 16, 24, 10, 26, 10, 8, 10, 12, 16, 24],
          p.SHEET_POPULATION: [8, 12, 12, 12, 26, 14, 24]}


def file_name(unit: str, year: int) -> str:
    return f"{unit}_{year}年度规划项目与适龄人口.xlsx"


def check_request(con: duckdb.DuckDBPyConnection, unit: str, year: int) -> None:
    problems = []
    units = [u for (u,) in con.execute("select unit from units order by unit").fetchall()]
    if unit not in units:
        problems.append(Problem("", f"参数 --unit：单位“{unit}”不在单位名录中"))
    if year not in config.YEARS:
        problems.append(Problem("", f"参数 --year：年度 {year} 不在方案范围内，可选 {config.YEARS[0]}—{config.YEARS[-1]} 年"))
    if problems:
        raise InputError(problems)


def notice_projects(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """The notice's tasks 88–89 buildings (targets of kind 'project', and the canteen's area), as rows to fill:
    what each adds, the school it is at when the register has it, the year from the target's."""
    names = dict(con.execute("select name, school_id from school_register_current(false) "
                             "where year = (select max(year) from school_books(false))").fetchall())
    rows = []
    for target_id, task_no, code, name, year, value, kind in con.execute(
            "select t.target_id, t.task_no, t.indicator_code, i.name, t.target_year, t.target_value, t.kind "
            "from targets t join indicators i using (indicator_code) "
            "where t.kind = 'project' or t.indicator_code = 'FAC_XINHUI_CANTEEN_AREA' order by t.task_no, t.target_id"
    ).fetchall():
        what, school = p.PROJECT_KINDS.get(code, (p.OTHER, None))
        resource = p.KINDS.get(what)
        started_only = kind == "project" and value is not None and value < 2  # 规划新建: 开工 by its year
        area = kind != "project"  # the canteen's target is its area
        rows.append({
            p.PROJECT: re.sub(r"(建设|新建)?(项目)?(进度|建成面积)$", "", name), p.ID: names.get(school), p.NAME: school,
            p.STAGE: None, p.KIND: what, p.AMOUNT: value if area else None,
            p.AMOUNT_UNIT: p.UNIT[resource] if resource else ("㎡" if area else None),
            p.READY: None if started_only else year, p.INVESTMENT: None, p.SOURCE: f"方案任务{task_no}（{target_id}）",
            p.NOTE: "规划新建：竣工年份待定，定后填写" if started_only else None})
    return rows


def current_rows(con: duckdb.DuckDBPyConnection, unit: str) -> tuple[list[dict], list[dict]]:
    """The unit's planned changes and population rows that count now (real workbooks only, never demo)."""
    changes = con.execute("select * from current_planned_changes(false) where sent_by = ? order by sheet_row", [unit]).df()
    population = con.execute(
        "select p.* from population_inputs p join plan_books(false) b using (submission_id) where b.unit = ? "
        "order by p.year", [unit]).df()
    return ([{p.PROJECT: r.project, p.ID: r.school_id, p.NAME: r.school_name, p.STAGE: r.stage, p.KIND: r.kind,
              p.AMOUNT: r.amount, p.AMOUNT_UNIT: r.unit, p.READY: r.year_ready, p.INVESTMENT: r.investment,
              p.SOURCE: r.source, p.NOTE: r.note} for r in changes.itertuples()],
            [{p.POPULATION_YEAR: r.year, p.BIRTHS: r.births, p.AGE3: r.age3, p.AGE6: r.age6, p.POP_SOURCE: r.source,
              p.POP_DATE: r.source_date, p.NOTE: r.note} for r in population.itertuples()])


def make_plan_template(con: duckdb.DuckDBPyConnection, unit: str, year: int) -> openpyxl.Workbook:
    check_request(con, unit, year)
    changes, population = current_rows(con, unit)
    if unit == ss.SCHOOL_UNIT:  # the notice's buildings, those not listed yet
        listed = {row[p.PROJECT] for row in changes}
        changes += [row for row in notice_projects(con) if row[p.PROJECT] not in listed]
    wb = openpyxl.Workbook()
    _guide(wb.active, unit, year)
    _table(wb.create_sheet(p.SHEET_CHANGES), unit, year, "规划项目（每个项目每所学校每类一行）", p.CHANGE_COLUMNS,
           [[row.get(c) for c in p.CHANGE_COLUMNS] for row in changes],
           {6: "area", 8: "count", 9: "amount"}, {5: tuple(p.KINDS), 4: (*ss.JUDGED_STAGES, ss.SHARED_STAGE)})
    _table(wb.create_sheet(p.SHEET_POPULATION), unit, year, "适龄人口（出生人口与3、6周岁人口，逐年一行）",
           p.POPULATION_COLUMNS, [[row.get(c) for c in p.POPULATION_COLUMNS] for row in population],
           {1: "count", 2: "count", 3: "count", 4: "count"}, {})
    wb.properties.title = f"{unit}{year}年度规划项目与适龄人口"
    wb.properties.creator = config.PLATFORM_NAME
    return wb


def plan_template_bytes(con: duckdb.DuckDBPyConnection, unit: str, year: int) -> bytes:
    return workbook_bytes(make_plan_template(con, unit, year))


def write_plan_template(con: duckdb.DuckDBPyConnection, unit: str, year: int, out: Path) -> Path:
    return save_workbook(make_plan_template(con, unit, year), out)


GUIDE = (
    "本工作簿为验收准备的“达标路径”提供两类数据：已经确定的规划项目（新建校舍、场地，新增教师、设备、多媒体教室），"
    "以及推算今后在校生数所用的出生人口和适龄人口。平台据此推算到2030年（普及普惠到2028年）各校各年的达标情况，"
    "并在此基础上计算费用最低的补充方案。",
    f"“{p.SHEET_CHANGES}”：每个项目每所学校每一类一行。{p.ID}填学校与幼儿园名录中的标识码（不填时按名称查找）；"
    "九年一贯制等多学段学校填写学段，两个学段共用的校舍、场地、设备填“全校共用”（按在校生数分摊）。",
    f"“{p.KIND}”从下拉列表中选择：教学及辅助用房、体育运动场馆（㎡），教学仪器设备（万元），网络多媒体教室（间），"
    "高于规定学历教师、县级以上骨干教师、体育教师、音乐教师、美术教师（人），幼儿园的室外游戏场地、幼儿活动用房、"
    "其他园舍用房（㎡）和幼儿园专任教师（人）。同一名教师符合多个类别的，分行填写（如新招本科体育教师2人：填“体育教师 2”"
    "和“高于规定学历教师 2”）。食堂、宿舍等生活用房和新建学校不计入七项指标，也可列出备查（新建学校开办后列入学校名录）。",
    f"“{p.AMOUNT}”填新增的数量，“{p.READY}”填竣工、到岗或购置完成的年份：该年起计入推算。已计入最新学校数据的项目不会重复计算。",
    "已预填方案任务88、89的建设项目（新惠第三小学综合楼、新惠第七小学体育活动室、长胜初级中学综合楼等）："
    "请补填面积和竣工年份，核对学校；不计入指标的项目可保留备查。",
    f"“{p.SHEET_POPULATION}”：逐年填写出生人口数（推算小学6年后、幼儿园3年后的新生），或当年的3周岁、6周岁人口数；"
    f"“{p.POP_SOURCE}”须写明出自哪个部门（卫健、统计或公安，如“旗卫健委出生登记”“旗公安局户籍”），“{p.POP_DATE}”填取数日期。"
    "至少填到2024年出生人口（推算2030年小学新生）。",
    "没有数据的单元格留空，不要填 0 或“无”；上传后平台列出全部问题（工作表、行、列、原因），有错误的文件不会载入。"
    "审核通过后计入验收准备的达标路径。后上传的工作簿替换本单位此前的全部规划项目和适龄人口。",
)


def _guide(ws, unit: str, year: int) -> None:
    lines = [
        (config.GUIDE_UNIT_LABEL, unit),
        (config.GUIDE_YEAR_LABEL, year),
        (ss.BOOK_KIND_LABEL, p.BOOK_KIND),
        ("生成时间", datetime.now().strftime("%Y-%m-%d %H:%M")),
        ("", ""),
        *(("怎样填写" if i == 0 else "", f"{i + 1}. {line}") for i, line in enumerate(GUIDE)),
        ("咨询", "填报中有疑问，请联系旗教育局（教育高质量发展监测平台管理员）。"),
    ]
    guide_sheet(ws, "敖汉旗推动教育高质量发展实施方案 规划项目与适龄人口填报（验收准备·达标路径）", lines, width=100)


def _table(ws, unit: str, year: int, title: str, columns, rows: list[list], inputs: dict[int, str],
           lists: dict[int, tuple]) -> None:
    """The school workbook's table (schools.template): every cell an input, blanks left blank."""
    cells = [[value if present(value) else None for value in row] for row in rows]
    every = {c: inputs.get(c, "General") for c in range(1, len(columns) + 1)}
    school_table(ws, year, title, columns, WIDTHS[ws.title], cells, every, lists, unit=unit,
                 spare=p.SPARE_ROWS[ws.title])
    ws.row_dimensions[p.HEADER_ROW].height = 30


def fill_plan_book(wb: openpyxl.Workbook, changes: list[dict], population: list[dict]) -> bytes:
    """Type rows into a planning template as a person would (the pre-filled rows replaced), and save."""
    for sheet, rows in ((p.SHEET_CHANGES, changes), (p.SHEET_POPULATION, population)):
        ws = wb[sheet]
        for row in ws.iter_rows(min_row=p.HEADER_ROW + 1):
            for cell in row:
                cell.value = None
        headers = {ws.cell(p.HEADER_ROW, c).value: c for c in range(1, ws.max_column + 1)}
        for i, row in enumerate(rows, start=p.HEADER_ROW + 1):
            for header, value in row.items():
                ws.cell(i, headers[header]).value = value
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def prefilled(wb: openpyxl.Workbook) -> pd.DataFrame:
    """The 规划项目 rows a template holds (for tests and the demo)."""
    ws = wb[p.SHEET_CHANGES]
    headers = [ws.cell(p.HEADER_ROW, c).value for c in range(1, ws.max_column + 1)]
    rows = [{h: ws.cell(r, c).value for c, h in enumerate(headers, start=1)} for r in range(p.HEADER_ROW + 1, ws.max_row + 1)]
    return pd.DataFrame([r for r in rows if any(v is not None for v in r.values())], columns=headers)
