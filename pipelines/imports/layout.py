"""The table of a sheet as the statistics system lays it out: its header block and its rows.

A header block of one to several rows above the first row of figures, merged cells read as their top-left
(so that each column has a path of headings, "在校生数/其中：女"); a units row ("单位：人", "（人）") and a 栏号 row
(甲 乙 丙 / 1 2 3 …) are part of it but not of the paths; title lines and "填报单位：…" lines above it and note
lines below the table ("注：…") are not the table. Rows: a 其中 / # / indented row is a sub-row of the row above
(its label path is its parent's and its own); 合计 / 小计 / 总计 rows are totals; 全县平均值 / 差异系数 rows are
statistics; a row with a label and no figures is a section (一、小学), which gives the 学段 of the rows under it.
Hidden rows and columns are read like the others.
"""

import re
from dataclasses import dataclass, field

from ..core.text import fold
from ..core.values import parse_value
from ..workbooks.statistics_words import SUB_ROW_PREFIX, canonical, is_summary_statistic, is_total
from . import headings as h
from . import settings as s
from .source import Sheet

SECTION_NUMBER = re.compile(r"^(?:[一二三四五六七八九十]+|\d+)[、.．)）]|^[（(](?:[一二三四五六七八九十]+|\d+)[)）]")
STAGES = ("小学", "初中", "高中", "幼儿园")


@dataclass
class Column:
    index: int
    path: tuple[str, ...]  # headings, general to specific, as shown (units rows left out)
    unit: str | None = None
    role: str = "value"  # 'label', 'key' (names each record), 'code', 'unit', 'remark', 'value'
    number: str | None = None  # its 栏号

    @property
    def text(self) -> str:
        return "/".join(self.path)


@dataclass
class Row:
    index: int  # 0-based sheet row
    label: tuple[str, ...]  # the row's label path: (parent, own) for a 其中 row
    kind: str = "data"  # 'data', 'total', 'statistic', 'section'
    stage: str | None = None  # the 学段 of the section it is in
    section: str | None = None  # the section line it is under (按办别分, 一、小学)

    @property
    def text(self) -> str:
        return "/".join(self.label)


@dataclass
class Table:
    sheet: Sheet
    header_rows: list[int]
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    kind: str = "summary"  # 'summary' (a row per 学段, 办别 …) or 'records' (a row per school)
    unit: str | None = None  # the unit a line above the headings gives for the whole table (单位：万人)

    def column(self, index: int) -> Column | None:
        return next((c for c in self.columns if c.index == index), None)

    @property
    def value_columns(self) -> list[Column]:
        return [c for c in self.columns if c.role == "value"]

    @property
    def key_column(self) -> Column | None:
        return next((c for c in self.columns if c.role == "key"), None)


def is_number(value) -> bool:
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, (int, float)):
        return True
    parsed = parse_value(value, "amount")
    return parsed.value is not None and parsed.error is None


def texts(sheet: Sheet, r: int) -> list[str]:
    return [h.display(sheet.shown(r, c)) for c in range(sheet.width)]


def is_column_numbers(sheet: Sheet, r: int) -> bool:
    """A 栏号 row: 甲 乙 丙 over the label columns, 1 2 3 … over the figures (own cells, not merged copies)."""
    own = [sheet.value(r, c) for c in range(sheet.width) if (r, c) not in sheet.merged]
    filled = [h.display(v) for v in own if h.display(v)]
    if len(filled) < 2:
        return False
    letters = [t for t in filled if len(t) == 1 and t in s.COLUMN_NUMBER_LETTERS]
    numbers = [int(float(t)) for t in filled if re.fullmatch(r"\d+(\.0)?", t)]
    if len(letters) + len(numbers) != len(filled) or (not letters and len(numbers) < 3):
        return False
    return all(b == a + 1 for a, b in zip(numbers, numbers[1:]))


def _has_figures(sheet: Sheet, r: int) -> bool:
    return any(is_number(sheet.value(r, c)) for c in range(sheet.width) if (r, c) not in sheet.merged)


def _distinct(row: list[str]) -> list[str]:
    seen = []
    for t in row:
        if t and t not in seen:
            seen.append(t)
    return seen


def _is_meta(row: list[str]) -> bool:
    """A title's companion line: 填报单位：…, 单位：人, 统计时点：… (every text of it such a line)."""
    found = _distinct(row)
    return bool(found) and all(
        h.is_unit_cell(t) or any(h.key(t).startswith(p) for p in s.META_PREFIXES) and ("：" in t or ":" in t)
        for t in found)


def find_table(sheet: Sheet) -> Table | None:
    """The sheet's table, or None when it has no header block above rows of figures."""
    first = next((r for r in range(min(sheet.height, s.HEADER_SEARCH_ROWS))
                  if _has_figures(sheet, r) and not is_column_numbers(sheet, r)), None)
    if first is None:
        return None
    block = []
    r = first - 1
    while r >= 0 and len(block) < s.MAX_HEADER_ROWS + 2 and any(texts(sheet, r)):
        block.insert(0, r)
        r -= 1
    unit = None
    while block and (len(_distinct(texts(sheet, block[0]))) <= 1 or _is_meta(texts(sheet, block[0]))):
        unit = unit or _single_unit(texts(sheet, block.pop(0)))  # title and 填报单位 lines above the headings
    while block and not is_column_numbers(sheet, block[-1]) and len(
            [t for t in _distinct(texts(sheet, block[-1])) if not h.is_unit_cell(t)]) <= 1:
        first = block.pop()  # a section line (一、小学) above the first figures is the table's
    if not block:
        return None
    table = Table(sheet, block, _columns(sheet, block, unit), unit=unit)
    _roles(table, first)
    title = " ".join(t for r in range(block[0]) for t in _distinct(texts(sheet, r)))
    table.rows = _rows(table, first, _stage(sheet.name) or _stage_in(title))
    return table


def _headings(sheet: Sheet, rows: list[int]) -> dict[tuple[int, int], str]:
    """The heading rows' texts, merged cells read as their top-left. Where a file keeps no merged ranges (.ods
    read by calamine, an export that writes a group's heading once), a group heading is carried right over the
    empty cells above the sub-headings of the row below."""
    found = {(r, c): h.display(sheet.shown(r, c)) for r in rows for c in range(sheet.width)}
    for upper, lower in zip(rows, rows[1:]):
        for c in range(1, sheet.width):
            if not found[upper, c] and found[lower, c] and found[upper, c - 1] and found[lower, c - 1] \
                    and (upper, c) not in sheet.merged and not h.is_unit_cell(found[lower, c]):
                found[upper, c] = found[upper, c - 1]
    return found


def _single_unit(row: list[str]) -> str | None:
    """The one unit a title's companion line gives for the whole table (单位：万人; not 单位：所、个、人)."""
    units = [h.unit_of(t) for t in _distinct(row) if h.is_unit_cell(t)]
    return units[0] if len(units) == 1 and units[0] and not re.search("[、,，/]", units[0]) else None


def _columns(sheet: Sheet, block: list[int], table_unit: str | None = None) -> list[Column]:
    columns = []
    numbers = next((r for r in block if is_column_numbers(sheet, r)), None)
    rows = [r for r in block if r != numbers]
    shown = _headings(sheet, rows)
    for c in range(sheet.width):
        parts: list[str] = []
        unit = None
        for r in rows:
            text = shown[r, c]
            if not text:
                continue
            if h.is_unit_cell(text):
                unit = unit or h.unit_of(text)
                continue
            if not parts or h.key(parts[-1]) != h.key(text):
                parts.append(text)
        if parts:
            unit = unit or next((h.unit_of(p) for p in reversed(parts) if h.unit_of(p)), None) or table_unit
            number = h.display(sheet.value(numbers, c)) if numbers is not None else None
            columns.append(Column(c, tuple(parts), unit, number=number or None))
    return columns


def _roles(table: Table, first: int) -> None:
    """Code, unit and remark columns by their headings; label columns before the first column of figures."""
    sheet = table.sheet
    last_row = min(sheet.height, first + 200)
    for column in table.columns:
        words = {h.key(p) for p in column.path}
        if words & {h.key(w) for w in s.CODE_HEADERS}:
            column.role = "code"
        elif words & {h.key(w) for w in s.UNIT_HEADERS}:
            column.role = "unit"
        elif words & {h.key(w) for w in s.REMARK_HEADERS}:
            column.role = "remark"
    figures = {}
    for column in table.columns:
        values = [sheet.value(r, column.index) for r in range(first, last_row)]
        filled = [v for v in values if h.display(v)]
        figures[column.index] = bool(filled) and sum(is_number(v) for v in filled) >= len(filled) / 2
    first_figures = next((c.index for c in table.columns if c.role == "value" and figures[c.index]), None)
    for column in table.columns:
        if column.role == "value" and (first_figures is None or column.index < first_figures):
            column.role = "label"
    keys = {h.key(w) for w in s.RECORD_KEY_WORDS}
    key = next((c for c in table.columns if c.role in ("label", "value") and h.key(c.path[-1]) in keys), None)
    if key is not None:
        key.role = "key"
        table.kind = "records"


def _label(table: Table, r: int) -> tuple[str, ...]:
    sheet = table.sheet
    if table.kind == "records":
        key = table.key_column
        text = h.display(sheet.value(r, key.index))
        return (text,) if text else ()
    parts = []
    for column in table.columns:
        if column.role == "label":
            text = clean_label(sheet.shown(r, column.index))
            if text and (not parts or h.key(parts[-1]) != h.key(text)):
                parts.append(text)
    return tuple(parts)


def clean_label(value) -> str:
    """A row label without its 其中 / # mark and indentation: "　　其中：民办" → 民办."""
    return SUB_ROW_PREFIX.sub("", fold(h.display(value))).strip()


def _raw_label(table: Table, r: int) -> str:
    """The row's own label as typed (its indentation kept): the last label cell that is not a merged copy."""
    for column in reversed([c for c in table.columns if c.role in ("label", "key")]):
        value = table.sheet.value(r, column.index)
        if value is not None and str(value).strip():
            return str(value)
    return ""


def _rows(table: Table, first: int, stage: str | None) -> list[Row]:
    sheet = table.sheet
    rows: list[Row] = []
    parent: tuple[str, ...] = ()
    section = None
    for r in range(first, sheet.height):
        label = _label(table, r)
        figures = any(is_number(sheet.value(r, c.index)) or (table.kind == "records" and h.display(sheet.value(r, c.index)))
                      for c in table.value_columns)
        line = _distinct(texts(sheet, r))
        if not line:
            continue
        if not figures and (_is_note(line[0]) or (not label and len(line) == 1 and _is_note(line[0]))):
            break
        if not figures and not label and len(line) == 1:
            label = (line[0],)
        if not label:
            continue
        if not figures:
            stage = _stage(label[-1]) or stage
            section = label[-1]
            rows.append(Row(r, label, "section", stage, section))
            continue
        kind = "statistic" if is_summary_statistic(label[-1]) else ("total" if is_total(label[-1]) else "data")
        if table.kind == "summary" and len(label) == 1 and h.is_sub(_raw_label(table, r)) and parent:
            label = (*parent[:1], label[0])
        elif table.kind == "summary" and len(label) == 1:
            parent = label
        rows.append(Row(r, label, kind, stage, section))
    return rows


def _is_note(text: str) -> bool:
    return any(h.display(text).startswith(p) for p in s.NOTE_PREFIXES) and len(h.key(text)) > 4


def _stage(text: str) -> str | None:
    """The 学段 a section line names: 一、小学 → 小学; 二、初中 (初级中学) → 初中."""
    bare = SECTION_NUMBER.sub("", h.display(text)).strip()
    found = canonical("stage", bare) or canonical("school_type", bare)
    if found in STAGES:
        return found
    return next((stage for stage in STAGES if bare.startswith(stage)), None)


def _stage_in(title: str) -> str | None:
    """The 学段 a title names in brackets or at its end: …统计表（小学）."""
    found = re.findall(r"[（(]([^（）()]+)[)）]", title)
    return next((_stage(t) for t in reversed(found) if _stage(t)), None)
