"""A layout's fingerprint: a stable hash of its header cells' texts and positions.

The same export next year has the same fingerprint: data rows are not in it, nor years (敖汉旗2025年… and
2026年… are one title, a sheet 2025基本情况 is 2026基本情况 next year), nor how many title lines stand above the
headings (positions are counted from the first heading row). Columns reordered, a column added or a heading
reworded make another fingerprint: the mapping is proposed again.
"""

import hashlib
import json

from ..core.text import squeeze
from . import headings as h
from .layout import Table
from .source import Workbook

LENGTH = 12


def _norm(text: str) -> str:
    return squeeze(h.without_years(text))


def _digest(items: list) -> str:
    return hashlib.sha256(json.dumps(items, ensure_ascii=False).encode()).hexdigest()[:LENGTH]


def table_fingerprint(tables: list[Table]) -> str:
    """The header cells of each table (own cells, not merged copies), from its first heading row."""
    items = []
    for table in tables:
        sheet = table.sheet
        items.append(["sheet", _norm(sheet.name), table.kind])
        top = table.header_rows[0]
        for r in table.header_rows:
            for c in range(sheet.width):
                text = h.display(sheet.value(r, c)) if (r, c) not in sheet.merged else ""
                if text:
                    items.append([r - top, c, _norm(text)])
    return _digest(items)


def form_fingerprint(book: Workbook, marks: dict[str, list[tuple[int, int, str]]]) -> str:
    """Per-school forms: each sheet's name and its label cells (never the school's own values)."""
    items = []
    for sheet in book.sheets:
        items.append(["sheet", _norm(sheet.name)])
        items += [[r, c, _norm(text)] for r, c, text in marks.get(sheet.name, [])]
    return _digest(items)
