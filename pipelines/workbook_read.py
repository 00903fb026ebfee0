"""Read a unit's filled workbook (.xlsx, .xls, .ods) as it was saved, refusing what is unsafe to open.

Only file-level checks and reading happen here; what the values mean is checked in workbook_check.
"""

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from . import config
from .grids import read_grids
from .problems import InputError, Problem
from .text import cell_text, squeeze

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")
ALLOWED_SUFFIXES = (".xlsx", ".xls", ".ods")
MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlsb")
LABEL_LINE = re.compile(rf"{config.GUIDE_UNIT_LABEL}[:：]\s*(?P<unit>\S+?)\s+{config.GUIDE_YEAR_LABEL}[:：]\s*(?P<year>\d{{4}})")


@dataclass
class Cell:
    value: object
    percent: bool = False  # the cell's number format shows a percent: Excel stored 95.3% as 0.953


@dataclass
class Book:
    file: str  # the name the sender gave it, for messages
    sheets: dict[str, list[list[Cell]]] = field(default_factory=dict)


def check_file(path: Path, file: str) -> list[Problem]:
    """Refuse before parsing: empty, too large, macro-enabled, encrypted, not a workbook, a zip bomb."""
    suffix = Path(file).suffix.lower()
    size = path.stat().st_size
    if size == 0:
        return [Problem(file, "文件为空（0 字节）")]
    if size > config.MAX_UPLOAD_BYTES:
        return [Problem(file, f"文件过大（{size / 1024 / 1024:.1f} MB），上限为 {config.MAX_UPLOAD_BYTES // 1024 // 1024} MB")]
    if suffix in MACRO_SUFFIXES:
        return [Problem(file, f"不接受含宏或二进制格式的工作簿（{suffix}）：请另存为 .xlsx 后上传")]
    if suffix not in ALLOWED_SUFFIXES:
        return [Problem(file, f"不是工作簿文件（{suffix or '无扩展名'}）：请上传 .xlsx、.xls 或 .ods 文件")]
    head = path.read_bytes()[:8]
    if head.startswith(OLE_MAGIC):
        if ENCRYPTED_MARK in path.read_bytes():
            return [Problem(file, "工作簿设置了打开密码（已加密），无法读取：请取消密码后重新保存再上传")]
        if suffix != ".xls":
            return [Problem(file, f"文件内容不是 {suffix} 格式（可能是改了扩展名的 .xls 文件）：请用 Excel 另存为 .xlsx")]
    elif head.startswith(ZIP_MAGIC):
        problem = _check_zip(path, file, suffix)
        if problem:
            return [problem]
    else:
        return [Problem(file, "文件内容不是工作簿（既不是 .xlsx/.ods 也不是 .xls）")]
    return []


def _check_zip(path: Path, file: str, suffix: str) -> Problem | None:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = {i.filename for i in infos}
    except zipfile.BadZipFile:
        return Problem(file, "文件已损坏或不是工作簿（无法解压）")
    unpacked = sum(i.file_size for i in infos)
    size = path.stat().st_size
    if unpacked > config.MAX_UNPACKED_BYTES or unpacked > config.MAX_UNPACKED_RATIO * max(size, 1):
        return Problem(file, f"工作簿解压后异常巨大（{unpacked / 1024 / 1024:.0f} MB，文件仅 {size / 1024:.0f} KB），疑似压缩炸弹，已拒绝")
    if "xl/vbaProject.bin" in names:
        return Problem(file, "工作簿含有宏（vbaProject），不予接受：请另存为不含宏的 .xlsx")
    # No workbook written by Excel, WPS or LibreOffice declares XML entities: a DOCTYPE is an attack
    # ("billion laughs", external entities). defusedxml would stop openpyxl; we refuse before parsing.
    with zipfile.ZipFile(path) as archive:
        for info in infos:
            if info.filename.endswith((".xml", ".rels")):
                with archive.open(info) as part:
                    head = part.read(4096)
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    return Problem(file, f"工作簿中含有 XML 实体声明（{info.filename}），可能是恶意构造的文件，已拒绝")
    if suffix == ".xlsx" and "xl/workbook.xml" not in names:
        return Problem(file, "文件不是有效的 .xlsx 工作簿（缺少 workbook.xml）")
    return None


def read_book(path: Path, file: str | None = None) -> Book:
    """The workbook's sheets as rows of cells; raises InputError for a file that cannot be read."""
    file = file or Path(path).name
    problems = check_file(path, file)
    if problems:
        raise InputError(problems)
    if Path(file).suffix.lower() == ".xlsx":
        return _read_xlsx(path, file)
    try:
        grids = read_grids(path, fill_merged=False)
    except ValueError as exc:
        raise InputError([Problem(file, str(exc))]) from exc
    return Book(file, {g.name: [[Cell(v) for v in row] for row in g.rows] for g in grids})


def _read_xlsx(path: Path, file: str) -> Book:
    """Values and percent formats in one streaming pass; formulas read by their cached value.

    openpyxl parses with defusedxml when it is installed, which guards against XML entity tricks.
    """
    import openpyxl

    try:
        formulas = _rows(openpyxl.load_workbook(path, read_only=True, data_only=False))
        cached = None
        if any(cell.value.startswith("=") for rows in formulas.values() for row in rows for cell in row
               if isinstance(cell.value, str)):
            cached = _rows(openpyxl.load_workbook(path, read_only=True, data_only=True))
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise InputError([Problem(file, f"无法作为工作簿读取：{type(exc).__name__}")]) from exc
    if cached is None:
        return Book(file, formulas)
    problems = []
    for sheet, rows in formulas.items():
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    value = cached[sheet][r][c]
                    if value.value is None:
                        problems.append(Problem(file, "单元格是公式且没有保存计算结果：请在 Excel 中打开、计算并保存，或改填数值",
                                                sheet, r + 1, openpyxl.utils.get_column_letter(c + 1)))
                    row[c] = value
    if problems:
        raise InputError(problems)
    return Book(file, formulas)


def _rows(workbook) -> dict[str, list[list[Cell]]]:
    sheets = {}
    try:
        for ws in workbook.worksheets:
            rows = []
            for row in ws.iter_rows():
                rows.append([
                    Cell(cell.value, percent=isinstance(cell.value, (int, float)) and _is_percent_format(getattr(cell, "number_format", "") or ""))
                    for cell in row
                ])
            sheets[ws.title] = rows
    finally:
        workbook.close()
    return sheets


def _is_percent_format(fmt: str) -> bool:
    """A % outside quotes scales the value by 100 (0.0% does, 0.0"%" does not)."""
    return "%" in re.sub(r'"[^"]*"', "", fmt)


@dataclass
class Table:
    sheet: str
    header_row: int  # 1-based
    columns: dict[str, int]  # column name -> 0-based index
    rows: list[tuple[int, dict[str, Cell]]]  # (1-based sheet row, cells by column name)

    def letter(self, name: str) -> str:
        from openpyxl.utils import get_column_letter

        return get_column_letter(self.columns[name] + 1)

    def problem(self, file: str, row: int, column: str, reason: str, severity: str = "error") -> Problem:
        """A problem at a row and column of this table (the column named by its letter and header word)."""
        return Problem(file, reason, self.sheet, row, column, severity=severity, letter=self.letter(column))


def find_table(book: Book, sheet: str, wanted: tuple[str, ...]) -> tuple[Table | None, list[Problem]]:
    """The table of a sheet under its header row (found by the column names in the first rows)."""
    if sheet not in book.sheets:
        names = "、".join(f"“{n}”" for n in book.sheets) or "无"
        return None, [Problem(book.file, f"缺少工作表“{sheet}”（现有工作表：{names}）：请使用平台下载的模板填报")]
    rows = book.sheets[sheet]
    best = None
    for r, row in enumerate(rows[:12]):
        found = {}
        for c, cell in enumerate(row):
            text = squeeze(cell.value)
            if text in wanted and text not in found:
                found[text] = c
        if best is None or len(found) > len(best[1]):
            best = (r, found)
    if not best or not best[1]:
        return None, [Problem(book.file, f"找不到表头（应有 {'、'.join(wanted)} 列）", sheet)]
    r, found = best
    missing = [w for w in wanted if w not in found]
    if missing:
        return None, [Problem(book.file, f"表头中缺少“{m}”列（请使用平台下载的模板，不要改动表头）", sheet, r + 1) for m in missing]
    body = []
    for i in range(r + 1, len(rows)):
        cells = {name: rows[i][c] if c < len(rows[i]) else Cell(None) for name, c in found.items()}
        if all(cell_text(cell.value) == "" for cell in cells.values()):
            continue
        body.append((i + 1, cells))
    return Table(sheet, r + 1, found, body), []


def unit_and_year(book: Book) -> tuple[str | None, int | None]:
    """The unit and year the workbook is for, from 填报说明's labels or the line above a table."""
    unit = year = None
    guide = book.sheets.get(config.SHEET_GUIDE, [])
    for row in guide[:20]:
        texts = [cell_text(c.value) for c in row]
        for i, text in enumerate(texts[:-1]):
            if squeeze(text) == config.GUIDE_UNIT_LABEL and texts[i + 1]:
                unit = texts[i + 1]
            if squeeze(text) == config.GUIDE_YEAR_LABEL and texts[i + 1]:
                year = _year(texts[i + 1])
    if unit and year:
        return unit, year
    for name in (config.SHEET_VALUES, config.SHEET_PROGRESS):
        for row in book.sheets.get(name, [])[:3]:
            for cell in row:
                match = LABEL_LINE.search(cell_text(cell.value).replace("\u3000", " "))
                if match:
                    return unit or match.group("unit"), year or int(match.group("year"))
    return unit, year


def _year(text: str) -> int | None:
    match = re.search(r"\d{4}", text)
    return int(match.group()) if match else None
