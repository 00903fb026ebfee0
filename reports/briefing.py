"""The briefing deck: a 16:9 PowerPoint in Chinese that a staff member can project as it is.

Cover; status summary; each part of the plan as target-gap charts the width of the slide, with a sentence
for every target that is missed or at risk (under its chart where it fits, else under the part's last chart
and on the part's own slides); the key indicators one slide each; overdue tasks by lead unit, named; data
notes and the method.
One title per slide: the charts carry none of their own, nor a source line or 示例数据 mark (the slide
has them once). Chart text is at least 14 pt on the slide (reports.placement).

The slides of each part are built here, from what reports/briefing_data.py gathers; the deck itself is the list of builders in reports/deck.py (each
builder takes the Briefing and returns its slides; a new part of the platform adds its slides by adding a
builder there, as the acceptances' readiness_exports.py does).
"""

import math
from dataclasses import replace
from datetime import date
from functools import partial

import pandas as pd
import plotly.graph_objects as go

from pipelines.core import config, formats, palette
from pipelines.core.describe import describe_goal, describe_year, parts_of, present
from pipelines.plan import method

from . import charts, gap_chart, indicator_charts, leader, placement, queries
from .briefing_data import (
    OVERDUE_RULE,
    PLAN_SOURCE,
    Briefing,
    discrepancy_line,
    lagging,
    missing_text,
    overdue_table,
    risk_sentence,
    status_groups,
)
from .leader_slides import leader_slides as leader_pages
from .placement import SLIDE_MIN_FONT, Box
from .queries import Filters
from .slides import (
    ACCENT,
    CONTENT,
    FILL,
    INK,
    MUTED,
    RED,
    Chart,
    Line,
    Slide,
    Table,
    Text,
    fitted_pages,
    numbered,
    table_rows,
    text_height,
)

BARS_PER_SLIDE = gap_chart.MAX_BARS  # at most, on one projected gap chart; fewer where their rows do not fit
CHART_MARGIN = 40.0  # pt above and below a gap chart's rows (its axis labels are at the top)
MAX_STRETCH = 1.6  # a gap chart's rows may be spread this much to fill a slide, no more
SENTENCE = 18.0
# The sizes a page of sentences may take (× SENTENCE: 16.2 pt at the least, above the slides' 14 pt floor): the
# largest that needs the fewest pages.
SENTENCE_SCALES = (0.9, 1.0, 1.1, 1.25)
GAP = 8.0


# The slides.


def status_chart(statuses: pd.DataFrame, as_of: int, demo: bool) -> go.Figure:
    counts = statuses["status"].value_counts()
    codes = [c for c in config.STATUS_LABELS if counts.get(c, 0)]
    fig = go.Figure(go.Bar(
        x=[int(counts[c]) for c in codes], y=[config.STATUS_LABELS[c] for c in codes], orientation="h",
        marker_color=[palette.STATUS_COLOURS[c] for c in codes], text=[int(counts[c]) for c in codes],
        marker_line=dict(color=palette.EDGE, width=0.8), textposition="outside", textfont=dict(size=18), cliponaxis=False,
    ))
    fig.update_yaxes(categoryorder="array", categoryarray=[config.STATUS_LABELS[c] for c in reversed(codes)],
                     tickvals=[config.STATUS_LABELS[c] for c in codes], ticktext=[palette.tag(c) for c in codes],
                     tickfont=dict(size=18))
    fig.update_xaxes(title_text="目标个数", gridcolor=charts.GRID, range=[0, max(counts) * 1.15 + 1])
    return charts.style(fig, f"{len(statuses)}个量化目标的达成状态", as_of, demo, height=charts.SLIDE_HEIGHT)


def slide_chart(fig: go.Figure, box: Box) -> Chart:
    box = Box(box.left, box.top, round(box.width), round(box.height))  # whole points: the image fits its box exactly
    return Chart(placement.placed(fig, box, SLIDE_MIN_FONT), box)


def cover_slides(b: Briefing, subtitle: str = "目标进展情况汇报") -> list[Slide]:
    title = Text(Box(60, 150, 840, 130), [Line("敖汉旗推动教育高质量发展实施方案", 40, True, ACCENT, 0.2),
                                          Line(subtitle, 40, True, ACCENT, 0)], name="标题")
    lines = [Line(f"评估年度：{b.as_of}年　　生成日期：{date.today():%Y年%m月%d日}", 20, colour=MUTED),
             Line(f"数据来源：各单位年度填报；{PLAN_SOURCE}", 20, colour=MUTED)]
    if b.demo:
        lines.append(Line(f"本汇报使用{config.DEMO_LABEL}（演示用的虚构数值），并非真实统计", 20, True, RED))
    return [Slide(None, [title, Text(Box(60, 300, 840, 180), lines)])]


def leader_slides(b: Briefing) -> list[Slide]:
    """Issue 21: the 领导版 (reports.leader) after the cover — what a leader acts on, before the detail."""
    return leader_pages(leader.from_briefing(b))


def summary_slides(b: Briefing) -> list[Slide]:
    s = b.statuses
    chart_box = Box(CONTENT.left, CONTENT.top, 520, CONTENT.height)
    facts = [Line(f"{len(s)}个量化目标", 22, True, ACCENT, 0.5)]
    for group, n, parts in status_groups(s):
        if n:
            facts += [Line(f"{group} {n} 个", 20, True, INK, 0.1), Line(parts, 16, colour=MUTED, space_after=0.6)]
    overdue = int(b.ledger["overdue"].sum())
    facts.append(Line(f"逾期任务 {overdue} 项（截至{b.today:%Y年%m月%d日}，已过完成时限而未报告完成）", 18, True, INK, 0.6))
    if len(b.missing):
        facts.append(Line("缺报：" + missing_text(b.missing), 16))
    text_box = Box(chart_box.left + chart_box.width + 16, CONTENT.top + 10, CONTENT.width - chart_box.width - 16,
                   CONTENT.height - 10)
    return [Slide(f"总体情况：{len(s)}个量化目标", [slide_chart(status_chart(s, b.as_of, b.demo), chart_box),
                                                   Text(text_box, facts)])]


def sentence_lines(frame: pd.DataFrame, size: float = SENTENCE) -> list[Line]:
    return [Line("• " + risk_sentence(r), size) for r in lagging(frame).itertuples()]


def section_counts(part: pd.DataFrame) -> str:
    """本部分12个量化目标：已达成或当年达标8个，需要关注4个（逾期未达成3个、当年未达标1个）。"""
    groups = [(g, n, parts) for g, n, parts in status_groups(part) if n]
    said = "，".join(f"{g}{n}个（{parts}）" if g == "需要关注" else f"{g}{n}个" for g, n, parts in groups)
    return f"本部分{len(part)}个量化目标：{said}。"


def rows_height(fig: go.Figure) -> float:
    """The height of a gap chart's rows: it lays them out one y unit a pixel, between its margins."""
    return fig.layout.height - fig.layout.margin.t - fig.layout.margin.b


def part_charts(b: Briefing, part: pd.DataFrame) -> list[tuple[str, pd.DataFrame, go.Figure]]:
    """A part's gap charts laid out the width of a slide, with as many targets each as fit its height
    (the rows are laid out in pixels: a chart that does not fit is split further, never squeezed), and a
    chart of one or two rows joined to the one before it where the two fit together."""
    width = round(CONTENT.width)
    demo = b.demo and bool(part["is_demo"].any())
    built: dict[tuple, go.Figure] = {}

    def chart(title: str, chunk: pd.DataFrame) -> go.Figure:
        key = (title, tuple(chunk["target_id"]))
        if key not in built:
            built[key] = gap_chart.gap_chart(chunk, b.as_of, demo, title, width=width)
        return built[key]

    def fits(fig: go.Figure) -> bool:
        return rows_height(fig) + CHART_MARGIN <= CONTENT.height

    n = len(part)
    # k charts of about n/k targets each, for the fewest k that fit: even charts
    tries = sorted({math.ceil(n / k) for k in range(1, n + 1) if math.ceil(n / k) <= BARS_PER_SLIDE}, reverse=True)
    for bars in tries:
        found = [(title, chunk, chart(title, chunk)) for title, chunk in gap_chart.gap_chunks(part, bars)]
        if bars == tries[-1] or all(fits(fig) for _, _, fig in found):
            break
    joined: list[tuple[str, pd.DataFrame, go.Figure]] = []
    for title, chunk, fig in found:
        if joined and min(len(chunk), len(joined[-1][1])) <= 2:
            first_title, first, _ = joined[-1]
            both = pd.concat([first, chunk])
            keys = sorted(both["key_task_no"].unique())
            span = f"重点任务{keys[0]}—{keys[-1]}" if len(keys) > 1 else f"重点任务{keys[0]}"
            name = first_title.split("（")[0] + f"（{span}{'，续' if '，续' in first_title else ''}）"
            if fits(together := chart(name, both)):
                joined[-1] = (name, both, together)
                continue
        joined.append((title, chunk, fig))
    return joined


def section_slides(b: Briefing) -> list[Slide]:
    """Each part of the plan: its gap charts the width of the slide, each with the sentences for its lagging
    targets under it where they fit; those that did not, under the part's last chart as far as there is
    room (after the part's counts), and the rest on the part's own slides."""
    slides = []
    for _, part in b.statuses.groupby("section_no", sort=True):
        section = f"{config.SECTION_NUMERALS[int(part['section_no'].iloc[0]) - 1]}、{part['section_title'].iloc[0]}"
        found = part_charts(b, part)
        later: list[pd.DataFrame] = []  # chunks whose sentences did not fit under their own chart
        for i, (title, chunk, fig) in enumerate(found):
            natural = rows_height(fig) + CHART_MARGIN
            own = sentence_lines(chunk)
            if i < len(found) - 1:
                if own and natural + text_height(own, CONTENT.width) + GAP <= CONTENT.height:
                    slides.append(chart_with_text(title, fig, natural, own))
                else:
                    slides.append(chart_alone(title, fig, natural))
                    later += [chunk] if own else []
                continue
            # The part's last chart: the sentences still to say follow it, as far as there is room.
            rows = pd.concat([*later, chunk])

            def lines(scale: float, rows=rows, part=part) -> list[Line]:
                size = SENTENCE * scale
                said = sentence_lines(rows, size)
                return [Line(section_counts(part), size, True, ACCENT, 0.6), *said] if said else []

            room = CONTENT.height - natural - GAP
            own_lines = partial(scaled_sentences, chunk)
            queue, n = under_last_chart(lines if later else own_lines, room, bool(later))
            slides.append(chart_with_text(title, fig, natural, queue[:n]) if n else chart_alone(title, fig, natural))
            rest = queue[n:]
            if rest:
                if n == 0 and later:
                    pages = fitted_pages(lines, CONTENT.width, CONTENT.height, SENTENCE_SCALES)
                else:
                    head = [] if later else [Line(section_counts(part), SENTENCE, True, ACCENT, 0.6)]
                    pages = fitted_pages(partial(scaled, head + rest), CONTENT.width, CONTENT.height, SENTENCE_SCALES)
                for page_title, page in numbered(f"{section}：需要关注的目标", pages):
                    slides.append(Slide(page_title, [Text(CONTENT, page)]))
    return slides


def scaled_sentences(frame: pd.DataFrame, scale: float) -> list[Line]:
    return sentence_lines(frame, SENTENCE * scale)


def under_last_chart(make, room: float, later: bool) -> tuple[list[Line], int]:
    """The part's remaining sentences (made at a scale) and how many of them go under its last chart: all of them
    a little smaller (down to SENTENCE_SCALES' least) rather than a page of one sentence, else as many as fit at
    full size (with the part's counts first when there are earlier ones: at least one sentence besides)."""
    for scale in sorted((x for x in SENTENCE_SCALES if x <= 1.0), reverse=True):
        queue = make(scale)
        if queue and text_height(queue, CONTENT.width) <= room * FILL:
            return queue, len(queue)
    queue = make(1.0)
    n = 0
    while n < len(queue) and text_height(queue[:n + 1], CONTENT.width) <= room * FILL:
        n += 1
    return queue, (0 if n < (2 if later else 1) else n)


def scaled(lines: list[Line], scale: float) -> list[Line]:
    """The same lines set at another size (a page of sentences a little smaller rather than two half-empty ones)."""
    return [replace(line, size=line.size * scale) for line in lines]


def chart_alone(title: str, fig: go.Figure, natural: float) -> Slide:
    """A chart on a slide of its own: as tall as its rows allow (spread a little), in the middle of the slide."""
    height = min(CONTENT.height, natural * MAX_STRETCH)
    top = CONTENT.top + (CONTENT.height - height) / 2
    return Slide(title, [slide_chart(fig, Box(CONTENT.left, top, CONTENT.width, height))])


def chart_with_text(title: str, fig: go.Figure, natural: float, lines: list[Line]) -> Slide:
    """A gap chart with sentences under it: the chart as tall as its rows (spread a little where there is
    room), the text below."""
    below = text_height(lines, CONTENT.width)
    height = max(natural, min(CONTENT.height - below - GAP, natural * MAX_STRETCH))
    text = Text(Box(CONTENT.left, CONTENT.top + height + GAP, CONTENT.width, CONTENT.height - height - GAP), lines)
    return Slide(title, [slide_chart(fig, Box(CONTENT.left, CONTENT.top, CONTENT.width, height)), text])


def key_indicator_slides(b: Briefing) -> list[Slide]:
    slides = []
    chart_box = Box(CONTENT.left, CONTENT.top, 620, CONTENT.height)
    text_box = Box(chart_box.left + chart_box.width + 16, CONTENT.top + 10, CONTENT.width - chart_box.width - 16,
                   CONTENT.height - 10)
    f = Filters(b.as_of, None, None, b.include_demo)
    for target_id in config.KEY_TARGETS:
        rows = b.statuses[b.statuses["target_id"] == target_id]
        if rows.empty:
            continue
        t = next(rows.itertuples())
        values, shares, demo = queries.indicator_data(t.indicator_code, t.kind, f)
        title = f"重点指标：{t.indicator_name}"
        facts = fitted_pages(lambda scale, t=t, shares=shares: key_facts(t, shares, scale), text_box.width,
                             text_box.height, scales=(1.0, 0.9, 0.8, 0.7))
        if len(facts) > 1:  # all of it, even if smaller than a slide likes: nothing a leader asks for is dropped
            facts = [[line for page in facts for line in page]]
        slides.append(Slide(title, [slide_chart(indicator_charts.indicator_chart(t, values, b.as_of, demo, shares), chart_box),
                                    Text(text_box, facts[0])]))
    return slides


def key_facts(t, shares: pd.DataFrame | None, scale: float = 1.0) -> list[Line]:
    """What a key indicator's slide says beside its chart (20 pt, the notes 16 pt, at `scale`, never under 14)."""
    big, small = 20 * scale, max(14.0, 16 * scale)
    goal = describe_goal(t)
    facts = [Line(f"目标：{goal}", big), Line(f"目标年度：{describe_year(t)}", big),
             Line(f"最新：{formats.latest_with_year(t)}", big),
             Line(f"状态：{palette.tag(t.status)}", big, True, INK)]
    if (gap := formats.gap(t)) and t.kind not in (*config.EVENT_KINDS, "trend"):
        facts.append(Line(f"差距：{gap}", big))
    if present(t.baseline_value) and t.kind != "ratio":
        facts.append(Line(f"基线：{formats.quantity(t.baseline_value, t.unit)}（{int(t.baseline_year)}年）", big))
    if present(t.projected_value) and t.kind != "ratio" and t.status not in config.MET_STATUSES:
        facts.append(Line(f"按当前速度，目标年约为{formats.quantity(t.projected_value, t.unit)}", big))
    facts.append(Line(f"牵头单位：{t.lead_unit}", big))
    if shares is not None and len(shares):
        # A narrow part of a structure has no room for its number at 14 pt on the slide: say them all here, written
        # as the chart, the tile and the tables write them.
        years = shares.sort_values(["year", "part_no"]).groupby("year")["share_of_ten"]
        parts = parts_of(t.ratio_parts)
        facts.append(Line("历年（合计为10）：" + "；".join(
            f"{int(y)}年" + formats.structure(list(p), parts, t.comparator) for y, p in years), small))
    facts.append(Line(f"原文：“{t.source_text}”", small, colour=MUTED))
    return facts


def overdue_slides(b: Briefing) -> list[Slide]:
    table = overdue_table(b.ledger)
    n = int(b.ledger["overdue"].sum())
    title = f"逾期任务{n}项：截至{b.today:%Y年%m月%d日}"
    if table.empty:
        return [Slide(title, [Text(CONTENT, [Line("没有已过完成时限而未报告完成的任务。", 20)])])]
    note = [Line(OVERDUE_RULE, 14, colour=MUTED, space_after=0)]
    note_h = text_height(note, CONTENT.width)
    box = Box(CONTENT.left, CONTENT.top, CONTENT.width, CONTENT.height - note_h - GAP)
    widths = [1.35, 6.0, 1.45, 1.2]
    # 16 pt, or 14 pt where that saves a slide
    size = min((16.0, 14.0), key=lambda s: (len(table_rows(table, box, widths, s)), -s))
    slides = []
    for slide_title, rows in numbered(title, table_rows(table, box, widths, size)):
        slides.append(Slide(slide_title, [Table(rows, box, widths, size),
                                          Text(Box(CONTENT.left, CONTENT.top + CONTENT.height - note_h,
                                                   CONTENT.width, note_h), note)]))
    return slides


def notes_slides(b: Briefing) -> list[Slide]:
    kinds = b.discrepancies["field"]
    values = b.discrepancies[kinds.str.startswith("target")]
    texts = queries.texts_by_target(b.statuses)

    def notes(scale: float) -> list[Line]:
        head = dict(size=18 * scale, bold=True, colour=ACCENT, space_after=0.2, keep_with_next=True)
        body, item = 16 * scale, 15 * scale
        lines = [
            Line("数据来源", **head),
            Line(f"各单位按年度填报的工作簿（经平台检查后载入，原件归档备查）；目标与任务取自{PLAN_SOURCE}。", body),
            Line(config.DEMO_LABEL, **head),
            Line(f"本汇报含{config.DEMO_LABEL}：演示用的虚构数值，并非真实统计。" if b.demo else "本汇报不含示例数据。", body,
                 b.demo, RED if b.demo else INK),
            Line("正文与附件的差异", **head),
            Line(f"共{len(b.discrepancies)}处：目标{len(values)}处，完成时限{int((kinds == 'deadline').sum())}处，"
                 f"单位{int(kinds.str.endswith('_units').sum())}处。目标值不同的按两份文件分别评估，"
                 "以附件为准，另有裁定的除外。", body),
        ]
        lines += [Line(discrepancy_line(r, texts), item) for r in values.itertuples()]
        if len(b.missing):
            lines += [Line("缺报", **head),
                      Line(missing_text(b.missing, "的工作簿尚未计入（未报送或未审核通过）。"), body)]
        return lines

    def rules(scale: float) -> list[Line]:
        return [Line(text, 16 * scale, lead=f"{name}：") for name, text in method.RULES]

    slides = [Slide(t, [Text(CONTENT, page)])
              for t, page in numbered("数据说明", fitted_pages(notes, CONTENT.width, CONTENT.height))]
    slides += [Slide(t, [Text(CONTENT, page)])
               for t, page in numbered("评估方法", fitted_pages(rules, CONTENT.width, CONTENT.height))]
    return slides


