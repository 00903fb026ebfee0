"""The warehouse's tables, views and macros from sql/ (its fingerprint says which version made a file), and the
atomic swap of a freshly built file."""

import os
from pathlib import Path

import duckdb

from .connection import connect

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
