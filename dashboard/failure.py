"""A page never ends in Streamlit's "This app has encountered an error" (all that the deployed
showErrorDetails=none leaves of a failure): an unexpected one is said in Chinese — what happened (a full
disk, a file that cannot be written, the program's own fault), that nothing was left half-saved, what to do
— with an error reference that finds its details, the traceback, in the server's log (journalctl).

Nothing a page writes is left half-done by a failure: a workbook, decision or file is logged before it is
applied and applied in one transaction, and the next writer completes or clears what a failure left
(recovery.catch_up), so the sentence can promise it.
"""

import logging
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import streamlit as st

from pipelines import failures

from .plain import plain

log = logging.getLogger("aohan_monitor.pages")
if not log.handlers:  # the service's stderr is its log (journald); Streamlit configures only its own loggers
    _handler = logging.StreamHandler(sys.stderr)
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(_handler)
    log.setLevel(logging.INFO)

INTERNAL = "程序内部错误"


def reference() -> str:
    """A short reference for one failure, said on the page and written beside its traceback in the log."""
    return f"E{datetime.now():%Y%m%d-%H%M%S}-{secrets.token_hex(2).upper()}"


def show(exc: BaseException) -> str:
    """Say a failure on the page, in Chinese, and log its details under a reference; the reference."""
    ref = reference()
    log.error("页面出错，错误编号 %s", ref, exc_info=exc)
    what = failures.sentence(exc) or INTERNAL
    st.error(f"**操作未能完成：{plain(what)}。**\n\n"
             "已有的数据不受影响，也不会留下只保存了一半的内容（未完成的写入，平台会在下次写入时自动补齐或清理）。"
             "请刷新页面后重试；如果是在载入、审核或撤回时出错，请先在“数据填报”的填报记录或“数据审核”中查看这次操作"
             f"是否已经完成，再决定是否重做。如仍出错，请把错误编号 **{ref}** 告诉平台管理员"
             "（服务器日志中有这次错误的详细记录）。", icon=":material/error:")
    return ref


@contextmanager
def guarded() -> Iterator[None]:
    """Run a page (or a fragment) so that an unexpected failure is said in Chinese, not by Streamlit in English.
    st.stop, st.rerun and st.switch_page are not failures (Streamlit raises them as BaseException)."""
    try:
        yield
    # The page's last guard, a broad catch by design: whatever fails, the page says it in Chinese with a reference,
    # and show() logs the traceback under that reference.
    except Exception as exc:  # noqa: BLE001
        show(exc)
