"""Slide-ready figures of acceptance readiness: title, as-of year, source line, 示例数据 mark, the caveat."""

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from pipelines import config, formats, palette
from pipelines.describe import number
from pipelines.schools import settings as s

from .charts import GRID, SLIDE_HEIGHT, TARGET_COLOUR, style

SOURCE = f"{s.SOURCE_LINE}；评估标准{s.CAVEAT}"
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#7F7F7F"]
GROUP_COLOURS = {group: palette.CLASS_COLOURS[k] for group, k in palette.READINESS_CLASSES.items()}


def years_axis(fig: go.Figure, end: int, **where) -> None:
    fig.update_xaxes(range=[config.BASELINE_YEAR - 0.5, end + 0.5], dtick=1, tickformat="d", gridcolor=GRID, **where)


def dispersion_chart(frame: pd.DataFrame, as_of: int, demo: bool, acceptance_year: int) -> go.Figure:
    """Each indicator's 校际差异系数 over the years, 小学 and 初中 side by side, against the stage's limit."""
    stages = [stage for stage in s.JUDGED_STAGES if stage in set(frame["stage"])] or list(s.JUDGED_STAGES)
    fig = make_subplots(rows=1, cols=len(stages), shared_yaxes=True, horizontal_spacing=0.05)
    top = max([0.6, *frame["cv"].dropna(), *frame["cv_limit"].dropna()]) * 1.15
    for col, stage in enumerate(stages, start=1):
        part = frame[frame["stage"] == stage]
        for i, (short, rows) in enumerate(part.groupby("short", sort=False)):
            rows = rows.sort_values("year")
            above = bool((rows["cv"] > rows["cv_limit"]).iloc[-1])
            fig.add_trace(go.Scatter(
                x=rows["year"], y=rows["cv"], mode="lines+markers" + ("+text" if above else ""), name=short,
                legendgroup=short, showlegend=col == 1, line=dict(color=PALETTE[i % len(PALETTE)], width=4 if above else 2),
                marker=dict(size=9 if above else 6), textposition="top center",
                # the first and the latest value only: every year's label collides on a phone's narrow panel
                text=[formats.coefficient(v, (lim,), "<=") if k in (0, len(rows) - 1) else ""
                      for k, (v, lim) in enumerate(zip(rows["cv"], rows["cv_limit"]))],
                textfont=dict(size=13, color=PALETTE[i % len(PALETTE)]),
                hovertemplate=f"{stage} {short}<br>%{{x}}年：%{{y:.3f}}<extra></extra>",
            ), row=1, col=col)
        limit = float(part["cv_limit"].iloc[0]) if len(part) else None
        if limit is not None:
            fig.add_hline(y=limit, line=dict(color=TARGET_COLOUR, dash="dash", width=2), row=1, col=col,
                          annotation_text=f"上限 {limit:.2f}", annotation_position="top left",
                          annotation_font=dict(size=13))
        axis = "" if col == 1 else str(col)
        fig.add_annotation(x=0.01, y=0.99, xref=f"x{axis} domain", yref=f"y{axis} domain", text=f"<b>{stage}</b>",
                           showarrow=False, xanchor="left", yanchor="top", font=dict(size=17))
        years_axis(fig, max(acceptance_year, as_of), row=1, col=col)
        fig.add_vline(x=acceptance_year, line=dict(color="#BBBBBB", dash="dot"), row=1, col=col)
    fig.update_yaxes(range=[0, top], gridcolor=GRID, title_text="差异系数", row=1, col=1)
    return style(fig, "义务教育优质均衡：资源配置7项指标的校际差异系数", as_of, demo, height=SLIDE_HEIGHT,
                 subtitle=f"按在校生数加权；虚线为上限，粗线为高于上限的指标；{acceptance_year}年验收", source=SOURCE)


def readiness_chart(frame: pd.DataFrame, title: str, as_of: int, demo: bool) -> go.Figure:
    """The scheme's criteria by part: how many are met, on track, behind, or without data."""
    parts = list(dict.fromkeys(frame["part"]))
    fig = go.Figure()
    for group, label in s.READINESS_GROUP_LABELS.items():
        counts = [int(((frame["part"] == p) & (frame["status_group"] == group)).sum()) for p in parts]
        klass = palette.READINESS_CLASSES[group]
        fig.add_trace(go.Bar(y=parts, x=counts, orientation="h", name=palette.class_tag(klass, label),
                             marker_color=GROUP_COLOURS[group], marker_line=dict(color=palette.EDGE, width=0.6),
                             text=[c if c else "" for c in counts], textposition="inside",
                             textfont=dict(size=16, color=palette.ink(GROUP_COLOURS[group])),
                             hovertemplate="%{y}：" + label + " %{x}项<extra></extra>"))
    fig.update_layout(barmode="stack", bargap=0.35)
    fig.update_yaxes(categoryorder="array", categoryarray=list(reversed(parts)), tickfont=dict(size=16))
    fig.update_xaxes(title_text="标准项数", gridcolor=GRID, dtick=5)
    fig = style(fig, title, as_of, demo, height=SLIDE_HEIGHT,
                subtitle="按期可达：按已填报年度的进展速度，验收年可达到标准", source=SOURCE)
    fig.update_layout(margin=dict(l=40 + 17 * max(len(p) for p in parts)))  # the parts' names in full
    return fig


def shares_chart(series: pd.DataFrame, floors: dict[str, float], plan: dict[str, tuple[float, int]], as_of: int,
                 demo: bool, acceptance_year: int) -> go.Figure:
    """Kindergarten shares over the years against the national floors (dashed) and the plan's targets (dotted)."""
    fig = go.Figure()
    means = series.groupby("name", sort=False)["value"].mean()
    for i, (name, rows) in enumerate(series.groupby("name", sort=False)):
        colour = PALETTE[i % len(PALETTE)]
        rows = rows.sort_values("year")
        # The highest line's values above it, the others' below: two labels never share the gap between lines.
        above = means.get(name) == means.max()
        fig.add_trace(go.Scatter(x=rows["year"], y=rows["value"], mode="lines+markers+text", name=name,
                                 line=dict(color=colour, width=3), marker=dict(size=9),
                                 text=[number(v, "%") for v in rows["value"]],
                                 textposition="top center" if above else "bottom center",
                                 textfont=dict(size=13, color=colour),
                                 hovertemplate=f"{name}<br>%{{x}}年：%{{y:.1f}}%<extra></extra>"))
        if name in floors:
            fig.add_trace(go.Scatter(x=[config.BASELINE_YEAR - 0.5, acceptance_year + 0.5], y=[floors[name]] * 2,
                                     mode="lines", line=dict(color=colour, dash="dash", width=1.5), showlegend=False,
                                     hovertemplate=f"国家标准 ≥{floors[name]:g}%<extra></extra>"))
            fig.add_annotation(x=acceptance_year + 0.45, y=floors[name], text=f"国家≥{floors[name]:g}%", showarrow=False,
                               xanchor="right", yanchor="bottom", font=dict(size=12, color=colour))
        if name in plan:
            value, year = plan[name]
            fig.add_trace(go.Scatter(x=[year], y=[value], mode="markers+text", marker=dict(symbol="star", size=16,
                                     color=colour, line=dict(width=1, color="#333")), text=[f"方案{year}年≥{value:g}%"],
                                     textposition="middle right", textfont=dict(size=12, color=colour), showlegend=False,
                                     cliponaxis=False,
                                     hovertemplate=f"实施方案目标：{year}年≥{value:g}%<extra></extra>"))
    fig.add_vline(x=acceptance_year, line=dict(color="#BBBBBB", dash="dot"))
    years_axis(fig, acceptance_year)
    low = min([40.0, *series["value"].dropna()]) - 5
    fig.update_yaxes(range=[low, 100], ticksuffix="%", gridcolor=GRID)
    return style(fig, "学前教育普及普惠：毛入园率与普惠、公办占比", as_of, demo, height=SLIDE_HEIGHT,
                 subtitle=f"虚线为国家标准，星号为实施方案目标；{acceptance_year}年验收", source=SOURCE)
