"""The real app behind Debian's nginx over HTTPS, as deploy/ serves it: sign-in, pages, websocket, upload.

nginx runs on 127.0.0.1 with deploy/nginx-site.conf and a throw-away self-signed certificate; Chromium
reaches it as https://monitor.test:PORT (mapped to 127.0.0.1), so Streamlit's origin check sees a real
host name. These fail, never skip, when nginx, openssl or Chromium is missing: scripts/setup.sh installs them.
"""

import http.client
import re
import time

import duckdb
import pytest

from tests.books import filled
from tests.browser_support import (
    PAGES,
    WORKBOOK_UPLOAD,
    chromium,
    copy_site,
    go,
    shoot,
    sign_in,
    streamlit_server,
)
from tests.conftest import PASSWORDS, open_reading
from tests.proxy_support import HOST, nginx_proxy, unverified


@pytest.fixture(scope="module")
def proxied(demo_base, accounts_file, tmp_path_factory):
    """The app on the embedded default with its accounts, and nginx in front of it."""
    base = tmp_path_factory.mktemp("proxied")
    raw, db, accounts = copy_site(demo_base, accounts_file, base)
    open_reading(accounts, opened=False)  # as deployed: every page needs a sign-in
    with streamlit_server(db, raw, log=base / "streamlit.log", accounts=accounts) as url:
        app_port = int(url.rsplit(":", 1)[1])
        with nginx_proxy(app_port) as (https_port, http_port, folder):
            yield {"direct": url, "https": f"https://{HOST}:{https_port}", "https_port": https_port,
                   "http_port": http_port, "db": db, "folder": folder}


def fetch(proxied, method: str, path: str, body: bytes | None = None, port: int | None = None, headers=None):
    """One request to nginx on 127.0.0.1 with Host: monitor.test; (status, headers, body)."""
    port = port or proxied["https_port"]
    if port == proxied["https_port"]:
        conn = http.client.HTTPSConnection("127.0.0.1", port, context=unverified(), timeout=30)
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers={"Host": f"{HOST}:{port}", **(headers or {})})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def submissions(db) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select count(*) from submissions").fetchall()[0][0]


def test_streamlit_health_answers_through_the_proxy(proxied):
    status, _, body = fetch(proxied, "GET", "/_stcore/health")
    assert (status, body) == (200, b"ok")


def test_plain_http_sends_the_browser_to_https(proxied):
    status, headers, _ = fetch(proxied, "GET", "/upload?x=1", port=proxied["http_port"])
    assert status == 301
    assert headers["location"] == f"https://{HOST}:{proxied['https_port']}/upload?x=1"


def test_pages_carry_the_security_headers(proxied):
    status, headers, _ = fetch(proxied, "GET", "/")
    assert status == 200
    assert headers["strict-transport-security"].startswith("max-age=")
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "SAMEORIGIN"
    assert headers["referrer-policy"] == "same-origin"
    assert "frame-ancestors 'self'" in headers["content-security-policy"]
    assert "'unsafe-inline'" not in headers["content-security-policy"].split("script-src")[1].split(";")[0]
    assert headers["server"] == "nginx"  # no version


def test_an_upload_beyond_the_limit_is_cut_off_by_nginx_and_a_small_one_reaches_streamlit(proxied):
    big, _, _ = fetch(proxied, "PUT", "/_stcore/upload_file/session/file", body=b"0" * (7 * 1024 * 1024),
                      headers={"Content-Type": "application/octet-stream"})
    assert big == 413
    # Within the limit it is refused too: no signed-in session of this browser (nginx asks the app's gate).
    small, _, _ = fetch(proxied, "PUT", "/_stcore/upload_file/session/file", body=b"0" * 1024,
                        headers={"Content-Type": "application/octet-stream"})
    assert small == 403


def test_the_websocket_is_refused_from_another_origin(proxied):
    status, _, _ = fetch(proxied, "GET", "/_stcore/stream", headers={
        "Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Origin": "https://evil.example"})
    assert status == 403


@pytest.mark.browser
def test_sign_in_a_page_and_an_upload_over_https(proxied, tmp_path):
    """Through nginx the dashboard asks for a sign-in first; then pages, charts and an upload work."""
    db = proxied["db"]
    good = filled(db, tmp_path / "旗教育局_2025_经代理上传.xlsx", year=2025, values={"KG_PUBLIC_RATE": "64.4%"})
    before = submissions(db)
    with chromium(f"--host-resolver-rules=MAP {HOST} 127.0.0.1") as browser:
        context = browser.new_context(ignore_https_errors=True, locale="zh-CN", viewport={"width": 1440, "height": 1000})
        page = context.new_page()
        sockets, refused, errors = [], [], []
        page.on("websocket", lambda ws: sockets.append(ws.url))
        page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
        page.on("pageerror", lambda e: errors.append(str(e)))

        page.goto(f"{proxied['https']}/")
        page.get_by_text("请登录 · 本平台须先登录").wait_for(timeout=45_000)
        # Nothing to read before signing in: no page links, no filters.
        assert page.get_by_role("link", name="总览").count() == 0 and page.get_by_text("评估年度").count() == 0
        shoot(page, "proxy_1_sign_in", height=1000)
        sign_in(page, "edu", PASSWORDS["edu"])
        page.get_by_role("heading", name="总览", exact=True).first.wait_for(timeout=45_000)
        page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=45_000)
        shoot(page, "proxy_2_overview")

        go(page, "数据填报")
        page.locator(WORKBOOK_UPLOAD).set_input_files(str(good))
        page.get_by_text("检查通过").wait_for(timeout=30_000)
        page.get_by_role("button", name=re.compile("确认载入")).click()
        page.get_by_text("已载入“旗教育局_2025_经代理上传.xlsx”").first.wait_for(timeout=30_000)
        shoot(page, "proxy_3_uploaded")

        assert sockets and all(u == f"wss://{HOST}:{proxied['https_port']}/_stcore/stream" for u in sockets)
        cookies = {c["name"]: c for c in context.cookies()}
        assert cookies["_streamlit_xsrf"]["secure"] is True
        assert refused == [] and errors == []

        # The same app reached on the server itself, without the proxy, asks for a sign-in too (issue 20: a
        # forwarder on the server made every browser look local).
        direct = context.new_page()
        direct.goto(f"{proxied['direct']}/{PAGES['总览']}")
        direct.get_by_text("请登录 · 本平台须先登录").wait_for(timeout=45_000)
        assert direct.get_by_role("link", name="总览").count() == 0
        context.close()
    assert submissions(db) == before + 1
    # nginx writes a websocket's line when it closes: the upgrade (101) and the upload went through it.
    log = proxied["folder"] / "aohan-monitor.access.log"
    for _ in range(50):
        if re.search(r'"GET /_stcore/stream HTTP/1.1" 101 ', log.read_text()):
            break
        time.sleep(0.1)
    assert re.search(r'"GET /_stcore/stream HTTP/1.1" 101 ', log.read_text())
    # The upload is logged without the session's id (nor the file's).
    assert re.search(r"\"PUT /_stcore/upload_file/\* HTTP/2.0\" 204 ", log.read_text())

