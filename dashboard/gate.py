"""The session gate: what binds a signed-in Streamlit session to the browser that signed in (issue 20).

Why this and not something else. A Streamlit session id is not a secret: it travels in every upload's URL
(`PUT /_stcore/upload_file/<session id>/…`), and a browser that offers it as the websocket's third
subprotocol is attached to that session. Streamlit refuses such a re-attachment only when the new
connection's user identity differs (`AppSession.matches_user_info`), and without `st.login` every visitor's
identity is the same empty one. `st.login` needs an OpenID provider, which the intranet does not have;
Streamlit cannot set a cookie from a script; a cookie written by JavaScript (a component) cannot be
HttpOnly; nginx's auth_request alone would leave the app open to whoever reaches it without nginx. So the
app is served as an `st.App` (serve.py) with this ASGI middleware in front of every request:

- Every browser gets a random secret of its own in an HttpOnly, SameSite=Strict cookie (Secure over TLS),
  set on the first page load, before the websocket opens. Its SHA-256 goes to the app as the header
  X-Aohan-Browser (any such header a client sends is dropped) and is Streamlit's user identity
  (`server.trustedUserHeaders` in .streamlit/config.toml), so Streamlit itself hands a browser that does
  not hold the secret a fresh session instead of the victim's. dashboard/auth.py also records the hash
  at sign-in and ends the sign-in on any run whose connection carries another (both must fail for a
  take-over to succeed).
- Requests that reach a session's data without the websocket are let through only for a browser with a
  live session: an upload only into a signed-in session of the same browser; a /media/ file only for a
  browser that may read now; Streamlit's metrics and agent endpoints only for a signed-in browser.
  `/_aohan/gate` answers the same question for nginx's auth_request (deploy/nginx-site.conf), so nginx
  refuses an unsigned upload before reading its body.
- X-Aohan-Client carries the browser's address: X-Real-IP / X-Forwarded-For only from a trusted proxy
  (config.TRUSTED_PROXIES), else the connection's own peer; the lock-out counts by it.
"""

import hashlib
import ipaddress
import posixpath
import re
import secrets
from urllib.parse import unquote

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from pipelines import config

from . import sessions

BROWSER_HEADER = "x-aohan-browser"
CLIENT_HEADER = "x-aohan-client"
GATE_HEADER = "x-aohan-gate"
OWN_HEADERS = {BROWSER_HEADER.encode(), CLIENT_HEADER.encode(), GATE_HEADER.encode()}
# Present on every connection that came through this gate in this process; a header a client makes up
# cannot match it (dashboard/auth.py refuses to sign in a connection without it).
GATE_MARK = secrets.token_hex(16)
SECRET_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)
UPLOAD = re.compile(r"^/_stcore/upload_file/([^/]+)(/|$)")
# What the front end fetches before a session exists: the page and its static files, these, and the
# websocket. Files of a session (media, components) wait for a session that may read; every other /_stcore/
# endpoint (metrics, the agent API, the script health check, any Streamlit adds) for a sign-in.
OPEN = ("/_stcore/health", "/_stcore/host-config", "/_stcore/stream")
READERS_ONLY = ("/media", "/component", "/_stcore/bidi-components", "/app/static")
HOST_CONFIG = "/_stcore/host-config"
# Streamlit's own answer lists streamlit.app origins allowed to send the page messages from a parent
# frame, and the settings of its hosting; this intranet app is framed by nobody: the same fields, empty.
HOST_CONFIG_ANSWER = {"allowedOrigins": [], "useExternalAuthToken": False, "enableCustomParentMessages": False,
                      "enforceDownloadInNewTab": False, "metricsUrl": "", "blockErrorDialogs": False,
                      "resourceCrossOriginMode": None}
REFUSED = "请先登录。"


def browser_of(secret: str | None) -> str:
    """The hash the app sees of a browser's secret ("" without a valid one)."""
    if not secret or not SECRET_SHAPE.fullmatch(secret):
        return ""
    return hashlib.sha256(secret.encode()).hexdigest()


def _cookie(headers: list[tuple[bytes, bytes]], name: str) -> str | None:
    for key, value in headers:
        if key.lower() == b"cookie":
            for part in value.decode("latin-1").split(";"):
                k, _, v = part.strip().partition("=")
                if k == name:
                    return v
    return None


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> str | None:
    return next((v.decode("latin-1") for k, v in headers if k.lower() == name), None)


def _address(text: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((text or "").strip()))
    except ValueError:
        return None


def client_address(peer: str | None, headers: list[tuple[bytes, bytes]]) -> str:
    """The browser's address: the proxy's word for it if the peer is a trusted proxy, else the peer's."""
    if peer in config.TRUSTED_PROXIES:
        forwarded = _address(_header(headers, b"x-real-ip")) or _address(
            (_header(headers, b"x-forwarded-for") or "").split(",")[-1])
        if forwarded:
            return forwarded
    return _address(peer) or "-"


def clean_path(path: str) -> str:
    """The path as routing will see it, for the checks (//_stcore/./metrics is /_stcore/metrics)."""
    return posixpath.normpath(re.sub(r"/+", "/", "/" + path))


def allowed(path: str, browser: str) -> bool:
    """Whether a request for path from this browser may reach the app."""
    path = clean_path(path)
    if upload := UPLOAD.match(path):
        return sessions.signed_in(upload.group(1), browser)
    if path in OPEN:
        return True
    if _under(path, READERS_ONLY):
        return sessions.browser_reading(browser)
    if _under(path, ("/_stcore",)):
        return sessions.browser_signed_in(browser)
    return True


def _under(path: str, prefixes: tuple[str, ...]) -> bool:
    return any(path == p or path.startswith(p + "/") for p in prefixes)


def secure_request(scope: dict, headers: list[tuple[bytes, bytes]]) -> bool:
    peer = (scope.get("client") or ("",))[0]
    proto = _header(headers, b"x-forwarded-proto") if peer in config.TRUSTED_PROXIES else None
    return scope.get("scheme") in ("https", "wss") or proto == "https"


def set_cookie_header(secret: str, secure: bool) -> tuple[bytes, bytes]:
    # No Max-Age: the secret lives as long as the browser runs; the sign-in itself lives in the server's session.
    value = f"{config.BROWSER_COOKIE}={secret}; Path=/; HttpOnly; SameSite=Strict" + ("; Secure" if secure else "")
    return b"set-cookie", value.encode("latin-1")


class SessionGate:
    """ASGI middleware: the browser's secret, the headers the app reads, and the checks above."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() not in OWN_HEADERS]
        secret = _cookie(headers, config.BROWSER_COOKIE)
        browser = browser_of(secret)
        fresh = None if browser else secrets.token_urlsafe(32)
        peer = (scope.get("client") or (None,))[0]
        headers += [(BROWSER_HEADER.encode(), browser.encode()),
                    (CLIENT_HEADER.encode(), client_address(peer, headers).encode()),
                    (GATE_HEADER.encode(), GATE_MARK.encode())]
        scope = {**scope, "headers": headers}
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return
        cookie = set_cookie_header(fresh, secure_request(scope, headers)) if fresh else None
        path = scope.get("path", "/")
        response = None
        if clean_path(path) == HOST_CONFIG:
            response = JSONResponse(HOST_CONFIG_ANSWER, headers={"Cache-Control": "no-cache"})
        elif not allowed(path, browser):
            response = PlainTextResponse(REFUSED, status_code=403, headers={"Cache-Control": "no-store"})
        if response is not None:
            if cookie:
                response.raw_headers.append(cookie)
            await response(scope, receive, send)
            return

        async def send_with_cookie(message):
            if cookie and message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), cookie]}
            await send(message)

        await self.app(scope, receive, send_with_cookie)


async def gate_endpoint(request: Request) -> Response:
    """For nginx's auth_request: 204 if the original request (X-Original-URI) may go through, else 403."""
    uri = unquote(request.headers.get("x-original-uri", "/").split("?", 1)[0])
    ok = allowed(uri, request.headers.get(BROWSER_HEADER, ""))
    return Response(status_code=204 if ok else 403, headers={"Cache-Control": "no-store"})


ROUTES = [Route("/_aohan/gate", gate_endpoint, methods=["GET", "HEAD", "POST", "PUT", "DELETE"])]
