"""A mapping applied to an export: each field's value, with the cells it was read from.

Values are read as people store them (numbers as text, 1,234, full-width digits, blanks, — or - for nothing)
with values.parse_value's rules; words of the statistics system are the platform's words (初级中学 → 初中,
220 → 乡村, 地方教育部门办 → 公办); sources summed where the mapping says so; a per-student figure turned back
into the count the school workbook wants with the row's 在校生数, rounded as a person would, and the rounding
said. A value that cannot be read is a problem at its own cell of the export.
"""

import re
from dataclasses import dataclass, field

from openpyxl.utils import column_index_from_string

from ..core.problems import Problem
from ..core.values import parse_value
from ..workbooks.statistics_words import SCHOOL_TYPE_CODES, canonical
from . import headings as h
from . import settings as s
from .candidate import cell_name
from .candidates import Layout
from .fields import Field
from .layout import Table
from .propose import Rule
from .source import Workbook

CELL = re.compile(r"^([A-Z]+)(\d+)$")


@dataclass
class SourceCell:
    file: str
    sheet: str | None
    cell: str | None  # "G14"
    raw: object = None
    unit: str | None = None  # the unit its heading or table gives (万人: read as persons)

    def problem(self, reason: str, severity: str = "error", subject: str | None = None) -> Problem:
        match = CELL.match(self.cell or "")
        row, letter = (int(match[2]), match[1]) if match else (None, None)
        return Problem(self.file, reason, self.sheet, row, severity=severity, letter=letter, subject=subject)

    def __str__(self) -> str:
        return f"{self.sheet}!{self.cell}" if self.cell else "对应关系中的固定值"


@dataclass
class Value:
    value: object  # a number, a word, or None (blank)
    sources: list[SourceCell] = field(default_factory=list)
    note: str = ""
    derived: bool = False  # a count turned back from a per-student figure (rounded): never over an exact one


@dataclass
class Record:
    """One school (or school and 学段) of a per-school table, or one school's forms."""

    file: str
    sheet: str | None
    row: int | None  # 1-based, in a table
    stage: str | None
    kindergarten: bool
    values: dict[str, Value] = field(default_factory=dict)
    hint: str | None = None  # forms: the 学段 their titles name (for a multi-stage school's own counts)
    key_letter: str = "A"  # a table's column that names the school

    def get(self, code: str):
        found = self.values.get(code)
        return found.value if found else None

    @property
    def where(self) -> SourceCell:
        return SourceCell(self.file, self.sheet, f"{self.key_letter}{self.row}" if self.row else None)


@dataclass
class Extract:
    indicators: dict[str, Value] = field(default_factory=dict)
    indicator_files: dict[str, str] = field(default_factory=dict)
    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Reader:
    """Reads fields' values: the fields, the 苏木乡镇 names, and the problems found while reading."""

    fields: dict[str, Field]
    townships: set[str]
    mapping: str = "对应关系"  # where a value written in the mapping (值：…) is said to be wrong
    problems: list[Problem] = field(default_factory=list)

    def parse(self, f: Field, cell: SourceCell, percent: bool = False):
        raw = cell.raw
        text = h.display(raw)
        if f.kind == "text":
            return self.word(f, text) if text else None
        if not text or text in s.BLANK_WORDS:
            return None
        parsed = parse_value(raw, f.kind if f.kind in ("percent", "flag", "stage") else "amount", percent)
        if parsed.error and not cell.file:  # a value written in the mapping: said at the mapping's 来源 column
            self.problems.append(Problem(self.mapping, f"“{s.CONSTANT_PREFIX}{text}”：{parsed.error}", column="来源",
                                         subject=f.name))
            return None
        if parsed.error:
            self.problems.append(cell.problem(f"{f.name}：{parsed.error}", subject=f.name))
            return None
        return parsed.value

    def word(self, f: Field, text: str) -> str:
        """A word of the statistics system as the platform's (初级中学 → 初中); as written when not one."""
        if f.words_list == "township":
            return township(text, self.townships)
        if f.words_list:
            return canonical(f.words_list, text) or coded(f.words_list, text) or text
        return text


def coded(words_list: str, text: str) -> str | None:
    """A word written with its statistics code (211 小学, 241 九年一贯制学校, 220 乡村): the word without its code;
    a 办学类型 code alone (311) by the code table."""
    match = s.LEADING_CODE.match(h.display(text))
    if not match:
        return None
    if match["rest"]:
        return canonical(words_list, match["rest"])
    return SCHOOL_TYPE_CODES.get(match["code"]) if words_list == "school_type" else None


def township(text: str, townships: set[str]) -> str:
    """A 苏木乡镇 as written (长胜, 长胜镇, 长胜镇人民政府, an address) to its current name in townships.csv. A name
    with another suffix (牛古吐乡, now 牛古吐镇) is left as written: the school check reads or refuses it, and says so."""
    bare = h.key(text)
    if bare in townships:
        return bare
    for name in sorted(townships, key=len, reverse=True):
        stem = re.sub(f"({TOWNSHIP_SUFFIXES})$", "", name)
        other = re.match(f"({TOWNSHIP_SUFFIXES})", bare[len(stem):]) and not bare.startswith(name)
        if bare == stem or bare.startswith(name) or (len(stem) >= 2 and bare.startswith(stem) and not other):
            return name
    # an address (内蒙古自治区赤峰市敖汉旗新惠镇…): the township it names after the county
    after = re.split("敖汉旗|旗|县", bare, maxsplit=1)[-1]
    return next((name for name in sorted(townships, key=len, reverse=True) if after.startswith(name)), text)


TOWNSHIP_SUFFIXES = "苏木|镇|乡|街道"


def _cells(book: Workbook, layout: Layout, rule: Rule) -> tuple[list[SourceCell], list[str]]:
    """The cells a summary's or a form's rule reads, and the sources it names that the file lacks."""
    sheets = {sheet.name: sheet for sheet in book.sheets}
    cells, missing = [], []
    for ref in rule.refs:
        if ref.startswith(s.CONSTANT_PREFIX):
            cells.append(SourceCell("", None, None, ref.removeprefix(s.CONSTANT_PREFIX)))
            continue
        found = layout.find(ref)
        if not found:
            missing.append(ref)
        for cand in found[:1]:
            r, c = cand.cell
            cells.append(SourceCell(book.name, cand.sheet, cell_name(r, c), sheets[cand.sheet].shown(r, c), cand.unit))
    return cells, missing


def read_rule(reader: Reader, f: Field, cells: list[SourceCell], sheets: dict) -> Value:
    """The value of one field from its cells: words as the platform's, numbers summed."""
    if f.kind == "text":
        texts = [reader.parse(f, cell) for cell in cells]
        return Value(next((t for t in texts if t), None), cells)
    numbers = [reader.parse(f, cell, _percent(sheets, cell)) for cell in cells]
    scaled = [(round(n * scale(f, c.unit), 6), c.unit) if n is not None and scale(f, c.unit) != 1 else (n, None)
              for n, c in zip(numbers, cells)]
    found = [n for n, _ in scaled if n is not None]
    units = list(dict.fromkeys(u for n, u in scaled if u))
    said = "；".join(f"单位为{u}，已乘以{scale(f, u):g}" for u in units)
    return Value(sum(found) if found else None, cells, said)


def scale(f: Field, unit: str | None) -> float:
    """A count given in 万人 or 千人 is read as persons (× 10000, × 1000); 1 for any other unit."""
    if not unit or len(unit) < 2 or f.kind not in ("count", "amount") or unit[1:] not in s.COUNT_UNITS:
        return 1
    if f.unit and f.unit.startswith(unit[0]):
        return 1  # the field itself is in 万人
    return s.SCALED_PREFIXES.get(unit[0], 1)


def _percent(sheets: dict, cell: SourceCell) -> bool:
    match = CELL.match(cell.cell or "")
    if not match or cell.sheet not in sheets:
        return False
    r, c = int(match[2]) - 1, column_index_from_string(match[1]) - 1
    row = sheets[cell.sheet].cells[r] if r < sheets[cell.sheet].height else []
    return c < len(row) and row[c].percent


def convert(f: Field, rule: Rule, value: Value, students) -> Value:
    """A per-student figure back to a count (× 在校生数), 元 to 万元; rounded as a person would, and said."""
    if value.value is None or not rule.convert:
        return value
    words, factor, per_student = s.CONVERSIONS[rule.convert]
    if per_student and students is None:
        return Value(None, value.sources, f"{words}：本行没有在校生数，无法换算")
    exact = value.value * factor * (students if per_student else 1)
    digits = s.ROUNDING.get(f.kind, 2)
    rounded = round(exact, digits) if digits else float(round(exact))
    figure = f"{value.value:g}" + (f" × 在校生数 {students:g}" if per_student else "")
    divisor = {0.01: " ÷ 100", 0.0001: " ÷ 10000"}.get(factor, "")
    said = f"{figure}{divisor} = {exact:.4g}" + (f"，四舍五入为 {rounded:g}" if rounded != exact else "")
    return Value(rounded, value.sources, f"按{words}换算：{said}", derived=per_student)


def _read(reader: Reader, book: Workbook, layout: Layout, code: str, rule: Rule, sheets: dict) -> Value | None:
    """A summary's or a form's field as its cells hold it (before any conversion); None when a source is missing."""
    cells, missing = _cells(book, layout, rule)
    f = reader.fields[code]
    for ref in missing:
        reader.problems.append(Problem(book.name, f"对应关系中“{f.name}”的来源“{ref}”在文件中找不到：请改正对应关系，"
                                                  "或留空（文件中没有）"))
    return None if missing else read_rule(reader, f, cells, sheets)


def _read_all(reader: Reader, book: Workbook, layout: Layout, rules: dict[str, Rule]) -> dict[str, Value]:
    sheets = {sheet.name: sheet for sheet in book.sheets}
    found = {}
    for code, rule in rules.items():
        if rule.refs and code in reader.fields:
            value = _read(reader, book, layout, code, rule, sheets)
            if value is not None:
                found[code] = value
    return found


def summary_values(reader: Reader, book: Workbook, layout: Layout, rules: dict[str, Rule]) -> dict[str, Value]:
    """A summary table's fields (indicators): each from its row and column, sums and 元 → 万元 done."""
    raw = _read_all(reader, book, layout, rules)
    return {code: convert(reader.fields[code], rules[code], value, None) for code, value in raw.items()}


def form_record(reader: Reader, book: Workbook, layout: Layout, rules: dict[str, Rule]) -> Record:
    """One school's forms: each field from its fixed cell(s)."""
    raw = _read_all(reader, book, layout, rules)
    students = raw["school.students"].value if "school.students" in raw else None
    values = {code: convert(reader.fields[code], rules[code], value, students) for code, value in raw.items()}
    return Record(book.name, None, None, None, layout.kindergarten, values, layout.stage)


def _per_student(rule: Rule) -> bool:
    return bool(rule.convert) and s.CONVERSIONS[rule.convert][2]


def table_records(reader: Reader, book: Workbook, layout: Layout, rules: dict[str, Rule]) -> list[Record]:
    """Every school row of every per-school table of the workbook (totals, statistics and sections left out)."""
    records = []
    for table in layout.tables:
        columns = _columns(table, rules)
        for row in (r for r in table.rows if r.kind == "data"):
            records.append(_table_record(reader, book, table, row, columns, rules, layout.kindergarten))
    return records


def _columns(table: Table, rules: dict[str, Rule]) -> dict[str, list[int]]:
    """The table's column(s) for each field's sources (a source written with a sheet is that sheet's only)."""
    found = {}
    for code, rule in rules.items():
        indexes = []
        for ref in rule.refs:
            parts = [p for p in re.split(r"\s*[>›》]\s*", ref) if p]
            if len(parts) > 1 and h.key(h.without_years(parts[0])) != h.key(h.without_years(table.sheet.name)):
                continue
            indexes += [c.index for c in table.columns if h.key(c.text) == h.key(parts[-1])][:1]
        if indexes:
            found[code] = indexes
    return found


def _table_record(reader, book, table: Table, row, columns: dict[str, list[int]], rules, kindergarten) -> Record:
    sheet = table.sheet
    record = Record(book.name, sheet.name, row.index + 1, row.stage, kindergarten,
                    key_letter=cell_name(0, table.key_column.index)[:-1] if table.key_column else "A")
    later = {}
    for code, indexes in columns.items():
        f = reader.fields.get(code)
        if f is None:
            continue
        cells = [SourceCell(book.name, sheet.name, cell_name(row.index, c), sheet.shown(row.index, c),
                            table.column(c).unit if table.column(c) else None) for c in indexes]
        value = read_rule(reader, f, cells, {sheet.name: sheet})
        if _per_student(rules[code]):
            later[code] = value
        else:
            record.values[code] = convert(f, rules[code], value, None)
    for code, value in later.items():
        record.values[code] = convert(reader.fields[code], rules[code], value, record.get("school.students"))
    for code, rule in rules.items():  # a value written in the mapping for every row (值：公办)
        constant = [r for r in rule.refs if r.startswith(s.CONSTANT_PREFIX)]
        if constant and code in reader.fields and code not in record.values:
            cell = SourceCell("", None, None, constant[0].removeprefix(s.CONSTANT_PREFIX))
            record.values[code] = read_rule(reader, reader.fields[code], [cell], {})
    return record
