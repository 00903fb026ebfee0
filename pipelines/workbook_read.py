"""Read a unit's filled workbook (.xlsx, .xls, .ods) as it was saved, refusing what is unsafe to open.

Only file-level checks and reading happen here; what the values mean is checked in workbook_check.
python-calamine reads the values; sheet_scan reads, in one streaming pass, what calamine does not
give (which cells are filled, which show a percent, formulas without a saved result); the two must
agree cell for cell, so that nothing filled in is silently left out. Every refusal is a Problem in
Chinese naming the file (and the sheet, row and column where there is one), never an exception's name.
"""

import math
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.utils import get_column_letter

from . import config
from .grids import Grid, read_grids
from .problems import InputError, Problem
from .sheet_scan import ScanError, SheetScan, scan
from .text import cell_text, squeeze

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")
ALLOWED_SUFFIXES = (".xlsx", ".xls", ".ods")
MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlsb")
LABEL_LINE = re.compile(rf"{config.GUIDE_UNIT_LABEL}[:：]\s*(?P<unit>\S+?)\s+{config.GUIDE_YEAR_LABEL}[:：]\s*(?P<year>\d{{4}})")
DAMAGED = "文件已损坏或不是完整的工作簿，无法读取（可能下载或复制时中断）：请在 Excel、WPS 中打开并重新保存后再上传"


@dataclass
class Cell:
    value: object
    percent: bool = False  # the cell's number format shows a percent: Excel stored 95.3% as 0.953


@dataclass
class Book:
    file: str  # the name the sender gave it, for messages
    sheets: dict[str, list[list[Cell]]] = field(default_factory=dict)


def too_large(path: Path, file: str) -> Problem | None:
    """The size limit, from the file system alone: nothing of a large file is read."""
    size = Path(path).stat().st_size
    if size > config.MAX_UPLOAD_BYTES:
        return Problem(file, f"文件过大（{size / 1e6:.1f} MB），上限为 {config.MAX_UPLOAD_MB} MB（{config.MAX_UPLOAD_BYTES:,} 字节）")
    return None


def check_file(path: Path, file: str) -> list[Problem]:
    """Refuse before parsing: too large, empty, macro-enabled, encrypted, not a workbook, a zip bomb."""
    suffix = Path(file).suffix.lower()
    large = too_large(path, file)
    if large:
        return [large]
    if path.stat().st_size == 0:
        return [Problem(file, "文件为空（0 字节）")]
    if suffix in MACRO_SUFFIXES:
        return [Problem(file, f"不接受含宏或二进制格式的工作簿（{suffix}）：请另存为 .xlsx 后上传")]
    if suffix not in ALLOWED_SUFFIXES:
        return [Problem(file, f"不是工作簿文件（{suffix or '无扩展名'}）：请上传 .xlsx、.xls 或 .ods 文件")]
    with open(path, "rb") as stream:
        head = stream.read(8)
    if head.startswith(OLE_MAGIC):
        if ENCRYPTED_MARK in path.read_bytes():
            return [Problem(file, "工作簿设置了打开密码（已加密），无法读取：请取消密码后重新保存再上传")]
        if suffix != ".xls":
            return [Problem(file, f"文件内容不是 {suffix} 格式（可能是改了扩展名的 .xls 文件）：请用 Excel 另存为 .xlsx")]
    elif head.startswith(ZIP_MAGIC):
        try:
            problem = _check_zip(path, file, suffix)
        except DAMAGED_ZIP_ERRORS:
            problem = Problem(file, DAMAGED)
        if problem:
            return [problem]
    else:
        return [Problem(file, "文件内容不是工作簿（既不是 .xlsx/.ods 也不是 .xls）")]
    return []


def _check_zip(path: Path, file: str, suffix: str) -> Problem | None:
    with zipfile.ZipFile(path) as archive:
        names = {i.filename for i in archive.infolist()}
        size = path.stat().st_size
        if unpacked := bomb_size(archive, size):
            return Problem(file, f"工作簿解压后异常巨大（{unpacked / 1024 / 1024:.0f} MB，文件仅 {size / 1024:.0f} KB），疑似压缩炸弹，已拒绝")
        if "xl/vbaProject.bin" in names:
            return Problem(file, "工作簿含有宏（vbaProject），不予接受：请另存为不含宏的 .xlsx")
        if suffix == ".xlsx" and "xl/workbook.xml" not in names:
            if "content.xml" in names:
                return Problem(file, "文件内容不是 .xlsx 格式（可能是改了扩展名的 .ods 文件）：请另存为 .xlsx 或改回 .ods")
            return Problem(file, "文件不是有效的 .xlsx 工作簿（缺少 workbook.xml）")
        if suffix == ".ods" and "content.xml" not in names:
            if "xl/workbook.xml" in names:
                return Problem(file, "文件内容不是 .ods 格式（可能是改了扩展名的 .xlsx 文件）：请改回 .xlsx 后上传")
            return Problem(file, "文件不是有效的 .ods 工作簿（缺少 content.xml）")
        if suffix == ".xls":
            return Problem(file, "文件内容不是 .xls 格式（可能是改了扩展名的 .xlsx 或 .ods 文件）：请改回原来的扩展名")
        if part := entity_part(archive):
            return Problem(file, f"工作簿中含有 XML 实体声明（{part}），可能是恶意构造的文件，已拒绝")
    return None


# What the zipfile module raises for a damaged, truncated or odd archive (bad CRC, bad deflate data, an
# unsupported compression, an encrypted member …): one refusal for them all.
DAMAGED_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, RuntimeError)


def bomb_size(archive: zipfile.ZipFile, size: int) -> int | None:
    """The unpacked size of a zip (an Office file) when it is far beyond the file's own (a zip bomb), else None."""
    unpacked = sum(i.file_size for i in archive.infolist())
    if unpacked > config.MAX_UNPACKED_BYTES or unpacked > config.MAX_UNPACKED_RATIO * max(size, 1):
        return unpacked
    return None


def entity_part(archive: zipfile.ZipFile) -> str | None:
    """The first part of a zip that declares XML entities, else None.

    No file written by Excel, WPS, Word or LibreOffice declares XML entities: a DOCTYPE is an attack
    ("billion laughs", external entities). Every XML part is read whole (a DOCTYPE may follow a long
    comment) and every CRC checked, so a damaged part is found here and not half-way through reading.
    """
    for info in archive.infolist():
        if _declares_entities(archive, info):
            return info.filename
    return None


def _declares_entities(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Read a part to its end in chunks (which checks its CRC); True if it is XML with a DOCTYPE or ENTITY."""
    xml = info.filename.endswith((".xml", ".rels"))
    tail = b""
    with archive.open(info) as part:
        while chunk := part.read(1 << 20):
            if xml and (b"<!DOCTYPE" in tail + chunk or b"<!ENTITY" in tail + chunk):
                return True
            tail = chunk[-16:]
    return False


def read_book(path: Path, file: str | None = None) -> Book:
    """The workbook's sheets as rows of cells; raises InputError (Chinese, located) for a file that cannot be read."""
    file = file or Path(path).name
    problems = check_file(path, file)
    if problems:
        raise InputError(problems)
    try:
        scans = scan(path, Path(file).suffix.lower())
        grids = read_grids(path, fill_merged=False)
    except ScanError as exc:
        raise InputError([Problem(file, exc.reason, exc.sheet, exc.row, letter=_letter(exc.column))]) from exc
    except InputError:
        raise
    except Exception as exc:  # zlib, zip, XML and calamine errors for a damaged file: one sentence for them all
        raise InputError([Problem(file, DAMAGED)]) from exc
    return _book(file, grids, scans)


def _letter(column: int | None) -> str | None:
    return get_column_letter(column + 1) if column is not None else None


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _disagreements(file: str, grid: Grid, found: SheetScan) -> list[Problem]:
    """Where calamine's values and the scan of the sheet's XML do not agree cell for cell (and formulas without
    a saved result): a workbook read two ways must read the same, or it is refused, never half-loaded."""
    problems = []

    def problem(r, c, reason):
        problems.append(Problem(file, reason, grid.name, r + 1, letter=get_column_letter(c + 1)))

    for r, c in found.formulas_without_value:
        problem(r, c, "单元格是公式且没有保存计算结果：请在 Excel 中打开、计算并保存，或改填数值")
    for (r, c), number in found.filled.items():
        value = grid.cell(r, c)
        if _empty(value):
            problem(r, c, "单元格有内容，但未能读出（工作簿结构异常）：请在 Excel、WPS 中打开并重新保存后再上传")
        elif number is not None and isinstance(value, (int, float)) and not isinstance(value, bool) \
                and not (value == number or (math.isnan(value) and math.isnan(number))):
            problem(r, c, "单元格的数值读取不一致（工作簿结构异常）：请在 Excel、WPS 中打开并重新保存后再上传")
    for r, row in enumerate(grid.rows):
        for c, value in enumerate(row):
            if not _empty(value) and (r, c) not in found.filled:
                problem(r, c, "单元格的内容来源不明（工作簿结构异常）：请在 Excel、WPS 中打开并重新保存后再上传")
    return problems


def _book(file: str, grids: list[Grid], scans: dict[str, SheetScan]) -> Book:
    """calamine's values with the scan's percent flags and error values; refused where the two disagree."""
    book = Book(file)
    problems = []
    for grid in grids:
        found = scans.get(grid.name) or SheetScan(grid.name)
        problems += _disagreements(file, grid, found)
        rows = [[Cell(v, (r, c) in found.percent) for c, v in enumerate(row)] for r, row in enumerate(grid.rows)]
        for (r, c), text in found.errors.items():
            while len(rows) <= r:
                rows.append([])
            rows[r].extend(Cell(None) for _ in range(c + 1 - len(rows[r])))
            rows[r][c] = Cell(text)
        book.sheets[grid.name] = rows
    if problems:
        raise InputError(problems[:50])
    return book


@dataclass
class Table:
    sheet: str
    header_row: int  # 1-based
    columns: dict[str, int]  # column name -> 0-based index
    rows: list[tuple[int, dict[str, Cell]]]  # (1-based sheet row, cells by column name)

    def letter(self, name: str) -> str:
        from openpyxl.utils import get_column_letter

        return get_column_letter(self.columns[name] + 1)

    def problem(self, file: str, row: int, column: str, reason: str, severity: str = "error",
                subject: str | None = None, kind: str | None = None) -> Problem:
        """A problem at a row and column of this table (the column named by its letter and header word), and
        what the row is about (an indicator's name, a task), so that the sender need not look the row up."""
        return Problem(file, reason, self.sheet, row, column, severity=severity, letter=self.letter(column),
                       subject=subject, kind=kind)


def find_table(book: Book, sheet: str, wanted: tuple[str, ...],
               optional: tuple[str, ...] = ()) -> tuple[Table | None, list[Problem]]:
    """The table of a sheet under its header row (found by the column names in the first rows).

    optional: columns that an older workbook may lack (each row's cells have them, empty when absent)."""
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
    for c, cell in enumerate(rows[r]):
        text = squeeze(cell.value)
        if text in optional and text not in found:
            found[text] = c
    body = []
    for i in range(r + 1, len(rows)):
        cells = {name: rows[i][c] if c < len(rows[i]) else Cell(None) for name, c in found.items()}
        if all(cell_text(cell.value) == "" for cell in cells.values()):
            continue
        body.append((i + 1, {**{name: Cell(None) for name in optional}, **cells}))
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
