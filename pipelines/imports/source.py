"""The files a unit sends as they are: workbooks, a folder of them, or a .zip of per-school forms.

Each workbook is read by the same reader as an uploaded workbook (workbook_read.read_book: unsafe files
refused, formulas by their saved value, every filled cell read), and its merged cells are filled from their
top-left cell for reading headings. A zip is opened in memory: its members are never written under their
own names, so a name such as ../x cannot leave the folder; a zip bomb, a nested zip or a member that is not a
workbook is refused with the member named.
"""

import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine

from .. import config
from ..archive import sha256_of
from ..problems import InputError, Problem
from ..sheet_scan import scan_ods
from ..workbook_read import DAMAGED, DAMAGED_ZIP_ERRORS, Cell, bomb_size, read_book
from . import settings as s


@dataclass
class Sheet:
    name: str
    cells: list[list[Cell]]  # as read, merged cells empty but their top-left
    merged: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)  # (r, c) -> its merge's top-left

    def value(self, r: int, c: int):
        row = self.cells[r] if r < len(self.cells) else []
        return row[c].value if c < len(row) else None

    def shown(self, r: int, c: int):
        """The value a person sees at (r, c): a merged cell shows its top-left's value."""
        top = self.merged.get((r, c))
        return self.value(*top) if top else self.value(r, c)

    @property
    def height(self) -> int:
        return len(self.cells)

    @property
    def width(self) -> int:
        return max((len(row) for row in self.cells), default=0)


@dataclass
class Workbook:
    name: str  # as the sender named it (a zip member: "forms.zip/基层报表/x.xlsx")
    sha256: str
    sheets: list[Sheet]


@dataclass
class Sent:
    """A file as the person sent it (a workbook, or a zip), archived byte for byte."""

    name: str
    data: bytes


@dataclass
class Received:
    sent: list[Sent]
    workbooks: list[Workbook]
    warnings: list[Problem] = field(default_factory=list)  # what was passed over (a 说明.txt in a zip)


def receive(files: list[tuple[str, Path]]) -> Received:
    """Read what was sent: (name, path) of workbooks and zips; a folder's workbooks on the command line."""
    sent, workbooks, problems = [], [], []
    for name, path in files:
        if Path(path).is_dir():
            members = sorted(p for p in Path(path).rglob("*") if p.is_file() and not s.JUNK_NAMES.search(p.name))
            for member in members:
                shown = f"{Path(name).name}/{member.relative_to(path).as_posix()}"
                if member.suffix.lower() in s.DOCUMENT_SUFFIXES:
                    problems.append(Problem(shown, f"不是工作簿（{member.suffix.lower()}），已跳过，未读取其内容", severity="warning"))
                    continue
                _add(shown, member, sent, workbooks, problems)
            if not members:
                problems.append(Problem(name, "文件夹中没有工作簿（.xlsx、.xls、.ods）"))
            continue
        _add(name, Path(path), sent, workbooks, problems)
    if len(workbooks) > s.MAX_FILES:
        problems.append(Problem(files[0][0], f"一次最多导入 {s.MAX_FILES} 个工作簿（收到 {len(workbooks)} 个）"))
    if not workbooks and files and not [p for p in problems if p.severity == "error"]:
        problems.append(Problem(files[0][0], "没有可读取的工作簿（.xlsx、.xls、.ods）"))
    if [p for p in problems if p.severity == "error"]:
        raise InputError(problems)
    return Received(sent, workbooks, problems)


def _add(name: str, path: Path, sent: list, workbooks: list, problems: list) -> None:
    suffix = Path(name).suffix.lower()
    if path.stat().st_size > config.MAX_UPLOAD_BYTES:
        problems.append(Problem(name, f"文件过大（{path.stat().st_size / 1e6:.1f} MB），上限为 "
                                      f"{config.MAX_UPLOAD_MB} MB"))
        return
    data = path.read_bytes()
    if suffix == s.ZIP_SUFFIX:
        sent.append(Sent(name, data))
        try:
            workbooks += _unzip(name, path, problems)
        except DAMAGED_ZIP_ERRORS:
            problems.append(Problem(name, "压缩包已损坏或不完整，无法打开：请重新压缩后上传"))
        return
    if suffix not in s.WORKBOOK_SUFFIXES:
        problems.append(Problem(name, f"不是工作簿或压缩包（{suffix or '无扩展名'}）：请上传 .xlsx、.xls、.ods 或 .zip 文件"))
        return
    sent.append(Sent(name, data))
    try:
        workbooks.append(read_workbook(path, name))
    except InputError as exc:
        problems += exc.problems


def _member_name(info: zipfile.ZipInfo) -> str:
    """A member's name as its maker wrote it: Windows' zip writes Chinese names in GBK without saying so."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _unzip(name: str, path: Path, problems: list) -> list[Workbook]:
    """The workbooks of a zip, each read from a private temporary file (never under the member's own name)."""
    workbooks = []
    with zipfile.ZipFile(path) as archive, tempfile.TemporaryDirectory(prefix="import_") as tmp:
        if bomb_size(archive, path.stat().st_size):
            problems.append(Problem(name, "压缩包解压后异常巨大，疑似压缩炸弹，已拒绝"))
            return []
        unsafe = [i for i in archive.infolist() if _unsafe(_member_name(i))]
        for info in unsafe:  # said before the junk filter (../x starts with a dot): never passed over in silence
            problems.append(Problem(f"{name}/{_member_name(info)}", "压缩包中的这个文件路径指向压缩包以外（含“..”或以“/”开头），"
                                                                   "已拒绝：请把文件直接放在压缩包内的文件夹中重新压缩"))
        members = [i for i in archive.infolist() if not i.is_dir() and i not in unsafe
                   and not s.JUNK_NAMES.search(_member_name(i))]
        for number, info in enumerate(members):
            member = f"{name}/{_member_name(info)}"
            suffix = Path(_member_name(info)).suffix.lower()
            if suffix in s.DOCUMENT_SUFFIXES:  # a note sent with the forms (说明.txt): passed over, and said
                problems.append(Problem(member, f"不是工作簿（{suffix}），已跳过，未读取其内容", severity="warning"))
                continue
            if suffix not in s.WORKBOOK_SUFFIXES:
                problems.append(Problem(member, f"压缩包中的文件不是工作簿（{suffix or '无扩展名'}）：压缩包中只应有 .xlsx、.xls、"
                                                ".ods 文件"))
                continue
            if info.file_size > s.MAX_ZIP_MEMBER_BYTES:
                problems.append(Problem(member, "文件过大（解压后超过 5 MB）"))
                continue
            local = Path(tmp) / f"{number}{suffix}"
            local.write_bytes(archive.read(info))
            try:
                workbooks.append(read_workbook(local, member))
            except InputError as exc:
                problems += exc.problems
    if not workbooks and not [p for p in problems if p.severity == "error"]:
        problems.append(Problem(name, "压缩包中没有工作簿（.xlsx、.xls、.ods）"))
    return workbooks


def _unsafe(member: str) -> bool:
    """A member named outside the zip's own folder: ../x, /x, C:\\x."""
    parts = member.replace("\\", "/").split("/")
    return member.startswith(("/", "\\")) or ".." in parts or (len(member) > 1 and member[1] == ":")


def read_workbook(path: Path, name: str) -> Workbook:
    """A workbook read safely, with its merged ranges (InputError, in Chinese, when it cannot be read)."""
    book = read_book(path, name)
    merged = _merged_ranges(path, name)
    sheets = []
    for sheet_name, rows in book.sheets.items():
        cover = {}
        for (r0, c0), (r1, c1) in merged.get(sheet_name, []):
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    if (r, c) != (r0, c0):
                        cover[r, c] = (r0, c0)
        sheets.append(Sheet(sheet_name, rows, cover))
    return Workbook(name, sha256_of(path.read_bytes()), sheets)


def _merged_ranges(path: Path, name: str) -> dict[str, list]:
    """Each sheet's merged ranges: calamine's for .xlsx and .xls; content.xml's spans for .ods (calamine gives none)."""
    try:
        if Path(name).suffix.lower() == ".ods" or Path(path).suffix.lower() == ".ods":
            return {n: scan.merged for n, scan in scan_ods(path).items()}
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        return {n: list(book.get_sheet_by_name(n).merged_cell_ranges or []) for n in book.sheet_names}
    except Exception as exc:  # read_book has read it: a failure here is a damaged file all the same
        raise InputError([Problem(name, DAMAGED)]) from exc
