"""Check a planning workbook (规划项目与适龄人口): the planned changes and the age population, every problem at once.

Pure: a Book (workbook_read.read_book) and what the warehouse knows (a Context) in; the planned changes (school,
what, how much, the year it is ready) and the population inputs (births, 3 and 6 周岁, with their source) out, as
frames for the warehouse, with the problems found (sheet, row, column, reason).
"""

from dataclasses import dataclass, field

import pandas as pd

from .. import config
from ..problems import HasProblems, Problem
from ..schools import settings as ss
from ..schools.check import stated_kind
from ..text import cell_text, fold
from ..values import parse_value
from ..workbook_check import OBSERVATION_COLUMNS, PROGRESS_COLUMNS, RECTIFICATION_COLUMNS, unread
from ..workbook_read import Book, Table, find_table, unit_and_year
from . import settings as p

CHANGE_FRAME = ["sheet_row", "project", "school_id", "school_name", "stage", "kind", "resource", "amount", "unit",
                "year_ready", "investment", "source", "note"]
POPULATION_FRAME = ["sheet_row", "year", "births", "age3", "age6", "source", "source_date", "note"]
VALUE_KIND = {"人": "count", "间": "count", "㎡": "area", "万元": "amount"}
LAST_READY_YEAR = 2035
KINDS = {fold(kind): kind for kind in p.KINDS}  # 类别 as read (full-width brackets and commas folded) -> as listed


@dataclass
class Context:
    """What the check needs: the units that may send, and the register the schools are named from
    (school id -> name, kind 'school' or 'kindergarten', the stages it teaches)."""

    units: set[str]
    register: dict[str, dict]

    @classmethod
    def from_warehouse(cls, con) -> "Context":
        units = {u for (u,) in con.execute("select unit from units").fetchall()}
        # every school and kindergarten of the loaded school workbooks (reviewed or not), as the latest one states
        # it: a rebuild checks the workbook as its ingest did, before the review decisions are replayed
        rows = con.execute(
            "select r.school_id, arg_max(r.name, r.year * 100000 + r.submission_id), "
            "arg_max(r.kind, r.year * 100000 + r.submission_id), arg_max(r.stages, r.year * 100000 + r.submission_id) "
            "from school_register r join submissions s using (submission_id) where not s.withdrawn "
            "group by r.school_id").fetchall()
        register = {sid: {"name": name, "kind": kind, "stages": list(stages or [])} for sid, name, kind, stages in rows}
        return cls(units, register)


@dataclass
class PlanChecked(HasProblems):
    file: str
    unit: str | None
    year: int | None
    changes: pd.DataFrame
    population: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    # Empty: a planning workbook reports no plan indicator and no task (the common load inserts these).
    observations: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=OBSERVATION_COLUMNS))
    progress: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PROGRESS_COLUMNS))
    rectifications: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=RECTIFICATION_COLUMNS))

    @property
    def n_values(self) -> int:
        return len(self.changes) + int(self.population[["births", "age3", "age6"]].notna().sum().sum())

    def summary(self) -> str:
        counted = int(self.changes["resource"].notna().sum())
        return (f"{self.unit} {self.year}年度规划项目与适龄人口：规划项目 {len(self.changes)} 项（计入指标 {counted} 项），"
                f"适龄人口 {len(self.population)} 个年度")


def is_plan_book(book: Book) -> bool:
    """The planning workbook: its 填报说明 says so (表式 规划项目与适龄人口)."""
    return stated_kind(book) == p.BOOK_KIND


class _Sheet:
    """A table of the planning workbook and the problems found in it."""

    def __init__(self, file: str, table: Table, problems: list[Problem]):
        self.file, self.table, self.problems = file, table, problems

    def text(self, cells, column: str) -> str:
        return fold(cell_text(cells[column].value)).strip() if column in cells else ""

    def error(self, row: int, column: str, reason: str, subject: str | None = None) -> None:
        self.problems.append(self.table.problem(self.file, row, column, reason, subject=subject))

    def warning(self, row: int, column: str, reason: str, subject: str | None = None) -> None:
        self.problems.append(self.table.problem(self.file, row, column, reason, "warning", subject=subject))

    def number(self, r: int, cells, column: str, kind: str, subject: str | None = None) -> tuple[float | None, bool]:
        cell = cells[column]
        parsed = parse_value(cell.value, kind, cell.percent)
        if parsed.error:
            self.error(r, column, parsed.error, subject)
            return None, False
        return parsed.value, True


def check_plan_book(book: Book, ctx: Context) -> PlanChecked:
    """The planned changes and the population inputs of a planning workbook, with every problem found in it."""
    problems: list[Problem] = []
    unit, year = unit_and_year(book)
    if not unit:
        problems.append(Problem(book.file, f"找不到填报单位（应在“{config.SHEET_GUIDE}”的“{config.GUIDE_UNIT_LABEL}”旁）",
                                config.SHEET_GUIDE))
    elif unit not in ctx.units:
        problems.append(Problem(book.file, f"填报单位“{unit}”不在单位名录中", config.SHEET_GUIDE, column=config.GUIDE_UNIT_LABEL))
    if not year:
        problems.append(Problem(book.file, f"找不到填报年度（应在“{config.SHEET_GUIDE}”的“{config.GUIDE_YEAR_LABEL}”旁）",
                                config.SHEET_GUIDE))
    elif year not in config.YEARS:
        problems.append(Problem(book.file, f"填报年度 {year} 不在方案范围（{config.YEARS[0]}—{config.YEARS[-1]}）内",
                                config.SHEET_GUIDE, column=config.GUIDE_YEAR_LABEL))
    changes, population = [], []
    for sheet, columns in ((p.SHEET_CHANGES, p.CHANGE_COLUMNS), (p.SHEET_POPULATION, p.POPULATION_COLUMNS)):
        table, found = find_table(book, sheet, columns)
        problems += found + unread(book, sheet, table)
        if table is None:
            continue
        reader = _changes if sheet == p.SHEET_CHANGES else _population
        (changes if sheet == p.SHEET_CHANGES else population).extend(reader(_Sheet(book.file, table, problems), ctx))
    if not changes and not population and not [x for x in problems if x.severity == "error"]:
        problems.append(Problem(book.file, f"工作簿中没有任何规划项目或适龄人口（“{p.SHEET_CHANGES}”和“{p.SHEET_POPULATION}”都是空的）"))
    return PlanChecked(book.file, unit, year, pd.DataFrame(changes, columns=CHANGE_FRAME),
                       pd.DataFrame(population, columns=POPULATION_FRAME), problems)


def _school(sheet: _Sheet, r: int, cells, ctx: Context, counted: bool, subject: str) -> tuple[str | None, dict | None]:
    """The school or kindergarten a row is about: by its id, or by its name where the id is blank."""
    school_id = sheet.text(cells, p.ID)
    name = sheet.text(cells, p.NAME)
    if school_id:
        school = ctx.register.get(school_id)
        if school is None:
            if counted:
                sheet.error(r, p.ID, f"标识码“{school_id}”不在最新的学校与幼儿园名录中（新建的学校开办后才能计入指标）", subject)
            return school_id, None
        if name and name != school["name"]:
            sheet.warning(r, p.NAME, f"名称“{name}”与名录中的“{school['name']}”不同，以名录为准", subject)
        return school_id, school
    if name:
        found = [sid for sid, row in ctx.register.items() if row["name"] == name]
        if len(found) == 1:
            if counted:
                sheet.warning(r, p.ID, f"未填标识码，按名称“{name}”读作{found[0]}", subject)
            return found[0], ctx.register[found[0]]
    if counted:
        sheet.error(r, p.ID, "计入指标的项目须填写学校或幼儿园标识码（名录中的）", subject)
    return None, None


def _changes(sheet: _Sheet, ctx: Context) -> list[dict]:
    rows = []
    for r, cells in sheet.table.rows:
        project = sheet.text(cells, p.PROJECT)
        kind = KINDS.get(sheet.text(cells, p.KIND), sheet.text(cells, p.KIND))
        subject = project or None
        if not project:
            sheet.error(r, p.PROJECT, "缺少项目名称")
            continue
        if kind not in p.KINDS:
            sheet.error(r, p.KIND, (f"类别“{kind}”不是可选值" if kind else "缺少类别") + f"（可选：{'、'.join(p.KINDS)}）", subject)
            continue
        resource = p.KINDS[kind]
        counted = resource is not None
        school_id, school = _school(sheet, r, cells, ctx, counted, subject)
        unit = p.UNIT[resource] if counted else sheet.text(cells, p.AMOUNT_UNIT) or None
        typed_unit = sheet.text(cells, p.AMOUNT_UNIT)
        if counted and typed_unit and fold(typed_unit.replace("平方米", "㎡")) != fold(unit):
            sheet.error(r, p.AMOUNT_UNIT, f"“{kind}”的单位是{unit}，不是“{typed_unit}”", subject)
            continue
        amount, ok = sheet.number(r, cells, p.AMOUNT, VALUE_KIND.get(unit, "amount"), subject)
        ready, ok_ready = sheet.number(r, cells, p.READY, "count", subject)
        investment, ok_money = sheet.number(r, cells, p.INVESTMENT, "amount", subject)
        if not (ok and ok_ready and ok_money):
            continue
        stage = _stage(sheet, r, cells, resource, school, subject) if counted and school else (sheet.text(cells, p.STAGE) or None)
        if counted and (school is None or stage is False):
            continue
        if counted and school["kind"] != p.RESOURCES[resource][2]:
            where = "幼儿园" if school["kind"] == "kindergarten" else "学校"
            sheet.error(r, p.KIND, f"{school['name']}是{where}，不能计入“{kind}”", subject)
            continue
        if counted and amount is None:
            sheet.error(r, p.AMOUNT, f"“{kind}”须填写数量（{unit}），留空则不能计入指标", subject)
            continue
        if amount is not None and (amount <= 0 or amount > p.MAX_AMOUNT.get(unit or "", float("inf"))):
            sheet.error(r, p.AMOUNT, f"数量{amount:g}不在合理范围内（大于0，不超过{p.MAX_AMOUNT.get(unit or '', 0):,}{unit or ''}）", subject)
            continue
        if ready is not None and not (config.BASELINE_YEAR <= ready <= LAST_READY_YEAR):
            sheet.error(r, p.READY, f"到位年份{ready:g}不在{config.BASELINE_YEAR}—{LAST_READY_YEAR}年之间", subject)
            continue
        if counted and ready is None:
            sheet.error(r, p.READY, "计入指标的项目须填写到位（竣工、到岗或购置完成）的年份", subject)
            continue
        rows.append({"sheet_row": r, "project": project, "school_id": school_id,
                     "school_name": school["name"] if school else (sheet.text(cells, p.NAME) or None),
                     "stage": stage, "kind": kind, "resource": resource, "amount": amount, "unit": unit,
                     "year_ready": int(ready) if ready is not None else None, "investment": investment,
                     "source": sheet.text(cells, p.SOURCE) or None, "note": sheet.text(cells, p.NOTE) or None})
    return rows


def _stage(sheet: _Sheet, r: int, cells, resource: str, school: dict, subject: str | None):
    """The stage a school's addition goes to: a single-stage school's own; for a two-stage school the stage typed,
    or 全校共用 for facilities shared between its stages (split by students, as the school workbook's). False: refused."""
    if school["kind"] == "kindergarten":
        return p.KINDERGARTEN_STAGE
    stages = [st for st in school["stages"] if st in ss.JUDGED_STAGES]
    typed = sheet.text(cells, p.STAGE)
    facility = resource not in p.MOVABLE
    allowed = [*stages, ss.SHARED_STAGE] if len(stages) > 1 and facility else stages
    if not typed and len(stages) == 1:
        return stages[0]
    if typed in allowed:
        return typed
    if not typed:
        sheet.error(r, p.STAGE, f"{school['name']}有{'、'.join(stages)}两个学段，须填写学段（可填：{'、'.join(allowed)}）", subject)
    else:
        sheet.error(r, p.STAGE, f"{school['name']}没有“{typed}”学段（可填：{'、'.join(allowed) or '无'}）", subject)
    return False


def _population(sheet: _Sheet, ctx: Context) -> list[dict]:
    rows, seen = [], {}
    for r, cells in sheet.table.rows:
        year, ok = sheet.number(r, cells, p.POPULATION_YEAR, "count")
        if not ok:
            continue
        if year is None or not (p.FIRST_POPULATION_YEAR <= year <= config.PLAN_END_YEAR):
            sheet.error(r, p.POPULATION_YEAR, f"年份须在{p.FIRST_POPULATION_YEAR}—{config.PLAN_END_YEAR}年之间"
                        + (f"（填写为{year:g}）" if year is not None else "（未填）"))
            continue
        year = int(year)
        subject = f"{year}年"
        if year in seen:
            sheet.error(r, p.POPULATION_YEAR, f"{year}年重复填写（与第{seen[year]}行重复）", subject)
            continue
        seen[year] = r
        values = {}
        for column, key in ((p.BIRTHS, "births"), (p.AGE3, "age3"), (p.AGE6, "age6")):
            value, ok = sheet.number(r, cells, column, "count", subject)
            if ok and value is not None and value > p.MAX_POPULATION:
                sheet.error(r, column, f"{value:,.0f}超出一个年龄组可能的人数（上限{p.MAX_POPULATION:,}），请检查是否多输了位数", subject)
                ok = False
            values[key] = value if ok else False
        if False in values.values():
            continue
        if all(v is None for v in values.values()):
            sheet.warning(r, p.BIRTHS, "出生人口数、3周岁人口数、6周岁人口数都未填，该行不计入", subject)
            continue
        source = sheet.text(cells, p.POP_SOURCE)
        if not any(office in source for office in p.POPULATION_OFFICES):
            sheet.error(r, p.POP_SOURCE, "须写明数据出自哪个部门（卫健、统计或公安，如“旗卫健委出生登记”）"
                        + (f"，填写为“{source}”" if source else ""), subject)
            continue
        rows.append({"sheet_row": r, "year": year, **values, "source": source,
                     "source_date": sheet.text(cells, p.POP_DATE) or None, "note": sheet.text(cells, p.NOTE) or None})
    return rows
