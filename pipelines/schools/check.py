"""Check 旗教育局's school and kindergarten workbook: every problem at once, each with sheet, row, column.

Pure: a Book (workbook_read.read_book) and what the warehouse knows (a Context) in; the register, the
typed counts and the county-wide items out, as frames for the warehouse, with the problems found.
Only counts are read: every per-100-students and per-student figure is derived later, in SQL.
"""

import re
from dataclasses import dataclass, field

import pandas as pd

from .. import config
from ..problems import HasProblems, Problem
from ..text import cell_text, fold, squeeze
from ..values import parse_value
from ..workbook_check import OBSERVATION_COLUMNS, PROGRESS_COLUMNS, RECTIFICATION_COLUMNS
from ..workbook_read import Book, Table, find_table, unit_and_year
from . import settings as s

ID_RE = re.compile(s.ID_PATTERN)
SEPARATORS = re.compile(r"[、,，;；\s]+")
REGISTER_FRAME = ["year", "school_id", "kind", "name", "township", "area_type", "school_type", "stages", "ownership",
                  "change", "merged_from", "note", "sheet_row"]
COUNT_FRAME = ["year", "school_id", "stage", *(c for _, c, _ in s.SCHOOL_FIELDS), "note", "sheet_row"]
KG_FRAME = ["year", "school_id", *(c for _, c, _ in s.KG_FIELDS), "note", "sheet_row"]
COUNTY_FRAME = ["year", "item_code", "value", "note", "sheet_row"]
LABELS = {column: header for _, column, header in s.SCHOOL_FIELDS}
KG_LABELS = {column: header for _, column, header in s.KG_FIELDS}


@dataclass
class Context:
    """What the check needs to know: the townships, the county-wide items (code -> (name, unit)), and the items
    an older workbook may carry that are now asked in the unit's workbook (code -> why its value is not used)."""

    townships: set[str]
    county_items: dict[str, tuple[str, str | None]]
    moved: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_warehouse(cls, con) -> "Context":
        townships = {t for (t,) in con.execute("select township from townships").fetchall()}
        items = {code: (name, unit) for code, name, unit in s.COUNTY_INPUTS}
        for code, name, unit in con.execute(
                "select criterion_id, name, unit from criteria where scope = 'county' and measure = 'reported'").fetchall():
            items[code] = (name, unit)
        moved = {code: (f"“{name}”已改在{reporter}的年度工作簿“{config.SHEET_VALUES}”中填报（{indicator}，{ind_code}），"
                        "本表的值不再载入：验收准备取指标数据的值")
                 for code, name, ind_code, indicator, reporter in con.execute(
                     "select c.criterion_id, c.name, c.indicator_code, i.name, i.reporter from criteria c "
                     "join indicators i using (indicator_code) where c.measure = 'indicator'").fetchall()}
        return cls(townships, items, moved)


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


def is_school_book(book: Book) -> bool:
    """The school workbook: its 填报说明 says so (表式), or it has the school sheets and not 指标数据."""
    for row in book.sheets.get(config.SHEET_GUIDE, [])[:20]:
        texts = [cell_text(c.value) for c in row]
        for i, text in enumerate(texts[:-1]):
            if squeeze(text) == s.BOOK_KIND_LABEL and squeeze(texts[i + 1]) == s.BOOK_KIND:
                return True
    return config.SHEET_VALUES not in book.sheets and (s.SHEET_REGISTER in book.sheets or s.SHEET_SCHOOLS in book.sheets)


class _Sheet:
    """A table of the workbook and the problems found in it."""

    def __init__(self, file: str, table: Table, problems: list[Problem]):
        self.file, self.table, self.problems = file, table, problems

    def error(self, row: int, column: str, reason: str) -> None:
        self.problems.append(self.table.problem(self.file, row, column, reason))

    def warning(self, row: int, column: str, reason: str) -> None:
        self.problems.append(self.table.problem(self.file, row, column, reason, "warning"))

    def text(self, cells, column: str) -> str:
        return fold(cell_text(cells[column].value)).strip() if column in cells else ""

    def number(self, r: int, cells, header: str, kind: str) -> float | None:
        cell = cells[header]
        parsed = parse_value(cell.value, kind, cell.percent)
        if parsed.error:
            self.error(r, header, parsed.error)
            return None
        return parsed.value


def check_school_book(book: Book, ctx: Context) -> SchoolChecked:
    """Register, counts and county items of the workbook, with every error and warning found in it."""
    problems: list[Problem] = []
    unit, year = unit_and_year(book)
    if not unit:
        problems.append(Problem(book.file, f"找不到填报单位（应在“{config.SHEET_GUIDE}”的“{config.GUIDE_UNIT_LABEL}”旁）", config.SHEET_GUIDE))
    elif unit != s.SCHOOL_UNIT:
        problems.append(Problem(book.file, f"学校与幼儿园工作簿由{s.SCHOOL_UNIT}填报，不是“{unit}”", config.SHEET_GUIDE,
                                column=config.GUIDE_UNIT_LABEL))
    if not year:
        problems.append(Problem(book.file, f"找不到填报年度（应在“{config.SHEET_GUIDE}”的“{config.GUIDE_YEAR_LABEL}”旁）", config.SHEET_GUIDE))
    elif year not in config.YEARS:
        problems.append(Problem(book.file, f"填报年度 {year} 不在方案范围（{config.YEARS[0]}—{config.YEARS[-1]}）内",
                                config.SHEET_GUIDE, column=config.GUIDE_YEAR_LABEL))
    tables = {}
    for sheet, columns in ((s.SHEET_REGISTER, s.REGISTER_COLUMNS), (s.SHEET_SCHOOLS, s.SCHOOL_COLUMNS),
                           (s.SHEET_KINDERGARTENS, s.KG_COLUMNS), (s.SHEET_COUNTY, s.COUNTY_COLUMNS)):
        table, found = find_table(book, sheet, columns)
        problems += found
        if table:
            tables[sheet] = _Sheet(book.file, table, problems)
    register, kindergartens, counts, county = [], [], [], []
    if s.SHEET_REGISTER in tables:
        register = _register(tables[s.SHEET_REGISTER], year, ctx)
    if s.SHEET_KINDERGARTENS in tables:
        register_ids = {r["school_id"]: r["sheet_row"] for r in register}
        kg_register, kindergartens = _kindergartens(tables[s.SHEET_KINDERGARTENS], year, ctx, register_ids)
        register += kg_register
    if s.SHEET_SCHOOLS in tables and s.SHEET_REGISTER in tables:
        counts = _schools(tables[s.SHEET_SCHOOLS], tables[s.SHEET_REGISTER], year,
                          [r for r in register if r["kind"] == "school"])
    if s.SHEET_COUNTY in tables:
        county = _county(tables[s.SHEET_COUNTY], year, ctx)
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


def _identity(sheet: _Sheet, r: int, cells, id_column: str, name_column: str, owner_column: str, owners,
              ctx: Context, seen: dict[str, int]) -> dict | None:
    """The register columns of a row (学校名录 or 幼儿园), or None when one is wrong (each one said)."""
    ok = True
    school_id = sheet.text(cells, id_column)
    if not school_id:
        sheet.error(r, id_column, f"缺少{id_column}")
        return None
    if not ID_RE.match(school_id):
        sheet.error(r, id_column, f"{id_column}“{school_id}”无法识别：应为10位学校标识码，或2—20位字母、数字组成的固定编号")
        return None
    if school_id in seen:
        sheet.error(r, id_column, f"“{school_id}”重复列出（与{seen[school_id]}）")
        return None
    seen[school_id] = f"“{sheet.table.sheet}”第{r}行"
    name = sheet.text(cells, name_column)
    if not name:
        sheet.error(r, name_column, f"缺少{name_column}")
        ok = False
    township = sheet.text(cells, s.TOWNSHIP)
    if township not in ctx.townships:
        shown = "、".join(sorted(ctx.townships)) if len(ctx.townships) < 30 else "见参考数据 townships.csv"
        sheet.error(r, s.TOWNSHIP, f"苏木乡镇“{township}”不是敖汉旗的苏木乡镇（{shown}）" if township
                    else "缺少苏木乡镇")
        ok = False
    area = sheet.text(cells, s.AREA)
    if area not in s.AREA_TYPES:
        sheet.error(r, s.AREA, f"城乡类型“{area}”应为：{'、'.join(s.AREA_TYPES)}" if area else "缺少城乡类型")
        ok = False
    owner = sheet.text(cells, owner_column)
    if owner not in owners:
        sheet.error(r, owner_column, f"{owner_column}“{owner}”应为：{'、'.join(owners)}" if owner else f"缺少{owner_column}")
        ok = False
    change = sheet.text(cells, s.CHANGE) or None
    if change and change not in s.CHANGES:
        sheet.error(r, s.CHANGE, f"本年变动“{change}”应为：{'、'.join(s.CHANGES)}，没有变动的留空")
        ok = False
    if not ok:
        return None
    return {"school_id": school_id, "name": name, "township": township, "area_type": area, "ownership": owner,
            "change": change, "note": sheet.text(cells, s.NOTE) or None, "sheet_row": r}


def _register(sheet: _Sheet, year, ctx: Context) -> list[dict]:
    rows, seen, merged = [], {}, {}
    for r, cells in sheet.table.rows:
        row = _identity(sheet, r, cells, s.ID, s.NAME, s.OWNER, s.SCHOOL_OWNERS, ctx, seen)
        school_type = sheet.text(cells, s.SCHOOL_TYPE)
        if school_type not in s.SCHOOL_TYPES:
            sheet.error(r, s.SCHOOL_TYPE, f"办学类型“{school_type}”应为：{'、'.join(s.SCHOOL_TYPES)}" if school_type
                        else "缺少办学类型")
            continue
        merged_from = [m for m in SEPARATORS.split(sheet.text(cells, s.MERGED_FROM)) if m]
        for m in merged_from:
            if not ID_RE.match(m) or (row and m == row["school_id"]):
                sheet.error(r, s.MERGED_FROM, f"并入学校标识码“{m}”无法识别")
                row = None
            else:
                merged[m] = r
        if row:
            rows.append({**row, "year": year, "kind": "school", "school_type": school_type,
                         "stages": list(s.SCHOOL_TYPES[school_type]), "merged_from": merged_from or None})
    for row in rows:
        if row["school_id"] in merged:
            sheet.error(row["sheet_row"], s.ID, f"“{row['school_id']}”已注明并入第{merged[row['school_id']]}行的学校，"
                        "不应再列在名录中")
    return rows


def _counts(sheet: _Sheet, r: int, cells, fields) -> dict | None:
    """The row's counts, or None when one cannot be read (each such cell said)."""
    before = len(sheet.problems)
    values = {column: sheet.number(r, cells, header, kind) for kind, column, header in fields}
    return values if len(sheet.problems) == before else None


def _bounds(sheet: _Sheet, r: int, values: dict, labels: dict) -> bool:
    ok = True
    for column, limit in (("students", s.MAX_STUDENTS), ("children", s.MAX_STUDENTS), ("teaching_area", s.MAX_AREA),
                          ("sports_area", s.MAX_AREA), ("equipment_value", s.MAX_EQUIPMENT)):
        value = values.get(column) if column in labels else None
        if value is not None and value > limit:
            sheet.error(r, labels[column], f"{value:,.0f}超出一所学校可能的范围（上限{limit:,.0f}），请检查是否多输了位数")
            ok = False
    return ok


def _schools(sheet: _Sheet, register_sheet: _Sheet, year, register: list[dict]) -> list[dict]:
    known = {row["school_id"]: row for row in register}
    rows, seen = [], {}
    for r, cells in sheet.table.rows:
        school_id = sheet.text(cells, s.ID)
        stage = sheet.text(cells, s.STAGE)
        if not school_id:
            sheet.error(r, s.ID, "缺少学校标识码")
            continue
        school = known.get(school_id)
        if school is None:
            sheet.error(r, s.ID, f"学校标识码“{school_id}”不在“{s.SHEET_REGISTER}”中（未登记的学校，或名录中该行有错）："
                        "新设的学校请先在学校名录中登记")
            continue
        name = sheet.text(cells, s.NAME)
        if name and name != school["name"]:
            sheet.warning(r, s.NAME, f"学校名称“{name}”与学校名录中的“{school['name']}”不同，以名录为准")
        stages = school["stages"]
        if not stages:  # 普通高中, 中等职业学校, 特殊教育学校: listed for the counts of schools only
            sheet.error(r, s.ID, f"{school['name']}是{school['school_type']}，只列在“{s.SHEET_REGISTER}”中（用于学校数），"
                        f"不参加义务教育优质均衡评估，不在“{s.SHEET_SCHOOLS}”表填写")
            continue
        allowed = [*stages, s.SHARED_STAGE] if len(stages) > 1 else stages
        if stage not in allowed:
            if stage == s.SHARED_STAGE:
                reason = f"{school['name']}是{school['school_type']}（单一学段），设施直接填在“{stages[0]}”行，不用“{s.SHARED_STAGE}”行"
            elif stage:
                reason = f"{school['name']}是{school['school_type']}，没有“{stage}”学段（可填：{'、'.join(allowed)}）"
            else:
                reason = f"缺少学段（可填：{'、'.join(allowed)}）"
            sheet.error(r, s.STAGE, reason)
            continue
        if (school_id, stage) in seen:
            sheet.error(r, s.STAGE, f"{school['name']}的“{stage}”重复填报（与第{seen[school_id, stage]}行重复）")
            continue
        seen[school_id, stage] = r
        values = _counts(sheet, r, cells, s.SCHOOL_FIELDS)
        if values is None or not _bounds(sheet, r, values, LABELS):
            continue
        if not _applicable(sheet, r, stage, values):
            continue
        if not _consistent(sheet, r, stage, values):
            continue
        rows.append({"year": year, "school_id": school_id, "stage": stage, **values,
                     "note": sheet.text(cells, s.NOTE) or None, "sheet_row": r})
    _shared_without_students(sheet, rows)
    for school in register:
        missing = [st for st in school["stages"] if (school["school_id"], st) not in seen]
        if missing:
            register_sheet.warning(school["sheet_row"], s.ID, f"{school['name']}在“{s.SHEET_SCHOOLS}”中没有"
                                   f"{'、'.join(missing)}学段的数据，该学段将显示为暂无数据")
    return rows


def _applicable(sheet: _Sheet, r: int, stage: str, values: dict) -> bool:
    """A 全校共用 row has shared facilities only; a 高中 row its students only; 巩固率 counts on 初中 rows."""
    if stage == s.SHARED_STAGE:
        allowed, why = s.SHARED_FIELDS, f"“{s.SHARED_STAGE}”行只填各学段共用的校舍、场地、设备和专用教室"
    elif stage == s.HIGH_STAGE:
        allowed, why = ("students",), "高中行只填在校生数（用于按学生数分摊共用设施）"
    elif stage != "初中":
        allowed = tuple(c for _, c, _ in s.SCHOOL_FIELDS if c not in s.JUNIOR_ONLY_FIELDS)
        why = "初中毕业班学生数、该届初一入学人数只在初中学段填写"
    else:
        return True
    typed = [c for c, v in values.items() if v is not None and c not in allowed]
    for column in typed:
        sheet.error(r, LABELS[column], why)
    return not typed


def _consistent(sheet: _Sheet, r: int, stage: str, values: dict) -> bool:
    """Counts that cannot all be true at once are refused; unlikely ones are loaded with a warning."""
    if stage in (s.SHARED_STAGE, s.HIGH_STAGE):
        return True
    students = values["students"]
    resources = [(c, v) for c, v in values.items() if c != "students" and v]
    if students is None and resources:
        sheet.warning(r, "在校生数", "未填在校生数：该学段的每百名学生、生均指标无法计算，将显示为暂无数据")
    if students == 0 and resources:
        column, value = resources[0]
        sheet.error(r, "在校生数", f"在校生数为0，却填写了{LABELS[column]}（{value:g}）：没有学生的学段不应有教师、班级或设施"
                    "（学校已停办的，请从学校名录中删除）")
        return False
    ok = True
    if students is not None:
        for column in ("classes", "max_class"):
            if values[column] is not None and values[column] > students:
                sheet.error(r, LABELS[column], f"{LABELS[column]}（{values[column]:g}）大于在校生数（{students:g}）")
                ok = False
        classes, largest = values["classes"], values["max_class"]
        if ok and classes and largest and classes * largest < students:
            sheet.warning(r, LABELS["max_class"], f"最大班额×教学班数（{classes * largest:g}）小于在校生数（{students:g}），请核对")
    graduates, cohort = values["graduates"], values["cohort_entrants"]
    if graduates is not None and cohort is not None and graduates > cohort * 1.1:
        sheet.warning(r, LABELS["graduates"], f"初中毕业班学生数（{graduates:g}）比该届初一入学人数（{cohort:g}）多一成以上，请核对")
    return ok


def _shared_without_students(sheet: _Sheet, rows: list[dict]) -> None:
    """Shared facilities of a school whose stages have no students at all cannot be split: refused."""
    students: dict[str, float] = {}
    for row in rows:
        if row["stage"] != s.SHARED_STAGE:
            students[row["school_id"]] = students.get(row["school_id"], 0) + (row["students"] or 0)
    for row in list(rows):
        if row["stage"] == s.SHARED_STAGE and students.get(row["school_id"], 0) == 0:
            typed = [c for c in s.SHARED_FIELDS if row[c]]
            if typed:
                sheet.error(row["sheet_row"], LABELS[typed[0]], "该校各学段在校生数为0或未填，共用设施无法分摊到学段")
                rows.remove(row)


def _kindergartens(sheet: _Sheet, year, ctx: Context, register_ids: dict) -> tuple[list[dict], list[dict]]:
    register, counts, seen = [], [], {f"{k}": f"“{s.SHEET_REGISTER}”第{v}行" for k, v in register_ids.items()}
    for r, cells in sheet.table.rows:
        row = _identity(sheet, r, cells, s.KG_ID, s.KG_NAME, s.KG_OWNER, s.KG_OWNERS, ctx, seen)
        values = _counts(sheet, r, cells, s.KG_FIELDS)
        if row is None or values is None or not _bounds(sheet, r, values, KG_LABELS):
            continue
        if not _kindergarten_consistent(sheet, r, values):
            continue
        register.append({**row, "year": year, "kind": "kindergarten", "school_type": s.KINDERGARTEN_TYPE,
                         "stages": [s.KINDERGARTEN_TYPE], "merged_from": None})
        counts.append({"year": year, "school_id": row["school_id"], **values, "note": row["note"], "sheet_row": r})
    return register, counts


def _kindergarten_consistent(sheet: _Sheet, r: int, v: dict) -> bool:
    ok = True
    for part, whole in (("certified_teachers", "teachers"), ("oversize_classes", "classes"), ("teachers", "staff")):
        if v[part] is not None and v[whole] is not None and v[part] > v[whole]:
            sheet.error(r, KG_LABELS[part], f"{KG_LABELS[part]}（{v[part]:g}）大于{KG_LABELS[whole]}（{v[whole]:g}）")
            ok = False
    resources = [(c, x) for c, x in v.items() if c != "children" and x]
    if v["children"] == 0 and resources:
        column, value = resources[0]
        sheet.error(r, KG_LABELS["children"], f"在园幼儿数为0，却填写了{KG_LABELS[column]}（{value:g}）：停办的幼儿园请删除该行")
        ok = False
    if ok and v["children"] and v["classes"] and v["children"] / v["classes"] > 40:
        sheet.warning(r, KG_LABELS["classes"], f"平均每班{v['children'] / v['classes']:.0f}人，超过大班额上限很多，请核对")
    return ok


def _county(sheet: _Sheet, year, ctx: Context) -> list[dict]:
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
                     "note": sheet.text(cells, s.NOTE) or None, "sheet_row": r})
    return rows
