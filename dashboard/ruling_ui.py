"""指标's part for a target the body and the attachment state differently (issue 19): both texts with the status
under each, the ruling (or that there is none yet), and for a 管理 account the form that records one."""

import pandas as pd
import streamlit as st

from pipelines import config, formats
from pipelines.describe import ruling_words
from pipelines.rulings import RulingError, record
from pipelines.warehouse import WarehouseBusy

from . import auth
from .data import clear_cache, db_path, raw_dir
from .plain import plain, say
from .ui import tidy


def _gap(row, status_label: str, gap) -> str:
    return (formats.gap(row._replace(gap=gap)) or "已达到") if status_label else formats.NONE


def texts_table(target) -> pd.DataFrame:
    """The two texts as rows: which counts, the words, the target, the status and the gap under it."""
    rows = []
    for text, words, source_text, label, gap, counts in (
        (target.text_basis, target.basis_words, target.basis_source_text, target.status_label, target.gap, True),
        (target.alt_text, target.alt_words, target.alt_source_text, target.alt_status_label, target.alt_gap, False),
    ):
        rows.append({"文本": config.RULING_TEXTS[text], "原文": source_text, "目标值": words, "按此文本的状态": label,
                     "差距": _gap(target, label, gap), "计入": "✔ 现行" if counts else ""})
    return pd.DataFrame(rows)


def texts_box(target) -> None:
    """Both texts, the status under each, and the ruling that stands (or 尚未裁定，暂以附件为准)."""
    if not isinstance(target.text_basis, str):
        return
    with st.container(border=True):
        st.markdown("**正文与附件的目标值不同：按两份文件分别评估**")
        st.dataframe(tidy(texts_table(target)), hide_index=True, width="stretch")
        said = ruling_words(target)
        (st.success if bool(target.ruled) else st.warning)(f"裁定：{plain(said)}", icon=":material/gavel:")
        if message := st.session_state.pop("ruling_message", None):
            st.success(plain(message))
        ruling_form(target)


def ruling_form(target) -> None:
    """For a 管理 account: record which text counts, with the reason (logged, audited, replayed by build)."""
    account = auth.current()
    if account is None or not account.is_admin:
        who = f"当前账号{plain(account.label())}不是管理账号。" if account else ""
        st.caption(f"{who}裁定由管理账号在此记录（以哪份文件为准、理由），或在服务器上运行 "
                   f"python -m pipelines ruling {target.target_id} --text body|attachment --as 管理账号 --reason 理由")
        return
    choices = {f"{config.RULING_TEXTS[t]}（{w}）": t for t, w in ((target.text_basis, target.basis_words),
                                                                 (target.alt_text, target.alt_words))}
    with st.form(f"ruling_{target.target_id}", border=False):
        choice = st.radio("以哪份文件为准", list(choices), horizontal=True, key="ruling_text")
        reason = st.text_input("理由（必填）", key="ruling_reason", placeholder="如：2026年11月旗委教育工作领导小组会议纪要")
        submitted = st.form_submit_button("记录裁定", type="primary")
    if not submitted:
        return
    try:
        result = record(raw_dir(), db_path(), target.target_id, choices[choice], account, reason, source="网页",
                        say=say)
    except (RulingError, WarehouseBusy) as exc:
        st.error(plain(str(exc)))
        return
    st.session_state["ruling_message"] = result.message
    clear_cache()
    st.rerun()
