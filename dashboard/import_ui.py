"""数据填报 → 上传本单位统计报表: a unit's own statistics export, mapped once to the template's fields.

The layout found, the proposed mapping in an editable table (the source chosen from the export's own rows and
columns, its confidence, the value it would read), then 确认对应关系: the standard workbook is made and checked
and every finding shown as for an uploaded workbook; then 确认载入, through the same path as an upload. A
mapping saved for the unit and layout is used by itself, and said so. Nothing here raises to the person: every
refusal is a sentence naming the file, sheet, row and column.
"""

import hashlib
import logging

import pandas as pd
import streamlit as st

from pipelines import audit
from pipelines.accounts import Account
from pipelines.archive import safe_file_name
from pipelines.imports import mappings
from pipelines.imports import settings as s
from pipelines.imports.choose import reuse_sentence
from pipelines.imports.loading import Imported, check, load
from pipelines.imports.propose import Rule
from pipelines.imports.run import Group, Prepared, mapping_rows, prepare
from pipelines.ingest import IngestResult
from pipelines.problems import InputError, Problem
from pipelines.warehouse import WarehouseBusy, connect

from . import upload_ui
from .data import clear_cache, db_path, raw_dir
from .plain import plain, plain_table, say
from .ui import localise_uploader, upload_limit_help

INTERNAL = "处理失败（程序内部错误），未做任何更改。请把文件和这条消息告诉管理员。"
COLUMNS = {
    "字段代码": None,
    "字段": st.column_config.TextColumn("字段", disabled=True, width="medium"),
    "来源": None,  # a select of the export's sources, per layout
    "换算": st.column_config.SelectboxColumn("换算", options=[w or s.NO_CONVERSION for w, _, _ in s.CONVERSIONS.values()],
                                           width="small"),
    "可信度": st.column_config.TextColumn("可信度", disabled=True, width="small"),
    "读出的值": st.column_config.TextColumn("读出的值", disabled=True, width="medium"),
    "说明": st.column_config.TextColumn("说明", disabled=True, width="large"),  # 请核对口径 …
}


def import_section(unit: str, year: int, account: Account) -> None:
    """The third tab of 数据填报."""
    localise_uploader()
    st.caption(f"{unit} {year}年度：上传统计系统导出的原表（汇总表、学前教育表、优质均衡逐校表，或每校一个工作簿的基层报表，"
               "可多选或打包为 .zip）。平台找出表头、跳过合计行，建议与模板字段的对应关系；确认一次后按单位和版式保存，"
               "明年同样版式的文件直接读取。")
    files = st.file_uploader("选择统计报表（可多选，或一个 .zip）", type=["xlsx", "xls", "ods", "zip"],
                             accept_multiple_files=True, key="import_files",
                             help=upload_limit_help())
    if not files:
        return
    signature = hashlib.sha256("|".join(f"{f.name}:{f.file_id}" for f in files).encode() + f"{unit}{year}".encode())
    key = f"import_{signature.hexdigest()[:16]}"
    prepared = _prepared(key, files, unit, year, account)
    if prepared is None:
        return
    for number, group in enumerate(prepared.groups):
        _group(prepared, group, f"{key}_{number}")
    if st.button("确认对应关系", key=f"{key}_confirm", type="primary"):
        st.session_state[f"{key}_checked"] = _checked(prepared, account)
    imported = st.session_state.get(f"{key}_checked")
    if imported is None:
        return
    name = imported.made.name if imported.made else prepared.files
    fix = "请改正上表中的对应关系（或改正文件后重新上传）再点“确认对应关系”；本次不会载入。"
    if upload_ui.show_result(imported.result, name, fix) and imported.result.outcome == "checked":
        _load(prepared, account, key)


def _prepared(key: str, files, unit: str, year: int, account: Account) -> Prepared | None:
    """The files read and each layout's mapping found (once per session and set of files)."""
    if key not in st.session_state:
        folder = upload_ui.staging() / key
        folder.mkdir(parents=True, exist_ok=True)
        staged = []
        for i, upload in enumerate(files):
            path = folder / f"{i}_{safe_file_name(upload.name)}"
            path.write_bytes(upload.getvalue())
            staged.append((upload.name, path))
        try:
            with connect(db_path(), read_only=True) as con:
                st.session_state[key] = prepare(con, raw_dir(), staged, unit, year, actor=account)
        except InputError as exc:
            st.session_state[key] = exc
        except Exception:  # never a traceback: a sentence, and the details in the server's log
            logging.getLogger(__name__).exception("import: reading %s", [f.name for f in files])
            st.session_state[key] = InputError([Problem("、".join(f.name for f in files), INTERNAL)])
        outcome = st.session_state[key]
        audit.record(raw_dir(), db_path(), "upload_checked", account.name,
                     "统计报表读取：" + ("；".join(p.reason for p in outcome.problems[:3]) if isinstance(outcome, InputError)
                                  else f"{len(outcome.groups)} 种版式"), file_name="、".join(f.name for f in files))
    found = st.session_state[key]
    if isinstance(found, InputError):
        st.error(f"统计报表未能读取：{len(found.problems)} 个问题。请改正后重新上传，本次没有载入任何数据。",
                 icon=":material/block:")
        table = pd.DataFrame([p.as_dict() for p in found.problems]).drop(columns=["级别"])
        st.table(plain_table(table.fillna("")))
        return None
    return found


def _group(prepared: Prepared, group: Group, key: str) -> None:
    """One layout: what was found, and its mapping (editable)."""
    with st.container(border=True):
        st.markdown(f"**版式 {group.fingerprint}**　{plain(group.describe())}")
        if group.state == "saved":
            st.info(f"{plain(reuse_sentence(group))}。如需修改，展开下表改正后确认。", icon=":material/bookmark:")
        elif group.seeded:
            st.warning("文件的版式与保存的对应关系不同（列的顺序或表头有变化）：已按仍能对上的表头沿用此前的对应关系，"
                       "其余重新建议。请核对后确认。", icon=":material/published_with_changes:")
        else:
            st.warning("第一次导入这种版式：请核对平台建议的对应关系（可信度低于 0.9 的请特别留意），改正后确认。",
                       icon=":material/rule:")
        for sentence in group.said:
            st.warning(plain(sentence), icon=":material/push_pin:")
        frame = st.session_state.setdefault(f"{key}_frame", _frame(prepared, group))  # the same rows each run
        options = list(dict.fromkeys([s.NOT_IN_FILE, *frame["来源"], *(c.ref for c in group.layout.candidates)]))
        config_ = dict(COLUMNS, 来源=st.column_config.SelectboxColumn("来源（文件中的行、列或单元格）", options=options,
                                                                   width="large"))
        with st.expander(f"对应关系（已对应 {int((frame['来源'] != s.NOT_IN_FILE).sum())} 个字段，共 {len(frame)} 个）",
                         expanded=group.state != "saved"):
            edited = st.data_editor(frame, column_config=config_, hide_index=True, width="stretch",
                                    key=f"{key}_editor", height=min(560, 40 + 35 * len(frame)))
        _take(group, frame, edited)


def _frame(prepared: Prepared, group: Group) -> pd.DataFrame:
    rows = [r for r in mapping_rows(prepared) if r.fingerprint == group.fingerprint]
    frame = pd.DataFrame([{
        "字段代码": r.field.code, "字段": r.field.name, "来源": mappings.refs_text(r.rule) or s.NOT_IN_FILE,
        "换算": s.CONVERSIONS[r.rule.convert][0] or s.NO_CONVERSION, "可信度": mappings.confidence_text(r.rule), "读出的值": r.preview,
        "说明": r.rule.note,
    } for r in rows], columns=list(COLUMNS))
    return frame.sort_values("来源", key=lambda c: c == s.NOT_IN_FILE, kind="stable")  # what was found first


def _take(group: Group, shown: pd.DataFrame, edited: pd.DataFrame) -> None:
    """The table as the person left it: confirming a proposal, or changing a saved mapping, makes the layout's
    mapping theirs (saved for the unit and layout when it is loaded)."""
    if group.state == "saved" and edited[["来源", "换算"]].equals(shown[["来源", "换算"]]):
        return
    rules = {}
    for row in edited.itertuples(index=False):  # a cell emptied in the editor is None or NaN: not in this file
        refs = mappings.source_refs(None if pd.isna(row.来源) else row.来源)
        convert = s.CONVERSION_BY_WORDS.get(None if pd.isna(row.换算) else row.换算, "")
        rules[row.字段代码] = Rule(row.字段代码, refs, convert, None, group.rules[row.字段代码].note)
    group.rules = rules
    group.state = "given"


def _checked(prepared: Prepared, account: Account) -> Imported:
    try:
        return check(prepared, db_path(), account)
    except InputError as exc:
        problems = exc.problems
    except Exception:  # never a traceback: a sentence, and the details in the server's log
        logging.getLogger(__name__).exception("import: checking %s", prepared.files)
        problems = [Problem(prepared.files, INTERNAL)]
    return Imported(IngestResult(prepared.files, "rejected", problems, message="未通过检查"))


def _load(prepared: Prepared, account: Account, key: str) -> None:
    if not st.button("确认载入", key=f"{key}_load", type="primary"):
        return
    try:
        imported = load(prepared, raw_dir(), db_path(), actor=account, source="网页", say=say)
    except (WarehouseBusy, InputError) as exc:
        st.error(plain(str(exc)))
        return
    except Exception:  # never a traceback
        logging.getLogger(__name__).exception("import: loading %s", prepared.files)
        st.error(f"{plain(prepared.files)}未载入：{INTERNAL}")
        return
    result = imported.result
    st.session_state[f"{key}_checked"] = imported
    (st.success if result.outcome in ("loaded", "duplicate") else st.error)(plain(result.message))
    clear_cache()
    st.rerun()

