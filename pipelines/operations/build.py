"""`build`: the whole warehouse from a raw folder (records/rebuild.py), under the writers' lock."""

from collections.abc import Callable
from pathlib import Path

from ..records.rebuild import BuildReport, rebuild
from .locking import writer_lock


def build(raw_dir: Path, db_path: Path, include_demo: bool = True, say: Callable[[str], None] | None = None) -> BuildReport:
    """Rebuild the warehouse from raw_dir; the previous warehouse stays as it was if anything fails.

    The writers' lock is held from the first read of the raw folder to the swap, so that no ingest
    loads into the old file meanwhile (its load would be lost with it).
    """
    with writer_lock(db_path, raw_dir, purpose="重建数据仓库", say=say):
        return rebuild(raw_dir, db_path, include_demo, say)
