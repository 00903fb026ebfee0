"""The streaming scan of a workbook's cells: percent formats, positions, repeats, what it refuses."""

import zipfile

import openpyxl
import pytest

from pipelines.core.problems import InputError
from pipelines.workbooks.read import read_book
from pipelines.workbooks.sheet_scan import ScanError, is_percent_format, scan_ods, scan_xlsx


@pytest.mark.parametrize("code, percent", [
    ("0.0%", True), ("0%", True), ("#,##0.00%;[Red]-#,##0.00%", True), ("[$-804]0.0%", True),
    ('0.0"%"', False), ('#,##0.0#"%"', False), ("0.0\\%", False), ("0.0_%", False), ("General", False), ("0.00", False),
])
def test_a_percent_outside_quotes_and_escapes_scales(code, percent):
    assert is_percent_format(code) is percent


def test_built_in_percent_formats_and_custom_ones(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    for row, fmt in enumerate(("0%", "0.00%", "0.0%", '0.0"%"', "0.0"), start=1):
        ws.cell(row, 1).value, ws.cell(row, 1).number_format = 0.645, fmt
    wb.save(tmp_path / "f.xlsx")
    found = scan_xlsx(tmp_path / "f.xlsx")["Sheet"]
    assert found.percent == {(0, 0), (1, 0), (2, 0)}
    book = read_book(tmp_path / "f.xlsx")
    assert [(c[0].value, c[0].percent) for c in book.sheets["Sheet"]] == [
        (0.645, True), (0.645, True), (0.645, True), (0.645, False), (0.645, False)]


def write_zip(path, parts: dict[str, str]):
    with zipfile.ZipFile(path, "w") as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return path


XLSX_PARTS = {
    "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": '<?xml version="1.0"?><x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><x:sheets><x:sheet name="S" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet1.xml"/></Relationships>',
}


def test_cells_without_references_and_a_prefixed_namespace(tmp_path):
    """Rows and cells may leave out r="…" (their place follows the one before), and a writer may use x: prefixes."""
    sheet = ('<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
             '<x:row r="2"><x:c><x:v>1</x:v></x:c><x:c r="C2"><x:v>3</x:v></x:c><x:c><x:v>4</x:v></x:c></x:row>'
             '<x:row><x:c><x:v>5</x:v></x:c></x:row></x:sheetData></x:worksheet>')
    path = write_zip(tmp_path / "p.xlsx", {**XLSX_PARTS, "xl/worksheets/sheet1.xml": sheet})
    assert scan_xlsx(path)["S"].filled == {(1, 0): 1.0, (1, 2): 3.0, (1, 3): 4.0, (2, 0): 5.0}
    book = read_book(path)
    assert [[c.value for c in row] for row in book.sheets["S"]][1:] == [[1.0, None, 3.0, 4.0], [5.0, None, None, None]]


ODS = ('<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
       'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
       '<office:body><office:spreadsheet><table:table table:name="S">{rows}</table:table></office:spreadsheet></office:body>'
       '</office:document-content>')


def test_ods_repeats_spread_and_percentages(tmp_path):
    rows = ('<table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="2"/>'
            '<table:table-cell office:value-type="percentage" office:value="0.645"><text:p>64.5%</text:p></table:table-cell>'
            '</table:table-row><table:table-row><table:table-cell office:value-type="string"><text:p>x</text:p>'
            '<office:annotation><text:p>a note, not the cell</text:p></office:annotation></table:table-cell>'
            '<table:table-cell><office:annotation><text:p>only a note</text:p></office:annotation></table:table-cell></table:table-row>'
            '<table:table-row table:number-rows-repeated="1048573"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>')
    path = write_zip(tmp_path / "r.ods", {"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": ODS.format(rows=rows)})
    found = scan_ods(path)["S"]
    assert found.filled == {(0, 2): 0.645, (1, 2): 0.645, (2, 0): None}
    assert found.percent == {(0, 2), (1, 2)}


def test_ods_values_repeated_far_are_refused_before_they_are_spread(tmp_path):
    rows = ('<table:table-row table:number-rows-repeated="1000000"><table:table-cell office:value-type="float" '
            'office:value="1"/></table:table-row>')
    path = write_zip(tmp_path / "far.ods", {"content.xml": ODS.format(rows=rows)})
    with pytest.raises(ScanError, match="超出填报工作簿的范围"):
        scan_ods(path)


def test_a_doctype_is_refused_by_the_parser_itself(tmp_path):
    sheet = ('<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaa">]><worksheet '
             'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>')
    path = write_zip(tmp_path / "d.xlsx", {**XLSX_PARTS, "xl/worksheets/sheet1.xml": sheet})
    with pytest.raises(ScanError, match="文档类型或实体声明"):
        scan_xlsx(path)
    with pytest.raises(InputError, match="含有 XML 实体声明"):
        read_book(path)
