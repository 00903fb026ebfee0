"""Slide-ready figures of the path to pass: enrolments with their range, schools passing per year, what the plan
costs by resource. Title, as-of year, source line, 示例数据 mark (charts.style)."""

import pandas as pd
import plotly.graph_objects as go

from pipelines.describe import number
from pipelines.planning import settings as p
from pipelines.schools import settings as s

from .charts import GRID, SLIDE_HEIGHT, style
from .readiness_charts import PALETTE, years_axis

SOURCE = "数据来源：旗教育局学校与幼儿园年度填报、规划项目与适龄人口工作簿；推算与方案由平台计算"
SCENARIO_COLOURS = {"base": "#7F7F7F", "changes": "#0072B2", "plan": "#009E73"}
STAGE_COLOURS = {"小学": PALETTE[0], "初中": PALETTE[1], "幼儿园": PALETTE[2]}


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def projection_chart(frame: pd.DataFrame, title: str, as_of: int, demo: bool) -> go.Figure:
    """Per stage: the students observed (solid), then the projection (dashed, the middle one) with its low–high
    range as a band."""
    fig = go.Figure()
    end = int(frame["year"].max())
    for stage, rows in frame.groupby("stage", sort=False):
        colour = STAGE_COLOURS.get(stage, PALETTE[3])
        seen = rows[rows["kind"] == "history"].sort_values("year")
        ahead = rows[rows["kind"] == "projection"].sort_values("year")
        if len(seen) and len(ahead):  # the projection starts from the last observed year
            ahead = pd.concat([seen.tail(1), ahead], ignore_index=True)
        fig.add_trace(go.Scatter(x=ahead["year"], y=ahead["high"], mode="lines", line=dict(width=0), showlegend=False,
                                 hoverinfo="skip", legendgroup=stage))
        fig.add_trace(go.Scatter(x=ahead["year"], y=ahead["low"], mode="lines", line=dict(width=0), fill="tonexty",
                                 fillcolor=_rgba(colour, 0.18), name=f"{stage}（推算范围）", legendgroup=stage,
                                 hovertemplate=f"{stage} %{{x}}年 低方案：%{{y:,.0f}}<extra></extra>"))
        fig.add_trace(go.Scatter(x=seen["year"], y=seen["mid"], mode="lines+markers", name=f"{stage}（实际）",
                                 line=dict(color=colour, width=3), legendgroup=stage,
                                 hovertemplate=f"{stage} %{{x}}年：%{{y:,.0f}}人<extra></extra>"))
        fig.add_trace(go.Scatter(x=ahead["year"], y=ahead["mid"], mode="lines+markers+text", name=f"{stage}（推算）",
                                 line=dict(color=colour, width=3, dash="dash"), legendgroup=stage,
                                 text=["" if i < len(ahead) - 1 else number(v) for i, v in enumerate(ahead["mid"])],
                                 textposition="middle right", textfont=dict(color=colour, size=14),
                                 customdata=ahead[["low", "high"]].to_numpy(),
                                 hovertemplate=f"{stage} %{{x}}年 推算：%{{y:,.0f}}人（%{{customdata[0]:,.0f}}—"
                                               f"%{{customdata[1]:,.0f}}）<extra></extra>"))
    years_axis(fig, end)
    fig.update_xaxes(range=[int(frame["year"].min()) - 0.5, end + 0.9])
    fig.update_yaxes(title_text="人", gridcolor=GRID, rangemode="tozero", tickformat=",d")
    return style(fig, title, as_of, demo, height=SLIDE_HEIGHT, source=SOURCE,
                 subtitle="实线为学校数据，虚线为按年级推移推算的中方案，色带为低、高方案之间")


def path_chart(frame: pd.DataFrame, scheme: str, year: int, as_of: int, demo: bool) -> go.Figure:
    """Schools (kindergartens) passing per projected year: without the planned changes, with them, and with the
    cheapest plan in the acceptance year."""
    fig = go.Figure()
    who = "学校" if scheme == "优质均衡" else "幼儿园"
    for scenario, rows in frame.groupby("scenario", sort=False):
        rows = rows.sort_values("year")
        label = p.SCENARIO_LABELS[scenario]
        share = 100 * rows["passing"] / rows["judged"].where(rows["judged"] > 0)
        fig.add_trace(go.Scatter(
            x=rows["year"], y=share, name=label, mode="lines+markers+text" if scenario == "plan" else "lines+markers",
            line=dict(color=SCENARIO_COLOURS[scenario], width=3, dash="dot" if scenario == "base" else "solid"),
            marker=dict(size=14 if scenario == "plan" else 8, symbol="star" if scenario == "plan" else "circle"),
            text=[f"{int(a)}/{int(b)}" for a, b in zip(rows["passing"], rows["judged"])], textposition="top center",
            customdata=rows[["passing", "judged"]].to_numpy(),
            hovertemplate=f"{label} %{{x}}年：%{{customdata[0]}}/%{{customdata[1]}}所{who}达标<extra></extra>"))
    if scheme == "优质均衡":  # every school must pass (普及普惠 asks all new-design kindergartens, half the older)
        fig.add_hline(y=100, line=dict(color="#222", dash="dash", width=2), annotation_text="全部达标",
                      annotation_position="bottom right")
    years_axis(fig, year)
    fig.update_xaxes(range=[int(frame["year"].min()) - 0.5, year + 0.5])
    shares = 100 * frame["passing"] / frame["judged"].where(frame["judged"] > 0)
    low = max(0.0, float(shares.min()) - 15) if shares.notna().any() else 0.0
    fig.update_yaxes(title_text=f"达标{who}占比（%）", range=[low // 10 * 10, 108], gridcolor=GRID)
    rule = ("7项指标中至少6项达到要求、其余不低于85%" if scheme == "优质均衡" else
            "园舍三项生均面积均达标；2017年及以后规划设计的须全部达标，此前的须半数达标")
    return style(fig, f"{s.SCHEME_TITLES[scheme]}：逐年达标{who}（推算）", as_of, demo, height=SLIDE_HEIGHT,
                 subtitle=f"{rule}；{year}年验收", source=SOURCE)


def cost_chart(frame: pd.DataFrame, scheme: str, year: int, as_of: int, demo: bool) -> go.Figure:
    """要在验收年通过，还需: the plan's additions by resource, their amount and cost (万元)."""
    frame = frame.sort_values("cost")
    labels = [f"{r}" for r in frame["resource"]]
    fig = go.Figure(go.Bar(
        x=frame["cost"], y=labels, orientation="h", marker_color=PALETTE[0],
        text=[f"{number(a)}{u}（{int(n)}所），{number(c)}万元" for a, u, n, c in
              zip(frame["amount"], frame["unit"], frame["schools"], frame["cost"])],
        textposition="outside", cliponaxis=False,
        hovertemplate="%{y}：%{x:,.1f}万元<extra></extra>"))
    top = float(frame["cost"].max()) if len(frame) else 1.0
    fig.update_xaxes(title_text="万元", range=[0, max(top, 1e-6) * 1.6], gridcolor=GRID)
    fig.update_layout(margin=dict(l=200))
    total = float(frame["cost"].sum())
    return style(fig, f"要在{year}年通过{s.SCHEME_TITLES[scheme]}验收，还需", as_of, demo,
                 height=max(360, 140 + 70 * len(frame)),
                 subtitle=f"费用最低的补充方案，合计约{number(total)}万元（单价为平台参考值，可由办公室覆盖）",
                 source=SOURCE)
