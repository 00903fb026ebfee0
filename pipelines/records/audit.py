"""The audit trail: every sign-in, upload, load, refusal, withdrawal, review decision, 佐证材料, 催报 and ruling,
append-only under data/raw/audit/.

Each event is one JSON line in data/raw/audit/audit.jsonl (the record that counts) and one row of the
warehouse's `audit` table (so that 管理 can read it at once); `build` reloads the table from the log.
"""

import logging
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from ..core import config, jsonlog
from ..core.sqlnames import statement

log = logging.getLogger(__name__)

EVENTS = {
    "sign_in": "登录成功",
    "sign_in_failed": "登录失败",
    "sign_out": "退出登录",
    "session_expired": "会话超时",
    "session_ended": "会话结束",  # its password changed, or another browser offered its id (dashboard/auth.py)
    "upload_checked": "上传检查",
    "load": "载入",
    "refusal": "拒绝",
    "duplicate": "重复文件",
    "withdrawal": "撤回",
    "account": "账号变更",
    "review_approved": "审核通过",
    "review_returned": "退回",
    "evidence": "佐证材料",
    "reminder": "催报",
    "demo_ended": "结束示例数据",
    "ruling": "目标口径裁定",
    "quarantine": "隔离区",
    "restore": "从备份恢复",
}
COLUMNS = ["occurred_at", "event", "account", "result", "file_name", "sha256", "submission_id", "source", "detail"]


def log_path(raw_dir: Path) -> Path:
    return raw_dir / config.AUDIT_DIR / config.AUDIT_LOG


def read_log(raw_dir: Path) -> list[dict]:
    return jsonlog.read(log_path(raw_dir), advice=jsonlog.repair_advice(raw_dir))


def read_events(raw_dir: Path) -> pd.DataFrame:
    frame = pd.DataFrame(read_log(raw_dir), columns=COLUMNS)
    frame["occurred_at"] = pd.to_datetime(frame["occurred_at"])
    return frame


def event_row(event: str, account: str | None, result: str, *, file_name: str | None = None, sha256: str | None = None,
              submission_id: int | None = None, source: str = "网页", detail: str | None = None) -> dict:
    """One event as it is logged and stored; ValueError for an event the trail does not know."""
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event}")
    return {"occurred_at": datetime.now().isoformat(timespec="seconds"), "event": event, "account": account,
            "result": result, "file_name": file_name, "sha256": sha256, "submission_id": submission_id, "source": source,
            "detail": detail}


def record(raw_dir: Path, event: str, account: str | None, result: str, *, con: duckdb.DuckDBPyConnection,
           **fields) -> dict:
    """Append one event to the log, then to the warehouse: the caller holds the writers' lock and con, inside its
    transaction (operations.audit_trail.record takes the lock itself, for a writer that holds neither)."""
    row = event_row(event, account, result, **fields)
    jsonlog.append(log_path(raw_dir), row)
    insert(con, row)
    return row


def write(raw_dir: Path, db_path: Path | None, event: str, account: str | None, result: str, **fields) -> dict:
    """Append one event to the log, then its row to the warehouse (if there is one) through a brief connection of
    its own: the caller holds the writers' lock but no connection (operations.audit_trail.record takes the lock)."""
    from ..warehouse.connection import WarehouseBusy, connect

    row = event_row(event, account, result, **fields)
    jsonlog.append(log_path(raw_dir), row)
    if db_path is not None and Path(db_path).exists():
        try:
            with connect(Path(db_path), wait=config.AUDIT_WAIT_SECONDS) as own:
                insert(own, row)
        except (duckdb.Error, WarehouseBusy) as exc:
            # the log line above is the record; the next writer or build copies it into the warehouse
            log.warning("审计事件 %s 已记入日志，暂未写入数据仓库：%s", event, exc)
    return row


def insert(con: duckdb.DuckDBPyConnection, row: dict) -> None:
    con.execute(
        statement("insert into audit ({columns}) values (?, ?, ?, ?, ?, ?, ?, ?, ?)", columns=COLUMNS),
        [datetime.fromisoformat(row["occurred_at"]), *[row[c] for c in COLUMNS[1:]]],
    )


def load_log(con: duckdb.DuckDBPyConnection, raw_dir: Path) -> int:
    """The whole log into the (empty) audit table, at build."""
    from ..warehouse.connection import insert_frame

    frame = read_events(raw_dir)
    insert_frame(con, "audit", frame)
    return len(frame)
