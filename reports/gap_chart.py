"""The target-gap chart: each target's way from its baseline to its target, or its status where it has no such
way (issue 21: a bar means one thing)."""

import math

import pandas as pd
import plotly.graph_objects as go

from pipelines.core import config, formats, palette
from pipelines.core.describe import describe_goal, describe_year, present, texts_sentence

from .charts import INK, SLIDE_WIDTH, TARGET_COLOUR, style
from .text_layout import text_px, wrap

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
