"""数据来源 and 来源日期 of an input the statistics do not hold (issue 18: the 15—17 and 3—5周岁 population from
公安/统计/卫健, 适龄残疾儿童 from 残联, pay from 财政/人社): read as typed, the date in one form where it can be."""

import re
from datetime import date, datetime

from ..core.text import fold

DATE = re.compile(r"^(?P<y>\d{4})(?:[-/.年](?P<m>\d{1,2})(?:[-/.月](?P<d>\d{1,2})日?|月)?)?年?$")
YEARS = range(1990, 2101)
EXAMPLE = "如 2025-12-31、2025年12月 或 2025年"


def source_date(raw) -> tuple[str | None, str | None]:
    """(the date as 2025-12-31, 2025-12 or 2025, or as typed when it cannot be read; why it cannot) of a cell."""
    if raw is None or isinstance(raw, bool):
        return None, None
    if isinstance(raw, datetime):
        return raw.date().isoformat(), None
    if isinstance(raw, date):
        return raw.isoformat(), None
    if isinstance(raw, (int, float)):
        if float(raw).is_integer() and int(raw) in YEARS:
            return str(int(raw)), None
        return f"{raw:g}", f"来源日期“{raw:g}”无法识别为日期（{EXAMPLE}）"
    text = fold(str(raw)).strip().replace(" ", "").replace("\u3000", "")
    if not text:
        return None, None
    match = DATE.match(text.replace("年底", "年12月").replace("年末", "年12月"))
    if match and int(match["y"]) in YEARS:
        year, month, day = int(match["y"]), match["m"], match["d"]
        try:
            if day:
                return date(year, int(month), int(day)).isoformat(), None
            if month:
                return date(year, int(month), 1).strftime("%Y-%m"), None
            return str(year), None
        except ValueError:
            pass
    return text, f"来源日期“{raw}”无法识别为日期（{EXAMPLE}）"


def source_text(source: str | None, when: str | None) -> str:
    """A source and its date as one phrase: 旗公安局户籍统计（2025-12-31）."""
    if not source and not when:
        return ""
    return f"{source or '来源未注明'}" + (f"（{when}）" if when else "")
