"""Append-only JSON-lines logs (the submissions log, the audit trail): one durable line per event.

A line is complete once its newline is on disk. A last line without one is a write that never finished
(power loss, a full disk, kill -9 in the middle): readers leave it out, and the next writer (holding the
writers' lock) moves it aside into `<log>.torn` before appending, so that no later line is glued onto it.
"""

import json
import os
from collections.abc import Callable
from pathlib import Path

from .problems import InputError, Problem


def append(path: Path, event: dict) -> None:
    """Add one line and make it reach the disk before returning (a crash after it keeps the event)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as log:
        log.write(json.dumps(event, ensure_ascii=False) + "\n")
        log.flush()
        os.fsync(log.fileno())


def read(path: Path, check: Callable[[dict], str | None] | None = None, advice: str | None = None) -> list[dict]:
    """Every complete line; an unfinished last line is left out, a damaged line elsewhere refused.

    A line is damaged when it is not a JSON object, or when check(event) gives a reason (a record the log's
    reader cannot use). advice: what to do about it, said after the line's number (the caller knows the
    command that repairs its log).
    """
    events, damaged = [], []
    for number, event, line in _records(path):
        why = _damage(event, check)
        if why:
            damaged.append((number, line, why))
        else:
            events.append(event)
    if damaged:
        number, _, why = damaged[0]
        more = f"（另有 {len(damaged) - 1} 行也已损坏）" if len(damaged) > 1 else ""
        raise InputError([Problem(path.name, f"日志第{number}行已损坏（{why}），无法读取（{path}）{more}："
                                             + (advice or "请从备份恢复该文件"))])
    return events


def _damage(event: dict | None, check: Callable[[dict], str | None] | None) -> str | None:
    return "不是完整的记录" if event is None else (check(event) if check else None)


def _records(path: Path):
    """(line number, the event or None when the line is not a JSON object, its bytes): every complete line."""
    if not path.exists():
        return
    data = path.read_bytes()
    complete, _, _torn = data.rpartition(b"\n")
    for number, line in enumerate(complete.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            event = json.loads(line)
        except ValueError:
            event = None
        yield number, event if isinstance(event, dict) else None, line


def damaged_lines(path: Path, check: Callable[[dict], str | None] | None = None) -> list[tuple[int, bytes, str]]:
    """The complete lines that are not records: (line number, the line's bytes, why), in order."""
    found = []
    for number, event, line in _records(path):
        why = _damage(event, check)
        if why:
            found.append((number, line, why))
    return found


def drop_lines(path: Path, numbers: set[int]) -> None:
    """Rewrite the log without the lines numbered (call with the writers' lock held, once they are kept
    elsewhere): written beside it, then renamed over it, so that a crash leaves the old log or the new one."""
    from .archive import _write_durably

    lines = path.read_bytes().split(b"\n")  # the last piece: an unfinished line, or b"" after the last newline
    _write_durably(path, b"\n".join(line for number, line in enumerate(lines, start=1) if number not in numbers))


def count(path: Path) -> int:
    """How many complete lines (events) the log has, without parsing them."""
    if not path.exists():
        return 0
    with open(path, "rb") as log:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: log.read(1 << 20), b""))


def has_unfinished_line(path: Path) -> bool:
    """Whether the log ends without a newline (a write that never finished)."""
    if not path.exists() or path.stat().st_size == 0:
        return False
    with open(path, "rb") as log:
        log.seek(-1, os.SEEK_END)
        return log.read(1) != b"\n"


def repair_tail(path: Path, what: str = "操作") -> str | None:
    """Move an unfinished last line aside (call with the writers' lock held); a sentence saying so, or None.

    what: what a line of this log records (载入、撤回、审核或佐证材料保存; 审计记录), for the sentence.
    """
    if not has_unfinished_line(path):
        return None
    with open(path, "rb+") as log:
        size = log.seek(0, os.SEEK_END)
        # find the start of the unfinished line: after the last newline
        start, position = 0, size
        while position > 0:
            step = min(1 << 16, position)
            position -= step
            log.seek(position)
            found = log.read(step).rfind(b"\n")
            if found >= 0:
                start = position + found + 1
                break
        log.seek(start)
        torn = log.read()
        try:
            json.loads(torn)
            complete = True
        except ValueError:
            complete = False
        if complete:  # the whole event was written, only its newline was not: keep it
            log.seek(0, os.SEEK_END)
            log.write(b"\n")
            log.flush()
            os.fsync(log.fileno())
            return f"日志 {path} 的最后一行缺少换行符（写入时中断），内容完整，已补上换行符"
        with open(path.with_name(path.name + ".torn"), "ab") as aside:
            aside.write(torn + b"\n")
            aside.flush()
            os.fsync(aside.fileno())
        log.truncate(start)
        log.flush()
        os.fsync(log.fileno())
    return (f"日志 {path} 的最后一行不完整（上次写入时中断，如断电或磁盘已满）：这是一次没有完成的{what}，"
            f"已把这 {len(torn)} 字节移到 {path.name}.torn，继续处理")
