"""What python-calamine does not say about a workbook's cells: which are filled, which show a percent.

calamine reads the values (about ten times faster than openpyxl) but not the number formats, so a
percent cell (Excel and LibreOffice store a typed 64.5% as 0.645) would load 100 times too small. This
module streams each sheet once and returns, per sheet, every filled cell (with its number, where it is
one), the cells shown as a percent, and the formulas without a saved result:

- .xlsx: the sheet XML (every <c>, never the declared <dimension>) against the styles' number formats;
- .ods: content.xml, where a percent cell says office:value-type="percentage" (and the merged ranges, which
  calamine gives for .xlsx and .xls only);
- .xls: xlrd's cells and their formats (a binary file: no XML).

workbook_read compares the filled cells with what calamine read: a workbook whose filled cells were not
all read is refused, never half-loaded. The XML is parsed with expat with a DTD refused outright (no
entity can be declared, so none can be expanded or fetched), as defusedxml does.
"""

import functools
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from xml.parsers import expat

from . import config

ODS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
ODS_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
REL_ID = "http://schemas.openxmlformats.org/officeDocument/2006/relationships id"
# Excel's built-in number formats 9 (0%) and 10 (0.00%) are the percent ones.
BUILTIN_PERCENT_FORMATS = {9, 10}
CELL_REF = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")
LITERALS = re.compile(r'"[^"]*"|\\.|_.|\*.|\[[^\]]*\]')  # quoted text, escapes, spacing, [colour]/[$-804]


class ScanError(Exception):
    """The workbook's cells cannot be read safely; the message is Chinese, with the place where known."""

    def __init__(self, reason: str, sheet: str | None = None, row: int | None = None, column: int | None = None):
        super().__init__(reason)
        self.reason, self.sheet, self.row, self.column = reason, sheet, row, column


@dataclass
class SheetScan:
    name: str
    filled: dict[tuple[int, int], float | None] = field(default_factory=dict)  # 0-based (row, col) -> number or None
    percent: set[tuple[int, int]] = field(default_factory=set)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # error values (#DIV/0!), which calamine reads as empty
    formulas_without_value: list[tuple[int, int]] = field(default_factory=list)
    # .ods only: merged ranges ((r0, c0), (r1, c1)), which calamine does not give for .ods (an import reads its
    # headings by them)
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)

    def fill(self, row: int, col: int, number: float | None) -> None:
        self.within_bounds(row, col)
        if (row, col) in self.filled:
            raise ScanError("同一个单元格在文件中出现了两次，无法确定哪个是填写的值（工作簿结构异常）：请在 Excel、WPS 中打开并重新保存后再上传",
                            self.name, row + 1, col)
        self.filled[(row, col)] = number

    def within_bounds(self, row: int, col: int) -> None:
        if row >= config.MAX_SHEET_ROWS or col >= config.MAX_SHEET_COLUMNS:
            raise ScanError(
                f"工作表填写到了第{row + 1}行、第{col + 1}列，超出填报工作簿的范围（至多 {config.MAX_SHEET_ROWS} 行、"
                f"{config.MAX_SHEET_COLUMNS} 列）：请只保留模板中的表格", self.name, row + 1, col)


def is_percent_format(code: str) -> bool:
    """A % outside quotes, escapes and brackets scales the value by 100 (0.0% does, 0.0"%" and 0.0\\% do not)."""
    return "%" in LITERALS.sub("", code)


def scan(path: Path, suffix: str) -> dict[str, SheetScan]:
    if suffix == ".xlsx":
        return scan_xlsx(path)
    if suffix == ".ods":
        return scan_ods(path)
    return scan_xls(path)


# .xlsx


def _parser(namespaces: bool = False) -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator=" " if namespaces else None)

    def refuse(*_args):
        raise ScanError("工作簿的 XML 中含有文档类型或实体声明，可能是恶意构造的文件，已拒绝")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    return parser


def _parse(archive: zipfile.ZipFile, part: str, parser) -> None:
    with archive.open(part) as stream:
        parser.ParseFile(stream)


def _local(name: str) -> str:
    return name.rpartition(":")[2]


def scan_xlsx(path: Path) -> dict[str, SheetScan]:
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        sheets, parts = _xlsx_sheets(archive, names)
        percent_styles = _xlsx_percent_styles(archive, parts.get("styles", "xl/styles.xml"), names)
        shared = _xlsx_shared_strings_filled(archive, parts.get("sharedStrings", "xl/sharedStrings.xml"), names)
        if len(sheets) > config.MAX_SHEETS:
            raise ScanError(f"工作簿有 {len(sheets)} 个工作表，超出填报工作簿的范围（至多 {config.MAX_SHEETS} 个）")
        return {name: _xlsx_sheet(archive, name, part, percent_styles, shared) for name, part in sheets if part in names}


def _xlsx_sheets(archive: zipfile.ZipFile, names: set[str]) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """(sheet name, part path) in the workbook's order, and the parts of the styles and shared strings."""
    targets: dict[str, str] = {}
    kinds: dict[str, str] = {}  # 'styles' / 'sharedStrings' -> part
    sheets: list[tuple[str, str]] = []
    rels = "xl/_rels/workbook.xml.rels"
    if rels in names:
        parser = _parser()

        def relationship(name, attrs):
            if _local(name) == "Relationship" and "Id" in attrs and "Target" in attrs:
                targets[attrs["Id"]] = attrs["Target"]
                kind = attrs.get("Type", "").rpartition("/")[2]
                if kind in ("styles", "sharedStrings"):
                    kinds[kind] = _part(attrs["Target"])

        parser.StartElementHandler = relationship
        _parse(archive, rels, parser)
    parser = _parser(namespaces=True)

    def sheet(name, attrs):
        if name.rpartition(" ")[2] == "sheet" and "name" in attrs:
            sheets.append((attrs["name"], attrs.get(REL_ID, "")))

    parser.StartElementHandler = sheet
    _parse(archive, "xl/workbook.xml", parser)
    return [(name, _part(targets.get(rel, ""))) for name, rel in sheets], kinds


def _part(target: str) -> str:
    """A relationship's target (relative to xl/, or absolute) as the zip member's name."""
    return _normalise(target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target))


def _normalise(part: str) -> str:
    out: list[str] = []
    for piece in part.split("/"):
        if piece == "..":
            if out:
                out.pop()
        elif piece not in ("", "."):
            out.append(piece)
    return "/".join(out)


def _xlsx_percent_styles(archive: zipfile.ZipFile, part: str, names: set[str]) -> set[int]:
    """Indexes of the cell formats (cellXfs) whose number format shows a percent."""
    if part not in names:
        return set()
    formats: dict[int, str] = {}
    xfs: list[int] = []
    state = {"in_xfs": False}
    parser = _parser()

    def start(name, attrs):
        name = _local(name)
        if name == "numFmt" and "numFmtId" in attrs:
            formats[_int(attrs["numFmtId"])] = attrs.get("formatCode", "")
        elif name == "cellXfs":
            state["in_xfs"] = True
        elif name == "xf" and state["in_xfs"]:
            xfs.append(_int(attrs.get("numFmtId", "0")))

    def end(name):
        if _local(name) == "cellXfs":
            state["in_xfs"] = False

    parser.StartElementHandler, parser.EndElementHandler = start, end
    _parse(archive, part, parser)
    return {i for i, fmt in enumerate(xfs)
            if fmt in BUILTIN_PERCENT_FORMATS or (fmt in formats and is_percent_format(formats[fmt]))}


def _xlsx_shared_strings_filled(archive: zipfile.ZipFile, part: str, names: set[str]) -> list[bool]:
    """For each shared string, whether it has any text (an empty one reads as an empty cell)."""
    if part not in names:
        return []
    filled: list[bool] = []
    state = {"skip": 0, "in_t": False}
    parser = _parser()

    def start(name, attrs):
        name = _local(name)
        if name == "si":
            filled.append(False)
        elif name in ("rPh", "phoneticPr"):
            state["skip"] += 1  # phonetic guides are not the cell's text
        elif name == "t" and not state["skip"]:
            state["in_t"] = True

    def end(name):
        name = _local(name)
        if name in ("rPh", "phoneticPr"):
            state["skip"] -= 1
        elif name == "t":
            state["in_t"] = False

    def text(data):
        if state["in_t"] and data.strip() and filled:
            filled[-1] = True

    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
    _parse(archive, part, parser)
    return filled


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ScanError(f"工作簿的格式信息中有无效的编号“{text[:20]}”，文件可能已损坏") from None


@functools.lru_cache(maxsize=1 << 16)
def _cell_ref(ref: str) -> tuple[int, int]:
    """'E5' -> (4, 4), 0-based."""
    match = CELL_REF.fullmatch(ref)
    if not match:
        raise ScanError(f"工作簿中有无效的单元格位置“{ref[:20]}”，文件可能已损坏")
    col = 0
    for ch in match.group(1).upper():
        col = col * 26 + ord(ch) - 64
    return int(match.group(2)) - 1, col - 1


def _xlsx_sheet(archive, sheet_name: str, part: str, percent_styles: set[int], shared: list[bool]) -> SheetScan:
    """Every <c> of a sheet, in one expat pass (the handlers are kept small: a sheet has thousands of cells)."""
    reader = _XlsxSheetReader(sheet_name, percent_styles, shared)
    parser = _parser()
    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = reader.start, reader.end, reader.text
    try:
        _parse(archive, part, parser)
    except ScanError as exc:
        exc.sheet = exc.sheet or sheet_name
        raise
    return reader.out


class _XlsxSheetReader:
    """The handlers of one expat pass over a sheet's XML: each <c> with its position, type, style, value, formula
    and inline text, handed to _xlsx_cell when it closes."""

    def __init__(self, sheet_name: str, percent_styles: set[int], shared: list[bool]):
        self.out = SheetScan(sheet_name)
        self.percent_styles, self.shared = percent_styles, shared
        self.names: dict[str, str] = {}  # element names with the document's prefix, set from the root element
        self.row = self.col = -1
        self.cell = None  # [row, col, type, style, value text or None, has formula, has inline text]
        self.capture = None  # 'v' or 't' while inside one

    def start(self, name, attrs):
        if not self.names:
            self.names.update(_tag_names(name))
        tag = self.names.get(name)
        if tag == "c":
            self.row, self.col = _cell_position(attrs.get("r"), self.row, self.col, self.out.name)
            self.cell = [self.row, self.col, attrs.get("t", "n"), attrs.get("s"), None, False, False]
        elif tag == "row":
            self.row = _int(attrs["r"]) - 1 if "r" in attrs else self.row + 1
            self.col = -1
        elif self.cell is None:
            return
        elif tag == "v":
            self.capture = "v"
            self.cell[4] = ""
        elif tag == "t":
            self.capture = "t"
        elif tag == "f":
            self.cell[5] = True

    def text(self, data):
        if self.capture == "v":
            self.cell[4] += data
        elif self.capture == "t" and not self.cell[6] and data.strip():
            self.cell[6] = True

    def end(self, name):
        self.capture = None
        if self.cell is not None and self.names.get(name) == "c":
            _xlsx_cell(self.out, *self.cell, self.percent_styles, self.shared)
            self.cell = None


def _tag_names(root: str) -> dict[str, str]:
    """The element names of a sheet with the document's prefix (`c` or `x:c`), from its root element's name."""
    prefix = root[: -len("worksheet")] if root.endswith("worksheet") else ""
    return {prefix + k: k for k in ("c", "row", "v", "f", "t")}


def _cell_position(ref: str | None, row: int, col: int, sheet_name: str) -> tuple[int, int]:
    """A <c>'s (row, col): from its reference, else the next column of its row (a cell outside a row is refused)."""
    if ref:
        return _cell_ref(ref)
    if row >= 0:
        return row, col + 1
    raise ScanError("工作表中有不在任何行里的单元格，文件可能已损坏", sheet_name)


def _xlsx_cell(out: SheetScan, row, col, kind, style, value, formula, inline_text, percent_styles, shared) -> None:
    if formula and (value is None or (not value and kind != "str")):
        out.formulas_without_value.append((row, col))
        return
    if kind == "n":
        if value:
            _xlsx_number(out, row, col, value, style, percent_styles)
    elif kind == "s":
        if value:
            _xlsx_shared(out, row, col, value, shared)
    elif kind == "inlineStr":
        if inline_text:
            out.fill(row, col, None)
    elif kind == "e":
        if value:
            out.errors[(row, col)] = value
    elif value and value.strip():  # str, b, d
        out.fill(row, col, None)


def _xlsx_number(out: SheetScan, row: int, col: int, value: str, style: str | None, percent_styles: set[int]) -> None:
    try:
        number = float(value)
    except ValueError:
        raise ScanError(f"单元格中的数字“{value[:20]}”无效，文件可能已损坏或被改动", out.name, row + 1, col) from None
    out.fill(row, col, number)
    if style is not None and _int(style) in percent_styles:
        out.percent.add((row, col))


def _xlsx_shared(out: SheetScan, row: int, col: int, value: str, shared: list[bool]) -> None:
    index = _int(value)
    if not 0 <= index < len(shared):
        raise ScanError("单元格引用了不存在的共享文本，文件可能已损坏", out.name, row + 1, col)
    if shared[index]:
        out.fill(row, col, None)


# .ods


def scan_ods(path: Path) -> dict[str, SheetScan]:
    reader = _OdsReader()
    parser = _parser(namespaces=True)
    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = reader.start, reader.end, reader.text
    with zipfile.ZipFile(path) as archive:
        manifest = "META-INF/manifest.xml"
        if manifest in archive.namelist():
            with archive.open(manifest) as part:
                if b"encryption-data" in part.read(1 << 20):
                    raise ScanError("工作簿设置了打开密码（已加密），无法读取：请取消密码后重新保存再上传")
        try:
            _parse(archive, "content.xml", parser)
        except ScanError as exc:
            exc.sheet = exc.sheet or (reader.sheet.name if reader.sheet else None)
            raise
    return reader.sheets


class _OdsReader:
    """The handlers of one expat pass over an .ods content.xml: its sheets, rows and cells (with their repeats
    and spans) and whether a cell has text."""

    def __init__(self):
        self.sheets: dict[str, SheetScan] = {}
        self.sheet: SheetScan | None = None  # the table being read
        self.row, self.col, self.rows_repeat = -1, 0, 1
        self.cell: dict | None = None
        self.depth = 0  # tables inside a cell: not read (calamine does not read them either)
        self.annotation = 0  # inside a comment: its text is not the cell's
        self.pending: list[tuple[int, int, dict]] = []  # cells of the current row: (col, repeat, cell)

    def start(self, name, attrs):
        ns, _, local = name.rpartition(" ")
        if ns == ODS_TABLE and local == "table":
            self._open_table(attrs)
        elif self.sheet is None or self.depth:
            return
        elif ns == ODS_TABLE and local == "table-row":
            self.col, self.rows_repeat = 0, _repeat(attrs.get(f"{ODS_TABLE} number-rows-repeated"))
            self.pending.clear()
        elif ns == ODS_TABLE and local in ("table-cell", "covered-table-cell"):
            self._open_cell(local, attrs)
        elif ns == ODS_OFFICE and local == "annotation":
            self.annotation += 1

    def _open_table(self, attrs) -> None:
        if self.sheet is not None:
            self.depth += 1  # a table inside a cell
            return
        title = attrs.get(f"{ODS_TABLE} name", f"Sheet{len(self.sheets) + 1}")
        self.sheet, self.row = SheetScan(title), -1
        self.sheets[title] = self.sheet
        if len(self.sheets) > config.MAX_SHEETS:
            raise ScanError(f"工作簿的工作表超过 {config.MAX_SHEETS} 个，超出填报工作簿的范围")

    def _open_cell(self, local: str, attrs) -> None:
        spans = (_repeat(attrs.get(f"{ODS_TABLE} number-rows-spanned")),
                 _repeat(attrs.get(f"{ODS_TABLE} number-columns-spanned")))
        if local == "table-cell" and spans != (1, 1):
            r, c = self.row + 1, self.col
            self.sheet.merged.append(((r, c), (r + spans[0] - 1, c + spans[1] - 1)))
        self.cell = {
            "type": attrs.get(f"{ODS_OFFICE} value-type"),
            "value": attrs.get(f"{ODS_OFFICE} value"),
            "formula": f"{ODS_TABLE} formula" in attrs,
            "text": False,
            "repeat": _repeat(attrs.get(f"{ODS_TABLE} number-columns-repeated")),
        }

    def end(self, name):
        ns, _, local = name.rpartition(" ")
        if self.sheet is None:
            return
        if ns == ODS_TABLE and local == "table":
            if self.depth:
                self.depth -= 1
            else:
                self.sheet = None
        elif self.depth:
            return
        elif ns == ODS_OFFICE and local == "annotation":
            self.annotation -= 1
        elif ns == ODS_TABLE and local in ("table-cell", "covered-table-cell"):
            cell = self.cell
            if cell and (cell["type"] or cell["text"] or cell["formula"]):
                self.pending.append((self.col, cell["repeat"], cell))
            self.col += cell["repeat"] if cell else 1
            self.cell = None
        elif ns == ODS_TABLE and local == "table-row":
            first = self.row + 1
            self.row += self.rows_repeat
            for col, repeat, cell in self.pending:
                _ods_cells(self.sheet, first, self.rows_repeat, col, repeat, cell)

    def text(self, data):
        if self.cell is not None and not self.annotation and data.strip():
            self.cell["text"] = True


def _repeat(text: str | None) -> int:
    if text is None:
        return 1
    value = _int(text)
    if value < 1:
        raise ScanError(f"工作簿中有无效的重复次数“{text[:20]}”，文件可能已损坏")
    return value


def _ods_cells(sheet: SheetScan, first_row: int, rows: int, col: int, cols: int, cell: dict) -> None:
    kind, value = cell["type"], cell["value"]
    if cell["formula"] and value is None and not cell["text"]:
        sheet.formulas_without_value.append((first_row, col))
        return
    number = None
    if kind in ("float", "percentage", "currency") and value is not None:
        try:
            number = float(value)
        except ValueError:
            raise ScanError(f"单元格中的数字“{value[:20]}”无效，文件可能已损坏或被改动", sheet.name, first_row + 1, col) from None
    elif kind == "string" or kind is None:
        if not cell["text"]:
            return
    sheet.within_bounds(first_row + rows - 1, col + cols - 1)  # a block repeated far: refused before it is spread
    for r in range(first_row, first_row + rows):
        for c in range(col, col + cols):
            sheet.fill(r, c, number)
            if kind == "percentage":
                sheet.percent.add((r, c))


# .xls


def scan_xls(path: Path) -> dict[str, SheetScan]:
    import xlrd

    book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    try:
        if book.nsheets > config.MAX_SHEETS:
            raise ScanError(f"工作簿有 {book.nsheets} 个工作表，超出填报工作簿的范围（至多 {config.MAX_SHEETS} 个）")
        percent_xfs = {i for i, xf in enumerate(book.xf_list)
                       if xf.format_key in book.format_map and is_percent_format(book.format_map[xf.format_key].format_str)}
        sheets = {}
        for index in range(book.nsheets):
            ws = book.sheet_by_index(index)
            out = SheetScan(ws.name)
            for r in range(ws.nrows):
                for c, value in enumerate(ws.row_values(r)):
                    kind = ws.cell_type(r, c)
                    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK) or (kind == xlrd.XL_CELL_TEXT and not value.strip()):
                        continue
                    if kind == xlrd.XL_CELL_ERROR:
                        out.errors[(r, c)] = xlrd.error_text_from_code.get(value, "#错误")
                        continue
                    number = float(value) if kind in (xlrd.XL_CELL_NUMBER, xlrd.XL_CELL_DATE) else None
                    out.fill(r, c, number)
                    if kind == xlrd.XL_CELL_NUMBER and ws.cell_xf_index(r, c) in percent_xfs:
                        out.percent.add((r, c))
            sheets[ws.name] = out
            book.unload_sheet(index)
        return sheets
    finally:
        book.release_resources()
