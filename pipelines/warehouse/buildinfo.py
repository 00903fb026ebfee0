"""When the warehouse was last rebuilt, kept in a small file beside it (`warehouse.duckdb.build.json`).

A build swaps in a new file, so the stamp records that file's inode: `health` trusts the stamp only while
the warehouse is still the file that build made (an ingest writes into the same file; a build that did
not leave a stamp replaces it).
"""

import json
import os
from datetime import datetime
from pathlib import Path


def stamp_path(db_path: Path) -> Path:
    return Path(db_path).with_name(Path(db_path).name + ".build.json")


def record(db_path: Path, raw_dir: Path, include_demo: bool, submissions: int) -> None:
    """Note that db_path was just rebuilt from raw_dir."""
    db_path = Path(db_path)
    stamp = {
        "built_at": datetime.now().isoformat(timespec="seconds"),
        "raw_dir": str(Path(raw_dir).resolve()),
        "include_demo": include_demo,
        "submissions": submissions,
        "inode": db_path.stat().st_ino,
    }
    partial = stamp_path(db_path).with_name(stamp_path(db_path).name + ".partial")
    partial.write_text(json.dumps(stamp, ensure_ascii=False), encoding="utf-8")
    os.replace(partial, stamp_path(db_path))


def last_build(db_path: Path) -> dict | None:
    """The stamp of the build that made the current warehouse file, or None if unknown."""
    try:
        stamp = json.loads(stamp_path(db_path).read_text(encoding="utf-8"))
        return stamp if stamp.get("inode") == Path(db_path).stat().st_ino else None
    except (OSError, ValueError):
        return None
