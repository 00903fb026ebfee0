"""敖汉旗教育高质量发展监测平台: the dashboard's entry point (st.navigation over pages/)."""

import streamlit as st

st.set_page_config(page_title="敖汉旗教育高质量发展监测", page_icon="📊", layout="wide")

pages = [
    st.Page("pages/ledger.py", title="任务台账", icon="📋", default=True),
]
st.navigation(pages).run()
