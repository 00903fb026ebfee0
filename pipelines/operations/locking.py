"""The writers' lock as every writer takes it: on taking it, what a killed writer left is tidied first.

    from pipelines.operations.locking import writer_lock

    with writer_lock(db_path, raw_dir, purpose="记录审核决定"):
        ...

The lock itself (warehouse/lock.py) sits below the records and knows nothing of the archive; the tidying is
handed to it here, once for every writer: a restore killed half-way finished or undone (restore_finish.py),
then what killed writers left (records/recovery.py, tidy_after_crash).
"""

from collections.abc import Callable
from pathlib import Path

from ..records.recovery import catch_up, tidy_after_crash
from ..warehouse import lock
from ..warehouse.connection import connect
from ..warehouse.lock import RECOVERED, say_on_stderr
from .restore_finish import finish_interrupted


def writer_lock(db_path: Path | None, raw_dir: Path | None, *, purpose: str = "写入",
                say: Callable[[str], None] | None = None, wait: float | None = None):
    """Hold the writers' lock of a warehouse and a raw folder (either may be None), tidying after a crash."""
    return lock.writer_lock(db_path, raw_dir, purpose=purpose, say=say, wait=wait, tidy=tidy)


def tidy(db_path: Path | None, raw_dir: Path | None) -> list[str]:
    """What killed writers left, tidied; a sentence for each thing done."""
    notes = finish_interrupted(raw_dir) if raw_dir is not None else []  # first: it may have the raw folder aside
    return notes + tidy_after_crash(db_path, raw_dir)


def bring_up_to_date(db_path: Path, raw_dir: Path, say: Callable[[str], None] | None = None,
                     wait: float | None = None) -> list[str]:
    """Take the writers' lock (which finishes a killed restore and tidies what killed writers left) and catch
    the warehouse up with the log; a sentence for each thing done. say: where waiting for another writer is
    said (stderr by default); wait: how long to wait for it (WriterBusy after)."""
    notes = []

    def hear(message: str) -> None:
        if message.startswith(RECOVERED):
            notes.append(message.removeprefix(RECOVERED))
        else:
            (say or say_on_stderr)(message)

    with writer_lock(db_path, raw_dir, purpose="按归档日志补齐数据仓库", say=hear, wait=wait):
        if Path(db_path).exists():
            with connect(Path(db_path)) as con:
                notes += catch_up(con, raw_dir)
    return notes
