"""Every failure a person can meet is said in Chinese (issue 20, item 10): a full disk, a damaged log line, the
program's own fault — on a page (never Streamlit's English "This app has encountered an error"), from the
command line (never just "程序内部错误" when the disk is full), and from the proxy while the app restarts."""

import errno
import http.client
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from pipelines.cli.main import main
from pipelines.core import config, failures
from tests.books import filled
from tests.browser_support import free_port
from tests.proxy_support import HOST, nginx_proxy, unverified
from tests.test_app import navigation_only, sign_in  # noqa: F401 (autouse: app.py runs on every AppTest rerun, as served)

DUCKDB_FULL = 'IO Error: Could not write file "/srv/data/warehouse.duckdb.tmp": No space left on device'


def full_disk(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


# What failed, in words.


@pytest.mark.parametrize("exc", [OSError(errno.ENOSPC, "No space left on device"), duckdb.IOException(DUCKDB_FULL),
                                 RuntimeError("wrapped")])
def test_a_full_disk_is_recognised_however_it_arrives(exc):
    if isinstance(exc, RuntimeError):  # a library that wraps the OSError it met
        try:
            try:
                full_disk()
            except OSError as inner:
                raise RuntimeError("write failed") from inner
        except RuntimeError as outer:
            exc = outer
    assert failures.is_disk_full(exc) and failures.sentence(exc).startswith("磁盘空间不足")


def test_other_failures_are_said_or_left_to_the_caller():
    assert "没有权限" in failures.sentence(PermissionError(errno.EACCES, "denied", "/srv/data/raw/log.jsonl"))
    assert "数据仓库文件无法读写" in failures.sentence(duckdb.IOException("IO Error: Could not read from file"))
    assert failures.sentence(KeyError("x")) is None  # the program's own fault: said by the caller with a reference


# The command line, in-process with the write that fails patched in.


def test_build_on_a_full_disk_says_so(wh, monkeypatch, capsys):
    raw, db = wh

    def duckdb_out_of_space(*args, **kwargs):
        raise duckdb.IOException(DUCKDB_FULL)

    monkeypatch.setattr("pipelines.operations.build.build", duckdb_out_of_space)
    assert main(["build", "--raw", str(raw), "--db", str(db), "--no-demo"]) == 1
    said = capsys.readouterr().err
    assert said.startswith("处理失败：磁盘空间不足") and "程序内部错误" not in said and "Traceback" not in said


def test_ingest_on_a_full_disk_says_so_and_loads_nothing(wh, tmp_path, monkeypatch, capsys):
    raw, db = wh
    book = filled(db, tmp_path / "edu.xlsx", values={"HS_GER": 95.9})
    monkeypatch.setattr("pipelines.records.archive._write_durably", full_disk)
    assert main(["ingest", str(book), "--raw", str(raw), "--db", str(db)]) == 1
    said = capsys.readouterr().err
    assert "磁盘空间不足" in said and "Traceback" not in said
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from submissions").fetchall() == [(0,)]


# The app: AppTest through app.py, as served.


@pytest.fixture
def upload_page(wh, accounts, tmp_path, monkeypatch):
    """数据填报 signed in as edu, a good workbook checked and ready for 确认载入."""
    raw, db = wh
    monkeypatch.setenv("MONITOR_DB", str(db))
    monkeypatch.setenv("MONITOR_RAW", str(raw))
    at = AppTest.from_file(str(config.ROOT / "app.py"), default_timeout=90)
    at.run()
    at.switch_page("pages/upload.py").run()
    sign_in(at, "edu")
    book = filled(db, tmp_path / "edu.xlsx", values={"HS_GER": 95.9})
    at.file_uploader(key="uploads").set_value([("edu.xlsx", book.read_bytes(), "application/octet-stream")]).run()
    assert not at.exception and any("检查通过" in s.value for s in at.success)
    return at, raw, db


def loaded(db) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select count(*) from submissions").fetchall()[0][0]


def test_a_full_disk_during_confirm_load_is_said_in_chinese(upload_page, monkeypatch, caplog):
    at, raw, db = upload_page
    monkeypatch.setattr("pipelines.records.archive._write_durably", full_disk)
    with caplog.at_level(logging.ERROR, logger="aohan_monitor.pages"):
        at.button(key="confirm_load").click().run()
    assert not at.exception, at.exception  # not Streamlit's "This app has encountered an error"
    [said] = [e.value for e in at.error if "操作未能完成" in e.value]
    assert "磁盘空间不足" in said and "已有的数据不受影响" in said and "错误编号" in said
    reference = said.split("错误编号 **")[1].split("**")[0]
    [record] = [r for r in caplog.records if reference in r.getMessage()]
    assert record.exc_info and record.exc_info[0] is OSError  # the details, in the server's log
    assert loaded(db) == 0


def test_a_damaged_log_line_during_confirm_load_is_said_in_chinese(upload_page):
    at, raw, db = upload_page
    log = raw / config.SUBMISSIONS_DIR / config.SUBMISSIONS_LOG
    log.parent.mkdir(parents=True, exist_ok=True)
    good = json.dumps({"event": "note"}, ensure_ascii=False)
    log.write_text(f"{good}\n{{损坏的一行\n{good}\n", encoding="utf-8")
    at.button(key="confirm_load").click().run()
    assert not at.exception, at.exception
    # said where it is met: the page's own check of the log, or the load that reads it
    assert any("日志第2行已损坏" in e.value for e in at.error), [e.value for e in at.error]
    assert loaded(db) == 0


def test_any_unexpected_failure_on_a_page_is_said_with_a_reference(wh, accounts, monkeypatch):
    raw, db = wh
    monkeypatch.setenv("MONITOR_DB", str(db))
    monkeypatch.setenv("MONITOR_RAW", str(raw))

    def broken(*args, **kwargs):
        raise KeyError("a bug")

    monkeypatch.setattr("reports.queries.ledger", broken)
    at = AppTest.from_file(str(config.ROOT / "app.py"), default_timeout=90)
    at.run()
    at.switch_page("pages/ledger.py").run()
    assert not at.exception, at.exception
    [said] = [e.value for e in at.error]
    assert "操作未能完成：程序内部错误" in said and "错误编号" in said and "KeyError" not in said
    assert [t.value for t in at.title] == ["任务台账"]  # the page's title stays, the sidebar too
    assert at.selectbox(key="as_of").value


def test_streamlit_shows_its_own_english_only_without_our_guard(wh, monkeypatch):
    """The guard is what stands between a failure and Streamlit's English: run the same failure outside it."""
    raw, db = wh
    monkeypatch.setenv("MONITOR_DB", str(db))
    monkeypatch.setenv("MONITOR_RAW", str(raw))
    monkeypatch.setattr("dashboard.failure.guarded", _unguarded)
    monkeypatch.setattr("reports.queries.ledger", lambda *a, **k: {}["a bug"])
    at = AppTest.from_file(str(config.ROOT / "app.py"), default_timeout=90)
    at.run()
    at.switch_page("pages/ledger.py").run()
    assert at.exception  # what a person would meet without the guard


class _unguarded:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def test_app_py_runs_every_page_inside_the_guard():
    source = (config.ROOT / "app.py").read_text(encoding="utf-8")
    guarded = source.split("with guarded():", 1)[1]
    assert "navigation.run()" in guarded and "sidebar()" in guarded


# The proxy while the app restarts.


class _Health(BaseHTTPRequestHandler):
    def do_GET(self):  # http.server's name
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


def test_the_proxy_says_in_chinese_that_the_app_is_restarting():
    port = free_port()
    upstream = ThreadingHTTPServer(("127.0.0.1", port), _Health)
    thread = threading.Thread(target=upstream.serve_forever, daemon=True)
    thread.start()
    with nginx_proxy(port) as (https_port, _, folder):
        upstream.shutdown()
        upstream.server_close()
        for path in ("/_stcore/health", "/", "/upload"):
            conn = http.client.HTTPSConnection("127.0.0.1", https_port, context=unverified(), timeout=30)
            conn.request("GET", path, headers={"Host": f"{HOST}:{https_port}"})
            response = conn.getresponse()
            body = json.loads(response.read().decode("utf-8"))  # one JSON string: Streamlit's page shows it
            conn.close()
            assert response.status == 503, (path, response.status)
            assert response.getheader("Content-Type").startswith("text/plain; charset=utf-8")
            assert "监测平台正在重新启动" in body and "不会留下只保存了一半的内容" in body, body
            assert "Bad Gateway" not in body and "nginx" not in body
            assert response.getheader("Strict-Transport-Security")  # the site's headers stay on this answer



@pytest.mark.browser
def test_a_page_whose_app_restarts_behind_the_proxy_says_so_in_chinese(wh, accounts, tmp_path):
    """The outside check's "Connection failed with status 502": the app stopped under an open page. Streamlit's
    own reconnect notice stays English, but it now carries nginx's Chinese sentence, which it shows verbatim."""
    from tests.browser_support import chromium, shoot, stop, streamlit_process

    raw, db = wh
    with streamlit_process(db, raw, log=tmp_path / "streamlit.log", accounts=accounts) as (url, proc), \
            nginx_proxy(int(url.rsplit(":", 1)[1])) as (https_port, _, folder), \
            chromium(f"--host-resolver-rules=MAP {HOST} 127.0.0.1") as browser:
        context = browser.new_context(ignore_https_errors=True, locale="zh-CN", viewport={"width": 1440, "height": 1000})
        page = context.new_page()
        page.goto(f"https://{HOST}:{https_port}/")
        page.get_by_role("heading", name="总览").wait_for(timeout=45_000)  # the page drawn whole (its scripts loaded)
        page.wait_for_timeout(1000)
        stop(proc)  # the service restarting under the open page
        page.get_by_text("监测平台正在重新启动").first.wait_for(timeout=60_000)
        shown = page.locator("body").inner_text()
        assert "页面会自动重新连接" in shown and "不会留下只保存了一半的内容" in shown
        assert "Bad Gateway" not in shown
        shoot(page, "23_restart_behind_the_proxy", height=1000)
