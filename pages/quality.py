"""数据质量: body/attachment discrepancies, missing workbooks, ingest warnings, indicators without data."""

import pandas as pd
import streamlit as st

from dashboard import auth, queries, readiness_ui
from dashboard.data import query, require_warehouse
from dashboard.filters import current
from dashboard.shell import ensure_app_shell
from dashboard.ui import demo_banner, downloads, show_table, tidy
from pipelines import config
from pipelines.collection.visibility import visible_rows
from pipelines.discrepancies import FIELD_LABELS, FORMAL, SEVERITY_LABELS, SUBSTANTIVE

ensure_app_shell()
require_warehouse()
f = current()
st.title("数据质量")

st.subheader("通知正文与附件任务清单的差异")
st.caption("由平台逐项比对正文30项重点任务与附件98项任务得出；正文的日期取自其完成时限和正文语句本身，附件只写“长期坚持”的任务"
           "按正文的时限判断逾期。目标值不同的，按两份文件分别评估，以附件为准，管理账号可在“指标”页裁定以正文为准。")
texts = queries.texts_by_target(queries.statuses(f))  # issue 19: the status under each text, and the ruling
discrepancies = query("select * from discrepancies order by task_no, field")
if f.section:
    discrepancies = discrepancies[discrepancies["task_no"].isin(query("select task_no from tasks where section_no = ?", [f.section])["task_no"])]
a, b = st.columns(2)
a.metric("实质差异", int((discrepancies["severity"] == SUBSTANTIVE).sum()), border=True,
         help="两份文件要求不同：目标值、完成日期不同，或某项目标只有一份文件列出")
b.metric("表述差异", int((discrepancies["severity"] == FORMAL).sum()), border=True,
         help="要求相同、说法不同：措辞不同，或同一单位在两份文件中的角色不同")
for severity, heading in ((SUBSTANTIVE, "实质差异：需要确定以哪份文件为准"), (FORMAL, "表述差异：所指相同，供核对")):
    rows = discrepancies[discrepancies["severity"] == severity]
    st.markdown(f"**{heading}**（{len(rows)} 处）")
    table = pd.DataFrame({
        "任务": rows["task_no"], "重点任务": rows["key_task_no"], "方面": rows["field"].map(FIELD_LABELS),
        "正文": rows["body_value"].fillna("（无）"), "附件": rows["attachment_value"].fillna("（无）"), "说明": rows["note"],
        "按两份文件的状态与裁定": [texts.get(t, "") if isinstance(t, str) else "" for t in rows["target_id"]],
    })
    if not table["按两份文件的状态与裁定"].astype(bool).any():
        table = table.drop(columns="按两份文件的状态与裁定")
    show_table(table, "没有这一类差异。", key=f"discrepancies_{severity}",
               column_config={"说明": st.column_config.TextColumn(width="large"),
                              "按两份文件的状态与裁定": st.column_config.TextColumn(width="large")})
table = pd.DataFrame({
    "类别": discrepancies["severity"].map(SEVERITY_LABELS), "任务": discrepancies["task_no"],
    "重点任务": discrepancies["key_task_no"], "方面": discrepancies["field"].map(FIELD_LABELS),
    "正文": discrepancies["body_value"].fillna("（无）"), "附件": discrepancies["attachment_value"].fillna("（无）"),
    "说明": discrepancies["note"],
    "按两份文件的状态与裁定": [texts.get(t, "") if isinstance(t, str) else "" for t in discrepancies["target_id"]],
})
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
        w.reason as 原因, s.received_at as 收到时间, s.review_status, s.is_demo,
        case w.kind when 'note' then '说明' when 'completeness' then '完整性' else '警告' end as 类别
    from ingest_warnings w join submissions s using (submission_id)
    where not s.withdrawn and (? or not s.is_demo)
    order by s.submission_id desc, w.row
    """,
    [f.show_demo],
)
# a workbook awaiting review, or returned, only to its unit, its reviewers and 管理
warnings = visible_rows(warnings.assign(unit=warnings["单位"]), auth.current()).drop(columns="unit")
demo_banner(f.show_demo and bool(warnings["is_demo"].any()))
if warnings.empty:
    st.caption("没有警告。")
else:
    # a workbook awaiting review, or returned, has its warnings listed too, said as such (its values do not count)
    warnings.insert(8, "审核状态", warnings.pop("review_status").map(config.REVIEW_LABELS))
    st.dataframe(tidy(warnings.drop(columns="is_demo")), hide_index=True, width="stretch")

st.subheader("没有数据的指标")
targets = queries.statuses(f)
empty = targets[targets["status"].isin(["no_data", "year_no_data"])]
if empty.empty:
    st.success(f"截至{f.as_of}年，每个目标都有数据。")
else:
    st.caption(f"截至{f.as_of}年没有数据（或评估年度当年未报送）的目标：{len(empty)} 个")
    st.dataframe(
        tidy(empty[["target_id", "indicator_name", "status_label", "reporter", "lead_unit", "source_text"]].rename(columns={
            "target_id": "目标", "indicator_name": "指标", "status_label": "状态", "reporter": "填报单位",
            "lead_unit": "牵头单位", "source_text": "原文"})),
        hide_index=True, width="stretch",
    )
readiness_ui.cross_check_section(f)  # issue 12: school-derived rates against the reported county values

st.caption(f"{config.SOURCE_LINE}。")
