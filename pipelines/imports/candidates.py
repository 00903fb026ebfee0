"""What an export offers: its layout (kind, tables, fingerprint) and every source a field may be read from.

A source is written the way a person reads it in the mapping file:
- a summary table's figure by its row and its column: "基本情况 > 普通高中 > 在校生数/合计" (a 其中 row as
  "学前教育/民办"), so that a figure is found again when rows or columns move;
- a per-school table's column by its headings: "每百名学生拥有高于规定学历教师数（人）/实际值" (in every sheet that
  has it, one sheet per 学段 as well as one for all);
- a per-school form's fixed cell: "教基5176!D5".
"""

import re
from dataclasses import dataclass, field

from openpyxl.utils import column_index_from_string

from . import headings as h
from . import settings as s
from .candidate import Candidate
from .fingerprint import form_fingerprint, table_fingerprint
from .forms import form_cells, is_form_book, stage_of_forms
from .layout import Table, find_table
from .source import Workbook

CELL_REF = re.compile(r"^(?P<sheet>.+)!(?P<col>[A-Za-z]{1,3})(?P<row>\d{1,6})$")


@dataclass
class Layout:
    kind: str  # 'summary', 'records' or 'forms'
    fingerprint: str
    tables: list[Table] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    stage: str | None = None  # forms: the 学段 their titles name
    kindergarten: bool = False  # a per-kindergarten table

    def find(self, ref: str) -> list[Candidate]:
        """The sources a written reference names (several: the same column in several sheets)."""
        ref = ref.strip()
        match = CELL_REF.match(ref)
        if match and self.kind == "forms":
            return [c for c in self.candidates if c.ref == ref] or self._cell(match)
        parts = [p.strip() for p in re.split(r"\s*[>›》]\s*", ref)]
        wanted = [h.key(h.without_years(p)) for p in parts]
        if self.kind == "records":
            return [c for c in self.candidates if h.key(c.ref) == wanted[-1] and _sheet_fits(c, wanted)]
        return [c for c in self.candidates if _keys(c)[-len(wanted):] == wanted]

    def _cell(self, match) -> list[Candidate]:
        sheet = next((t for t in self.sheets if h.key(h.without_years(t)) == h.key(h.without_years(match["sheet"]))), None)
        if sheet is None:
            return []
        r, c = int(match["row"]) - 1, column_index_from_string(match["col"].upper()) - 1
        return [Candidate(f"{sheet}!{match['col'].upper()}{r + 1}", sheet, (), (), cell=(r, c))]

    sheets: list[str] = field(default_factory=list)


def _keys(c: Candidate) -> list[str]:
    """A figure's sheet, row and column, as compared (years out of the sheet's name)."""
    return [h.key(h.without_years(c.sheet)), h.key("/".join(c.rows)), h.key("/".join(c.cols))]


def _sheet_fits(c: Candidate, wanted: list[str]) -> bool:
    """A per-school column written with its sheet (小学 > 在校生数) is that sheet's only."""
    return len(wanted) < 2 or h.key(h.without_years(c.sheet)) == wanted[0]


def read_layout(book: Workbook) -> Layout:
    """The layout of one workbook and its sources."""
    if is_form_book(book):
        cells, marks = form_cells(book)
        layout = Layout("forms", form_fingerprint(book, marks), candidates=cells, stage=stage_of_forms(book))
    else:
        tables = [t for t in (find_table(sheet) for sheet in book.sheets) if t is not None]
        records = [t for t in tables if t.kind == "records"]
        kind = "records" if records else "summary"
        tables = records or tables
        layout = Layout(kind, table_fingerprint(tables), tables)
        layout.candidates = [c for t in tables for c in (column_sources(t) if kind == "records" else figure_sources(t))]
        if records:
            layout.kindergarten = any(h.key(t.key_column.path[-1]) in {h.key(w) for w in s.KINDERGARTEN_KEY_WORDS}
                                      for t in records)
    layout.sheets = [sheet.name for sheet in book.sheets]
    return layout


def figure_sources(table: Table) -> list[Candidate]:
    """Every figure of a summary table: row × value column (totals too; sections and statistics not)."""
    rows = [r for r in table.rows if r.kind in ("data", "total")]
    labels = [r.label for r in rows]
    found = []
    for row in rows:
        label = row.label if labels.count(row.label) == 1 or not row.section else (row.section, *row.label)
        for column in table.value_columns:
            ref = s.SOURCE_SEPARATOR.join((table.sheet.name, "/".join(label), column.text))
            found.append(Candidate(ref, table.sheet.name, label, column.path, column.unit, (row.index, column.index)))
    return found


def column_sources(table: Table) -> list[Candidate]:
    """Every column of a per-school table that may hold a field (its name, its type, its figures)."""
    return [Candidate(c.text, table.sheet.name, (), c.path, c.unit, column=c.index)
            for c in table.columns if c.role in ("key", "label", "value")]
