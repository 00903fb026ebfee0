"""Review (审核): a loaded workbook is 待审核 until a reviewer approves it (已通过) or returns it (已退回, with a reason).

Only approved workbooks count (the macro counted_submissions, which every reader goes through). Who may
decide: a 管理 account for every unit, a 审核 account for the units it is given. The transitions:
待审核 → 已通过 or 已退回; 已退回 → 已通过 (on a second look); 已通过 → 已退回 (an error found later). A
withdrawn workbook is not reviewed. Every decision is appended to the archive's log (then applied to the
warehouse in one transaction, with the audit line), under the writers' lock, and `build` replays it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from .. import audit, config, demo_state
from ..accounts import Account
from ..archive import log_review
from ..recovery import catch_up
from ..schools.readiness import refresh_readiness
from ..status import refresh_assessments
from ..warehouse import connect, transaction
from ..writer_lock import say_on_stderr, writer_lock

DECISIONS = {"approved": "审核通过", "returned": "退回"}
AUDIT_EVENTS = {"approved": "review_approved", "returned": "review_returned"}


class ReviewError(Exception):
    """A decision cannot be made; the message says why, in Chinese."""


@dataclass
class Decision:
    submission_id: int
    decision: str
    message: str
    changed: bool  # False when the workbook already had this decision (nothing logged)


def decide(raw_dir: Path, db_path: Path, submission_id: int, decision: str, actor: Account, note: str | None = None,
           source: str = "网页", say: Callable[[str], None] | None = None) -> Decision:
    """Approve or return one workbook in the actor's name (its role decides which units it may review)."""
    note = _allowed(decision, actor, note)
    with writer_lock(db_path, raw_dir, purpose=f"记录审核决定 #{submission_id}", say=say), connect(db_path) as con:
        for line in catch_up(con, raw_dir):
            (say or say_on_stderr)(f"恢复：{line}")
        row = reviewable(con, submission_id, actor)
        return _decide_locked(con, raw_dir, row, decision, actor.name, note, datetime.now().replace(microsecond=0),
                              source)


def _allowed(decision: str, actor: Account, note: str | None) -> str | None:
    """The note as kept; ReviewError when the account may not decide or a return has no reason."""
    if decision not in DECISIONS:
        raise ValueError(decision)
    note = (note or "").strip() or None
    if decision == "returned" and not note:
        raise ReviewError("退回须写明原因（告诉填报单位要改什么）")
    if not actor.is_reviewer:
        raise ReviewError(f"账号{actor.label()}不能审核工作簿：只有管理账号和审核账号可以")
    return note


def reviewable(con: duckdb.DuckDBPyConnection, submission_id: int, actor: Account) -> dict:
    """The workbook, if it exists, is not withdrawn and is of a unit the account reviews; else ReviewError."""
    row = submission(con, submission_id)
    if row["withdrawn"]:
        raise ReviewError(f"填报 #{submission_id}（{row['unit']} {row['year']}年度“{row['file_name']}”）已撤回，不能再审核")
    if not actor.may_review(row["unit"]):
        raise ReviewError(f"填报 #{submission_id} 为{row['unit']}的工作簿，账号{actor.label()}只能审核"
                          f"{'、'.join(actor.units or []) or '指定单位'}的工作簿")
    return row


def refusals(db_path: Path, ids: list[int], decision: str, actor: Account, note: str | None) -> list[str]:
    """Why any of these decisions would be refused (all are checked before one is made: all or none)."""
    try:
        _allowed(decision, actor, note)
    except ReviewError as exc:
        return [str(exc)]
    said = []
    with connect(db_path, read_only=True) as con:
        for submission_id in ids:
            try:
                reviewable(con, submission_id, actor)
            except ReviewError as exc:
                said.append(str(exc))
    return said


def record_decision(raw_dir: Path, db_path: Path, submission_id: int, decision: str, by: str, at: datetime,
                    note: str | None = None) -> Decision:
    """A decision made by the platform itself (the demo data's approvals), without an account's role."""
    with writer_lock(db_path, raw_dir, purpose=f"记录审核决定 #{submission_id}"), connect(db_path) as con:
        return _decide_locked(con, raw_dir, submission(con, submission_id), decision, by, note, at, None)


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
                refresh_readiness(con)
    return len(pending)


def submission(con: duckdb.DuckDBPyConnection, submission_id: int) -> dict:
    rows = con.execute(
        """select submission_id, sha256, file_name, unit, year, is_demo, withdrawn, review_status, review_note,
                  exists(select 1 from school_workbooks w where w.submission_id = s.submission_id) as is_school
           from submissions s where submission_id = ?""", [submission_id]).df()
    if rows.empty:
        raise ReviewError(f"填报编号 {submission_id} 不存在")
    return rows.iloc[0].to_dict()


def _decide_locked(con, raw_dir: Path, row: dict, decision: str, by: str, note: str | None, at: datetime,
                   source: str | None) -> Decision:
    number, name = int(row["submission_id"]), row["file_name"]
    what = f"填报 #{number}（{row['unit']} {row['year']}年度“{name}”）"
    if row["withdrawn"]:
        raise ReviewError(f"{what}已撤回，不能再审核")
    if row["review_status"] == decision:
        return Decision(number, decision, f"{what}的审核状态已是“{config.REVIEW_LABELS[decision]}”，未做更改", False)
    ending = ends_demo(con, row, decision)
    log_review(raw_dir, row["sha256"], decision, by, note, at)
    if ending:  # logged before it is applied, as every decision: a crash in between is caught up (recovery)
        demo_state.log_end(raw_dir, by, demo_state.REASON_REAL_APPROVED, at)
    with transaction(con):
        removed = apply_and_refresh(con, row, decision, by, at, note)
        message = f"已{DECISIONS[decision]}{what}" + (f"：{note}" if note else "")
        if source is not None:  # the demo's approvals are not people's actions
            audit.record(raw_dir, None, AUDIT_EVENTS[decision], by, message, file_name=name, sha256=row["sha256"],
                         submission_id=number, source=source, con=con)
        if removed:
            audit.record(raw_dir, None, "demo_ended", by, f"{demo_state.REASON_REAL_APPROVED}（填报 #{number}），"
                         f"示例数据工作簿 {removed} 个不再计入", submission_id=number, source=source or "平台", con=con)
    ended = f"；示例数据已结束（{removed} 个示例工作簿不再计入任何页面和报表）" if removed else ""
    return Decision(number, decision, message + _what_counts(con, row, decision) + ended, True)


def ends_demo(con: duckdb.DuckDBPyConnection, row: dict, decision: str) -> bool:
    """Whether this decision ends the demo: the first approval of a real workbook while demo data is loaded."""
    return decision == "approved" and not row["is_demo"] and demo_state.in_warehouse(con)


def apply_and_refresh(con: duckdb.DuckDBPyConnection, row: dict, decision: str, by: str | None, at: datetime,
                      note: str | None) -> int:
    """A decision in the warehouse with the judgments it changes (the caller holds the transaction); a real
    workbook's first approval also takes the demo out (how many demo workbooks). The review preview runs
    this same code on a copy."""
    ending = ends_demo(con, row, decision)
    apply(con, int(row["submission_id"]), decision, by, at, note)
    removed = demo_state.purge(con) if ending else 0
    if removed:
        refresh_assessments(con)
        refresh_readiness(con)
    else:
        _refresh(con, row)
    return removed


def _what_counts(con, row: dict, decision: str) -> str:
    """After the decision: whether the workbook's values now count, or a later approved one's stand instead."""
    if decision != "approved":
        return "，其数值不计入，填报单位会在“数据填报”页看到原因"
    if row["is_school"]:
        counts = con.execute("select count(*) from school_books(true) where submission_id = ?",
                             [int(row["submission_id"])]).fetchall()[0][0]
        return "，其数值现已计入" if counts else "，但同年度有较晚收到并已通过的学校工作簿，以该工作簿为准"
    values, taking = con.execute(
        "select count(*), count(r.submission_id) from observations o left join reported_values(true) r "
        "on r.indicator_code = o.indicator_code and r.year = o.year and r.submission_id = o.submission_id "
        "where o.submission_id = ?", [int(row["submission_id"])]).fetchall()[0]
    if values and not taking:
        return "，但其数值均已被较晚收到并已通过的工作簿取代，现有数值不变"
    if taking < values:
        return f"，其数值 {taking} 个现已计入（另 {values - taking} 个以较晚收到并已通过的工作簿为准）"
    return "，其数值现已计入"


def apply(con: duckdb.DuckDBPyConnection, submission_id: int, decision: str, by: str | None, at: datetime,
          note: str | None) -> None:
    """Record a decision in the warehouse (the caller holds the transaction)."""
    con.execute("insert into review_decisions values (?, ?, ?, ?, ?)", [submission_id, decision, at, by, note])
    con.execute("update submissions set review_status = ?, reviewed_by = ?, reviewed_at = ?, review_note = ? "
                "where submission_id = ?", [decision, by, at, note, submission_id])


def apply_logged(con: duckdb.DuckDBPyConnection, decisions: list[tuple[int, dict]]) -> int:
    """The log's decisions (submission id, event), in order, that the warehouse lacks; how many were applied.

    The warehouse's decisions are always a prefix of the log's (each is logged before it is applied), so
    a workbook's first n logged decisions are those it has.
    """
    have = dict(con.execute("select submission_id, count(*) from review_decisions group by all").fetchall())
    seen: dict[int, int] = {}
    applied = 0
    for submission_id, event in decisions:
        seen[submission_id] = seen.get(submission_id, 0) + 1
        if seen[submission_id] <= have.get(submission_id, 0):
            continue
        apply(con, submission_id, event["decision"], event.get("by"), datetime.fromisoformat(event["at"]),
              event.get("note"))
        applied += 1
    return applied


def _refresh(con: duckdb.DuckDBPyConnection, row: dict) -> None:
    """A workbook changes the acceptance judgments of its year and later, and the targets: a school workbook
    gives its criteria and the school counts of its register (CU_SCHOOLS …); a unit's, its indicators, which
    criteria asked once take (criteria.indicator_code)."""
    refresh_readiness(con, {int(row["year"])})
    refresh_assessments(con)


# Workbooks loaded and awaiting review (not counted anywhere yet), of one unit or all: ? include_demo, ? ? unit.
PENDING_COUNT = ("select count(*) as n from submissions where review_status = 'pending' and not withdrawn "
                 "and (? or not is_demo) and (? is null or unit = ?)")


def pending_count(con: duckdb.DuckDBPyConnection, include_demo: bool = True, unit: str | None = None) -> int:
    return con.execute(PENDING_COUNT, [include_demo, unit, unit]).fetchall()[0][0]


def status_label(review_status: str, withdrawn: bool) -> str:
    """待审核, 已通过, 已退回, or 已撤回 (which overrides every decision)."""
    return config.WITHDRAWN_LABEL if withdrawn else config.REVIEW_LABELS[review_status]


REVIEW_LIST = """
    select s.submission_id, s.unit, s.year, s.file_name, s.received_at, s.account, s.n_values, s.n_progress,
        s.n_warnings, s.is_demo, s.withdrawn, s.review_status, s.reviewed_by, s.reviewed_at, s.review_note,
        w.submission_id is not null as is_school,
        (select count(*) from submissions l
         where l.unit = s.unit and l.year = s.year and l.submission_id > s.submission_id and not l.withdrawn
           and coalesce((select k.kind from special_workbooks k where k.submission_id = l.submission_id), 'unit')
             = coalesce((select k.kind from special_workbooks k where k.submission_id = s.submission_id), 'unit')
        ) as n_later
    from submissions s left join school_workbooks w using (submission_id)
    where (? = 'all' or s.review_status = ?) and (? = 'all' or not s.withdrawn)
    order by s.submission_id
"""


def review_list(con: duckdb.DuckDBPyConnection, status: str = "pending", actor: Account | None = None):
    """Workbooks with a review status ('pending', 'approved', 'returned', or 'all'), not withdrawn unless 'all',
    and for a 审核 account only those of its units; n_later: later workbooks for the same unit and year."""
    frame = con.execute(REVIEW_LIST, [status, status, status]).df()
    if actor is not None and not actor.is_admin:
        frame = frame[[actor.may_review(u) for u in frame["unit"]]]
    return frame.reset_index(drop=True)
