"""Files: their sha256, and files written so that a crash leaves the old one or the new one, never half of
either — written beside the name, flushed to the disk, renamed over it, and the folder's entry made durable
too (the archive, its logs, the quarantine and a restore's marker all write so)."""

import hashlib
import os
import re
from pathlib import Path

PARTIAL = ".partial"
# An archived file's name starts with the time it was received and its fingerprint (archive.archived_name).
ARCHIVED_NAME = re.compile(r"^\d{8}T\d{6}_[0-9a-f]{8}_")


def _write_durably(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write beside the name, then rename: the archive never holds half a file under a real name (nor a log
    or a marker: quarantine, jsonlog.drop_lines and restore_state write theirs the same way)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + PARTIAL)
    with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode), "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, path)
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make a rename in a folder durable (the folder's entry, not only the file's bytes)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_of_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
