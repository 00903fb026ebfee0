"""在线填报 on 数据填报: the template's rows in editable tables; what is sent becomes the workbook itself."""

import hashlib

import pandas as pd
import streamlit as st

from pipelines import config
from pipelines.accounts import Account
from pipelines.collection import entry
from pipelines.warehouse import connect

from . import upload_ui
from .data import data_version, db_path
from .plain import plain

VALUE_COLUMNS = {
    "指标代码": None,  # the key of the row, kept out of sight (the name says which indicator)
    "指标名称": st.column_config.TextColumn("指标", disabled=True, width="large"),
    "单位": st.column_config.TextColumn("单位", disabled=True, width="small"),
    "数值": st.column_config.TextColumn("数值", help="如 95.3 或 95.3%、12所、是/否；建设项目填未开工、在建或已竣工；没有的留空"),
    "备注": st.column_config.TextColumn("备注", max_chars=config.TEXT_LIMITS["备注"]),
    "数据来源": st.column_config.TextColumn("数据来源", max_chars=config.TEXT_LIMITS["数据来源"], help="外部数据（公安、残联、财政等提供）注明取自哪份数据、哪个部门"),
    "来源日期": st.column_config.TextColumn("来源日期", help="如 2025-12-31 或 2025年12月"),
}
PROGRESS_COLUMNS = {
    "任务编号": st.column_config.NumberColumn("编号", disabled=True, format="%d", width="small"),
    "任务内容": st.column_config.TextColumn("任务内容", disabled=True, width="large"),
    "完成时限": st.column_config.TextColumn("完成时限", disabled=True),
    "进展状态": st.column_config.SelectboxColumn("进展状态", options=list(config.PROGRESS_STATUSES)),
    "进展说明": st.column_config.TextColumn("进展说明", width="medium", max_chars=config.TEXT_LIMITS["进展说明"]),
}
RECTIFY_COLUMNS = {
    "目标编号": st.column_config.TextColumn("编号", disabled=True, width="small"),
    "目标": st.column_config.TextColumn("目标", disabled=True, width="large"),
    "状态": st.column_config.TextColumn("状态", disabled=True),
    "原因分析": st.column_config.TextColumn("原因分析", width="medium", max_chars=config.TEXT_LIMITS["原因分析"]),
    "整改措施": st.column_config.TextColumn("整改措施", width="medium", max_chars=config.TEXT_LIMITS["整改措施"]),
    "计划完成时间": st.column_config.TextColumn("计划完成时间", help="如 2026年6月 或 2026年6月30日"),
}


@st.cache_data(show_spinner=False, max_entries=32)
def _form(unit: str, year: int, db: str, version: tuple) -> entry.Form:
    with connect(db_path(), read_only=True) as con:
        return entry.form(con, unit, year)


def online_entry(unit: str, year: int, account: Account) -> None:
    """Edit the year's rows, check them as an uploaded workbook is checked, then load them the same way."""
    form = _form(unit, year, str(db_path()), data_version(db_path()))
    st.caption(f"{unit} {year}年度：在下表中填写，与下载的工作簿是同样的行；提交后生成同样的工作簿，经同样的检查后载入、归档。"
               + (f"表中已填入此前报送的{form.prefilled_from}，修改后提交即为更正。" if form.prefilled_from else ""))
    key = f"entry_{unit}_{year}"
    values = _blank_as_empty(form.values)
    if len(values):
        values = st.data_editor(values, column_config=VALUE_COLUMNS, hide_index=True, width="stretch",
                                key=f"{key}_values", height=min(600, 40 + 35 * len(values)))
    else:
        st.caption(f"{unit}不填报指标数值，只填报牵头任务的进展。")
    progress = _blank_as_empty(form.progress)
    if len(progress):
        st.markdown("**牵头任务进展**")
        progress = st.data_editor(progress, column_config=PROGRESS_COLUMNS, hide_index=True, width="stretch",
                                  key=f"{key}_progress")
    rectify = _blank_as_empty(form.rectify)
    if len(rectify):
        st.markdown(f"**整改说明**（截至{year - 1}年进展滞后、本单位牵头的目标）")
        rectify = st.data_editor(rectify, column_config=RECTIFY_COLUMNS, hide_index=True, width="stretch",
                                 key=f"{key}_rectify")
    typed = hashlib.sha256(_typed(values, progress, rectify).encode()).hexdigest()[:16]
    if st.button("检查在线填报的内容", key=f"{key}_check"):
        with connect(db_path(), read_only=True) as con:
            st.session_state[f"{key}_made"] = (typed, entry.workbook(con, unit, year, values, progress, rectify))
    made = st.session_state.get(f"{key}_made")
    if made is None:
        return
    if made[0] != typed:
        st.caption("内容已修改：请再点“检查在线填报的内容”。")
        return
    data, name = made[1], entry.entry_file_name(unit, year)
    check_key = f"online:{unit}:{year}:{hashlib.sha256(data).hexdigest()}"
    path = upload_ui.staging() / f"online_{typed}.xlsx"
    result = upload_ui.check(check_key, path, name, data, account)
    if result.outcome == "checked" and result.checked is not None:
        with connect(db_path(), read_only=True) as con:
            same = entry.same_as_sent(con, unit, year, result.checked)
        if same:  # an identical workbook would wait for review beside the one sent
            st.info(plain(same), icon=":material/recycling:")
            return
    if upload_ui.show_result(result, name):
        upload_ui.load([(check_key, path, name)], account, "确认载入在线填报的内容", f"{key}_load")


def _blank_as_empty(frame: pd.DataFrame) -> pd.DataFrame:
    """Empty text cells as "" (the grid draws a missing value as the word None); what is sent reads "" as blank."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object:
            out[column] = out[column].map(lambda v: "" if v is None or (isinstance(v, float) and v != v) else v)
    return out


def _typed(*frames: pd.DataFrame) -> str:
    return "|".join(frame.to_csv(index=False) for frame in frames)
