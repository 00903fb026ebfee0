"""Check 旗教育局's school and kindergarten workbook: every problem at once, each with sheet, row, column.

Pure: a Book (workbook_read.read_book) and what the warehouse knows (a Context) in; the register, the
typed counts and the county-wide items out, as frames for the warehouse, with the problems found.
Only counts are read: every per-100-students and per-student figure is derived later, in SQL.
"""

from dataclasses import dataclass, field

import pandas as pd

from .. import config
from ..problems import HasProblems, Problem
from ..text import cell_text, squeeze
from ..values import parse_value
from ..workbook_check import OBSERVATION_COLUMNS, PROGRESS_COLUMNS, RECTIFICATION_COLUMNS, unread
from ..workbook_read import Book, find_table, unit_and_year
from . import settings as s
from .completeness import completeness
from .division import Division
from .register_check import read_kindergartens, read_register
from .school_rows import read_schools
from .sheet import Sheet

REGISTER_FRAME = ["year", "school_id", "kind", "name", "township", "area_type", "school_type", "stages", "ownership",
                  "change", "merged_from", "note", "sheet_row"]
COUNT_FRAME = ["year", "school_id", "stage", *(c for _, c, _ in (*s.SCHOOL_FIELDS, *s.GRADE_FIELDS)), "note", "sheet_row"]
KG_FRAME = ["year", "school_id", *(c for _, c, _ in s.KG_FIELDS), "note", "sheet_row"]
COUNTY_FRAME = ["year", "item_code", "value", "note", "sheet_row"]


@dataclass
class Context:
    """What the check needs to know: the division (the current 苏木乡镇 and the former names), the county-wide
    items (code -> (name, unit)), and the items an older workbook may carry that are now asked in the unit's
    workbook (code -> why its value is not used)."""

    division: Division
    county_items: dict[str, tuple[str, str | None]]
    moved: dict[str, str] = field(default_factory=dict)
    measure_names: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # measure -> (stage, name)

    @classmethod
    def from_warehouse(cls, con) -> "Context":
        division = Division.from_warehouse(con)
        items = {code: (name, unit) for code, name, unit in s.COUNTY_INPUTS}
        for code, name, unit in con.execute(
                "select criterion_id, name, unit from criteria where scope = 'county' and measure = 'reported'").fetchall():
            items[code] = (name, unit)
        moved = {code: (f"“{name}”已改在{reporter}的年度工作簿“{config.SHEET_VALUES}”中填报（{indicator}，{ind_code}），"
                        "本表的值不再载入：验收准备取指标数据的值")
                 for code, name, ind_code, indicator, reporter in con.execute(
                     "select c.criterion_id, c.name, c.indicator_code, i.name, i.reporter from criteria c "
                     "join indicators i using (indicator_code) where c.measure = 'indicator'").fetchall()}
        names: dict[str, list[tuple[str, str]]] = {}
        for measure, stage, name in con.execute("select measure, stage, name from criteria where scope in "
                                                "('school', 'county', 'kindergarten') order by sort_order").fetchall():
            names.setdefault(measure, []).append((stage, name))
        return cls(division, items, moved, names)


@dataclass
class SchoolChecked(HasProblems):
    file: str
    unit: str | None
    year: int | None
    register: pd.DataFrame
    counts: pd.DataFrame
    kindergartens: pd.DataFrame
    county: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    # Empty: a school workbook reports no plan indicator and no task (the generic load inserts these).
    observations: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=OBSERVATION_COLUMNS))
    progress: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PROGRESS_COLUMNS))
    rectifications: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=RECTIFICATION_COLUMNS))

    @property
    def n_schools(self) -> int:
        return int((self.register["kind"] == "school").sum())

    @property
    def n_kindergartens(self) -> int:
        return int((self.register["kind"] == "kindergarten").sum())

    @property
    def n_values(self) -> int:
        """The counts and items typed in the workbook."""
        counts = self.counts[[c for _, c, _ in s.SCHOOL_FIELDS]].notna().sum().sum()
        kgs = self.kindergartens[[c for _, c, _ in s.KG_FIELDS]].notna().sum().sum()
        return int(counts + kgs + len(self.county))

    def summary(self) -> str:
        return (f"{self.unit} {self.year}年度学校与幼儿园：学校 {self.n_schools} 所（{len(self.counts)} 行），"
                f"幼儿园 {self.n_kindergartens} 所，全旗指标 {len(self.county)} 项")


def stated_kind(book: Book) -> str | None:
    """What its 填报说明 says a workbook is (表式: 学校与幼儿园办学条件, 规划项目与适龄人口), or None."""
    for row in book.sheets.get(config.SHEET_GUIDE, [])[:20]:
        texts = [cell_text(c.value) for c in row]
        for i, text in enumerate(texts[:-1]):
            if squeeze(text) == s.BOOK_KIND_LABEL:
                return squeeze(texts[i + 1])
    return None


def is_school_book(book: Book) -> bool:
    """The school workbook: its 填报说明 says so (表式), or it has the school sheets and not 指标数据."""
    if stated_kind(book) == s.BOOK_KIND:
        return True
    return config.SHEET_VALUES not in book.sheets and (s.SHEET_REGISTER in book.sheets or s.SHEET_SCHOOLS in book.sheets)


def check_school_book(book: Book, ctx: Context) -> SchoolChecked:
    """Register, counts and county items of the workbook, with every error and warning found in it."""
    unit, year = unit_and_year(book)
    problems: list[Problem] = _guide_problems(book.file, unit, year)
    tables = _tables(book, problems)
    register, kindergartens, counts, county, refused = [], [], [], [], {}
    if s.SHEET_REGISTER in tables:
        register, refused = read_register(tables[s.SHEET_REGISTER], year, ctx)
    if s.SHEET_KINDERGARTENS in tables:
        register_ids = {r["school_id"]: r["sheet_row"] for r in register}
        kg_register, kindergartens = read_kindergartens(tables[s.SHEET_KINDERGARTENS], year, ctx, register_ids)
        register += kg_register
    if s.SHEET_SCHOOLS in tables and s.SHEET_REGISTER in tables:
        counts = read_schools(tables[s.SHEET_SCHOOLS], tables[s.SHEET_REGISTER], year,
                              [r for r in register if r["kind"] == "school"], refused)
    elif s.SHEET_SCHOOLS in tables:  # no register to check the schools against
        hidden = tables[s.SHEET_SCHOOLS]
        problems.append(hidden.table.problem(
            book.file, hidden.table.header_row, s.ID, f"因“{s.SHEET_REGISTER}”无法读取（见上），“{s.SHEET_SCHOOLS}”表的"
            f"{len(hidden.table.rows)}行未能核对", kind="knock_on"))
    if s.SHEET_COUNTY in tables:
        county = _county(tables[s.SHEET_COUNTY], year, ctx)
    for sheet in tables.values():
        sheet.notes()
    if not [p for p in problems if p.severity == "error"]:  # what is missing, once the rows could all be read
        problems += completeness(book.file, counts, kindergartens, county, ctx.county_items, ctx.measure_names)
    if len(tables) == 4 and not register and not [p for p in problems if p.severity == "error"]:
        problems.append(Problem(book.file, f"工作簿中没有任何学校或幼儿园（“{s.SHEET_REGISTER}”和“{s.SHEET_KINDERGARTENS}”都是空的）"))
    return SchoolChecked(
        book.file, unit, year,
        pd.DataFrame(register, columns=REGISTER_FRAME),
        pd.DataFrame(counts, columns=COUNT_FRAME),
        pd.DataFrame(kindergartens, columns=KG_FRAME),
        pd.DataFrame(county, columns=COUNTY_FRAME),
        problems,
    )


def _guide_problems(file: str, unit: str | None, year: int | None) -> list[Problem]:
    """The 填报说明's unit and year: there, 旗教育局, and a year of the plan."""
    problems = []
    if not unit:
        problems.append(Problem(file, f"找不到填报单位（应在“{config.SHEET_GUIDE}”的“{config.GUIDE_UNIT_LABEL}”旁）", config.SHEET_GUIDE))
    elif unit != s.SCHOOL_UNIT:
        problems.append(Problem(file, f"学校与幼儿园工作簿由{s.SCHOOL_UNIT}填报，不是“{unit}”", config.SHEET_GUIDE,
                                column=config.GUIDE_UNIT_LABEL))
    if not year:
        problems.append(Problem(file, f"找不到填报年度（应在“{config.SHEET_GUIDE}”的“{config.GUIDE_YEAR_LABEL}”旁）", config.SHEET_GUIDE))
    elif year not in config.YEARS:
        problems.append(Problem(file, f"填报年度 {year} 不在方案范围（{config.YEARS[0]}—{config.YEARS[-1]}）内",
                                config.SHEET_GUIDE, column=config.GUIDE_YEAR_LABEL))
    return problems


def _tables(book: Book, problems: list[Problem]) -> dict[str, Sheet]:
    """The four sheets' tables that can be read, by sheet name; what keeps one from being read into problems."""
    tables = {}
    for sheet, columns, added in ((s.SHEET_REGISTER, s.REGISTER_COLUMNS, ()),
                                  (s.SHEET_SCHOOLS, s.SCHOOL_COLUMNS, s.ADDED_SCHOOL_COLUMNS),
                                  (s.SHEET_KINDERGARTENS, s.KG_COLUMNS, s.ADDED_KG_COLUMNS),
                                  (s.SHEET_COUNTY, s.COUNTY_COLUMNS, ())):
        # a workbook of an earlier template lacks the columns added since (read as blank: 暂无数据)
        table, found = find_table(book, sheet, tuple(c for c in columns if c not in added), added)
        problems += found + unread(book, sheet, table)
        if table:
            tables[sheet] = Sheet(book.file, table, problems)
    return tables


def _county(sheet: Sheet, year, ctx: Context) -> list[dict]:
    rows, seen = [], {}
    for r, cells in sheet.table.rows:
        code = sheet.text(cells, "项目代码")
        raw = cells["数值"]
        if not code:
            if cell_text(raw.value):
                sheet.error(r, "项目代码", "填写了数值但没有项目代码")
            continue
        if code in ctx.moved:  # an older workbook: the same quantity is asked once, in the unit's workbook
            if cell_text(raw.value):
                sheet.warning(r, "数值", ctx.moved[code])
            continue
        if code not in ctx.county_items:
            sheet.error(r, "项目代码", f"项目代码“{code}”不存在（请使用平台下载的模板，不要改动代码）")
            continue
        if code in seen:
            sheet.error(r, "项目代码", f"“{code}”重复填报（与第{seen[code]}行重复）")
            continue
        seen[code] = r
        name, unit = ctx.county_items[code]
        kind = s.value_type(unit)
        parsed = parse_value(raw.value, kind, raw.percent)
        if parsed.error:
            sheet.error(r, "数值", parsed.error)
            continue
        if parsed.value is None:
            continue
        if kind == "percent" and parsed.value > 100:
            sheet.error(r, "数值", f"{name}是比例，不能超过100%（填写为{parsed.value:g}%）")
            continue
        if kind == "percent" and 0 < parsed.value < 1 and not parsed.was_percent:
            sheet.warning(r, "数值", f"数值{parsed.value:g}小于1：百分数应填 95 或 95%，而不是 0.95，请确认")
        rows.append({"year": year, "item_code": code, "value": parsed.value,
                     "note": sheet.note(r, cells), "sheet_row": r})
    return rows
