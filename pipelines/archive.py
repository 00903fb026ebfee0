"""The submissions archive: every accepted workbook byte for byte, and an append-only log of events.

data/raw/submissions/log.jsonl holds one JSON object per line, in the order things happened:
{"event": "accepted", "sha256", "path", "file_name", "unit", "year", "received_at", "is_demo", "account"}
{"event": "withdrawn", "sha256", "at", "by", "reason"}
`build` replays it, so the warehouse can always be rebuilt from data/raw alone.
"""

import hashlib
import os
import re
import unicodedata
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from . import config, jsonlog

SAFE_NAME = re.compile(r"[^\w\u4e00-\u9fff.\-（）()]+")


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


def submissions_dir(raw_dir: Path) -> Path:
    return raw_dir / config.SUBMISSIONS_DIR


def log_path(raw_dir: Path) -> Path:
    return submissions_dir(raw_dir) / config.SUBMISSIONS_LOG


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def safe_file_name(name: str) -> str:
    """A name fit for the archive: no folders, no control or odd characters, not hidden, not too long."""
    name = unicodedata.normalize("NFKC", Path(name.replace("\\", "/")).name)
    stem, suffix = os.path.splitext(name)
    stem = SAFE_NAME.sub("_", stem).strip("._") or "workbook"
    suffix = SAFE_NAME.sub("", suffix.lower())[:8]
    return f"{stem[:80]}{suffix}"


def read_log(raw_dir: Path) -> list[dict]:
    return jsonlog.read(log_path(raw_dir))


def _write_durably(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with open(partial, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, path)


def archive(raw_dir: Path, data: bytes, file_name: str, unit: str, year: int, received_at: datetime,
            is_demo: bool = False, account: str | None = None) -> Entry:
    """Store the bytes and log them; the same bytes already archived are not stored twice."""
    sha = sha256_of(data)
    for event in read_log(raw_dir):
        if event.get("event") == "accepted" and event["sha256"] == sha:
            return Entry(**{k: event.get(k) for k in Entry.__dataclass_fields__})
    folder = Path(config.DEMO_DIR) if is_demo else Path()
    relative = folder / str(year) / safe_file_name(unit) / f"{received_at:%Y%m%dT%H%M%S}_{sha[:8]}_{safe_file_name(file_name)}"
    _write_durably(submissions_dir(raw_dir) / relative, data)
    entry = Entry(sha, relative.as_posix(), file_name, unit, year, received_at.isoformat(timespec="seconds"), is_demo, account)
    jsonlog.append(log_path(raw_dir), asdict(entry))
    return entry


def log_withdrawal(raw_dir: Path, sha: str, by: str | None, reason: str | None, at: datetime) -> None:
    jsonlog.append(log_path(raw_dir), {"event": "withdrawn", "sha256": sha, "at": at.isoformat(timespec="seconds"), "by": by, "reason": reason})
