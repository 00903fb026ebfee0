"""What a person does with the quarantine (pipelines/records/quarantine.py): look, admit, discard, repair a damaged log.

    quarantine list
    quarantine admit FILE [--as ACCOUNT]               checked again exactly as an upload; archived, logged, 待审核
    quarantine discard FILE --as ACCOUNT [--reason …]  deleted on purpose, by a 管理 account, in the audit trail
    quarantine repair-log [--as ACCOUNT]               damaged log lines set aside into the quarantine, rebuilt

Nothing here deletes a file the operator did not name: admitting takes the file out of the quarantine only
once its bytes are archived and logged again; a damaged log line is kept in the quarantine as it was.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..core import config, jsonlog
from ..core.files import ARCHIVED_NAME, sha256_of_file
from ..core.problems import InputError
from ..records import audit, quarantine
from ..records.accounts import Account
from ..records.archive import ORIGIN_DIR, log_path, malformed, read_log
from ..records.quarantine import KIND_LOG_LINE, Item, QuarantineError
from ..warehouse import buildinfo
from .locking import writer_lock


@dataclass
class Admitted:
    item: Item
    result: object  # workbooks.results.IngestResult


def describe(raw_dir: Path, listed: list[Item] | None = None) -> list[str]:
    """A line or two per item: where it was, when and why it was set aside, and whether its bytes are loaded."""
    listed = quarantine.items(raw_dir) if listed is None else listed
    logged = _logged(raw_dir)
    lines = []
    for item in listed:
        note = item.note
        when = (note.get("at") or "时间不详").replace("T", " ")
        size = note.get("size", item.path.stat().st_size)
        lines.append(f"  {item.key}（原位置 {item.original}，{size} 字节，隔离于 {when}）")
        lines.append(f"    原因：{note.get('reason') or '（说明文件缺失）'}")
        if note.get("sha256") in logged:
            lines.append("    内容与归档中已记入日志的工作簿完全相同（已另行载入）：可用 quarantine discard 丢弃")
    return lines


def pending(raw_dir: Path) -> tuple[list[Item], list[Item]]:
    """(items awaiting a person's decision, items whose bytes are logged already under another name)."""
    logged = _logged(raw_dir)
    everything = quarantine.items(raw_dir)
    return [i for i in everything if i.note.get("sha256") not in logged], [i for i in everything if i.note.get("sha256") in logged]


def _logged(raw_dir: Path) -> set[str]:
    """The sha256 of every workbook the log accepts (none when the log cannot be read: the listing still says
    what is there)."""
    try:
        return {e["sha256"] for e in read_log(raw_dir) if e.get("event") in (None, "accepted")}
    except InputError:
        return set()


def admit(raw_dir: Path, db_path: Path, name: str, actor: Account | None,
          say: Callable[[str], None] | None = None) -> Admitted:
    """Send a quarantined workbook through the upload's checks again (as actor, or the command line)."""
    from .ingest import ingest_file

    with writer_lock(db_path, raw_dir, purpose=f"从隔离区重新载入“{name}”", say=say):
        item = quarantine.find(raw_dir, name)
        parts = item.original.split("/")
        if item.kind == KIND_LOG_LINE:
            raise QuarantineError(f"{item.key} 是日志中损坏的一行，不是工作簿，不能载入：请对照其内容核对"
                                  "（它记载的工作簿若在隔离区中，可重新载入该工作簿）；核对后用 quarantine discard 丢弃")
        if parts[0] != config.SUBMISSIONS_DIR or config.EVIDENCE_DIR in parts or ORIGIN_DIR in parts:
            raise QuarantineError(f"{item.key} 是{'佐证材料' if config.EVIDENCE_DIR in parts else '统计报表原件或对应关系'}，"
                                  "不是填报工作簿，不能单独载入：请在“数据填报”页随其工作簿重新上传；核对后用 quarantine discard 丢弃")
        file_name = ARCHIVED_NAME.sub("", parts[-1]) or parts[-1]
        is_demo = len(parts) > 1 and parts[1] == config.DEMO_DIR
        result = ingest_file(item.path, raw_dir, db_path, file=file_name, actor=actor,
                             account=None if actor else "（命令行）", is_demo=is_demo, say=say)
        if result.outcome in ("loaded", "duplicate"):  # its bytes are archived and logged: the copy can go
            sha = sha256_of_file(item.path)
            quarantine.remove(item)
            done = "重新载入" if result.outcome == "loaded" else "确认已在归档中（内容相同，未重复载入）"
            audit.write(raw_dir, db_path, "quarantine", actor.name if actor else "（命令行）",
                         f"隔离区中的 {item.key} 已{done}，移出隔离区：{result.message}", file_name=file_name,
                         sha256=sha, submission_id=result.submission_id, source="命令行")
    return Admitted(item, result)


def discard(raw_dir: Path, db_path: Path | None, name: str, actor: Account | None, reason: str | None) -> str:
    """Delete one quarantined file on purpose: only a 管理 account, named, and in the audit trail."""
    if actor is None or not actor.is_admin:
        who = actor.label() if actor else "（未指明账号）"
        raise QuarantineError(f"账号{who}不能丢弃隔离区中的文件：只有管理账号可以（--as 管理账号）")
    reason = (reason or "").strip() or "核对后决定丢弃"
    db = db_path if db_path is not None and Path(db_path).exists() else None
    with writer_lock(db, raw_dir, purpose=f"丢弃隔离区中的“{name}”"):
        item = quarantine.find(raw_dir, name)
        sha, size = sha256_of_file(item.path), item.path.stat().st_size
        quarantine.remove(item)
        message = f"已丢弃隔离区中的 {item.label()}（{size} 字节，sha256 {sha}）：{reason}"
        audit.write(raw_dir, db, "quarantine", actor.name, message, file_name=item.path.name, sha256=sha,
                     source="命令行")
    return message


def repair_log(raw_dir: Path, db_path: Path, by: str | None, say: Callable[[str], None] | None = None) -> list[str]:
    """Set every damaged line of the two logs aside into the quarantine (kept as it was), then rebuild: the
    files those lines named are no longer named, so the rebuild moves them to the quarantine too."""
    from ..warehouse.schema import holds_demo
    from .build import build

    notes = []
    with writer_lock(db_path, raw_dir, purpose="修复日志中损坏的行", say=say):
        for path, check, what in ((log_path(raw_dir), malformed, "归档日志"), (audit.log_path(raw_dir), None, "审计日志")):
            damaged = jsonlog.damaged_lines(path, check)
            for number, line, why in damaged:
                original = f"{path.relative_to(raw_dir).as_posix()}.第{number}行"
                item = quarantine.put(raw_dir, None, original, f"{what} {path.name} 第{number}行已损坏（{why}），"
                                      "由 quarantine repair-log 原样移出", data=line + b"\n", kind=KIND_LOG_LINE,
                                      extra={"log": path.relative_to(raw_dir).as_posix(), "line": number})
                notes.append(f"已把{what}第{number}行（{why}）原样移到隔离区 {item.key}")
            if damaged:
                jsonlog.drop_lines(path, {number for number, _, _ in damaged})
        if not notes:
            return ["日志中没有损坏的行，未做更改"]
        audit.write(raw_dir, None, "quarantine", by or "（命令行）", "；".join(notes), source="命令行")
        before = {i.key for i in quarantine.items(raw_dir)}
        include_demo = Path(db_path).exists() and holds_demo(db_path)
        report = build(raw_dir, db_path, include_demo=include_demo, say=say)
        buildinfo.record(db_path, raw_dir, include_demo and not report.demo_ended, report.submissions)
        moved = [i for i in quarantine.items(raw_dir) if i.key not in before]
        notes.append(f"已重建数据仓库（载入工作簿 {report.submissions} 个）")
        if moved:
            notes.append(f"归档中 {len(moved)} 个文件因此不再有日志记载，已移到隔离区（没有删除）："
                         + "、".join(i.key for i in moved)
                         + "。核对后用 python -m pipelines quarantine admit FILE 重新载入（重新检查，待审核）")
    return notes
