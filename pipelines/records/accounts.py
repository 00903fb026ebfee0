"""Accounts for uploading: a local file outside git, passwords only as argon2id hashes, roles per unit.

The intranet has no identity provider, so accounts live in data/accounts.json (created on first use from
data/accounts.example.json, which also holds the settings). Roles:
  浏览 reads everything and changes nothing;
  填报 downloads and uploads the workbooks of its own unit, and attaches 佐证材料 to its reports;
  审核 reviews (approves or returns) the workbooks of the units it is given, one or more; it uploads nothing;
  管理 works for every unit: uploads, reviews, withdraws a submission.
"""

import functools
import json
import os
import re
import shutil
import threading
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..core import config

ROLES = {"浏览": "viewer", "填报": "reporter", "审核": "reviewer", "管理": "admin"}
HASHER = PasswordHasher()  # argon2id, 64 MiB, t=3: about 0.2 s a check on this machine


@functools.cache
def _dummy_hash() -> str:
    """A hash to check against when the name is unknown, so that a wrong name costs as long as a wrong
    password (made on first use: hashing costs about 0.2 s, which every command would pay at import)."""
    return HASHER.hash("no such account")


MIN_PASSWORD_LENGTH = 8


class AccountError(Exception):
    """A request about accounts cannot be done; the message says why, in Chinese."""


class PasswordChecksBusy(Exception):
    """Every slot for a password check is taken (each costs 64 MiB): try again in a moment."""


# argon2id at 64 MiB a check: a flood of sign-ins must not take the server's memory (issue 20, item 8).
PASSWORD_CHECKS = threading.BoundedSemaphore(config.CONCURRENT_PASSWORD_CHECKS)
NAME_RULE = re.compile(config.ACCOUNT_NAME_PATTERN)


def name_problem(name: str) -> str | None:
    """Why name cannot be an account name (Chinese), or None: 1–32 letters, digits, "_", "." or "-"."""
    if not name:
        return "账号名不能为空"
    if len(name) > config.MAX_ACCOUNT_NAME_CHARS:
        return f"账号名最长 {config.MAX_ACCOUNT_NAME_CHARS} 个字符（收到 {len(name)} 个）"
    if not NAME_RULE.fullmatch(name):
        return "账号名只能由文字、字母、数字和 _ . - 组成（不含空格、标点和控制字符）"
    return None


def shown_name(name: str) -> str:
    """A name as the audit trail may record it: never longer than the longest valid name (and marked when cut)."""
    printable = "".join(c if c.isprintable() else "?" for c in name[: config.MAX_ACCOUNT_NAME_CHARS])
    return printable + ("…" if len(name) > config.MAX_ACCOUNT_NAME_CHARS else "")


@dataclass
class Account:
    name: str
    role: str  # 浏览, 填报, 管理
    unit: str | None = None  # the unit a 填报 account works for
    password_hash: str = ""
    created_at: str = ""
    units: list[str] | None = None  # the units a 审核 account reviews
    password_changed_at: str = ""  # sessions signed in before this end (dashboard/auth.current)

    @property
    def is_admin(self) -> bool:
        return self.role == "管理"

    @property
    def is_reviewer(self) -> bool:
        """May review the workbooks of some unit (管理: of every unit)."""
        return self.is_admin or (self.role == "审核" and bool(self.units))

    def may_report_for(self, unit: str | None) -> bool:
        return self.is_admin or (self.role == "填报" and unit is not None and unit == self.unit)

    def may_review(self, unit: str | None) -> bool:
        """Whether this account may approve or return a workbook of the unit."""
        return self.is_admin or (self.role == "审核" and unit is not None and unit in (self.units or []))

    def label(self) -> str:
        scope = self.unit or "、".join(self.units or [])
        return f"{self.name}（{self.role}{'，' + scope if scope else ''}）"


def accounts_path() -> Path:
    return config.accounts_path()


class AccountStore:
    """The accounts file: read on each use (another process may have changed it), written atomically."""

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path else accounts_path()

    def _load(self) -> dict:
        if not self.path.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            example = config.ACCOUNTS_EXAMPLE
            if example.exists():
                shutil.copy(example, self.path)
            else:
                self.path.write_text(json.dumps({"settings": {}, "accounts": []}, ensure_ascii=False, indent=2), "utf-8")
            os.chmod(self.path, 0o600)
        return json.loads(self.path.read_text(encoding="utf-8"))

    def _save(self, data: dict) -> None:
        partial = self.path.with_name(self.path.name + ".partial")
        partial.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        os.chmod(partial, 0o600)
        os.replace(partial, self.path)

    def settings(self) -> dict:
        return {**DEFAULT_SETTINGS, **self._load().get("settings", {})}

    def all(self) -> list[Account]:
        return [Account(**a) for a in self._load().get("accounts", [])]

    def get(self, name: str) -> Account | None:
        return next((a for a in self.all() if a.name == name), None)

    def named(self, name: str | None) -> Account | None:
        """The account a command acts as (`--as NAME`), None without one; AccountError when there is none so named."""
        if not name:
            return None
        account = self.get(name)
        if account is None:
            raise AccountError(f"账号“{name}”不存在（python -m pipelines user list 查看）")
        return account

    def add(self, name: str, role: str, unit: str | list[str] | None, password: str, units: list[str]) -> Account:
        """unit: the 填报 account's unit, or the 审核 account's units (a list, or names split by ，、,)."""
        name = name.strip()
        if problem := name_problem(name):
            raise AccountError(problem)
        if self.get(name):
            raise AccountError(f"账号“{name}”已存在")
        if role not in ROLES:
            raise AccountError(f"角色“{role}”无效，应为：{'、'.join(ROLES)}")
        given = unit_names(unit)
        for one in given:
            if one not in units:
                raise AccountError(f"单位“{one}”不需要填报或不存在，可选：{'、'.join(units)}")
        reviewed = None
        if role == "填报":
            if len(given) != 1:
                raise AccountError("填报账号须指定单位（--unit），且只能指定一个")
            unit = given[0]
        elif role == "审核":
            if not given:
                raise AccountError("审核账号须指定所审核的单位（--unit，可以写多次）")
            unit, reviewed = None, given
        elif given:
            raise AccountError(f"{role}账号不属于某个单位，不要指定 --unit")
        else:
            unit = None
        check_password(password)
        account = Account(name, role, unit, HASHER.hash(password), datetime.now().isoformat(timespec="seconds"), reviewed)
        data = self._load()
        data.setdefault("accounts", []).append(asdict(account))
        self._save(data)
        return account

    def remove(self, name: str) -> None:
        data = self._load()
        kept = [a for a in data.get("accounts", []) if a["name"] != name]
        if len(kept) == len(data.get("accounts", [])):
            raise AccountError(f"账号“{name}”不存在")
        data["accounts"] = kept
        self._save(data)

    def set_password(self, name: str, password: str) -> None:
        check_password(password)
        data = self._load()
        for a in data.get("accounts", []):
            if a["name"] == name:
                a["password_hash"] = HASHER.hash(password)
                a["password_changed_at"] = datetime.now().isoformat(timespec="microseconds")
                self._save(data)
                return
        raise AccountError(f"账号“{name}”不存在")

    def verify(self, name: str, password: str, wait: float | None = None) -> Account | None:
        """The account if the password is right (checked in constant-ish time whether or not it exists).

        At most config.CONCURRENT_PASSWORD_CHECKS checks run at once in this process; PasswordChecksBusy
        when no slot frees within wait seconds.
        """
        account = self.get(name)
        if not PASSWORD_CHECKS.acquire(timeout=config.PASSWORD_CHECK_WAIT_SECONDS if wait is None else wait):
            raise PasswordChecksBusy
        try:
            HASHER.verify(account.password_hash if account else _dummy_hash(), password)
        except (VerificationError, InvalidHashError):
            return None
        finally:
            PASSWORD_CHECKS.release()
        return account


def unit_names(unit: str | list[str] | None) -> list[str]:
    """Unit names as given: one, several (a list, or one string split by ，、,), none; each once, in order."""
    parts = unit if isinstance(unit, list) else [unit or ""]
    names = [n.strip() for part in parts for n in re.split(r"[，、,]", part or "")]
    return list(dict.fromkeys(n for n in names if n))


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"密码至少 {MIN_PASSWORD_LENGTH} 位")
    if len(password) > config.MAX_PASSWORD_CHARS:
        raise AccountError(f"密码最长 {config.MAX_PASSWORD_CHARS} 个字符")


DEFAULT_SETTINGS = {
    # Reading any page needs a sign-in unless this is false, written on purpose (dashboard/auth.sign_in_required):
    # never decided by where the connection seems to come from (a forwarder on the server looks local).
    "sign_in_required_for_all_pages": True,
    # Sign-in lock-out (pipelines/records/signin_state.py): after this many failures in a row on a name from one
    # address, that address waits; each further failure doubles the wait. An address that fails this many
    # times on any names waits too. A count falls by one for every failure_decay_seconds without a failure.
    "failures_before_lockout": 3,
    "address_failures_before_lockout": 10,
    "first_lockout_seconds": 30,
    "max_lockout_seconds": 3600,
    "failure_decay_seconds": 600,
    # A session ends after this many minutes without activity.
    "session_timeout_minutes": 30,
    # 催报 (records/reminders.py): a year's workbook is due on this day (MM-DD) of the next year; single years
    # may have their own day ({"2025": "2026-04-30"}); a notice asks for the workbook within this many days.
    "report_due": config.REPORT_DUE_MONTH_DAY,
    "report_due_by_year": {},
    "reminder_days_to_send": 7,
    "notice_issuer": "旗委教育工作领导小组办公室",
    # The group robot told of overdue units (operations/webhook.py): off unless enabled, with its address;
    # kind "dingtalk" (钉钉, with its 加签 secret if the robot has one) or "wecom" (企业微信).
    "reminder_webhook": {"enabled": False, "kind": "dingtalk", "url": "", "secret": ""},
}
