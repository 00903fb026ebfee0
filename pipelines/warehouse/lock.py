"""The one lock that every writer of the warehouse or the raw folder takes, so that writers wait their turn.

    from pipelines.operations.locking import writer_lock

    with writer_lock(db_path, raw_dir, purpose="记录审核决定"):
        ...  # read the log, append to it, write the warehouse or swap a new one in

Who takes it: `build` (it reads the log and swaps in a new file: an ingest that loaded in between would
be lost with the old file), `ingest` (it appends to the log and loads), `withdraw`, the audit trail when
it writes the warehouse, account changes, `restore` (it swaps the raw folder and rebuilds), the demo
generator — and every writer to come (review decisions): take it around everything from the first read
of the log to the last write.

- It is an advisory lock (flock) on two small files, one beside the raw folder (`data/.raw.writer.lock`)
  and one beside the warehouse (`data/.warehouse.duckdb.writer.lock`), taken in that order: writers that
  share either folder or warehouse wait for each other. The kernel drops it when its process ends, kill -9
  included, so it is never left stale. Nothing is written inside data/raw.
- It is reentrant within a thread (a build inside an ingest's lock does not wait for itself); other
  threads (the app's sessions) and other processes wait.
- A writer that has to wait says so, in Chinese, once (on stderr, or through `say`), naming who holds it;
  after `wait` seconds (config.WRITER_WAIT_SECONDS) it gives up with WriterBusy, having changed nothing.
- On taking it, what a killed writer left is tidied first by the `tidy` the writer passes (every writer passes
  records.recovery.tidy_after_crash, through operations.locking.writer_lock): an unfinished last log line,
  `*.partial` and unlogged files in the archive, `.*.building` files beside the warehouse. The lock itself
  knows nothing of the archive: it sits below the records that know how to tidy them.
"""

import fcntl
import os
import sys
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import tenacity

from ..core import config
from .connection import WarehouseBusy

RECOVERED = "恢复："  # what a writer says before each thing it tidied after a crash


class WriterBusy(WarehouseBusy):
    """Another writer held the lock for longer than this one would wait."""


def say_on_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def lock_files(db_path: Path | None, raw_dir: Path | None) -> list[Path]:
    """The lock files of a raw folder and a warehouse, in the order they are taken."""
    files = []
    if raw_dir is not None:
        raw = Path(raw_dir).resolve()
        files.append(raw.parent / f".{raw.name}.writer.lock")
    if db_path is not None:
        db = Path(db_path).resolve()
        files.append(db.parent / f".{db.name}.writer.lock")
    return files


class _Held:
    """This process's hold on one lock file: a thread lock (for the app's threads) and the flock."""

    def __init__(self):
        self.thread_lock = threading.RLock()
        self.depth = 0
        self.file = None


_held: dict[Path, _Held] = {}
_registry = threading.Lock()


def _held_for(path: Path) -> _Held:
    with _registry:
        return _held.setdefault(path, _Held())


@contextmanager
def writer_lock(db_path: Path | None, raw_dir: Path | None, *, purpose: str = "写入",
                say: Callable[[str], None] | None = None, wait: float | None = None,
                tidy: Callable[[Path | None, Path | None], list[str]] | None = None):
    """Hold the writers' lock of a warehouse and a raw folder (either may be None) for the with-block.

    purpose: what this writer does, in Chinese (“载入工作簿”), shown to a writer that waits for it.
    tidy: called once this process takes the lock afresh (not when it already held it), with the folder and
    the warehouse; a sentence for each thing it tidied.
    """
    say = say or say_on_stderr
    deadline = time.monotonic() + (config.WRITER_WAIT_SECONDS if wait is None else wait)
    waited = {"since": None}
    taken: list[Path] = []
    try:
        fresh = False
        for path in lock_files(db_path, raw_dir):
            fresh |= _take(path, purpose, deadline, say, waited)
            taken.append(path)
        if waited["since"] is not None:
            say(f"已等到（等待 {time.monotonic() - waited['since']:.1f} 秒），开始{purpose}。")
        if fresh and tidy is not None:
            for note in tidy(db_path, raw_dir):
                say(f"{RECOVERED}{note}")
        yield
    finally:
        for path in reversed(taken):
            _give_back(path)


def _announce(path: Path, purpose: str, say, waited: dict) -> None:
    if waited["since"] is not None:
        return
    waited["since"] = time.monotonic()
    try:
        holder = path.read_text(encoding="utf-8").strip()
    except OSError:
        holder = ""
    say(f"另一个写入操作正在进行（{holder or '同一程序中的另一请求'}），等待其完成后再{purpose}……")


def _take(path: Path, purpose: str, deadline: float, say, waited: dict) -> bool:
    """Take one lock file; True when this thread did not hold it already."""
    held = _held_for(path)
    if not held.thread_lock.acquire(blocking=False):
        _announce(path, purpose, say, waited)
        if not held.thread_lock.acquire(timeout=max(0.0, deadline - time.monotonic())):
            raise _busy(path)
    if held.depth:
        held.depth += 1
        return False
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+", encoding="utf-8")  # kept open while the lock is held
        _flock(handle, path, purpose, deadline, say, waited)
        handle.seek(0)
        handle.truncate()
        handle.write(f"进程 {os.getpid()}：{purpose}，开始于 {datetime.now():%H:%M:%S}")
        handle.flush()
    except BaseException:
        held.thread_lock.release()
        raise
    held.file = handle
    held.depth = 1
    return True


def _flock(handle, path: Path, purpose: str, deadline: float, say, waited: dict) -> None:
    """flock the open lock file, asked again with backoff while another process holds it (said once);
    WriterBusy, the file closed, once the deadline has passed."""
    retrying = tenacity.Retrying(
        retry=tenacity.retry_if_exception_type(BlockingIOError),
        wait=tenacity.wait_exponential(multiplier=0.02, max=0.25),
        stop=lambda state: time.monotonic() > deadline,
        after=lambda state: _announce(path, purpose, say, waited),
        reraise=True,
    )
    try:
        retrying(fcntl.flock, handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise _busy(path) from None


def _give_back(path: Path) -> None:
    held = _held_for(path)
    held.depth -= 1
    if held.depth == 0:
        held.file.close()  # closing drops the flock
        held.file = None
    held.thread_lock.release()


def _busy(path: Path) -> WriterBusy:
    try:
        holder = path.read_text(encoding="utf-8").strip()
    except OSError:
        holder = ""
    return WriterBusy(f"数据正被另一个写入操作占用（{holder or '未知'}），等待超时，未做任何更改：请稍后再试")
