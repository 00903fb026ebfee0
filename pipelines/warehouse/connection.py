"""The DuckDB warehouse: short-lived connections that wait for a writer, one transaction, a copy in memory, and
frames inserted by their columns' names (the tables and views themselves: schema.py)."""

from contextlib import contextmanager
from pathlib import Path

import duckdb
import tenacity

from ..core import config
from ..core.sqlnames import statement


class WarehouseBusy(Exception):
    """Another process held the warehouse for longer than we were willing to wait."""


def _is_busy(exc: BaseException) -> bool:
    """Another process holds the file's lock, or this process has it open in another mode.

    In this process DuckDB says so by the exception's type: a second connection in another mode is a
    ConnectionException, a second attach a ResourceInUseException. Another process's lock has no type of its
    own: it is an IOException, as a missing or damaged file is, and only the words DuckDB documents for it
    ("Could not set lock on file", see duckdb.org/docs/current/connect/concurrency) tell them apart.
    """
    if isinstance(exc, duckdb.ConnectionException | duckdb.ResourceInUseException):
        return True
    return isinstance(exc, duckdb.IOException) and "Could not set lock on file" in str(exc)


def _with_backoff(open_once, wait: float):
    """open_once() retried with backoff and jitter while the warehouse is busy (WarehouseBusy after `wait`
    seconds); any other error at once."""
    retrying = tenacity.Retrying(
        retry=tenacity.retry_if_exception(_is_busy),
        wait=tenacity.wait_exponential(multiplier=0.02, max=0.5) + tenacity.wait_random(0, 0.02),
        stop=tenacity.stop_after_delay(wait),
        reraise=True,
    )
    try:
        return retrying(open_once)
    except duckdb.Error as exc:
        if _is_busy(exc):
            raise WarehouseBusy(f"数据仓库正被其他程序占用（已等待{wait:.0f}秒），请稍后再试") from exc
        raise


# Every connection: no extension is fetched from the network (there is none); and DuckDB 2.0.1's
# top_n_window_elimination is off. With it, in the connection that has just updated a workbook's review
# status, `qualify row_number() over (…) = 1` (reported_values, school_books …) returned a stale column of the
# kept row (a real value marked is_demo), while a fresh connection read the same data right; turning that
# one rewrite off gave the right rows in every case (tests/test_demo_sandbox.py).
CONNECTION_CONFIG = {"autoinstall_known_extensions": False, "disabled_optimizers": "top_n_window_elimination"}


@contextmanager
def connect(db_path: Path, read_only: bool = False, wait: float | None = None):
    """Open the warehouse, retrying with backoff while another process holds its lock; always closes.

    DuckDB lets one process write a file at a time and refuses all others at once, so every user of
    the warehouse (app, command line) opens it briefly and retries instead of holding it (config.WAREHOUSE_WAIT_SECONDS
    unless told).
    """
    wait = config.WAREHOUSE_WAIT_SECONDS if wait is None else wait
    con = _with_backoff(lambda: duckdb.connect(str(db_path), read_only=read_only, config=CONNECTION_CONFIG), wait)
    try:
        yield con
    finally:
        con.close()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection):
    """One transaction: committed when the block ends, rolled back (and the error raised) when it fails."""
    con.execute("begin")
    try:
        yield con
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


@contextmanager
def memory_copy(db_path: Path, wait: float | None = None):
    """The warehouse copied into memory (tables, views, macros), to change freely: the file is only read.

    For a preview (what approving a workbook would change): the same code as the real change runs on the
    copy, and the copy is thrown away.
    """
    wait = config.WAREHOUSE_WAIT_SECONDS if wait is None else wait
    mem = duckdb.connect(":memory:", config=CONNECTION_CONFIG)
    literal = str(Path(db_path).resolve()).replace("'", "''")  # a path of ours, as a SQL string literal
    try:
        _with_backoff(lambda: mem.execute(f"attach '{literal}' as source (read_only)"), wait)
        mem.execute("copy from database source to memory")
        mem.execute("detach source")
        yield mem
    finally:
        mem.close()


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame) -> None:
    """Insert a DataFrame's columns into the table's columns of the same names."""
    if frame is None or len(frame) == 0:
        return
    con.register("_frame", frame)
    try:
        con.execute(statement("insert into {table} ({columns}) select {columns} from _frame",
                              table=table, columns=list(frame.columns)))
    finally:
        con.unregister("_frame")
