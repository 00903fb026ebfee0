"""A 管理 account's ruling (裁定) as a writer records it: under the writers' lock, the warehouse first brought up to
the archive's log, then the ruling logged, applied with the judgments it changes, and audited
(records/ruling_state.py holds the rules and the state)."""

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from ..core import jsonlog
from ..records import audit
from ..records.accounts import Account
from ..records.archive import log_path
from ..records.recovery import catch_up
from ..records.ruling_state import EVENT, TEXTS, Ruling, allowed, apply, rulable
from ..warehouse.connection import connect, transaction
from ..warehouse.lock import say_on_stderr
from ..warehouse.status import refresh_assessments
from .locking import writer_lock


def record(raw_dir: Path, db_path: Path, target_id: str, text: str, actor: Account | None, reason: str | None,
           source: str = "网页", say: Callable[[str], None] | None = None) -> Ruling:
    """Record a 管理 account's ruling: logged, applied with the judgments it changes, audited."""
    reason = allowed(text, actor, reason)
    with writer_lock(db_path, raw_dir, purpose=f"记录目标{target_id}的口径裁定", say=say), connect(db_path) as con:
        for line in catch_up(con, raw_dir):
            (say or say_on_stderr)(f"恢复：{line}")
        before = rulable(con, target_id)
        if before.get("ruled") and before["text"] == text:
            return Ruling(target_id, text, f"目标{target_id}已裁定以{TEXTS[text]}为准，未做更改", False)
        at = datetime.now().replace(microsecond=0)
        event = {"event": EVENT, "target_id": target_id, "text": text, "at": at.isoformat(timespec="seconds"),
                 "by": actor.name, "reason": reason}
        jsonlog.append(log_path(raw_dir), event)  # the log line is the record; applied next, or by catch_up
        message = (f"已裁定目标{target_id}以{TEXTS[text]}为准（{before['words'][text]}）：{reason}；"
                   f"按{TEXTS[text]}的状态为{before['status_under'][text]}")
        with transaction(con):
            apply(con, [event])
            refresh_assessments(con)
            audit.record(raw_dir, EVENT, actor.name, message, source=source, con=con)
    return Ruling(target_id, text, message, True)
