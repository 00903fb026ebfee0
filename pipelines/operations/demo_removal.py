"""`python -m pipelines demo remove`: end the demo for good (audited), before or without a real approval."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..planning.store import refresh_acceptances
from ..records import audit, demo_state
from ..records.archive import read_log
from ..records.recovery import catch_up
from ..warehouse.connection import connect, transaction
from ..warehouse.lock import say_on_stderr
from ..warehouse.status import refresh_assessments
from .locking import writer_lock


@dataclass
class Ended:
    already: bool  # the log had ended the demo before
    removed: int  # demo workbooks taken out of the warehouse now
    message: str


def end_demo(raw_dir: Path, db_path: Path, by: str | None, source: str = "命令行",
             reason: str = demo_state.REASON_REMOVED, say: Callable[[str], None] | None = None) -> Ended:
    """Log the end of the demo (once), take the demo workbooks out of the warehouse, refresh the judgments.

    The demo workbooks stay in the archive, marked, so that every rebuild leaves them out the same way.
    """
    with writer_lock(db_path, raw_dir, purpose="结束示例数据", say=say), connect(db_path) as con:
        events = read_log(raw_dir)
        for note in catch_up(con, raw_dir, events):  # also takes the demo out if the log had ended it
            (say or say_on_stderr)(f"恢复：{note}")
        earlier = demo_state.ended_in_log(events)
        if earlier is None:
            demo_state.log_end(raw_dir, by, reason, datetime.now().replace(microsecond=0))
        with transaction(con):
            removed = demo_state.purge(con)
            if removed:
                refresh_assessments(con)
                refresh_acceptances(con)
            if earlier is None:
                audit.record(raw_dir, "demo_ended", by, f"{reason}：示例数据工作簿 {removed} 个不再计入",
                             source=source, con=con)
    if earlier is not None:
        when = str(earlier.get("at") or "").replace("T", " ")
        return Ended(True, removed, f"示例数据此前已结束（{when}，{earlier.get('reason')}），无需再次结束")
    return Ended(False, removed, f"示例数据已结束：{removed} 个示例工作簿不再计入任何页面、报表、检查和催报"
                                 "（仍保留在归档中，标为示例数据）；此后重建也不再载入")
