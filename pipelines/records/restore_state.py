"""A restore in progress, marked beside the raw folder, so that a restore killed half-way is finished or undone.

`restore` writes `data/.raw.restore.json` (beside the raw folder, as the writers' lock files are) before it
changes anything and updates its stage as it goes:
- `checking`: the backup is being checked into a staging folder; the raw folder is untouched;
- `swapping`: the raw folder is being moved aside and the restored one put in its place (and the accounts);
- `rebuilding`: the raw folder is the backup's; the warehouse is being rebuilt from it.
It is removed once the warehouse is rebuilt. The next writer (holding the writers' lock, recovery.tidy_after_crash)
finishes what a killed restore left: before the swap, the raw folder is put back as it was; after it, the
restore is carried through (accounts, the demo's end, the rebuild) — the operator asked for it and confirmed.
`health` explains a marker instead of blaming lost files.
"""

import base64
import fcntl
import json
import os
import shutil
from datetime import datetime
from pathlib import Path

STAGES = {"checking": "检查备份", "swapping": "替换原始数据目录", "rebuilding": "重建数据仓库"}


def marker_path(raw_dir: Path) -> Path:
    raw = Path(raw_dir).absolute()
    return raw.parent / f".{raw.name}.restore.json"


def start(raw_dir: Path, db_path: Path, backup_file: Path, staging: Path) -> dict:
    """Mark a restore as begun (stage `checking`); the marker's content."""
    state = {"backup": str(Path(backup_file).resolve()), "raw": str(Path(raw_dir).absolute()),
             "db": str(Path(db_path).resolve()), "staging": str(staging), "pid": os.getpid(),
             "started_at": datetime.now().isoformat(timespec="seconds"), "stage": "checking"}
    _write(raw_dir, state)
    return state


def advance(raw_dir: Path, state: dict, stage: str, **more) -> None:
    state.update(stage=stage, **more)
    _write(raw_dir, state)


def keep_accounts(state: dict, accounts_file: Path, data: bytes) -> None:
    """Note the accounts to restore (base64, in the marker: mode 600 beside accounts.json), for a finish."""
    state["accounts_file"] = str(accounts_file)
    state["accounts"] = base64.b64encode(data).decode("ascii")


def accounts_of(state: dict) -> bytes | None:
    return base64.b64decode(state["accounts"]) if state.get("accounts") else None


def _write(raw_dir: Path, state: dict) -> None:
    from ..core.files import _write_durably

    _write_durably(marker_path(raw_dir), json.dumps(state, ensure_ascii=False).encode("utf-8"), mode=0o600)


def read(raw_dir: Path) -> dict | None:
    """The marker of an unfinished restore of raw_dir, or None."""
    try:
        state = json.loads(marker_path(raw_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) and state.get("stage") in STAGES else None


def clear(raw_dir: Path) -> None:
    marker_path(raw_dir).unlink(missing_ok=True)


def clear_failed(raw_dir: Path) -> None:
    """After a successful build of raw_dir: a restore whose own rebuild had failed is complete now."""
    state = read(raw_dir)
    if state is not None and state.get("failed"):
        clear(raw_dir)


def running(state: dict) -> bool:
    """Whether the restore is going on now: the raw folder's writers' lock is held (a restore holds it from start
    to end, and the kernel drops it when the process dies, so a free lock means an interrupted restore)."""
    from ..warehouse.lock import lock_files

    try:
        with open(lock_files(None, Path(state["raw"]))[0], "a+") as probe:
            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released when closed
    except BlockingIOError:
        return True
    except OSError:
        return False
    return False


def explain(state: dict) -> str:
    """For `health` and the pages: what an unfinished restore means for the data, and what to do."""
    backup = Path(state.get("backup", "")).name
    when = str(state.get("started_at", "")).replace("T", " ")
    stage = STAGES[state["stage"]]
    if not state.get("failed") and running(state):
        return f"正在从备份“{backup}”恢复（开始于 {when}，进程 {state.get('pid')}，当前步骤：{stage}），完成前数据仓库可能与原始数据不一致"
    if state.get("failed"):
        return (f"从备份“{backup}”恢复（开始于 {when}）后重建数据仓库失败（{state['failed']}）：原始数据目录已是备份的内容，"
                "数据仓库还是恢复之前的，所以两者不一致（不是文件丢失）。按上述原因修正后运行 python -m pipelines build")
    if state["stage"] != "checking":
        return (f"从备份“{backup}”恢复（开始于 {when}）在{stage}时中断：原始数据目录已是（或正要换成）备份的内容，"
                "数据仓库还是恢复之前的，所以两者不一致（不是文件丢失）。运行 python -m pipelines build"
                "（或任一写入命令、重启服务）即完成恢复")
    return (f"从备份“{backup}”恢复（开始于 {when}）在{stage}时中断：原始数据目录没有替换，与数据仓库一致。"
            "下一个写入命令（或 build、重启服务）会清理未完成的临时目录；需要时请重新运行 restore")


def undo_before_swap(state: dict) -> str:
    """A restore killed before its raw folder was in place: put the old one back, drop the staging copy (a copy
    of the backup's files, which the backup still holds). The sentence said."""
    raw, staging = Path(state["raw"]), Path(state["staging"])
    aside = Path(state["aside"]) if state.get("aside") else None
    if not raw.exists() and aside is not None and aside.exists():
        os.replace(aside, raw)  # moved aside, the restored one not yet in: as it was
    shutil.rmtree(staging, ignore_errors=True)
    clear(raw)
    return (f"上次从备份“{Path(state['backup']).name}”恢复在{STAGES[state['stage']]}时中断，原始数据目录没有替换，"
            "已清理未完成的临时目录；需要时请重新运行 restore")
