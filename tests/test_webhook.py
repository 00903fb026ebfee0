"""The 催报 group robot (钉钉 / 企业微信) against a real HTTP server on 127.0.0.1: what is sent, the 加签, and
every failure coming back as a Chinese sentence, never raised."""

import base64
import hashlib
import hmac
import json
import re
import socket
import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest

from pipelines.accounts import DEFAULT_SETTINGS, AccountStore
from pipelines.collection import webhook

TODAY = date(2026, 4, 1)
SECRET = "SEC0123456789abcdef+/="  # characters base64 and URLs treat specially


def late_rows() -> pd.DataFrame:
    """Two overdue workbooks, as collection.reminders.overdue gives them."""
    return pd.DataFrame({
        "unit": ["旗教育局", "旗财政局"], "year": [2024, 2025], "state": ["returned", "missing"],
        "overdue_days": [366, 1], "due_date": [date(2025, 3, 31), date(2026, 3, 31)],
        "returned_note": ["幼儿园数据与快报不符", None], "last_received": [pd.Timestamp("2025-03-20 09:00"), pd.NaT],
    })


class Robot:
    """A local robot: records each request and answers as told (status, body, delay)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.status, self.answer, self.delay = 200, {"errcode": 0, "errmsg": "ok"}, 0.0
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                robot.requests.append({"path": self.path, "headers": dict(self.headers),
                                       "body": self.rfile.read(length)})
                time.sleep(robot.delay)
                data = robot.answer if isinstance(robot.answer, bytes) else json.dumps(robot.answer).encode()
                try:
                    self.send_response(robot.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up (the timeout test)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/robot/send?access_token=abc"
        # shutdown() waits for the loop's next look: every 0.05 s, not serve_forever's default 0.5 s
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def body(self, i: int = -1) -> dict:
        return json.loads(self.requests[i]["body"].decode("utf-8"))


@pytest.fixture
def robot():
    r = Robot()
    r.thread.start()
    yield r
    r.server.shutdown()
    r.server.server_close()


def settings(url: str, kind: str = "dingtalk", secret: str = "", enabled: bool = True) -> dict:
    return {**DEFAULT_SETTINGS, "reminder_webhook": {"enabled": enabled, "kind": kind, "url": url, "secret": secret}}


def chinese(sentence: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]{4}", sentence))


def test_dingtalk_markdown_message(robot):
    sent = webhook.send(settings(robot.url), late_rows(), TODAY)
    assert sent.ok and sent.message == "已向钉钉群机器人发送催报：2个逾期工作簿"
    assert len(robot.requests) == 1
    request = robot.requests[0]
    assert request["headers"]["Content-Type"].startswith("application/json")
    assert urlsplit(request["path"]).path == "/robot/send"
    assert parse_qs(urlsplit(request["path"]).query) == {"access_token": ["abc"]}  # no 加签 without a secret
    body = robot.body()
    assert body["msgtype"] == "markdown" and set(body["markdown"]) == {"title", "text"}
    assert body["markdown"]["title"] == "催报：2个工作簿逾期未报"
    text = body["markdown"]["text"]
    assert "截至2026年4月1日" in text
    assert "**旗教育局** 2024年度：已退回，逾期366天（应于2025年3月31日前报送）（退回原因：幼儿园数据与快报不符）" in text
    assert "**旗财政局** 2025年度：未报送，逾期1天（应于2026年3月31日前报送）" in text
    assert "退回原因：None" not in text and "nan" not in text


def test_dingtalk_signed_request(robot):
    before = int(time.time() * 1000)
    assert webhook.send(settings(robot.url, secret=SECRET), late_rows(), TODAY).ok
    after = int(time.time() * 1000)
    query = parse_qs(urlsplit(robot.requests[0]["path"]).query)
    assert set(query) == {"access_token", "timestamp", "sign"} and query["access_token"] == ["abc"]
    stamp = query["timestamp"][0]
    assert before <= int(stamp) <= after  # milliseconds, now
    expected = base64.b64encode(hmac.new(SECRET.encode(), f"{stamp}\n{SECRET}".encode(), hashlib.sha256).digest()).decode()
    assert query["sign"] == [expected]
    # The sign is URL-encoded as 钉钉 documents it: its + / = never bare in the address.
    raw_sign = re.search(r"[?&]sign=([^&]*)", robot.requests[0]["path"])[1]
    assert not set("+/=") & set(raw_sign)


def test_signed_url_on_an_address_without_a_query():
    url = webhook.signed_url("http://127.0.0.1:9/send", "s", now_ms=1700000000000)
    digest = base64.b64encode(hmac.new(b"s", b"1700000000000\ns", hashlib.sha256).digest()).decode()
    assert urlsplit(url).path == "/send"
    assert parse_qs(urlsplit(url).query) == {"timestamp": ["1700000000000"], "sign": [digest]}


def test_wecom_markdown_message(robot):
    sent = webhook.send(settings(robot.url, kind="wecom", secret=SECRET), late_rows(), TODAY)
    assert sent.ok and "企业微信" in sent.message
    body = robot.body()
    assert body["msgtype"] == "markdown" and set(body) == {"msgtype", "markdown"}
    assert set(body["markdown"]) == {"content"}
    assert "**旗教育局** 2024年度：已退回，逾期366天" in body["markdown"]["content"]
    assert "sign" not in parse_qs(urlsplit(robot.requests[0]["path"]).query)  # 加签 is 钉钉's


def test_wecom_message_fits_its_limit(robot):
    """企业微信's markdown content is at most 4096 bytes: a long list is cut, with how many were left out."""
    many = pd.concat([late_rows()] * 40, ignore_index=True)
    many["unit"] = [f"旗教育局{i}" for i in range(len(many))]
    assert webhook.send(settings(robot.url, kind="wecom"), many, TODAY).ok
    content = robot.body()["markdown"]["content"]
    assert len(content.encode("utf-8")) <= 4096
    shown = len(re.findall(r"^\d+\. ", content, flags=re.M))
    assert 0 < shown < 80 and f"另有{80 - shown}个" in content
    assert "请登录" in content  # the closing line is kept


def test_an_error_code_is_said(robot):
    robot.answer = {"errcode": 310000, "errmsg": "sign not match"}
    sent = webhook.send(settings(robot.url, secret=SECRET), late_rows(), TODAY)
    assert not sent.ok and chinese(sent.message)
    assert "310000" in sent.message and "sign not match" in sent.message and "钉钉" in sent.message


@pytest.mark.parametrize("answer", [b"", b"{}", b"<html>ok</html>", b"[0]", b'{"errcode": "x"}'])
def test_an_answer_that_is_not_the_robots_is_a_failure(robot, answer):
    robot.answer = answer
    sent = webhook.send(settings(robot.url), late_rows(), TODAY)
    assert not sent.ok and chinese(sent.message), sent.message


def test_http_500_is_said(robot):
    robot.status, robot.answer = 500, b"internal error"
    sent = webhook.send(settings(robot.url, kind="wecom"), late_rows(), TODAY)
    assert not sent.ok and "HTTP 500" in sent.message and "企业微信" in sent.message and chinese(sent.message)


def test_a_closed_port_is_said():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sent = webhook.send(settings(f"http://127.0.0.1:{port}/send"), late_rows(), TODAY)
    assert not sent.ok and "无法连接" in sent.message and chinese(sent.message)


def test_a_slow_robot_times_out(robot, monkeypatch):
    monkeypatch.setattr(webhook, "TIMEOUT_SECONDS", 0.5)
    robot.delay = 3
    started = time.monotonic()
    sent = webhook.send(settings(robot.url), late_rows(), TODAY)
    assert time.monotonic() - started < 2.5
    assert not sent.ok and "超时" in sent.message and chinese(sent.message)


@pytest.mark.parametrize("hook, said", [
    ({"enabled": True, "kind": "slack", "url": "http://127.0.0.1:9/"}, "kind"),
    ({"enabled": True, "kind": "dingtalk", "url": "file:///etc/passwd"}, "http"),
    ({"enabled": True, "kind": "dingtalk", "url": "ftp://127.0.0.1/x"}, "http"),
    ({"enabled": True, "kind": "dingtalk", "url": "127.0.0.1:8080/send"}, "http"),
    ("http://127.0.0.1:9/", "reminder_webhook"),  # not a table of settings
])
def test_bad_robot_settings_are_said(hook, said):
    sent = webhook.send({**DEFAULT_SETTINGS, "reminder_webhook": hook}, late_rows(), TODAY)
    assert not sent.ok and said in sent.message and chinese(sent.message), sent.message


def test_off_by_default_sends_nothing(robot, tmp_path):
    fresh = AccountStore(tmp_path / "accounts.json").settings()
    assert fresh["reminder_webhook"]["enabled"] is False
    assert not webhook.configured(fresh) and not webhook.configured(DEFAULT_SETTINGS)
    sent = webhook.send(fresh, late_rows(), TODAY)
    assert not sent.ok and "未启用" in sent.message
    # An address alone does not turn it on.
    sent = webhook.send(settings(robot.url, enabled=False), late_rows(), TODAY)
    assert not sent.ok and "未启用" in sent.message
    assert robot.requests == []


def test_nothing_late_sends_nothing(robot):
    sent = webhook.send(settings(robot.url), late_rows().iloc[0:0], TODAY)
    assert not sent.ok and "没有逾期" in sent.message and robot.requests == []


@pytest.mark.parametrize("written", ["false", "False", "0", "", "no", "否", 0, None, [], {}])
def test_enabled_written_as_a_word_for_no_sends_nothing(robot, written):
    sent = webhook.send(settings(robot.url, enabled=written), late_rows(), TODAY)
    assert not sent.ok and "未启用" in sent.message and robot.requests == []


@pytest.mark.parametrize("written", [True, "true", "是", 1])
def test_enabled_written_as_a_word_for_yes_sends(robot, written):
    assert webhook.send(settings(robot.url, enabled=written), late_rows(), TODAY).ok


def test_a_kind_that_is_not_a_word_is_said_not_raised(robot):
    sent = webhook.send(settings(robot.url, kind=["a"]), late_rows(), TODAY)
    assert not sent.ok and "kind" in sent.message and robot.requests == []
    assert webhook.kind_name(settings(robot.url, kind=["a"])) == "群机器人"


def test_an_errcode_written_as_text_zero_is_sent(robot):
    robot.answer = b'{"errcode": "0", "errmsg": "ok"}'
    assert webhook.send(settings(robot.url), late_rows(), TODAY).ok
