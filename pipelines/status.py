"""Status of a target, judged as of a year (DESIGN.md, "Status of a target").

Levels and cumulative counts follow the progress assessment of the SDG monitoring reports (Eurostat;
Statistics Canada's method in Open SDG uses the same cut-offs): with baseline b in year t0, latest
value v in year t, target x in year T, the ratio r of the actual yearly progress (v−b)/(t−t0) to the
required one (x−b)/(T−t0) gives on track (r ≥ 0.95), moderate (0.6 ≤ r < 0.95), insufficient
(0 ≤ r < 0.6) or moving away (r < 0); a met target is met, an unmet one whose year has come is missed.
Other kinds are judged as their wording asks: a yearly count year by year, a trend by its changes, a
milestone by its report, a structure by its shares.
"""

import math
from dataclasses import asdict, dataclass

import duckdb
import pandas as pd

from . import config
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


def progress_status(ratio: float) -> str:
    if ratio >= config.ON_TRACK_RATIO:
        return "on_track"
    if ratio >= config.MODERATE_RATIO:
        return "moderate"
    if ratio >= 0:
        return "insufficient"
    return "moving_away"


Series = list[tuple[int, float]]  # (year, value), ascending years


def assess_progress(series: Series, comparator: str, x: float, T: int, baseline: tuple[int, float] | None = None,
                    as_of: int | None = None) -> Assessment:
    """The SDG method on a yearly series. baseline overrides the value before the plan (or the first)."""
    if not series:
        return Assessment("no_data", detail="没有数据")
    t, v = series[-1]
    if baseline is None:
        before = [p for p in series if p[0] <= config.BASELINE_YEAR]
        t0, b = before[-1] if before else series[0]
    else:
        t0, b = baseline
    result = Assessment("not_assessable", b, t0, v, t, gap=shortfall(v, comparator, x))
    if meets(v, comparator, x):
        result.status, result.detail = "met", f"{t}年已达到目标"
        return result
    if t >= T:
        result.status, result.detail = "missed", f"目标年份{T}年已到，{t}年仍未达到"
        return result
    if t == t0:
        result.detail = "只有一个年份的数据，无法计算进展速度"
        return result
    actual = (v - b) / (t - t0)
    required = (x - b) / (T - t0)
    result.actual_per_year, result.required_per_year = actual, required
    result.projected_value = v + actual * (T - t)
    if math.isclose(required, 0.0, abs_tol=1e-12):
        ratio = -1.0 if shortfall(v, comparator, x) > shortfall(b, comparator, x) else 0.0
    else:
        ratio = actual / required
    result.progress_ratio = ratio
    result.status = progress_status(ratio)
    result.detail = f"实际年均变化{actual:+.2f}，需要年均变化{required:+.2f}，比值{ratio:.2f}"
    if as_of is not None and t < as_of:
        result.detail += f"；最新数据为{t}年"
    return result


def assess(target: Target, values: Series, as_of: int, shares: dict[int, list[float]] | None = None) -> Assessment:
    """The status of one target as of a year, from its indicator's yearly values up to that year.

    values: the indicator's current value per year. shares: for a structure, the parts' shares of a
    total of 10 per year ({year: [share of part 1, part 2, …]}).
    """
    values = sorted((y, v) for y, v in values if y <= as_of and v == v)
    T = target.target_year or config.PLAN_END_YEAR  # no year in the notice: judged against the plan's end
    kind = target.kind
    if kind == "count_cumulative":
        return _cumulative(target, values, T, as_of)
    if kind == "count_annual":
        return _annual(target, values)
    if kind == "trend":
        return _trend(target, values, T)
    if kind == "milestone":
        return _milestone(values, T, as_of)
    if kind == "ratio":
        return _ratio(target, {y: s for y, s in (shares or {}).items() if y <= as_of}, T, as_of)
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
    result.latest_text = f"累计{total:g}"
    return result


def _annual(target: Target, values: Series) -> Assessment:
    """A count every year: judged on the latest year (or on the yearly mean where the notice says 年均)."""
    first = target.target_year or config.PLAN_START_YEAR
    due = [(y, v) for y, v in values if y >= first]
    if not due:
        status = "no_data" if not values else "not_assessable"
        return Assessment(status, detail=f"{first}年起逐年考核，尚无该年份以来的数据")
    t, v = due[-1]
    if target.basis == "mean":
        mean = sum(v for _, v in due) / len(due)
        ok = meets(mean, target.comparator, target.target_value)
        detail = f"{due[0][0]}—{t}年年均{mean:,.0f}"
        return Assessment("met" if ok else "missed", latest_value=mean, latest_year=t, latest_text=detail,
                          gap=shortfall(mean, target.comparator, target.target_value), detail=detail)
    years_met = [y for y, value in due if meets(value, target.comparator, target.target_value)]
    ok = meets(v, target.comparator, target.target_value)
    detail = f"{t}年{'达标' if ok else '未达标'}；{len(years_met)}/{len(due)}个年度达标（{'、'.join(map(str, years_met)) or '无'}）"
    return Assessment("met" if ok else "missed", latest_value=v, latest_year=t,
                      gap=shortfall(v, target.comparator, target.target_value), detail=detail)


def _trend(target: Target, values: Series, T: int) -> Assessment:
    """逐年增加: every year above the one before; 大幅提升 (basis overall): latest above the baseline."""
    if not values:
        return Assessment("no_data", detail="没有数据")
    if len(values) < 2:
        t, v = values[-1]
        return Assessment("not_assessable", latest_value=v, latest_year=t, detail="只有一个年份的数据，无法判断趋势")
    (t0, b), (t, v) = values[0], values[-1]
    result = Assessment("not_assessable", b, t0, v, t, actual_per_year=(v - b) / (t - t0))
    changes = [(y, value - before) for (_, before), (y, value) in zip(values, values[1:])]
    if target.basis == "overall":
        rising = v > b
        result.detail = f"{t0}年{b:g}→{t}年{v:g}（原文为“大幅提升”，未给出幅度，按高于基线判断）"
    else:
        falls = [y for y, c in changes if c <= 0]
        rising = not falls
        result.detail = "逐年增加" if rising else f"{'、'.join(map(str, falls))}年未比上年增加"
    if rising:
        result.status = "met" if t >= T else "on_track"
    elif t >= T:
        result.status = "missed"
    else:
        result.status = "moving_away" if changes[-1][1] < 0 else "insufficient"
    return result


def _milestone(values: Series, T: int, as_of: int) -> Assessment:
    """An acceptance: met once reported as passed; missed if its year has come without it."""
    if not values:
        return Assessment("no_data", detail=f"验收年份{T}年，尚无填报" + ("（已过验收年份）" if as_of > T else ""))
    passed = [y for y, v in values if v >= 1]
    t = values[-1][0]
    if passed:
        return Assessment("met", latest_value=1.0, latest_year=passed[0], latest_text=f"{passed[0]}年已通过", gap=0.0,
                          detail=f"{passed[0]}年已通过")
    if t >= T:
        return Assessment("missed", latest_value=0.0, latest_year=t, latest_text="未通过", gap=1.0, detail=f"验收年份{T}年已到，尚未通过")
    return Assessment("not_assessable", latest_value=0.0, latest_year=t, latest_text="尚未通过", gap=1.0,
                      detail=f"验收年份为{T}年，尚未到期，暂不评估")


def _ratio(target: Target, shares: dict[int, list[float]], T: int, as_of: int) -> Assessment:
    """A structure: `=` each share within the tolerance of the target's; `>=` the first share at least its."""
    if not shares:
        return Assessment("no_data", detail="没有各部分的完整数据")
    years = sorted(shares)
    parts = target.ratio_parts
    text = ":".join(f"{s:.1f}" for s in shares[years[-1]])
    if target.comparator == ">=":
        result = assess_progress([(y, shares[y][0]) for y in years], ">=", parts[0], T, as_of=as_of)
        result.latest_text = text
        return result
    # `=`: the largest distance of a share from its target share, to be brought within the tolerance.
    deviation = [(y, max(abs(s - p) for s, p in zip(shares[y], parts))) for y in years]
    result = assess_progress(deviation, "<=", config.RATIO_TOLERANCE, T, as_of=as_of)
    result.latest_text = f"{text}（最大偏差{deviation[-1][1]:.2f}）"
    result.detail = f"按各部分占比与目标{':'.join(f'{p:.1f}' for p in parts)}的最大偏差评估，容差{config.RATIO_TOLERANCE}；" + result.detail
    return result


def compute_assessments(con: duckdb.DuckDBPyConnection, include_demo: bool = True) -> pd.DataFrame:
    """Every target assessed as of every year of the plan, from the warehouse's current values."""
    targets = con.execute("select * from targets order by target_id").df()
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
    rows = []
    for t in targets.itertuples():
        target = Target(t.kind, t.comparator, t.target_value if present(t.target_value) else None,
                        int(t.target_year) if present(t.target_year) else None, bool(t.recurring),
                        t.basis if present(t.basis) else None, parts_of(t.ratio_parts))
        series = values.get(t.indicator_code, [])
        years = {y for y, _ in series} | set(shares.get(t.indicator_code, {}))
        for as_of in config.YEARS:
            a = assess(target, series, as_of, shares.get(t.indicator_code))
            row = asdict(a)
            row.update(as_of_year=as_of, include_demo=include_demo, target_id=t.target_id, status_label=a.label,
                       target_value=target.target_value, target_year=target.target_year,
                       is_demo=any(y <= as_of for y in demo_years.get(t.indicator_code, set()) & years))
            rows.append(row)
    return pd.DataFrame(rows)


def refresh_assessments(con: duckdb.DuckDBPyConnection) -> int:
    """Recompute target_assessments (with and without demo workbooks) inside the caller's transaction."""
    frame = pd.concat([compute_assessments(con, True), compute_assessments(con, False)], ignore_index=True)
    con.execute("delete from target_assessments")
    from .warehouse import insert_frame

    insert_frame(con, "target_assessments", frame)
    return len(frame)
