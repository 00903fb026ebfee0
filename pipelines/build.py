"""`build`: the whole warehouse from a raw folder, into a temporary file swapped in on success."""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from .archive import Entry, read_log, submissions_dir
from .audit import load_log
from .ingest import load_checked
from .load_plan import load_plan_tables
from .plan_inputs import read_plan_inputs
from .problems import InputError, Problem
from .schools.check import Context as SchoolContext
from .schools.check import check_school_book, is_school_book
from .schools.readiness import refresh_readiness
from .schools.reference import load_reference
from .schools.schema import create_school_schema
from .status import refresh_assessments
from .warehouse import connect, create_schema, discard, swap_in, temporary_path
from .workbook_check import Context, check_book
from .workbook_read import read_book


@dataclass
class BuildReport:
    tasks: int
    units: int
    targets: int
    discrepancies: int
    submissions: int = 0
    skipped_demo: int = 0


def build(raw_dir: Path, db_path: Path, include_demo: bool = True) -> BuildReport:
    """Rebuild the warehouse from raw_dir; the previous warehouse stays as it was if anything fails."""
    inputs = read_plan_inputs(raw_dir)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    building = temporary_path(db_path)
    discard(building)
    try:
        with connect(building) as con:
            con.execute("begin")
            create_schema(con)
            load_plan_tables(con, inputs)
            create_school_schema(con)  # issue 12: criteria, registers, school-level workbooks
            load_reference(con, raw_dir)
            report = BuildReport(
                tasks=len(inputs.plan.tasks),
                units=len(inputs.units),
                targets=len(inputs.catalogue.targets),
                discrepancies=len(inputs.discrepancies),
            )
            report.submissions, report.skipped_demo = replay_submissions(con, raw_dir, include_demo)
            refresh_assessments(con)
            refresh_readiness(con)
            load_log(con, raw_dir)
            con.execute("commit")
            con.execute("checkpoint")
        swap_in(building, db_path)
    finally:
        discard(building)
    return report


def replay_submissions(con: duckdb.DuckDBPyConnection, raw_dir: Path, include_demo: bool) -> tuple[int, int]:
    """Load the archive's workbooks in the order received, then apply withdrawals; (loaded, skipped demo)."""
    loaded = skipped = 0
    ctx = Context.from_warehouse(con)
    school_ctx = SchoolContext.from_warehouse(con)
    for event in read_log(raw_dir):
        if event.get("event") == "withdrawn":
            con.execute(
                "update submissions set withdrawn = true, withdrawn_at = ?, withdrawn_by = ? where sha256 = ?",
                [datetime.fromisoformat(event["at"]), event.get("by"), event["sha256"]],
            )
            continue
        entry = Entry(**{k: event.get(k) for k in Entry.__dataclass_fields__})
        if entry.is_demo and not include_demo:
            skipped += 1
            continue
        path = submissions_dir(raw_dir) / entry.path
        if not path.exists():
            raise InputError([Problem(entry.file_name, f"归档文件缺失：{path}（日志第{loaded + skipped + 1}条记录）")])
        book = read_book(path, entry.file_name)
        # issue 12: a school and kindergarten workbook is checked by its own rules, loaded the same way
        checked = check_school_book(book, school_ctx) if is_school_book(book) else check_book(book, ctx)
        if checked.errors:
            note = Problem(entry.file_name, f"归档文件 {entry.path} 按当前指标目录检查未通过，重建中止")
            raise InputError([note, *checked.errors])
        load_checked(con, checked, entry)
        ctx.refresh(con)
        loaded += 1
    return loaded, skipped
