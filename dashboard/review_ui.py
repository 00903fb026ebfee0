"""数据审核's parts: the queue a reviewer may decide, what approving a workbook would change, the decision."""

from pathlib import Path

import pandas as pd
import streamlit as st

from pipelines import config
from pipelines.accounts import Account
from pipelines.archive import submissions_dir
from pipelines.collection.preview import STATUS_KIND, Preview, preview
from pipelines.collection.review import REVIEW_LIST, ReviewError, decide, status_label
from pipelines.problems import InputError
from pipelines.warehouse import WarehouseBusy

from . import failure
from .data import clear_cache, data_version, db_path, query, raw_dir
from .plain import plain, plain_table, say
from .ui import tidy
from .upload_ui import changes_table

STATUS_CHOICES = {"待审核": "pending", "已退回": "returned", "已通过": "approved", "全部": "all"}
DECISION_CHOICES = {"审核通过（计入各页面和报表）": "approved", "退回（须写明原因）": "returned"}


@st.cache_data(show_spinner="正在计算审核通过后的变化……", max_entries=64)
def _preview(db: str, version: tuple, submission_id: int) -> Preview:
    return preview(Path(db), submission_id)


def queue(account: Account, status: str) -> pd.DataFrame:
    """The workbooks of a review status that this account may decide (管理: all; 审核: its units')."""
    frame = query(REVIEW_LIST, [status, status, status])
    return frame[[account.may_review(u) for u in frame["unit"]]].reset_index(drop=True)


def queue_table(frame: pd.DataFrame) -> None:
    notes = []
    for r in frame.itertuples():
        said = [config.DEMO_LABEL] if r.is_demo else []
        if r.n_later:
            said.append(f"其后又收到本单位本年度工作簿{r.n_later}个")
        notes.append("；".join(said))
    st.dataframe(tidy(pd.DataFrame({
        "编号": frame["submission_id"], "单位": frame["unit"], "年度": frame["year"],
        "工作簿": ["学校与幼儿园" if s else "年度填报" for s in frame["is_school"]], "文件": frame["file_name"],
        "收到时间": frame["received_at"], "提交人": frame["account"].fillna(""),
        "状态": [status_label(s, w) for s, w in zip(frame["review_status"], frame["withdrawn"])],
        "审核意见": frame["review_note"].fillna(""), "警告": frame["n_warnings"], "说明": notes,
    })), hide_index=True, width="stretch", height=min(400, 40 + 35 * len(frame)))


def pick(frame: pd.DataFrame) -> dict:
    labels = {r.submission_id: f"#{r.submission_id} {r.unit} {r.year}年度 {r.file_name}" for r in frame.itertuples()}
    chosen = st.selectbox("审核哪个工作簿", list(labels), format_func=labels.get, key="review_pick")
    return frame[frame["submission_id"] == chosen].iloc[0].to_dict()


def show_preview(row: dict) -> None:
    """The values beside those that count now, and the targets whose status approving would change (a real
    workbook against real data only)."""
    if row["withdrawn"]:
        st.info("该工作簿已撤回，不再计入，也不能审核。")
        return
    p = _preview(str(db_path()), data_version(db_path()), int(row["submission_id"]))
    if row["review_status"] == "approved":
        st.caption("该工作簿已审核通过，其数值已计入。")
    else:
        st.markdown(f"**审核通过后将改变什么**：{p.summary()}")
    if p.ends_demo:
        st.warning(f"这是第一个审核通过的真实工作簿：通过后{config.DEMO_LABEL}结束，示例工作簿仍留在归档中，但不再计入任何页面、"
                   "报表、检查和催报。下面的“现有值”和状态只按真实数据计算。", icon=":material/science:")
    if row["n_later"]:
        st.info(f"其后又收到{row['unit']}{row['year']}年度的工作簿 {row['n_later']} 个：各数值以审核通过的工作簿中最晚收到的为准，"
                "本工作簿被较晚的工作簿取代的数值标为“不计入”。", icon=":material/info:")
    if len(p.values):
        changes_table(p.values, "本工作簿的数值与现有值", expanded=True)
    written_words(p)
    if p.statuses.empty:
        st.caption(f"按{p.as_of}年评估，审核通过不会改变任何{STATUS_KIND}的状态。")
    else:
        st.markdown(f"**状态将改变的{STATUS_KIND}**（评估年度 {p.as_of} 年）")
        st.table(plain_table(p.statuses.rename(columns={"name": "目标或标准", "lead_unit": "牵头单位", "before": "现状态",
                                            "after": "审核通过后"}).drop(columns="key")
                 .set_index("目标或标准")))  # a plain table: wraps on a phone


def written_words(p: Preview) -> None:
    """The unit's own words that approving publishes (进展说明, 整改说明), each in full and exactly as typed."""
    if p.progress.empty and p.rectifications.empty:
        st.caption("本工作簿没有填写任务进展或整改说明。")
        return
    if len(p.progress):
        st.markdown(f"**任务进展与进展说明**（{len(p.progress)} 项；审核通过后显示在任务台账和汇报材料中）")
        st.table(plain_table(pd.DataFrame({
            "任务": [f"任务{r.task_no}：{r.task_text[:24]}{'…' if len(r.task_text) > 24 else ''}" for r in p.progress.itertuples()],
            "进展状态": p.progress["status"], "进展说明": p.progress["note"],
        }).set_index("任务")))
    if len(p.rectifications):
        st.markdown(f"**整改说明**（{len(p.rectifications)} 项；审核通过后显示在指标页、任务台账和汇报材料中）")
        st.table(plain_table(pd.DataFrame({
            "目标": [f"{r.target_id} {r.name}" for r in p.rectifications.itertuples()],
            "原因分析": p.rectifications["reason"], "整改措施": p.rectifications["measures"],
            "计划完成时间": p.rectifications["planned_text"],
        }).set_index("目标")))


def archived_file(row: dict) -> None:
    """The workbook itself, as archived, for the reviewer to open."""
    path = submissions_dir(raw_dir()) / query("select archive_path from submissions where submission_id = ?",
                                              [int(row["submission_id"])])["archive_path"].iloc[0]
    if path.is_file():
        st.download_button("下载该工作簿（归档原件）", path.read_bytes, file_name=row["file_name"], key="review_file",  # on click
                           icon=":material/download:")


def decision_form(account: Account, row: dict) -> None:
    """Approve or return (with a reason); the decision is logged, applied and in the audit trail."""
    if row["withdrawn"]:
        return
    with st.form("review_decision", border=True):
        choice = st.radio("审核结论", list(DECISION_CHOICES), key="review_choice", horizontal=True)
        note = st.text_area("审核意见 / 退回原因", key="review_note",
                            placeholder="退回时必填：写明要修改什么，如“2025年高中阶段毛入学率应为95.9，请核对后重新上传”")
        submitted = st.form_submit_button("提交审核结论", type="primary")
    if not submitted:
        return
    try:
        result = decide(raw_dir(), db_path(), int(row["submission_id"]), DECISION_CHOICES[choice], account, note,
                        source="网页", say=say)
    except (ReviewError, WarehouseBusy, InputError) as exc:  # InputError: the archive's log unreadable
        st.error(plain(str(exc)))
        return
    # Anything else (a full disk, a file that cannot be written) is said, and logged, by the page's failure.show;
    # broad by design, as the page's own guard, so the form stays on the page.
    except Exception as exc:  # noqa: BLE001
        failure.show(exc)
        return
    st.session_state["review_message"] = result.message
    clear_cache()
    st.rerun()


def decisions(submission_id: int) -> None:
    """Every decision on a workbook, in order (the last one stands)."""
    frame = query("select decided_at as 时间, decision, decided_by as 审核人, note as 意见 from review_decisions "
                  "where submission_id = ? order by decided_at, decision", [submission_id])
    if frame.empty:
        return
    frame.insert(1, "结论", frame.pop("decision").map(config.REVIEW_LABELS))
    st.caption("审核记录")
    st.dataframe(tidy(frame), hide_index=True, width="stretch")
