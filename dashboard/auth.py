"""Sign-in: a session bound to its browser, lock-out per name and address, expiry, sign-out (issue 20).

A signed-in session holds the hash of its browser's secret (dashboard/gate.py) and is ended on any run
whose connection carries another, after `session_timeout_minutes` without activity, when its account's
password changed after it signed in, or when the account is removed. Reading any page needs a sign-in
unless the operator set `sign_in_required_for_all_pages` to false.
"""

import time
from datetime import datetime

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from pipelines.core import config
from pipelines.core.plain import plain
from pipelines.operations import audit_trail
from pipelines.records.accounts import Account, AccountStore, name_problem
from pipelines.records.signin import try_sign_in
from pipelines.records.signin_state import SignInGuard

from . import gate, sessions
from .data import db_path, raw_dir

SESSION_KEY = "auth"
now = time.time  # the clock (tests move it)


def store() -> AccountStore:
    return AccountStore()


def settings() -> dict:
    return store().settings()


def sign_in_required(rule) -> bool:
    """Whether reading any page needs a sign-in: always, unless the setting is false, written on purpose.

    Never decided by where the connection seems to come from: a TCP forwarder on the server makes every
    browser look local, and proxy headers are only what the proxy chose to send.
    """
    return rule is not False


def reading_requires_sign_in() -> bool:
    return sign_in_required(settings()["sign_in_required_for_all_pages"])


def _gate_headers() -> dict | None:
    """The headers the session gate added to this connection; None without a connection (AppTest), {} when
    the connection did not pass the gate of this process (the app started without serve.py)."""
    headers = st.context.headers
    if not headers:
        return None
    if headers.get(gate.GATE_HEADER) != gate.GATE_MARK:
        return {}
    return {"browser": headers.get(gate.BROWSER_HEADER, ""), "address": headers.get(gate.CLIENT_HEADER, "-")}


def browser() -> str | None:
    """This connection's browser (the hash of its secret): "" if it has none, None without a connection."""
    seen = _gate_headers()
    return None if seen is None else seen.get("browser", "")


def address() -> str:
    """The browser's address as the gate determined it ("-" without one)."""
    return (_gate_headers() or {}).get("address", "-")


def _session_id() -> str | None:
    # Streamlit's own session id (its internal script context): st.context (1.67) gives none, and the gate
    # (dashboard/gate.py) and the upload check match a browser's requests to its signed-in session by this id.
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx else None


def _record(event: str, account: str | None, result: str) -> None:
    audit_trail.record(raw_dir(), db_path(), event, account, result, source="网页")


def _end(session: dict, event: str, result: str, message: str) -> None:
    st.session_state.pop(SESSION_KEY, None)
    if sid := _session_id():
        sessions.forget(sid)
    st.session_state["auth_message"] = message
    _record(event, session["name"], result)


def _timeout_seconds() -> float:
    return float(settings()["session_timeout_minutes"]) * 60


def current() -> Account | None:
    """The signed-in account, or None; ends the session when it no longer holds (see the module's note)."""
    session = st.session_state.get(SESSION_KEY)
    if not session:
        return None
    here = browser()
    if here is not None and session.get("browser") != here:
        _end(session, "session_ended", f"会话结束：另一浏览器（地址 {address()}）使用了此会话，已退出登录",
             "登录状态已失效，请重新登录。")
        return None
    timeout = _timeout_seconds()
    if now() - session["last_seen"] > timeout:
        _end(session, "session_expired", "会话超时，已退出",
             f"超过 {int(timeout // 60)} 分钟未操作，已自动退出登录，请重新登录。")
        return None
    account = store().get(session["name"])
    if account is None:  # removed meanwhile
        _end(session, "session_ended", "会话结束：账号已删除", "此账号已被删除。")
        return None
    changed = account.password_changed_at
    if changed and datetime.fromisoformat(changed).timestamp() > session.get("signed_in_at", 0):
        _end(session, "session_ended", "会话结束：密码已修改", "此账号的密码已修改，请用新密码重新登录。")
        return None
    session["last_seen"] = now()
    if sid := _session_id():
        sessions.mark(sid, here or "", account.name, timeout, now())
    return account


def may_read() -> bool:
    """Whether this session may see the pages (and its browser their /media/ files): signed in, or reading
    opened by the operator."""
    if current() is not None:
        return True
    if reading_requires_sign_in():
        return False
    if sid := _session_id():
        sessions.mark(sid, browser() or "", None, _timeout_seconds(), now())
    return True


def sign_in(name: str, password: str) -> tuple[Account | None, str]:
    """Check a name and password (pipelines/records/signin.py) and, if right, sign this session in; (account, message)."""
    here, where = browser(), address()
    if here == "" and not name_problem(name.strip()):
        _record("sign_in_failed", name.strip(), f"失败：连接不经会话保护或浏览器未保存 Cookie（地址 {where}）")
        return None, "无法在此连接上登录：请允许本站的 Cookie 并刷新页面（管理员：应用须以 serve.py 启动）。"
    outcome = try_sign_in(name, password, where, store(), SignInGuard(settings=settings(), clock=now), _record)
    if outcome.account is not None:
        st.session_state[SESSION_KEY] = {"name": outcome.account.name, "last_seen": now(), "signed_in_at": now(),
                                         "browser": here or ""}
        if sid := _session_id():
            sessions.mark(sid, here or "", outcome.account.name, _timeout_seconds(), now())
    return outcome.account, outcome.message


def sign_out() -> None:
    session = st.session_state.pop(SESSION_KEY, None)
    if sid := _session_id():
        sessions.forget(sid)
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
        name = st.text_input("账号", key="signin_name", max_chars=config.MAX_ACCOUNT_NAME_CHARS)
        password = st.text_input("密码", type="password", key="signin_password", max_chars=config.MAX_PASSWORD_CHARS)
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
