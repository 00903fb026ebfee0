"""Review decisions as writers make them (审核): under the writers' lock, the warehouse first brought up to the
archive's log, then the decision logged and applied (records/review_state.py holds the rules and the state)."""

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from ..planning.store import refresh_acceptances
from ..records import demo_state
from ..records.accounts import Account
from ..records.archive import log_review
from ..records.recovery import catch_up
from ..records.review_state import Decision, allowed, apply, decide_locked, reviewable, submission
from ..warehouse.connection import connect, transaction
from ..warehouse.lock import say_on_stderr
from ..warehouse.status import refresh_assessments
from .locking import writer_lock


def decide(raw_dir: Path, db_path: Path, submission_id: int, decision: str, actor: Account, note: str | None = None,
           source: str = "网页", say: Callable[[str], None] | None = None) -> Decision:
    """Approve or return one workbook in the actor's name (its role decides which units it may review)."""
    note = allowed(decision, actor, note)
    with writer_lock(db_path, raw_dir, purpose=f"记录审核决定 #{submission_id}", say=say), connect(db_path) as con:
        for line in catch_up(con, raw_dir):
            (say or say_on_stderr)(f"恢复：{line}")
        row = reviewable(con, submission_id, actor)
        return decide_locked(con, raw_dir, row, decision, actor.name, note, datetime.now().replace(microsecond=0),
                              source)


def record_decision(raw_dir: Path, db_path: Path, submission_id: int, decision: str, by: str, at: datetime,
                    note: str | None = None) -> Decision:
    """A decision made by the platform itself (the demo data's approvals), without an account's role."""
    with writer_lock(db_path, raw_dir, purpose=f"记录审核决定 #{submission_id}"), connect(db_path) as con:
        return decide_locked(con, raw_dir, submission(con, submission_id), decision, by, note, at, None)


def approve_pending(raw_dir: Path, db_path: Path, by: str, at: datetime | None = None) -> int:
    """Approve every pending workbook at once, in the platform's name (tests and scripted set-ups that load
    data known to be right); one refresh of the judgments. How many were approved."""
    at = at or datetime.now().replace(microsecond=0)
    with writer_lock(db_path, raw_dir, purpose="批量审核通过"), connect(db_path) as con:
        catch_up(con, raw_dir)
        pending = con.execute("select submission_id, sha256, is_demo from submissions where review_status = 'pending' "
                              "and not withdrawn order by submission_id").fetchall()
        ending = any(not is_demo for _, _, is_demo in pending) and demo_state.in_warehouse(con)
        for _, sha, _ in pending:
            log_review(raw_dir, sha, "approved", by, None, at)
        if ending:
            demo_state.log_end(raw_dir, by, demo_state.REASON_REAL_APPROVED, at)
        with transaction(con):
            for submission_id, _, _ in pending:
                apply(con, submission_id, "approved", by, at, None)
            if ending:
                demo_state.purge(con)
            if pending:
                refresh_assessments(con)
                refresh_acceptances(con)
    return len(pending)
