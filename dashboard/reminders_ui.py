"""报送与催报's parts: units × years with what has come of each workbook, the 催报 list, notices, the robot."""

import json
from datetime import date

import pandas as pd
import streamlit as st

from pipelines import audit, config, palette
from pipelines.collection import reminders, webhook
from pipelines.collection.visibility import sees_unreviewed
from pipelines.warehouse import connect

from . import auth, queries
from .data import data_version, db_path, query, raw_dir
from .plain import plain
from .reminder_notice import notice_docx

today = date.today  # the day overdue is counted on (tests move it)
# Each cell's state in the one palette's classes (pipelines/palette.py); a workbook not sent is 未达成 once overdue.
CELL_CLASSES = {"已通过": "met", "待审核": "on_track", "已退回": "behind", "未报送": "pending"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@st.cache_data(show_spinner=False, max_entries=32)
def _receipts(db: str, version: tuple, day: date, due_settings: str) -> pd.DataFrame:
    with connect(db_path(), read_only=True) as con:
        return reminders.receipts(con, day, json.loads(due_settings))


def receipts(settings: dict) -> pd.DataFrame:
    """Every unit × year owed up to last year, with its state, due day and days overdue (raises SettingsError).
    The reviewer's reason for returning a workbook only to its unit, its reviewers and 管理 (the state, 已退回,
    to every reader: it is a receipt)."""
    # The due-day settings as they are (a table of years stays a table), in a form the cache can key on.
    due_settings = json.dumps({k: v for k, v in settings.items() if k.startswith("report_due")},
                              ensure_ascii=False, sort_keys=True, default=str)
    frame = _receipts(str(db_path()), data_version(db_path()), today(), due_settings)
    account = auth.current()
    shown = [note if sees_unreviewed(account, unit) else None for unit, note in zip(frame["unit"], frame["returned_note"])]
    return frame.assign(returned_note=pd.Series(shown, index=frame.index, dtype=object))


def has_demo() -> bool:
    """Whether demo workbooks are in the warehouse (they are not counted here: the page says so)."""
    return bool(query("select count(*) as n from submissions where is_demo")["n"].iloc[0])


def counts(frame: pd.DataFrame, unit: str | None = None) -> None:
    late = reminders.overdue(frame)
    cells = st.columns(5)
    # every workbook awaiting review, of any year (this year's early ones and the school workbook too), as the
    # sidebar counts them
    pending = queries.pending_reviews(False, unit)
    for cell, (label, n, help) in zip(cells, (
            ("已通过", int((frame["state"] == "approved").sum()), "已有审核通过的工作簿的单位年度数"),
            ("待审核工作簿", pending, "已收到、尚未审核的工作簿数（各年度，含更正和学校与幼儿园工作簿）"),
            ("已退回", int((frame["state"] == "returned").sum()), "工作簿被退回、尚未重新报送的单位年度数"),
            ("未报送", int((frame["state"] == "missing").sum()), "尚未收到工作簿的单位年度数"),
            ("逾期", len(late), "过了应报日期仍未报送或退回后未重新报送的单位年度数"))):
        cell.metric(label, n, border=True, help=help)


def cell_class(value) -> str | None:
    """The palette class of a cell's words (已通过 met … 未报送，逾期12天 missed); None for a year not owed."""
    word, _, rest = str(value).partition("，")
    klass = CELL_CLASSES.get(word)
    return "missed" if klass and "逾期" in rest else klass


def matrix(frame: pd.DataFrame) -> None:
    """Units × years, each cell coloured by its state and marked (✓ ○ ▲ ×), so that a grey print says it too."""
    wide = reminders.matrix(frame)
    years = wide.columns[1:]
    classes = wide[years].map(cell_class)
    marked = wide.copy()
    marked[years] = wide[years].where(classes.isna(), classes.map(lambda k: palette.CLASS_MARKS.get(k, "")) + " " + wide[years])

    def colour(klass) -> str:
        if not isinstance(klass, str):
            return ""
        fill = palette.CLASS_COLOURS[klass]
        return f"background-color: {fill}; color: {palette.ink(fill)}"

    styles = pd.DataFrame("", index=wide.index, columns=wide.columns)
    styles[years] = classes.map(colour)
    st.dataframe(marked.style.apply(lambda _: styles, axis=None), hide_index=True, width="stretch")


def downloads(frame: pd.DataFrame, settings: dict) -> None:
    """The 催报 list (xlsx) and a notice (docx) for each late unit."""
    late = reminders.overdue(frame)
    if late.empty:
        st.success("没有逾期未报的工作簿。", icon=":material/task_alt:")
        return
    st.dataframe(reminders.reminder_table(late), hide_index=True, width="stretch")
    left, middle, right = st.columns([2, 2, 2])
    left.download_button("下载催报名单（Excel）", reminders.reminder_list_xlsx(frame, today()),
                         file_name=f"催报名单_{today():%Y%m%d}.xlsx", mime=XLSX, key="reminder_list",
                         icon=":material/table_view:")
    units = list(dict.fromkeys(late["unit"]))
    unit = middle.selectbox("催报通知", units, key="notice_unit", label_visibility="collapsed")
    right.download_button(f"下载给{unit}的催报通知（Word）", lambda: notice_docx(unit, late, today(), settings),
                          file_name=f"催报通知_{unit}_{today():%Y%m%d}.docx", mime=DOCX, key="notice",
                          icon=":material/description:", on_click="ignore")


def robot(frame: pd.DataFrame, settings: dict) -> None:
    """The group robot's message for the late units: sent by a 管理 account, if the settings enable it."""
    if not webhook.configured(settings):
        st.caption("群机器人催报（钉钉、企业微信）未启用：如需启用，请平台管理员在平台设置中填写机器人地址。",
                   help="平台设置项：reminder_webhook")
        return
    kind = webhook.kind_name(settings)
    account = auth.current()
    if account is None or not account.is_admin:
        st.caption(f"已启用{kind}群机器人催报：管理账号登录后可在此发送。")
        return
    late = reminders.overdue(frame)
    if st.button(f"向{kind}群发送催报（{len(late)}个逾期工作簿）", key="send_reminder", disabled=late.empty,
                 icon=":material/campaign:"):
        sent = webhook.send(settings, late, today())
        (st.success if sent.ok else st.warning)(plain(sent.message))
        audit.record(raw_dir(), db_path(), "reminder", account.name, sent.message, source="网页")


def settings_caption(settings: dict) -> str:
    reminders.days_to_send(settings)  # a setting the notices need: said at once, not on a click
    return (f"各单位应于{reminders.due_rule(settings)}报送上一年度工作簿；截至{reminders.chinese_date(today())}，"
            f"逾期天数从应报日期次日算起。{config.REVIEW_LABELS['pending']}的工作簿已收到、尚未计入。")
