"""数据审核: the workbooks awaiting review, what approving one would change, approve it or return it."""

import streamlit as st

from dashboard import auth, review_ui
from dashboard.data import require_warehouse
from dashboard.filters import current
from dashboard.plain import plain
from dashboard.shell import ensure_app_shell

ensure_app_shell()
require_warehouse()
f = current()
st.title("数据审核")
st.caption("各单位上传的工作簿经审核通过后才计入各页面、报表和导出；退回须写明原因，填报单位在“数据填报”页可以看到。")
account = auth.sign_in_form("审核工作簿须先登录")
if account is None:
    st.stop()
if not account.is_reviewer:
    st.info(f"账号{plain(account.label())}不能审核工作簿：审核由管理账号或审核账号进行。本单位工作簿的审核结果见“数据填报”页。")
    st.stop()
if message := st.session_state.pop("review_message", None):
    st.success(plain(message), icon=":material/gavel:")

label = st.segmented_control("状态", list(review_ui.STATUS_CHOICES), default="待审核", key="review_status")
frame = review_ui.queue(account, review_ui.STATUS_CHOICES[label or "待审核"])
if frame.empty:
    st.info(f"没有{'' if label == '全部' else label}的工作簿。" + ("各单位上传后会出现在这里。" if label == "待审核" else ""))
    st.stop()
review_ui.queue_table(frame)

row = review_ui.pick(frame)
review_ui.show_preview(row)
review_ui.archived_file(row)
review_ui.decision_form(account, row)
review_ui.decisions(int(row["submission_id"]))
