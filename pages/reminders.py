"""报送与催报: units × years — received, pending review, returned, missing, overdue by N days — with the 催报
list, a notice for each late unit and, when enabled, the group robot's message."""

import streamlit as st

from dashboard import auth, reminders_ui
from dashboard.data import require_warehouse
from dashboard.filters import current
from dashboard.plain import plain
from dashboard.shell import ensure_app_shell
from pipelines import config
from pipelines.collection.reminders import SettingsError

ensure_app_shell()
require_warehouse()
f = current()
st.title("报送与催报")
settings = auth.settings()
try:
    frame = reminders_ui.receipts(settings)  # real workbooks only: a demo one never counts as sent
    st.caption(reminders_ui.settings_caption(settings))
except SettingsError as exc:
    st.error(plain(str(exc)))
    st.stop()
if f.unit:
    frame = frame[frame["unit"] == f.unit]
if frame.empty:
    st.info("所选单位不需要报送年度工作簿。")
    st.stop()
if reminders_ui.has_demo():
    st.info(f"{config.DEMO_LABEL}的工作簿不计为报送：这里只按各单位真实上传的工作簿统计。", icon=":material/info:")

reminders_ui.counts(frame, f.unit)
st.subheader("各单位各年度报送情况")
reminders_ui.matrix(frame)
st.subheader("逾期未报（催报名单）")
reminders_ui.downloads(frame, settings)
reminders_ui.robot(frame, settings)
