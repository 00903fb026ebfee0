"""Plotly figures fit for a briefing slide: Chinese title with the as-of year, a source line, 16:9."""

import math
import os
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from pipelines.core import config, formats, palette
from pipelines.core.describe import describe_goal, describe_year, number, parts_of, present, stage, texts_sentence
from pipelines.core.plain import plain_html

from .text_layout import text_px, wrap

FONT = "Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, PingFang SC, SimHei, sans-serif"
SLIDE_WIDTH, SLIDE_HEIGHT, SLIDE_SCALE = 1280, 720, 1.5  # the camera button saves 1920×1080
BASE_FONT = 15
GRID = "#E5E5E5"
INK = "#333333"
TARGET_COLOUR = "#222222"
PATH_COLOUR = "#7F7F7F"
MILESTONE_YEARS = config.MILESTONE_YEARS


PLAN_SOURCE = "数据来源：《敖汉旗推动教育高质量发展实施方案》附件工作任务清单"


def source_line(demo: bool, source: str = config.SOURCE_LINE) -> str:
    return source + (f"；<b><span style='color:{DEMO_RED}'>{config.DEMO_LABEL}</span></b>" if demo else "")


DEMO_RED = "#B00020"
DEMO_STAMP = "demo_stamp"  # the boxed 示例数据 of an exported chart (the page marks demo data its own way)
SOURCE_NOTE = "source_line"
# What frames a chart on its own (its source line, its 示例数据 stamp): a slide or a report page that carries
# its own leaves them out (reports/placement.py).
FRAME_ANNOTATIONS = (SOURCE_NOTE, DEMO_STAMP)


def style(fig: go.Figure, title: str, as_of: int | None, demo: bool, height: int | None = None,
          subtitle: str | None = None, source: str = config.SOURCE_LINE) -> go.Figure:
    """Title (with the as-of year), source line, fonts and margins for a slide.

    The title, subtitle and boxed 示例数据 stamp are for the exported picture; on a page, `page_figure`
    takes them out and the page writes them as text that wraps on any screen.
    """
    sub = "；".join(x for x in (f"评估年度：{as_of}年" if as_of else None, subtitle) if x)
    fig.update_layout(
        title=dict(text=f"<b>{title}</b>", subtitle=dict(text=sub, font=dict(size=15, color="#555")),
                   x=0.01, xanchor="left", y=0.985, yanchor="top", yref="container", font=dict(size=22, color=INK)),
        font=dict(family=FONT, size=BASE_FONT, color=INK),
        template="plotly_white",
        margin=dict(l=20, r=30, t=120, b=max(70, fig.layout.margin.b or 0)),
        legend=dict(orientation="h", yanchor="bottom", y=1.01, x=0, xanchor="left", font=dict(size=14),
                    bgcolor="rgba(255,255,255,0)"),
        hoverlabel=dict(font=dict(family=FONT, size=14)),
        paper_bgcolor="white",
        plot_bgcolor="white",
        separators=".,",
    )
    if height:
        fig.update_layout(height=height)
    fig.add_annotation(
        text=source_line(demo, source), xref="paper", yref="paper", x=0, y=0, yshift=-fig.layout.margin.b + 4,
        xanchor="left", yanchor="bottom", showarrow=False, font=dict(size=13, color="#666"), name=SOURCE_NOTE,
    )
    if demo:
        fig.add_annotation(
            name=DEMO_STAMP, text=config.DEMO_LABEL, xref="paper", yref="paper", x=1, y=1, yshift=fig.layout.margin.t - 12,
            xanchor="right", yanchor="top", showarrow=False, font=dict(size=16, color=DEMO_RED), bordercolor=DEMO_RED, borderwidth=1.5,
            borderpad=4,
        )
    return fig


PAGE_TOP_MARGIN = 30


def page_figure(fig: go.Figure) -> tuple[dict, str, str]:
    """The figure as a page shows it: (spec without title and stamp, title, subtitle).

    Plotly cannot wrap a title, so on a narrow screen it would be cut; the page writes it above the
    chart instead. The exported PNG keeps everything.
    """
    spec = fig.to_plotly_json()
    layout = dict(spec["layout"])
    title = layout.pop("title", {}) or {}
    text = str(title.get("text", "")).replace("<b>", "").replace("</b>", "")
    subtitle = str((title.get("subtitle") or {}).get("text", ""))
    layout["annotations"] = [a for a in layout.get("annotations", ()) if a.get("name") != DEMO_STAMP]
    margin = dict(layout.get("margin") or {})
    if "height" in layout and "t" in margin:
        layout["height"] = layout["height"] - margin["t"] + PAGE_TOP_MARGIN
    margin["t"] = PAGE_TOP_MARGIN
    layout["margin"] = margin
    return {"data": spec["data"], "layout": layout}, text, subtitle


def chart_config(filename: str) -> dict:
    """No toolbar on the page: the PNG button below each chart gives the slide-sized picture, and a
    toolbar would cover the chart's top right corner on a phone."""
    return {"displayModeBar": False, "displaylogo": False, "responsive": True}


# The target-gap chart (issue 21: a bar means one thing). Targets judged by their progress from a baseline get a
# bar whose length is the share of the way from the baseline (the left end) to the target (the dotted line at the
# right end): full at the target, never longer (an overshoot is written, not drawn), empty at or below the
# baseline. Targets with no such path (yearly rules, acceptances, trends, structures, projects) are in a panel of
# their own below, each with its status mark instead of a length. Each row names its target, its status (mark and
# words) and its latest value against the target; names and values wrap between words and numbers in the width
# there is; rows are laid out in pixels, so that no text runs into another.

LABEL_PX = 15  # the names' font
VALUE_PX = 14  # the values' font
LINE_PX = 21  # one line of text
BAR_PX = 14
ROW_GAP_PX = 12
WIDE_LABEL_SHARE = 0.36  # the left part of a wide chart that holds the names
WIDE_MARGINS = (20, 30)  # left, right: charts.style's
PHONE_PAGE_WIDTH = 358  # px a page chart has on a 390 px phone (Streamlit's padding taken off)
DESKTOP_PAGE_WIDTH = 880  # px: from this main-column width up the page shows the wide layout (a 1366 px laptop has 906)
X_MAX = 104.0  # room right of the target mark; nothing is drawn beyond the target
MARK_PX = 24  # a status mark's room before the value it stands for
# Statuses judged year by year or round by round: no path from a baseline.
STANDING_STATUSES = ("year_met", "year_missed", "year_no_data", "round_met", "round_missed")
NO_PATH_WHY = {"milestone": "验收节点", "project": "建设项目", "trend": "看趋势", "ratio": "结构比例"}
# The palette's marks as Plotly marker symbols (✓ ○ ▲ × —).
CLASS_SYMBOLS = {"met": "circle", "on_track": "circle-open", "behind": "triangle-up", "missed": "x-thin-open",
                 "pending": "line-ew-open"}


def on_path(row) -> bool:
    """A target judged by its progress from a baseline toward a dated target: its bar's length is that share."""
    if row.kind in (*config.EVENT_KINDS, "trend", "ratio") or row.status in STANDING_STATUSES:
        return False
    if bool(getattr(row, "recurring", False)) or not present(row.target_year):
        return False
    b, x = row.baseline_value, row.target_value
    return present(b) and present(x) and present(row.latest_value) and not math.isclose(float(x), float(b))


def no_path_reason(row) -> str:
    """Why a target has no bar: 按年度考核, 验收节点, 看趋势 …, or 暂无数据."""
    if row.kind in NO_PATH_WHY:
        return NO_PATH_WHY[row.kind]
    if row.status in STANDING_STATUSES or bool(getattr(row, "recurring", False)) or not present(row.target_year):
        return "每次评选考核" if getattr(row, "basis", None) == "each_round" else "按年度考核"
    if not present(row.latest_value):
        return "暂无数据"
    return "基线已达目标" if present(row.baseline_value) else "没有基线"


def progress_of(row) -> tuple[float, float | None]:
    """(share of the way from the baseline to the target in %, 0–100; where the required path stands now in %)
    for a target on a path (on_path)."""
    x, v, b = float(row.target_value), float(row.latest_value), float(row.baseline_value)
    share = 100.0 * (v - b) / (x - b)
    if row.status in config.MET_STATUSES:
        share = max(share, 100.0)
    expected = None
    T = int(row.target_year)
    if present(row.baseline_year) and present(row.latest_year) and T > row.baseline_year and row.status != "missed":
        expected = max(0.0, min(100.0, 100.0 * (row.latest_year - row.baseline_year) / (T - row.baseline_year)))
    return max(0.0, min(100.0, share)), expected


def beyond_words(row) -> str:
    """超出目标0.9个百分点 / 低于基线 — what the bar does not draw (on a path only)."""
    x, v, b = float(row.target_value), float(row.latest_value), float(row.baseline_value)
    share = (v - b) / (x - b)
    if share > 1 + 1e-9 and row.kind != "rank":
        over = abs(v - x)
        amount = formats.points(over) if row.unit == formats.RATE_UNIT else formats.count(over, row.unit)
        return f"超出目标{amount}"
    if share < -1e-9:
        return f"低于{int(row.baseline_year)}年基线{formats.quantity(b, row.unit)}" if present(row.baseline_year) else "低于基线"
    return ""



def short_name(row) -> str:
    return row.indicator_name.replace("（当年新增）", "")


def value_text(row) -> str:
    """What a row says under its name: the latest value and its year, the target and its year, how far."""
    goal = describe_goal(row)
    if not present(row.latest_value) and not present(row.latest_text):
        latest = row.status_label if row.status in ("no_data", "year_no_data", "not_due") else "尚未报告"
    else:
        latest = formats.latest_with_year(row)
    said = [f"{latest}／目标 {goal}（{describe_year(row)}）"]
    gap = formats.gap(row)
    if gap and row.kind not in config.EVENT_KINDS:
        said.append(gap if gap.startswith("最大偏差") else f"差{gap}")
    if on_path(row) and (beyond := beyond_words(row)):
        said.append(beyond)
    return "；".join(said)


def status_words(row) -> str:
    """The status as a row's heading ends: its mark in its colour, then its words."""
    return f"<span style='color:{palette.ink_of(row.status)}'>{palette.mark(row.status)}</span> {row.status_label}"


def label_lines(row, width_px: float) -> list[str]:
    """The row's heading: the target's name (wrapped in the width there is) and its status; no code (the hover
    has it)."""
    plain = wrap(short_name(row), width_px, LABEL_PX)
    lines = [f"<b>{line}</b>" for line in plain]
    status = status_words(row)
    tail = f"{plain[-1]}　{palette.mark(row.status)} {row.status_label}"
    if text_px(tail, LABEL_PX) <= width_px:
        lines[-1] += f"　{status}"
    else:
        lines.append(status)
    return lines


MAX_BARS = 10  # a 16:9 slide holds about this many rows


def gap_chunks(frame: pd.DataFrame, max_bars: int = MAX_BARS) -> list[tuple[str, pd.DataFrame]]:
    """The targets in slide-sized groups: by section, a long section split between its key tasks."""
    chunks = []
    for section, part in frame.groupby("section_no", sort=True):
        name = f"{config.SECTION_NUMERALS[section - 1]}、{part['section_title'].iloc[0]}"
        groups, current = [], []
        for _, block in part.groupby("key_task_no", sort=True):
            # a key task longer than a slide is split too, into even pieces (9 in 5 and 4, not 7 and 2)
            size = math.ceil(len(block) / math.ceil(len(block) / max_bars))
            for start in range(0, len(block), size):
                piece = block.iloc[start:start + size]
                if current and sum(len(b) for b in current) + len(piece) > max_bars:
                    groups.append(current)
                    current = []
                current.append(piece)
        groups.append(current)
        for i, blocks in enumerate(groups):
            sub = pd.concat(blocks)
            keys = sorted(sub["key_task_no"].unique())
            span = f"重点任务{keys[0]}—{keys[-1]}" if len(keys) > 1 else f"重点任务{keys[0]}"
            suffix = "" if len(groups) == 1 else f"（{span}{'，续' if i and keys[0] in groups[i - 1][-1]['key_task_no'].values else ''}）"
            chunks.append((name + suffix, sub))
    return chunks


PANEL_HEADING = "不按进度衡量的目标：只标状态，不画条形"


def gap_chart(frame: pd.DataFrame, as_of: int, demo: bool, title: str, stacked: bool = False,
              width: int = SLIDE_WIDTH) -> go.Figure:
    """Each target as a row: its name and status, its latest value against its target, and — for a target on a
    path from its baseline — a bar of the share of the way done, with a black tick where the required path stands
    in the latest year; the others below in their own panel, each with its status mark. A click on a bar or a mark
    gives its target (customdata).

    stacked: the name above the bar, for a page `width` px wide (a phone); otherwise beside it, for a chart
    `width` px wide (a slide, a page on a laptop or wider, a printed page).
    """
    left, right = (6, 6) if stacked else WIDE_MARGINS
    plot = width - left - right
    label_px = plot if stacked else WIDE_LABEL_SHARE * plot - 12
    value_px = plot if stacked else (1 - WIDE_LABEL_SHARE) * plot
    path = [r for r in frame.itertuples() if on_path(r)]
    other = [r for r in frame.itertuples() if not on_path(r)]
    rows, top, heading_y = [], 0.0, None
    for panel, members in (("path", path), ("other", other)):
        if panel == "other" and members:
            if path:
                top += 6
                heading_y = top
                top += LINE_PX + 4
        for r in members:
            labels = label_lines(r, label_px)
            # a bar's row: its value over its bar; a mark's row: the mark before its value, on its first line
            values = wrap(value_text(r), value_px - (MARK_PX if panel == "other" else 0), VALUE_PX)
            text_px_ = len(values) * LINE_PX + 2
            slot = BAR_PX if panel == "path" else 0
            if stacked:  # name, then value, then bar (or mark), one under the other
                label_y, value_y = top, top + len(labels) * LINE_PX
            else:  # the name beside the value and bar
                label_y = top + max(len(labels) * LINE_PX, text_px_ + slot) / 2
                value_y = label_y - (text_px_ + slot) / 2
            centre = value_y + text_px_ + BAR_PX / 2 if panel == "path" else value_y + LINE_PX / 2 + 1
            bottom = value_y + text_px_ + slot
            top = max(bottom, label_y + (len(labels) * LINE_PX / 2 if not stacked else 0)) + ROW_GAP_PX
            progress, expected = progress_of(r) if panel == "path" else (None, None)
            rows.append((r, progress, expected, labels, values, label_y, value_y, centre))
    height_px = top
    fig = go.Figure()
    bars = [row for row in rows if row[1] is not None]
    if bars:
        fig.add_trace(go.Bar(
            x=[100.0] * len(bars), y=[row[7] for row in bars], width=BAR_PX, orientation="h",
            marker_color="#EEEEEE", marker_line=dict(color="#BBBBBB", width=0.5), customdata=[row[0].target_id for row in bars],
            hovertext=[_hover(row[0]) for row in bars], hoverinfo="text", showlegend=False, name="目标",
        ))
        fig.add_trace(go.Bar(
            x=[row[1] for row in bars], y=[row[7] for row in bars], width=BAR_PX, orientation="h",
            marker_color=[palette.colour(row[0].status) for row in bars],
            marker_line=dict(color=palette.EDGE, width=0.6), customdata=[row[0].target_id for row in bars],
            hovertext=[_hover(row[0]) for row in bars], hoverinfo="text", showlegend=False, name="进展",
        ))
    ticks = [(row[2], row[7]) for row in rows if row[2] is not None]
    if ticks:
        fig.add_trace(go.Scatter(
            x=[t[0] for t in ticks], y=[t[1] for t in ticks], mode="markers", showlegend=False, hoverinfo="skip",
            marker=dict(symbol="line-ns", size=BAR_PX + 8, line=dict(width=3, color=TARGET_COLOUR)),
        ))
    marks = [row for row in rows if row[1] is None]
    if marks:  # the status mark where a bar would be, and why there is none
        at = 9 / value_px * X_MAX  # the mark's centre 9 px into the bars' area
        symbols = [CLASS_SYMBOLS[palette.class_of(row[0].status)] for row in marks]
        fig.add_trace(go.Scatter(
            x=[at] * len(marks), y=[row[7] for row in marks], mode="markers", showlegend=False, name="状态",
            marker=dict(symbol=symbols, size=15,
                        color=[palette.ink_of(row[0].status) if symbol.endswith("open") else palette.colour(row[0].status)
                               for row, symbol in zip(marks, symbols)],
                        line=dict(width=2.5, color=[palette.ink_of(row[0].status) for row in marks])),
            customdata=[row[0].target_id for row in marks], hovertext=[_hover(row[0]) for row in marks],
            hoverinfo="text", cliponaxis=False,
        ))
    for _r, progress, _, labels, values, label_y, value_y, _ in rows:
        fig.add_annotation(x=0, xref="paper", y=label_y, yref="y", xanchor="left", yanchor="top" if stacked else "middle",
                           align="left", text="<br>".join(labels), showarrow=False, font=dict(size=LABEL_PX, color=INK))
        fig.add_annotation(x=0, y=value_y, xanchor="left", yanchor="top", align="left", text="<br>".join(values),
                           showarrow=False, font=dict(size=VALUE_PX, color=INK),
                           xshift=-2 if progress is not None else MARK_PX - 2)
    for row in bars:  # the target as a mark at each bar's end, never across the words above the bars
        fig.add_shape(type="line", x0=100, x1=100, y0=row[7] - BAR_PX / 2 - 4, y1=row[7] + BAR_PX / 2 + 4,
                      line=dict(color=TARGET_COLOUR, width=1.5, dash="dot"), layer="below")
    if heading_y is not None:
        fig.add_shape(type="line", xref="paper", x0=0, x1=1, y0=heading_y, y1=heading_y, line=dict(color="#BBBBBB", width=1))
        fig.add_annotation(x=0, xref="paper", y=heading_y + 4, yref="y", xanchor="left", yanchor="top", align="left",
                           showarrow=False, text=f"<b>{PANEL_HEADING}</b>", font=dict(size=VALUE_PX, color="#555"))
    fig.update_yaxes(range=[height_px, 0], visible=False, fixedrange=True)
    fig.update_xaxes(range=[0, X_MAX], tickvals=[0, 100] if bars else [], ticktext=["基线", "目标"] if bars else [],
                     side="top", showgrid=False, zeroline=False, fixedrange=True, tickfont=dict(size=13, color="#555"),
                     domain=[0, 1] if stacked else [WIDE_LABEL_SHARE, 1])
    fig.update_layout(barmode="overlay", bargap=0, clickmode="event+select", dragmode=False)
    figure = style(fig, title, as_of, demo, subtitle=GAP_SUBTITLE if bars else "各目标的状态（按年度考核、验收、趋势、结构比例、建设项目）")
    figure.update_layout(margin_l=left, margin_r=right)
    margin = figure.layout.margin
    figure.update_layout(height=int(height_px + margin.t + margin.b))  # one data unit of y is one pixel
    return figure


GAP_SUBTITLE = ("条形：自基线（左端）到目标（虚线）已完成的比例，达到目标即满格，超出部分只写不画；"
                "竖线：按期此时应达到的位置")


def _hover(row) -> str:
    target = describe_goal(row)
    lines = [
        f"<b>{short_name(row)}</b>（{row.target_id}）",
        f"目标：{target}（{describe_year(row)}）",
        f"最新：{formats.latest_with_year(row)}",
        f"状态：{palette.tag(row.status)}",
        f"牵头：{row.lead_unit}",
        "点击查看详情",
    ]
    if not on_path(row):  # why its row has a mark and no bar
        lines.insert(-1, f"不画条形：{no_path_reason(row)}")
    if both := texts_sentence(row):  # issue 19: a target the body and the attachment state differently
        lines.insert(-2, f"正文与附件：{both}")
    if present(row.baseline_value) and row.kind not in (*config.EVENT_KINDS, "ratio"):
        lines.insert(2, f"基线：{formats.quantity(row.baseline_value, row.unit)}（{int(row.baseline_year)}年）")
    return "<br>".join(lines)


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


# The task ledger and the units.


TIMELINE_STATES = (("已完成", "met", "circle"), ("逾期未完成", "missed", "x"), ("未到期", "pending", "diamond-open"))


def within_year(day) -> float:
    """A day on the timeline's axis: its year's band runs from the year's gridline to the next, and a month sits
    inside it with a margin at each end (a December deadline is drawn inside its year, clear of the next gridline)."""
    day = pd.Timestamp(day)
    return day.year + 0.08 + 0.84 * (day.month - 1 + (day.day - 0.5) / day.days_in_month) / 12


def timeline_chart(milestones: pd.DataFrame, today: date, as_of: int, demo: bool) -> go.Figure:
    """Dated milestones 2023–2030, one row per task (任务22 理顺校长管理体制), each mark in its year's band, coloured and
    shaped by its reported state; today marked; the legend above the chart, the source line below."""
    fig = go.Figure()
    for state, klass, symbol in TIMELINE_STATES:
        part = milestones[milestones["state"] == state]
        if part.empty:
            continue
        fill = palette.CLASS_COLOURS[klass] if not symbol.endswith("open") else palette.CLASS_INKS[klass]
        fig.add_trace(go.Scatter(
            x=[within_year(d) for d in part["due_date"]], y=part["label"], mode="markers",
            name=state,
            marker=dict(size=13, color=fill, symbol=symbol, line=dict(width=1.5 if symbol != "x" else 0.5,
                                                                    color=palette.CLASS_INKS[klass])),
            customdata=part["hover"], hovertemplate="%{customdata}<extra></extra>",
        ))
    now = within_year(today)
    fig.add_vline(x=now, line=dict(color=DEMO_RED, width=2, dash="dash"), layer="below")
    # left of its line: the years after today are the narrower side on a phone
    fig.add_annotation(x=now, y=0, yref="paper", text=f"今天 {today:%Y-%m-%d}", showarrow=False, xanchor="right", xshift=-4,
                       yanchor="bottom", font=dict(color=DEMO_RED, size=13), bgcolor="rgba(255,255,255,0.9)")
    first, last = config.PLAN_START_YEAR, config.PLAN_END_YEAR
    fig.update_xaxes(range=[first, last + 1], tickvals=[y + 0.5 for y in range(first, last + 1)],
                     ticktext=[f"{y}年" for y in range(first, last + 1)], showgrid=False, zeroline=False, ticks="")
    for y in range(first, last + 2):  # the years' edges: a deadline stands inside its year's band
        fig.add_vline(x=y, line=dict(color="#C8C8C8", width=1), layer="below")
    order = list(dict.fromkeys(milestones.sort_values(["first_due", "task_no"])["label"]))
    fig.update_yaxes(categoryorder="array", categoryarray=list(reversed(order)), tickfont=dict(size=14), gridcolor=GRID)
    figure = style(fig, "任务完成时限与完成情况", as_of, demo, height=max(380, 150 + 24 * len(order)),
                   subtitle="每格为一年，标记画在完成时限所在的年内")
    # the source line from the chart's left edge, under the tasks' names (the plot starts right of them)
    names = max((text_px(label, 14) for label in order), default=0)
    figure.update_annotations(selector=dict(name=SOURCE_NOTE), xshift=-(names + 8))
    return figure


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


# The reporting-completeness cells: what has come of each unit's workbook for a year (report_receipts.sql).
RECEIPT_CELLS = {"missing": ("缺报", 0.0), "returned": ("已退回", 1.0), "pending": ("待审核", 2.0), "approved": ("已通过", 3.0)}
RECEIPT_COLOURS = [palette.CLASS_COLOURS[palette.RECEIPT_CLASSES[state]] for state in RECEIPT_CELLS]  # the one palette


def completeness_chart(frame: pd.DataFrame, as_of: int, demo: bool) -> go.Figure:
    """Workbooks per unit and year, by what has come of them: the reporting-completeness view."""
    wide = frame.pivot(index="unit", columns="year", values="state")
    text = wide.map(lambda v: "" if not isinstance(v, str) else palette.class_tag(palette.RECEIPT_CLASSES[v], RECEIPT_CELLS[v][0]))
    z = wide.map(lambda v: float("nan") if not isinstance(v, str) else RECEIPT_CELLS[v][1])
    steps = [[edge, colour] for i, colour in enumerate(RECEIPT_COLOURS) for edge in (i / 4, (i + 1) / 4)]
    fig = go.Figure(go.Heatmap(
        z=z.values, x=[f"{c}年" for c in wide.columns], y=wide.index.tolist(), text=text.values, texttemplate="%{text}",
        colorscale=steps, zmin=-0.5, zmax=3.5,
        showscale=False, xgap=2, ygap=2, hovertemplate="%{y} %{x}：%{text}<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(side="top")
    return style(fig, "各单位年度工作簿报送情况", as_of, demo, height=max(300, 140 + 40 * len(wide)))
