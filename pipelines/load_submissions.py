"""Load accepted workbooks into the warehouse: the archive's log replayed in order, or one new workbook.

`build` replays the whole log into an empty warehouse; `ingest` (and every writer, on taking the lock)
first catches the warehouse up with the log: a workbook logged as accepted by an ingest killed before
its load committed is loaded then, so the warehouse always ends up as a rebuild would make it. Rows are
gathered in Python and inserted table by table at the end (an insert costs about the same for one row
as for thousands), and the current values for the checks are kept in memory as workbooks are added.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from . import demo_state
from .archive import Entry, entry_of, submissions_dir
from .collection import evidence, review
from .imports.provenance import load_origin
from .planning.changes import Context as PlanContext
from .planning.changes import PlanChecked, check_plan_book, is_plan_book
from .planning.load import load_plan_rows
from .problems import InputError, Problem
from .schools.check import Context as SchoolContext
from .schools.check import SchoolChecked, check_school_book, is_school_book
from .schools.ingest import load_school_rows
from .warehouse import insert_frame
from .workbook_check import OBSERVATION_COLUMNS, PROGRESS_COLUMNS, Checked, Context, check_book
from .workbook_read import read_book

SUBMISSION_COLUMNS = ["submission_id", "file_name", "archive_path", "sha256", "unit", "year", "received_at", "is_demo",
                      "account", "n_values", "n_progress", "n_warnings"]
WARNING_COLUMNS = ["submission_id", "sheet", "row", "column", "reason", "kind"]


def positions(events: list[dict]) -> dict[str, int]:
    """Each logged workbook's submission id: its place among the log's accepted workbooks (1, 2, …).

    The id does not depend on which workbooks a warehouse loads (demo ones are left out once the demo has
    ended, or with `build --no-demo`), so a workbook keeps its number in every rebuild.
    """
    numbers: dict[str, int] = {}
    for event in events:
        if event.get("event") == "accepted" and event["sha256"] not in numbers:
            numbers[event["sha256"]] = len(numbers) + 1
    return numbers


@dataclass
class Batch:
    """Workbooks to insert together, each with its submission id."""

    submissions: list[dict] = field(default_factory=list)
    observations: list[pd.DataFrame] = field(default_factory=list)
    progress: list[pd.DataFrame] = field(default_factory=list)
    rectifications: list[pd.DataFrame] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    by_sha: dict[str, int] = field(default_factory=dict)

    def add(self, checked: Checked, entry: Entry, submission_id: int) -> int:
        self.by_sha[entry.sha256] = submission_id
        self.submissions.append({
            "submission_id": submission_id, "file_name": entry.file_name, "archive_path": entry.path,
            "sha256": entry.sha256, "unit": checked.unit, "year": checked.year,
            "received_at": datetime.fromisoformat(entry.received_at), "is_demo": bool(entry.is_demo),
            "account": entry.account, "n_values": len(checked.observations), "n_progress": len(checked.progress),
            "n_warnings": len(checked.warnings),
        })
        self.observations.append(checked.observations.assign(submission_id=submission_id))
        self.progress.append(checked.progress.assign(submission_id=submission_id))
        self.rectifications.append(checked.rectifications.assign(submission_id=submission_id))
        self.warnings += [{"submission_id": submission_id, "sheet": w.sheet, "row": w.row, "column": w.column,
                           "reason": w.reason, "kind": w.kind} for w in checked.warnings]
        return submission_id

    def insert(self, con: duckdb.DuckDBPyConnection) -> None:
        """Everything gathered, inside the caller's transaction."""
        if not self.submissions:
            return
        insert_frame(con, "submissions", pd.DataFrame(self.submissions, columns=SUBMISSION_COLUMNS).astype({"account": object}))
        insert_frame(con, "observations", pd.concat(self.observations, ignore_index=True))
        insert_frame(con, "task_progress", pd.concat(self.progress, ignore_index=True))
        insert_frame(con, "rectifications", pd.concat(self.rectifications, ignore_index=True))
        insert_frame(con, "ingest_warnings", pd.DataFrame(self.warnings, columns=WARNING_COLUMNS))
        # inserted: what is gathered next is inserted on its own (a replay inserts in steps: issue 23)
        self.submissions, self.observations, self.progress, self.rectifications, self.warnings = [], [], [], [], []


@dataclass
class Replayed:
    loaded: list[Entry] = field(default_factory=list)
    skipped_demo: int = 0
    withdrawn: int = 0
    decided: int = 0  # review decisions applied
    evidence: int = 0  # 佐证材料 files recorded


def replay(con: duckdb.DuckDBPyConnection, raw_dir: Path, events: list[dict], include_demo: bool,
           ctx: Context | None = None) -> Replayed:
    """Load the logged workbooks of events (in order) that the warehouse lacks, and apply withdrawals, review
    decisions and 佐证材料 (each in its place in the log, so that a workbook is checked against the values
    that counted when it was received).

    A workbook the current checks refuse stops the replay (InputError): the archive and the catalogue
    disagree, which a person must look at — unless it was withdrawn later in the log (the way out for a
    workbook accepted before a check was added, such as the bounds of config.py): then it keeps its place
    in the history, without values, and says why.
    """
    ctx = ctx or Context.from_warehouse(con)
    known = dict(con.execute("select sha256, submission_id from submissions").fetchall())
    withdrawn = {sha for (sha,) in con.execute("select sha256 from submissions where withdrawn").fetchall()}
    numbers = positions(events)
    demo_state.remember_fingerprints(con, events)
    include_demo = include_demo and demo_state.ended_in_log(events) is None  # demo data end for good
    batch = Batch()
    done = Replayed()
    withdrawals = []
    schools: list[tuple[SchoolChecked, int]] = []  # issue 12: school workbooks, their rows inserted after
    school_ctx = None
    plans: list[tuple[PlanChecked, int]] = []  # issue 23: planning workbooks, likewise
    withdrawn_later = {e["sha256"] for e in events if e.get("event") == "withdrawn"}
    decisions: list[tuple[int, dict]] = []
    attached: list[tuple[int, dict]] = []
    accepted_before: set[str] = set()
    for number, event in enumerate(events, start=1):
        kind = event.get("event")
        if kind in ("withdrawn", "review", "evidence"):
            sha = event["workbook_sha256"] if kind == "evidence" else event["sha256"]
            submission_id = known.get(sha, batch.by_sha.get(sha))
            # a demo workbook left out (build --no-demo); or a line before the workbook's acceptance (a file
            # admitted again from the quarantine: what was decided about it before is history, archive.in_order)
            if submission_id is not None and sha in accepted_before:
                _take_decision(event, submission_id, number, raw_dir, ctx, decisions, attached, withdrawals, withdrawn)
            continue
        if kind not in (None, "accepted"):  # the demo's end (read above), or an event of a later version
            continue
        entry = entry_of(event)
        accepted_before.add(entry.sha256)
        if entry.sha256 in known or entry.sha256 in batch.by_sha:
            continue
        if entry.is_demo and not include_demo:
            done.skipped_demo += 1
            continue
        ctx.values.demo = bool(entry.is_demo)  # a real workbook is compared with real values only
        path = submissions_dir(raw_dir) / entry.path
        if not path.exists():
            raise InputError([Problem(entry.file_name, f"归档文件缺失：{path}（日志第{number}条记录）")])
        checked, school_ctx = _check_again(con, path, entry, ctx, school_ctx, lambda: load_schools(con, batch, schools))
        checked = _kept_or_refused(checked, entry, withdrawn_later)
        submission_id = batch.add(checked, entry, numbers[entry.sha256])
        if isinstance(checked, SchoolChecked):
            schools.append((checked, submission_id))
        elif isinstance(checked, PlanChecked):
            plans.append((checked, submission_id))
        ctx.values.add(submission_id, checked.observations[["indicator_code", "year", "value"]].itertuples(index=False),
                       bool(entry.is_demo))
        done.loaded.append(entry)
    load_schools(con, batch, schools)
    batch.insert(con)
    for checked, submission_id in plans:
        load_plan_rows(con, checked, submission_id)
    _load_origins_and_withdrawals(con, raw_dir, batch, done.loaded, withdrawals)
    done.withdrawn = len(withdrawals)
    done.decided = review.apply_logged(con, decisions)
    done.evidence = evidence.record_logged(con, attached)
    return done


def load_schools(con: duckdb.DuckDBPyConnection, batch: Batch, schools: list) -> None:
    """The school workbooks gathered so far, with the submissions before them (a planning workbook is checked
    against the register they give: issue 23)."""
    if not schools:
        return
    batch.insert(con)
    for checked, submission_id in schools:
        load_school_rows(con, checked, submission_id)
    schools.clear()


_NO_VALUES = pd.DataFrame(columns=OBSERVATION_COLUMNS)
_NO_PROGRESS = pd.DataFrame(columns=PROGRESS_COLUMNS)


def _take_decision(event: dict, submission_id: int, number: int, raw_dir: Path, ctx: Context,
                   decisions: list, attached: list, withdrawals: list, withdrawn: set[str]) -> None:
    """A logged review decision, 佐证材料 or withdrawal of a known workbook, kept to apply after the loads (the
    values that count change at once, for the workbooks checked after it)."""
    kind = event["event"]
    if kind == "review":
        decisions.append((submission_id, event))
        ctx.values.decide(submission_id, event["decision"] == "approved")
    elif kind == "evidence":
        if not (submissions_dir(raw_dir) / event["path"]).exists():
            raise InputError([Problem(event["file_name"], f"归档的佐证材料缺失：{event['path']}（日志第{number}条记录）")])
        attached.append((submission_id, event))
    elif event["sha256"] not in withdrawn:
        withdrawn.add(event["sha256"])
        withdrawals.append(event)
        ctx.values.withdraw(submission_id)


def _check_again(con: duckdb.DuckDBPyConnection, path: Path, entry: Entry, ctx: Context,
                 school_ctx: SchoolContext | None,
                 load_register: Callable[[], None]) -> tuple[Checked, SchoolContext | None]:
    """An archived workbook read and checked by today's rules (the school and the planning workbook by their
    own); a workbook that cannot be read at all comes back with its problems as errors. The school context is
    made once, when needed; load_register puts the school workbooks read so far into the warehouse, since a
    planning workbook is checked against the register they give (issue 23)."""
    try:
        book = read_book(path, entry.file_name)
        if is_school_book(book):  # issue 12: checked by its own rules, loaded the same way
            school_ctx = school_ctx or SchoolContext.from_warehouse(con)
            return check_school_book(book, school_ctx), school_ctx
        if is_plan_book(book):
            load_register()
            return check_plan_book(book, PlanContext.from_warehouse(con)), school_ctx
        return check_book(book, ctx), school_ctx
    except InputError as exc:
        return Checked(entry.file_name, entry.unit, entry.year, _NO_VALUES, _NO_PROGRESS, exc.problems), school_ctx


def _load_origins_and_withdrawals(con: duckdb.DuckDBPyConnection, raw_dir: Path, batch: Batch, loaded: list[Entry],
                                  withdrawals: list[dict]) -> None:
    """After the loads: each imported workbook's export, mapping and source cells (issue 18), then the withdrawals."""
    for entry in loaded:
        if entry.origin:
            load_origin(con, raw_dir, batch.by_sha[entry.sha256], entry.origin, entry.file_name)
    for event in withdrawals:
        con.execute(
            "update submissions set withdrawn = true, withdrawn_at = ?, withdrawn_by = ? where sha256 = ?",
            [datetime.fromisoformat(event["at"]), event.get("by"), event["sha256"]],
        )


def _kept_or_refused(checked: Checked, entry: Entry, withdrawn_later: set[str]) -> Checked:
    """A workbook today's checks pass; one they refuse kept without values when it was withdrawn later in the log;
    otherwise the replay stops (InputError), saying what to do."""
    if not checked.errors:
        return checked
    if entry.sha256 in withdrawn_later:
        return _without_values(checked, entry)
    note = Problem(entry.file_name, f"归档文件 {entry.path} 按现行检查规则未通过，重建中止：请在“数据填报”页撤回该填报"
                                    "（撤回后重建时只保留其记录，不载入其数值），或修正指标目录")
    raise InputError([note, *checked.errors])


def _without_values(checked: Checked, entry: Entry) -> Checked:
    """A withdrawn workbook that today's checks refuse: its record only, with the first reason kept."""
    first = checked.errors[0]
    reason = f"已撤回的工作簿按现行检查规则未通过（{first}），重建时只保留其记录，不载入数值"
    return Checked(entry.file_name, entry.unit, entry.year, _NO_VALUES, _NO_PROGRESS,
                   [Problem(entry.file_name, reason, first.sheet, first.row, first.column, "warning", first.letter)])


def load_one(con: duckdb.DuckDBPyConnection, checked: Checked, entry: Entry, events: list[dict]) -> int:
    """Insert one accepted workbook (the caller holds the transaction); returns its submission id.

    events: the archive's log, with the workbook's own line."""
    batch = Batch()
    submission_id = batch.add(checked, entry, positions(events)[entry.sha256])
    batch.insert(con)
    if isinstance(checked, SchoolChecked):  # issue 12: the register, counts and county items
        load_school_rows(con, checked, submission_id)
    elif isinstance(checked, PlanChecked):  # issue 23: the planned changes and population
        load_plan_rows(con, checked, submission_id)
    return submission_id
