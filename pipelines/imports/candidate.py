"""One source a field may be read from, written the way a person reads it in the mapping file (candidates.py
says what an export offers), and a cell's name as a spreadsheet writes it (D5)."""

from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from . import headings as h


@dataclass
class Candidate:
    ref: str  # the source as the mapping file writes it
    sheet: str
    rows: tuple[str, ...]  # the row's label path ('' for a per-school column)
    cols: tuple[str, ...]  # the column's headings
    unit: str | None = None
    cell: tuple[int, int] | None = None  # 0-based (row, column) of a fixed cell
    column: int | None = None  # a per-school table's column

    @property
    def text(self) -> str:
        return "/".join(p for p in (*self.rows, *self.cols) if not h.is_neutral(p))


def cell_name(r: int, c: int) -> str:
    return f"{get_column_letter(c + 1)}{r + 1}"
