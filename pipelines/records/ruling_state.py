"""Rulings (裁定): which text counts for a target that the notice's body and its attachment state differently.

Where the two give a target different values (T65-1: 市级绿色校园、温馨校园 50%以上 in the body, 60%以上 in the
attachment), the target is judged under each text, and the office's ruling says which one counts: a 管理 account
records it — which text, by whom, when and why (a reason is required). Until a ruling the attachment counts
(docs/design.md, "The target grammar"). A ruling is an event of the archive's log,
{"event": "ruling", "target_id", "text" ('body' or 'attachment'), "at", "by", "reason"}, appended under the
writers' lock and applied to the warehouse with the judgments it changes and its audit line in one
transaction; `build` replays it, so the warehouse is still rebuilt from data/raw alone. The last ruling of a
target stands; every one stays in `target_rulings`.
"""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from ..core import config
from .accounts import Account
from .archive import read_log

TEXTS = config.RULING_TEXTS
DEFAULT_TEXT = config.DEFAULT_RULING_TEXT  # docs/design.md: the attachment's value counts unless the office decides otherwise
EVENT = "ruling"


class RulingError(Exception):
    """A ruling cannot be recorded; the message says why, in Chinese."""


@dataclass
class Ruling:
    target_id: str
    text: str
    message: str
    changed: bool  # False when the target already followed this text by a ruling (nothing logged)


def current(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The text each ruled target follows (the last ruling stands)."""
    return dict(con.execute("select target_id, text from current_rulings").fetchall())


def allowed(text: str, actor: Account | None, reason: str | None) -> str:
    """The reason as kept; RulingError unless a 管理 account rules with a reason for a known text."""
    if text not in TEXTS:
        raise RulingError(f"裁定的文本应为 body（正文）或 attachment（附件），不是“{text}”")
    if actor is None or not actor.is_admin:
        who = actor.label() if actor else "（未指定账号）"
        raise RulingError(f"账号{who}不能裁定以哪份文件为准：只有管理账号可以（命令行用 --as 指定管理账号）")
    reason = (reason or "").strip()
    if not reason:
        raise RulingError("裁定须写明理由（如依据哪次会议或哪份文件）")
    return reason


def rulable(con: duckdb.DuckDBPyConnection, target_id: str) -> dict:
    """The target's texts and its current ruling, or RulingError when its texts do not differ."""
    texts = con.execute("select text, words from target_texts where target_id = ?", [target_id]).fetchall()
    if not texts:
        exists = con.execute("select count(*) from targets where target_id = ?", [target_id]).fetchone()[0]
        raise RulingError(f"目标{target_id}" + ("的正文与附件没有不同的目标值，无需裁定" if exists else "不存在"))
    found = con.execute("select text from current_rulings where target_id = ?", [target_id]).fetchall()
    status_under = dict(con.execute(
        "select text_basis, status_label from target_assessments where target_id = ? and include_demo "
        "and as_of_year = default_as_of_year(true) union all select alt_text, alt_status_label from target_assessments "
        "where target_id = ? and include_demo and as_of_year = default_as_of_year(true)", [target_id, target_id]).fetchall())
    return {"words": dict(texts), "ruled": bool(found), "text": found[0][0] if found else DEFAULT_TEXT,
            "status_under": status_under}


def apply(con: duckdb.DuckDBPyConnection, events: list[dict]) -> int:
    """Rulings of the log into the warehouse (the caller holds the transaction); how many."""
    for event in events:
        con.execute("insert into target_rulings values (?, ?, ?, ?, ?, ?)",
                    [len_rulings(con) + 1, event["target_id"], event["text"], datetime.fromisoformat(event["at"]),
                     event.get("by"), event.get("reason")])
    return len(events)


def len_rulings(con: duckdb.DuckDBPyConnection) -> int:
    """How many rulings the warehouse holds (each is numbered in the order of the log)."""
    return con.execute("select count(*) from target_rulings").fetchone()[0]


def logged(events: list[dict]) -> list[dict]:
    return [e for e in events if e.get("event") == EVENT]


def apply_logged(con: duckdb.DuckDBPyConnection, events: list[dict] | None = None, raw_dir: Path | None = None) -> int:
    """The log's rulings that the warehouse lacks, in order (the warehouse's are always a prefix of the log's:
    each is logged before it is applied); how many were applied. A ruling of a target no longer in the catalogue
    is kept as recorded (it judges nothing)."""
    rulings = logged(read_log(raw_dir) if events is None else events)
    return apply(con, rulings[len_rulings(con):])
