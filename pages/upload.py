"""数据填报: download a unit's workbook, upload filled ones (or fill the year online), see every finding before
loading, load; what became of each (待审核, 已通过, 已退回 with the reason), 佐证材料, history."""

from pathlib import Path

import streamlit as st

from dashboard import auth, entry_ui, evidence_ui, import_ui, queries, readiness, upload_ui, views
from dashboard.data import clear_cache, db_path, query, raw_dir, require_warehouse
from dashboard.filters import current
from dashboard.plain import plain, say
from dashboard.readiness_ui import school_workbook_button
from dashboard.shell import ensure_app_shell
from dashboard.ui import localise_uploader, tidy, upload_limit_help
from pipelines import audit, config
from pipelines.ingest import withdraw
from pipelines.reporting import reporting_units
from pipelines.schools.settings import SCHOOL_UNIT
from pipelines.template import template_file_name
from pipelines.warehouse import WarehouseBusy, connect

ensure_app_shell()
require_warehouse()
f = current()
st.title("数据填报")
st.caption("下载本单位的年度工作簿，填写后上传（或在线填报）；平台先检查并列出全部问题，确认后才载入；审核通过后计入。")
account = auth.sign_in_form("下载、上传工作簿须先登录")
if account is None:
    st.stop()
upload_ui.returned_notices(account)  # a 填报 account sees at once what was returned, and why
may_report = account.role in ("填报", "管理")

# 1. The blank workbook: the same code as `python -m pipelines template`.
if not may_report:
    if account.is_reviewer:
        st.info(f"账号{plain(account.label())}为审核权限：在“数据审核”页审核各单位的工作簿；这里可以查看填报记录，不能下载或上传工作簿。")
    else:
        st.info(f"账号{plain(account.label())}为浏览权限：可以查看填报记录，不能下载或上传工作簿。")
else:
    st.subheader("① 下载填报工作簿")
    with connect(db_path(), read_only=True) as con:
        units = reporting_units(con) if account.is_admin else [account.unit]  # 填报: its own unit only
    left, middle, right = st.columns([2, 1, 2])
    unit = left.selectbox("填报单位", units, index=units.index(f.unit) if f.unit in units else 0, key="upload_unit")
    years = list(config.YEARS)
    year = middle.selectbox("填报年度", years, index=years.index(queries.last_due_year(config.PLAN_END_YEAR)),
                            key="upload_year")
    right.download_button(
        "下载工作簿", views.blank_workbook(unit, year), file_name=template_file_name(unit, year),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="template_download", type="primary",
    )
    if unit == SCHOOL_UNIT and readiness.available():  # issue 12: the school and kindergarten workbook
        school_workbook_button(right, year)

    # 2. Upload (or fill online): check first, show every finding, load on confirmation.
    st.subheader("② 上传或在线填报")
    upload_tab, online_tab, import_tab = st.tabs(["上传工作簿", "在线填报", "上传本单位统计报表"])
    with upload_tab:
        localise_uploader()
        files = st.file_uploader("选择填好的工作簿（可多选）", type=["xlsx", "xls", "ods"], accept_multiple_files=True,
                                 key="uploads", help=upload_limit_help())
        ready = []
        for upload in files or []:
            key = f"{upload.name}:{upload.file_id}"
            path = upload_ui.staging() / f"{upload.file_id}{Path(upload.name).suffix.lower()}"
            if upload_ui.show_result(upload_ui.check(key, path, upload.name, upload.getvalue(), account), upload.name):
                ready.append((key, path, upload.name))
        upload_ui.load(ready, account, f"确认载入 {len(ready)} 个工作簿", "confirm_load")
    with online_tab:
        entry_ui.online_entry(unit, year, account)
    with import_tab:  # issue 18: the office's own exports, mapped once
        import_ui.import_section(unit, year, account)

# 3. History: who sent what, when, its review state, and what it changed.
st.subheader("③ 填报记录")
table = upload_ui.history(f.show_demo, account)
if not table.empty:
    chosen = st.selectbox("查看某次填报改变了什么", table.index.tolist(), key="history_pick",
                          format_func=lambda i: f"#{i} {table.loc[i, '单位']} {table.loc[i, '年度']}年度 {table.loc[i, '文件']}")
    upload_ui.history_changes(int(chosen))

# 4. 佐证材料 for a task-progress report (the unit that reported it, or 管理).
if may_report:
    st.subheader("④ 佐证材料")
    evidence_ui.attach_section(account)

# 5. For 管理: withdraw a submission (kept in the archive and the history, no longer counted); the audit trail.
if account.is_admin and not table.empty:
    st.subheader("⑤ 撤回填报（管理）")
    live = [i for i in table.index if table.loc[i, "状态"] != config.WITHDRAWN_LABEL]
    with st.form("withdraw"):
        target = st.selectbox("要撤回的填报", live, key="withdraw_pick",
                              format_func=lambda i: f"#{i} {table.loc[i, '单位']} {table.loc[i, '年度']}年度 {table.loc[i, '文件']}")
        reason = st.text_input("撤回原因", key="withdraw_reason")
        confirmed = st.form_submit_button("撤回", type="primary")
    if confirmed:
        if not reason.strip():
            st.error("请填写撤回原因。")
        else:
            try:
                st.success(plain(withdraw(raw_dir(), db_path(), int(target), account, reason.strip(), say=say)))
            except WarehouseBusy as exc:
                st.error(plain(str(exc)))
            clear_cache()
if account.is_admin:
    st.subheader("⑥ 审计日志（管理）")
    events = query(
        "select occurred_at as 时间, event as 事件, account as 账号, result as 结果, file_name as 文件, "
        "sha256 as 文件指纹, submission_id as 填报编号, source as 来源 from audit order by occurred_at desc limit 500"
    )
    events["事件"] = events["事件"].map(audit.EVENTS)
    st.dataframe(tidy(events), hide_index=True, width="stretch", height=320)
