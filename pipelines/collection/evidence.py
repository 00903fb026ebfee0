"""佐证材料 (evidence): files attached to a task-progress report of a loaded workbook.

PDF, JPG, PNG and DOCX only, at most config.MAX_EVIDENCE_BYTES, the type told by the content (its magic
bytes and structure), never by the name: a renamed .exe, a PDF that is not one, an image that does not
decode, a .docx that is not a Word document are refused with a Chinese sentence naming the file. What is
kept must be inert, each kind read by its own module: a PDF by a real PDF library, every object walked for
scripts, links, actions and embedded files, nothing after its end (evidence_pdf); a photo walked to its
own end, nothing after it, no archive inside (evidence_image); a Word document's relationships, parts,
content types and fields (evidence_docx). An accepted file is archived with its sha256 beside its workbook
(submissions/<year>/<unit>/佐证材料/), logged (`build` replays it) and recorded in the warehouse's
`evidence` table. Only the unit whose workbook reported the task (or 管理) may attach, and only to a
workbook that is not withdrawn or returned; evidence of a workbook returned or withdrawn later is shown
as such.
"""

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import duckdb

from .. import audit, config
from ..accounts import Account
from ..archive import archive_evidence, safe_file_name, sha256_of
from ..problems import InputError, Problem
from ..recovery import catch_up
from ..warehouse import connect, transaction
from ..workbook_read import OLE_MAGIC, ZIP_MAGIC
from ..writer_lock import say_on_stderr, writer_lock
from .evidence_docx import check_docx
from .evidence_image import check_image
from .evidence_pdf import check_pdf

MAGIC = {"pdf": b"%PDF-", "png": b"\x89PNG\r\n\x1a\n", "jpg": b"\xff\xd8\xff", "docx": ZIP_MAGIC}
# Content that is none of the accepted kinds, said by name (a renamed program is the case to catch).
FOREIGN = ((b"MZ", "Windows 可执行程序（.exe/.dll）"), (b"\x7fELF", "Linux 可执行程序"),
           (b"\xca\xfe\xba\xbe", "可执行程序"), (b"\xcf\xfa\xed\xfe", "可执行程序"), (b"#!", "脚本程序"),
           (OLE_MAGIC, "旧版 Office 文件（.doc/.xls）"), (b"Rar!", "RAR 压缩包"), (b"7z\xbc\xaf\x27\x1c", "7z 压缩包"),
           (b"GIF8", "GIF 图片"), (b"<", "网页或 XML 文本"))
ACCEPTED = "、".join(config.EVIDENCE_KIND_LABELS.values())


def kind_of_name(file: str) -> str | None:
    suffix = Path(file).suffix.lower()
    return next((k for k, suffixes in config.EVIDENCE_KINDS.items() if suffix in suffixes), None)


def kind_of_content(data: bytes) -> str | None:
    return next((k for k, magic in MAGIC.items() if data.startswith(magic)), None)


def check_evidence(path: Path, file: str) -> tuple[str | None, list[Problem]]:
    """The file's kind ('pdf', 'jpg', 'png', 'docx') and the problems that refuse it (none: accepted)."""
    size = Path(path).stat().st_size
    if size > config.MAX_EVIDENCE_BYTES:
        return None, [Problem(file, f"文件过大（{size / 1e6:.1f} MB），佐证材料上限为 {config.MAX_UPLOAD_MB} MB"
                                    f"（{config.MAX_EVIDENCE_BYTES:,} 字节）：请压缩或分成几个文件")]
    if size == 0:
        return None, [Problem(file, "文件为空（0 字节）")]
    named = kind_of_name(file)
    if named is None:
        suffix = Path(file).suffix.lower() or "无扩展名"
        return None, [Problem(file, f"不接受这种文件（{suffix}）：佐证材料只能是 {ACCEPTED}")]
    data = Path(path).read_bytes()
    found = kind_of_content(data)
    expected = config.EVIDENCE_KIND_LABELS[named]
    if found is None:
        what = next((name for magic, name in FOREIGN if data.startswith(magic)), None)
        reason = (f"文件内容是{what}，不是{expected}：不予接受" if what else
                  f"文件内容不是{expected}（文件头不符，可能是改了扩展名的其他文件）：不予接受")
        return None, [Problem(file, reason)]
    if found != named:
        if STRUCTURE[found](data, size):  # not a good file of the other kind either (any zip starts as a .docx)
            return None, [Problem(file, f"文件内容不是{expected}（文件头不符，可能是改了扩展名的其他文件）：不予接受")]
        return None, [Problem(file, f"文件扩展名是{Path(file).suffix.lower()}，内容却是{config.EVIDENCE_KIND_LABELS[found]}："
                                    "请改回正确的扩展名后再上传")]
    reason = STRUCTURE[found](data, size)
    return found, [Problem(file, reason)] if reason else []


# Each kind's own reading (evidence_pdf, evidence_image, evidence_docx): None for an inert file, else why not.
STRUCTURE = {"pdf": check_pdf, "jpg": lambda data, size: check_image("JPEG", data),
             "png": lambda data, size: check_image("PNG", data), "docx": check_docx}


def attach(raw_dir: Path, db_path: Path, submission_id: int, task_no: int, path: Path, file_name: str,
           actor: Account, source: str = "网页", say: Callable[[str], None] | None = None) -> str:
    """Check, archive and record one 佐证材料 file for a task reported in a workbook; a sentence saying so.

    Raises InputError (Chinese, naming the file) when it is refused; a refusal is written to the audit trail.
    """
    file_name = safe_file_name(file_name)
    kind, problems = check_evidence(path, file_name)
    with writer_lock(db_path, raw_dir, purpose=f"附佐证材料“{file_name}”", say=say), connect(db_path) as con:
        for line in catch_up(con, raw_dir):
            (say or say_on_stderr)(f"恢复：{line}")
        if not problems:
            problems = _refusals(con, submission_id, task_no, file_name, actor)
        data = b"" if problems and kind is None else Path(path).read_bytes()
        sha = sha256_of(data) if data else None
        if problems:
            audit.record(raw_dir, None, "refusal", actor.name, "佐证材料：" + "；".join(p.reason for p in problems),
                         file_name=file_name, sha256=sha, submission_id=submission_id, source=source, con=con)
            raise InputError(problems)
        workbook = con.execute("select unit, year, is_demo, sha256 from submissions where submission_id = ?",
                               [submission_id]).df().iloc[0].to_dict()
        if con.execute("select count(*) from evidence where submission_id = ? and task_no = ? and sha256 = ?",
                       [submission_id, task_no, sha]).fetchall()[0][0]:
            return f"“{file_name}”此前已附在任务{task_no}的这次填报上，未重复保存"
        event = archive_evidence(raw_dir, data, file_name, workbook, task_no, kind, actor.name,
                                 datetime.now().replace(microsecond=0))
        with transaction(con):
            record_logged(con, [(submission_id, event)])
            audit.record(raw_dir, None, "evidence", actor.name,
                         f"已附佐证材料：任务{task_no}，{config.EVIDENCE_KIND_LABELS[kind]}，{len(data) / 1024:.0f} KB",
                         file_name=file_name, sha256=sha, submission_id=submission_id, source=source, con=con)
    return f"已保存佐证材料“{file_name}”（任务{task_no}，{config.EVIDENCE_KIND_LABELS[kind]}）"


def _refusals(con: duckdb.DuckDBPyConnection, submission_id: int, task_no: int, file: str,
              actor: Account) -> list[Problem]:
    row = con.execute("select unit, year, withdrawn, review_status, is_demo from submissions where submission_id = ?",
                      [submission_id]).fetchall()
    if not row:
        return [Problem(file, f"填报编号 {submission_id} 不存在")]
    unit, year, withdrawn, status, is_demo = row[0]
    if is_demo:
        return [Problem(file, f"填报 #{submission_id} 是示例数据，佐证材料只能附在本单位真实填报的任务进展上")]
    if not actor.may_report_for(unit):
        return [Problem(file, f"任务{task_no}的这次进展由{unit}填报，账号{actor.label()}不能为其附佐证材料"
                              "（只有填报该任务的单位或管理账号可以）")]
    if withdrawn:
        return [Problem(file, f"填报 #{submission_id} 已撤回，不能再附佐证材料")]
    if status == "returned":
        return [Problem(file, f"填报 #{submission_id} 已被退回：请修改后重新上传工作簿，再为新的填报附佐证材料")]
    reported = con.execute("select count(*) from task_progress where submission_id = ? and task_no = ?",
                           [submission_id, task_no]).fetchall()[0][0]
    if not reported:
        return [Problem(file, f"{unit} {year}年度的这个工作簿没有填报任务{task_no}的进展，佐证材料只能附在填报过的任务进展上")]
    return []


def record_logged(con: duckdb.DuckDBPyConnection, attached: list[tuple[int, dict]]) -> int:
    """The logged 佐证材料 (submission id, event) the warehouse lacks, inserted; how many."""
    have = set(con.execute("select submission_id, task_no, sha256 from evidence").fetchall())
    added = 0
    for submission_id, e in attached:
        key = (submission_id, int(e["task_no"]), e["sha256"])
        if key in have:
            continue
        have.add(key)
        con.execute("insert into evidence values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [submission_id, int(e["task_no"]), e["file_name"], e["path"], e["sha256"], e["kind"], int(e["size"]),
                     datetime.fromisoformat(e["at"]), e.get("by")])
        added += 1
    return added
