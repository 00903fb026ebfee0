"""数据填报's parts: check uploads (and online entries) and show every finding, load on confirmation, the
history with each workbook's review state, and what a returned workbook's unit must know."""

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from pipelines import audit, config
from pipelines.accounts import Account
from pipelines.archive import sha256_of
from pipelines.collection.history import WORD_UNITS, shown, submission_changes
from pipelines.collection.review import status_label
from pipelines.collection.visibility import visible_rows
from pipelines.ingest import IngestResult, check_file, ingest_file
from pipelines.problems import InputError, count_text
from pipelines.warehouse import WarehouseBusy, connect

from . import failure, queries
from .data import clear_cache, db_path, query, raw_dir
from .plain import plain, plain_table, say
from .ui import show_table, tidy


def staging() -> Path:
    """This session's folder for files being checked (never the archive)."""
    return Path(st.session_state.setdefault("upload_dir", tempfile.mkdtemp(prefix="uploads_")))


def check(key: str, path: Path, name: str, data: bytes, account: Account) -> IngestResult:
    """Check a file once per session (the same check as `ingest`), recorded in the audit trail."""
    checked = st.session_state.setdefault("upload_checked", {})
    if key not in checked:
        path.write_bytes(data)
        try:
            with connect(db_path(), read_only=True) as con:
                checked[key] = check_file(con, path, name, actor=account)
        except InputError as exc:
            checked[key] = IngestResult(name, "rejected", exc.problems, message=f"“{name}”未通过检查")
        result = checked[key]
        outcome = "检查通过" if result.outcome == "checked" else (
            "重复文件" if result.outcome == "duplicate" else "未通过：" + "；".join(p.reason for p in result.errors[:3]))
        audit.record(raw_dir(), db_path(), "upload_checked", account.name, outcome, file_name=name, sha256=sha256_of(data))
    return checked[key]


def show_result(result: IngestResult, name: str, fix: str = "请修改后重新上传，本文件不会载入。") -> bool:
    """Every error and warning of a checked file, and what it would change; True when it may be loaded. fix: what
    to do about its errors."""
    with st.container(border=True):
        if result.outcome == "duplicate":
            st.info(plain(result.message), icon=":material/recycling:")
            return False
        if result.outcome == "loaded":
            st.success(plain(result.message), icon=":material/check_circle:")
            return False
        errors, warnings = result.errors, result.warnings
        if errors:
            st.error(f"**{plain(name)}**：{count_text(result.problems)}。{fix}", icon=":material/block:")
        else:
            st.success(f"**{plain(name)}**：{result.unit} {result.year}年度，数值 {result.n_values} 个，任务进展 "
                       f"{result.n_progress} 项，检查通过" + (f"，另有 {len(warnings)} 条警告或说明（可载入，会保留）" if warnings else "")
                       + "。载入后经审核通过才计入。", icon=":material/task_alt:")
        # Errors (the file is refused until they are fixed), then what they kept from being checked, apart from
        # warnings (loaded, worth a look), the words read as the platform's, and what was left blank.
        for group, heading, box in GROUPS:
            found = [p for p in result.problems if (p.severity, p.kind) == group]
            if found:
                box(f"**{heading}：{len(found)} 条**", icon=":material/error:" if box is st.error else ":material/info:")
                table = pd.DataFrame([p.as_dict() for p in found]).drop(columns=["文件", "级别"])
                st.table(plain_table(tidy(table).set_index("工作表")))  # a plain table: every reason readable in full
        if result.changes is not None and len(result.changes):
            changes_table(result.changes, "将要载入的数值")
    return not result.errors


GROUPS = (  # (severity, kind) of a problem, the heading of its table, its box
    (("error", None), "须修改的错误", st.error),
    (("error", "knock_on"), "因上述错误未能核对的内容（连带错误：改正上面的错误后再检查）", st.error),
    (("warning", None), "请核实的警告（不影响载入）", st.warning),
    (("warning", "note"), "按平台用语读取的写法（统计系统的写法，不影响载入）", st.info),
    (("warning", "completeness"), "完整性：未填的项目，相关标准因此无法评估（不影响载入，载入后保留）", st.warning),
)


def changes_table(changes: pd.DataFrame, heading: str, expanded: bool = False) -> None:
    """The "what would change" table: each value beside the one that counts now (upload check and review)."""
    table = changes.drop(columns="indicator_code").rename(columns={
        "name": "指标", "unit": "单位", "year": "年度", "current_value": "现有值", "value": "新值", "change": "变化",
        "note": "备注"})
    for column in ("现有值", "新值"):  # a rate derived from its parts is 64.1584…: shown as people write it
        table[column] = pd.to_numeric(table[column], errors="coerce").round(2)
    flags = table["单位"].isin(WORD_UNITS)
    if flags.any():  # 是/否 and a project's 进度 as the words typed, not 1/0
        for column in ("现有值", "新值"):
            table[column] = [shown(v, u) if f else v for v, u, f in zip(table[column], table["单位"], flags)]
        table.loc[flags, "单位"] = ""
    counts = table["变化"].value_counts()
    summary = "，".join(f"{label} {int(n)}" for label, n in counts.items())
    with st.expander(f"{heading}（{summary}）", expanded=expanded):
        st.dataframe(tidy(table), hide_index=True, width="stretch")


def load(ready: list[tuple[str, Path, str]], account: Account, label: str, key: str) -> None:
    """The confirm button: load every checked file through the one ingest path."""
    if not ready or not st.button(label, type="primary", key=key):
        return
    checked = st.session_state.setdefault("upload_checked", {})
    for key, path, name in ready:
        try:
            result = ingest_file(path, raw_dir(), db_path(), file=name, actor=account, source="网页", say=say)
        except (WarehouseBusy, InputError) as exc:  # another writer; the archive's log unreadable (a damaged line)
            st.error(f"“{plain(name)}”未载入：{plain(str(exc))}")
            clear_cache()  # what loaded before it shows on the next run; the message stays on this one
            return
        # Anything else (a full disk, a file that cannot be written) is said, and logged, by the page's failure.show;
        # broad by design, as the page's own guard, and what loaded before it still shows.
        except Exception as exc:  # noqa: BLE001
            failure.show(exc)
            clear_cache()
            return
        checked[key] = result
        (st.success if result.outcome == "loaded" else st.error)(plain(result.message))
    clear_cache()
    st.rerun()


def returned_notices(account: Account) -> None:
    """A unit sees at once which of its workbooks were returned, and why (until it sends the year again)."""
    if account.role != "填报":
        return
    rows = query(
        """
        select s.submission_id, s.year, s.file_name, s.review_note, s.reviewed_by, s.reviewed_at
        from submissions s
        where s.unit = ? and s.review_status = 'returned' and not s.withdrawn
          and not exists (select 1 from submissions l where l.unit = s.unit and l.year = s.year and not l.withdrawn
                          and l.submission_id > s.submission_id and l.review_status <> 'returned')
        order by s.submission_id desc
        """,
        [account.unit],
    )
    for r in rows.itertuples():
        st.warning(f"**{r.year}年度工作簿“{plain(r.file_name)}”（填报 #{r.submission_id}）已被退回**：{plain(r.review_note)}"
                   f"（{plain(r.reviewed_by)}，{r.reviewed_at:%Y-%m-%d %H:%M}）。请按退回原因修改后重新上传，或在下方在线填报。",
                   icon=":material/assignment_return:")


def history(show_demo: bool, account: Account | None) -> pd.DataFrame:
    """Who sent what, when, its review state; returns the table shown (编号 as its index for labels). A unit's
    pending and returned workbooks only to that unit, its reviewers and 管理 (collection.visibility)."""
    frame = visible_rows(queries.submissions(show_demo), account)
    if frame.empty:
        st.caption("还没有收到任何工作簿。" if account is None or account.is_admin else "还没有可查看的工作簿。")
        return frame
    table = pd.DataFrame({
        "编号": frame["submission_id"], "收到时间": frame["received_at"], "单位": frame["unit"], "年度": frame["year"],
        "文件": [f"{name}（导入自“{origin}”）" if isinstance(origin, str) and origin else name
               for name, origin in zip(frame["file_name"], frame["imported_from"])],
        "提交人": frame["account"].fillna(""),
        "状态": [status_label(s, w) for s, w in zip(frame["review_status"], frame["withdrawn"])],
        "审核意见": frame["review_note"].fillna(""), "审核人": frame["reviewed_by"].fillna(""),
        "数值": frame["n_values"], "任务进展": frame["n_progress"], "警告": frame["n_warnings"],
        "说明": [config.DEMO_LABEL if d else "" for d in frame["is_demo"]],
    })
    st.dataframe(tidy(table), hide_index=True, width="stretch", height=300)
    return table.set_index("编号")


def history_changes(submission_id: int) -> None:
    """What one workbook of the history changed, or a sentence when it gave no value."""
    with connect(db_path(), read_only=True) as con:
        frame = submission_changes(con, submission_id)
    show_table(frame, f"填报 #{submission_id} 没有填写数值（只有任务进展，或内容为空）。")
