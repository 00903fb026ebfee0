"""数据质量: body/attachment discrepancies, missing workbooks, ingest warnings, indicators without data."""

import pandas as pd
import streamlit as st

from dashboard import queries, readiness_ui
from dashboard.data import query, require_warehouse
from dashboard.filters import current
from dashboard.shell import ensure_app_shell
from dashboard.ui import demo_banner, downloads, tidy
from pipelines import config

ensure_app_shell()
require_warehouse()
f = current()
st.title("数据质量")

FIELDS = {"target_value": "目标值", "target_wording": "目标表述", "target": "目标有无", "deadline": "完成时限",
          "lead_units": "牵头单位", "responsible_units": "责任单位"}
st.subheader("通知正文与附件任务清单的差异")
st.caption("由平台逐项比对正文30项重点任务与附件98项任务得出；目标以附件为准，除非另有决定。")
discrepancies = query("select * from discrepancies order by task_no, field")
if f.section:
    discrepancies = discrepancies[discrepancies["task_no"].isin(query("select task_no from tasks where section_no = ?", [f.section])["task_no"])]
table = pd.DataFrame({
    "任务": discrepancies["task_no"], "重点任务": discrepancies["key_task_no"],
    "方面": discrepancies["field"].map(FIELDS), "正文": discrepancies["body_value"].fillna("（无）"),
    "附件": discrepancies["attachment_value"].fillna("（无）"), "说明": discrepancies["note"],
})
a, b, c = st.columns(3)
a.metric("目标差异", int(discrepancies["field"].str.startswith("target").sum()), border=True)
b.metric("完成时限差异", int((discrepancies["field"] == "deadline").sum()), border=True)
c.metric("单位差异", int(discrepancies["field"].str.endswith("_units").sum()), border=True)
st.dataframe(tidy(table), hide_index=True, width="stretch", column_config={"说明": st.column_config.TextColumn(width="large")})
downloads(table, "正文与附件差异", "差异", key="discrepancies")

st.subheader("缺报的工作簿")
due = queries.completeness(f.show_demo, queries.last_due_year(f.as_of))
missing = due[due["received"] == 0]
if f.unit:
    missing = missing[missing["unit"] == f.unit]
if missing.empty:
    st.success("应报的工作簿都已收到。")
else:
    st.dataframe(missing[["unit", "year"]].rename(columns={"unit": "单位", "year": "年度"}), hide_index=True)

st.subheader("载入时的警告")
warnings = query(
    """
    select s.file_name as 文件, s.unit as 单位, s.year as 年度, w.sheet as 工作表, w.row as 行, w."column" as 列,
        w.reason as 原因, s.received_at as 收到时间, s.is_demo
    from ingest_warnings w join submissions s using (submission_id)
    where not s.withdrawn and (? or not s.is_demo)
    order by s.submission_id desc, w.row
    """,
    [f.show_demo],
)
demo_banner(f.show_demo and bool(warnings["is_demo"].any()))
if warnings.empty:
    st.caption("没有警告。")
else:
    st.dataframe(tidy(warnings.drop(columns="is_demo")), hide_index=True, width="stretch")

st.subheader("没有数据的指标")
targets = queries.statuses(f)
empty = targets[targets["status"] == "no_data"]
if empty.empty:
    st.success(f"截至{f.as_of}年，每个目标都有数据。")
else:
    st.caption(f"截至{f.as_of}年没有任何填报数据的目标：{len(empty)} 个")
    st.dataframe(
        tidy(empty[["target_id", "indicator_name", "reporter", "lead_unit", "source_text"]].rename(columns={
            "target_id": "目标", "indicator_name": "指标", "reporter": "填报单位", "lead_unit": "牵头单位", "source_text": "原文"})),
        hide_index=True, width="stretch",
    )
readiness_ui.cross_check_section(f)  # issue 12: school-derived rates against the reported county values

st.caption(f"{config.SOURCE_LINE}。")
