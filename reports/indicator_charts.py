"""One indicator over the years: its level, count, structure or milestone against the target and its path."""

import math
import os

import pandas as pd
import plotly.graph_objects as go

from pipelines.core import config, formats, palette
from pipelines.core.describe import describe_goal, describe_year, number, parts_of, present, stage
from pipelines.core.plain import plain_html

from .charts import GRID, INK, MILESTONE_YEARS, PATH_COLOUR, TARGET_COLOUR, style

# One indicator over the years.


def nice_ticks(low: float, high: float, count: int = 5, integer: bool = False) -> list[float]:
    """Round tick values (1, 2, 2.5 or 5 × a power of ten) covering low..high, about `count` of them;
    whole numbers only for counts."""
    if not math.isfinite(low) or not math.isfinite(high):
        return []
    if high <= low:
        high = low + 1
    raw = (high - low) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    if integer:
        step = max(1, math.ceil(step))
    first = math.floor(low / step) * step
    ticks, value = [], first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < high:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


# What a value axis measures, by the indicator's unit (issue 21: 人 for people, 所 for schools, % for rates).
AXIS_TITLES = {"%": "比率（%）", "人": "人数（人）", "名": "人数（名）", "人次": "人次", "所": "数量（所）", "个": "数量（个）",
               "次": "次数（次）", "项": "数量（项）", "万元": "金额（万元）", "元": "金额（元）", "亩": "面积（亩）",
               "平方米": "面积（平方米）"}


def axis_title(unit: str | None) -> str | None:
    return AXIS_TITLES.get(unit or "", unit or None)


def _value_axis(fig: go.Figure, values: list[float], unit: str, from_zero: bool = False, integer: bool = False) -> None:
    """Round ticks written as a reader writes numbers (12,000; 95%), the axis titled by what it measures."""
    values = [v for v in values if present(v)]
    if not values:
        return
    low, high = min(values), max(values)
    if from_zero:
        low = min(0.0, low)
    pad = (high - low) * 0.12 or max(abs(high) * 0.1, 1.0)
    low, high = (low if from_zero else low - pad), high + pad
    ticks = nice_ticks(low, high, integer=integer)
    fig.update_yaxes(tickvals=ticks, ticktext=[number(t, "%" if unit == "%" else "") for t in ticks],
                     range=[ticks[0], ticks[-1]], gridcolor=GRID, title_text=axis_title(unit))


def _year_axis(fig: go.Figure, start: int, end: int, target_year: int | None = None,
               notes: dict[int, str] | None = None) -> None:
    """Years as ticks; the target year said under its tick, the 2025/2028/2030 horizons as faint lines
    behind the data (never over a data label)."""
    years = list(range(start, end + 1))
    text = []
    for y in years:
        lines = [f"{y}"]
        if notes and y in notes:
            lines.append(notes[y])
        if y == target_year:
            lines.append("<b>目标年</b>")
        text.append("<br>".join(lines))
    fig.update_xaxes(range=[start - 0.5, end + 0.5], tickvals=years, ticktext=text, gridcolor=GRID, title_text=None)
    lines = max(t.count("<br>") + 1 for t in text)
    fig.update_layout(margin_b=40 + 20 * lines)  # the tick lines, then the source line below them
    fig.update_yaxes(gridcolor=GRID)
    for y in MILESTONE_YEARS:
        if start <= y <= end:
            fig.add_vline(x=y, line=dict(color="#BBBBBB" if y != target_year else "#777777", width=1, dash="dash"),
                          layer="below")


def _hover_points(values: pd.DataFrame, unit: str, words: list[str] | None = None) -> list[str]:
    """Each point's value (or its words: 是/否, 在建), note, workbook and whether it is demo."""
    out = []
    for i, r in enumerate(values.itertuples()):
        parts = [f"<b>{r.year}年：{words[i] if words else formats.quantity(r.value, unit)}</b>"]
        if present(r.note) and r.note:
            parts.append(f"备注：{plain_html(r.note)}")  # a unit's words: never HTML
        if present(r.file_name):
            parts.append(f"来源：{plain_html(r.file_name)}（{plain_html(r.reported_by)}）")
        if r.derivation == "derived":
            parts.append("由分子、分母计算")
        if r.is_demo:
            parts.append(config.DEMO_LABEL)
        out.append("<br>".join(parts))
    return out


def indicator_chart(target, values: pd.DataFrame, as_of: int, demo: bool, shares: pd.DataFrame | None = None) -> go.Figure:
    """The right chart for the target's kind."""
    title = f"{target.indicator_name.replace('（当年新增）', '')}"
    goal = describe_goal(target)
    T = int(target.target_year) if present(target.target_year) else config.PLAN_END_YEAR
    subtitle = f"目标：{goal}（{describe_year(target)}）；状态：{target.status_label}"
    kind = target.kind
    if kind == "ratio":
        return style(structure_chart(target, shares if shares is not None else pd.DataFrame()), title, as_of, demo, 560, subtitle)
    if kind in config.EVENT_KINDS:
        return style(milestone_chart(target, values, T), title, as_of, demo, 420, subtitle)
    if kind in ("count_cumulative", "count_annual"):
        return style(count_chart(target, values, T), title, as_of, demo, 560, subtitle)
    return style(level_chart(target, values, T), title, as_of, demo, 560, subtitle)


def level_chart(target, values: pd.DataFrame, T: int) -> go.Figure:
    """Values with the target line, the required path from the baseline and the projected path."""
    fig = go.Figure()
    unit = target.unit or ""
    years = values["year"].tolist()
    start = min(years + [config.BASELINE_YEAR])
    shown = list(values["value"])
    if target.kind != "trend" and present(target.target_value):
        shown.append(target.target_value)
        fig.add_trace(go.Scatter(x=[start - 0.5, config.PLAN_END_YEAR + 0.5], y=[target.target_value] * 2, mode="lines",
                                 line=dict(color=TARGET_COLOUR, width=2, dash="dash"),
                                 name=f"目标 {describe_goal(target)}"))
    if present(target.baseline_value) and present(target.baseline_year) and present(target.target_value) and target.kind != "trend" and T > target.baseline_year:
        fig.add_trace(go.Scatter(x=[target.baseline_year, T], y=[target.baseline_value, target.target_value], mode="lines",
                                 line=dict(color=PATH_COLOUR, width=2, dash="dot"), name="按期所需路径"))
    if present(target.projected_value) and present(target.latest_year):
        shown.append(target.projected_value)
        fig.add_trace(go.Scatter(x=[target.latest_year, T], y=[target.latest_value, target.projected_value], mode="lines",
                                 line=dict(color=palette.STATUS_COLOURS[target.status], width=2, dash="dashdot"),
                                 name=f"按当前速度推算（{T}年约{formats.quantity(target.projected_value, unit)}）"))
    fig.add_trace(go.Scatter(
        x=values["year"], y=values["value"], mode="lines+markers+text", name="实际值",
        line=dict(color="#1F4E79", width=3), marker=dict(size=10),
        text=[formats.quantity(v, unit, formats.limits_of(target), target.comparator) for v in values["value"]],
        textposition="top center", textfont=dict(size=14),
        customdata=_hover_points(values, unit), hovertemplate="%{customdata}<extra></extra>",
    ))
    _year_axis(fig, start, config.PLAN_END_YEAR, T if not target.recurring else None)
    if target.kind == "rank":
        top = max(shown + [target.target_value or 1])
        fig.update_yaxes(autorange=False, range=[top + 1, 0.5], title_text="全市位次（1为最好）",
                         tickvals=list(range(1, int(top) + 2)), gridcolor=GRID)
    else:
        _value_axis(fig, shown, unit, from_zero=unit != "%" and min(shown) >= 0 and min(shown) < max(shown) * 0.3)
    return fig


def count_chart(target, values: pd.DataFrame, T: int) -> go.Figure:
    """Yearly counts as bars; for counts to create, the running total against the target.

    Each year's new count is written under its year, the running total above its point: two numbers
    never stand on each other.
    """
    fig = go.Figure()
    unit = target.unit or ""
    start = min(values["year"].tolist() + [config.PLAN_START_YEAR])
    notes = {int(r.year): f"{'新增' if target.kind == 'count_cumulative' else ''}{formats.count(r.value)}" for r in values.itertuples()}
    cumulative = target.kind == "count_cumulative"
    fig.add_trace(go.Bar(x=values["year"], y=values["value"], name="当年新增" if cumulative else "当年数量",
                         marker_color="#9DC3E6", width=0.5,
                         text=None if cumulative else [formats.count(v) for v in values["value"]],
                         textposition="outside", textfont=dict(size=14),
                         customdata=_hover_points(values, unit), hovertemplate="%{customdata}<extra></extra>"))
    shown = list(values["value"]) + [target.target_value or 0]
    if cumulative:
        start = config.BASELINE_YEAR
        run = values.dropna(subset=["cumulative_value"])
        shown += list(run["cumulative_value"])
        fig.add_trace(go.Scatter(x=run["year"], y=run["cumulative_value"], mode="lines+markers+text", name="累计",
                                 line=dict(color="#1F4E79", width=3), marker=dict(size=9), textfont=dict(size=14),
                                 text=[f"累计{formats.count(v)}" for v in run["cumulative_value"]], textposition="top center"))
        fig.add_trace(go.Scatter(x=[config.PLAN_START_YEAR - 0.5, T + 0.5], y=[target.target_value] * 2, mode="lines",
                                 line=dict(color=TARGET_COLOUR, dash="dash", width=2), name=f"目标：{T}年累计{formats.count(target.target_value, unit)}"))
        fig.add_trace(go.Scatter(x=[config.BASELINE_YEAR, T], y=[0, target.target_value], mode="lines",
                                 line=dict(color=PATH_COLOUR, dash="dot", width=2), name="按期所需累计"))
        end = max(T, start)
    else:
        fig.add_trace(go.Scatter(x=[start - 0.5, config.PLAN_END_YEAR + 0.5], y=[target.target_value] * 2, mode="lines",
                                 line=dict(color=TARGET_COLOUR, dash="dash", width=2),
                                 name=f"目标 {describe_goal(target)}"))
        end = config.PLAN_END_YEAR
    _year_axis(fig, start, end, T if cumulative else None, notes if cumulative else None)
    _value_axis(fig, [v * 1.1 for v in shown], unit, from_zero=True, integer=True)  # room above for the labels
    return fig


def structure_chart(target, shares: pd.DataFrame) -> go.Figure:
    """100% stacked bars per year beside the target structure; each part's share written as every view writes the
    structure (pipelines/core/formats.py), its count and unit beside it; the axis says what is counted."""
    parts = parts_of(target.ratio_parts) or []
    fig = go.Figure()
    palette_ = ["#1F4E79", "#5B9BD5", "#BDD7EE", "#DDEBF7"]
    first = shares.drop_duplicates("part_no").sort_values("part_no") if len(shares) else shares
    full = first["part_name"].tolist() if len(shares) else []
    names = [n.replace("中小学专业技术", "").replace("核定数", "") for n in full] or [f"第{i + 1}部分" for i in range(len(parts))]
    unit = str(first["part_unit"].iloc[0]) if len(shares) and "part_unit" in first and present(first["part_unit"].iloc[0]) else ""
    years = sorted(shares["year"].unique().tolist()) if len(shares) else []
    written = {y: formats.structure_parts(shares[shares["year"] == y].sort_values("part_no")["share_of_ten"], parts,
                                          target.comparator) for y in years}
    categories = [f"{y}年" for y in years] + ["目标"]
    for i, p in enumerate(parts):
        part = shares[shares["part_no"] == i + 1].sort_values("year") if len(shares) else pd.DataFrame(columns=["share_of_ten", "count"])
        x = [float(v) for v in part["share_of_ten"]] + [p]
        counts = [formats.count(c, unit) for c in part["count"]] + ["—"]
        text = [f"{written[y][i]}（{c}）" for y, c in zip(years, counts)] + [f"{p:.1f}"]
        fig.add_trace(go.Bar(
            y=categories, x=x, orientation="h", name=names[i] if i < len(names) else f"第{i + 1}部分",
            marker_color=palette_[i % len(palette_)], text=text, textposition="inside",
            insidetextanchor="middle", textfont=dict(color="white" if i == 0 else INK, size=14),
            customdata=[*(written[y][i] for y in years), f"{p:.1f}"],
            hovertemplate="%{y}：%{text}<extra>" + (names[i] if i < len(names) else "") + "</extra>",
        ))
    fig.update_layout(barmode="stack", legend_traceorder="normal", uniformtext=dict(minsize=11, mode="hide"))
    fig.update_xaxes(range=[0, 10], title_text=structure_axis_title(full, unit), dtick=1, gridcolor=GRID)
    fig.update_yaxes(categoryorder="array", categoryarray=list(reversed(categories)))
    return fig


def structure_axis_title(part_names: list[str], unit: str) -> str:
    """各部分占比（合计为10）；括号内为在校生数（人） — what a structure's parts count, from their names (the words they
    share: 在校生数, 招生数, 岗位核定数) and their unit."""
    common = ""
    if len(part_names) > 1:
        reversed_names = [n[::-1] for n in part_names]
        common = os.path.commonprefix(reversed_names)[::-1].lstrip("级")
    counted = f"；括号内为{common or '数量'}" + (f"（{unit}）" if unit else "")
    return f"各部分占比（合计为10）{counted}"


def milestone_chart(target, values: pd.DataFrame, T: int) -> go.Figure:
    """An acceptance (or a building project) as a dated timeline: each year's report, the year it is due."""
    fig = go.Figure()
    project = target.kind == "project"
    required = float(target.target_value) if project else 1.0
    reached = values["value"] >= required
    passed = values[reached]
    words = [stage(v) if project else ("是（通过）" if v >= 1 else "否") for v in values["value"]]
    fig.add_trace(go.Scatter(
        x=values["year"], y=[1] * len(values), mode="markers+text",
        marker=dict(size=22, symbol=["circle" if r else "circle-open" for r in reached],
                    color=[palette.STATUS_COLOURS["met"] if r else "#999" for r in reached], line=dict(width=3)),
        text=words, textposition="top center", name="填报情况",
        customdata=_hover_points(values, "", words), hovertemplate="%{customdata}<extra></extra>",
    ))
    due = f"{T}年底前{config.PROJECT_GOALS[int(required)]}" if project else f"{T}年验收"
    fig.add_trace(go.Scatter(x=[T], y=[1], mode="markers+text", marker=dict(size=26, symbol="star", color=TARGET_COLOUR),
                             text=[due], textposition="bottom center", name="期限" if project else "验收年份"))
    start = min(values["year"].tolist() + [config.PLAN_START_YEAR])
    _year_axis(fig, start, max(T, config.PLAN_END_YEAR), T)
    fig.update_yaxes(visible=False, range=[0.5, 1.6])
    if len(passed):
        fig.add_vrect(x0=int(passed["year"].iloc[0]) - 0.4, x1=int(passed["year"].iloc[0]) + 0.4,
                      fillcolor=palette.STATUS_COLOURS["met"], opacity=0.15, line_width=0)
    return fig
