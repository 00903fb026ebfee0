"""Bad and odd workbooks, made in code from the real template: what a hostile or unlucky sender brings.

Each maker takes (db, folder) and returns the path of one small file; test_hostile.py sends each one
through `python -m pipelines ingest` and says what must come back.
"""

import io
import os
import re
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
from msoffcrypto.format.ooxml import OOXMLFile

from pipelines import config
from tests.books import filled, row_of, saved, template

VALUES_SHEET = "xl/worksheets/sheet2.xml"  # 指标数据 in the template (填报说明, 指标数据, 任务进展)


def patched(source: Path, target: Path, part: str, change) -> Path:
    """The workbook with one part's XML text changed (as a tool, a hand or an attacker might)."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == part:
                data = change(data.decode("utf-8")).encode("utf-8")
            dst.writestr(item, data)
    return target


def value_cell(db: Path, code: str) -> str:
    """The 数值 cell's reference of an indicator in 旗教育局's 2025 template (E and its row)."""
    return f"E{row_of(template(db, '旗教育局', 2025), code)}"


def with_cell_xml(db: Path, folder: Path, name: str, code: str, cell_xml: str) -> Path:
    """A filled workbook whose 数值 cell of code is replaced by raw XML (values no tool would write)."""
    base = filled(db, folder / f"base-{name}", values={"KG_ENROLLED": 10000, code: 1})
    ref = value_cell(db, code)
    return patched(base, folder / name, VALUES_SHEET,
                   lambda xml: re.sub(rf'<c r="{ref}"[^>]*>.*?</c>', cell_xml.replace("REF", ref), xml, count=1))


def typed(db: Path, folder: Path, name: str, values: dict, unit: str = "旗教育局") -> Path:
    return filled(db, folder / name, unit=unit, values=values)


# The values.


def nines(db, folder):
    return typed(db, folder, "nines.xlsx", {"HS_GER": "9" * 400})


def huge_count(db, folder):
    return typed(db, folder, "huge_count.xlsx", {"KG_CITY_MODEL": 1e308})


def huge_area(db, folder):
    return typed(db, folder, "huge_area.xlsx", {"VE_LAND": 1e308})


def people_beyond_the_banner(db, folder):
    return typed(db, folder, "people.xlsx", {"KG_ENROLLED": 12_000_000})


def gross_rate_beyond_ceiling(db, folder):
    return typed(db, folder, "gross.xlsx", {"HS_GER": 180})


def share_from_parts_beyond_100(db, folder):
    return typed(db, folder, "parts.xlsx", {"KG_ENROLLED": 10000, "KG_PUBLIC_ENROLLED": 11000})


def wage_beyond_ceiling(db, folder):
    return typed(db, folder, "wage.xlsx", {"FI_TEACHER_PAY": 9e9}, unit="旗财政局")


def rank_beyond_ceiling(db, folder):
    return typed(db, folder, "rank.xlsx", {"EXAM_600_RANK": 5000})


def nan_in_the_xml(db, folder):
    return with_cell_xml(db, folder, "nan.xlsx", "KG_CITY_MODEL", '<c r="REF"><v>NaN</v></c>')


def infinity_in_the_xml(db, folder):
    return with_cell_xml(db, folder, "inf.xlsx", "KG_CITY_MODEL", '<c r="REF"><v>INF</v></c>')


def not_a_number_in_the_xml(db, folder):
    return with_cell_xml(db, folder, "notanumber.xlsx", "KG_CITY_MODEL", '<c r="REF"><v>12abc</v></c>')


def error_value(db, folder):
    return with_cell_xml(db, folder, "error.xlsx", "KG_CITY_MODEL", '<c r="REF" t="e"><v>#DIV/0!</v></c>')


def boolean_in_a_count(db, folder):
    return typed(db, folder, "bool.xlsx", {"KG_ENROLLED": True})


def date_in_a_count(db, folder):
    return typed(db, folder, "date.xlsx", {"KG_ENROLLED": datetime(2025, 3, 1)})


def text_in_a_rate(db, folder):
    return typed(db, folder, "text.xlsx", {"HS_GER": "约九成"})


def formula_without_result(db, folder):
    return typed(db, folder, "formula.xlsx", {"KG_ENROLLED": "=5000*2"})


# The sheets.


def cell_far_below(db, folder):
    """One value 200,000 rows down: a reader would build a grid that size."""
    base = typed(db, folder, "base-far.xlsx", {"KG_ENROLLED": 10000})
    return patched(base, folder / "far.xlsx", VALUES_SHEET,
                   lambda xml: xml.replace("</sheetData>", '<row r="200000"><c r="A200000"><v>1</v></c></row></sheetData>'))


def cell_far_right(db, folder):
    base = typed(db, folder, "base-right.xlsx", {"KG_ENROLLED": 10000})
    return patched(base, folder / "right.xlsx", VALUES_SHEET,
                   lambda xml: xml.replace("</sheetData>", '<row r="120"><c r="XFD120"><v>1</v></c></row></sheetData>'))


def missing_shared_string(db, folder):
    return with_cell_xml(db, folder, "sst.xlsx", "KG_CITY_MODEL", '<c r="REF" t="s"><v>99999</v></c>')


def two_values_in_one_cell(db, folder):
    """The same cell written twice with different numbers: which one counts cannot be told."""
    base = typed(db, folder, "base-twice.xlsx", {"KG_ENROLLED": 10000})
    ref = value_cell(db, "KG_ENROLLED")
    return patched(base, folder / "twice.xlsx", VALUES_SHEET,
                   lambda xml: re.sub(rf'(<c r="{ref}"[^>]*>.*?</c>)', rf'\1<c r="{ref}"><v>20000</v></c>', xml, count=1))


def missing_values_sheet(db, folder):
    wb = openpyxl.load_workbook(typed(db, folder, "base-sheet.xlsx", {"KG_ENROLLED": 10000}))
    wb[config.SHEET_VALUES].title = "数据"
    wb.save(folder / "renamed_sheet.xlsx")
    return folder / "renamed_sheet.xlsx"


def changed_header(db, folder):
    def header(wb):
        wb[config.SHEET_VALUES].cell(3, 5).value = "填报值"

    return filled(db, folder / "header.xlsx", values={"KG_ENROLLED": 10000}, edit=header)


def wrong_year(db, folder):
    def year(wb):
        for row in wb[config.SHEET_GUIDE].iter_rows():
            for left, right in zip(row, row[1:]):
                if left.value == config.GUIDE_YEAR_LABEL:
                    right.value = 2035

    return filled(db, folder / "year.xlsx", values={"KG_ENROLLED": 10000}, edit=year)


# The files.


def truncated(db, folder):
    data = saved(template(db, "旗教育局", 2025))
    path = folder / "truncated.xlsx"
    path.write_bytes(data[: len(data) // 2])
    return path


def corrupted_compressed_data(db, folder):
    """Bytes flipped inside a compressed part: zlib's `Error -3 while decompressing`."""
    source = typed(db, folder, "base-corrupt.xlsx", {"KG_ENROLLED": 10000})
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as z:
        info = z.getinfo(VALUES_SHEET)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 50, start + 90):
        data[i] ^= 0xFF
    path = folder / "corrupt.xlsx"
    path.write_bytes(bytes(data))
    return path


def entity_after_a_long_comment(db, folder):
    """A DOCTYPE behind 8 KB of comment, past the first bytes a quick look would read."""
    base = typed(db, folder, "base-entity.xlsx", {"KG_ENROLLED": 10000})
    return patched(base, folder / "entity.xlsx", VALUES_SHEET, lambda xml: (
        "<!--" + "x" * 8192 + '--><!DOCTYPE w [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + xml))


def encrypted(db, folder):
    path = folder / "locked.xlsx"
    with open(path, "wb") as out:
        OOXMLFile(io.BytesIO(saved(template(db, "旗教育局", 2025)))).encrypt("secret", out)
    return path


def xlsx_named_ods(db, folder):
    path = folder / "renamed.ods"
    path.write_bytes(typed(db, folder, "base-renamed.xlsx", {"KG_ENROLLED": 10000}).read_bytes())
    return path


def xlsx_named_xls(db, folder):
    path = folder / "renamed.xls"
    path.write_bytes(typed(db, folder, "base-renamed2.xlsx", {"KG_ENROLLED": 10000}).read_bytes())
    return path


def empty(db, folder):
    path = folder / "empty.xlsx"
    path.write_bytes(b"")
    return path


def not_a_workbook(db, folder):
    """A text report saved under a workbook's name."""
    path = folder / "report.xlsx"
    path.write_text("这是一份文字报告", encoding="utf-8")
    return path


def zip_bomb(db, folder):
    """60 MB of one sheet that zips to a few kilobytes: refused before a byte of it is parsed."""
    path = folder / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", "0" * (60 * 1024 * 1024))
    return path


def sparse_600_mb(db, folder):
    """600 MB that take no disk: refused from its size alone, nothing of it read (MB as every limit and message
    says it since issue 20: 1,000,000 bytes)."""
    path = folder / "sparse.xlsx"
    with open(path, "wb") as out:
        out.write(b"PK\x03\x04")
        out.truncate(600 * 1000 * 1000)
    return path


def macro(db, folder):
    base = typed(db, folder, "base-macro.xlsx", {"KG_ENROLLED": 10000})
    path = folder / "macro.xlsx"
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("xl/vbaProject.bin", os.urandom(64))
    return path
