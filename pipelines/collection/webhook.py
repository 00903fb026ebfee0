"""The optional 催报 message to a group robot: 钉钉 (DingTalk) or 企业微信 (WeCom), off by default.

Settings (data/accounts.json, "reminder_webhook"): enabled (false), kind ("dingtalk" or "wecom"), url (the
robot's address), secret (a 钉钉 robot's 加签 secret, if it has one). The message is the robots' markdown
type; both answer {"errcode": 0, "errmsg": "ok"}. Nothing here raises: a failure (no address, refused,
timed out, an error code) comes back as a Chinese sentence for the page to say.
"""

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import date

import pandas as pd

from .reminders import STATE_LABELS, chinese_date

KINDS = {"dingtalk": "钉钉", "wecom": "企业微信"}
TIMEOUT_SECONDS = 5.0
PLATFORM = "敖汉旗教育高质量发展监测平台"


@dataclass
class Sent:
    ok: bool
    message: str


def configured(settings: dict) -> bool:
    hook = settings.get("reminder_webhook") or {}
    return bool(hook.get("enabled")) and bool(str(hook.get("url") or "").strip())


def text(late: pd.DataFrame, today: date) -> tuple[str, str]:
    """(title, markdown) of the 催报 message: every overdue unit and year, how late, why."""
    title = f"催报：{len(late)}个工作簿逾期未报"
    lines = ["### 【催报】监测数据填报逾期提醒", f"截至{chinese_date(today)}，以下工作簿已过应报日期：", ""]
    for i, r in enumerate(late.itertuples(), start=1):
        why = f"（退回原因：{r.returned_note}）" if r.state == "returned" and isinstance(r.returned_note, str) else ""
        lines.append(f"{i}. **{r.unit}** {r.year}年度：{STATE_LABELS[r.state]}，逾期{r.overdue_days}天"
                     f"（应于{chinese_date(r.due_date)}前报送）{why}")
    lines += ["", f"请登录{PLATFORM}“数据填报”页下载、填写并上传，或在线填报。"]
    return title, "\n".join(lines)


def payload(kind: str, late: pd.DataFrame, today: date) -> dict:
    """The robot's JSON body, in its own markdown message format."""
    title, body = text(late, today)
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
    hook = settings.get("reminder_webhook") or {}
    if not configured(settings):
        return Sent(False, "未启用群机器人催报（在设置 reminder_webhook 中填写地址并启用）")
    if late.empty:
        return Sent(False, "没有逾期的单位，未发送")
    kind = hook.get("kind", "dingtalk")
    if kind not in KINDS:
        return Sent(False, f"设置 reminder_webhook 的 kind 为“{kind}”，应为 dingtalk（钉钉）或 wecom（企业微信）")
    url = str(hook["url"]).strip()
    if kind == "dingtalk" and hook.get("secret"):
        url = signed_url(url, str(hook["secret"]))
    name = KINDS[kind]
    try:
        body = json.dumps(payload(kind, late, today), ensure_ascii=False).encode()
        request = urllib.request.Request(url, data=body, method="POST",
                                         headers={"Content-Type": "application/json; charset=utf-8"})
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (the operator's address)
            answer = json.loads(response.read().decode("utf-8") or "{}")
    except urllib.error.HTTPError as exc:
        return Sent(False, f"{name}群机器人催报发送失败：对方返回 HTTP {exc.code}")
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        why = "连接超时" if isinstance(reason, TimeoutError) or "timed out" in str(reason) else "无法连接"
        return Sent(False, f"{name}群机器人催报发送失败：{why}（请检查地址和网络）")
    except (ValueError, UnicodeDecodeError):
        return Sent(False, f"{name}群机器人催报发送失败：对方的答复不是预期的格式")
    except Exception:  # never raised to the user: the page says it
        return Sent(False, f"{name}群机器人催报发送失败（程序内部错误）")
    if not isinstance(answer, dict) or answer.get("errcode", 0) != 0:
        detail = answer.get("errmsg", "") if isinstance(answer, dict) else ""
        return Sent(False, f"{name}群机器人催报发送失败：错误码 {answer.get('errcode') if isinstance(answer, dict) else '?'}"
                           + (f"（{detail}）" if detail else ""))
    return Sent(True, f"已向{name}群机器人发送催报：{len(late)}个逾期工作簿")
