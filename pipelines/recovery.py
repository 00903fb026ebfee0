"""After a crash: tidy what a killed writer left, and bring the warehouse up to the archive's log.

A writer can die at any moment (kill -9, power loss, a full disk). What it leaves, and what the next one
does about it (holding the writers' lock, so that no writer is running):
- an unfinished last line in submissions/log.jsonl or audit/audit.jsonl: moved aside (jsonlog.repair_tail);
- `*.partial` in the archive: half a copy, removed; a stored file that no log line names: it was never
  accepted: moved to the quarantine (never deleted: pipelines/quarantine.py);
- `.warehouse.duckdb.<pid>.building` beside the warehouse: a build that never swapped its file in: removed;
- `data/.raw.restore.json`, a restore's marker (restore_state): killed before its raw folder was in place, the
  raw folder stays as it was; after, the restore is finished (accounts, the demo's end, the rebuild);
- a workbook logged as accepted whose load never committed, a withdrawal, review decision, 佐证材料 or ruling
  (裁定) logged but not applied, audit lines not yet in the `audit` table: the warehouse is brought up to the log (catch_up), since the log is
  the record and a rebuild would load them.
"""

from collections.abc import Callable
from pathlib import Path

import duckdb

from . import audit, demo_state, jsonlog
from .archive import in_order, log_path, read_log, tidy_archive
from .warehouse import transaction


def tidy_after_crash(db_path: Path | None, raw_dir: Path | None, everything: bool = False,
                     restores: bool = True) -> list[str]:
    """Tidy the files a killed writer left; a sentence for each thing done.

    everything: look at every file of the archive, not only the one a killed ingest was storing (build).
    restores: finish or undo a killed restore (build, which took the writers' lock, has had that done).
    """
    notes = []
    if raw_dir is not None:
        from .backup import finish_interrupted

        if restores:
            notes += finish_interrupted(raw_dir)  # first: a restore killed half-way may have the raw folder aside
        for path, what in ((log_path(raw_dir), "载入、撤回、审核或佐证材料保存"), (audit.log_path(raw_dir), "审计记录")):
            note = jsonlog.repair_tail(path, what)
            if note:
                notes.append(note)
        notes += tidy_archive(raw_dir, everything)
    if db_path is not None:
        db_path = Path(db_path)
        for path in sorted(db_path.parent.glob(f".{db_path.name}.*.building*")):
            path.unlink(missing_ok=True)
            notes.append(f"已删除上次中断的重建留下的临时文件：{path.name}")
    return notes


def includes_demo(con: duckdb.DuckDBPyConnection, events: list[dict]) -> bool:
    """Whether the warehouse was built with the demo workbooks (`build --no-demo` leaves them out)."""
    logged_demo = any(e.get("is_demo") for e in events if e.get("event") == "accepted")
    return not logged_demo or bool(con.execute("select count(*) from submissions where is_demo").fetchall()[0][0])


def behind(con: duckdb.DuckDBPyConnection, events: list[dict]) -> str | None:
    """What the warehouse lacks of the archive's log (a writer killed after logging, before its commit), in a
    word, or None: cheap enough for every reader (the app's pages, `status`, `report`) to ask before it reads.

    The warehouse is behind when the log holds a workbook it should have loaded, a withdrawal, review
    decision or 佐证材料 it lacks, or the demo's end while demo workbooks are still in it.
    """
    loaded = dict(con.execute("select sha256, withdrawn from submissions").fetchall())
    ended = demo_state.ended_in_log(events) is not None
    if ended and any(True for (_,) in con.execute("select 1 from submissions where is_demo limit 1").fetchall()):
        return "示例数据已在归档日志中结束"
    demo_loaded = includes_demo(con, events) and not ended
    accepted = {e["sha256"] for e in events if e.get("event") == "accepted" and (demo_loaded or not e.get("is_demo"))}
    if accepted - set(loaded):
        return "有已记入归档日志的工作簿尚未载入"
    events = in_order(events)  # as a rebuild applies them
    if {e["sha256"] for e in events if e.get("event") == "withdrawn" and e["sha256"] in loaded} != {
            sha for sha, gone in loaded.items() if gone}:
        return "有已记入归档日志的撤回尚未生效"
    decisions = sum(e.get("event") == "review" and e["sha256"] in loaded for e in events)
    if con.execute("select count(*) from review_decisions").fetchall()[0][0] < decisions:
        return "有已记入归档日志的审核决定尚未生效"
    attached = sum(e.get("event") == "evidence" and e["workbook_sha256"] in loaded for e in events)
    if con.execute("select count(*) from evidence").fetchall()[0][0] < attached:
        return "有已记入归档日志的佐证材料尚未登记"
    return None


def catch_up(con: duckdb.DuckDBPyConnection, raw_dir: Path, events: list[dict] | None = None) -> list[str]:
    """Load into the warehouse what the log holds and the warehouse lacks (call with the writers' lock held).

    Cheap when nothing is missing (the usual case): the log (events, if already read) is compared with
    the submissions. Returns a sentence for each thing done.
    """
    from .load_submissions import replay
    from .rulings import apply_logged
    from .schools.readiness import refresh_readiness
    from .status import refresh_assessments

    events = read_log(raw_dir) if events is None else events
    notes = []
    with transaction(con):
        ended = demo_state.ended_in_log(events)
        removed = demo_state.purge(con) if ended else 0  # the demo ended (logged) before the warehouse knew
        if removed:
            notes.append(f"已按归档日志结束示例数据（{ended.get('reason')}），示例工作簿 {removed} 个不再计入")
        done = replay(con, raw_dir, events, includes_demo(con, events))
        for entry in done.loaded:
            note = f"“{entry.file_name}”已记入归档日志，但上次载入在完成前中断：现已补载（{entry.unit} {entry.year}年度）"
            notes.append(note)
            audit.record(raw_dir, None, "load", entry.account, note, file_name=entry.file_name, sha256=entry.sha256,
                         source="恢复", con=con)
        if done.withdrawn:
            notes.append(f"已补记上次中断前登记的撤回 {done.withdrawn} 项")
        if done.decided:
            notes.append(f"已补记上次中断前登记的审核决定 {done.decided} 项")
        if done.evidence:
            notes.append(f"已补记上次中断前保存的佐证材料 {done.evidence} 个")
        ruled = apply_logged(con, events)
        if ruled:
            notes.append(f"已补记上次中断前登记的目标口径裁定 {ruled} 项")
        if done.loaded or done.withdrawn or done.decided or removed or ruled:
            refresh_assessments(con)
            refresh_readiness(con)  # issue 12: the acceptances' judgments
        logged = jsonlog.count(audit.log_path(raw_dir))
        if con.execute("select count(*) from audit").fetchall()[0][0] < logged:
            con.execute("delete from audit")
            audit.load_log(con, raw_dir)
    return notes


def stale(db_path: Path, raw_dir: Path) -> str | None:
    """Why the warehouse must be brought up to date before it is read, in a word, or None: a restore left
    unfinished (restore_state), or the warehouse behind the archive's log (behind). No lock: cheap enough
    for the service start, every command that reads and the app's pages to ask first."""
    from . import restore_state
    from .warehouse import connect

    state = restore_state.read(raw_dir)
    if state is not None and not state.get("failed"):
        return "上次从备份恢复没有完成"
    with connect(Path(db_path), read_only=True) as con:
        return behind(con, read_log(raw_dir))


def bring_up_to_date(db_path: Path, raw_dir: Path, say: Callable[[str], None] | None = None,
                     wait: float | None = None) -> list[str]:
    """Take the writers' lock (which finishes a killed restore and tidies what killed writers left) and catch
    the warehouse up with the log; a sentence for each thing done. say: where waiting for another writer is
    said (stderr by default); wait: how long to wait for it (WriterBusy after)."""
    from .warehouse import connect
    from .writer_lock import RECOVERED, say_on_stderr, writer_lock

    notes = []

    def hear(message: str) -> None:
        if message.startswith(RECOVERED):
            notes.append(message.removeprefix(RECOVERED))
        else:
            (say or say_on_stderr)(message)

    with writer_lock(db_path, raw_dir, purpose="按归档日志补齐数据仓库", say=hear, wait=wait):
        if Path(db_path).exists():
            with connect(Path(db_path)) as con:
                notes += catch_up(con, raw_dir)
    return notes
