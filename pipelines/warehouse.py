"""The DuckDB warehouse: short-lived connections that wait for a writer, the SQL runner, atomic swap."""

import os
from contextlib import contextmanager
from pathlib import Path

import duckdb
import tenacity

from .sqlnames import statement

SQL_DIR = Path(__file__).parent / "sql"
# Derived views and macros, in the order they depend on each other.
DERIVED = (
    "counted_submissions",
    "reported_values",
    "structure_shares",
    "school_books",  # issue 18: the school register gives counts of schools (register_counts)
    "register_counts",
    "latest_observations",
    "indicator_series",
    "reporting_coverage",
    "current_rulings",
    "target_status",
    "latest_task_progress",
    "task_ledger",
    "rectifications",
    "value_sources",
)
LOCK_WAIT_SECONDS = 30.0


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
def connect(db_path: Path, read_only: bool = False, wait: float = LOCK_WAIT_SECONDS):
    """Open the warehouse, retrying with backoff while another process holds its lock; always closes.

    DuckDB lets one process write a file at a time and refuses all others at once, so every user of
    the warehouse (app, command line) opens it briefly and retries instead of holding it.
    """
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
def memory_copy(db_path: Path, wait: float = LOCK_WAIT_SECONDS):
    """The warehouse copied into memory (tables, views, macros), to change freely: the file is only read.

    For a preview (what approving a workbook would change): the same code as the real change runs on the
    copy, and the copy is thrown away.
    """
    mem = duckdb.connect(":memory:", config=CONNECTION_CONFIG)
    literal = str(Path(db_path).resolve()).replace("'", "''")  # a path of ours, as a SQL string literal
    try:
        _with_backoff(lambda: mem.execute(f"attach '{literal}' as source (read_only)"), wait)
        mem.execute("copy from database source to memory")
        mem.execute("detach source")
        yield mem
    finally:
        mem.close()


def run_sql(con: duckdb.DuckDBPyConnection, name: str) -> None:
    con.execute((SQL_DIR / f"{name}.sql").read_text(encoding="utf-8"))


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Every stored table (the plan's and the schools'), then the plan's views, which may read both; the
    schema's fingerprint last, so that a warehouse made by another version of the code is known as such."""
    run_sql(con, "schema")
    run_sql(con, "schools_schema")
    create_derived(con)
    con.execute("create or replace table schema_info as select ? as fingerprint", [schema_fingerprint()])


def schema_fingerprint() -> str:
    """The sha256 of every SQL file that makes the warehouse (tables, views, macros)."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(SQL_DIR.glob("*.sql")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def made_by_this_version(db_path: Path) -> bool:
    """Whether the warehouse file was built by this version of the code (same tables, views and macros)."""
    try:
        with connect(db_path, read_only=True) as con:  # waits while a writer holds the file (WarehouseBusy after that)
            return con.execute("select fingerprint from schema_info").fetchall() == [(schema_fingerprint(),)]
    except duckdb.Error:  # no schema_info (an older version), or not a warehouse at all
        return False


def holds_demo(db_path: Path) -> bool:
    """Whether the warehouse file holds demo workbooks (`build --if-needed --no-demo` rebuilds it then)."""
    try:
        with connect(db_path, read_only=True) as con:
            return bool(con.execute("select count(*) from submissions where is_demo").fetchall()[0][0])
    except duckdb.Error:
        return False


def create_derived(con: duckdb.DuckDBPyConnection) -> None:
    for name in DERIVED:
        run_sql(con, name)


def temporary_path(db_path: Path) -> Path:
    return db_path.with_name(f".{db_path.name}.{os.getpid()}.building")


def swap_in(built: Path, db_path: Path) -> None:
    """Replace the warehouse with a freshly built file in one step (readers keep the old file open)."""
    stale_wal = Path(str(db_path) + ".wal")
    if stale_wal.exists():
        stale_wal.unlink()  # belongs to the file being replaced; it must not be replayed on the new one
    os.replace(built, db_path)


def discard(built: Path) -> None:
    for path in (built, Path(str(built) + ".wal")):
        if path.exists():
            path.unlink()


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
