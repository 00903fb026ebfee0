"""Tables written for people: CSV for Excel (UTF-8 with BOM) and formatted .xlsx, formula-safe.

A value that begins with =, +, - or @ would become a formula when a spreadsheet opens the file
(CSV injection, OWASP); such text is written as text: a leading apostrophe in CSV, a string cell in
.xlsx.
"""

import math
from dataclasses import dataclass, field
from io import BytesIO, StringIO
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from . import config
from .text import fold, is_wide

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
FONT = "宋体"
FONT_SIZE = 11


def is_risky(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def defuse(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would take for a formula, prefixed with an apostrophe."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(lambda v: f"'{v}" if is_risky(v) else v)
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    buffer = StringIO()
    defuse(frame).to_csv(buffer, index=False)
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read the Chinese correctly


def _width(value) -> int:
    text = "" if value is None else str(value)
    return sum(2 if is_wide(ch) else 1 for ch in fold(text))


def _cell(value):
    """A DataFrame value as openpyxl takes it: None for missing, lists joined, timestamps as datetimes."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return ":".join(f"{v:g}" if isinstance(v, float) else str(v) for v in value)
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


# Printing on A4 landscape (Excel's widths are in characters of the default font: a column w wide is about
# 7·w + 5 pixels at 96 dpi, a CJK character about two of them).
PRINT_WIDTH_PX = (11.69 - 2 * 0.4) * 96  # A4 landscape less 0.4 in margins
MIN_PRINT_SCALE = 0.82  # fitting a sheet to the page width may shrink 11 pt text to 9 pt, no further
MAX_WIDTH = 40  # characters; longer text wraps
LINE_HEIGHT = 14.4  # pt, one line of FONT_SIZE 宋体


@dataclass
class Sheet:
    """A table for a workbook and how it prints: number formats, fixed widths, cell colours by value, the
    columns repeated on every page across when it is too wide for one, the page header."""

    title: str
    frame: pd.DataFrame
    formats: dict[str, str] = field(default_factory=dict)
    widths: dict[str, float] = field(default_factory=dict)
    fills: dict[str, dict[str, str]] = field(default_factory=dict)  # column → {value: RGB hex}
    repeat_columns: int = 1
    header: str = ""
    demo: bool = False


def column_px(width: float) -> float:
    return 7 * width + 5


def print_scale(widths: list[float]) -> float:
    """How much fitting the columns to one A4 landscape width would shrink the print (1 when they fit)."""
    return min(1.0, PRINT_WIDTH_PX / sum(column_px(w) for w in widths))


def _ink(fill: str) -> str:
    """Black or white text, whichever reads on the fill."""
    r, g, b = (int(fill[i:i + 2], 16) for i in (0, 2, 4))
    return "000000" if 0.299 * r + 0.587 * g + 0.114 * b > 140 else "FFFFFF"


WRAP_SLACK = 1.15  # a wrapped line breaks before a number or a bracket, not always at the column's edge


def _lines(text: str, width: float) -> int:
    """How many lines a text takes in a wrapped column of this width, rounded up with some slack: a row
    made too tall wastes a little paper, one too short hides its last line when printed."""
    return max(1, math.ceil(_width(text) * WRAP_SLACK / max(1.0, width - 1)))


def write_sheet(wb: Workbook, title: str, frame: pd.DataFrame, number_formats: dict | None = None,
                sheet: Sheet | None = None) -> None:
    """One formatted sheet, ready to print: bold header repeated on every page, frozen, widths from the
    content with long text wrapped, landscape A4 fitted to one page width where the text stays ≥ 9 pt
    (else the first columns repeat on every page across), page numbers; text stays text."""
    sheet = sheet or Sheet(title, frame, number_formats or {})
    ws = wb.create_sheet(title[:31])
    _append_rows(ws, frame)
    widths = []
    lines = [1] * (len(frame) + 2)
    for c, column in enumerate(frame.columns, start=1):
        letter = get_column_letter(c)
        widest = max([_width(column)] + [_width(v) for v in frame[column].head(500)])
        width = sheet.widths.get(column) or min(max(8, widest + 2), MAX_WIDTH)
        widths.append(width)
        ws.column_dimensions[letter].width = width
        for r, cell in enumerate(ws[letter], start=1):
            if r > 1:
                _style_cell(cell, sheet.formats.get(column), sheet.fills.get(column, {}))
            text = cell.value if isinstance(cell.value, str) else ""
            need = sum(_lines(part, width) for part in text.split("\n")) if text else 1
            lines[r] = max(lines[r], need)
            if r > 1:
                cell.alignment = Alignment(wrap_text=need > 1, vertical="top")
    for r, n in enumerate(lines):
        if r >= 1 and n > 1:  # Excel and WPS do not grow a row for wrapped text by themselves
            ws.row_dimensions[r].height = n * LINE_HEIGHT + 2
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    _page_setup(ws, sheet, widths)


def _append_rows(ws, frame: pd.DataFrame) -> None:
    """The bold header row, then the frame's rows; a text that Excel would take for a formula stays text."""
    ws.append([str(c) for c in frame.columns])
    for cell in ws[1]:
        cell.font = Font(name=FONT, size=FONT_SIZE, bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in frame.itertuples(index=False):
        values = [_cell(v) for v in row]
        ws.append(values)
        r = ws.max_row
        for c, value in enumerate(values, start=1):
            if is_risky(value):
                cell = ws.cell(r, c)
                cell.value = value
                cell.data_type = "s"  # text, never a formula


def _style_cell(cell, fmt: str | None, fills: dict) -> None:
    """A body cell's font, number format, and the fill (with a readable ink) its value asks for."""
    cell.font = Font(name=FONT, size=FONT_SIZE)
    if fmt:
        cell.number_format = fmt
    if cell.value in fills:
        cell.fill = PatternFill("solid", fgColor=fills[cell.value])
        cell.font = Font(name=FONT, size=FONT_SIZE, color=_ink(fills[cell.value]))


def _page_setup(ws, sheet: Sheet, widths: list[float]) -> None:
    """Landscape A4, the header row on every page, fitted to the page width where the text stays legible (else
    the first columns repeated), the page header (and 示例数据) and page numbers."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.7, bottom=0.6, header=0.3, footer=0.3)
    ws.print_title_rows = "1:1"
    if print_scale(widths) >= MIN_PRINT_SCALE:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
    elif sheet.repeat_columns:
        ws.print_title_cols = f"A:{get_column_letter(sheet.repeat_columns)}"
    ws.oddHeader.left.text = sheet.header or sheet.title
    ws.oddHeader.left.size = 10
    if sheet.demo:
        ws.oddHeader.right.text = f"{config.DEMO_LABEL}（演示用的虚构数值，并非真实统计）"
        ws.oddHeader.right.size = 10
        ws.oddHeader.right.color = "B00020"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.size = 10


def excel_bytes(sheets: dict[str, pd.DataFrame] | list[Sheet], number_formats: dict | None = None) -> bytes:
    """A workbook of formatted sheets: {title: frame} with shared number formats, or Sheets."""
    if isinstance(sheets, dict):
        sheets = [Sheet(title, frame, number_formats or {}) for title, frame in sheets.items()]
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        write_sheet(wb, sheet.title, sheet.frame, sheet=sheet)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def workbook_bytes(wb: Workbook) -> bytes:
    """A workbook made in memory, as the bytes of its .xlsx file (a download)."""
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def save_workbook(wb: Workbook, out: Path) -> Path:
    """A workbook made in memory, saved as `out` (its folder made)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out
