"""Plotly figures fit for a briefing slide: Chinese title with the as-of year, a source line, 16:9."""

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from pipelines.core import config, palette

from .text_layout import text_px

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


PHONE_PAGE_WIDTH = 358  # px a page chart has on a 390 px phone (Streamlit's padding taken off)
DESKTOP_PAGE_WIDTH = 880  # px: from this main-column width up the page shows the wide layout (a 1366 px laptop has 906)

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
