"""敖汉旗教育高质量发展监测平台: the entry point — navigation over pages/ and the shared sidebar."""

import streamlit as st

from dashboard import auth, data, phone
from dashboard.failure import guarded
from dashboard.filters import sidebar
from pipelines import logging_setup

logging_setup.configure()  # once per process: the server's log (the service's journal)

# An emoji favicon is drawn in the browser; a :material/…: one is fetched from fonts.gstatic.com, which the
# intranet cannot reach and the proxy's Content-Security-Policy refuses.
st.set_page_config(page_title="敖汉旗教育高质量发展监测", page_icon="🎓", layout="wide")

pages = [
    st.Page("pages/overview.py", title="总览", icon=":material/dashboard:", default=True),
    st.Page("pages/leader.py", title="领导版", icon=":material/summarize:"),
    st.Page("pages/indicators.py", title="指标", icon=":material/show_chart:"),
    st.Page("pages/ledger.py", title="任务台账", icon=":material/checklist:"),
    st.Page("pages/units.py", title="责任单位", icon=":material/groups:"),
    st.Page("pages/upload.py", title="数据填报", icon=":material/upload_file:"),
    st.Page("pages/review.py", title="数据审核", icon=":material/approval:"),
    st.Page("pages/reminders.py", title="报送与催报", icon=":material/notifications_active:"),
    st.Page("pages/quality.py", title="数据质量", icon=":material/rule:"),
    st.Page("pages/readiness.py", title="验收准备", icon=":material/fact_check:"),
]
locked = not auth.may_read()
if locked:
    # Signed in, or reading opened on purpose in data/accounts.json (dashboard/auth.may_read).
    pages = [st.Page(auth.sign_in_page, title="登录", icon=":material/login:")]
navigation = st.navigation(pages)
# Page-wide CSS for phones (dashboard.phone), in the sidebar so that it takes no room on a page.
st.sidebar.markdown("**敖汉旗推动教育高质量发展实施方案**  \n监测平台" + phone.CSS, unsafe_allow_html=True)
with guarded():  # a failure is said in Chinese with a reference to the log, never Streamlit's English
    data.catch_up_before_reading()  # after a crash: the warehouse is brought up to date before anything reads it
    if not locked:
        data.say_caught_up()
        sidebar()
    auth.sidebar_status()
    navigation.run()
