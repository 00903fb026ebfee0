"""What restoring a backup would drop: the raw folder and accounts as they are now against the backup's.

Restoring an older backup over newer data drops what happened after it: workbooks received, decisions
logged (reviews, withdrawals, 佐证材料, rulings, the demo's end), audit lines, other files of the raw folder,
and — when the accounts are restored too — accounts added, removed or changed (a changed password: the old
one works again; a removed account: it returns). `restore` lists it in Chinese and goes on only with `--yes`
(the old raw folder and accounts file are kept aside, never deleted, either way).
"""

import json
from collections import Counter
from pathlib import Path

from ..core import config
from ..core.problems import InputError
from ..records import audit
from ..records.archive import named_paths, read_log

SHOW = 8  # names listed per kind

DECISIONS = {"review": "审核决定", "withdrawn": "撤回", "evidence": "佐证材料", "ruling": "目标口径裁定",
             "demo_ended": "结束示例数据"}
REVIEW_WORDS = {"approved": "审核通过", "returned": "退回"}


def _key(event: dict) -> str:
    return json.dumps(event, ensure_ascii=False, sort_keys=True)


def _newer(now: list[dict], then: list[dict]) -> list[dict]:
    """The events of now that then lacks (as a multiset: the same line twice counts twice), in now's order."""
    left = Counter(_key(e) for e in then)
    newer = []
    for event in now:
        key = _key(event)
        if left[key]:
            left[key] -= 1
        else:
            newer.append(event)
    return newer


def _listed(items: list[str]) -> str:
    return "、".join(items[:SHOW]) + (f" 等 {len(items)} 项" if len(items) > SHOW else "")


def lost_in_raw(current: Path, restored: Path) -> list[str]:
    """Sentences, one per kind, of what the current raw folder has that the restored one lacks (none: [])."""
    if not current.is_dir():
        return []
    lines, said = [], set()  # said: the archived files the lines about workbooks and 佐证材料 name already
    try:
        now = read_log(current)
    except InputError:
        now = None
        lines.append(f"当前的归档日志 {current / config.SUBMISSIONS_DIR / config.SUBMISSIONS_LOG} 有损坏的行，"
                     "无法逐项列出备份之后的载入和决定：恢复后以备份中的日志为准")
    if now is not None:
        newer = _newer(now, read_log(restored))
        said = {f"{config.SUBMISSIONS_DIR}/{path}" for path in named_paths(newer)}
        names = {e["sha256"]: e.get("file_name") for e in now if e.get("event") in (None, "accepted")}
        books = [e for e in newer if e.get("event") in (None, "accepted")]
        if books:
            lines.append(f"备份之后收到的工作簿 {len(books)} 个：" + _listed(
                [f"{e['unit']} {e['year']}年度“{e['file_name']}”（{str(e.get('received_at', '')).replace('T', ' ')}，"
                 f"{(e.get('account') or '命令行').strip('（）')}）" for e in books]))
        for kind, word in DECISIONS.items():
            made = [e for e in newer if e.get("event") == kind]
            if made:
                lines.append(f"备份之后的{word} {len(made)} 项：" + _listed([_decision(e, names) for e in made]))
        others = [e for e in newer if e.get("event") not in (None, "accepted", *DECISIONS)]
        if others:
            lines.append(f"备份之后归档日志中的其他记录 {len(others)} 条")
    try:
        audited = _newer(audit.read_log(current), audit.read_log(restored))
    except InputError:
        audited = []
    if audited:
        kinds = Counter(audit.EVENTS.get(e.get("event"), str(e.get("event"))) for e in audited)
        lines.append(f"备份之后的审计记录 {len(audited)} 条（" + "、".join(f"{k} {n}" for k, n in kinds.most_common()) + "）")
    if files := [f for f in _other_files(current, restored) if f not in said]:
        lines.append(f"原始数据目录中备份之后新增或改动的其他文件 {len(files)} 个：{_listed(files)}")
    return lines


def _decision(event: dict, names: dict) -> str:
    kind, when = event.get("event"), str(event.get("at", "")).replace("T", " ")
    if kind == "review":
        return f"“{names.get(event['sha256'], '工作簿')}”{REVIEW_WORDS.get(event.get('decision'), '')}（{event.get('by')}，{when}）"
    if kind == "withdrawn":
        return f"撤回“{names.get(event['sha256'], '工作簿')}”（{event.get('by')}，{when}）"
    if kind == "evidence":
        return f"“{event.get('file_name')}”（任务 {event.get('task_no')}，{event.get('by')}，{when}）"
    if kind == "ruling":
        return f"{event.get('target_id')} 以{'正文' if event.get('text') == 'body' else '附件'}为准（{event.get('by')}，{when}）"
    return f"{event.get('by')}，{when}"


def _other_files(current: Path, restored: Path) -> list[str]:
    """Files other than the two logs that the current raw folder has and the restored one lacks or holds
    differently (reference data edited, files in the quarantine, a log's torn lines)."""
    from ..core.files import sha256_of_file

    logs = {f"{config.SUBMISSIONS_DIR}/{config.SUBMISSIONS_LOG}", f"{config.AUDIT_DIR}/{config.AUDIT_LOG}"}
    changed = []
    for path in sorted(p for p in current.rglob("*") if p.is_file() and not p.name.endswith(".partial")):
        relative = path.relative_to(current).as_posix()
        if relative in logs:
            continue
        other = restored / relative
        if not other.is_file() or other.stat().st_size != path.stat().st_size or sha256_of_file(other) != sha256_of_file(path):
            changed.append(relative)
    return changed


def accounts_differences(current: Path, restored: bytes | None) -> list[str]:
    """What restoring the backup's accounts would undo: accounts added, removed or changed since the backup."""
    if restored is None or not current.is_file():
        return []
    try:
        now = json.loads(current.read_text(encoding="utf-8"))
        then = json.loads(restored.decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return [f"当前的账号文件 {current} 无法读取，将由备份中的账号文件代替"]
    now_by = {a.get("name"): a for a in now.get("accounts", []) if isinstance(a, dict)}
    then_by = {a.get("name"): a for a in then.get("accounts", []) if isinstance(a, dict)}
    lines = []
    if added := [n for n in now_by if n not in then_by]:
        lines.append(f"备份之后新建的账号 {len(added)} 个（恢复后将不存在）：" + _listed([_who(now_by[n]) for n in added]))
    if removed := [n for n in then_by if n not in now_by]:
        lines.append(f"备份之后删除的账号 {len(removed)} 个（恢复后将重新出现，可用备份时的密码登录）："
                     + _listed([_who(then_by[n]) for n in removed]))
    both = [n for n in now_by if n in then_by]
    if passwords := [n for n in both if now_by[n].get("password_hash") != then_by[n].get("password_hash")]:
        lines.append(f"备份之后改过密码的账号 {len(passwords)} 个（恢复后旧密码重新生效）：" + _listed(passwords))
    roles = [n for n in both if any(now_by[n].get(k) != then_by[n].get(k) for k in ("role", "unit", "units"))]
    if roles:
        lines.append(f"备份之后改过角色或单位的账号 {len(roles)} 个（恢复后回到备份时的角色和单位）："
                     + _listed([f"{_who(then_by[n])} → 现为 {_who(now_by[n])}" for n in roles]))
    if now.get("settings") != then.get("settings"):
        lines.append("账号文件中的设置（如催报机器人、登录策略）在备份之后改过，恢复后回到备份时的设置")
    return lines


def _who(account: dict) -> str:
    scope = account.get("unit") or "、".join(account.get("units") or [])
    return f"{account.get('name')}（{account.get('role')}{'，' + scope if scope else ''}）"
