"""`health`: is the warehouse current with the raw folder? For the operator and a monitoring script.

Current means a rebuild would change nothing that the raw folder says: the plan inputs (notice, task
list, reference data) give the same tables, every workbook of the archive's log is loaded (and every
withdrawal, review decision, 佐证材料 and ruling applied), every audit line is in the `audit` table, and the archive holds no file that the log
does not name (nor the log a file the archive lacks). Exit status 0 when current, 1 when not (the text
says what differs and what to do) or when it cannot be checked.
"""

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ..core import config, jsonlog
from ..core.problems import InputError
from ..records import audit, demo_state, restore_state
from ..records.archive import PARTIAL, STORING, in_order, log_path, named_paths, read_log, submissions_dir
from ..warehouse import buildinfo
from ..warehouse.connection import WarehouseBusy, connect
from ..warehouse.schema import create_schema

SHOW = 5  # names listed per finding


@dataclass
class HealthReport:
    raw_dir: Path
    db_path: Path
    lines: list[str] = field(default_factory=list)  # what was found, for the operator
    findings: list[str] = field(default_factory=list)  # each one a way the warehouse is not current
    advice: str = ""
    quarantined: str | None = None  # the finding about files in the quarantine awaiting a person's decision

    @property
    def current(self) -> bool:
        return not self.findings

    def text(self) -> str:
        # the warehouse agrees with the log and only the quarantine waits: a person's decision, not a rebuild
        advice = "逐个核对并处理隔离区中的文件（见上），再运行 health 确认" if self.findings == [self.quarantined] else self.advice
        verdict = (["结论：数据仓库与原始数据一致。"] if self.current else
                   [f"结论：数据仓库与原始数据不一致（{len(self.findings)} 项）："] + [f"  - {f}" for f in self.findings]
                   + [f"处理：{advice}"])
        return "\n".join([*self.lines, *verdict])


def _names(items) -> str:
    items = sorted(items)
    return "、".join(items[:SHOW]) + (f" 等 {len(items)} 个" if len(items) > SHOW else "")


def check(raw_dir: Path, db_path: Path) -> HealthReport:
    raw_dir, db_path = Path(raw_dir), Path(db_path)
    report = HealthReport(raw_dir, db_path)
    report.advice = (f"按上面所说处理后运行 python -m pipelines build --raw {raw_dir} --db {db_path}，"
                     "再运行 health 确认")
    if (restoring := restore_state.read(raw_dir)) is not None:  # raw and warehouse differ for that reason alone
        report.findings.append(restore_state.explain(restoring))
        going_on = not restoring.get("failed") and restore_state.running(restoring)
        report.advice = ("等恢复完成后再运行 health" if going_on else
                         f"运行 python -m pipelines build --raw {raw_dir} --db {db_path}（或重启服务），再运行 health 确认")
        return report
    if not (raw_dir / config.PLAN_FILE).is_file():
        report.findings.append(f"原始数据目录 {raw_dir} 不存在或缺少 {config.PLAN_FILE}")
        return report
    try:
        events = read_log(raw_dir)
        audit_lines = len(audit.read_log(raw_dir))
    except (ValueError, InputError) as exc:
        where = "；".join(p.reason for p in exc.problems) if isinstance(exc, InputError) else ""
        report.findings.append("原始数据目录中的日志（submissions/log.jsonl 或 audit/audit.jsonl）有一行不是完整的记录"
                               f"（可能是断电或磁盘写满留下的半行），重建会失败{'：' + where if where else ''}")
        return report
    for path in (log_path(raw_dir), audit.log_path(raw_dir)):
        if jsonlog.has_unfinished_line(path):  # not a finding: readers leave it out, the next writer moves it aside
            report.lines.append(f"提示：{path} 的最后一行没有写完（上次写入中断），下一次载入或重建时会自动移到 {path.name}.torn")
    events = in_order(events)  # as a rebuild applies them
    accepted = [e for e in events if e.get("event") == "accepted"]
    withdrawn = {e["sha256"] for e in events if e.get("event") == "withdrawn"}
    decided = {e["sha256"]: e["decision"] for e in events if e.get("event") == "review"}  # the last decision counts
    attached = [e for e in events if e.get("event") == "evidence"]
    rulings = [e for e in events if e.get("event") == "ruling"]
    real = [e for e in accepted if not e.get("is_demo")]
    ended = "（已结束，不再载入）" if demo_state.ended_in_log(events) else ""
    report.lines.append(f"原始数据：{raw_dir}（归档工作簿 {len(accepted)} 个，其中示例数据 {len(accepted) - len(real)} 个{ended}；"
                        f"撤回 {len(withdrawn)} 次；审核决定 {sum(e.get('event') == 'review' for e in events)} 次；"
                        f"佐证材料 {len(attached)} 个；目标口径裁定 {len(rulings)} 项；审计记录 {audit_lines} 条）")
    if real:
        last = real[-1]  # the log is in the order loaded (received_at has whole seconds: several may share one)
        who = (last.get("account") or "命令行").strip("（）")
        report.lines.append(f"最近一次载入：{last['received_at'].replace('T', ' ')}，{last['unit']} {last['year']}年度"
                            f"“{last['file_name']}”（{who}）")
    else:
        report.lines.append("最近一次载入：还没有各单位上传的工作簿（只有示例数据）")
    _check_archive_files(raw_dir, events, report)
    _check_quarantine(raw_dir, report)

    if not db_path.exists():
        report.findings.append(f"数据仓库 {db_path} 不存在")
        return report
    stamp = buildinfo.last_build(db_path)
    report.lines.insert(0, f"数据仓库：{db_path}（最近一次重建："
                           + (f"{stamp['built_at'].replace('T', ' ')}" if stamp else "不详，重建后会记录") + "）")
    try:
        from ..plan.inputs import read_plan_inputs

        inputs = read_plan_inputs(raw_dir)
    except InputError as exc:
        report.findings.append(f"原始数据中的方案文件或参考数据读不通过（{len(exc.problems)} 个问题），重建会失败："
                               + "；".join(str(p) for p in exc.problems[:SHOW]))
        inputs = None
    try:
        with connect(db_path, read_only=True, wait=config.HEALTH_WAIT_SECONDS) as con:
            _check_warehouse(con, inputs, accepted, withdrawn, audit_lines, stamp, report,
                             demo_state.ended_in_log(events) is not None)
            _check_collection(con, accepted, decided, attached, report)
            _check_rulings(con, rulings, report)
    except WarehouseBusy:
        report.findings.append(f"数据仓库正被其他程序写入（已等待 {config.HEALTH_WAIT_SECONDS:.0f} 秒），无法检查")
        report.advice = "稍后再运行 health；若一直如此，查看是哪个程序占用数据仓库"
    except duckdb.Error:
        report.findings.append("数据仓库文件无法读取（可能已损坏），需要重建")
    return report


def _check_archive_files(raw_dir: Path, events: list[dict], report: HealthReport) -> None:
    folder = submissions_dir(raw_dir)
    logged = named_paths(events)
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*")
               if p.is_file() and p.name not in (config.SUBMISSIONS_LOG, STORING)
               and not p.name.endswith((PARTIAL, ".torn"))} if folder.is_dir() else set()
    if missing := logged - on_disk:
        report.findings.append(f"日志记载的 {len(missing)} 个归档工作簿不在 {folder} 中（重建会失败）：{_names(missing)}")
    if unlogged := on_disk - logged:
        report.findings.append(f"归档目录中有 {len(unlogged)} 个文件不在日志中，不会载入数据仓库：{_names(unlogged)}"
                               "（下一次重建会把本平台命名的文件移到隔离区，不会删除；若是要载入的工作簿，"
                               "请用 quarantine admit 或 ingest 重新载入）")


def _check_quarantine(raw_dir: Path, report: HealthReport) -> None:
    """What the quarantine holds (pipelines/records/quarantine.py): each file named; those whose bytes are not logged
    under another name await a person's decision, and the raw folder is not in order until they have it."""
    from ..records import quarantine
    from .quarantine_actions import describe, pending

    waiting, loaded_elsewhere = pending(raw_dir)
    if not waiting and not loaded_elsewhere:
        return
    report.lines.append(f"隔离区 {quarantine.folder(raw_dir)}：{len(waiting) + len(loaded_elsewhere)} 个文件"
                        f"（保留未删除；其中 {len(loaded_elsewhere)} 个的内容已另行载入）")
    report.lines += describe(raw_dir, waiting + loaded_elsewhere)
    if waiting:
        report.findings.append(f"隔离区中有 {len(waiting)} 个文件待处理（未载入数据仓库，也没有删除）："
                               + _names(i.key for i in waiting)
                               + "。逐个核对后运行 python -m pipelines quarantine admit FILE（重新检查并载入，待审核），"
                               "或 quarantine discard FILE --as 管理账号 --reason 原因（丢弃，记入审计日志）")
        report.quarantined = report.findings[-1]


def _check_warehouse(con, inputs, accepted, withdrawn, audit_lines, stamp, report: HealthReport,
                     demo_ended: bool) -> None:
    rows = con.execute("select sha256, file_name, is_demo, withdrawn from submissions").fetchall()
    in_db = {sha: (name, demo, gone) for sha, name, demo, gone in rows}
    include_demo = stamp["include_demo"] if stamp else any(demo for _, demo, _ in in_db.values()) or not any(
        e.get("is_demo") for e in accepted)
    include_demo = include_demo and not demo_ended  # the demo's end keeps them out of every warehouse
    expected = {e["sha256"]: e for e in accepted if include_demo or not e.get("is_demo")}
    if not_loaded := set(expected) - set(in_db):
        report.findings.append(f"归档中有 {len(not_loaded)} 个工作簿不在数据仓库中："
                               + _names(expected[s]["file_name"] for s in not_loaded))
    if extra := set(in_db) - set(expected):
        report.findings.append(f"数据仓库中有 {len(extra)} 个工作簿不在原始数据的归档日志中（原始数据可能丢失了文件）："
                               + _names(in_db[s][0] for s in extra))
    should_be_withdrawn = {s for s in withdrawn if s in in_db}
    if differ := {s for s in in_db if in_db[s][2] != (s in should_be_withdrawn)}:
        report.findings.append(f"{len(differ)} 个工作簿的撤回状态与日志不同：" + _names(in_db[s][0] for s in differ))
    audit_rows = con.execute("select count(*) from audit").fetchall()[0][0]
    if audit_rows < audit_lines:
        report.findings.append(f"审计日志有 {audit_lines - audit_rows} 条记录尚未写入数据仓库（写入时数据仓库正忙）")
    elif audit_rows > audit_lines:
        report.findings.append(f"数据仓库的审计表比原始数据中的审计日志多 {audit_rows - audit_lines} 条（审计日志可能被截断）")
    if inputs is not None and (changed := _changed_plan_tables(con, inputs)):
        report.findings.append("方案文件或参考数据在上次重建后有改动，这些表与原始数据不同：" + "、".join(changed))


def _check_collection(con, accepted: list[dict], decided: dict[str, str], attached: list[dict],
                      report: HealthReport) -> None:
    """Review decisions and 佐证材料 as the log has them (issue 13)."""
    rows = con.execute("select sha256, file_name, review_status from submissions").fetchall()
    if differ := [name for sha, name, status in rows if status != decided.get(sha, "pending")]:
        report.findings.append(f"{len(differ)} 个工作簿的审核状态与日志不同：" + _names(differ))
    loaded = {sha for sha, _, _ in rows}
    expected = sum(e["workbook_sha256"] in loaded for e in attached)
    have = con.execute("select count(*) from evidence").fetchall()[0][0]
    if have != expected:
        report.findings.append(f"日志记载的佐证材料 {expected} 个，数据仓库中有 {have} 个")


def _check_rulings(con, rulings: list[dict], report: HealthReport) -> None:
    """Rulings of which text counts (issue 19): as many in the warehouse as in the log."""
    have = con.execute("select count(*) from target_rulings").fetchall()[0][0]
    if have != len(rulings):
        report.findings.append(f"日志记载的目标口径裁定 {len(rulings)} 项，数据仓库中有 {have} 项")


def _changed_plan_tables(con: duckdb.DuckDBPyConnection, inputs) -> list[str]:
    """The plan tables a rebuild would fill differently: built afresh in memory, compared row for row.

    Tables the plan inputs fill (non-empty when built afresh) are compared; the archive's tables are not.
    """
    from ..warehouse.load_plan import load_plan_tables

    fresh = duckdb.connect(":memory:")
    try:
        create_schema(fresh)
        load_plan_tables(fresh, inputs)
        tables = [t for (t,) in fresh.execute(
            "select table_name from duckdb_tables() where estimated_size > 0 order by 1").fetchall()]
        changed = []
        for table in tables:
            stored = con.sql("from query_table(?)", params=[table]).to_arrow_table()
            fresh.register("stored", stored)
            differs = fresh.execute(
                "select (select count(*) from (from stored except all from query_table($table)))"
                " + (select count(*) from (from query_table($table) except all from stored))", {"table": table}
            ).fetchall()[0][0]
            fresh.unregister("stored")
            if differs:
                changed.append(table)
        return changed
    finally:
        fresh.close()
