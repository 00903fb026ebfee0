"""Tables written for people: CSV for Excel (UTF-8 with BOM) and formatted .xlsx, formula-safe.

A value that begins with =, +, - or @ would become a formula when a spreadsheet opens the file
(CSV injection, OWASP); such text is written as text: a leading apostrophe in CSV, a string cell in
.xlsx.
"""

from io import BytesIO, StringIO

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .text import fold

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
FONT = "宋体"


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
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in fold(text))


def _cell(value):
    """A DataFrame value as openpyxl takes it: None for missing, lists joined, timestamps as datetimes."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return ":".join(f"{v:g}" if isinstance(v, float) else str(v) for v in value)
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def write_sheet(wb: Workbook, title: str, frame: pd.DataFrame, number_formats: dict | None = None) -> None:
    """One formatted sheet: bold header, frozen, widths from the content, print set-up; text stays text."""
    ws = wb.create_sheet(title[:31])
    ws.append([str(c) for c in frame.columns])
    for cell in ws[1]:
        cell.font = Font(name=FONT, bold=True)
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
    formats = number_formats or {}
    for c, column in enumerate(frame.columns, start=1):
        letter = get_column_letter(c)
        widest = max([_width(column)] + [_width(v) for v in frame[column].head(200)])
        ws.column_dimensions[letter].width = min(max(8, widest + 2), 60)
        fmt = formats.get(column)
        for cell in ws[letter][1:]:
            cell.font = Font(name=FONT)
            if fmt:
                cell.number_format = fmt
            if _width(cell.value) > 60:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "1:1"


def excel_bytes(sheets: dict[str, pd.DataFrame], number_formats: dict | None = None) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for title, frame in sheets.items():
        write_sheet(wb, title, frame, number_formats)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
