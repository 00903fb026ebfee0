"""One sign-in try, from the name typed to the outcome: the name's form, the lock-out, the password check
(bounded in number), the audit line. Used by the app (dashboard/auth.py) and the tests, from any thread."""

from collections.abc import Callable
from dataclasses import dataclass

from . import config
from .accounts import Account, AccountStore, PasswordChecksBusy, name_problem, shown_name
from .signin_state import Refusal, SignInGuard

REFUSALS = {
    "locked": "该账号从您所在的地址尝试次数过多，请 {wait} 秒后再试。",
    "busy": "登录尝试过于频繁，请稍后再试。",
}
BUSY = "同时登录的人较多，请稍后再试。"
WRONG = "账号或密码错误。"


@dataclass
class Outcome:
    account: Account | None  # signed in as, or None
    message: str  # what the person is told (Chinese)
    checked: bool  # whether the password was checked (argon2id) at all


def try_sign_in(name: str, password: str, address: str, store: AccountStore, guard: SignInGuard,
                record: Callable[[str, str | None, str], object]) -> Outcome:
    """Check name and password from address; record(event, account, result) writes the audit line of every try."""
    name = name.strip()
    if problem := name_problem(name):  # never stored: not in the sign-in state, the audit trail only cut short
        record("sign_in_failed", None, f"失败：{problem}（{shown_name(name)}，地址 {address}）")
        return Outcome(None, problem + "。", False)
    if len(password) > config.MAX_PASSWORD_CHARS:  # no account has one this long: not worth a check
        record("sign_in_failed", name, f"失败：密码超过 {config.MAX_PASSWORD_CHARS} 个字符，未校验（地址 {address}）")
        return Outcome(None, WRONG, False)
    attempt = guard.begin(name, address)
    if isinstance(attempt, Refusal):
        message = REFUSALS[attempt.reason].format(wait=attempt.wait)
        record("sign_in_failed", name, f"失败：{message}（地址 {address}，未校验密码）")
        return Outcome(None, message, False)
    try:
        account = store.verify(name, password)
    except PasswordChecksBusy:
        guard.cancel(attempt)
        record("sign_in_failed", name, f"失败：同时登录的人过多，未校验密码（地址 {address}）")
        return Outcome(None, BUSY, False)
    except BaseException:
        guard.cancel(attempt)
        raise
    wait = guard.finish(attempt, account is not None)
    if account is None:
        record("sign_in_failed", name, f"失败：账号或密码错误（地址 {address}）" + (f"，锁定 {wait} 秒" if wait else ""))
        return Outcome(None, WRONG + (f"尝试次数过多，已锁定 {wait} 秒。" if wait else ""), True)
    record("sign_in", account.name, f"成功：{account.label()}（地址 {address}）")
    return Outcome(account, f"已登录：{account.label()}", True)
