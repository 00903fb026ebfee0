"""The briefing deck: a 16:9 PowerPoint in Chinese that a staff member can present as it is.

Cover; status summary; one slide per section (a long section on two) with its target-gap chart and a
sentence for every target that is missed or at risk; the key indicators one slide each; overdue tasks by
lead unit; data notes. Every run of text carries an East Asian font, so that PowerPoint, WPS and
LibreOffice all draw the Chinese in a CJK face.
"""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from io import BytesIO

import duckdb
import pandas as pd
import plotly.graph_objects as go
from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from pipelines import config, method
from pipelines.describe import describe_gap, describe_latest, describe_target, describe_year, number, parts_of, present

from . import charts, images, queries
from .queries import Filters, reading

FONT = "Microsoft YaHei"  # 微软雅黑 in PowerPoint/WPS; LibreOffice substitutes Noto Sans CJK
INK = RGBColor(0x33, 0x33, 0x33)
ACCENT = RGBColor(0x1F, 0x4E, 0x79)
MUTED = RGBColor(0x66, 0x66, 0x66)
RED = RGBColor(0xB0, 0x00, 0x20)
SLIDE_W, SLIDE_H = Inches(13.333), Inches(7.5)
KEY_TARGETS = ("T03-5", "T10-5", "T10-6", "T36-1", "T19-1")  # 毛入学率, 入公办园率, 普惠覆盖率, 高中初结构, 职普比
AT_RISK = config.LAGGING_STATUSES
MAX_SENTENCES = 7


def set_font(run, size: float, bold: bool = False, colour: RGBColor = INK) -> None:
    """Size, weight, colour, and the Latin and East Asian typefaces of one run of text."""
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = colour
    run.font.name = FONT
    rpr = run._r.get_or_add_rPr()
    for tag in ("a:latin", "a:ea", "a:cs"):
        element = rpr.find(qn(tag))
        if element is None:
            element = etree.SubElement(rpr, qn(tag))
        element.set("typeface", FONT)


def text_box(slide, left, top, width, height, lines, size=16, bold=False, colour=INK, align=PP_ALIGN.LEFT,
             spacing=1.15):
    """A text box of one paragraph per line; a line may be (text, size, bold, colour)."""
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    for i, line in enumerate(lines):
        text, s, b, c = (line, size, bold, colour) if isinstance(line, str) else line
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.alignment = align
        paragraph.line_spacing = spacing
        run = paragraph.add_run()
        run.text = text
        set_font(run, s, b, c)
    return box


@dataclass
class Briefing:
    as_of: int
    demo: bool
    statuses: pd.DataFrame
    ledger: pd.DataFrame
    discrepancies: pd.DataFrame
    missing: pd.DataFrame
    today: date


def gather(con: duckdb.DuckDBPyConnection, as_of: int | None, include_demo: bool = True) -> Briefing:
    """Everything the deck and the Excel report show, read through one connection."""
    with reading(con):
        as_of = as_of or queries.default_year(include_demo)
        f = Filters(as_of, None, None, include_demo)
        statuses = queries.statuses(f)
        ledger = queries.ledger(f)
        discrepancies = queries.query("select * from discrepancies order by task_no, field")
        due = queries.completeness(include_demo, queries.last_due_year(as_of))
    return Briefing(as_of, include_demo and bool(statuses["is_demo"].any()), statuses, ledger, discrepancies,
                    due[due["received"] == 0], queries.ledger_date(as_of))


def risk_sentence(row) -> str:
    """What, how far, who leads: one sentence for a target that is missed or at risk."""
    name = row.indicator_name.replace("（当年新增）", "")
    goal = describe_target(row.kind, row.comparator, row.target_value, row.unit, parts_of(row.ratio_parts), row.basis)
    year = describe_year(row)
    latest = describe_latest(row)
    when = f"{int(row.latest_year)}年" if present(row.latest_year) else "最新"
    gap = ""
    if present(row.gap) and row.gap > 0 and row.kind not in ("milestone", "trend"):
        gap = f"，差{describe_gap(row)}"
    return f"{name}：{when}{latest}，目标{goal}（{year}）{gap}，{row.status_label}；牵头：{row.lead_unit}。"


def status_chart(statuses: pd.DataFrame, as_of: int, demo: bool) -> go.Figure:
    counts = statuses["status"].value_counts()
    codes = [c for c in config.STATUS_LABELS if counts.get(c, 0)]
    fig = go.Figure(go.Bar(
        x=[int(counts[c]) for c in codes], y=[config.STATUS_LABELS[c] for c in codes], orientation="h",
        marker_color=[config.STATUS_COLOURS[c] for c in codes], text=[int(counts[c]) for c in codes],
        textposition="outside", textfont=dict(size=18),
    ))
    fig.update_yaxes(categoryorder="array", categoryarray=[config.STATUS_LABELS[c] for c in reversed(codes)],
                     tickfont=dict(size=18))
    fig.update_xaxes(title_text="目标个数", gridcolor=charts.GRID, range=[0, max(counts) * 1.15 + 1])
    return charts.style(fig, f"{len(statuses)}个量化目标的达成状态", as_of, demo, height=charts.SLIDE_HEIGHT)


class Deck:
    """A 16:9 deck in the project's own plain style: a title band, content, a footer line."""

    def __init__(self, demo: bool, source: str):
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = SLIDE_W, SLIDE_H
        self.layout = self.prs.slide_layouts[6]  # blank
        self.demo = demo
        self.source = source

    def slide(self, title: str | None):
        slide = self.prs.slides.add_slide(self.layout)
        band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, SLIDE_W, Inches(0.12))
        band.fill.solid()
        band.fill.fore_color.rgb = ACCENT
        band.line.fill.background()
        if title:
            box = text_box(slide, Inches(0.5), Inches(0.3), Inches(10.8), Inches(0.8), [title], size=26, bold=True, colour=ACCENT)
            box.name = "标题"
        n = len(self.prs.slides)
        footer = self.source + (f"；{config.DEMO_LABEL}" if self.demo else "")
        text_box(slide, Inches(0.5), Inches(7.05), Inches(10), Inches(0.35), [footer], size=10, colour=MUTED)
        text_box(slide, Inches(12.2), Inches(7.05), Inches(0.7), Inches(0.35), [str(n)], size=10, colour=MUTED,
                 align=PP_ALIGN.RIGHT)
        if self.demo:
            mark = text_box(slide, Inches(11.5), Inches(0.35), Inches(1.4), Inches(0.45), [config.DEMO_LABEL], size=14,
                            bold=True, colour=RED, align=PP_ALIGN.CENTER)
            mark.line.color.rgb = RED
        return slide

    def picture(self, slide, png: bytes, left, top, width):
        return slide.shapes.add_picture(BytesIO(png), left, top, width=width)

    def table(self, slide, frame: pd.DataFrame, left, top, width, widths: list[float], size: float = 12):
        rows, cols = len(frame) + 1, len(frame.columns)
        shape = slide.shapes.add_table(rows, cols, left, top, width, Inches(0.4) * rows)
        table = shape.table
        for c, w in enumerate(widths):
            table.columns[c].width = Emu(int(width * w / sum(widths)))
        for c, name in enumerate(frame.columns):
            cell = table.cell(0, c)
            cell.text = ""
            set_font(cell.text_frame.paragraphs[0].add_run(), size, True, RGBColor(0xFF, 0xFF, 0xFF))
            cell.text_frame.paragraphs[0].runs[0].text = str(name)
            cell.fill.solid()
            cell.fill.fore_color.rgb = ACCENT
        for r, values in enumerate(frame.itertuples(index=False), start=1):
            for c, value in enumerate(values):
                cell = table.cell(r, c)
                cell.text = ""
                run = cell.text_frame.paragraphs[0].add_run()
                run.text = "" if not present(value) else str(value)
                set_font(run, size)
        return shape

    def bytes(self) -> bytes:
        out = BytesIO()
        self.prs.save(out)
        return out.getvalue()


def build_deck(con: duckdb.DuckDBPyConnection, as_of: int | None = None, include_demo: bool = True) -> bytes:
    """The whole deck as .pptx bytes (charts rendered once each by the shared kaleido browser)."""
    images.start()  # the browser starts in the background while the data are read and the figures built
    b = gather(con, as_of, include_demo)
    deck = Deck(b.demo, config.SOURCE_LINE)
    statuses = b.statuses

    # Every chart is handed to the renderer as soon as it is built, so that Chromium draws one while
    # Python builds the next; the slides then take the PNGs in order.
    with ThreadPoolExecutor(max_workers=1) as renderer:
        summary_png = renderer.submit(images.png, status_chart(statuses, b.as_of, b.demo))
        sections = [
            (title, part, renderer.submit(images.png, charts.gap_chart(
                part, b.as_of, b.demo and bool(part["is_demo"].any()), f"{title}：量化目标进展")))
            for title, part in charts.gap_chunks(statuses)
        ]
        keys = []
        for target_id in KEY_TARGETS:
            rows = statuses[statuses["target_id"] == target_id]
            if rows.empty:
                continue
            target = next(rows.itertuples())
            with reading(con):
                values, shares, demo = queries.indicator_data(
                    target.indicator_code, target.kind, Filters(b.as_of, None, None, include_demo))
            keys.append((target, renderer.submit(images.png, charts.indicator_chart(target, values, b.as_of, demo, shares))))
        _slides(deck, b, summary_png.result(), [(t, p, f.result()) for t, p, f in sections],
                [(t, f.result()) for t, f in keys])
    return deck.bytes()


def _slides(deck: Deck, b: Briefing, summary_png: bytes, sections: list, keys: list) -> None:
    statuses = b.statuses

    # Cover
    slide = deck.slide(None)
    cover = text_box(slide, Inches(0.9), Inches(2.2), Inches(11.5), Inches(1.4),
                     ["敖汉旗推动教育高质量发展实施方案", "目标进展情况汇报"], size=40, bold=True, colour=ACCENT)
    cover.name = "标题"
    lines = [f"评估年度：{b.as_of}年　　生成日期：{date.today():%Y年%m月%d日}",
             "数据来源：各单位年度填报；方案及附件工作任务清单（2023年4月7日印发）"]
    if b.demo:
        lines.append((f"本汇报使用{config.DEMO_LABEL}（演示用的虚构数值），并非真实统计", 18, True, RED))
    text_box(slide, Inches(0.9), Inches(4.1), Inches(11.5), Inches(1.6), lines, size=18, colour=MUTED)

    # Status summary
    counts = statuses["status"].value_counts()
    slide = deck.slide(f"总体情况：{len(statuses)}个量化目标")
    deck.picture(slide, summary_png, Inches(0.4), Inches(1.1), Inches(8.4))
    facts = ["，".join(f"{label} {int(counts[code])} 个" for code, label in config.STATUS_LABELS.items()
                      if counts.get(code, 0)),
             f"已过完成时限而未报告完成的任务 {int(b.ledger['overdue'].sum())} 项（截至{b.today:%Y-%m-%d}）"]
    text_box(slide, Inches(9.0), Inches(1.5), Inches(3.9), Inches(5), [("要点", 20, True, ACCENT), *facts], size=16, spacing=1.4)

    # One slide per section (or part of one)
    for title, part, png in sections:
        slide = deck.slide(f"{title}")
        deck.picture(slide, png, Inches(0.3), Inches(1.05), Inches(8.9))
        risky = part[part["status"].isin(AT_RISK)]
        sentences = [risk_sentence(r) for r in risky.itertuples()]
        lines = [("需要关注", 18, True, ACCENT)]
        lines += [(s, 12, False, INK) for s in sentences[:MAX_SENTENCES]]
        if len(sentences) > MAX_SENTENCES:
            lines.append((f"另有{len(sentences) - MAX_SENTENCES}项，详见仪表盘“总览”。", 12, False, MUTED))
        if not sentences:
            lines.append(("本部分没有逾期或进展不足的目标。", 13, False, INK))
        text_box(slide, Inches(9.35), Inches(1.15), Inches(3.75), Inches(5.8), lines, spacing=1.2)

    # Key indicators
    for target, png in keys:
        slide = deck.slide(f"重点指标：{target.indicator_name}")
        deck.picture(slide, png, Inches(0.3), Inches(1.05), Inches(8.9))
        goal = describe_target(target.kind, target.comparator, target.target_value, target.unit, parts_of(target.ratio_parts), target.basis)
        latest = describe_latest(target)
        facts = [("要点", 18, True, ACCENT),
                 f"目标：{goal}（{describe_year(target)}）",
                 f"最新：{latest}" + (f"（{int(target.latest_year)}年）" if present(target.latest_year) else ""),
                 f"状态：{target.status_label}"]
        if present(target.baseline_value) and target.kind != "ratio":
            facts.append(f"基线：{number(target.baseline_value, target.unit)}（{int(target.baseline_year)}年）")
        if present(target.projected_value) and target.kind != "ratio":
            facts.append(f"按当前速度，目标年约为{number(target.projected_value, target.unit)}")
        facts += [f"牵头单位：{target.lead_unit}", (f"原文：“{target.source_text}”", 12, False, MUTED)]
        text_box(slide, Inches(9.35), Inches(1.3), Inches(3.75), Inches(5.5), facts, size=15, spacing=1.35)

    # Overdue tasks by lead unit
    overdue = b.ledger[b.ledger["overdue"]]
    slide = deck.slide(f"逾期任务（截至{b.today:%Y年%m月%d日}）：{len(overdue)}项")
    if overdue.empty:
        text_box(slide, Inches(0.8), Inches(1.5), Inches(11), Inches(1), ["没有已过完成时限而未报告完成的任务。"], size=20)
    else:
        by_unit = (
            overdue.assign(unit=overdue["lead_units"].str.split("、")).explode("unit")
            .groupby("unit")
            .apply(lambda g: pd.Series({
                "逾期任务数": len(g),
                "任务（应完成日期）": "；".join(f"任务{r.task_no}（{pd.Timestamp(r.overdue_since):%Y-%m}）" for r in g.itertuples()),
            }), include_groups=False)
            .reset_index().rename(columns={"unit": "牵头单位"})
            .sort_values("逾期任务数", ascending=False)
        )
        deck.table(slide, by_unit, Inches(0.6), Inches(1.3), Inches(12.1), [2, 1.2, 9], size=13)
        text_box(slide, Inches(0.6), Inches(6.2), Inches(12), Inches(0.6),
                 ["逾期：有具体完成时限且已过期，而最新填报不是“已完成”（长期坚持类任务填报“常态化推进”视为完成）。"],
                 size=12, colour=MUTED)

    # Data notes
    slide = deck.slide("数据说明")
    kinds = b.discrepancies["field"]
    value_notes = b.discrepancies[kinds.str.startswith("target")]
    notes = [
        ("数据来源", 16, True, ACCENT),
        "各单位按年度填报的工作簿（经平台检查后载入，原件归档备查）；目标与任务取自《敖汉旗推动教育高质量发展实施方案》及附件工作任务清单。",
        ("示例数据", 16, True, ACCENT),
        (f"本汇报含{config.DEMO_LABEL}：演示用的虚构数值，并非真实统计。" if b.demo else "本汇报不含示例数据。", 13, b.demo, RED if b.demo else INK),
        ("评估方法", 16, True, ACCENT),
        method.rules_text(),
        ("正文与附件的差异", 16, True, ACCENT),
        f"共{len(b.discrepancies)}处：目标{len(value_notes)}处，完成时限{int((kinds == 'deadline').sum())}处，单位{int(kinds.str.endswith('_units').sum())}处。目标以附件为准。",
    ]
    notes += [(f"· 任务{int(r.task_no)}：{r.note}（正文：{r.body_value if present(r.body_value) else '无'}；附件：{r.attachment_value if present(r.attachment_value) else '无'}）", 12, False, INK)
              for r in value_notes.itertuples()]
    if len(b.missing):
        notes += [("缺报", 16, True, ACCENT),
                  "、".join(f"{r.unit}{r.year}年" for r in b.missing.itertuples()) + "的工作簿尚未收到。"]
    text_box(slide, Inches(0.6), Inches(1.15), Inches(12.1), Inches(5.8), notes, size=13, spacing=1.2)


def report_file_name(as_of: int | None, suffix: str) -> str:
    return f"教育高质量发展目标进展汇报_{as_of or ''}年_{date.today():%Y%m%d}{suffix}"
