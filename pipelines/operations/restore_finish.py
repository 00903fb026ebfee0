"""A restore carried through from its swap, and a restore killed half-way finished or undone by the next writer.

backup.restore checks a backup and swaps its raw folder in; finish() does the rest under the same lock (the
accounts, the demo's end, the audit line, the rebuild). Every writer's lock calls finish_interrupted on taking it
(operations/locking.py), so the rebuild here goes without the lock (records.rebuild), which its caller holds.
"""

import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..core.problems import InputError, Problem
from ..records import audit, demo_state, restore_state
from ..records.archive import read_log
from ..records.rebuild import rebuild
from ..warehouse import buildinfo

ASIDE_SUFFIX = ".before-restore-"
PARTIAL = ".partial"


@dataclass
class RestoreReport:
    files: int
    raw_bytes: int
    created_at: str
    raw_aside: Path | None
    accounts_restored: bool
    accounts_aside: Path | None
    build: object  # operations.build.BuildReport
    accounts_file: Path | None = None  # where the accounts file was restored
    signature: str = ""  # what was found of the backup's signature
    dropped: list[str] | None = None  # what the restored raw folder (and accounts) no longer have (with --yes)
    sha256_checked: bool = False  # the `.sha256` beside the backup was there and matched
    accounts_kept: str = ""  # why the accounts file was left as it was, if it was


class RebuildFailed(Exception):
    """The raw folder was restored but the warehouse could not be rebuilt from it; says where things are."""

    def __init__(self, message: str, problems: list[Problem]):
        self.problems = problems
        super().__init__(message)


def aside_name(path: Path, stamp: str) -> Path:
    candidate = path.with_name(f"{path.name}{ASIDE_SUFFIX}{stamp}")
    n = 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.name}{ASIDE_SUFFIX}{stamp}-{n}")
    return candidate


def finish(state: dict) -> RestoreReport:
    """Carry a restore through from its swap (call with the writers' lock held): the raw folder into place,
    the accounts, the demo's end, the audit line, the rebuild. Each step can be done again, so the next writer
    finishes a restore that was killed half-way (finish_interrupted)."""
    raw, staging, db = Path(state["raw"]), Path(state["staging"]), Path(state["db"])
    aside = Path(state["aside"]) if state.get("aside") else None
    if staging.exists():  # the restored folder is not in place yet
        if raw.is_dir() and not any(raw.iterdir()):
            raw.rmdir()
        elif raw.exists():
            aside = aside or aside_name(raw, state["stamp"])
            os.replace(raw, aside)
        try:
            os.replace(staging, raw)
        except OSError:
            if aside is not None and aside.exists() and not raw.exists():
                os.replace(aside, raw)  # as it was
            shutil.rmtree(staging, ignore_errors=True)
            restore_state.clear(raw)
            raise
    accounts_aside = _put_accounts(state)
    restore_state.advance(raw, state, "rebuilding")
    ended = _end_the_demo(raw)
    if state.get("dropped"):
        _audit_the_restore(raw, state)
    try:
        # A restored installation is a real one: demo data are never loaded (docs/design.md, "Demo data").
        report = rebuild(raw, db, include_demo=False)
        if ended:
            audit.write(raw, db, "demo_ended", "（恢复）", ended, source="命令行")
        buildinfo.record(db, raw, False, report.submissions)
    except Exception as exc:  # whatever stops the build, the operator must learn what was already restored
        kept = f"（原目录另存为 {aside}）" if aside else ""
        problems = exc.problems if isinstance(exc, InputError) else [Problem("", f"{type(exc).__name__}: {exc}")]
        restore_state.advance(raw, state, "rebuilding", failed="；".join(p.reason for p in problems[:3]))
        raise RebuildFailed(f"原始数据已从备份恢复到 {raw}{kept}，但重建数据仓库失败，数据仓库 {db} 保持原样：",
                            problems) from exc
    restore_state.clear(raw)
    has_accounts = restore_state.accounts_of(state) is not None
    return RestoreReport(state.get("files", 0), state.get("raw_bytes", 0), state.get("created_at", ""), aside, has_accounts,
                         accounts_aside, report, Path(state["accounts_file"]) if has_accounts else None,
                         state.get("signature", ""), state.get("dropped") or [], bool(state.get("sha256_checked")))


def finish_interrupted(raw_dir: Path) -> list[str]:
    """What a killed restore of raw_dir left, finished or undone (call with the writers' lock held; every
    writer's lock calls it on taking it: operations/locking.py): before its swap the raw folder stays as it was, after it the restore is carried
    through. A sentence for each thing done."""
    state = restore_state.read(raw_dir)
    if state is None:
        return []
    name = Path(state.get("backup", "")).name
    if state.get("failed"):
        return [f"上次从备份“{name}”恢复后重建数据仓库失败（{state['failed']}）：原始数据已是备份的内容，"
                "按提示修正后运行 python -m pipelines build"]
    if state["stage"] == "checking" or (state["stage"] == "swapping" and not Path(state["staging"]).exists()
                                        and not Path(state["raw"]).exists()):
        return [restore_state.undo_before_swap(state)]
    stage = restore_state.STAGES[state["stage"]]
    try:
        report = finish(state)
    except RebuildFailed as exc:
        return [f"{exc}{'；'.join(p.reason for p in exc.problems[:3])}"]
    return [f"上次从备份“{name}”恢复在{stage}时中断：现已完成恢复（原始数据为备份的内容，"
            f"数据仓库已按它重建，载入工作簿 {report.build.submissions} 个）"]


def _put_accounts(state: dict) -> Path | None:
    """The backup's accounts file in place, if the restore takes it (the previous one kept beside); the copy."""
    data = restore_state.accounts_of(state)
    if data is None:
        return None
    accounts_file = Path(state["accounts_file"])
    accounts_file.parent.mkdir(parents=True, exist_ok=True)
    aside = None
    if accounts_file.exists() and accounts_file.read_bytes() != data:
        aside = aside_name(accounts_file, state["stamp"])
        shutil.copy2(accounts_file, aside)
    partial = accounts_file.with_name(accounts_file.name + PARTIAL)
    with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as out:
        out.write(data)
    os.replace(partial, accounts_file)
    return aside


def _audit_the_restore(raw: Path, state: dict) -> None:
    """A restore that dropped newer data (told --yes) is written to the restored folder's audit trail, once."""
    mark = f"restore {state['started_at']} #{state['pid']}"
    if any(e.get("event") == "restore" and e.get("detail") == mark for e in audit.read_log(raw)):
        return
    kept = f"（原目录另存为 {state['aside']}）" if state.get("aside") else ""
    audit.write(raw, None, "restore", "（命令行）",
                f"从备份“{Path(state['backup']).name}”（备份于 {str(state.get('created_at', '')).replace('T', ' ')}）恢复，"
                f"以下数据不再计入{kept}：" + "；".join(state["dropped"]), detail=mark, source="命令行")


def _end_the_demo(raw_dir: Path) -> str | None:
    """A restored installation is a real one: if its log holds demo workbooks and has not ended the demo, it
    is ended there (logged), so that no later build loads them either. The sentence said, or None."""
    events = read_log(raw_dir)
    if demo_state.ended_in_log(events) or not any(e.get("is_demo") for e in events if e.get("event") == "accepted"):
        return None
    reason = "从备份恢复：恢复后的安装只载入真实数据"
    demo_state.log_end(raw_dir, "（恢复）", reason, datetime.now().replace(microsecond=0))
    return f"{reason}，示例数据已结束"
