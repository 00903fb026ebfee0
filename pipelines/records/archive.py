"""The submissions archive: every accepted workbook byte for byte, and an append-only log of events.

data/raw/submissions/log.jsonl holds one JSON object per line, in the order things happened:
{"event": "accepted", "sha256", "path", "file_name", "unit", "year", "received_at", "is_demo", "account"}
  and, for a workbook made by `import` from a unit's own export, "origin": {"files": [{"path", "file_name",
  "sha256"}], "mapping": {"path", "sha256", "saved": [paths under the raw folder]}, "sources": {"path",
  "sha256"}, "fingerprints": [...], "warnings": [problem dicts]}: the export as sent, the mapping applied and
  each value's source cells, archived beside the workbook (<year>/<unit>/原始报表/).
{"event": "withdrawn", "sha256", "at", "by", "reason"}
{"event": "review", "sha256", "decision" ('approved' or 'returned'), "at", "by", "note"}
{"event": "evidence", "sha256" (the file's), "workbook_sha256", "task_no", "path", "file_name", "kind", "size",
 "at", "by"}
{"event": "demo_ended", "at", "by", "reason"} (demo_state: no demo workbook is loaded after it)
`build` replays it, so the warehouse can always be rebuilt from data/raw alone. A 佐证材料 file is archived
beside its workbook (<year>/<unit>/佐证材料/), named as a workbook is.
"""

import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from ..core import config, jsonlog
from ..core.files import ARCHIVED_NAME, PARTIAL, _write_durably, sha256_of
from ..core.jsonlog import repair_advice

SAFE_NAME = re.compile(r"[^\w\u4e00-\u9fff.\-（）()]+")
# How an archived workbook is named: received time, the start of its fingerprint, the sender's name.
STORING = ".storing"


@dataclass
class Entry:
    sha256: str
    path: str  # relative to the submissions folder
    file_name: str
    unit: str
    year: int
    received_at: str  # ISO, seconds
    is_demo: bool = False
    account: str | None = None
    event: str = "accepted"
    origin: dict | None = None  # an import's export, mapping and sources (see the module's docstring)


@dataclass
class Origin:
    """What an import read, archived beside the standard workbook it made."""

    sent: list[tuple[str, bytes]]  # the unit's own files, as sent (a zip as one file)
    mapping: bytes  # the mapping applied, as the CSV a person reads
    sources: bytes  # each value's source cells, as a CSV
    fingerprints: list[str] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    save_mapping: Callable[[], list[str]] | None = None  # saves a confirmed mapping under the raw folder; its paths


ORIGIN_DIR = "原始报表"


def entry_of(event: dict) -> Entry:
    """An `accepted` line of the log as an Entry."""
    return Entry(**{k: event.get(k) for k in Entry.__dataclass_fields__})


def submissions_dir(raw_dir: Path) -> Path:
    return raw_dir / config.SUBMISSIONS_DIR


def log_path(raw_dir: Path) -> Path:
    return submissions_dir(raw_dir) / config.SUBMISSIONS_LOG


def safe_file_name(name: str, max_bytes: int = config.MAX_NAME_BYTES) -> str:
    """A name fit for the archive: no folders, no control or odd characters, not hidden, not too long.

    File systems limit a name's bytes, not its characters (255 bytes is 85 Chinese characters in UTF-8),
    so the stem is cut to fit max_bytes with its suffix, at a character boundary.
    """
    name = unicodedata.normalize("NFKC", Path(name.replace("\\", "/")).name)
    stem, suffix = os.path.splitext(name)
    stem = SAFE_NAME.sub("_", stem).strip("._") or "workbook"
    suffix = SAFE_NAME.sub("", suffix.lower())[:8]
    room = max_bytes - len(suffix.encode())
    cut = stem.encode()[:room].decode("utf-8", errors="ignore")
    return f"{cut.rstrip('._') or 'workbook'}{suffix}"


# What a record of each kind must hold to be replayed (a line without them is damaged, as a torn one is).
REQUIRED = {"accepted": ("sha256", "path", "file_name", "unit", "year"), "withdrawn": ("sha256",),
            "review": ("sha256", "decision"), "evidence": ("sha256", "workbook_sha256", "task_no", "path", "file_name"),
            "ruling": ("target_id", "text")}


def read_log(raw_dir: Path) -> list[dict]:
    return jsonlog.read(log_path(raw_dir), malformed, repair_advice(raw_dir))


def malformed(event: dict) -> str | None:
    """Why a parsed line of the submissions log is not a record that can be replayed, or None."""
    missing = [key for key in REQUIRED.get(event.get("event") or "accepted", ()) if event.get(key) in (None, "")]
    return f"缺少{'、'.join(missing)}" if missing else None


def _storing_marker(raw_dir: Path) -> Path:
    """Names the workbook being stored until its log line is written (a crash in between leaves it)."""
    return submissions_dir(raw_dir) / STORING


def tidy_archive(raw_dir: Path, everything: bool = False) -> list[str]:
    """Set aside what the log does not account for in the archive (call with the writers' lock held).

    A stored file that no log line names was never accepted (the log line is what accepts it) — an ingest
    killed before its log line, a file put there by hand, one whose log line was damaged and set aside: it
    goes to the quarantine, never away (pipelines/records/quarantine.py), for a person to admit or discard. A
    `*.partial` one is half a copy of an upload that was never complete: removed. The marker written before
    storing says which file that can be, so that this is cheap for every writer; `everything` looks at every
    file of the archive (build does, once per rebuild: it reads the whole log anyway). A sentence per file.
    """
    from . import audit, quarantine

    folder = submissions_dir(raw_dir)
    marker = _storing_marker(raw_dir)
    interrupted = []  # what the marker names: the files a killed ingest was storing
    for line in marker.read_text(encoding="utf-8").splitlines() if marker.exists() else []:
        stored = folder / line.strip()
        if line.strip() and ARCHIVED_NAME.match(stored.name) and stored.resolve().is_relative_to(folder.resolve()):
            interrupted.append(stored)  # (not a name this module writes: touch nothing)
    if everything:
        candidates = [p for p in folder.rglob("*") if p.is_file() and ARCHIVED_NAME.match(p.name)] if folder.exists() else []
    elif marker.exists():
        candidates = [p for stored in interrupted for p in (stored, stored.with_name(stored.name + PARTIAL)) if p.is_file()]
    else:
        return []
    notes = []
    named = None
    for path in sorted(candidates):
        relative = path.relative_to(folder).as_posix()
        if path.name.endswith(PARTIAL):
            path.unlink()
            notes.append(f"已删除上次中断的载入留下的未写完文件：{relative}")
            continue
        if named is None:
            named = named_paths(read_log(raw_dir))
        if relative not in named:
            why = ("上次载入在写入归档日志之前中断：这是一次未完成的载入，当时没有告知上传者已载入" if path in interrupted
                   else "归档日志中没有记载此文件：日志中记载它的行可能已损坏或被移走，或文件是手工放入的")
            item = quarantine.put(raw_dir, path, f"{config.SUBMISSIONS_DIR}/{relative}", why)
            notes.append(f"归档中的 {relative} 未记入日志，已移到隔离区 {item.key}，没有删除（{why}）。核对后用 "
                         "python -m pipelines quarantine admit 重新载入，或 quarantine discard 丢弃")
            audit.write(raw_dir, None, "quarantine", None, notes[-1], file_name=path.name, sha256=item.note["sha256"],
                         source="恢复")  # into the warehouse's table with the next catch-up or build
    marker.unlink(missing_ok=True)
    return notes


def in_order(events: list[dict]) -> list[dict]:
    """The log as a rebuild applies it: a withdrawal, review decision or 佐证材料 counts only after its
    workbook's acceptance line. One logged before it is history: the workbook's line was set aside (damaged)
    and the file admitted again from the quarantine under a new line, 待审核 like any upload."""
    accepted, kept = set(), []
    for event in events:
        kind = event.get("event") or "accepted"
        if kind == "accepted":
            accepted.add(event["sha256"])
        elif kind in ("withdrawn", "review", "evidence"):
            if event["workbook_sha256" if kind == "evidence" else "sha256"] not in accepted:
                continue
        kept.append(event)
    return kept


def named_paths(events: list[dict]) -> set[str]:
    """The archived files the log names: accepted workbooks, the files an import read, the 佐证材料 attached."""
    named = {e.get("path") for e in events if e.get("event") in ("accepted", "evidence")}
    for event in events:
        if event.get("event") == "accepted" and event.get("origin"):
            named |= set(origin_paths(event["origin"]))
    return named


def origin_paths(origin: dict) -> list[str]:
    """The archived files an import's origin names (relative to the submissions folder)."""
    return [f["path"] for f in origin.get("files", [])] + [origin[k]["path"] for k in ("mapping", "sources") if k in origin]


def _store(raw_dir: Path, relative: Path, data: bytes, event: dict, beside: list[tuple[Path, bytes]] = ()) -> None:
    """Write files into the archive and log their event; a crash in between leaves the marker naming them."""
    marker = _storing_marker(raw_dir)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text("\n".join(p.as_posix() for p in (relative, *(b for b, _ in beside))), encoding="utf-8")
    for path, content in beside:
        _write_durably(submissions_dir(raw_dir) / path, content)
    _write_durably(submissions_dir(raw_dir) / relative, data)
    jsonlog.append(log_path(raw_dir), event)
    marker.unlink()


def archived_name(received_at: datetime, sha: str, file_name: str) -> str:
    return f"{received_at:%Y%m%dT%H%M%S}_{sha[:8]}_{safe_file_name(file_name)}"


def archive(raw_dir: Path, data: bytes, file_name: str, unit: str, year: int, received_at: datetime,
            is_demo: bool = False, account: str | None = None, events: list[dict] | None = None,
            origin: Origin | None = None) -> Entry:
    """Store the bytes and log them; the same bytes already archived are not stored twice.

    Call with the writers' lock held; events: the log as already read under it. origin: an import's files,
    stored beside the workbook (in its 原始报表 folder) and named in the same log line.
    """
    sha = sha256_of(data)
    for event in read_log(raw_dir) if events is None else events:
        if event.get("event") == "accepted" and event["sha256"] == sha:
            return entry_of(event)
    relative = unit_folder(unit, year, is_demo) / archived_name(received_at, sha, file_name)
    entry = Entry(sha, relative.as_posix(), file_name, unit, year, received_at.isoformat(timespec="seconds"), is_demo, account)
    beside = []
    if origin is not None:
        entry.origin, beside = _origin(origin, unit_folder(unit, year, is_demo) / ORIGIN_DIR, received_at, file_name)
    event = asdict(entry)
    if entry.origin is None:
        del event["origin"]
    _store(raw_dir, relative, data, event, beside)
    return entry


def _origin(origin: Origin, folder: Path, at: datetime, file_name: str) -> tuple[dict, list[tuple[Path, bytes]]]:
    """The origin's log record and its files, named as archived workbooks are."""
    stem = Path(file_name).stem
    beside, files = [], []
    for name, content in origin.sent:
        path = folder / archived_name(at, sha256_of(content), name)
        beside.append((path, content))
        files.append({"path": path.as_posix(), "file_name": name, "sha256": sha256_of(content)})
    record = {"files": files, "fingerprints": list(origin.fingerprints), "warnings": list(origin.warnings)}
    for key, content, name in (("mapping", origin.mapping, f"{stem}_对应关系.csv"),
                               ("sources", origin.sources, f"{stem}_数值来源.csv")):
        path = folder / archived_name(at, sha256_of(content), name)
        beside.append((path, content))
        record[key] = {"path": path.as_posix(), "sha256": sha256_of(content)}
    record["mapping"]["saved"] = origin.save_mapping() if origin.save_mapping else []
    return record, beside


def unit_folder(unit: str, year: int, is_demo: bool) -> Path:
    """Where a unit's workbooks of a year are archived (relative to the submissions folder)."""
    return (Path(config.DEMO_DIR) if is_demo else Path()) / str(year) / safe_file_name(unit)


def archive_evidence(raw_dir: Path, data: bytes, file_name: str, workbook: dict, task_no: int, kind: str,
                     by: str | None, at: datetime) -> dict:
    """Store a 佐证材料 file beside its workbook and log it (call with the writers' lock held); the log event.

    workbook: the workbook's unit, year, is_demo and sha256 (its `accepted` event or submissions row).
    """
    sha = sha256_of(data)
    relative = (unit_folder(workbook["unit"], workbook["year"], bool(workbook["is_demo"])) / config.EVIDENCE_DIR
                / archived_name(at, sha, file_name))
    event = {"event": "evidence", "sha256": sha, "workbook_sha256": workbook["sha256"], "task_no": int(task_no),
             "path": relative.as_posix(), "file_name": file_name, "kind": kind, "size": len(data),
             "at": at.isoformat(timespec="seconds"), "by": by}
    _store(raw_dir, relative, data, event)
    return event


def log_withdrawal(raw_dir: Path, sha: str, by: str | None, reason: str | None, at: datetime) -> None:
    jsonlog.append(log_path(raw_dir), {"event": "withdrawn", "sha256": sha, "at": at.isoformat(timespec="seconds"), "by": by, "reason": reason})


def log_review(raw_dir: Path, sha: str, decision: str, by: str | None, note: str | None, at: datetime) -> dict:
    """A review decision ('approved' or 'returned') appended to the log (call with the writers' lock held)."""
    event = {"event": "review", "sha256": sha, "decision": decision, "at": at.isoformat(timespec="seconds"), "by": by,
             "note": note}
    jsonlog.append(log_path(raw_dir), event)
    return event
