"""领导版: one page for a leader — the acceptance risk and every lagging target by lead unit, with value → target,
gap, when it is due and the unit's 整改说明; prints on one A4 page from the browser."""

import streamlit as st

from dashboard import leader, leader_html, queries
from dashboard.data import require_warehouse
from dashboard.filters import current
from dashboard.shell import ensure_app_shell
from dashboard.ui import no_data

ensure_app_shell()
require_warehouse()
f = current()
st.markdown(unsafe_allow_html=True, body=leader_html.CSS)
st.title("领导版")

targets = queries.statuses(f)
if targets.empty:
    no_data("当前筛选条件下没有量化目标。请在左侧放宽“重点任务”或“单位”。")
brief = leader.compose(targets, queries.ledger(f), f.as_of, queries.ledger_date(f.as_of),
                       f.show_demo and bool(targets["is_demo"].any()), f.show_demo)
st.markdown(unsafe_allow_html=True, body=leader_html.page(brief))
st.markdown(unsafe_allow_html=True, body="<p class='leader-print-note'>用浏览器的“打印”（Ctrl+P）可打印在一张A4纸上；"
            "完整的汇报幻灯片、Word 监测报告在“总览”页下载。</p>")
