"""数据填报: download a unit's workbook, upload filled ones, see every finding before loading, load, history."""

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import auth, queries, readiness, views
from dashboard.data import clear_cache, db_path, query, raw_dir, require_warehouse
from dashboard.filters import current
from dashboard.readiness_ui import school_workbook_button
from dashboard.shell import ensure_app_shell
from dashboard.ui import localise_uploader, tidy
from pipelines import audit, config
from pipelines.archive import sha256_of
from pipelines.ingest import IngestResult, check_file, ingest_file, withdraw
from pipelines.problems import InputError
from pipelines.reporting import reporting_units
from pipelines.schools.settings import SCHOOL_UNIT
from pipelines.template import template_file_name
from pipelines.warehouse import WarehouseBusy, connect

ensure_app_shell()
require_warehouse()
f = current()
st.title("数据填报")
st.caption("下载本单位的年度工作簿，填写后上传；平台先检查并列出全部问题，确认后才载入。")
account = auth.sign_in_form("下载、上传工作簿须先登录")
if account is None:
    st.stop()
may_report = account.role in ("填报", "管理")

# 1. The blank workbook: the same code as `python -m pipelines template`.
files = None
if not may_report:
    st.info(f"账号{account.label()}为浏览权限：可以查看填报记录，不能下载或上传工作簿。")
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

    # 2. Upload: check first, show every finding, load on confirmation.
    st.subheader("② 上传并检查")
    localise_uploader()
    files = st.file_uploader("选择填好的工作簿（可多选）", type=["xlsx", "xls", "ods"], accept_multiple_files=True,
                             key="uploads", help=f"单个文件不超过 {config.MAX_UPLOAD_BYTES // 1024 // 1024} MB")
checked = st.session_state.setdefault("upload_checked", {})
staging = Path(st.session_state.setdefault("upload_dir", tempfile.mkdtemp(prefix="uploads_")))

ready = []
for upload in files or []:
    data = upload.getvalue()
    key = f"{upload.name}:{upload.file_id}"
    path = staging / f"{upload.file_id}{Path(upload.name).suffix.lower()}"
    if key not in checked:
        path.write_bytes(data)
        try:
            with connect(db_path(), read_only=True) as con:
                checked[key] = check_file(con, path, upload.name, actor=account)
        except InputError as exc:
            checked[key] = IngestResult(upload.name, "rejected", exc.problems, message=f"“{upload.name}”未通过检查")
        result = checked[key]
        outcome = "检查通过" if result.outcome == "checked" else (
            "重复文件" if result.outcome == "duplicate" else "未通过：" + "；".join(p.reason for p in result.errors[:3]))
        audit.record(raw_dir(), db_path(), "upload_checked", account.name, outcome, file_name=upload.name,
                     sha256=sha256_of(data))
    result = checked[key]
    with st.container(border=True):
        if result.outcome == "duplicate":
            st.info(result.message, icon=":material/recycling:")
            continue
        if result.outcome == "loaded":
            st.success(result.message, icon=":material/check_circle:")
            continue
        errors, warnings = result.errors, result.warnings
        if errors:
            st.error(f"**{upload.name}**：{len(errors)} 个错误" + (f"，{len(warnings)} 条警告" if warnings else "")
                     + "。请修改后重新上传，本文件不会载入。", icon=":material/block:")
        else:
            st.success(f"**{upload.name}**：{result.unit} {result.year}年度，数值 {result.n_values} 个，任务进展 "
                       f"{result.n_progress} 项，检查通过" + (f"，另有 {len(warnings)} 条警告（可载入，警告会保留）" if warnings else "")
                       + "。", icon=":material/task_alt:")
            ready.append((key, path, upload.name))
        # Errors (the file is refused until they are fixed) apart from warnings (loaded, worth a look).
        for found, heading, box in ((errors, "须修改的错误", st.error), (warnings, "请核实的警告（不影响载入）", st.warning)):
            if found:
                box(f"**{heading}：{len(found)} 条**", icon=":material/error:" if box is st.error else ":material/info:")
                table = pd.DataFrame([p.as_dict() for p in found]).drop(columns=["文件", "级别"])
                st.table(tidy(table).set_index("工作表"))  # a plain table: every reason readable in full
        if result.changes is not None and len(result.changes):
            changes = result.changes.drop(columns="indicator_code").rename(columns={
                "name": "指标", "unit": "单位", "year": "年度", "current_value": "现有值",
                "value": "新值", "change": "变化", "note": "备注"})
            with st.expander(f"将要载入的数值（新增 {int((changes['变化'] == '新增').sum())}，"
                             f"更正 {int((changes['变化'] == '更正').sum())}，不变 {int((changes['变化'] == '不变').sum())}）"):
                st.dataframe(tidy(changes), hide_index=True, width="stretch")

if ready:
    if st.button(f"确认载入 {len(ready)} 个工作簿", type="primary", key="confirm_load"):
        for key, path, name in ready:
            try:
                result = ingest_file(path, raw_dir(), db_path(), file=name, actor=account, source="网页", say=st.info)
            except WarehouseBusy as exc:
                st.error(str(exc))
                break
            checked[key] = result
            (st.success if result.outcome == "loaded" else st.error)(result.message)
        clear_cache()
        st.rerun()

# 3. History: who sent what, when, and what it changed.
st.subheader("③ 填报记录")
history = queries.submissions(f.show_demo)
if history.empty:
    st.caption("还没有收到任何工作簿。")
else:
    table = pd.DataFrame({
        "编号": history["submission_id"], "收到时间": history["received_at"], "单位": history["unit"], "年度": history["year"],
        "文件": history["file_name"], "提交人": history["account"].fillna(""), "数值": history["n_values"],
        "任务进展": history["n_progress"], "警告": history["n_warnings"],
        "说明": [("已撤回；" if w else "") + (config.DEMO_LABEL if d else "") for w, d in zip(history["withdrawn"], history["is_demo"])],
    })
    st.dataframe(tidy(table), hide_index=True, width="stretch", height=300)
    chosen = st.selectbox("查看某次填报改变了什么", history["submission_id"].tolist(), key="history_pick",
                          format_func=lambda i: f"#{i} {table.set_index('编号').loc[i, '单位']} "
                                                f"{table.set_index('编号').loc[i, '年度']}年度 {table.set_index('编号').loc[i, '文件']}")
    changed = query(
        """
        with this as (select * from submissions where submission_id = ?),
        before as (
            select o.indicator_code, o.value
            from observations o join submissions s using (submission_id), this
            where s.unit = this.unit and s.year = this.year and s.submission_id < this.submission_id and not s.withdrawn
            qualify row_number() over (partition by o.indicator_code order by s.submission_id desc) = 1
        )
        select o.indicator_code as 指标代码, i.name as 指标, b.value as 此前的值, o.value as 本次的值,
            case when b.value is null then '新增' when b.value = o.value then '不变' else '更正' end as 变化, o.note as 备注
        from observations o join indicators i using (indicator_code)
        left join before b using (indicator_code)
        where o.submission_id = ?
        order by 变化 desc, o.sheet_row
        """,
        [chosen, chosen],
    )
    st.dataframe(tidy(changed), hide_index=True, width="stretch")

# 4. For 管理: withdraw a submission (kept in the archive and the history, no longer counted); the audit trail.
if account.is_admin and not history.empty:
    st.subheader("④ 撤回填报（管理）")
    live = history[~history["withdrawn"]]
    with st.form("withdraw"):
        target = st.selectbox("要撤回的填报", live["submission_id"].tolist(), key="withdraw_pick",
                              format_func=lambda i: f"#{i} {table.set_index('编号').loc[i, '单位']} "
                                                    f"{table.set_index('编号').loc[i, '年度']}年度 {table.set_index('编号').loc[i, '文件']}")
        reason = st.text_input("撤回原因", key="withdraw_reason")
        confirmed = st.form_submit_button("撤回", type="primary")
    if confirmed:
        if not reason.strip():
            st.error("请填写撤回原因。")
        else:
            try:
                st.success(withdraw(raw_dir(), db_path(), int(target), account, reason.strip(), say=st.info))
            except WarehouseBusy as exc:
                st.error(str(exc))
            clear_cache()
if account.is_admin:
    st.subheader("⑤ 审计日志（管理）")
    events = query(
        "select occurred_at as 时间, event as 事件, account as 账号, result as 结果, file_name as 文件, "
        "sha256 as 文件指纹, submission_id as 填报编号, source as 来源 from audit order by occurred_at desc limit 500"
    )
    events["事件"] = events["事件"].map(audit.EVENTS)
    st.dataframe(tidy(events), hide_index=True, width="stretch", height=320)
