"""Per-school base forms (基层报表): one workbook per school, one sheet per form, fixed cells.

A form's figures are found two ways: where a sheet holds a small table (教基3112: 项目 | 代码 | 计量单位 | 合计 |
一年级 …), every figure by its row and column; elsewhere (教基1001: 学校名称 | 新惠第一小学), the cell beside a
label, passing over 代码 and 计量单位 columns. The mapping keeps each field's cell (教基5176!D5); the fingerprint
keeps the labels, never a school's own values (its name is beside its label, never the first cell of a row).
"""

import re

from ..core.text import fold
from ..workbooks.statistics_words import canonical
from . import headings as h
from . import settings as s
from .candidate import Candidate, cell_name
from .layout import STAGES, Table, find_table, is_column_numbers, is_number
from .source import Sheet, Workbook

TITLE_ROWS = 3


def is_form_book(book: Workbook) -> bool:
    """Its sheets are forms: a sheet's name or title carries a form code (教基1001, 小基2 …)."""
    for sheet in book.sheets:
        title = " ".join(h.display(sheet.value(r, c)) for r in range(min(TITLE_ROWS, sheet.height))
                         for c in range(sheet.width))
        if s.FORM_CODE.search(fold(sheet.name)) or s.FORM_CODE.search(fold(title)):
            return True
    return False


def stage_of_forms(book: Workbook) -> str | None:
    """The 学段 the forms' titles name (小学学生数 → 小学), for recipes that depend on it."""
    for sheet in book.sheets:
        for r in range(min(TITLE_ROWS, sheet.height)):
            for c in range(sheet.width):
                text = h.display(sheet.value(r, c))
                for stage in STAGES:
                    if stage in text or canonical("school_type", text) == stage:
                        return stage
    return None


def _marked_columns(sheet: Sheet, table: Table | None) -> set[int]:
    """Columns of codes (代码, 行次) and units (计量单位): never a figure."""
    marked = {c.index for c in table.columns if c.role in ("code", "unit")} if table else set()
    words = {h.key(w) for w in (*s.CODE_HEADERS, *s.UNIT_HEADERS)}
    for r in range(min(sheet.height, 12)):
        for c in range(sheet.width):
            if h.key(sheet.value(r, c)) in words:
                marked.add(c)
    return marked


def form_cells(book: Workbook):
    """(the sources of every sheet, the label cells of every sheet for the fingerprint)."""
    found, marks = [], {}
    for sheet in book.sheets:
        table = find_table(sheet)
        if table is not None and _is_label_list(sheet, table):
            table = None
        marked = _marked_columns(sheet, table)
        taken = set()
        if table is not None:
            for row in (r for r in table.rows if r.kind in ("data", "total")):
                unit = _row_unit(sheet, row.index, marked)
                for column in table.value_columns:
                    cell = (row.index, column.index)
                    taken.add(cell)
                    found.append(Candidate(f"{sheet.name}!{cell_name(*cell)}", sheet.name, row.label, column.path,
                                           unit or column.unit, cell))
        marks[sheet.name] = []
        headers = set(table.header_rows) if table else set()
        for r in range(sheet.height):
            for c, text, value in _pairs(sheet, r, marked, r in headers):
                marks[sheet.name].append((r, c, re.split("[：:]", text)[0] or text))
                if value is not None and (r, value) not in taken:
                    heading = table.column(value).path if table and table.column(value) else ()
                    found.append(Candidate(f"{sheet.name}!{cell_name(r, value)}", sheet.name, (text,), heading,
                                           _row_unit(sheet, r, marked), (r, value)))
    return found, marks


def _is_label_list(sheet: Sheet, table: Table) -> bool:
    """A sheet of labels and values (教基1001) read as if it were a table: its "header" is labels stacked in one
    column, each row a label and at most its value (a school without a 标识码 has its first figure lower down)."""
    rows = [r for r in table.header_rows if not is_column_numbers(sheet, r)]
    own = [[c for c in range(sheet.width) if (r, c) not in sheet.merged and h.display(sheet.value(r, c))] for r in rows]
    first = min((cells[0] for cells in own if cells), default=None)
    labels = [r for r, cells in zip(rows, own) if first in cells and not h.is_unit_cell(h.display(sheet.value(r, first)))]
    return len(labels) >= 2 and all(len(cells) <= 2 for cells in own)


def _pairs(sheet: Sheet, r: int, marked: set[int], header: bool) -> list[tuple[int, str, int | None]]:
    """A row's labels and the value beside each (学校名称 | 新惠第一小学 | 学校标识码 | 2150…: two pairs); a heading
    row's first label only, with no value."""
    found = []
    start = 0
    while start < sheet.width:
        label = _label_cell(sheet, r, marked, start)
        if label is None:
            break
        c, text = label
        value = None if header else _value_beside(sheet, r, c, marked)
        found.append((c, text, value))
        if value is None or header:
            break
        start = value + 1
    return found


def _label_cell(sheet: Sheet, r: int, marked: set[int], start: int = 0) -> tuple[int, str] | None:
    """The row's first own text cell from start (not in a code column; a 序号 before it passed over): its label."""
    for c in range(start, sheet.width):
        if (r, c) in sheet.merged or c in marked:
            continue
        value = sheet.value(r, c)
        text = h.display(value)
        if not text or (is_number(value) and len(text) <= 3):
            continue
        return None if is_number(value) else (c, text)
    return None


def _value_beside(sheet: Sheet, r: int, label: int, marked: set[int]) -> int | None:
    """The column of the first value right of a label, passing over codes, units and merged copies; where this
    school left it blank, the first cell where it would be (the same cell as in the other schools' forms)."""
    empty = None
    for c in range(label + 1, sheet.width):
        if (r, c) in sheet.merged or c in marked:
            continue
        text = h.display(sheet.value(r, c))
        if text and not h.is_unit_cell(text):
            return c
        if not text and empty is None:
            empty = c
    return empty


def _row_unit(sheet: Sheet, r: int, marked: set[int]) -> str | None:
    for c in sorted(marked):
        text = h.display(sheet.value(r, c))
        if text and h.is_unit_cell(text):
            return h.unit_of(text)
    return None
