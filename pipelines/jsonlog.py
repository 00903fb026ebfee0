"""Append-only JSON-lines logs (the submissions log, the audit trail): one durable line per event."""

import json
import os
from pathlib import Path


def append(path: Path, event: dict) -> None:
    """Add one line and make it reach the disk before returning (a crash after it keeps the event)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as log:
        log.write(json.dumps(event, ensure_ascii=False) + "\n")
        log.flush()
        os.fsync(log.fileno())


def read(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
