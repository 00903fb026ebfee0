"""The writers' lock as every writer takes it: on taking it, what a killed writer left is tidied first.

    from pipelines.operations.locking import writer_lock

    with writer_lock(db_path, raw_dir, purpose="记录审核决定"):
        ...

The lock itself (warehouse/lock.py) sits below the records and knows nothing of the archive; the tidying
(records/recovery.py, tidy_after_crash) is handed to it here, once for every writer.
"""

from collections.abc import Callable
from pathlib import Path

from ..records.recovery import tidy_after_crash
from ..warehouse import lock


def writer_lock(db_path: Path | None, raw_dir: Path | None, *, purpose: str = "写入",
                say: Callable[[str], None] | None = None, wait: float | None = None):
    """Hold the writers' lock of a warehouse and a raw folder (either may be None), tidying after a crash."""
    return lock.writer_lock(db_path, raw_dir, purpose=purpose, say=say, wait=wait, tidy=tidy_after_crash)
