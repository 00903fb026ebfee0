"""责任单位: units × key tasks, and each unit's scorecard (tasks, indicators, workbooks received and missing)."""

from dataclasses import replace

import pandas as pd
import streamlit as st

from dashboard import matrix_html, phone, queries, views
from dashboard.data import query, require_warehouse
from dashboard.filters import current
from dashboard.shell import ensure_app_shell
from dashboard.ui import chart, demo_banner, downloads, show_table, tidy
from pipelines.deadlines import ledger_deadline

ensure_app_shell()
require_warehouse()
f = current()
st.title("责任单位")
st.caption("各单位在30项重点任务中牵头或负责的情况，以及各单位的任务、指标与报送情况")

# A laptop or wider: the heatmap; a phone: the table that scrolls with its headings in view (issue 21).
st.markdown(matrix_html.CSS, unsafe_allow_html=True)
with st.container(key="wide_matrix"):
    chart(views.matrix_figure(f.unit), "单位与重点任务", key="matrix")
with st.container(key="narrow_matrix"):
    st.markdown("**单位 × 重点任务：牵头（牵）与负责（责）**")
    st.markdown(matrix_html.table(matrix_html.roles(f.unit), matrix_html.key_task_titles()), unsafe_allow_html=True)

st.subheader("单位记分卡")
ledger = queries.ledger(replace(f, unit=None))
lead = query("select task_no, unit from task_units where role = 'lead'")
indicators = query("select reporter as unit, count(*) as n from indicators group by reporter")
received = queries.completeness(f.show_demo, queries.last_due_year(f.as_of))
demo_banner(f.show_demo and bool(queries.submissions(f.show_demo)["is_demo"].any()))

units = query("select unit from units order by unit = '旗教育局' desc, category, unit")["unit"].tolist()
rows = []
for unit in units:
    tasks = ledger[ledger["task_no"].isin(lead.loc[lead["unit"] == unit, "task_no"])]
    due = received[received["unit"] == unit]
    rows.append({
        "单位": unit,
        "牵头任务": len(tasks),
        "已完成（含转入常态化）": int(tasks["done"].sum()),
        "逾期": int(tasks["overdue"].sum()),
        "未填报进展": int(tasks["latest_status"].isna().sum()),
        "填报指标": int(indicators.loc[indicators["unit"] == unit, "n"].sum()),
        "应报工作簿": len(due),
        "已收": int((due["received"] > 0).sum()),
        "缺报": int((due["received"] == 0).sum()),
    })
scorecard = pd.DataFrame(rows)
scorecard = scorecard[(scorecard["牵头任务"] > 0) | (scorecard["填报指标"] > 0)]
if f.unit:
    scorecard = scorecard[scorecard["单位"] == f.unit]
if scorecard.empty:
    st.info(f"{f.unit}不牵头任务、不填报指标，只作为责任单位参与（见上表）。")
else:
    st.dataframe(tidy(scorecard), hide_index=True, width="stretch")
    downloads(scorecard, f"单位记分卡_{f.as_of}", "单位记分卡", key="scorecard")

figure = views.completeness_figure(f)
if figure is not None:
    phone.chart(figure, f"报送情况_{f.as_of}", key="completeness")

if f.unit:
    st.subheader(f"{f.unit}牵头的任务")
    mine = ledger[ledger["task_no"].isin(lead.loc[lead["unit"] == f.unit, "task_no"])]
    mine = mine.assign(deadline_text=[ledger_deadline(t, b) for t, b in zip(mine["deadline_text"], mine["body_due_dates"])])
    show_table(mine[["task_no", "text", "deadline_text", "latest_status", "overdue"]].rename(columns={
        "task_no": "编号", "text": "任务内容", "deadline_text": "完成时限", "latest_status": "最新进展", "overdue": "逾期"}),
        f"{f.unit}不牵头任何任务。")
