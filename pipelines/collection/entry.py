"""Online entry (在线填报): a unit's year typed on the page instead of in Excel, sent as the same workbook.

The rows are those of the template (read back from the workbook `template` writes), the typed words go into
the template by the same filling (template.fill) as a person's typing in Excel, and the bytes are checked,
archived and loaded by the same ingest path: the raw folder stays the only source of truth, and an online
entry is a workbook like any other (its archived file opens in Excel).
"""

from dataclasses import dataclass

import duckdb
import openpyxl
import pandas as pd

from .. import config
from ..template import VALUE_HEADER_ROW, fill, make_template, template_file_name

VALUE_FIELDS = ["指标代码", "指标名称", "单位", "数值", "备注", *config.VALUE_SOURCE_COLUMNS]
PROGRESS_FIELDS = ["任务编号", "任务内容", "完成时限", "进展状态", "进展说明"]
RECTIFY_FIELDS = ["目标编号", "目标", "状态", *config.RECTIFICATION_ANSWERS]


@dataclass
class Form:
    """What the page shows for editing: the template's rows, with the values last sent for the year."""

    values: pd.DataFrame  # VALUE_FIELDS
    progress: pd.DataFrame  # PROGRESS_FIELDS
    rectify: pd.DataFrame  # RECTIFY_FIELDS (empty when the unit has no lagging target)
    prefilled_from: str | None  # the workbook the values come from, in words


def entry_file_name(unit: str, year: int) -> str:
    return template_file_name(unit, year).replace(".xlsx", "_在线填报.xlsx")


def _rows(ws, width: int) -> list[list]:
    return [[ws.cell(r, c).value for c in range(1, width + 1)] for r in range(VALUE_HEADER_ROW + 1, ws.max_row + 1)
            if ws.cell(r, 1).value is not None]


def form(con: duckdb.DuckDBPyConnection, unit: str, year: int) -> Form:
    """The template's rows for a unit and year, filled with the latest real workbook sent for it (withdrawn ones
    aside, a returned one included: it is what the unit corrects; a demo workbook never: it is not the unit's)."""
    wb = make_template(con, unit, year)
    values = pd.DataFrame([[code, name, u, None, None, None, None] for code, name, u, *_ in _rows(wb[config.SHEET_VALUES], 3)],
                          columns=VALUE_FIELDS)
    progress = pd.DataFrame([[n, text, None, None, due] for n, text, _, _, due in _rows(wb[config.SHEET_PROGRESS], 5)],
                            columns=["任务编号", "任务内容", "进展状态", "进展说明", "完成时限"])[PROGRESS_FIELDS]
    rectify = pd.DataFrame(_rows(wb[config.SHEET_RECTIFICATION], 6) if config.SHEET_RECTIFICATION in wb.sheetnames else [],
                           columns=RECTIFY_FIELDS)
    last = con.execute(
        "select submission_id, file_name, received_at, review_status from submissions "
        "where unit = ? and year = ? and not withdrawn and not is_demo "
        "and submission_id not in (select submission_id from special_workbooks) "
        "order by submission_id desc limit 1", [unit, year]).fetchall()
    source = None
    if last:
        number, name, when, status = last[0]
        source = f"填报 #{number}“{name}”（{when:%Y-%m-%d %H:%M}，{config.REVIEW_LABELS[status]}）"
        _prefill(con, number, values, progress, rectify)
    for frame in (values, progress, rectify):
        for column in frame.columns:  # text to type, even in an empty table (whose columns pandas makes floats)
            if column != "任务编号":
                frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return Form(values, progress, rectify, source)


def _prefill(con, number: int, values: pd.DataFrame, progress: pd.DataFrame, rectify: pd.DataFrame) -> None:
    kinds = dict(con.execute("select indicator_code, value_type from indicators").fetchall())
    sent = {code: rest for code, *rest in con.execute(
        "select indicator_code, value, note, source, source_date from observations where submission_id = ?",
        [number]).fetchall()}
    values["数值"] = [typed(sent[c][0], kinds.get(c)) if c in sent else None for c in values["指标代码"]]
    for i, column in enumerate(("备注", *config.VALUE_SOURCE_COLUMNS), start=1):
        values[column] = [sent[c][i] if c in sent else None for c in values["指标代码"]]
    reports = {n: (s, note) for n, s, note in con.execute(
        "select task_no, status, note from task_progress where submission_id = ?", [number]).fetchall()}
    progress["进展状态"] = [reports.get(n, (None, None))[0] for n in progress["任务编号"]]
    progress["进展说明"] = [reports.get(n, (None, None))[1] for n in progress["任务编号"]]
    answers = {t: (r, m, p) for t, r, m, p in con.execute(
        "select target_id, reason, measures, planned_text from rectifications where submission_id = ?", [number]).fetchall()}
    for i, column in enumerate(config.RECTIFICATION_ANSWERS):
        rectify[column] = [answers[t][i] if t in answers else None for t in rectify["目标编号"]]


def typed(value: float, value_type: str | None) -> str:
    """A stored value as a person would type it again: 95.9, 18500, 是."""
    if value_type == "flag":
        return "是" if value >= 1 else "否"
    if value_type == "stage":
        return config.PROJECT_STAGE_WORDS[int(value)]
    return format(value, ".10g")


def _text(value) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    return text or None


def workbook(con: duckdb.DuckDBPyConnection, unit: str, year: int, values: pd.DataFrame, progress: pd.DataFrame,
             rectify: pd.DataFrame | None = None) -> bytes:
    """The workbook the typed rows make: the template, filled as a person fills it in Excel."""
    typed_values = {c: _text(v) for c, v in zip(values["指标代码"], values["数值"]) if _text(v)}
    notes = {c: _text(n) for c, n in zip(values["指标代码"], values["备注"]) if _text(n)}
    source, when = config.VALUE_SOURCE_COLUMNS
    sources = {c: (_text(a), _text(b)) for c, a, b in zip(values["指标代码"], values[source], values[when])
               if _text(a) or _text(b)}
    reports = {int(n): (_text(s), _text(note)) for n, s, note in zip(progress["任务编号"], progress["进展状态"], progress["进展说明"])
               if _text(s) or _text(note)}
    answers = {}
    if rectify is not None and len(rectify):
        for row in rectify.itertuples(index=False):
            given = [_text(v) for v in row[3:6]]
            if any(given):
                answers[row[0]] = tuple(given)
    return fill(make_template(con, unit, year), typed_values, notes, reports, answers, as_text=True, sources=sources)


def template_rows(wb: openpyxl.Workbook) -> list[str]:
    """The indicator codes of a template, in order (for tests: the page edits the same rows)."""
    return [r[0] for r in _rows(wb[config.SHEET_VALUES], 1)]


# What a workbook's content is, for telling an unchanged resubmission: (table, its columns, the checked frame's).
CONTENT = (
    ("select indicator_code, value, coalesce(note, ''), coalesce(source, ''), coalesce(source_date, '') "
     "from observations where submission_id = ?", "observations", ["indicator_code", "value", "note", "source", "source_date"]),
    ("select task_no, status, coalesce(note, '') from task_progress where submission_id = ?", "progress",
     ["task_no", "status", "note"]),
    ("select target_id, reason, measures, planned_text from rectifications where submission_id = ?", "rectifications",
     ["target_id", "reason", "measures", "planned_text"]),
)


def _content(frame: pd.DataFrame, columns: list[str]) -> set[tuple]:
    return {tuple("" if v is None or v != v else v for v in row) for row in frame[columns].itertuples(index=False)}


def same_as_sent(con: duckdb.DuckDBPyConnection, unit: str, year: int, checked) -> str | None:
    """Why an online entry need not be sent: it repeats exactly the unit's latest workbook of the year that is
    awaiting review or approved (a new, identical workbook would only wait for review beside it); else None."""
    last = con.execute(
        "select submission_id, review_status from submissions where unit = ? and year = ? and not withdrawn "
        "and not is_demo and review_status <> 'returned' and submission_id not in (select submission_id from special_workbooks) "
        "order by submission_id desc limit 1", [unit, year]).fetchall()
    if not last:
        return None
    number, status = last[0]
    for query, attribute, names in CONTENT:
        sent = set(con.execute(query, [number]).fetchall())
        if sent != _content(getattr(checked, attribute), names):
            return None
    return (f"填写的内容与填报 #{number}（{config.REVIEW_LABELS[status]}）完全相同，无需再次提交；"
            "如需更正，请修改后再检查。")
