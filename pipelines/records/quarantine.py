"""The quarantine (隔离区): what the archive cannot account for is kept here, never deleted.

data/raw/quarantine/<date>/<the path it had under data/raw> holds, byte for byte:
- an archived file that no log line names (a workbook, 佐证材料 or an import's export): an ingest killed
  before its log line, a file put there by hand, or one whose log line was damaged and set aside;
- a damaged line of submissions/log.jsonl or audit/audit.jsonl, set aside by `quarantine repair-log`.
Beside each, `<name>.隔离说明.json` says why, when and where it came from, and its sha256. `health` lists what
is here; `python -m pipelines quarantine admit FILE` sends a workbook through the upload's checks again
(archived and logged anew, 待审核), `quarantine discard FILE --as NAME` deletes one on purpose (audited).
This module only keeps the folder (call with the writers' lock held); the commands are quarantine_actions.
"""

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..core import config
from ..core.files import ARCHIVED_NAME, _sync_folder, _write_durably, sha256_of, sha256_of_file

NOTE_SUFFIX = ".隔离说明.json"
KIND_FILE, KIND_LOG_LINE = "file", "log_line"


class QuarantineError(Exception):
    """A request about the quarantine cannot be done; the message says why, in Chinese."""


@dataclass
class Item:
    key: str  # the path under the quarantine folder, as `quarantine list` shows it and the commands take it
    path: Path
    note: dict  # original (under data/raw), reason, at, kind, sha256, size; {} if the note was lost

    @property
    def original(self) -> str:
        return self.note.get("original") or self.key.split("/", 1)[-1]

    @property
    def kind(self) -> str:
        return self.note.get("kind", KIND_FILE)

    def label(self) -> str:
        return f"{self.key}（原位置 {self.original}）"


def folder(raw_dir: Path) -> Path:
    return Path(raw_dir) / config.QUARANTINE_DIR


def note_path(path: Path) -> Path:
    return path.with_name(path.name + NOTE_SUFFIX)


def put(raw_dir: Path, source: Path | None, original: str, reason: str, data: bytes | None = None,
        kind: str = KIND_FILE, extra: dict | None = None) -> Item:
    """Move source (or write data) into today's quarantine folder, under its path relative to data/raw, with a
    note beside it. The move is a rename within data/raw: the bytes are never copied, never lost."""
    day = folder(raw_dir) / f"{datetime.now():%Y%m%d}"
    target = _free_name(day / original)
    target.parent.mkdir(parents=True, exist_ok=True)
    sha = sha256_of(data) if data is not None else sha256_of_file(source)
    size = len(data) if data is not None else source.stat().st_size
    note = {"original": original, "reason": reason, "at": datetime.now().isoformat(timespec="seconds"), "kind": kind,
            "sha256": sha, "size": size, **(extra or {})}
    if data is not None:
        _write_durably(target, data)
    else:
        os.replace(source, target)
        _sync_folder(target.parent)
        _sync_folder(source.parent)
    _write_durably(note_path(target), json.dumps(note, ensure_ascii=False, indent=1).encode("utf-8"))
    return Item(target.relative_to(folder(raw_dir)).as_posix(), target, note)


def _free_name(path: Path) -> Path:
    """path, or path with -2, -3 … before its suffix when that name is taken (the same file quarantined twice)."""
    candidate, n = path, 1
    while candidate.exists() or note_path(candidate).exists():
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate


def items(raw_dir: Path) -> list[Item]:
    """What is in the quarantine, oldest first."""
    base = folder(raw_dir)
    if not base.is_dir():
        return []
    found = []
    for path in sorted(p for p in base.rglob("*") if p.is_file()):
        if path.name.endswith((NOTE_SUFFIX, ".partial")):
            continue
        try:
            note = json.loads(note_path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            note = {}  # the note was lost (a crash between the move and the note): the file is what matters
        found.append(Item(path.relative_to(base).as_posix(), path, note if isinstance(note, dict) else {}))
    return found


def find(raw_dir: Path, name: str) -> Item:
    """The item a person named: its key as `quarantine list` shows it, its path, or its file name (as archived,
    or as sent) when only one item has it."""
    everything = items(raw_dir)
    wanted = name.strip().replace("\\", "/")
    base = folder(raw_dir).resolve()
    for item in everything:
        if wanted == item.key or Path(wanted).resolve() == item.path.resolve():
            return item
    name_only = Path(wanted).name  # as archived, or as the sender named it (without the archive's prefix)
    matches = [item for item in everything if name_only in (item.path.name, ARCHIVED_NAME.sub("", item.path.name))]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise QuarantineError(f"隔离区中有 {len(matches)} 个文件名为“{name_only}”，请写出完整路径："
                              + "、".join(m.key for m in matches))
    raise QuarantineError(f"隔离区（{base}）中没有“{name}”（python -m pipelines quarantine list 查看）")


def remove(item: Item) -> None:
    """Take an item out of the quarantine (admitted again, or discarded on purpose), with its note."""
    item.path.unlink()
    note_path(item.path).unlink(missing_ok=True)
    _sync_folder(item.path.parent)
