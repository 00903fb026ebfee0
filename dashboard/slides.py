"""A 16:9 deck described as data, then written with python-pptx.

A slide is a title and a list of items placed in boxes (points from the top left): charts, text, tables.
Builders of slides return these, so a test can check every slide's sizes before anything is drawn, and
other parts of the platform add slides by adding a builder. Text is measured before it is placed (a CJK
character is one em wide, a Latin one about half) with exact line spacing, so a box is never overfilled
and a list that does not fit goes on to a next slide.
"""

import math
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from io import BytesIO

import pandas as pd
import plotly.graph_objects as go
from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Pt

from pipelines import config
from pipelines.describe import present
from pipelines.text import is_wide

from .placement import Box

FONT = "Microsoft YaHei"  # 微软雅黑 in PowerPoint/WPS; LibreOffice substitutes Noto Sans CJK
INK = RGBColor(0x33, 0x33, 0x33)
ACCENT = RGBColor(0x1F, 0x4E, 0x79)
MUTED = RGBColor(0x59, 0x59, 0x59)
RED = RGBColor(0xB0, 0x00, 0x20)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)

# A 16:9 slide of 13.333 × 7.5 inches, in points.
WIDTH, HEIGHT = 960.0, 540.0
MARGIN = 30.0
TITLE_BOX = Box(MARGIN, 14.0, 770.0, 56.0)
TITLE_SIZE = 26.0
CONTENT = Box(MARGIN - 6, 76.0, WIDTH - 2 * (MARGIN - 6), 424.0)  # between the title and the footer
FOOTER_TOP, FOOTER_SIZE = 508.0, 12.0
DEMO_MARK = Box(822.0, 22.0, 108.0, 32.0)
LINE_SPACING = 1.3  # exact line height, times the font size
INSET_X, INSET_Y = 7.2, 3.6  # python-pptx's default text-frame insets (0.1 in, 0.05 in)
FILL = 0.96  # of a box's height that measured text may take: renderers differ a little


@dataclass
class Line:
    """One paragraph of a text box."""

    text: str
    size: float = 18.0
    bold: bool = False
    colour: RGBColor = INK
    space_after: float = 0.35  # in ems
    keep_with_next: bool = False  # a heading stays on the page of what it heads
    lead: str = ""  # a bold run before the text (a rule's name)


@dataclass
class Text:
    box: Box
    lines: list[Line]
    name: str | None = None
    align: PP_ALIGN = PP_ALIGN.LEFT


@dataclass
class Chart:
    """A figure laid out at its box's size (dashboard.placement.placed); png is filled in when rendered."""

    figure: go.Figure
    box: Box
    png: Future | bytes | None = None


@dataclass
class Table:
    frame: pd.DataFrame
    box: Box
    widths: list[float]  # relative
    size: float = 14.0


@dataclass
class Slide:
    title: str | None
    items: list = field(default_factory=list)


# Measuring text.


def em_width(text: str) -> float:
    """Width of a line of text in ems: CJK and full-width forms one em, Latin letters and digits about half,
    and the quarter em that renderers put between a CJK character and a Latin one."""
    total, previous = 0.0, None
    for ch in text:
        # Ambiguous characters are wide in a CJK font (—, ≥, ①), except Latin-1's (×, ·, °), drawn narrow.
        wide = is_wide(ch, ambiguous_wide=True) and ord(ch) > 0x2000
        if ch == " ":
            total += 0.3
        else:
            total += 1.0 if wide else 0.6
            if previous is not None and previous != wide and (wide or ch.isalnum()):
                total += 0.25
            previous = wide
    return total


def line_count(text: str, width: float, size: float) -> int:
    """Lines a paragraph takes in a box this wide (CJK text breaks between any two characters)."""
    usable = (width - 2 * INSET_X) * 0.96
    return sum(max(1, math.ceil(em_width(part) * size / usable)) for part in text.split("\n"))


def line_height(line: Line, width: float) -> float:
    return line_count(line.lead + line.text, width, line.size) * line.size * LINE_SPACING + line.space_after * line.size


def text_height(lines: list[Line], width: float) -> float:
    return sum(line_height(line, width) for line in lines) + 2 * INSET_Y


def even_groups(heights: list[float], capacity: float, fixed: float = 0.0,
                keep_with_next: list[bool] | None = None) -> list[list[int]]:
    """Indices of consecutive items in groups that each fit `capacity` (with `fixed` for what every group
    repeats, such as a table's header), as few groups as possible and as even as those allow, so that a
    last page does not hold a single line. An item marked keep-with-next (a heading) never ends a group."""
    keep = keep_with_next or [False] * len(heights)

    def greedy(cap: float) -> list[list[int]]:
        groups, current, used = [], [], fixed
        for i, h in enumerate(heights):
            if current and used + h > cap:
                carried = []
                while len(current) > 1 and keep[current[-1]]:
                    carried.insert(0, current.pop())
                groups.append(current)
                current, used = carried, fixed + sum(heights[j] for j in carried)
            current.append(i)
            used += h
        groups.append(current)
        return groups

    fewest = len(greedy(capacity))
    low, high = fixed + max(heights, default=0.0), capacity
    for _ in range(24):  # the smallest capacity that still needs no more groups
        middle = (low + high) / 2
        if len(greedy(middle)) <= fewest:
            high = middle
        else:
            low = middle
    return greedy(high)


def pages_of(lines: list[Line], width: float, height: float) -> list[list[Line]]:
    """The lines in groups that each fit a box of this size."""
    heights = [line_height(line, width) for line in lines]
    groups = even_groups(heights, height * FILL, 2 * INSET_Y, [line.keep_with_next for line in lines])
    return [[lines[i] for i in group] for group in groups]


def fitted_pages(make: Callable[[float], list[Line]], width: float, height: float,
                 scales: tuple[float, ...] = (1.25, 1.1, 1.0)) -> list[list[Line]]:
    """Lines made at the largest scale that needs no more pages than the smallest: few lines are set
    larger instead of leaving most of a slide empty."""
    options = [pages_of(make(scale), width, height) for scale in sorted(scales)]
    fewest = min(len(pages) for pages in options)
    return [pages for pages in options if len(pages) == fewest][-1]


def row_height(values, widths: list[float], size: float) -> float:
    """Height of a table row: its tallest cell, with the cell's insets."""
    lines = max(line_count(str(v), w, size) for v, w in zip(values, widths))
    return lines * size * LINE_SPACING + 2 * INSET_Y + 4


def table_rows(frame: pd.DataFrame, box: Box, widths: list[float], size: float) -> list[pd.DataFrame]:
    """The table's rows in groups that each fit the box under the header row."""
    columns = [box.width * w / sum(widths) for w in widths]
    heights = [row_height(values, columns, size) for values in frame.itertuples(index=False)]
    groups = even_groups(heights, box.height * FILL, row_height(frame.columns, columns, size))
    return [frame.iloc[group] for group in groups]


def numbered(title: str, pages: list) -> list[tuple[str, object]]:
    """A title for each of several pages of one thing: 标题（1/2）, 标题（2/2）."""
    if len(pages) == 1:
        return [(title, pages[0])]
    return [(f"{title}（{i}/{len(pages)}）", page) for i, page in enumerate(pages, start=1)]


# Writing the deck.


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


def _fill_frame(frame, lines: list[Line], align=PP_ALIGN.LEFT) -> None:
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.alignment = align
        paragraph.line_spacing = Pt(line.size * LINE_SPACING)
        paragraph.space_after = Pt(line.space_after * line.size)
        if line.lead:
            run = paragraph.add_run()
            run.text = line.lead
            set_font(run, line.size, True, line.colour)
        run = paragraph.add_run()
        run.text = line.text
        set_font(run, line.size, line.bold, line.colour)


def _box(slide, box: Box, lines: list[Line], name: str | None = None, align=PP_ALIGN.LEFT):
    shape = slide.shapes.add_textbox(Pt(box.left), Pt(box.top), Pt(box.width), Pt(box.height))
    _fill_frame(shape.text_frame, lines, align)
    if name:
        shape.name = name
    return shape


def _table(slide, item: Table) -> None:
    frame, box = item.frame, item.box
    columns = [box.width * w / sum(item.widths) for w in item.widths]
    heights = [row_height(frame.columns, columns, item.size)] + [
        row_height(values, columns, item.size) for values in frame.itertuples(index=False)]
    shape = slide.shapes.add_table(len(frame) + 1, len(frame.columns), Pt(box.left), Pt(box.top), Pt(box.width),
                                   Pt(sum(heights)))
    shape.name = "表格"
    table = shape.table
    for c, width in enumerate(columns):
        table.columns[c].width = Pt(width)
    for r, height in enumerate(heights):
        table.rows[r].height = Pt(height)
    rows = [list(map(str, frame.columns))] + [[str(v) if present(v) else "" for v in values]
                                              for values in frame.itertuples(index=False)]
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.text = ""
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
            if r == 0:
                cell.fill.solid()
                cell.fill.fore_color.rgb = ACCENT
            _fill_frame(cell.text_frame, [Line(value, item.size, r == 0, WHITE if r == 0 else INK, 0)])


def write_deck(slides: list[Slide], demo: bool, source: str) -> bytes:
    """The slides as .pptx bytes: a title band, the items, a footer with the source line and the slide number,
    and the 示例数据 mark on every slide when demo values are shown."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = Pt(WIDTH), Pt(HEIGHT)
    layout = prs.slide_layouts[6]  # blank
    footer = source + (f"；{config.DEMO_LABEL}" if demo else "")
    for n, spec in enumerate(slides, start=1):
        slide = prs.slides.add_slide(layout)
        band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, Pt(WIDTH), Pt(9))
        band.fill.solid()
        band.fill.fore_color.rgb = ACCENT
        band.line.fill.background()
        if spec.title:
            _box(slide, TITLE_BOX, [Line(spec.title, TITLE_SIZE, True, ACCENT, 0)], name="标题")
        for item in spec.items:
            if isinstance(item, Chart):
                png = item.png.result() if isinstance(item.png, Future) else item.png
                picture = slide.shapes.add_picture(BytesIO(png), Pt(item.box.left), Pt(item.box.top),
                                                   Pt(item.box.width), Pt(item.box.height))
                picture.name = "图表"
            elif isinstance(item, Table):
                _table(slide, item)
            else:
                _box(slide, item.box, item.lines, item.name, item.align)
        _box(slide, Box(MARGIN, FOOTER_TOP, 800, 26), [Line(footer, FOOTER_SIZE, colour=MUTED, space_after=0)],
             name="来源")
        _box(slide, Box(WIDTH - MARGIN - 60, FOOTER_TOP, 60, 26), [Line(str(n), FOOTER_SIZE, colour=MUTED, space_after=0)],
             name="页码", align=PP_ALIGN.RIGHT)
        if demo:
            mark = _box(slide, DEMO_MARK, [Line(config.DEMO_LABEL, 16, True, RED, 0)], name="示例数据标记",
                        align=PP_ALIGN.CENTER)
            mark.line.color.rgb = RED
    out = BytesIO()
    prs.save(out)
    return out.getvalue()
