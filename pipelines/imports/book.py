"""What an import makes: the standard workbook, filled by the same code as a person's typing, and where each
value came from.

A unit's workbook (指标数据) gets its indicators' values, each with its source in 备注 (school_book.py makes
旗教育局's 学校与幼儿园 workbook). Every value written keeps its source cells: the standard workbook's problems
are said at the export's cells, and the 指标 page can say which file, sheet and cell a value came from. The
workbook is the same bytes each time the same export is imported with the same mapping (a second import of
it is known as the same file).
"""

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import openpyxl

from ..core import config
from ..core import school_settings as ss
from ..core.problems import Problem
from ..records.import_origin import SOURCE_COLUMNS
from ..workbooks.template import VALUE_HEADER_ROW, fill, make_template, template_file_name
from .apply import Extract, Value
from .headings import display


@dataclass
class Made:
    name: str
    data: bytes = b""
    placed: dict = field(default_factory=dict)  # (sheet, row, header) -> [SourceCell]
    rows: dict = field(default_factory=dict)  # (sheet, row) -> the Record it was written from
    sources: list[dict] = field(default_factory=list)  # SOURCE_COLUMNS
    warnings: list[Problem] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)  # what keeps the workbook from being made whole


def made_name(unit: str, year: int, schools: bool) -> str:
    base = f"{ss.SCHOOL_UNIT}_{year}年度学校与幼儿园填报.xlsx" if schools else template_file_name(unit, year)
    return base.replace(".xlsx", "_由统计报表导入.xlsx")


def _note(value: Value) -> str:
    cells = "、".join(f"“{c.file}” {c}" if c.file else str(c) for c in value.sources)
    return f"导入自{cells}" + (f"；{value.note}" if value.note else "")


def indicator_book(con: duckdb.DuckDBPyConnection, unit: str, year: int, extract: Extract, files: str) -> Made:
    wb = make_template(con, unit, year)
    say_origin(wb, files)
    made = Made(made_name(unit, year, False))
    values = {code: typed(v.value) for code, v in extract.indicators.items() if v.value is not None}
    notes = {code: _note(extract.indicators[code]) for code in values}
    sheet = wb[config.SHEET_VALUES]
    for r in range(VALUE_HEADER_ROW + 1, sheet.max_row + 1):
        code = sheet.cell(r, 1).value
        if code in values:
            made.placed[config.SHEET_VALUES, r, "数值"] = extract.indicators[code].sources
            made.sources += source_rows(extract.indicators[code], "indicator", config.SHEET_VALUES, f"E{r}",
                                         indicator_code=code)
    made.data = steady(fill(wb, values, notes, {}), year)
    return made


def typed(value):
    return int(value) if isinstance(value, float) and value.is_integer() else value


def say_origin(wb: openpyxl.Workbook, files: str) -> None:
    """The guide says where the workbook came from (instead of the time it was made: the same import, the same file)."""
    guide = wb[config.SHEET_GUIDE]
    for r in range(1, guide.max_row + 1):
        if guide.cell(r, 1).value == "生成时间":
            guide.cell(r, 1).value = "来源"
            guide.cell(r, 2).value = f"由本单位统计报表导入：{files}"


def source_rows(value: Value, target: str, sheet: str, cell: str, **keys) -> list[dict]:
    return [{**dict.fromkeys(SOURCE_COLUMNS), **keys, "target": target, "workbook_sheet": sheet, "workbook_cell": cell,
             "source_file": c.file or "（对应关系中的固定值）", "sheet": c.sheet, "cell": c.cell,
             "raw_value": display(c.raw) or None, "note": value.note or None} for c in value.sources]


def steady(data: bytes, year: int) -> bytes:
    """The same workbook, byte for byte, every time it is made: the zip's times and the document's dates fixed."""
    when = datetime(year, 12, 31).strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + when.encode(), content)
            target.writestr(zipfile.ZipInfo(info.filename, (1980, 1, 1, 0, 0, 0)), content, zipfile.ZIP_DEFLATED)
    return out.getvalue()
