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

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from . import audit, config, jsonlog
from .accounts import Account
from .archive import log_path, read_log
from .discrepancies import SUBSTANTIVE, values
from .recovery import catch_up
from .warehouse import connect, transaction
from .writer_lock import say_on_stderr, writer_lock

TEXTS = config.RULING_TEXTS
DEFAULT_TEXT = config.DEFAULT_RULING_TEXT  # docs/design.md: the attachment's value counts unless the office decides otherwise
EVENT = "ruling"
# Kinds whose target is one number a text may state otherwise (a structure, a trend, an event are not ruled).
RULED_KINDS = ("level", "count_cumulative", "count_annual", "rank", "compliance", "relative")
TEXT_COLUMNS = ["target_id", "text", "target_value", "source_text", "words"]


class RulingError(Exception):
    """A ruling cannot be recorded; the message says why, in Chinese."""


@dataclass
class Ruling:
    target_id: str
    text: str
    message: str
    changed: bool  # False when the target already followed this text by a ruling (nothing logged)


def target_texts(targets: pd.DataFrame, discrepancies: pd.DataFrame) -> pd.DataFrame:
    """Each target the body and the attachment give different values, once per text: its value and words there.

    From the substantive discrepancies of field target_value where both texts state one number (a target only
    one text states is not ruled here: it is the other's only version).
    """
    rows = []
    wanted = discrepancies[(discrepancies["field"] == "target_value") & (discrepancies["severity"] == SUBSTANTIVE)
                           & discrepancies["target_id"].notna()]
    by_id = targets.set_index("target_id")
    for d in wanted.itertuples():
        said = {text: getattr(d, f"{text}_value") for text in TEXTS}
        numbers = {text: values(words) if isinstance(words, str) else [] for text, words in said.items()}
        if d.target_id not in by_id.index or any(len(found) != 1 for found in numbers.values()):
            continue
        target = by_id.loc[d.target_id]
        if target["kind"] not in RULED_KINDS:
            continue
        for text in TEXTS:
            value = target["target_value"] if text == target["source"] else float(numbers[text][0])
            phrase = target["source_text"] if text == target["source"] else getattr(d, f"{text}_text")
            rows.append({"target_id": d.target_id, "text": text, "target_value": float(value), "source_text": phrase,
                         "words": said[text]})
    return pd.DataFrame(rows, columns=TEXT_COLUMNS)


def current(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The text each ruled target follows (the last ruling stands)."""
    return dict(con.execute("select target_id, text from current_rulings").fetchall())


def record(raw_dir: Path, db_path: Path, target_id: str, text: str, actor: Account | None, reason: str | None,
           source: str = "网页", say: Callable[[str], None] | None = None) -> Ruling:
    """Record a 管理 account's ruling: logged, applied with the judgments it changes, audited."""
    reason = _allowed(text, actor, reason)
    from .status import refresh_assessments

    with writer_lock(db_path, raw_dir, purpose=f"记录目标{target_id}的口径裁定", say=say), connect(db_path) as con:
        for line in catch_up(con, raw_dir):
            (say or say_on_stderr)(f"恢复：{line}")
        before = _rulable(con, target_id)
        if before.get("ruled") and before["text"] == text:
            return Ruling(target_id, text, f"目标{target_id}已裁定以{TEXTS[text]}为准，未做更改", False)
        at = datetime.now().replace(microsecond=0)
        event = {"event": EVENT, "target_id": target_id, "text": text, "at": at.isoformat(timespec="seconds"),
                 "by": actor.name, "reason": reason}
        jsonlog.append(log_path(raw_dir), event)  # the log line is the record; applied next, or by catch_up
        message = (f"已裁定目标{target_id}以{TEXTS[text]}为准（{before['words'][text]}）：{reason}；"
                   f"按{TEXTS[text]}的状态为{before['status_under'][text]}")
        with transaction(con):
            apply(con, [event])
            refresh_assessments(con)
            audit.record(raw_dir, None, EVENT, actor.name, message, source=source, con=con)
    return Ruling(target_id, text, message, True)


def _allowed(text: str, actor: Account | None, reason: str | None) -> str:
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


def _rulable(con: duckdb.DuckDBPyConnection, target_id: str) -> dict:
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
