"""One way to write each kind of value, for every view (issue 21: one figure, one string).

The 总览 tile, the 指标 cards, table and chart, the deck, the Word report, the Excel report, the PNG and
`status` write a value through these functions, so a figure reads the same wherever a leader meets it:

- a rate: one decimal (95.9%); its gap in 个百分点 with the rate's digits (0.8个百分点)
- a count: whole, thousands separated, with its unit (1,560人, 12所, 7,350人次)
- money: thousands separated, with its unit (106,800万元)
- a structure: shares of a total of 10 in tenths that add up to 10 (1.7:4.3:4.0)
- a coefficient (差异系数, a deviation): two decimals (0.34)
- near a limit, the digits that decide: a value is written with as many digits as it takes to stand on the
  same side of its limit as the value itself (a 差异系数 of 0.5022 against 0.50 is 0.502, not 0.50; a rate of
  94.96% against 95% is 94.96%, not 95.0%).

Rounding is half up on the decimal digits a person reads (1.65 → 1.7), not on the binary float.
"""

import math
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from . import config

RATE_DIGITS = 1  # 95.9%
COEFFICIENT_DIGITS = 2  # 0.34
STRUCTURE_DIGITS = 1  # 1.7:4.3:4.0, as the plan writes its structures (2.0:4.2:3.8)
STRUCTURE_CANON = 2  # a structure's hundredths, from which its tenths are taken (see structure)
MOST_DIGITS = 4  # deciding digits stop here: closer than that to a limit is at it
MONEY_UNITS = ("元", "万元", "亿元")
RATE_UNIT = "%"
POINTS = "个百分点"
NONE = "—"


def present(value) -> bool:
    """False for None, NaN and pandas' NA (what a NULL becomes in a DataFrame)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return False
    if isinstance(value, float):
        return value == value
    return True


def _decimal(value, digits: int) -> Decimal:
    # repr: the shortest decimal that is this float (1.65, not 1.649999…), rounded half up from there.
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def rounded(value, digits: int) -> float:
    """The value as it is written with `digits` decimals."""
    return float(_decimal(value, digits))


def fixed(value, digits: int) -> str:
    """1,234.5 — thousands separated, exactly `digits` decimals, half up; never −0."""
    text = f"{_decimal(value, digits):,.{digits}f}"
    return text[1:] if text.startswith("-") and not any(c in "123456789" for c in text) else text


def _side(value: float, limit: float) -> int:
    """−1, 0 or 1: below, at or above the limit (at within a part in a billion: the float's own noise)."""
    if math.isclose(value, limit, rel_tol=1e-9, abs_tol=1e-9):
        return 0
    return 1 if value > limit else -1


def _judged(value: float, limit: float, comparator: str | None) -> int:
    """How a value stands to a limit: met or not under a comparator (≥, ≤); else below, at or above it."""
    side = _side(value, limit)
    if comparator == ">=":
        return int(side >= 0)
    if comparator == "<=":
        return int(side <= 0)
    return side


def deciding_digits(value, limits=(), digits: int = RATE_DIGITS, comparator: str | None = None) -> int:
    """The fewest decimals (at least `digits`) with which the written value is judged against every limit as
    the value itself is (met or not under a comparator ≥ or ≤; else on the same side): 0.5022 against ≤0.50
    takes 3 (0.502), 94.96 against ≥95 takes 2 (94.96), 95.04 against ≥95 takes 1 (95.0 meets it too)."""
    limits = [float(x) for x in limits if present(x)]
    for d in range(digits, MOST_DIGITS + 1):
        if all(_judged(rounded(value, d), x, comparator) == _judged(float(value), x, comparator) for x in limits):
            return d
    return MOST_DIGITS


def _whole(value) -> bool:
    return math.isclose(float(value), round(float(value)), abs_tol=1e-9)


# One function per kind of value.


def rate(value, limits=(), comparator: str | None = None, digits: int = RATE_DIGITS) -> str:
    """95.9% — one decimal, more where a limit needs them (94.96% against ≥95%)."""
    if not present(value):
        return NONE
    return f"{fixed(value, deciding_digits(value, limits, digits, comparator))}{RATE_UNIT}"


def points(value, digits: int = RATE_DIGITS) -> str:
    """0.8个百分点 — the distance between two rates, with the rate's digits."""
    return NONE if not present(value) else f"{fixed(value, digits)}{POINTS}"


def count(value, unit: str | None = "", limits=(), comparator: str | None = None) -> str:
    """1,560人 — whole numbers as such; a mean or a part of one with one decimal (or the deciding digits)."""
    if not present(value):
        return NONE
    digits = 0 if _whole(value) else deciding_digits(value, limits, 1, comparator)
    return f"{fixed(value, digits)}{unit or ''}"


def money(value, unit: str = "万元", limits=(), comparator: str | None = None) -> str:
    """106,800万元 — as a count: whole where it is whole, else one decimal."""
    return count(value, unit, limits, comparator)


def coefficient(value, limits=(), comparator: str | None = None, digits: int = COEFFICIENT_DIGITS) -> str:
    """0.34 — a 差异系数, a deviation or any ratio of two quantities: two decimals, or the deciding digits."""
    if not present(value):
        return NONE
    return fixed(value, deciding_digits(value, limits, digits, comparator))


def ratio(value, limits=(), comparator: str | None = None, digits: int = 1) -> str:
    """1:7.5 — one to so many (师幼比: children per teacher), the deciding digits near a limit."""
    if not present(value):
        return NONE
    return f"1:{fixed(value, deciding_digits(value, limits, digits, comparator))}"


def rank(value) -> str:
    """第5位 — a place in a list (lower is better)."""
    return NONE if not present(value) else f"第{int(round(float(value)))}位"


def flag(value) -> str:
    """An acceptance reported as 1/0, said as 是/否."""
    return NONE if not present(value) else ("是" if value >= 1 else "否")


def stage(value) -> str:
    """A building project's reported stage (0, 1, 2) as 未开工, 在建, 已竣工."""
    return config.PROJECT_STAGE_WORDS[int(value)] if present(value) else NONE


def quantity(value, unit: str | None, limits=(), comparator: str | None = None) -> str:
    """Any reported value in the words of its unit: a rate, money, a count, a place, 是/否, a project's stage."""
    if unit == RATE_UNIT:
        return rate(value, limits, comparator)
    if unit in MONEY_UNITS:
        return money(value, unit, limits, comparator)
    if unit == "位":
        return rank(value)
    if unit == "是/否":
        return flag(value)
    if unit == config.PROJECT_UNIT:
        return stage(value)
    return count(value, unit, limits, comparator)


def bare(value, unit: str | None) -> str:
    """The value as `quantity` writes it, without its unit (a table whose header names the unit): 95.9, 1,560, 5."""
    if unit == RATE_UNIT:
        return rate(value).removesuffix(RATE_UNIT)
    if unit == "位":
        return NONE if not present(value) else str(int(round(float(value))))
    return count(value)


# Structures: shares of a total of 10.


def shares_text(shares, digits: int = 2) -> str:
    """A structure's shares of 10 as 1.66:4.28:4.06, rounded so that they still add up to 10 (largest
    remainder): three parts each rounded alone may show 1.7:4.3:4.1."""
    return ":".join(_apportioned(shares, digits))


def _apportioned(shares, digits: int) -> list[str]:
    step = 10 ** digits
    scaled = [float(s) * step for s in shares]
    total = round(sum(scaled))
    floors = [int(v // 1) for v in scaled]
    order = sorted(range(len(scaled)), key=lambda i: scaled[i] - floors[i], reverse=True)
    for i in order[: max(0, total - sum(floors))]:
        floors[i] += 1
    return [f"{v / step:.{digits}f}" for v in floors]


def _structure_at(shares, digits: int) -> list[str]:
    """The parts at `digits` decimals: tenths taken from the hundredths (so 1.66 is never shown as 1.6 beside
    it), finer digits from the shares themselves."""
    if digits < STRUCTURE_CANON:
        return _apportioned([float(p) for p in _apportioned(shares, STRUCTURE_CANON)], digits)
    return _apportioned(shares, digits)


def _structure_sides(shares, target_parts, comparator: str, written) -> bool:
    """Whether the written parts meet the target as the shares do: `>=` the first part against the target's;
    `=` the largest distance from the target's parts against the tolerance."""
    if comparator == ">=":
        return _side(float(written[0]), target_parts[0]) == _side(float(shares[0]), target_parts[0])
    real = max(abs(float(s) - p) for s, p in zip(shares, target_parts))
    shown = max(abs(float(s) - p) for s, p in zip(written, target_parts))
    return _side(shown, config.RATIO_TOLERANCE) == _side(real, config.RATIO_TOLERANCE)


def structure_parts(shares, target_parts=None, comparator: str = "=") -> list[str]:
    """Each part of a structure as written (tenths adding up to 10; more digits where the tenths would meet the
    target and the shares do not, or the other way round)."""
    shares = [float(s) for s in shares]
    for digits in range(STRUCTURE_DIGITS, MOST_DIGITS + 1):
        written = _structure_at(shares, digits)
        if not target_parts or _structure_sides(shares, [float(p) for p in target_parts], comparator, written):
            return written
    return written


def structure(shares, target_parts=None, comparator: str = "=") -> str:
    """1.7:4.3:4.0 — a structure's shares of 10 (高:中:初, 职:普)."""
    return ":".join(structure_parts(shares, target_parts, comparator))


def structure_digits(text: str) -> int:
    """The decimals a written structure carries (1 for 1.7:4.3:4.0)."""
    head = text.split(":")[0]
    return len(head.split(".")[1]) if "." in head else 0


# A target's latest value and its gap, as every view writes them.


def limits_of(row) -> tuple:
    """The values a target's latest value is judged against (for the deciding digits)."""
    if row.kind in (*config.EVENT_KINDS, "trend", "ratio") or not present(row.target_value):
        return ()
    return (float(row.target_value),)


def latest(row) -> str:
    """The latest value as a reader expects it: its own text where the status made one (a structure, a running
    total, a yearly mean, a trend against the year before), 是/否 for acceptances, else in its unit's words."""
    if present(getattr(row, "latest_text", None)):
        return row.latest_text
    if row.kind == "milestone":
        return flag(row.latest_value)
    if row.kind == "project":
        return stage(row.latest_value)
    if row.kind == "rank":
        return rank(row.latest_value)
    if row.kind == "count_cumulative" and present(row.latest_value):
        return f"累计{count(row.latest_value, row.unit)}"
    return quantity(row.latest_value, row.unit, limits_of(row), row.comparator)


def latest_with_year(row) -> str:
    """64.2%（2025年） — the latest value and the year it is from."""
    year = f"（{int(row.latest_year)}年）" if present(row.latest_year) else ""
    return latest(row) + year


def _rate_digits(row) -> int:
    if not present(row.latest_value):
        return RATE_DIGITS
    return deciding_digits(row.latest_value, limits_of(row), RATE_DIGITS, row.comparator)


def gap(row) -> str:
    """How far from the target, in the target's unit, as every view writes it: 0.8个百分点, 1所, 第2位 → 1位,
    最大偏差0.34（允许0.2）, 未通过; '' where there is no distance to say (met, a trend, no data)."""
    value = row.gap
    if not present(value) or value <= 1e-9:
        return ""
    if row.kind == "milestone":
        return "未通过"
    if row.kind == "project":
        return f"未{config.PROJECT_GOALS[int(row.target_value)]}"
    if row.kind == "trend":
        return ""
    if row.kind == "ratio":
        if row.comparator == "=":  # latest_value is the largest distance from the target's parts
            tolerance = config.RATIO_TOLERANCE
            return f"最大偏差{coefficient(row.latest_value, (tolerance,), '<=')}（允许{tolerance:g}）"
        return fixed(value, max(STRUCTURE_DIGITS, structure_digits(latest(row))))
    if row.unit == RATE_UNIT:
        return points(value, _rate_digits(row))
    if row.kind == "rank":
        return f"{int(round(float(value)))}位"
    return count(value, row.unit)
