"""Demo data is a sandbox that real data end (docs/design.md, "Demo data").

The demo ends, for good, when the first real (not demo) workbook is approved or when an administrator
runs `python -m pipelines demo remove`. From then on no demo value is read anywhere: the demo workbooks
stay in the archive, marked, but are neither loaded by `build` nor kept in the warehouse. The end is an
event of the archive's log, {"event": "demo_ended", "at", "by", "reason"}, so that every rebuild ends the
demo at the same place; a log written before that event existed ends it at its first real approval.
"""

from datetime import datetime
from pathlib import Path

import duckdb

from . import jsonlog
from .archive import log_path
from .sqlnames import statement

EVENT = "demo_ended"
REASON_REAL_APPROVED = "首个真实工作簿审核通过"
REASON_REMOVED = "管理员结束示例数据"


def ended_in_log(events: list[dict]) -> dict | None:
    """The event that ended the demo (the logged end, or the first approval of a real workbook), or None."""
    real = {e["sha256"] for e in events if e.get("event") == "accepted" and not e.get("is_demo")}
    for event in events:
        if event.get("event") == EVENT:
            return event
        if event.get("event") == "review" and event.get("decision") == "approved" and event.get("sha256") in real:
            return {"event": EVENT, "at": event.get("at"), "by": event.get("by"), "reason": REASON_REAL_APPROVED}
    return None


def regeneration_refused(events: list[dict]) -> str | None:
    """Why the demo workbooks may not be regenerated: the demo has ended, or real workbooks are in the archive
    (rewriting the demo part of the log would renumber them). None when they may."""
    if ended_in_log(events):
        return "示例数据已结束（见归档日志），不能再重新生成"
    if any(e.get("event") == "accepted" and not e.get("is_demo") for e in events):
        return "归档中已有真实的填报工作簿，示例数据不能再重新生成（重新生成会改变真实填报的编号）"
    return None


def remember_fingerprints(con: duckdb.DuckDBPyConnection, events: list[dict]) -> None:
    """Keep the demo workbooks' fingerprints of the log in the warehouse (they outlive the demo's rows)."""
    known = {sha for (sha,) in con.execute("select sha256 from demo_fingerprints").fetchall()}
    rows = {e["sha256"]: e["file_name"] for e in events
            if e.get("event") == "accepted" and e.get("is_demo") and e["sha256"] not in known}
    if rows:
        con.executemany("insert into demo_fingerprints values (?, ?)", list(rows.items()))


def is_demo_copy(con: duckdb.DuckDBPyConnection, sha: str) -> str | None:
    """The demo workbook a file is a byte copy of, or None."""
    row = con.execute("select file_name from demo_fingerprints where sha256 = ?", [sha]).fetchall()
    return row[0][0] if row else None


def log_end(raw_dir: Path, by: str | None, reason: str, at: datetime) -> dict:
    """Append the end of the demo to the log (call with the writers' lock held)."""
    event = {"event": EVENT, "at": at.isoformat(timespec="seconds"), "by": by, "reason": reason}
    jsonlog.append(log_path(raw_dir), event)
    return event


def in_warehouse(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the warehouse holds demo workbooks (the demo is running there)."""
    return bool(con.execute("select count(*) from submissions where is_demo").fetchall()[0][0])


# The audit trail is a record of what people did (loaded from audit/audit.jsonl), not a workbook's rows.
KEPT_TABLES = ("audit",)


def tables_with_submissions(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every stored table with a submission_id column (the workbooks' rows), submissions itself last."""
    names = [name for (name,) in con.execute(
        "select distinct table_name from duckdb_columns() where column_name = 'submission_id' and not internal "
        "and database_name = current_database() and schema_name = 'main' "
        "and table_name in (select table_name from duckdb_tables() where database_name = current_database()) "
        "order by table_name").fetchall()]
    return [n for n in names if n not in ("submissions", *KEPT_TABLES)] + ["submissions"]


def purge(con: duckdb.DuckDBPyConnection) -> int:
    """Take every demo workbook's rows out of the warehouse (inside the caller's transaction); how many
    workbooks. The caller refreshes the judgments."""
    demo = [i for (i,) in con.execute("select submission_id from submissions where is_demo").fetchall()]
    if not demo:
        return 0
    for table in tables_with_submissions(con):
        # The table names come from the catalogue of our own schema, never from input.
        con.execute(statement("delete from {table} where list_contains(?, submission_id)", table=table), [demo])
    return len(demo)
