"""领导驾驶舱: the first screen of 总览 — headline indicators as tiles, the counts, the lagging targets by
lead unit. Plain HTML (written through st.markdown, which is part of the page's first script, where st.html
is loaded later) with SVG sparklines as images: drawn before any chart library has loaded, it fits one
1920×1080 screen, wraps on a phone and prints on one A4 landscape page.
"""

import base64
from html import escape

import pandas as pd

from pipelines.core import config, formats, palette
from pipelines.core.describe import describe_goal, describe_year, parts_of, present

# The status groups of the counts bar, in reading order: the palette's classes.
GROUPS = palette.GROUPS  # the counts bar's groups, in reading order

CSS = """
<style>
.cockpit-tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(200px, 46%), 1fr)); gap: 10px; margin: 4px 0 14px; }
.cockpit-tile { border: 1px solid #DDD; border-left: 6px solid var(--status); border-radius: 6px; padding: 8px 10px 6px;
  background: #FFF; break-inside: avoid; }
.cockpit-tile .name { font-size: 15px; color: #333; font-weight: 600; line-height: 1.3; }
.cockpit-tile .value { font-size: clamp(20px, 5.6vw, 28px); font-weight: 700; color: #1F1F1F; line-height: 1.25; margin-top: 2px; }
.cockpit-tile .year { font-size: 13px; color: #666; font-weight: 400; margin-left: 6px; white-space: nowrap; }
.cockpit-tile .goal { font-size: 13px; color: #444; }
.cockpit-tile .goal .gap { white-space: nowrap; }
.cockpit-tile .chip { display: inline-block; font-size: 13px; padding: 1px 7px; border-radius: 10px; margin-top: 4px;
  background: var(--status); color: var(--ink); }
.cockpit-tile img.spark { display: block; margin-top: 4px; max-width: 100%; height: auto; }
.cockpit-counts { display: flex; height: 30px; border-radius: 4px; overflow: hidden; border: 1px solid #CCC; }
.cockpit-counts div { display: flex; align-items: center; justify-content: center; font-size: 13px; color: #1F1F1F;
  white-space: nowrap; overflow: hidden; }
.cockpit-legend { display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 6px 0 12px; font-size: 14px; color: #333; }
.cockpit-legend span.dot { display: inline-block; min-width: 13px; height: 13px; border: 1px solid #555; margin-right: 4px;
  vertical-align: -1px; font-size: 10px; line-height: 13px; text-align: center; }
.cockpit-units { display: grid; grid-template-columns: repeat(auto-fit, minmax(280px, 1fr)); gap: 8px; }
.cockpit-unit { border: 1px solid #E3E3E3; border-radius: 6px; padding: 6px 10px; break-inside: avoid; }
.cockpit-unit .head { font-weight: 600; font-size: 15px; }
.cockpit-unit ul { margin: 2px 0 0; padding-left: 0; list-style: none; font-size: 13.5px; line-height: 1.45; }
.cockpit-unit li .figures { color: #555; margin-left: 6px; }
.cockpit-unit li span.dot { display: inline-block; min-width: 12px; height: 12px; margin-right: 5px; border: 1px solid #555;
  font-size: 9px; line-height: 12px; text-align: center; vertical-align: 1px; }
@media print {
  @page { size: A4 landscape; margin: 8mm; }
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"], header, footer,
  .st-key-details, .st-key-exports, .st-key-leader_link, .st-key-charts_loading, [data-testid="stSidebarCollapsedControl"] { display: none !important; }
  [data-testid="stAppViewContainer"], [data-testid="stMain"], [data-testid="stMainBlockContainer"], .stMain, .main
    { overflow: visible !important; height: auto !important; position: static !important; padding: 0 !important;
      max-width: 100% !important; }
  h1 { font-size: 20px !important; padding: 0 !important; }
  [data-testid="stVerticalBlock"] { gap: 0.35rem !important; }
  [data-testid="stAlert"] { padding: 0 !important; }
  .cockpit-tiles { grid-template-columns: repeat(7, 1fr); gap: 6px; margin: 2px 0 6px; }
  .cockpit-tile { padding: 4px 6px; }
  .cockpit-tile .name { font-size: 11px; }
  .cockpit-tile .value { font-size: 17px; }
  .cockpit-tile .goal, .cockpit-tile .chip, .cockpit-tile .year { font-size: 10px; }
  .cockpit-tile img.spark { height: 22px; }
  .cockpit-legend { font-size: 10px; margin: 3px 0 6px; }
  .cockpit-units { grid-template-columns: repeat(4, 1fr); gap: 5px; }
  .cockpit-unit { padding: 3px 6px; }
  .cockpit-unit .head { font-size: 12px; }
  .cockpit-unit ul { font-size: 10px; line-height: 1.3; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
</style>
"""


def sparkline(series: list[tuple[int, float]], goal: float | None, colour: str, lower_is_better: bool = False,
              width: int = 170, height: int = 34) -> str:
    """An inline SVG line of the yearly values, the target as a dashed line, the latest point marked."""
    if len(series) < 1:
        return ""
    values = [v for _, v in series] + ([goal] if goal is not None else [])
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    years = [y for y, _ in series]
    first = min(years)
    last = max(max(years), first + 1)

    def at(year, value):
        x = 4 + (width - 8) * (year - first) / (last - first)
        y = 4 + (height - 8) * (1 - (value - low) / span)
        return x, (height - y if lower_is_better else y)

    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (at(y, v) for y, v in series))
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' viewBox='0 0 {width} {height}'>"]
    if goal is not None:
        _, gy = at(first, goal)
        parts.append(f"<line x1='0' x2='{width}' y1='{gy:.1f}' y2='{gy:.1f}' stroke='#333' stroke-width='1' "
                     "stroke-dasharray='4 3'/>")
    parts.append(f"<polyline points='{points}' fill='none' stroke='#1F4E79' stroke-width='2'/>")
    lx, ly = at(*series[-1])
    parts.append(f"<circle cx='{lx:.1f}' cy='{ly:.1f}' r='3.5' fill='{colour}' stroke='#333' stroke-width='1'/>")
    parts.append("</svg>")
    # As an image: the page's HTML sanitiser keeps images and drops inline SVG.
    data = base64.b64encode("".join(parts).encode()).decode()
    return f"<img class='spark' src='data:image/svg+xml;base64,{data}' width='{width}' height='{height}' alt='历年走势'>"


def acceptance_class(readiness: dict) -> str:
    """An acceptance's class as its criteria stand: the worst of them (滞后 while any is behind, never a calm
    未到期 over criteria that are not on track)."""
    counts = {"behind": readiness.get("behind", 0), "on_track": readiness.get("on_track", 0),
              "pending": readiness.get("unknown", 0), "met": readiness.get("met", 0)}
    return palette.worst(k for k, n in counts.items() if n) or "pending"


def tile(row, series: list[tuple[int, float]], as_of: int, readiness: dict | None = None) -> str:
    """One headline indicator: name, latest value and year, target, how far, status (mark and words), and its line
    over the years; an acceptance with its criteria, in the colour of the worst of them."""
    colour = palette.colour(row.status)
    chip = escape(palette.tag(row.status))
    name = config.HEADLINE_NAMES.get(row.target_id, row.indicator_name.replace("（当年新增）", ""))
    goal = describe_goal(row)
    if row.kind == "milestone":
        year = int(row.target_year)
        left = year - as_of
        when = f"还有{left}年（{year}年验收）" if left > 0 else (f"{year}年验收年度" if left == 0 else f"已过验收年份{-left}年")
        if readiness is not None and readiness.get("total", 0) > readiness.get("unknown", 0):
            # The acceptance's readiness, criterion by criterion (验收准备): met now / on track / behind.
            value = f"{readiness['met']}/{readiness['total']}<span class='year'>项标准已达到</span>"
            line = (f"<div class='goal'>{escape(when)}；按期可达{readiness['on_track']}项，"
                    f"滞后{readiness['behind']}项，暂无数据{readiness['unknown']}项</div>")
            klass = acceptance_class(readiness)
            colour = palette.CLASS_COLOURS[klass]
            counted = {"behind": readiness["behind"], "on_track": readiness["on_track"], "met": readiness["met"],
                       "pending": readiness["unknown"]}[klass]
            chip = escape(palette.class_tag(klass, f"{palette.CLASS_WORDS[klass]}{counted}项"
                                            if klass != "met" else "标准全部达到"))
        else:
            value = escape(f"{year}年验收")
            line = f"<div class='goal'>{escape(when)}；最新报告：{escape(formats.latest(row))}</div>"
        spark = ""
    else:
        year = f"{int(row.latest_year)}年" if present(row.latest_year) else ""
        gap = formats.gap(row)
        far = (f"差{gap}" if not gap.startswith("最大偏差") else gap) if gap else ""
        far = f"；<span class='gap'>{escape(far)}</span>" if far else ""  # never broken inside 0.8个百分点
        line = f"<div class='goal'>目标 {escape(goal)}（{escape(describe_year(row))}）{far}</div>"
        target_line = parts_of(row.ratio_parts)[0] if row.kind == "ratio" else row.target_value
        spark = sparkline(series, target_line if present(target_line) else None, colour, row.comparator == "<=")
        value = f"{escape(formats.latest(row))}<span class='year'>{year}</span>"
    return (f"<div class='cockpit-tile' style='--status:{colour};--ink:{palette.ink(colour)}'>"
            f"<div class='name'>{escape(name)}</div><div class='value'>{value}</div>{line}"
            f"<div class='chip'>{chip}</div>{spark}</div>")




def tiles(statuses: pd.DataFrame, series: pd.DataFrame, as_of: int, readiness: pd.DataFrame | None = None) -> str:
    """The headline tiles, in the order of config.HEADLINE_TARGETS (those within the filters); the acceptances with
    their readiness (a frame of scheme × met, on_track, behind, unknown, total) where it is known."""
    ready = {} if readiness is None else {r["scheme"]: r for r in readiness.to_dict("records")}
    by_id = statuses.set_index("target_id")
    out = []
    for target_id in config.HEADLINE_TARGETS:
        if target_id not in by_id.index:
            continue
        row = next(statuses[statuses["target_id"] == target_id].itertuples())
        points = series[series["indicator_code"] == row.indicator_code]
        out.append(tile(row, list(zip(points["year"].astype(int), points["value"].astype(float))), as_of,
                        ready.get(config.ACCEPTANCE_TARGETS.get(target_id))))
    return f"<div class='cockpit-tiles'>{''.join(out)}</div>" if out else ""


def counts_bar(statuses: pd.DataFrame, overdue_tasks: int) -> str:
    """Every status's count as a segment of one bar, and a legend that names them, grouped."""
    counts = statuses["status"].value_counts()
    total = int(counts.sum())
    segments, legend = [], []
    for group, codes in GROUPS:
        present_codes = [c for c in codes if counts.get(c, 0)]
        if not present_codes:
            continue
        parts = []
        for code in present_codes:
            n, colour = int(counts[code]), palette.STATUS_COLOURS[code]
            segments.append(f"<div style='flex:{n};background:{colour};color:{palette.ink(colour)};border-right:1px solid #FFF' "
                            f"title='{escape(config.STATUS_LABELS[code])} {n}'>{palette.mark(code)} {n}</div>")
            parts.append(f"<span><span class='dot' style='background:{colour};color:{palette.ink(colour)}'>"
                         f"{palette.mark(code)}</span>{escape(config.STATUS_LABELS[code])} <b>{n}</b></span>")
        group_total = sum(int(counts[c]) for c in present_codes)
        legend.append(f"<span><b>{group}</b> {group_total}：</span>" + "".join(parts))
    legend.append(f"<span><b>逾期任务</b> {overdue_tasks} 项</span>")
    return (f"<div class='cockpit-counts' role='img' aria-label='{total}个目标的状态'>{''.join(segments)}</div>"
            f"<div class='cockpit-legend'>{''.join(legend)}</div>")


def lagging_by_unit(statuses: pd.DataFrame, limit: int = 6) -> str:
    """The targets a leader must act on (missed, at risk, not met this year), grouped by lead unit."""
    from .leader import gap_words, goal_words, value_words  # (leader builds on this module's groups)

    lagging = statuses[statuses["status"].isin(config.LAGGING_STATUSES)]
    if lagging.empty:
        return "<div class='cockpit-legend'>没有滞后或未达成的目标。</div>"
    order = {code: i for i, code in enumerate(config.LAGGING_STATUSES)}
    cards = []
    for unit, part in sorted(lagging.groupby("lead_unit"), key=lambda kv: -len(kv[1])):
        part = part.assign(rank=part["status"].map(order)).sort_values(["rank", "target_id"])
        items = []
        for r in part.head(limit).itertuples():
            colour = palette.STATUS_COLOURS[r.status]
            items.append(f"<li><span class='dot' style='background:{colour};color:{palette.ink(colour)}'>"
                         f"{palette.mark(r.status)}</span>"
                         f"{escape(r.indicator_name.replace('（当年新增）', ''))}：{escape(r.status_label)}"
                         f"<span class='figures'>{escape(value_words(r))}→{escape(goal_words(r))}"
                         f"{escape('，' + gap_words(r) if gap_words(r) != '—' else '')}</span></li>")
        more = f"<li>……另有{len(part) - limit}项</li>" if len(part) > limit else ""
        cards.append(f"<div class='cockpit-unit'><div class='head'>{escape(unit)}　{len(part)}项</div>"
                     f"<ul>{''.join(items)}{more}</ul></div>")
    return f"<div class='cockpit-units'>{''.join(cards)}</div>"
