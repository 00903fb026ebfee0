"""The deadline grammar: `2023年8月` is due on 2023-08-31, `长期坚持` is ongoing (docs/design.md)."""

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

ONGOING_WORDS = ("长期坚持",)

# One dated mention: a year with an optional month and day, or a bare 年底 that refers to the year
# last mentioned (`2023年9月完成…，年底全部完成`).
DATE_PATTERN = re.compile(
    r"(?P<year>\d{4})\s*年\s*(?:(?P<month>\d{1,2})\s*月\s*(?:(?P<day>\d{1,2})\s*日)?|(?P<yearend>底))?"
    r"|(?P<bare_yearend>年底)"
)
CLAUSE_SPLIT = re.compile(r"[，,；;。\n]+")


@dataclass
class Milestone:
    due_date: date
    text: str  # the words of the clause it came from, for a timeline label
    precision: str  # 'day', 'month' or 'year'


@dataclass
class Deadline:
    ongoing: bool = False
    milestones: list[Milestone] = field(default_factory=list)

    @property
    def dates(self) -> list[date]:
        return [m.due_date for m in self.milestones]


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_deadline(text: str | None) -> Deadline:
    """Dated milestones and the ongoing flag of a 完成时限 cell or phrase.

    Raises ValueError when the text holds neither a date nor 长期坚持.
    """
    text = (text or "").strip()
    result = Deadline(ongoing=any(word in text for word in ONGOING_WORDS))
    last_year = None
    for clause in CLAUSE_SPLIT.split(text):
        for match in DATE_PATTERN.finditer(clause):
            if match.group("bare_yearend"):
                if last_year is None:
                    continue
                due, precision = date(last_year, 12, 31), "year"
            else:
                year = int(match.group("year"))
                last_year = year
                month, day = match.group("month"), match.group("day")
                if day:
                    due, precision = date(year, int(month), int(day)), "day"
                elif month:
                    due, precision = month_end(year, int(month)), "month"
                else:
                    due, precision = date(year, 12, 31), "year"
            result.milestones.append(Milestone(due, clause.strip(), precision))
    if not result.ongoing and not result.milestones:
        raise ValueError(f"无法识别的完成时限“{text}”：应为“2023年8月”这样的日期或“长期坚持”")
    # The same date twice in one cell is one milestone.
    seen = set()
    result.milestones = [
        m for m in result.milestones if not (m.due_date in seen or seen.add(m.due_date))
    ]
    return result


def format_month(d: date) -> str:
    """`2023年9月` for a month-end date, `2023年9月15日` otherwise."""
    if d == month_end(d.year, d.month):
        return f"{d.year}年{d.month}月"
    return f"{d.year}年{d.month}月{d.day}日"


def ledger_date(as_of: int, today: date | None = None) -> date:
    """The day overdue tasks are judged on for an as-of year: today for the latest years, else the end of the
    chosen year (the pages, the exports and `status` alike)."""
    today = today or date.today()
    return today if as_of >= today.year - 1 else date(as_of + 1, 1, 1)


def ledger_deadline(deadline_text: str | None, body_due_dates: str | None) -> str:
    """A task's 完成时限 as the ledger shows it: the attachment's words, and the body's date where the body gives
    one for a task the attachment leaves undated (长期坚持；正文：2025-08-31前完成)."""
    said = str(deadline_text or "").replace("\n", "；")
    if isinstance(body_due_dates, str) and body_due_dates:
        said += f"；正文：{body_due_dates}前完成"
    return said


def overdue_words(overdue: bool, overdue_by: str | None) -> str:
    """逾期, or 逾期（按正文时限） when only the body's date for the task has passed; '' when not overdue."""
    if not overdue:
        return ""
    return "逾期（按正文时限）" if overdue_by == "body" else "逾期"
