"""Pages on a 390 px phone (issue 21, item 7): charts re-laid for the phone's width, not squeezed; tables whose
toolbar has room of its own; metric cards two a row.

Streamlit does not tell the server how wide the screen is. A chart is therefore drawn twice, laid out for a laptop and
for a phone, and a CSS container query on the main column shows the one that fits (views.WIDTH_SWITCH_CSS, as
总览's target-gap charts do). The phone's layout is made from the page's figure (for_phone): fewer year ticks and
all of them horizontal, the target year kept; the legend as a list below the chart, above the source line; value
labels on the first and the latest point only, never clipped; side-by-side panels one above the other; long
category names above their bars; axis titles wrapped to the width.
"""

import math
from collections import OrderedDict

import plotly.graph_objects as go
import streamlit as st

from pipelines.core import config
from reports import charts, text_layout

from . import views
from .ui import chart as page_chart

WIDTH = charts.PHONE_PAGE_WIDTH
EXPANDER_WIDTH = WIDTH - 34  # px inside an expander (its border and padding taken off)
TICK_FONT = 13
MIN_TICK_GAP = 46  # px between the centres of two year labels (a year is about 29 px wide at 13 px)
LEGEND_ROW = 22  # px a legend entry takes
SOURCE_ROOM = 26  # px for the source line at the foot
LABEL_ROOM = 22  # px above a bar for its category's name
MILESTONE_YEARS = config.MILESTONE_YEARS

# For every page (app.py writes it once, in the sidebar, so that it adds no space to a page).
CSS = """
<style>
@media (max-width: 640px), (hover: none) {
  /* A table's toolbar (view, download, search, full screen) is drawn 44 px above the table: room of its own, so
     that it never covers the heading, the caption or the warning above it. A margin, not a padding: a table of a
     set height has a container of that height, and a padding would push its last rows over what follows. */
  .stElementContainer:has([data-testid="stDataFrame"]) { margin-top: 40px; }
}
@media (max-width: 640px) {
  /* Metric cards two a row, not one a screen. */
  [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] [data-testid="stMetric"]) {
    flex-wrap: wrap !important; gap: 0.5rem !important; }
  [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] [data-testid="stMetric"]) > [data-testid="stColumn"] {
    flex: 1 1 calc(50% - 0.5rem) !important; min-width: calc(50% - 0.5rem) !important; width: calc(50% - 0.5rem) !important; }
  [data-testid="stMetricValue"] { font-size: 1.45rem !important; }
}
</style>
""" + views.WIDTH_SWITCH_CSS


def _years(axis) -> list[int] | None:
    """The years an x axis labels (tick values, or a range labelled every year), or None for another axis."""
    if axis.tickvals is not None:
        values = list(axis.tickvals)
        return [int(v) for v in values] if values and all(float(v).is_integer() and 1990 < v < 2100 for v in values) \
            else None
    if axis.dtick == 1 and axis.range is not None:
        low, high = axis.range
        if 1990 < low < 2100:
            return list(range(math.ceil(low), math.floor(high) + 1))
    return None


def thinned(years: list[int], px_per_year: float, keep: set[int]) -> list[int]:
    """Years far enough apart to be read side by side: the first, the last, those to keep (the target year, the
    2025/2028/2030 horizons), then as many others as fit between them."""
    gap = max(1, math.ceil(MIN_TICK_GAP / max(px_per_year, 1e-9)))
    chosen: list[int] = []
    for year in [y for y in years if y in keep or y in (years[0], years[-1])] + years:
        if year not in chosen and all(abs(year - c) >= gap for c in chosen):
            chosen.append(year)
    return sorted(chosen)


def _plot_width(fig: go.Figure, domain, width: float) -> float:
    margin = fig.layout.margin
    return (width - (margin.l or 0) - (margin.r or 0)) * (domain[1] - domain[0])


def _year_ticks(fig: go.Figure, width: float) -> None:
    """Fewer year ticks, horizontal; the target year (目标年) kept under its tick; the ticks' notes dropped (they
    are in the hover and the table below)."""
    for name in [k for k in fig.layout.to_plotly_json() if k.startswith("xaxis")]:
        axis = fig.layout[name]
        years = _years(axis)
        if not years:
            continue
        texts = dict(zip(axis.tickvals, axis.ticktext)) if axis.tickvals is not None and axis.ticktext else {}
        target = {int(y) for y, t in texts.items() if "目标年" in str(t)}
        low, high = axis.range if axis.range is not None else (years[0] - 0.5, years[-1] + 0.5)
        px_per_year = _plot_width(fig, axis.domain or (0, 1), width) / (high - low)
        shown = thinned(years, px_per_year, target | set(MILESTONE_YEARS))
        axis.update(tickmode="array", tickvals=shown, dtick=None, tickangle=0, tickfont=dict(size=TICK_FONT),
                    ticktext=[f"{y}<br><b>目标年</b>" if y in target else str(y) for y in shown])


def _value_labels(fig: go.Figure) -> None:
    """A line's value labels on its first and latest point only (every year's collides at this width), drawn even
    where they reach past the plot's edge; the year range a little wider for them."""
    labelled = False
    for trace in fig.data:
        if trace.type != "scatter" or trace.text is None or "text" not in (trace.mode or ""):
            continue
        texts = list(trace.text)
        if len(texts) > 2:
            trace.text = [t if i in (0, len(texts) - 1) else "" for i, t in enumerate(texts)]
        trace.cliponaxis = False
        labelled = True
    if not labelled:
        return
    for name in [k for k in fig.layout.to_plotly_json() if k.startswith("xaxis")]:
        axis = fig.layout[name]
        if axis.range is not None and _years(axis):
            low, high = axis.range
            axis.range = [low - 0.4, high + 0.3]


def _stacked_panels(fig: go.Figure) -> None:
    """Two panels side by side (小学 | 初中) one above the other, each the phone's width."""
    if "xaxis2" not in fig.layout or fig.layout.xaxis2.domain is None or fig.layout.xaxis2.domain[0] < 0.3:
        return
    gap = 0.1
    fig.update_layout(xaxis=dict(domain=[0, 1]), xaxis2=dict(domain=[0, 1]),
                      yaxis=dict(domain=[0.5 + gap / 2, 1]), yaxis2=dict(domain=[0, 0.5 - gap / 2], showticklabels=True))
    margin = fig.layout.margin
    plot = (fig.layout.height or 450) - (margin.t or 0) - (margin.b or 0)
    fig.update_layout(height=(fig.layout.height or 450) + plot)


def _outside_texts(bars: list, width: float) -> dict:
    """A horizontal bar's value text that would reach past the chart's right edge at this width, by category (it
    is then written under the category's name above the bar)."""
    moved = {}
    for trace in bars:
        if trace.text is None or trace.textposition not in ("outside", "auto"):
            continue
        size = (trace.textfont.size if trace.textfont and trace.textfont.size else charts.BASE_FONT)
        if max(text_layout.text_px(str(t), size) for t in trace.text) > width * 0.4:
            moved.update(zip(trace.y, (str(t) for t in trace.text)))
            trace.text = None
    return moved


def _names_above_bars(fig: go.Figure, width: float) -> None:
    """A horizontal bar chart's long category names above their bars, not beside them (where they would take
    half the width); a value text too long for the room right of its bar goes on the line under the name."""
    bars = [t for t in fig.data if t.type == "bar" and t.orientation == "h"]
    if not bars:
        return
    categories = list(dict.fromkeys(c for t in bars for c in (t.y or ())))
    moved = _outside_texts(bars, width)
    if not categories or (max(len(str(c)) for c in categories) <= 5 and not moved):
        return
    margin = fig.layout.margin
    rows = len(categories)
    lines = 2 if moved else 1
    fig.update_layout(height=(fig.layout.height or 450) + LABEL_ROOM * lines * rows, bargap=0.5, margin_l=8)
    fig.update_yaxes(showticklabels=False)
    plot = fig.layout.height - (margin.t or 0) - (margin.b or 0)
    band = plot / rows
    for c in categories:
        text = f"<b>{c}</b>" + (f"<br>{moved[c]}" if c in moved else "")
        fig.add_annotation(x=0, xref="paper", y=c, yref="y", yshift=band * 0.25 + 4, xanchor="left", yanchor="bottom",
                           text=text, align="left", showarrow=False, font=dict(size=14))


def _axis_titles(fig: go.Figure, width: float) -> None:
    for name in [k for k in fig.layout.to_plotly_json() if k.startswith(("xaxis", "yaxis"))]:
        title = fig.layout[name].title
        if title and title.text and "<br>" not in title.text:
            size = (title.font.size if title.font and title.font.size else charts.BASE_FONT)
            room = width - 40 if name.startswith("x") else (fig.layout.height or 400) * 0.6
            lines = text_layout.wrap(title.text, room, size)
            if len(lines) > 1:
                fig.layout[name].title.text = "<br>".join(lines)


def source_room(fig: go.Figure, width: float = WIDTH) -> float:
    """The source line wrapped to the phone's width (it is long where the criteria's caveat is said); its height."""
    for annotation in fig.layout.annotations:
        if annotation.name == charts.SOURCE_NOTE:
            size = annotation.font.size or 13
            room = width - (fig.layout.margin.l or 0) - 8  # it starts at the plot's left edge
            # measured by a browser, its CJK characters are a little wider than an em of the size asked for
            lines = text_layout.wrap(annotation.text.replace("<br>", " "), room, size * 1.15)
            annotation.update(text="<br>".join(lines), align="left")
            return len(lines) * size * 1.35 + 10
    return SOURCE_ROOM


def below_plot(fig: go.Figure) -> float:
    """Px the bottom x axis takes under the plot: its tick labels (each line of them) and its title."""
    stacked = "yaxis2" in fig.layout and fig.layout.yaxis2.domain is not None and fig.layout.yaxis2.domain[1] < 0.6
    axis = fig.layout.xaxis2 if stacked else fig.layout.xaxis  # the lower panel's, where two are stacked
    lines = max([str(t).count("<br>") + 1 for t in axis.ticktext or ()] or [1])
    size = axis.tickfont.size or TICK_FONT
    title = axis.title.text if axis.title else None
    title_px = 0.0
    if title:
        title_size = axis.title.font.size or charts.BASE_FONT
        title_px = (title.count("<br>") + 1) * title_size * 1.35 + 10
    return 10 + lines * (size + 5) + title_px


def _legend_below(fig: go.Figure, width: float) -> None:
    """The legend as a list under the chart (one entry a line), the source line (wrapped) under it. Placed in the
    plot's own coordinates: the page takes height off the top margin only (charts.page_figure), the plot keeps its
    size."""
    entries = len([t for t in fig.data if t.showlegend is not False and t.name])  # a group lists each of its traces
    margin = fig.layout.margin
    ticks = below_plot(fig)
    room = entries * LEGEND_ROW + 8 if entries else 0
    bottom = ticks + room + source_room(fig, width)
    height = (fig.layout.height or 450) - (margin.b or 0) + bottom
    plot = height - (margin.t or 0) - bottom
    fig.update_layout(height=height, margin_b=bottom)
    if entries:
        fig.update_layout(legend=dict(orientation="v", yref="paper", y=-ticks / plot, yanchor="top", x=0, xanchor="left",
                                      font=dict(size=14), tracegroupgap=0, itemwidth=30))
    for annotation in fig.layout.annotations:
        if annotation.name == charts.SOURCE_NOTE:
            annotation.yshift = -bottom + 4


def _cell_text(fig: go.Figure) -> None:
    """A heatmap's words a little smaller, to stay inside cells a quarter of the phone's width."""
    for trace in fig.data:
        if trace.type == "heatmap":
            trace.textfont = dict(size=min(trace.textfont.size or 12, 12))


def for_phone(fig: go.Figure, width: float = WIDTH) -> go.Figure:
    """The figure laid out for a 390 px phone, `width` px wide (the main column's, or an expander's inside it): a new
    figure; the page's is not changed."""
    phone = go.Figure(fig)
    _cell_text(phone)
    _stacked_panels(phone)
    _year_ticks(phone, width)
    _value_labels(phone)
    _names_above_bars(phone, width)
    _axis_titles(phone, width)
    _legend_below(phone, width)
    return phone


_made: "OrderedDict[tuple[int, float], tuple[go.Figure, go.Figure]]" = OrderedDict()


def phone_figure(fig: go.Figure, width: float = WIDTH) -> go.Figure:
    """for_phone, once per figure object and width (the pages' figures are cached objects: views, readiness_ui)."""
    key = (id(fig), width)
    if key in _made and _made[key][0] is fig:
        _made.move_to_end(key)
        return _made[key][1]
    made = for_phone(fig, width)
    _made[key] = (fig, made)
    while len(_made) > 128:
        _made.popitem(last=False)
    return made


def chart(fig: go.Figure, filename: str, key: str, in_expander: bool = False, **kwargs) -> None:
    """A page's chart as dashboard.ui.chart draws it, and beside it its phone layout (narrower inside an expander);
    the main column's width shows one of them (CSS, app.py; both download the same PNG)."""
    kwargs.setdefault("export", fig)
    narrow = phone_figure(fig, EXPANDER_WIDTH if in_expander else WIDTH)
    for layout, figure in (("wide", fig), ("narrow", narrow)):
        with st.container(key=f"{layout}_{key}"):
            page_chart(figure, filename, key=f"{key}_{layout}", **kwargs)
