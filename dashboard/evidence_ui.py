"""佐证材料 on the pages: attach files to a task-progress report (数据填报), and see them in the task's history
(任务台账), each with the state of the workbook it belongs to."""

import pandas as pd
import streamlit as st

from pipelines import config
from pipelines.accounts import Account
from pipelines.archive import submissions_dir
from pipelines.collection.evidence import attach
from pipelines.collection.review import status_label
from pipelines.collection.visibility import visible_rows
from pipelines.problems import InputError
from pipelines.warehouse import WarehouseBusy

from . import upload_ui
from .data import clear_cache, db_path, query, raw_dir
from .plain import plain, say
from .ui import tidy, upload_limit_help

UPLOADER_CSS = """
<style>
.st-key-evidence [data-testid="stFileUploaderDropzoneInstructions"] span::after {
  content: "或将文件拖到此处（PDF、JPG、PNG、DOCX，单个文件不超过 5 MB）"; font-size: 14px; }
.st-key-evidence [data-testid="stFileUploader"]:has([aria-invalid="true"])::after {
  content: "标红的文件没有上传：佐证材料只能是 PDF、JPG、PNG 或 DOCX，单个文件不超过 5 MB（5,000,000 字节）。点 × 移除后重新选择。"; }
</style>
"""


def attach_section(account: Account) -> None:
    """Pick one of the unit's workbooks (not returned or withdrawn), a task it reported, and the files."""
    books = query("select submission_id, unit, year, file_name, review_status from submissions "
                  "where not withdrawn and not is_demo and review_status <> 'returned' and n_progress > 0 "
                  "order by submission_id desc")  # a unit's evidence belongs with its own (real) report
    books = books[[account.may_report_for(u) for u in books["unit"]]]
    if books.empty:
        st.caption("还没有可附佐证材料的任务进展：先上传填有“任务进展”的工作簿。")
        return
    st.markdown(UPLOADER_CSS, unsafe_allow_html=True)
    with st.container(key="evidence", border=True):
        labels = {r.submission_id: f"#{r.submission_id} {r.unit} {r.year}年度 {r.file_name}（{config.REVIEW_LABELS[r.review_status]}）"
                  for r in books.itertuples()}
        left, right = st.columns(2)
        chosen = left.selectbox("附在哪次填报上", list(labels), format_func=labels.get, key="evidence_book")
        tasks = query("select p.task_no, p.status, t.text from task_progress p join tasks t using (task_no) "
                      "where p.submission_id = ? order by p.task_no", [chosen])
        task_labels = {r.task_no: f"任务{r.task_no}（{r.status}）：{r.text[:30]}" for r in tasks.itertuples()}
        task_no = right.selectbox("哪项任务的进展", list(task_labels), format_func=task_labels.get, key="evidence_task")
        files = st.file_uploader("佐证材料（PDF、JPG、PNG、DOCX）", type=["pdf", "jpg", "jpeg", "png", "docx"],
                                 accept_multiple_files=True, key="evidence_files",
                                 help=upload_limit_help() + "；文件类型按内容检查，改扩展名的文件不予接受")
        if files and st.button(f"保存 {len(files)} 个佐证材料", type="primary", key="evidence_save"):
            for upload in files:
                path = upload_ui.staging() / f"evidence_{upload.file_id}"
                path.write_bytes(upload.getvalue())
                try:
                    st.success(plain(attach(raw_dir(), db_path(), int(chosen), int(task_no), path, upload.name, account,
                                      say=say)))
                except InputError as exc:
                    for problem in exc.problems:
                        st.error(plain(str(problem)))
                except WarehouseBusy as exc:
                    st.error(plain(str(exc)))
                finally:
                    path.unlink(missing_ok=True)  # archived (or refused): the staged copy is not kept
            clear_cache()
        evidence_table(query(EVIDENCE + " where e.submission_id = ? order by e.attached_at", [chosen]), "evidence_list")


EVIDENCE = """
    select e.task_no, e.file_name, e.kind, e.size_bytes, e.sha256, e.archive_path, e.attached_at, e.attached_by,
        s.submission_id, s.year, s.unit, s.review_status, s.withdrawn, s.is_demo
    from evidence e join submissions s using (submission_id)
"""


def evidence_table(frame: pd.DataFrame, key: str) -> None:
    """The files with their kind, size, fingerprint and the state of their workbook; a download for each."""
    if frame.empty:
        return
    st.dataframe(tidy(pd.DataFrame({
        "任务": "任务" + frame["task_no"].astype(str), "文件": frame["file_name"],
        "类型": frame["kind"].map(config.EVIDENCE_KIND_LABELS), "大小（KB）": (frame["size_bytes"] / 1024).round(0),
        "所属填报": "#" + frame["submission_id"].astype(str) + " " + frame["year"].astype(str) + "年度",
        "填报状态": [status_label(s, w) for s, w in zip(frame["review_status"], frame["withdrawn"])],
        "上传人": frame["attached_by"].fillna(""), "上传时间": frame["attached_at"],
        "文件指纹（sha256）": frame["sha256"].str[:16] + "…",
    })), hide_index=True, width="stretch")
    folder = submissions_dir(raw_dir())
    with st.container(horizontal=True):
        for i, r in enumerate(frame.itertuples()):
            path = folder / r.archive_path
            if path.is_file():
                st.download_button(f"下载 {plain(r.file_name)}", path.read_bytes, file_name=r.file_name, key=f"{key}_{i}",  # read on click
                                   type="tertiary", icon=":material/attach_file:")


def task_evidence(task_no: int, show_demo: bool, account: Account | None) -> None:
    """The 佐证材料 of a task's reports, on 任务台账 (a returned or withdrawn workbook's said as such; those of a
    workbook awaiting review or returned only to its unit, its reviewers and 管理)."""
    frame = visible_rows(query(EVIDENCE + " where e.task_no = ? and (? or not s.is_demo) "
                                          "order by s.submission_id desc, e.attached_at", [task_no, show_demo]), account)
    if frame.empty:
        st.caption("该任务的进展还没有附佐证材料。")
        return
    st.markdown(f"**佐证材料**（{len(frame)} 个）")
    evidence_table(frame, f"task_evidence_{task_no}")
