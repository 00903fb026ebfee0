"""The app's live sessions, as the session gate (dashboard/gate.py) needs to know them: which browser each
belongs to, who is signed in on it, when it was last used.

One table per server process, shared by the script threads (which write it on every run, through
dashboard/auth.py) and the server's event loop (which reads it before an upload, a /media/ download or
an internal endpoint is let through). Nothing here is persistent: a restart ends every session.
"""

import threading
import time
from dataclasses import dataclass


@dataclass
class Live:
    browser: str  # the hash of the browser's own cookie (dashboard/gate.py)
    account: str | None  # signed in as, or None (reading opened without sign-in)
    last_seen: float
    timeout: float  # seconds without activity after which the session no longer counts


_live: dict[str, Live] = {}
_lock = threading.Lock()


def _current(session: Live | None, now: float) -> Live | None:
    return session if session is not None and now - session.last_seen <= session.timeout else None


def mark(session_id: str, browser: str, account: str | None, timeout: float, now: float | None = None) -> None:
    """This session ran a page now, for browser, signed in as account (None: reading without sign-in)."""
    now = time.time() if now is None else now
    with _lock:
        _live[session_id] = Live(browser, account, now, timeout)
        for key in [k for k, s in _live.items() if _current(s, now) is None]:
            del _live[key]


def forget(session_id: str) -> None:
    with _lock:
        _live.pop(session_id, None)


def signed_in(session_id: str, browser: str | None, now: float | None = None) -> bool:
    """Whether session_id is a signed-in session of this browser (an upload into it may go through)."""
    now = time.time() if now is None else now
    with _lock:
        session = _current(_live.get(session_id), now)
    return bool(browser) and session is not None and session.account is not None and session.browser == browser


def browser_signed_in(browser: str | None, now: float | None = None) -> bool:
    """Whether this browser has a signed-in session that has not ended."""
    now = time.time() if now is None else now
    with _lock:
        return bool(browser) and any(s.browser == browser and s.account for s in _live.values() if _current(s, now))


def browser_reading(browser: str | None, now: float | None = None) -> bool:
    """Whether this browser has any session that may read now (signed in, or reading opened without sign-in)."""
    now = time.time() if now is None else now
    with _lock:
        return bool(browser) and any(s.browser == browser for s in _live.values() if _current(s, now))
