"""`ingest`: check a unit's workbook, archive it, load it — or refuse it whole, with every reason."""

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from . import audit, config, demo_state
from .accounts import Account
from .archive import Origin, archive, log_withdrawal, read_log, sha256_of_file
from .imports.provenance import load_origin
from .load_submissions import load_one
from .planning.changes import is_plan_book
from .planning.load import check_plan_file
from .problems import HasProblems, InputError, Problem, count_text
from .recovery import catch_up
from .schools.check import is_school_book
from .schools.ingest import check_school_file
from .schools.readiness import refresh_readiness
from .status import refresh_assessments
from .warehouse import connect, transaction
from .workbook_check import Checked, Context, check_book
from .workbook_read import read_book, too_large
from .writer_lock import say_on_stderr, writer_lock


@dataclass
class IngestResult(HasProblems):
    file: str
    outcome: str  # 'loaded', 'duplicate', 'rejected', 'checked'
    problems: list[Problem] = field(default_factory=list)
    unit: str | None = None
    year: int | None = None
    submission_id: int | None = None
    n_values: int = 0
    n_progress: int = 0
    changes: pd.DataFrame | None = None  # what this workbook changes against the current values
    message: str = ""
    checked: Checked | None = None


def check_file(con: duckdb.DuckDBPyConnection, path: Path, file: str, actor: Account | None = None,
               is_demo: bool = False) -> IngestResult:
    """Read and check a workbook against the warehouse without changing anything.

    With an actor, the workbook must also be one the account may send (its own unit's, or any for 管理).
    A real workbook is compared with real values only (is_demo: a demo workbook, with demo values).
    """
    result = _check_file(con, path, file, is_demo)
    # A workbook refused for its own faults is said to be another unit's too, when it is (that comes first).
    # A copy of a loaded file too: an account that may not send it learns nothing of what became of it.
    foreign = result.outcome in ("checked", "duplicate") or (result.outcome == "rejected" and result.unit is not None)
    if actor is not None and foreign and not actor.may_report_for(result.unit):
        reason = (f"账号{actor.label()}不能上传工作簿" if not actor.may_report_for(actor.unit) else
                  f"此工作簿为{result.unit}的填报，账号{actor.label()}只能上传本单位的工作簿")
        result.outcome = "rejected"
        result.problems = [Problem(file, reason), *result.problems]
        result.message = f"“{file}”未载入：{reason}"
        result.changes = None  # nothing of it will load: do not show what it would change
    return result


def _refused(file: str, problems: list[Problem]) -> IngestResult:
    return IngestResult(file, "rejected", problems, message=f"“{file}”未载入：{len(problems)} 个问题")


def _check_file(con: duckdb.DuckDBPyConnection, path: Path, file: str, is_demo: bool) -> IngestResult:
    large = too_large(path, file)
    if large:
        return _refused(file, [large])
    sha = sha256_of_file(path)
    copied = None if is_demo else demo_state.is_demo_copy(con, sha)
    if copied:
        return _refused(file, [Problem(file, f"此文件与示例数据工作簿“{copied}”完全相同：示例数据是为演示而虚构的数值，"
                                             "不是本单位的填报。请下载本单位的工作簿，填写真实数据后上传")])
    known = con.execute(
        "select file_name, received_at, unit, year, review_status, review_note, withdrawn, submission_id from submissions "
        "where sha256 = ? order by submission_id limit 1", [sha]
    ).fetchall()
    if known:
        name, when, unit, year, status, note, withdrawn, number = known[0]
        state = review_state_sentence(number, status, note, withdrawn)
        return IngestResult(file, "duplicate", unit=unit, year=year,
                            message=f"“{file}”与 {when:%Y-%m-%d %H:%M} 载入的“{name}”内容完全相同，未重复载入（{state}）")
    try:
        book = read_book(path, file)
        if is_school_book(book):  # issue 12: 旗教育局's school and kindergarten workbook
            return check_school_file(con, book, file, is_demo)
        if is_plan_book(book):  # issue 23: a unit's planned changes and age population
            return check_plan_file(con, book, file, is_demo)
        ctx = Context.from_warehouse(con)
        ctx.values.demo = is_demo
        checked = check_book(book, ctx)
    except InputError as exc:
        return _refused(file, exc.problems)
    result = IngestResult(file, "checked", checked.problems, checked.unit, checked.year,
                          n_values=len(checked.observations), n_progress=len(checked.progress), checked=checked)
    if checked.errors:
        result.outcome = "rejected"
        result.message = f"“{file}”未载入：{count_text(checked.problems)}"
        return result
    result.changes = changes_against_current(checked, ctx)
    return result


def review_state_sentence(submission_id: int, status: str, note: str | None, withdrawn: bool) -> str:
    """填报 #12 待审核 / 已通过 / 已退回：原因 / 已撤回."""
    if withdrawn:
        return f"填报 #{submission_id} {config.WITHDRAWN_LABEL}"
    return f"填报 #{submission_id} {config.REVIEW_LABELS[status]}" + (f"：{note}" if status == "returned" and note else "")


CHANGE_COLUMNS = ["indicator_code", "name", "unit", "year", "current_value", "value", "change", "note"]


def change_of(value: float, current: float | None) -> str:
    """新增, 更正 or 不变: a typed value against the one that counts now."""
    return "新增" if current is None or pd.isna(current) else ("不变" if abs(value - current) < 1e-9 else "更正")


def changes_against_current(checked: Checked, ctx: Context) -> pd.DataFrame:
    """Each reported value beside the reported value it would replace (for showing before loading): the value
    that counts now, from approved workbooks (what a reviewer's approval of this one would change)."""
    frame = checked.observations.copy()
    frame["current_value"] = [ctx.values.reported(code, year) for code, year in zip(frame["indicator_code"], frame["year"])]
    frame["current_value"] = frame["current_value"].astype(float)
    frame["name"] = [ctx.indicators[code]["name"] for code in frame["indicator_code"]]
    frame["unit"] = [ctx.indicators[code]["unit"] for code in frame["indicator_code"]]
    frame["change"] = [change_of(v, c) for v, c in zip(frame["value"], frame["current_value"])]
    return frame[CHANGE_COLUMNS]


def ingest_file(path: Path, raw_dir: Path, db_path: Path, file: str | None = None, account: str | None = None,
                is_demo: bool = False, received_at: datetime | None = None, actor: Account | None = None,
                source: str = "命令行", say: Callable[[str], None] | None = None,
                origin: Origin | None = None) -> IngestResult:
    """Check, archive, load one workbook. A rejected file changes neither the warehouse nor the archive.

    Everything happens under the writers' lock (a build cannot swap the warehouse in between), and the
    warehouse is first brought up to the archive's log (recovery.catch_up). The workbook is archived and
    logged, then loaded in one transaction: a crash before the commit leaves the warehouse as it was, and
    the next writer loads the logged workbook. With an actor, its role decides which units' workbooks it
    may load; every outcome (except for demo workbooks) is written to the audit trail. say: where to say
    that this ingest waits for another writer (stderr by default). origin: for a workbook made by `import`,
    the export, mapping and source cells it was made from, archived beside it and named in its log line
    (and its confirmed mapping saved) once the workbook is accepted — never for a refused one.
    """
    file = file or Path(path).name
    who = actor.name if actor else account
    with writer_lock(db_path, raw_dir, purpose=f"载入“{file}”", say=say):
        if not Path(db_path).exists():
            from .build import build

            build(raw_dir, db_path, say=say)
        with connect(db_path) as con:
            return _ingest_locked(con, path, raw_dir, file, who, is_demo, received_at, actor, source, say, origin)


def _ingest_locked(con, path: Path, raw_dir: Path, file: str, who: str | None, is_demo: bool,
                   received_at: datetime | None, actor: Account | None, source: str, say,
                   origin: Origin | None = None) -> IngestResult:
    events = read_log(raw_dir)
    for note in catch_up(con, raw_dir, events):
        (say or say_on_stderr)(f"恢复：{note}")
    if is_demo and demo_state.ended_in_log(events):  # the demo generator after the demo's end
        return _refused(file, [Problem(file, "示例数据已结束，不再载入示例数据工作簿")])
    result = check_file(con, path, file, actor, is_demo)
    if result.outcome != "checked":
        if not is_demo:
            event = "duplicate" if result.outcome == "duplicate" else "refusal"
            summary = result.message if event == "duplicate" else "；".join(p.reason for p in result.errors[:3])
            sha = None if too_large(path, file) else sha256_of_file(path)
            audit.record(raw_dir, None, event, who, summary, file_name=file, sha256=sha, source=source, con=con)
        return result
    checked = result.checked
    entry = archive(raw_dir, Path(path).read_bytes(), file, checked.unit, checked.year,
                    received_at or datetime.now().replace(microsecond=0), is_demo, who, events, origin)
    with transaction(con):
        # Loaded as 待审核: nothing counts (no judgment changes) until a reviewer approves it (collection.review).
        logged = (events if any(e.get("event") == "accepted" and e["sha256"] == entry.sha256 for e in events)
                  else [*events, asdict(entry)])
        result.submission_id = load_one(con, checked, entry, logged)
        if entry.origin:  # issue 18: the export, mapping and source cells an import read
            load_origin(con, raw_dir, result.submission_id, entry.origin, entry.file_name)
        own = hasattr(checked, "summary")  # the school or the planning workbook: it says what it holds
        loaded = checked.summary() if own else f"{checked.unit} {checked.year}年度，数值 {len(checked.observations)} 个"
        if is_demo:
            demo_state.remember_fingerprints(con, [asdict(entry)])
        else:
            audit.record(raw_dir, None, "load", who, f"已载入：{loaded}", file_name=file, sha256=entry.sha256,
                         submission_id=result.submission_id, source=source, con=con)
    result.outcome = "loaded"
    answers = len(checked.rectifications)
    result.message = (
        f"已载入“{file}”：{loaded}" + ("" if own else f"，任务进展 {len(checked.progress)} 项")
        + (f"，整改说明 {answers} 项" if answers else "")
        + (f"，警告 {len(checked.warnings)} 条" if checked.warnings else "")
        + f"。填报 #{result.submission_id} 待审核：审核通过后计入各页面和报表"
    )
    return result


def withdraw(raw_dir: Path, db_path: Path, submission_id: int, actor: Account, reason: str,
             source: str = "网页", say: Callable[[str], None] | None = None) -> str:
    """Take a submission out of the figures (管理 only); it stays in the archive, the log and the history."""
    if not actor.is_admin:
        raise PermissionError(f"账号{actor.label()}不能撤回填报，只有管理账号可以")
    with writer_lock(db_path, raw_dir, purpose=f"撤回填报 #{submission_id}", say=say), connect(db_path) as con:
        for note in catch_up(con, raw_dir):
            (say or say_on_stderr)(f"恢复：{note}")
        row = con.execute("select sha256, file_name, withdrawn from submissions where submission_id = ?",
                          [submission_id]).fetchall()
        if not row:
            raise LookupError(f"填报编号 {submission_id} 不存在")
        sha, name, already = row[0]
        if already:
            return f"填报 #{submission_id}（{name}）此前已撤回"
        now = datetime.now().replace(microsecond=0)
        log_withdrawal(raw_dir, sha, actor.name, reason, now)
        with transaction(con):
            con.execute("update submissions set withdrawn = true, withdrawn_at = ?, withdrawn_by = ? where submission_id = ?",
                        [now, actor.name, submission_id])
            refresh_assessments(con)
            refresh_readiness(con)
            audit.record(raw_dir, None, "withdrawal", actor.name, f"已撤回填报 #{submission_id}：{reason}",
                         file_name=name, sha256=sha, submission_id=submission_id, source=source, con=con)
    return f"已撤回填报 #{submission_id}（{name}），其数值不再计入"
