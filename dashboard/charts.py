"""Plotly figures fit for a briefing slide: Chinese title with the as-of year, a source line, 16:9."""

import math
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from pipelines import config
from pipelines.describe import describe_latest, describe_target, describe_year, number, parts_of, present

FONT = "Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, PingFang SC, SimHei, sans-serif"
SLIDE_WIDTH, SLIDE_HEIGHT, SLIDE_SCALE = 1280, 720, 1.5  # the camera button saves 1920×1080
BASE_FONT = 15
GRID = "#E5E5E5"
INK = "#333333"
TARGET_COLOUR = "#222222"
PATH_COLOUR = "#7F7F7F"
MILESTONE_YEARS = config.MILESTONE_YEARS


PLAN_SOURCE = "数据来源：《敖汉旗推动教育高质量发展实施方案》附件工作任务清单"
# The annotations that frame a chart on its own (source line, 示例数据 mark): a slide or a report page that
# carries its own leaves them out (dashboard/placement.py).
FRAME_ANNOTATIONS = ("source-line", "demo-mark")


def source_line(demo: bool, source: str = config.SOURCE_LINE) -> str:
    return source + (f"；{config.DEMO_LABEL}" if demo else "")


def style(fig: go.Figure, title: str, as_of: int | None, demo: bool, height: int | None = None,
          subtitle: str | None = None, source: str = config.SOURCE_LINE) -> go.Figure:
    """Title (with the as-of year), source line, fonts and margins for a slide."""
    sub = "；".join(x for x in (f"评估年度：{as_of}年" if as_of else None, subtitle) if x)
    fig.update_layout(
        title=dict(text=f"<b>{title}</b>", subtitle=dict(text=sub, font=dict(size=15, color="#555")),
                   x=0.01, xanchor="left", y=0.985, yanchor="top", yref="container", font=dict(size=22, color=INK)),
        font=dict(family=FONT, size=BASE_FONT, color=INK),
        template="plotly_white",
        margin=dict(l=20, r=30, t=120, b=90),
        legend=dict(orientation="h", yanchor="bottom", y=1.01, x=0, xanchor="left", font=dict(size=14),
                    bgcolor="rgba(255,255,255,0)"),
        hoverlabel=dict(font=dict(family=FONT, size=14)),
        paper_bgcolor="white",
        plot_bgcolor="white",
    )
    if height:
        fig.update_layout(height=height)
    fig.add_annotation(
        text=source_line(demo, source), xref="paper", yref="paper", x=0, y=0, yshift=-fig.layout.margin.b + 4,
        xanchor="left", yanchor="bottom", showarrow=False, font=dict(size=13, color="#666"), name="source-line",
    )
    if demo:
        fig.add_annotation(
            text=config.DEMO_LABEL, xref="paper", yref="paper", x=1, y=1.0, yshift=100, xanchor="right", yanchor="top",
            showarrow=False, font=dict(size=16, color="#B00020"), bordercolor="#B00020", borderwidth=1.5, borderpad=4,
            name="demo-mark",
        )
    return fig


def chart_config(filename: str) -> dict:
    """Plotly's toolbar: the camera button saves a PNG at slide resolution."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": filename, "width": SLIDE_WIDTH,
                                 "height": SLIDE_HEIGHT, "scale": SLIDE_SCALE},
        "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
    }


# The target-gap chart.


def progress_of(row) -> tuple[float | None, float | None]:
    """(progress toward the target in %, where the required path stands now in %) for one target."""
    status = row.status
    if status in ("no_data", "year_no_data", "not_due"):
        return None, None
    met = status in config.MET_STATUSES
    x, v, b = row.target_value, row.latest_value, row.baseline_value
    kind = row.kind
    if kind == "milestone":
        return (100.0 if met else 0.0), None
    if kind == "trend" or not present(v):
        return (100.0 if met or status in ("year_met", "on_track") else 0.0), None
    if status in ("year_met", "year_missed", "round_met", "round_missed"):
        # A standing rule: how much of this year's requirement is met (a distance for a structure).
        if kind == "ratio" and row.comparator == "=":
            return (100.0 if met else max(0.0, 100.0 * (1 - (v - config.RATIO_TOLERANCE) / config.RATIO_TOLERANCE))), None
        if kind == "ratio":
            x = parts_of(row.ratio_parts)[0]
        progress = 100.0 * v / x if x and row.comparator == ">=" else (100.0 if met else 0.0)
        return (max(progress, 100.0) if met else min(progress, 99.0)), None
    T = int(row.target_year) if present(row.target_year) else config.PLAN_END_YEAR
    if kind == "ratio" and row.comparator == "=":
        x = config.RATIO_TOLERANCE  # latest and baseline are distances from the target structure
    if present(b) and not math.isclose(x, b):
        progress = 100.0 * (v - b) / (x - b)
    elif row.comparator == ">=" and x:
        progress = 100.0 * v / x
    else:
        progress = 100.0 if met else 0.0
    if met:
        progress = max(progress, 100.0)
    expected = None
    if present(row.baseline_year) and present(row.latest_year) and T > row.baseline_year:
        expected = max(0.0, min(100.0, 100.0 * (row.latest_year - row.baseline_year) / (T - row.baseline_year)))
    return progress, expected


def target_label(row, width: int = 26) -> str:
    name = row.indicator_name.replace("（当年新增）", "")
    text = describe_target(row.kind, row.comparator, row.target_value, row.unit, parts_of(row.ratio_parts), row.basis)
    label = f"{name}　{text}"
    return label if len(label) <= width else label[: width - 1] + "…"


MAX_BARS = 20  # a 16:9 slide holds about this many labelled bars


def gap_chunks(frame: pd.DataFrame, max_bars: int = MAX_BARS) -> list[tuple[str, pd.DataFrame]]:
    """The targets in slide-sized groups: by section, a long section split between its key tasks."""
    chunks = []
    for section, part in frame.groupby("section_no", sort=True):
        name = f"{config.SECTION_NUMERALS[section - 1]}、{part['section_title'].iloc[0]}"
        groups, current = [], []
        for _, block in part.groupby("key_task_no", sort=True):
            if current and sum(len(b) for b in current) + len(block) > max_bars:
                groups.append(current)
                current = []
            current.append(block)
        groups.append(current)
        for blocks in groups:
            sub = pd.concat(blocks)
            keys = sorted(sub["key_task_no"].unique())
            suffix = "" if len(groups) == 1 else f"（重点任务{keys[0]}—{keys[-1]}）" if len(keys) > 1 else f"（重点任务{keys[0]}）"
            chunks.append((name + suffix, sub))
    return chunks


def gap_chart(frame: pd.DataFrame, as_of: int, demo: bool, title: str) -> go.Figure:
    """Targets as bullets: progress from the baseline (0%) to the target (100%), coloured by status, with
    a tick where the required path stands in the latest year."""
    frame = frame.copy()
    pairs = [progress_of(r) for r in frame.itertuples()]
    frame["progress"] = [p for p, _ in pairs]
    frame["expected"] = [e for _, e in pairs]
    frame["label"] = [f"{r.target_id}　{target_label(r)}" for r in frame.itertuples()]
    frame["shown"] = frame["progress"].clip(-20, 130)
    order = list(reversed(frame["label"].tolist()))
    fig = go.Figure()
    fig.add_trace(go.Bar(x=[100] * len(frame), y=frame["label"], orientation="h", marker_color="#EFEFEF",
                         hoverinfo="skip", showlegend=False, width=0.8))
    for status in config.STATUS_LABELS:
        rows = frame[frame["status"] == status]
        if rows.empty:
            continue
        x = rows["shown"].fillna(2)
        fig.add_trace(go.Bar(
            x=x, y=rows["label"], orientation="h", width=0.55,
            marker=dict(color=config.STATUS_COLOURS[status], line=dict(color="#555", width=0.5)),
            name=config.STATUS_LABELS[status], customdata=[_hover(r) for r in rows.itertuples()],
            hovertemplate="%{customdata}<extra></extra>",
        ))
    ticks = frame.dropna(subset=["expected"])
    if len(ticks):
        fig.add_trace(go.Scatter(
            x=ticks["expected"], y=ticks["label"], mode="markers", name="按期应达进度",
            marker=dict(symbol="line-ns", size=20, line=dict(width=3, color=TARGET_COLOUR)),
            hovertemplate="按期应达进度 %{x:.0f}%<extra></extra>"))
    fig.add_vline(x=100, line=dict(color=TARGET_COLOUR, width=1.5, dash="dot"))
    fig.update_yaxes(categoryorder="array", categoryarray=order, tickfont=dict(size=14))
    fig.update_xaxes(range=[-22, 132], ticksuffix="%", gridcolor=GRID, tickvals=[0, 25, 50, 75, 100, 125],
                     title_text="自基线（0%）至目标（100%）的进展", title_font=dict(size=14))
    fig.update_layout(barmode="overlay", bargap=0.25)
    return style(fig, title, as_of, demo, height=SLIDE_HEIGHT,
                 subtitle="条形为已取得的进展，竖线为按期应达到的位置，颜色为状态")


def _hover(row) -> str:
    target = describe_target(row.kind, row.comparator, row.target_value, row.unit, parts_of(row.ratio_parts), row.basis)
    latest = describe_latest(row)
    lines = [
        f"<b>{row.target_id} {row.indicator_name}</b>",
        f"目标：{target}（{describe_year(row)}）",
        f"基线：{number(row.baseline_value, row.unit)}" + (f"（{int(row.baseline_year)}）" if present(row.baseline_year) else ""),
        f"最新：{latest}" + (f"（{int(row.latest_year)}）" if present(row.latest_year) else ""),
        f"状态：{row.status_label}",
        f"牵头：{row.lead_unit}",
    ]
    if present(row.detail) and row.detail:
        lines.append(str(row.detail)[:60])
    return "<br>".join(lines)


# One indicator over the years.


def _milestone_marks(fig: go.Figure, years: list[int]) -> None:
    for y in MILESTONE_YEARS:
        if years and min(years) - 1 <= y <= max(max(years), config.PLAN_END_YEAR):
            fig.add_vline(x=y, line=dict(color="#BBBBBB", width=1, dash="dash"))
            fig.add_annotation(x=y, y=1.0, yref="paper", text=f"{y}", showarrow=False, yshift=10,
                               font=dict(size=12, color="#777"))


def _year_axis(fig: go.Figure, start: int, end: int) -> None:
    fig.update_xaxes(range=[start - 0.5, end + 0.5], dtick=1, tickformat="d", gridcolor=GRID, title_text="年度")
    fig.update_yaxes(gridcolor=GRID)


def _hover_points(values: pd.DataFrame, unit: str) -> list[str]:
    out = []
    for r in values.itertuples():
        parts = [f"<b>{r.year}年：{number(r.value, unit)}</b>"]
        if present(r.note) and r.note:
            parts.append(f"备注：{r.note}")
        if present(r.file_name):
            parts.append(f"来源：{r.file_name}（{r.reported_by}）")
        if r.derivation == "derived":
            parts.append("由分子、分母计算")
        if r.is_demo:
            parts.append(config.DEMO_LABEL)
        out.append("<br>".join(parts))
    return out


def indicator_chart(target, values: pd.DataFrame, as_of: int, demo: bool, shares: pd.DataFrame | None = None) -> go.Figure:
    """The right chart for the target's kind."""
    title = f"{target.indicator_name.replace('（当年新增）', '')}"
    goal = describe_target(target.kind, target.comparator, target.target_value, target.unit, parts_of(target.ratio_parts), target.basis)
    T = int(target.target_year) if present(target.target_year) else config.PLAN_END_YEAR
    subtitle = f"目标：{goal}（{T}年）；状态：{target.status_label}"
    kind = target.kind
    if kind == "ratio":
        return style(structure_chart(target, shares if shares is not None else pd.DataFrame()), title, as_of, demo, 560, subtitle)
    if kind == "milestone":
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
    if target.kind != "trend" and present(target.target_value):
        fig.add_trace(go.Scatter(x=[start - 0.5, config.PLAN_END_YEAR + 0.5], y=[target.target_value] * 2, mode="lines",
                                 line=dict(color=TARGET_COLOUR, width=2, dash="dash"),
                                 name=f"目标 {describe_target(target.kind, target.comparator, target.target_value, unit)}"))
    if present(target.baseline_value) and present(target.baseline_year) and present(target.target_value) and target.kind != "trend" and T > target.baseline_year:
        fig.add_trace(go.Scatter(x=[target.baseline_year, T], y=[target.baseline_value, target.target_value], mode="lines",
                                 line=dict(color=PATH_COLOUR, width=2, dash="dot"), name="按期所需路径"))
    if present(target.projected_value) and present(target.latest_year):
        fig.add_trace(go.Scatter(x=[target.latest_year, T], y=[target.latest_value, target.projected_value], mode="lines",
                                 line=dict(color=config.STATUS_COLOURS[target.status], width=2, dash="dashdot"),
                                 name=f"按当前速度推算（{T}年约{number(target.projected_value, unit)}）"))
    fig.add_trace(go.Scatter(
        x=values["year"], y=values["value"], mode="lines+markers+text", name="实际值",
        line=dict(color="#1F4E79", width=3), marker=dict(size=10),
        text=[number(v, unit) for v in values["value"]], textposition="top center", textfont=dict(size=13),
        customdata=_hover_points(values, unit), hovertemplate="%{customdata}<extra></extra>",
    ))
    _year_axis(fig, start, config.PLAN_END_YEAR)
    if unit:
        fig.update_yaxes(title_text=unit)
    if target.kind == "rank":
        fig.update_yaxes(autorange="reversed", title_text="全市位次（1为最好）", dtick=1)
    _milestone_marks(fig, years)
    return fig


def count_chart(target, values: pd.DataFrame, T: int) -> go.Figure:
    """Yearly counts as bars; for counts to create, the running total against the target."""
    fig = go.Figure()
    unit = target.unit or ""
    fig.add_trace(go.Bar(x=values["year"], y=values["value"], name="当年数量", marker_color="#9DC3E6", width=0.5,
                         text=[number(v) if v else "" for v in values["value"]], textposition="outside",
                         customdata=_hover_points(values, unit), hovertemplate="%{customdata}<extra></extra>"))
    start = min(values["year"].tolist() + [config.PLAN_START_YEAR])
    if target.kind == "count_cumulative":
        start = config.BASELINE_YEAR
        run = values.dropna(subset=["cumulative_value"])
        fig.add_trace(go.Scatter(x=run["year"], y=run["cumulative_value"], mode="lines+markers+text", name="累计",
                                 line=dict(color="#1F4E79", width=3), marker=dict(size=9),
                                 text=[number(v) for v in run["cumulative_value"]], textposition="top left"))
        fig.add_trace(go.Scatter(x=[config.PLAN_START_YEAR - 0.5, T + 0.5], y=[target.target_value] * 2, mode="lines",
                                 line=dict(color=TARGET_COLOUR, dash="dash", width=2), name=f"目标：{T}年累计{number(target.target_value, unit)}"))
        fig.add_trace(go.Scatter(x=[config.BASELINE_YEAR, T], y=[0, target.target_value], mode="lines",
                                 line=dict(color=PATH_COLOUR, dash="dot", width=2), name="按期所需累计"))
        end = max(T, start)
    else:
        fig.add_trace(go.Scatter(x=[start - 0.5, config.PLAN_END_YEAR + 0.5], y=[target.target_value] * 2, mode="lines",
                                 line=dict(color=TARGET_COLOUR, dash="dash", width=2),
                                 name=f"每年目标 {describe_target(target.kind, target.comparator, target.target_value, unit, basis=target.basis)}"))
        end = config.PLAN_END_YEAR
    _year_axis(fig, start, end)
    top = max([*values["value"].dropna(), *values["cumulative_value"].dropna(), target.target_value or 0, 1])
    fig.update_yaxes(title_text=unit, rangemode="tozero", dtick=max(1, math.ceil(top / 6)), tickformat=",d")
    _milestone_marks(fig, values["year"].tolist())
    return fig


def structure_chart(target, shares: pd.DataFrame) -> go.Figure:
    """100% stacked bars per year beside the target structure."""
    parts = parts_of(target.ratio_parts) or []
    fig = go.Figure()
    palette = ["#1F4E79", "#5B9BD5", "#BDD7EE", "#DDEBF7"]
    names = shares.drop_duplicates("part_no").sort_values("part_no")["part_name"].tolist() if len(shares) else []
    names = [n.replace("中小学专业技术", "").replace("核定数", "") for n in names] or [f"第{i + 1}部分" for i in range(len(parts))]
    years = sorted(shares["year"].unique().tolist()) if len(shares) else []
    categories = [f"{y}年" for y in years] + ["目标"]
    for i, p in enumerate(parts):
        part = shares[shares["part_no"] == i + 1] if len(shares) else pd.DataFrame(columns=["share_of_ten", "count"])
        x = [float(v) for v in part["share_of_ten"]] + [p]
        counts = [f"{number(c)}" for c in part["count"]] + ["—"]
        fig.add_trace(go.Bar(
            y=categories, x=x, orientation="h", name=names[i] if i < len(names) else f"第{i + 1}部分",
            marker_color=palette[i % len(palette)], text=[f"{v:.1f}" for v in x], textposition="inside",
            insidetextanchor="middle", textfont=dict(color="white" if i == 0 else INK, size=14),
            customdata=counts, hovertemplate="%{y}：%{x:.2f}（数量 %{customdata}）<extra>" + (names[i] if i < len(names) else "") + "</extra>",
        ))
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_xaxes(range=[0, 10], title_text="占比（合计为10）", dtick=1, gridcolor=GRID)
    fig.update_yaxes(categoryorder="array", categoryarray=list(reversed(categories)))
    return fig


def milestone_chart(target, values: pd.DataFrame, T: int) -> go.Figure:
    """An acceptance as a dated timeline: each year's report, the year it is due."""
    fig = go.Figure()
    passed = values[values["value"] >= 1]
    fig.add_trace(go.Scatter(
        x=values["year"], y=[1] * len(values), mode="markers+text",
        marker=dict(size=22, symbol=["circle" if v >= 1 else "circle-open" for v in values["value"]],
                    color=[config.STATUS_COLOURS["met"] if v >= 1 else "#999" for v in values["value"]], line=dict(width=3)),
        text=["已通过" if v >= 1 else "未通过" for v in values["value"]], textposition="top center", name="填报情况",
        customdata=_hover_points(values, ""), hovertemplate="%{customdata}<extra></extra>",
    ))
    fig.add_trace(go.Scatter(x=[T], y=[1], mode="markers+text", marker=dict(size=26, symbol="star", color=TARGET_COLOUR),
                             text=[f"{T}年验收"], textposition="bottom center", name="验收年份"))
    start = min(values["year"].tolist() + [config.PLAN_START_YEAR])
    _year_axis(fig, start, max(T, config.PLAN_END_YEAR))
    fig.update_yaxes(visible=False, range=[0.5, 1.6])
    if len(passed):
        fig.add_vrect(x0=int(passed["year"].iloc[0]) - 0.4, x1=int(passed["year"].iloc[0]) + 0.4,
                      fillcolor=config.STATUS_COLOURS["met"], opacity=0.15, line_width=0)
    return fig


# The task ledger and the units.


def timeline_chart(milestones: pd.DataFrame, today: date, as_of: int, demo: bool) -> go.Figure:
    """Dated milestones 2023–2030, one row per task, coloured by its reported state, today marked."""
    fig = go.Figure()
    states = [("已完成", "#009E73"), ("逾期未完成", "#D55E00"), ("未到期", "#56B4E9")]
    for state, colour in states:
        part = milestones[milestones["state"] == state]
        if part.empty:
            continue
        fig.add_trace(go.Scatter(
            x=part["due_date"], y=part["label"], mode="markers", name=state,
            marker=dict(size=13, color=colour, symbol="diamond", line=dict(width=1, color="#333")),
            customdata=part["hover"], hovertemplate="%{customdata}<extra></extra>",
        ))
    fig.add_vline(x=pd.Timestamp(today).value / 1e6, line=dict(color="#B00020", width=2, dash="dash"))
    fig.add_annotation(x=pd.Timestamp(today), y=1, yref="paper", text=f"今天 {today:%Y-%m-%d}", showarrow=False,
                       yshift=12, font=dict(color="#B00020", size=13))
    fig.update_xaxes(range=[pd.Timestamp("2023-01-01"), pd.Timestamp("2031-01-31")], dtick="M12", tickformat="%Y年",
                     gridcolor=GRID)
    order = list(dict.fromkeys(milestones.sort_values(["first_due", "task_no"])["label"]))
    fig.update_yaxes(categoryorder="array", categoryarray=list(reversed(order)), tickfont=dict(size=12))
    return style(fig, "任务完成时限与完成情况", as_of, demo, height=max(380, 140 + 22 * len(order)))


def units_matrix(matrix: pd.DataFrame, as_of: int | None, demo: bool) -> go.Figure:
    """Units × key tasks: 牵 (lead), 责 (responsible)."""
    z = matrix.replace({"牵": 2, "责": 1, "": 0}).astype(float).values
    fig = go.Figure(go.Heatmap(
        z=z, x=[f"（{c}）" for c in matrix.columns], y=matrix.index.tolist(), text=matrix.values, texttemplate="%{text}",
        textfont=dict(size=12, color=INK), colorscale=[[0, "#FFFFFF"], [0.34, "#FFFFFF"], [0.34, "#DEEBF7"],
                                                        [0.67, "#DEEBF7"], [0.67, "#8FBCE6"], [1, "#8FBCE6"]],
        zmin=0, zmax=2, showscale=False, xgap=1, ygap=1,
        hovertemplate="%{y} × 重点任务%{x}：%{text}<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed", tickfont=dict(size=12))
    fig.update_xaxes(side="top", tickfont=dict(size=11), tickangle=0)
    return style(fig, "单位 × 重点任务：牵头（牵）与负责（责）", None, False, height=max(520, 150 + 24 * len(matrix)),
                 source=PLAN_SOURCE)


def completeness_chart(frame: pd.DataFrame, as_of: int, demo: bool) -> go.Figure:
    """Workbooks received per unit and year: the reporting-completeness view."""
    wide = frame.pivot(index="unit", columns="year", values="received")
    text = wide.map(lambda v: "" if v != v else ("缺报" if v == 0 else ("已报" if v == 1 else f"已报×{int(v)}")))
    z = wide.map(lambda v: float("nan") if v != v else (0.0 if v == 0 else 1.0))
    fig = go.Figure(go.Heatmap(
        z=z.values, x=[f"{c}年" for c in wide.columns], y=wide.index.tolist(), text=text.values, texttemplate="%{text}",
        colorscale=[[0, "#F4B183"], [0.5, "#F4B183"], [0.5, "#A9D18E"], [1, "#A9D18E"]], zmin=0, zmax=1,
        showscale=False, xgap=2, ygap=2, hovertemplate="%{y} %{x}：%{text}<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(side="top")
    return style(fig, "各单位年度工作簿报送情况", as_of, demo, height=max(300, 140 + 40 * len(wide)))
