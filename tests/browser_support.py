"""The real app in a real browser: `streamlit run` on a free port, Playwright driving Debian's Chromium."""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from pipelines.core import config

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
PAGES = {"总览": "", "指标": "indicators", "任务台账": "ledger", "责任单位": "units", "数据填报": "upload", "数据审核": "review",
         "报送与催报": "reminders", "数据质量": "quality"}
CHART = ".js-plotly-plot .main-svg"
# The workbook uploader of 数据填报 (the 佐证材料 uploader on the same page takes PDF and images, not .xlsx; the
# statistics-export uploader of the third tab also takes .zip).
WORKBOOK_UPLOAD = '[data-testid="stFileUploaderDropzoneInput"][accept*=".xlsx"]:not([accept*=".zip"])'
EXPORT_UPLOAD = '[data-testid="stFileUploaderDropzoneInput"][accept*=".zip"]'
ARTIFACTS = config.ROOT / "artifacts" / "screenshots"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def copy_site(demo_base: tuple[Path, Path], accounts_file: Path, base: Path) -> tuple[Path, Path, Path]:
    """A private copy of the embedded default's raw folder and warehouse, and of the accounts: (raw, db, accounts)."""
    raw, db, accounts = base / "raw", base / "warehouse.duckdb", base / "accounts.json"
    shutil.copytree(demo_base[0], raw)
    shutil.copy(demo_base[1], db)
    shutil.copy(accounts_file, accounts)
    return raw, db, accounts


def stop(proc: subprocess.Popen) -> None:
    """End a server this test started: politely, then for sure."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@contextmanager
def streamlit_server(db: Path, raw: Path, log: Path | None = None, accounts: Path | None = None,
                     app: Path = config.ROOT / "serve.py"):
    """`streamlit run serve.py` (app.py behind the session gate, as the service runs it) against the given
    warehouse (and accounts file); yields the base URL."""
    with streamlit_process(db, raw, log, accounts, app) as (url, _):
        yield url


@contextmanager
def streamlit_process(db: Path, raw: Path, log: Path | None = None, accounts: Path | None = None,
                      app: Path = config.ROOT / "serve.py"):
    """As streamlit_server, yielding (base URL, the server's process) for a test that stops it on purpose."""
    port = free_port()
    env = {**os.environ, "MONITOR_DB": str(db), "MONITOR_RAW": str(raw), "PYTHONPATH": str(config.ROOT)}
    own = None
    if accounts is None:  # no accounts at all, reading opened on purpose: the pages as anyone reads them
        own = Path(tempfile.mkdtemp(prefix="aohan-accounts-"))
        accounts = own / "accounts.json"
        accounts.write_text(json.dumps({"settings": {"sign_in_required_for_all_pages": False}, "accounts": []}),
                            encoding="utf-8")
    env["MONITOR_ACCOUNTS"] = str(accounts)
    out = open(log, "w") if log else subprocess.DEVNULL
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=config.ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start (exit {proc.poll()}); see {log}")
            time.sleep(0.25)
        yield url, proc
    finally:
        stop(proc)
        if log:
            out.close()
        if own:
            shutil.rmtree(own, ignore_errors=True)


@contextmanager
def chromium(*extra_args: str):
    """Debian's Chromium under Playwright; raises (never skips) when it cannot start."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *extra_args])
        try:
            yield browser
        finally:
            browser.close()


def open_page(page, url: str, title: str, charts: bool = True, timeout: float = 45_000) -> None:
    """Go to a page and wait until its title (and its first chart) is drawn."""
    for attempt in range(2):
        page.goto(url)
        try:
            page.get_by_role("heading", name=title, exact=True).first.wait_for(timeout=timeout)
            if charts:  # a shown one: a page may hold a chart laid out for another width, not displayed
                page.locator(f"{CHART} >> visible=true").first.wait_for(timeout=timeout)
            return
        except Exception:
            # A cold server sometimes fails to hand out a lazily loaded script once; a reload fixes it.
            if attempt or "Failed to fetch dynamically imported module" not in page.content():
                raise


def shoot(page, name: str, height: int = 2600) -> Path:
    """A screenshot of the whole page (Streamlit scrolls inside the page, so: a tall window)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": height})
    page.wait_for_timeout(800)  # let the charts re-lay out to the new size
    page.screenshot(path=str(path))
    page.set_viewport_size(size)
    return path


def sign_in(page, name: str, password: str) -> None:
    """Fill the sign-in form of the page shown and wait until it is gone."""
    page.get_by_label("账号").fill(name)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.get_by_text(f"已登录：{name}").wait_for(timeout=30_000)


def go(page, title: str) -> None:
    """Switch page by the sidebar link (the session, and a sign-in, stay)."""
    page.get_by_role("link", name=title, exact=True).click()
    page.get_by_role("heading", name=title, exact=True).first.wait_for(timeout=30_000)


def open_upload_signed_in(page, url: str, name: str, password: str) -> None:
    """数据填报 in a fresh session, signed in (a full page load starts a new Streamlit session)."""
    open_page(page, f"{url}/upload", "数据填报", charts=False)
    sign_in(page, name, password)
