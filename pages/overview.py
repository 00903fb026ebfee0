"""总览: the leader's first screen (领导驾驶舱: headline tiles, the counts, lagging targets by lead unit), then the
target-gap charts, overdue tasks, the latest workbooks and the method."""

import streamlit as st

from dashboard import auth, readiness_ui, views
from dashboard.filters import current
from dashboard.report_downloads import briefing_docx, briefing_pptx, briefing_xlsx
from dashboard.ui import chart, demo_banner, method_note, no_data, open_target, show_table, status_legend
from pipelines.core import config
from pipelines.records.visibility import visible_rows
from reports import cockpit, images, placement, queries, readiness
from reports.briefing_data import report_file_name

f = current()
st.markdown(unsafe_allow_html=True, body=cockpit.CSS)
st.title("总览")
st.caption(f"《敖汉旗推动教育高质量发展实施方案》量化目标达成情况 · 评估年度 {f.as_of} 年")

targets = queries.statuses(f)
if targets.empty:
    no_data("当前筛选条件下没有量化目标。请在左侧放宽“重点任务”或“单位”。")
demo_banner(f.show_demo and bool(targets["is_demo"].any()))
if not queries.has_data(f):
    st.info("还没有任何单位的填报数据，所有目标均为“暂无数据”。请到“数据填报”下载模板、上传工作簿。")

exports = st.container(horizontal=True, key="exports")
exports.download_button(
    "下载汇报幻灯片（PPTX）", data=lambda: briefing_pptx(f), file_name=report_file_name(f.as_of, ".pptx"),
    mime="application/vnd.openxmlformats-officedocument.presentationml.presentation", type="primary",
    icon=":material/slideshow:", key="deck", on_click="ignore", disabled=not images.available(),
    help=None if images.available() else images.MISSING_BROWSER,
)
exports.download_button(
    "下载 Excel 报表", data=lambda: briefing_xlsx(f), file_name=report_file_name(f.as_of, ".xlsx"),
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", icon=":material/table_view:",
    key="excel_report", on_click="ignore",
)
exports.download_button(
    "下载监测报告（Word）", data=lambda: briefing_docx(f), file_name=report_file_name(f.as_of, ".docx", "监测报告"),
    mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document", icon=":material/description:",
    key="word_report", on_click="ignore", disabled=not images.available(),
    help=None if images.available() else images.MISSING_BROWSER,
)

ledger = queries.ledger(f)
overdue = ledger[ledger["overdue"]]
with st.container(key="cockpit"):
    acceptances = readiness.summary(readiness.readiness(f.as_of, f.show_demo)) if readiness.available() else None
    headline = cockpit.tiles(targets, queries.headline_series(f, config.HEADLINE_TARGETS), f.as_of, acceptances)
    if headline:  # none within a section or a unit that has no headline indicator
        st.markdown(unsafe_allow_html=True, body=headline)
    st.markdown(f"**{len(targets)}个量化目标的状态**")
    st.markdown(unsafe_allow_html=True, body=cockpit.counts_bar(targets, len(overdue)))
    st.markdown("**需要关注的目标（按牵头单位）**")
    st.markdown(unsafe_allow_html=True, body=cockpit.lagging_by_unit(targets))
    with st.container(key="leader_link"):  # not printed: the 领导版 prints itself
        st.page_link("pages/leader.py", label="领导版：每个滞后目标的数值、目标、差距与整改说明，及验收风险（可打印为一页A4）",
                     icon=":material/summarize:")

# A new session's first view: the cockpit is sent alone and drawn at once; the charts follow a moment
# later (loading the chart library for the first time would otherwise hold up the first screen).
first_view = st.session_state.get("overview_view") is None
st.session_state["overview_view"] = "cockpit" if first_view else "full"


@st.fragment(run_every=0.3 if first_view else None)
def follow_with_charts() -> None:
    if st.session_state["overview_view"] == "cockpit":
        st.session_state["overview_view"] = "charts_next"
        with st.container(key="charts_loading"):  # not printed
            st.caption("图表载入中……")
    elif st.session_state["overview_view"] == "charts_next":
        st.rerun()  # the whole page again, now with its charts; the timer stops


if first_view:
    follow_with_charts()
    st.stop()

details = st.container(key="details")
with details:
    readiness_ui.overview_links(f)  # tasks 6 and 10: the 2030 and 2028 acceptances, on 验收准备
    st.subheader("量化目标进展")
    status_legend(targets["status"].unique())
    st.caption("点击某个目标的条形，查看该指标的历年数据与详情。")
    figures = views.gap_figures(f)
    st.markdown(views.WIDTH_SWITCH_CSS, unsafe_allow_html=True)
    for i, (_, wide, narrow, export) in enumerate(figures):
        for layout, figure in (("wide", wide), ("narrow", narrow)):
            with st.container(key=f"{layout}_gap_{i}"):
                chart(figure, f"目标进展_{i + 1}_{f.as_of}", key=f"gap_{layout}_{i}", on_select=open_target, export=export)
    if images.available():
        with st.expander("批量下载图片（ZIP）"):
            titles = [title for title, *_ in figures]
            chosen = st.multiselect("选择图表", titles, default=titles, key="zip_charts", placeholder="选择图表")
            st.download_button(
                f"下载所选 {len(chosen)} 张图片", data=lambda: images.zip_of([(t, e) for t, _, _, e in figures if t in chosen],
                                                                        placement.slide_png),
                file_name=f"目标进展图表_{f.as_of}.zip", mime="application/zip", key="zip", on_click="ignore",
                disabled=not chosen,
            )

    left, right = st.columns(2)
    with left:
        st.subheader("逾期任务")
        st.caption(f"截至 {queries.ledger_date(f.as_of):%Y-%m-%d}，已过完成时限而未报告完成：{len(overdue)} 项")
        show_table(overdue[["task_no", "lead_units", "overdue_since", "latest_status", "text"]].rename(columns={
            "task_no": "编号", "lead_units": "牵头单位", "overdue_since": "应完成", "latest_status": "最新进展",
            "text": "任务内容"}), "没有逾期的任务。", height=320)
    with right:
        st.subheader("最近收到的工作簿")
        # a workbook awaiting review, or returned, only to its unit, its reviewers and 管理
        recent = visible_rows(queries.submissions(f.show_demo), auth.current()).head(8)
        show_table(recent.assign(is_demo=recent["is_demo"].map({True: config.DEMO_LABEL, False: ""}))[
            ["received_at", "unit", "year", "file_name", "n_values", "n_warnings", "is_demo"]].rename(columns={
            "received_at": "收到时间", "unit": "单位", "year": "年度", "file_name": "文件", "n_values": "数值",
            "n_warnings": "警告", "is_demo": "说明"}), "还没有收到工作簿。", height=320)

    st.subheader("各状态的含义与评估方法")
    method_note()
