"""整改说明: a unit's explanation of each lagging target it leads, asked in its next workbook's third sheet.

The workbook for year Y lists the targets the unit leads (targets.lead_unit) whose status as of Y−1, on
real data only (a real unit never explains a demo figure; the demo generator asks for its own), is one of
config.LAGGING_STATUSES. The unit
types 原因分析, 整改措施 and 计划完成时间; the answers are checked (a date that parses, not before the
workbook's year; a target the unit leads; all three or none), loaded with the workbook and shown beside
the target (指标), in the ledger and in the deck's and the Word report's sentences.
"""

import re
from datetime import date, datetime

import duckdb
import pandas as pd

from .. import config
from ..deadlines import month_end
from ..describe import describe_goal, describe_year
from ..problems import Problem
from ..text import cell_text, over_limit
from ..workbook_read import Book, find_table

COLUMNS = ["target_id", "reason", "measures", "planned_by", "planned_text", "sheet_row"]
# 2026年6月, 2026年6月30日, 2026年底, 2026年, 2026-06, 2026-6-30, 2026.6, 2026/06/30, 2026 年 6 月
DATE_TEXT = re.compile(r"^(?P<year>\d{4})\s*(?:年\s*(?:(?P<end>底|末)|(?P<m1>\d{1,2})\s*月\s*(?:(?P<d1>\d{1,2})\s*日)?)?"
                       r"|[-./](?P<m2>\d{1,2})(?:[-./](?P<d2>\d{1,2}))?)\s*(?:前|以前|之前)?$")


def lagging_targets(con: duckdb.DuckDBPyConnection, unit: str, year: int, include_demo: bool = False) -> pd.DataFrame:
    """The targets the unit leads that were lagging as of the year before the workbook's, for its third sheet:
    target_id, label (indicator and target in words), status_label."""
    if year <= config.BASELINE_YEAR:
        return pd.DataFrame(columns=["target_id", "label", "status_label"])
    frame = con.execute(
        """
        select t.target_id, t.kind, t.comparator, a.target_value, t.unit, t.ratio_parts, t.basis, t.goal, t.target_year,
            t.recurring, i.name as indicator_name, a.status_label
        from targets t
        join indicators i using (indicator_code)
        join target_assessments a on a.target_id = t.target_id and a.as_of_year = ? and a.include_demo = ?
        where t.lead_unit = ? and list_contains(?, a.status)
        order by t.task_no, t.target_id
        """,
        [year - 1, include_demo, unit, list(config.LAGGING_STATUSES)],
    ).df()
    frame["label"] = [
        f"{r.indicator_name.replace('（当年新增）', '')}："
        f"{describe_goal(r)}"
        f"（{describe_year(r)}）"
        for r in frame.itertuples()]
    return frame[["target_id", "label", "status_label"]]


def parse_planned(value) -> tuple[date, str] | None:
    """计划完成时间 as typed (a date cell, or 2026年6月 and the like): the date it means and how to say it.

    A month means its last day, a year (or 年底) the year's last day. None when it is not a date.
    """
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value, f"{value.year}年{value.month}月{value.day}日"
    match = DATE_TEXT.match(cell_text(value).replace(" ", ""))
    if not match:
        return None
    year = int(match["year"])
    month, day = match["m1"] or match["m2"], match["d1"] or match["d2"]
    try:
        if day:
            return date(year, int(month), int(day)), f"{year}年{int(month)}月{int(day)}日"
        if month:
            return month_end(year, int(month)), f"{year}年{int(month)}月"
    except ValueError:
        return None
    return date(year, 12, 31), f"{year}年底"


def check_rectifications(book: Book, unit: str | None, year: int | None, led: dict[str, str],
                         problems: list[Problem]) -> list[dict]:
    """The answers of the 整改说明 sheet (absent in a workbook that has none), errors and warnings into problems.

    led: target_id -> its words, for the targets the workbook's unit leads.
    """
    table = _answer_table(book, problems)
    if table is None:
        return []
    rows, seen, blank = [], {}, []
    for r, cells in table.rows:
        target = cell_text(cells["目标编号"].value).upper()
        answers = {c: cells[c].value for c in config.RECTIFICATION_ANSWERS}
        typed = [c for c, v in answers.items() if cell_text(v)]

        def error(column, reason, r=r, target=target):
            problems.append(table.problem(book.file, r, column, reason, subject=led.get(target, target or None)))

        if not typed:
            if target in led:  # a row of another unit's target (a relabelled workbook) is that unit's to answer
                blank.append(target)
            continue
        if why := _target_refused(target, led, seen, unit):
            error("目标编号", why)
            continue
        seen[target] = r
        planned, wrong = _answers_refused(answers, typed, year)
        for column, reason in wrong:
            error(column, reason)
        if wrong:
            continue
        when, text = planned
        rows.append({"target_id": target, "reason": cell_text(answers["原因分析"]),
                     "measures": cell_text(answers["整改措施"]), "planned_by": when, "planned_text": text,
                     "sheet_row": r})
    if blank:
        problems.append(_unanswered(book.file, blank))
    return rows


def _answers_refused(answers: dict, typed: list[str], year: int | None) -> tuple[tuple[date, str] | None,
                                                                               list[tuple[str, str]]]:
    """The row's planned date, or the (column, reason) of what is wrong with its answers: a text over its limit,
    one of the three left blank, a 计划完成时间 that is no date, before the workbook's year or too far ahead."""
    too_long = [(c, reason) for c in ("原因分析", "整改措施") if (reason := over_limit(c, cell_text(answers[c])))]
    if too_long:
        return None, too_long
    missing = [(c, f"未填写{c}：原因分析、整改措施、计划完成时间三项须一并填写")
               for c in config.RECTIFICATION_ANSWERS if c not in typed]
    if missing:
        return None, missing
    planned, why = _planned(answers["计划完成时间"], year)
    return planned, [("计划完成时间", why)] if why else []


def _answer_table(book: Book, problems: list[Problem]):
    """The 整改说明 sheet's table (its header's problems into problems); None when there is none to read."""
    if config.SHEET_RECTIFICATION not in book.sheets:
        return None
    table, found = find_table(book, config.SHEET_RECTIFICATION, config.RECTIFICATION_COLUMNS)
    problems += found
    return table


def _target_refused(target: str, led: dict[str, str], seen: dict[str, int], unit: str | None) -> str | None:
    """Why a row's 目标编号 cannot be answered here: not a target the unit leads, or answered twice."""
    if target not in led:
        return f"目标编号“{target}”不是{unit or '本单位'}牵头的量化目标" if target else "填写了整改说明但没有目标编号"
    if target in seen:
        return f"目标“{target}”重复填写（与第{seen[target]}行重复）"
    return None


def _planned(value, year: int | None) -> tuple[tuple[date, str] | None, str | None]:
    """The 计划完成时间 read as (date, words), or why it cannot be: not a date, before the workbook's year, too late."""
    planned = parse_planned(value)
    if planned is None:
        return None, f"“{cell_text(value)}”不是日期：请填写如“2026年6月”或“2026年6月30日”"
    when, text = planned
    if year and when.year < year:
        return None, f"计划完成时间{text}早于填报年度{year}年"
    if when.year > config.RECTIFICATION_LATEST_YEAR:
        return None, f"计划完成时间{text}晚于{config.RECTIFICATION_LATEST_YEAR}年，请核对"
    return planned, None


def _unanswered(file: str, blank: list[str]) -> Problem:
    """The one warning for the lagging targets the unit led and left without an answer."""
    shown = "、".join(blank[:8]) + (f"等{len(blank)}个" if len(blank) > 8 else "")
    return Problem(file, f"{len(blank)}个进展滞后的目标未填写整改说明（{shown}）：请补充原因分析、整改措施和计划完成时间",
                   config.SHEET_RECTIFICATION, severity="warning")


def sentence(unit: str, reason: str, measures: str, planned_text: str) -> str:
    """旗教育局：原因…；措施…；计划2026年6月"""
    return f"{unit}：原因{reason.rstrip('。；;')}；措施{measures.rstrip('。；;')}；计划{planned_text}"
