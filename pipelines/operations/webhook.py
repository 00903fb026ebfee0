"""The optional 催报 message to a group robot: 钉钉 (DingTalk) or 企业微信 (WeCom), off by default.

Settings (data/accounts.json, "reminder_webhook"): enabled (false), kind ("dingtalk" or "wecom"), url (the
robot's address), secret (a 钉钉 robot's 加签 secret, if it has one). The message is the robots' markdown
type; both answer {"errcode": 0, "errmsg": "ok"}. Nothing here raises: a failure (no address, refused,
timed out, an error code) comes back as a Chinese sentence for the page to say.
"""

import base64
import hashlib
import hmac
import http.client
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import date

import pandas as pd

from ..core import config
from ..records.reminders import STATE_LABELS, chinese_date

KINDS = {"dingtalk": "钉钉", "wecom": "企业微信"}
# The most a robot's markdown text may hold, in UTF-8 bytes (企业微信: 4096; 钉钉 takes more, kept readable).
MAX_TEXT_BYTES = {"dingtalk": 20000, "wecom": 4096}
log = logging.getLogger(__name__)


@dataclass
class Sent:
    ok: bool
    message: str


def _hook(settings: dict) -> dict:
    hook = settings.get("reminder_webhook") or {}
    return hook if isinstance(hook, dict) else {}


ENABLED_WORDS = ("true", "yes", "on", "1", "是", "启用")


def enabled(value) -> bool:
    """Only a true that means it: true, or a word for it ("true", "是"); "false", "0", "" and the rest are off."""
    if isinstance(value, bool):
        return value
    return isinstance(value, str | int) and str(value).strip().lower() in ENABLED_WORDS


def configured(settings: dict) -> bool:
    hook = _hook(settings)
    return enabled(hook.get("enabled")) and bool(str(hook.get("url") or "").strip())


def kind_name(settings: dict) -> str:
    """钉钉 or 企业微信, for a sentence ("群机器人" when the setting names neither)."""
    kind = _hook(settings).get("kind", "dingtalk")
    return KINDS.get(kind, "群机器人") if isinstance(kind, str) else "群机器人"


def text(late: pd.DataFrame, today: date, max_bytes: int | None = None) -> tuple[str, str]:
    """(title, markdown) of the 催报 message: every overdue unit and year, how late, why; with max_bytes, the
    list is cut to fit and says how many were left out."""
    title = f"催报：{len(late)}个工作簿逾期未报"
    head = ["### 【催报】监测数据填报逾期提醒", f"截至{chinese_date(today)}，以下工作簿已过应报日期：", ""]
    tail = ["", f"请登录{config.PLATFORM_NAME}“数据填报”页下载、填写并上传，或在线填报。"]
    items = []
    for i, r in enumerate(late.itertuples(), start=1):
        why = f"（退回原因：{r.returned_note}）" if r.state == "returned" and isinstance(r.returned_note, str) else ""
        items.append(f"{i}. **{r.unit}** {r.year}年度：{STATE_LABELS[r.state]}，逾期{r.overdue_days}天"
                     f"（应于{chinese_date(r.due_date)}前报送）{why}")
    shown = len(items)
    while True:
        more = [f"……另有{len(items) - shown}个逾期工作簿，详见平台“报送与催报”页。"] if shown < len(items) else []
        body = "\n".join(head + items[:shown] + more + tail)
        if max_bytes is None or len(body.encode("utf-8")) <= max_bytes or shown == 0:
            return title, body
        shown -= 1


def payload(kind: str, late: pd.DataFrame, today: date) -> dict:
    """The robot's JSON body, in its own markdown message format (cut to the robot's limit)."""
    title, body = text(late, today, MAX_TEXT_BYTES.get(kind))
    if kind == "dingtalk":
        return {"msgtype": "markdown", "markdown": {"title": title, "text": body}, "at": {"isAtAll": False}}
    if kind == "wecom":
        return {"msgtype": "markdown", "markdown": {"content": body}}
    raise ValueError(kind)


def signed_url(url: str, secret: str, now_ms: int | None = None) -> str:
    """A 钉钉 robot's address with its 加签: timestamp and the base64 HMAC-SHA256 of "timestamp\\nsecret"."""
    stamp = str(now_ms if now_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    return f"{url}{'&' if '?' in url else '?'}timestamp={stamp}&sign={sign}"


def send(settings: dict, late: pd.DataFrame, today: date) -> Sent:
    """Post the 催报 message to the configured robot; never raises."""
    refused = _not_sendable(settings, late)
    if refused:
        return Sent(False, refused)
    hook = _hook(settings)
    kind = hook.get("kind", "dingtalk")
    url = str(hook["url"]).strip()
    if kind == "dingtalk" and hook.get("secret"):
        url = signed_url(url, str(hook["secret"]))
    answer = _post(url, kind, late, today)
    return answer if isinstance(answer, Sent) else _outcome(answer, KINDS[kind], len(late))


def _not_sendable(settings: dict, late: pd.DataFrame) -> str | None:
    """Why nothing is sent: the settings are not a robot's, it is off, no unit is late, or the address is no web one."""
    if not isinstance(settings.get("reminder_webhook") or {}, dict):
        return "设置 reminder_webhook 应为一组设置（enabled、kind、url、secret），未发送"
    hook = _hook(settings)
    if not configured(settings):
        return "未启用群机器人催报（在设置 reminder_webhook 中填写地址并启用）"
    if late.empty:
        return "没有逾期的单位，未发送"
    kind = hook.get("kind", "dingtalk")
    if not isinstance(kind, str) or kind not in KINDS:
        return f"设置 reminder_webhook 的 kind 为“{kind}”，应为 dingtalk（钉钉）或 wecom（企业微信）"
    url = str(hook["url"]).strip()
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return f"设置 reminder_webhook 的地址“{url}”不是 http:// 或 https:// 开头的网址，未发送"
    return None


def _post(url: str, kind: str, late: pd.DataFrame, today: date) -> dict | Sent:
    """The robot's answer to the 催报 message, or the failure to say (logged for the server's operator)."""
    name = KINDS[kind]
    try:
        body = json.dumps(payload(kind, late, today), ensure_ascii=False).encode()
        request = urllib.request.Request(url, data=body, method="POST",
                                         headers={"Content-Type": "application/json; charset=utf-8"})
        with urllib.request.urlopen(request, timeout=config.WEBHOOK_TIMEOUT_SECONDS) as response:  # the operator's address
            return json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        log.warning("催报 %s: HTTP %s", kind, exc.code)
        return Sent(False, f"{name}群机器人催报发送失败：对方返回 HTTP {exc.code}")
    except (urllib.error.URLError, TimeoutError, OSError, http.client.HTTPException) as exc:
        log.warning("催报 %s: %r", kind, exc)
        reason = getattr(exc, "reason", exc)
        why = "连接超时" if isinstance(reason, TimeoutError) or "timed out" in str(reason) else "无法连接"
        return Sent(False, f"{name}群机器人催报发送失败：{why}（请检查地址和网络）")
    except (ValueError, UnicodeDecodeError) as exc:
        log.warning("催报 %s: 答复无法解析：%r", kind, exc)
        return Sent(False, f"{name}群机器人催报发送失败：对方的答复不是预期的格式")
    except Exception:  # never raised to the page, which says the sentence; the details go to the server's log
        log.exception("催报 %s: 程序内部错误", kind)
        return Sent(False, f"{name}群机器人催报发送失败（程序内部错误）")


def _outcome(answer, name: str, n_late: int) -> Sent:
    """Sent, or not, by the robot's errcode (both robots always say one: 0 or "0" is sent)."""
    if not isinstance(answer, dict) or "errcode" not in answer:
        return Sent(False, f"{name}群机器人催报发送失败：对方的答复不是预期的格式（没有 errcode，请检查地址是否为群机器人地址）")
    if str(answer["errcode"]).strip() != "0":
        detail = answer.get("errmsg", "")
        return Sent(False, f"{name}群机器人催报发送失败：错误码 {answer['errcode']}" + (f"（{detail}）" if detail else ""))
    return Sent(True, f"已向{name}群机器人发送催报：{n_late}个逾期工作簿")
