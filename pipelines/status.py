"""Status of a target, judged as of a year (docs/design.md, "Status of a target": every rule written out there).

Dated targets (a level, a count to create, a share, a rank, a structure, by a year T) follow the
progress assessment of the SDG monitoring reports (Eurostat; Statistics Canada's method in Open SDG):
with baseline b in year t0, latest value v in year t and target x, the actual yearly change
(v−b)/(t−t0) is divided by the required one, whose sign is the target's wanted direction d (+1 for
以上, −1 for 以下/前N位) and whose size is |x−b|/(T−t0). So a target met at its baseline that then falls
back moves away from it (r < 0), whatever the signs of the two changes. Yearly change is linear, not
compound as in Eurostat: counts start from 0 and some targets are 0, where compound growth has no value.

Undated and yearly rules (长期坚持, 每年, 按…核定) are judged on the as-of year's own value; acceptances by
their report; 逐年增加 by its year-on-year changes; 每次评选 on the latest round.
"""

import math
from dataclasses import dataclass, fields, replace

import duckdb
import pandas as pd

from . import config, formats
from .describe import parts_of, present


@dataclass
class Assessment:
    status: str
    baseline_value: float | None = None
    baseline_year: int | None = None
    latest_value: float | None = None
    latest_year: int | None = None
    latest_text: str | None = None
    gap: float | None = None
    required_per_year: float | None = None
    actual_per_year: float | None = None
    progress_ratio: float | None = None
    projected_value: float | None = None
    detail: str = ""
    method: str = "progress"  # which rule judged it: progress, yearly, round, milestone, trend

    @property
    def label(self) -> str:
        return config.STATUS_LABELS[self.status]


@dataclass
class Target:
    kind: str
    comparator: str
    target_value: float | None
    target_year: int | None
    recurring: bool = False
    basis: str | None = None
    ratio_parts: list[float] | None = None
    goal: str | None = None  # the catalogue's own words (建成): a milestone that is not an acceptance
    unit: str | None = None  # the indicator's unit, for the words of the latest value (累计3所, 年均7,350人次)

    @property
    def standing(self) -> bool:
        """A rule kept every year (每年, 长期坚持, no year of its own), not a result due by a year."""
        return self.recurring or self.target_year is None

    @property
    def first_year(self) -> int:
        """The first year a standing rule is judged: its own year, else the plan's first year."""
        return self.target_year or config.PLAN_START_YEAR


Series = list[tuple[int, float]]  # (year, value), ascending years


def meets(value: float, comparator: str, target: float) -> bool:
    if comparator == ">=":
        return value >= target - 1e-9
    if comparator == "<=":
        return value <= target + 1e-9
    return abs(value - target) < 1e-9


def shortfall(value: float, comparator: str, target: float) -> float:
    """How far the value is from meeting the target (0 when met)."""
    if comparator == "<=":
        return max(0.0, value - target)
    if comparator == ">=":
        return max(0.0, target - value)
    return abs(value - target)


def direction(comparator: str, target: float, baseline: float) -> int:
    """The wanted direction of change: +1 up (以上), −1 down (以下, 前N位), toward the target for `=`."""
    if comparator == ">=":
        return 1
    if comparator == "<=":
        return -1
    return 1 if target >= baseline else -1


def progress_status(ratio: float) -> str:
    if ratio >= config.ON_TRACK_RATIO:
        return "on_track"
    if ratio >= config.MODERATE_RATIO:
        return "moderate"
    if ratio >= 0:
        return "insufficient"
    return "moving_away"


def _baseline(series: Series) -> tuple[int, float]:
    """The last value before the plan (2022 or earlier), else the first reported."""
    before = [p for p in series if p[0] <= config.BASELINE_YEAR]
    return before[-1] if before else series[0]


def assess_progress(series: Series, comparator: str, x: float, T: int, baseline: tuple[int, float] | None = None,
                    as_of: int | None = None) -> Assessment:
    """A dated target on a yearly series (ascending, up to the as-of year), by the progress ratio.

    Met by its year: 已达成; met only after it: 逾期达成; the year passed (or its own year reported) and
    not met: 逾期未达成, whatever year the latest data is from; otherwise the progress ratio r.
    """
    if not series:
        return Assessment("no_data", detail="没有数据")
    t, v = series[-1]
    as_of = t if as_of is None else as_of
    t0, b = baseline if baseline is not None else _baseline(series)
    result = Assessment("not_assessable", b, t0, v, t, gap=round(shortfall(v, comparator, x), 9))
    stale = f"（最新数据为{t}年）" if t < as_of else ""
    by_year = [(year, value) for year, value in series if year <= T]
    met_by_T = bool(by_year) and meets(by_year[-1][1], comparator, x)
    if meets(v, comparator, x):
        if as_of <= T or met_by_T:
            result.status, result.detail = "met", f"{t}年已达到目标{stale}"
        else:
            first = next(year for year, value in series if year > T and meets(value, comparator, x))
            result.status, result.detail = "met_late", f"目标年份{T}年未达到，{first}年达到{stale}"
        return result
    if as_of > T and met_by_T:
        result.status = "fell_back"
        result.detail = f"{by_year[-1][0]}年已达到目标，{t}年回落至未达标"
        return result
    if as_of > T or t >= T:
        when = f"{t}年仍未达到" if t >= T else f"最新数据为{t}年（早于目标年份），未达到"
        result.status, result.detail = "missed", f"目标年份{T}年已到，{when}"
        return result
    if t == t0:
        result.detail = "只有一个年份的数据，无法计算进展速度"
        return result
    actual = (v - b) / (t - t0)
    d = direction(comparator, x, b)
    required = d * abs(x - b) / (T - t0)
    result.actual_per_year, result.required_per_year = actual, required
    result.projected_value = v + actual * (T - t)
    if math.isclose(required, 0.0, abs_tol=1e-12):
        # The baseline stood exactly at the target and the value has left it: moving away.
        result.status = "moving_away"
        result.detail = f"基线（{t0}年）恰好达到目标，此后回落，实际年均变化{actual:+.2f}"
        return result
    # Rounded, so that a ratio that is 0.95 by hand (3.8 ÷ 4.0) is not 0.9499999… by the machine.
    ratio = round(actual / required, 9)
    result.progress_ratio = ratio
    result.status = progress_status(ratio)
    result.detail = f"实际年均变化{actual:+.2f}，需要年均变化{required:+.2f}，比值{ratio:.2f}"
    if t < as_of:
        result.detail += f"；最新数据为{t}年，按该年数据推算"
    return result


def assess(target: Target, values: Series, as_of: int, shares: dict[int, list[float]] | None = None) -> Assessment:
    """The status of one target as of a year, from its indicator's yearly values up to that year.

    values: the indicator's current value per year. shares: for a structure, the parts' shares of a
    total of 10 per year ({year: [share of part 1, part 2, …]}).
    """
    values = sorted((y, v) for y, v in values if y <= as_of and v == v)
    shares = {y: s for y, s in (shares or {}).items() if y <= as_of}
    kind = target.kind
    if kind == "milestone":
        return _milestone(values, target.target_year or config.PLAN_END_YEAR, as_of, target.goal)
    if kind == "project":
        return _project(values, target.target_year, int(target.target_value), as_of)
    if target.basis == "each_round":
        return _round(target, values, as_of)
    if target.standing:
        return _yearly(target, values, shares, as_of)
    T = target.target_year
    if kind == "count_cumulative":
        return _cumulative(target, values, T, as_of)
    if kind == "trend":
        return _trend(target, values, T, as_of)
    if kind == "ratio":
        return _ratio(target, shares, T, as_of)
    # level, relative, compliance, rank: a value against the comparator.
    return assess_progress(values, target.comparator, target.target_value, T, as_of=as_of)


def _cumulative(target: Target, values: Series, T: int, as_of: int) -> Assessment:
    """Counts to create: the running total since the plan began, from a baseline of none created."""
    flows = [(y, v) for y, v in values if y >= config.PLAN_START_YEAR]
    if not flows:
        return Assessment("no_data", detail=f"{config.PLAN_START_YEAR}年以来没有填报")
    cumulative, total = [], 0.0
    for y, v in flows:
        total += v
        cumulative.append((y, total))
    result = assess_progress(cumulative, target.comparator, target.target_value, T,
                             baseline=(config.BASELINE_YEAR, 0.0), as_of=as_of)
    result.latest_text = f"累计{formats.count(total, target.unit)}"
    return result


def _yearly_value(target: Target, values: Series, shares: dict[int, list[float]], year: int):
    """A standing rule's value for one year: (value judged, text shown, met?), or a reason it has none.

    The reason is 'unreported' (nothing for that year) or 'no_previous' (a year-on-year rule without
    the year before).
    """
    own = dict(values)
    if target.kind == "ratio":
        if year not in shares:
            return "unreported"
        # The digits that decide: a share that misses the tolerance by 0.01 must not read like one that meets it.
        text = formats.structure(shares[year], target.ratio_parts, target.comparator)
        if target.comparator == ">=":
            return shares[year][0], text, meets(shares[year][0], ">=", target.ratio_parts[0])
        deviation = max(abs(s - p) for s, p in zip(shares[year], target.ratio_parts))
        return deviation, text, meets(deviation, "<=", config.RATIO_TOLERANCE)
    if year not in own:
        return "unreported"
    if target.kind == "trend":
        return _direction_value(target, values, own, year)
    if target.basis == "mean":
        due = [v for y, v in values if target.first_year <= y <= year]
        mean = sum(due) / len(due)
        return (mean, f"{target.first_year}—{year}年年均{formats.count(mean, target.unit)}",
                meets(mean, target.comparator, target.target_value))
    return own[year], None, meets(own[year], target.comparator, target.target_value)


def _direction_value(target: Target, values: Series, own: dict[int, float], year: int):
    """A standing direction's value for one year: against the year before (只增不减, 逐年减少), or against the
    baseline for 进一步缩减 / 增加 / 保持 (basis overall, task 48); 'no_previous' or 'no_baseline' without it."""
    value = own[year]
    if target.basis == "overall":
        earlier = [p for p in values if p[0] < year]
        if not earlier:
            return "no_baseline"
        base_year, before = _baseline(earlier)
        change = value - before
        text = f"{formats.quantity(value, target.unit)}（基线{base_year}年{_plain(before, target.unit)}，{_change(change, target.unit)}）"
    else:
        before = own.get(year - 1)
        if before is None:
            return "no_previous"
        change = value - before
        text = f"{formats.quantity(value, target.unit)}（上年{_plain(before, target.unit)}，{_change(change, target.unit)}）"
    # 只增不减 / 保持: not below; 增加: above; 减少 / 缩减: below, or already 0 (a gap closed stays closed).
    ok = {"not_decreasing": change >= -1e-9, "increasing": change > 1e-9,
          "decreasing": change < -1e-9 or abs(value) < 1e-9}[target.comparator]
    return value, text, ok


def _deviation(value: float) -> str:
    """最大偏差0.34 — a structure's largest distance from the target's parts, with the digits that decide."""
    return f"最大偏差{formats.coefficient(value, (config.RATIO_TOLERANCE,), '<=')}"


def _plain(value: float, unit: str | None) -> str:
    """A value beside another of the same unit, without the unit (上年101,900 after 106,800万元)."""
    return formats.rate(value).removesuffix("%") if unit == formats.RATE_UNIT else formats.count(value)


def _change(change: float, unit: str | None) -> str:
    """+4,900 / −1.2个百分点 — a change from one year to another, signed."""
    size = formats.points(abs(change)) if unit == formats.RATE_UNIT else formats.count(abs(change))
    return ("+" if change >= 0 else "−") + size


def _yearly(target: Target, values: Series, shares: dict[int, list[float]], as_of: int) -> Assessment:
    """A standing rule (每年, 长期坚持, no year): judged on the as-of year's own value, never overdue."""
    first = target.first_year
    if as_of < first:
        return Assessment("not_due", method="yearly", detail=f"自{first}年起每年考核")
    judged = {y: _yearly_value(target, values, shares, y) for y in range(first, as_of + 1)}
    judged = {y: found for y, found in judged.items() if isinstance(found, tuple)}
    met_years = [y for y, found in judged.items() if found[2]]
    record = f"{first}年以来{len(met_years)}/{len(judged)}个已报年度达标" if judged else f"{first}年以来尚无可评年度"
    found = _yearly_value(target, values, shares, as_of)
    if found == "unreported":
        missing = "未报送，或结构的各部分不全" if target.kind == "ratio" else "未报送（或分母为0，无法计算）"
        return Assessment("year_no_data", method="yearly", detail=f"{as_of}年没有可用数值：{missing}；{record}")
    if found in ("no_previous", "no_baseline"):
        why = (f"缺少{as_of - 1}年的数据，无法与上年比较" if found == "no_previous"
               else f"{as_of}年之前没有数据，没有可比较的基线")
        return Assessment("not_assessable", latest_value=dict(values)[as_of], latest_year=as_of, method="yearly",
                          detail=f"{why}；{record}")
    value, text, ok = found
    gap = None if target.kind in ("trend", "ratio") else shortfall(value, target.comparator, target.target_value)
    if target.kind == "ratio" and target.comparator != ">=":
        gap = max(0.0, value - config.RATIO_TOLERANCE)
    gap = None if gap is None else round(gap, 9)  # no 1e-16 left over from the arithmetic of shares
    said = f"{text}，{_deviation(value)}" if target.kind == "ratio" and target.comparator != ">=" else text
    result = Assessment("year_met" if ok else "year_missed", latest_value=value, latest_year=as_of, latest_text=text,
                        gap=gap, method="yearly",
                        detail=f"{as_of}年{'达标' if ok else '未达标'}" + (f"（{said}）" if said else "") + f"；{record}")
    if target.kind == "ratio" and target.comparator != ">=":
        result.detail = (f"按各部分占比与目标{':'.join(f'{p:.1f}' for p in target.ratio_parts)}的最大偏差评估，"
                         f"容差{config.RATIO_TOLERANCE}；" + result.detail)
    return result


def _round(target: Target, values: Series, as_of: int) -> Assessment:
    """每次评选: judged on the latest round held (a year with a report is a round; a year without is none)."""
    first = target.first_year
    if as_of < first:
        return Assessment("not_due", method="round", detail=f"自{first}年起每次评选考核")
    rounds = [(y, v) for y, v in values if y >= first]
    if not rounds:
        return Assessment("no_data", method="round", detail=f"{first}年以来尚未报告评选结果")
    y, v = rounds[-1]
    ok = meets(v, target.comparator, target.target_value)
    held = "、".join(str(year) for year, _ in rounds)
    return Assessment("round_met" if ok else "round_missed", latest_value=v, latest_year=y,
                      gap=shortfall(v, target.comparator, target.target_value), method="round",
                      detail=f"最近一次评选在{y}年（已报评选年度：{held}）")


def _trend(target: Target, values: Series, T: int, as_of: int) -> Assessment:
    """逐年增加 by its year: every year above the one before; 大幅提升 (basis overall): above the baseline."""
    if target.basis == "overall":
        return _rise(values, T, as_of)
    window = [(y, v) for y, v in values if y <= T]
    if len(window) < 2:
        if not window:
            return Assessment("no_data", method="trend", detail="没有数据" + (f"（目标年份{T}年已过）" if as_of > T else ""))
        if as_of > T:
            return Assessment("missed", method="trend", detail=f"目标年份{T}年已过，只有一个年度的数据，无法证明逐年增加")
        t, v = window[-1]
        return Assessment("not_assessable", latest_value=v, latest_year=t, method="trend",
                          detail="只有一个年份的数据，无法判断趋势")
    (t0, b), (t, v) = window[0], window[-1]
    result = Assessment("on_track", b, t0, v, t, actual_per_year=(v - b) / (t - t0), method="trend")
    falls = [y for (_, before), (y, value) in zip(window, window[1:]) if value <= before]
    gaps = [y for y in range(t0 + 1, t) if y not in dict(window)]
    skipped = f"（{'、'.join(map(str, gaps))}年未报送，与上一报送年度比较）" if gaps else ""
    if falls:
        result.status = "missed" if as_of >= T else "unreachable"
        result.detail = f"{'、'.join(map(str, falls))}年未比上年增加{skipped}"
        return result
    if t >= T:
        result.status, result.detail = "met", f"{t0}—{t}年逐年增加{skipped}"
    elif as_of > T:
        result.status, result.detail = "missed", f"{T}年未报送，无法确认逐年增加至{T}年"
    else:
        result.detail = f"{t0}—{t}年逐年增加{skipped}，目标年份{T}年"
    return result


def _rise(values: Series, T: int, as_of: int) -> Assessment:
    """大幅提升 with no size given: met when the latest value is above the baseline (late if only after T)."""
    if not values:
        return Assessment("no_data", method="trend", detail="没有数据")
    (t0, b), (t, v) = _baseline(values), values[-1]
    result = Assessment("not_assessable", b, t0, v, t, method="trend")
    words = f"原文为“大幅提升”，未给出幅度，按高于基线（{t0}年{b:g}）判断；"
    by_year = [(year, value) for year, value in values if year <= T]
    risen_by_T = bool(by_year) and by_year[-1][1] > b
    if v > b:
        result.status = "met" if as_of <= T or risen_by_T else "met_late"
        result.detail = words + f"{t}年{v:g}，高于基线"
    elif as_of > T and risen_by_T:
        result.status, result.detail = "fell_back", words + f"{by_year[-1][0]}年曾高于基线，{t}年{v:g}回落"
    elif as_of > T or t >= T:
        result.status, result.detail = "missed", words + f"目标年份{T}年已到，{t}年{v:g}未高于基线"
    elif t == t0:
        result.detail = words + "只有一个年份的数据"
    else:
        result.actual_per_year = (v - b) / (t - t0)
        result.status = "moving_away" if v < b else "insufficient"
        result.detail = words + f"{t}年{v:g}，{'低于' if v < b else '未高于'}基线"
    return result


def _milestone(values: Series, T: int, as_of: int, goal: str | None = None) -> Assessment:
    """An acceptance: met once reported passed (late if after T); after T without a pass: missed. goal: the
    words of a milestone that is not an acceptance (建成): said as reported 是/否 by its year."""
    done, year_word = (f"报告“是”（{goal}）", "目标年份") if goal else ("通过", "验收年份")
    passed = [y for y, v in values if v >= 1]
    if passed:
        first = passed[0]
        later_no = [y for y, v in values if y > first and v < 1]
        return Assessment("met" if first <= T else "met_late", latest_value=1.0, latest_year=first,
                          latest_text=f"{first}年{done}", gap=0.0, method="milestone",
                          detail=f"{first}年{done}" + (f"（{year_word}为{T}年）" if first > T else "")
                          + (f"；{'、'.join(map(str, later_no))}年又报告为“否”，以首次{done}为准，请核实" if later_no else ""))
    reported = (f"{values[-1][0]}年报告{'为“否”' if goal else '未通过'}" if values
                else ("尚未报告" if goal else "未报告验收结果"))
    last = values[-1] if values else (None, None)
    result = Assessment("not_due", latest_value=last[1], latest_year=last[0], gap=1.0 if values else None,
                        method="milestone")
    if as_of > T or (values and last[0] >= T):
        result.status, result.gap = "missed", 1.0
        result.detail = f"{year_word}{T}年已到，{reported}"
    elif as_of == T:
        result.status, result.detail = "no_data", f"{year_word}为{T}年，尚无该年度的报告"
    else:
        result.detail = f"{T}年{goal or '验收'}，尚未到期" + (f"；{reported}" if values else "")
    return result


def _project(values: Series, T: int, required: int, as_of: int) -> Assessment:
    """A building project (tasks 88–89): met once reported at its stage (开工 1, 竣工 2) by the end of its year,
    late if only after; after its year (or in its year's own report) not there: missed; before: 在建 is on
    track, 未开工 for a project to finish is behind, for a project to start not yet due."""
    goal = config.PROJECT_GOALS[required]
    reached = [y for y, v in values if v >= required]
    if reached:
        first, (t, v) = reached[0], values[-1]
        return Assessment("met" if first <= T else "met_late", latest_value=v, latest_year=t,
                          latest_text=f"{first}年已{goal}", gap=0.0, method="project",
                          detail=f"{first}年末报告已{goal}" + (f"（期限为{T}年底）" if first > T else ""))
    if not values:
        status = "missed" if as_of > T else "no_data"
        return Assessment(status, method="project", detail=f"期限{T}年底前{goal}，尚未报告进度")
    t, v = values[-1]
    result = Assessment("not_due", latest_value=v, latest_year=t, gap=float(required - v), method="project",
                        detail=f"{t}年末{config.PROJECT_STAGE_WORDS[int(v)]}，期限{T}年底前{goal}"
                        + (f"（最新数据为{t}年）" if t < as_of else ""))
    if as_of > T or t >= T:
        result.status = "missed"
    elif required == 2:
        result.status = "on_track" if v >= 1 else "insufficient"
    return result


def _ratio(target: Target, shares: dict[int, list[float]], T: int, as_of: int) -> Assessment:
    """A dated structure: `>=` its first share at least the target's; `=` every share within the tolerance."""
    if not shares:
        return Assessment("no_data", detail="没有各部分的完整数据")
    years = sorted(shares)
    parts = target.ratio_parts
    text = formats.structure(shares[years[-1]], parts, target.comparator)
    if target.comparator == ">=":
        result = assess_progress([(y, shares[y][0]) for y in years], ">=", parts[0], T, as_of=as_of)
        result.latest_text = text
        return result
    deviation = [(y, max(abs(s - p) for s, p in zip(shares[y], parts))) for y in years]
    result = assess_progress(deviation, "<=", config.RATIO_TOLERANCE, T, as_of=as_of)
    result.latest_text = text
    result.detail = (f"按各部分占比与目标{':'.join(f'{p:.1f}' for p in parts)}的最大偏差评估，容差{config.RATIO_TOLERANCE}；"
                     f"{years[-1]}年{text}，{_deviation(deviation[-1][1])}；" + result.detail)
    return result


ASSESSMENT_FIELDS = tuple(f.name for f in fields(Assessment))


def target_of(row) -> Target:
    """A Target from a row of the warehouse's targets table."""
    return Target(row.kind, row.comparator, row.target_value if present(row.target_value) else None,
                  int(row.target_year) if present(row.target_year) else None, bool(row.recurring),
                  row.basis if present(row.basis) else None, parts_of(row.ratio_parts),
                  row.goal if present(getattr(row, "goal", None)) else None, row.unit if present(row.unit) else None)


def _series(con: duckdb.DuckDBPyConnection, include_demo: bool):
    """Each indicator's yearly values, a structure's shares of 10 per year, and the years that hold demo values."""
    values: dict[str, Series] = {}
    demo_years: dict[str, set[int]] = {}
    for code, year, value, is_demo in con.execute(
        "select indicator_code, year, value, is_demo from latest_values(?) order by indicator_code, year", [include_demo]
    ).fetchall():
        values.setdefault(code, []).append((year, value))
        if is_demo:
            demo_years.setdefault(code, set()).add(year)
    shares: dict[str, dict[int, list[float]]] = {}
    for code, year, share, is_demo in con.execute(
        "select indicator_code, year, share_of_ten, is_demo from structure_parts(?) order by indicator_code, year, part_no",
        [include_demo],
    ).fetchall():
        shares.setdefault(code, {}).setdefault(year, []).append(share)
        if is_demo:
            demo_years.setdefault(code, set()).add(year)
    return values, shares, demo_years


def _texts(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, dict[str, float]]]:
    """For a target the body and the attachment state differently: (the text that counts, {text: value}) —
    the ruling's text, else the attachment's (issue 19)."""
    ruled = dict(con.execute("select target_id, text from current_rulings").fetchall())
    texts: dict[str, dict[str, float]] = {}
    for target_id, text, value in con.execute("select target_id, text, target_value from target_texts").fetchall():
        texts.setdefault(target_id, {})[text] = value
    return {t: (ruled.get(t, config.DEFAULT_RULING_TEXT), v) for t, v in texts.items()}


def _under_both(target: Target, counts: str, by_text: dict[str, float]) -> tuple[Target, str, Target]:
    """The target as the text that counts states it, and as the other text does."""
    other = next(text for text in by_text if text != counts)
    return replace(target, target_value=by_text[counts]), other, replace(target, target_value=by_text[other])


def compute_assessments(con: duckdb.DuckDBPyConnection, include_demo: bool = True) -> pd.DataFrame:
    """Every target assessed as of every year of the plan, from the warehouse's current values; a target the two
    texts state differently also under the other text (alt_*)."""
    targets = con.execute("select * from targets order by target_id").df()
    values, shares, demo_years = _series(con, include_demo)
    texts = _texts(con)
    ruled = {t for (t,) in con.execute("select target_id from current_rulings").fetchall()}
    rows = []
    for t in targets.itertuples():
        target, other, alt = target_of(t), None, None
        if t.target_id in texts:
            target, other, alt = _under_both(target, *texts[t.target_id])
        series = values.get(t.indicator_code, [])
        years = {y for y, _ in series} | set(shares.get(t.indicator_code, {}))
        for as_of in config.YEARS:
            a = assess(target, series, as_of, shares.get(t.indicator_code))
            row = {name: getattr(a, name) for name in ASSESSMENT_FIELDS}  # flat: asdict's deep copy is slow
            row.update(as_of_year=as_of, include_demo=include_demo, target_id=t.target_id, status_label=a.label,
                       target_value=target.target_value, target_year=target.target_year,
                       is_demo=any(y <= as_of for y in demo_years.get(t.indicator_code, set()) & years))
            if alt is not None:
                b = assess(alt, series, as_of, shares.get(t.indicator_code))
                row.update(text_basis=texts[t.target_id][0], ruled=t.target_id in ruled, alt_text=other,
                           alt_target_value=alt.target_value, alt_status=b.status, alt_status_label=b.label,
                           alt_gap=b.gap, alt_detail=b.detail)
            rows.append(row)
    return pd.DataFrame(rows, columns=[*ASSESSMENT_COLUMNS, *ALT_COLUMNS])


ALT_COLUMNS = ("text_basis", "ruled", "alt_text", "alt_target_value", "alt_status", "alt_status_label", "alt_gap",
               "alt_detail")
ASSESSMENT_COLUMNS = (*ASSESSMENT_FIELDS, "as_of_year", "include_demo", "target_id", "status_label", "target_value",
                      "target_year", "is_demo")


def refresh_assessments(con: duckdb.DuckDBPyConnection) -> int:
    """Recompute target_assessments (with and without demo workbooks) inside the caller's transaction."""
    frame = pd.concat([compute_assessments(con, True), compute_assessments(con, False)], ignore_index=True)
    con.execute("delete from target_assessments")
    from .warehouse import insert_frame

    insert_frame(con, "target_assessments", frame)
    return len(frame)
