"""催报: the day each year's workbook is due, and for every unit and year what has come of it.

A year's workbook is due on `report_due` (MM-DD, default 03-31: 次年3月31日) of the next year, or on the
day `report_due_by_year` gives that year (settings in data/accounts.json). For each unit × year a workbook
is owed for (expected_reports), up to last year: 已通过, 待审核, 已退回 (to be sent again) or 未报送; a returned
or missing one past its due day is overdue by N days (last year's, before its due day, is 未报送 without 逾期).
"""

import re
from datetime import date

import duckdb
import pandas as pd

from ..core import config
from ..core.table_files import Sheet, excel_bytes

STATE_LABELS = {"approved": "已通过", "pending": "待审核", "returned": "已退回", "missing": "未报送"}
OWED = ("returned", "missing")  # the unit still owes a workbook
MONTH_DAY = re.compile(r"^\s*(?:次年)?\s*(\d{1,2})\s*(?:[-./月])\s*(\d{1,2})\s*日?\s*$")


class SettingsError(ValueError):
    """A 催报 setting that cannot be read; the message says which, in Chinese."""


def due_date(year: int, settings: dict) -> date:
    """The day the workbook for a year is due (a setting that cannot be read raises SettingsError)."""
    by_year = settings.get("report_due_by_year") or {}
    if not isinstance(by_year, dict):
        raise SettingsError(f"设置 report_due_by_year 应按年度写应报日期（如 {{\"2025\": \"2026-04-30\"}}），"
                            f"现为“{by_year}”")
    special = by_year.get(str(year), by_year.get(year))
    if special:
        try:
            day = date.fromisoformat(str(special).strip())
        except ValueError:
            raise SettingsError(f"设置 report_due_by_year 中 {year} 年的应报日期“{special}”不是日期（应写成 2026-04-30）") from None
        if day.year <= year:
            raise SettingsError(f"设置 report_due_by_year 中 {year} 年的应报日期“{special}”早于该年度结束"
                                f"（{year}年度的工作簿应在{year + 1}年或以后报送）")
        return day
    text = str(settings.get("report_due") or config.REPORT_DUE_MONTH_DAY)
    match = MONTH_DAY.match(text)
    try:
        month, day = int(match[1]), int(match[2])
        date(2001, month, day)  # a day every year has (2月29日 is not)
        return date(year + 1, month, day)
    except (TypeError, ValueError):
        raise SettingsError(f"设置 report_due 的值“{text}”不是月日（应写成 03-31，即次年3月31日）") from None


MAX_DAYS_TO_SEND = 90


def days_to_send(settings: dict) -> int:
    """How many days a 催报通知 gives the unit (setting reminder_days_to_send, 1 to 90)."""
    value = settings.get("reminder_days_to_send", 7)
    if isinstance(value, bool) or not isinstance(value, int | str):
        value = None
    try:
        days = int(str(value).strip())
    except ValueError:
        days = 0
    if not 1 <= days <= MAX_DAYS_TO_SEND:
        raise SettingsError(f"设置 reminder_days_to_send 的值“{settings.get('reminder_days_to_send')}”不是 1 到"
                            f" {MAX_DAYS_TO_SEND} 之间的天数（催报通知给单位的补报期限）")
    return days


def due_rule(settings: dict) -> str:
    """次年3月31日 (and the years that differ), for a caption."""
    rule = due_date(config.PLAN_START_YEAR, {**settings, "report_due_by_year": {}})
    special = "；".join(f"{y}年度为{chinese_date(due_date(int(y), settings))}"
                       for y in sorted(settings.get("report_due_by_year") or {}))
    return f"次年{rule.month}月{rule.day}日前" + (f"（{special}）" if special else "")


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def receipts(con: duckdb.DuckDBPyConnection, today: date, settings: dict, last_year: int | None = None) -> pd.DataFrame:
    """Unit × year (up to last year, or last_year) with its state, due day and days overdue.

    Real workbooks only: a demo workbook is never a unit's workbook sent (nor stops a reminder)."""
    last_year = today.year - 1 if last_year is None else last_year
    frame = con.execute(
        "select * from report_receipts(?) where year <= ? order by unit = '旗教育局' desc, unit, year",
        [False, last_year]).df()
    frame["due_date"] = [due_date(int(y), settings) for y in frame["year"]]
    late = [(today - due).days if state in OWED and today > due else 0 for state, due in zip(frame["state"], frame["due_date"])]
    frame["overdue_days"] = late
    frame["state_label"] = [STATE_LABELS[s] + (f"，逾期{n}天" if n else "") + (f"，另有{p}个待审核" if s == "approved" and p else "")
                            for s, n, p in zip(frame["state"], late, frame["n_pending"])]
    return frame


def overdue(frame: pd.DataFrame) -> pd.DataFrame:
    """The units and years past their due day without a workbook that counts or awaits review."""
    return frame[frame["overdue_days"] > 0].sort_values(["unit", "year"]).reset_index(drop=True)


def reminder_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The 催报 list as officials read it."""
    return pd.DataFrame({
        "单位": frame["unit"],
        "年度": frame["year"],
        "状态": frame["state"].map(STATE_LABELS),
        "应报日期": [f"{d:%Y-%m-%d}" for d in frame["due_date"]],
        "逾期天数": frame["overdue_days"],
        "最近收到": [f"{t:%Y-%m-%d %H:%M}" if pd.notna(t) else "" for t in frame["last_received"]],
        "退回原因": frame["returned_note"].fillna(""),
    })


def reminder_list_xlsx(frame: pd.DataFrame, today: date) -> bytes:
    """The 催报 list (xlsx): every overdue unit and year (of real workbooks: receipts)."""
    return excel_bytes([Sheet(f"催报名单_{today:%Y%m%d}", reminder_table(overdue(frame)))])


def matrix(frame: pd.DataFrame) -> pd.DataFrame:
    """Units × years, each cell the state in words (已通过, 待审核, 已退回，逾期12天, 未报送，逾期243天)."""
    wide = frame.pivot(index="unit", columns="year", values="state_label")
    order = list(dict.fromkeys(frame["unit"]))
    wide = wide.reindex(order).fillna("—")  # a unit that owes nothing for a year (tasks only: from 2023)
    wide.columns = [f"{y}年度" for y in wide.columns]
    return wide.reset_index().rename(columns={"unit": "单位"})
