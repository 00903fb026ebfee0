"""Sign-in for the pages that change data: lock-out after repeated failures, expiry after inactivity."""

import ipaddress
import time
from collections.abc import Mapping

import streamlit as st

from pipelines import audit
from pipelines.accounts import Account, AccountStore, SignInGuard

from .data import db_path, raw_dir
from .plain import plain

SESSION_KEY = "auth"
now = time.time  # the clock (tests move it)


def store() -> AccountStore:
    return AccountStore()


def settings() -> dict:
    return store().settings()


# Headers a reverse proxy adds (nginx as deploy/ configures it sets the first two): their presence means
# the browser is somewhere else, whatever address the connection to Streamlit comes from.
PROXY_HEADERS = ("X-Forwarded-For", "X-Real-IP", "Forwarded")


def _is_loopback(address: str | None) -> bool:
    if address in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except (TypeError, ValueError):
        return False


def sign_in_required(rule, server_address: str | None, headers: Mapping[str, str], peer: str | None) -> bool:
    """Whether this session must sign in before reading any page.

    rule is the setting `sign_in_required_for_all_pages`: true always, false never (the operator has opened
    reading on purpose), anything else (the default "beyond_loopback") unless the app is reachable on this
    machine only and the browser is on it: the server listens on a loopback address, the connection
    comes from one, and no proxy stands between. A session without any HTTP headers has no connection
    at all (AppTest, a bare run).
    """
    if rule is True or rule is False:
        return rule
    if not headers:
        return False
    present = {name.lower() for name in headers}
    if any(name.lower() in present for name in PROXY_HEADERS):
        return True
    return not _is_loopback(server_address) or isinstance(peer, str)  # Streamlit gives no peer for loopback


def reading_requires_sign_in() -> bool:
    """sign_in_required for the current session, from the settings and the connection."""
    return sign_in_required(settings()["sign_in_required_for_all_pages"], str(st.get_option("server.address") or ""),
                            st.context.headers, st.context.ip_address)


def _record(event: str, account: str | None, result: str) -> None:
    audit.record(raw_dir(), db_path(), event, account, result, source="网页")


def current() -> Account | None:
    """The signed-in account, or None; ends the session after the configured inactivity."""
    session = st.session_state.get(SESSION_KEY)
    if not session:
        return None
    timeout = settings()["session_timeout_minutes"] * 60
    if now() - session["last_seen"] > timeout:
        del st.session_state[SESSION_KEY]
        st.session_state["auth_message"] = f"超过 {timeout // 60} 分钟未操作，已自动退出登录，请重新登录。"
        _record("session_expired", session["name"], "会话超时，已退出")
        return None
    account = store().get(session["name"])
    if account is None:  # removed meanwhile
        del st.session_state[SESSION_KEY]
        return None
    session["last_seen"] = now()
    return account


def sign_in(name: str, password: str) -> tuple[Account | None, str]:
    """Check a name and password against the accounts file and the lock-out; (account, message)."""
    name = name.strip()
    guard = SignInGuard(settings=settings(), clock=now)
    wait = guard.wait_seconds(name)
    if wait:
        _record("sign_in_failed", name, f"失败：尝试次数过多，已锁定，还需等待 {wait} 秒")
        return None, f"该账号尝试次数过多，请 {wait} 秒后再试。"
    account = store().verify(name, password)
    if account is None:
        wait = guard.failed(name)
        _record("sign_in_failed", name, "失败：账号或密码错误" + (f"，锁定 {wait} 秒" if wait else ""))
        return None, "账号或密码错误。" + (f"尝试次数过多，已锁定 {wait} 秒。" if wait else "")
    guard.succeeded(name)
    st.session_state[SESSION_KEY] = {"name": account.name, "last_seen": now()}
    _record("sign_in", account.name, f"成功：{account.label()}")
    return account, f"已登录：{account.label()}"


def sign_out() -> None:
    session = st.session_state.pop(SESSION_KEY, None)
    if session:
        _record("sign_out", session["name"], "已退出登录")


def sign_in_form(purpose: str) -> Account | None:
    """The sign-in form; returns the account once signed in."""
    account = current()
    if account:
        return account
    if message := st.session_state.pop("auth_message", None):
        st.info(message)
    st.markdown(f"#### 请登录 · {purpose}")
    with st.form("sign_in", border=True):
        name = st.text_input("账号", key="signin_name")
        password = st.text_input("密码", type="password", key="signin_password")
        submitted = st.form_submit_button("登录", type="primary")
    if submitted:
        account, message = sign_in(name, password)
        if account:
            st.rerun()
        st.error(message)
    if not store().all():
        st.caption("还没有任何账号。请联系平台管理员建立账号（管理员操作见使用说明“账号”一节）。")
    return None


def sign_in_page() -> None:
    """The only page while the settings require signing in before anything is shown."""
    st.title("敖汉旗教育高质量发展监测平台")
    if sign_in_form("本平台须先登录") is not None:
        st.rerun()


def sidebar_status() -> None:
    """Who is signed in, and the sign-out button (in the sidebar, on every page)."""
    account = current()
    if account is None:
        return
    with st.sidebar:
        st.caption(f":material/person: 已登录：{plain(account.label())}")
        if st.button("退出登录", key="sign_out", icon=":material/logout:"):
            sign_out()
            st.rerun()
