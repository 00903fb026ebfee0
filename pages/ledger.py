"""任务台账: the 98 tasks with their units, deadlines, reported status, overdue and discrepancy flags."""

import pandas as pd
import streamlit as st

from dashboard import auth, evidence_ui, queries, views
from dashboard.data import query, require_warehouse
from dashboard.filters import current
from dashboard.shell import ensure_app_shell
from dashboard.ui import chart, demo_banner, downloads, no_data, tidy
from pipelines import config
from pipelines.collection.review import status_label
from pipelines.collection.visibility import visible_rows
from pipelines.deadlines import ledger_deadline

ensure_app_shell()
require_warehouse()
f = current()
st.title("任务台账")
today = queries.ledger_date(f.as_of)
st.caption(f"98项任务的牵头与责任单位、完成时限和最新进展；逾期按 {today:%Y-%m-%d} 计算")

ledger = queries.ledger(f)
if ledger.empty:
    no_data("当前筛选条件下没有任务。")
demo_banner(f.show_demo and bool(ledger["is_demo"].fillna(False).any()))

a, b, c, d, e = st.columns(5)
a.metric("任务", len(ledger), border=True)
ongoing = ledger["done"] & (ledger["latest_status"] == "常态化推进")
b.metric("已完成", int((ledger["done"] & ~ongoing).sum()), border=True, help="最新进展报告“已完成”的任务")
c.metric("转入常态化", int(ongoing.sum()), border=True, help="长期坚持类任务报告“常态化推进”的（视同完成，不计逾期）")
d.metric("逾期", int(ledger["overdue"].sum()), border=True)
e.metric("正文与附件有差异", int(ledger["has_discrepancy"].sum()), border=True)

with st.container(border=True):
    left, middle, right = st.columns([2, 2, 3])
    key_tasks = ledger[["key_task_no", "key_task_title"]].drop_duplicates()
    key_options = {"全部": None} | {f"（{r.key_task_no}）{r.key_task_title}": r.key_task_no for r in key_tasks.itertuples()}
    key = key_options[left.selectbox("重点任务（三十项）", list(key_options), key="ledger_key")]
    states = ["未填报", *config.PROGRESS_STATUSES]
    chosen_states = middle.multiselect("最新进展", states, key="ledger_states", placeholder="全部")
    words = right.text_input("查找任务内容", key="ledger_search")
    only_overdue = left.toggle("只看逾期", key="ledger_overdue")
    only_discrepancy = middle.toggle("只看正文与附件有差异", key="ledger_discrepancy")

shown = ledger
if key:
    shown = shown[shown["key_task_no"] == key]
if chosen_states:
    shown = shown[shown["latest_status"].fillna("未填报").isin(chosen_states)]
if words:
    shown = shown[shown["text"].str.contains(words, regex=False)]
if only_overdue:
    shown = shown[shown["overdue"]]
if only_discrepancy:
    shown = shown[shown["has_discrepancy"]]

table = pd.DataFrame({  # what a reader needs first comes first (a phone shows the left columns)
    "编号": shown["task_no"],
    "任务内容": shown["text"],
    "牵头单位": shown["lead_units"],
    "最新进展": shown["latest_status"].fillna("未填报"),
    "逾期": shown["overdue"],
    "逾期依据": [("正文时限" if by == "body" else "附件时限") if o else "" for o, by in zip(shown["overdue"], shown["overdue_by"])],
    "已完成（含转入常态化）": shown["done"],
    "完成时限": [ledger_deadline(t, b) for t, b in zip(shown["deadline_text"], shown["body_due_dates"])],
    "进展说明": shown["latest_note"],
    "责任单位": shown["responsible_units"],
    "重点任务": shown["section_title"],
    "任务目标": "（" + shown["key_task_no"].astype(str) + "）" + shown["key_task_title"],
    "量化目标": shown["targets"],
    "正文与附件差异": shown["discrepancy_notes"].fillna(""),
    "整改说明": shown["rectification"].fillna(""),
})
st.dataframe(
    tidy(table), hide_index=True, width="stretch", height=460,
    column_config={
        "任务内容": st.column_config.TextColumn(width="large"),
        "责任单位": st.column_config.TextColumn(width="medium"),
        "已完成（含转入常态化）": st.column_config.CheckboxColumn(),
        "逾期": st.column_config.CheckboxColumn(),
        "量化目标": st.column_config.TextColumn(width="medium", help="本任务的量化目标及其状态；正文与附件目标值不同的，两种状态都列出"),
        "正文与附件差异": st.column_config.TextColumn(width="medium"),
        "整改说明": st.column_config.TextColumn(width="medium"),
    },
)
st.caption(f"显示 {len(table)} 项")
downloads(table, f"任务台账_{today:%Y%m%d}", "任务台账", key="ledger")

st.subheader("完成时限时间轴")
figure = views.timeline_figure(tuple(shown["task_no"]), f)
if figure is None:
    st.caption("所选任务没有具体的完成时限（均为长期坚持）。")
else:
    chart(figure, f"任务时间轴_{today:%Y%m%d}", key="timeline")

st.subheader("某项任务的进展记录")
task_no = st.selectbox("任务", shown["task_no"].tolist(), key="ledger_history_task",
                       format_func=lambda n: f"任务{n}：{ledger.set_index('task_no').loc[n, 'text'][:40]}")
history = query(
    """
    select s.year as 年度, p.status as 进展状态, p.note as 进展说明, s.unit as 填报单位, s.file_name as 来源工作簿,
        s.received_at as 收到时间, s.review_status, s.withdrawn, s.review_note as 审核意见, s.unit,
        case when s.is_demo then ? else '' end as 说明
    from task_progress p join submissions s using (submission_id)
    where p.task_no = ? and (? or not s.is_demo)
    order by s.submission_id desc
    """,
    [config.DEMO_LABEL, task_no, f.show_demo],
)
account = auth.current()  # a report awaiting review, or returned, only to its unit, its reviewers and 管理
history = visible_rows(history, account).drop(columns="unit")
if history.empty:
    st.caption("该任务还没有填报过进展。")
else:  # every report, with what became of its workbook (only 已通过 counts in the ledger above)
    history.insert(6, "审核状态", [status_label(r, w) for r, w in zip(history.pop("review_status"), history.pop("withdrawn"))])
    st.dataframe(tidy(history), hide_index=True, width="stretch")
evidence_ui.task_evidence(task_no, f.show_demo, account)
