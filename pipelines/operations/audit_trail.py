"""An event of the audit trail written by a writer that holds neither the writers' lock nor a connection (a
sign-in, an upload checked, a 催报 sent, an account changed): the lock is taken, the line logged, and the
warehouse (if there is one) given its row."""

from pathlib import Path

from ..records import audit
from .locking import writer_lock


def record(raw_dir: Path, db_path: Path | None, event: str, account: str | None, result: str, **fields) -> dict:
    """Append one event to the log, then to the warehouse, taking the writers' lock and opening the warehouse briefly.

    fields: file_name, sha256, submission_id, source, detail (records.audit.event_row)."""
    db = Path(db_path) if db_path is not None and Path(db_path).exists() else None
    with writer_lock(db, raw_dir, purpose="记录审计日志"):
        return audit.write(raw_dir, db, event, account, result, **fields)
