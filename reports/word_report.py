"""The 监测报告: a Word document in the style of a 公文 (GB/T 9704-2012) that a county office can file as it is.

Title, as-of year, a summary; a section per part of the plan with its target-gap charts and a sentence for
every target that is missed or at risk (what, how far, who leads); overdue tasks named with their lead
units; data notes (sources, 示例数据, the method). A4, the standard margins, 仿宋 三号 body on a 28 pt line,
黑体 and 楷体 headings, 宋体 title; every run names its East Asian font (w:eastAsia), and the font table
names an open CJK font of the same style as each one's fallback for machines that lack it. Page numbers
“— 1 —” at the foot of every page; 示例数据 in the header of every page when demo values are shown.

The report is the list REPORT_SECTIONS: each takes the Report and the Briefing and writes its part; the
numbering of the headings (一、（一）) follows their order, so a new part of the platform adds its own.
"""

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from io import BytesIO

import duckdb
import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from lxml import etree

from pipelines.core import config, formats
from pipelines.core.describe import describe_goal, present
from pipelines.plan import method

from . import gap_chart, images, placement, queries
from .briefing import CHART_MARGIN, rows_height, section_counts
from .briefing_data import (
    OVERDUE_RULE,
    PLAN_SOURCE,
    Briefing,
    discrepancy_line,
    gather,
    lagging,
    missing_text,
    overdue_table,
    risk_sentence,
    status_groups,
)
from .gongwen import ERHAO, SANHAO, SIHAO, XIAOSI
from .leader_word import leader_section
from .placement import PRINT_MIN_FONT, Box
from .plan_exports import word_section as plan_section  # issue 23: the path to pass
from .readiness_word import acceptance_section

# 公文 fonts, each with the open font of the same style that stands in where it is not installed.
FANGSONG, HEITI, KAITI, SONGTI = "仿宋", "黑体", "楷体", "宋体"
LATIN = "Times New Roman"
FALLBACKS = {
    FANGSONG: ("Noto Serif CJK SC", "roman"),
    KAITI: ("Noto Serif CJK SC", "roman"),
    SONGTI: ("Noto Serif CJK SC", "roman"),
    HEITI: ("Noto Sans CJK SC", "swiss"),
}
LINE = 28.0  # the body's exact line height: 22 lines of 28 characters on a page
RED = RGBColor(0xC0, 0x00, 0x00)
# A4 with the margins of GB/T 9704-2012 (版心 156 × 225 mm).
PAGE_WIDTH, PAGE_HEIGHT = Cm(21.0), Cm(29.7)
MARGINS = dict(top_margin=Cm(3.7), bottom_margin=Cm(3.5), left_margin=Cm(2.8), right_margin=Cm(2.6))
TEXT_WIDTH = 156 / 25.4 * 72  # pt
TEXT_HEIGHT = 225 / 25.4 * 72
CHART_ZOOM = 14 / 9  # px per pt: the dashboard's 14 px labels print at 9 pt (小五), its titles larger
CHART_PIXELS_PER_POINT = 3  # 216 dpi on paper
NUMERALS = "一二三四五六七八九十"


def fonts(run_or_style, east_asian: str, size: float | None = None, bold: bool | None = None,
          colour: RGBColor | None = None) -> None:
    """The Latin and East Asian typefaces (and size, weight, colour) of a run or a style."""
    font = run_or_style.font
    font.name = LATIN
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if colour is not None:
        font.color.rgb = colour
    element = run_or_style.element if hasattr(run_or_style, "element") and not hasattr(run_or_style, "_r") else run_or_style._r
    rpr = element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    for attribute in list(rfonts.attrib):  # theme fonts would override the named ones
        if attribute.endswith("Theme"):
            del rfonts.attrib[attribute]
    rfonts.set(qn("w:ascii"), LATIN)
    rfonts.set(qn("w:hAnsi"), LATIN)
    rfonts.set(qn("w:cs"), LATIN)
    rfonts.set(qn("w:eastAsia"), east_asian)
    rfonts.set(qn("w:hint"), "eastAsia")


class Report:
    """A 公文-style document being written: headings numbered in order, body paragraphs, charts, tables."""

    def __init__(self, demo: bool, renderer: ThreadPoolExecutor):
        self.doc = Document()
        self.demo = demo
        self.renderer = renderer
        self.pictures: list[tuple] = []
        self.level1 = self.level2 = self.figures = self.tables = 0
        self._page()
        self._styles()
        self._font_table()

    def _page(self) -> None:
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        for name, value in MARGINS.items():
            setattr(section, name, value)
        section.header_distance, section.footer_distance = Cm(1.5), Cm(2.5)
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._run(footer, "— ", SONGTI, SIHAO)
        self._field(footer, "PAGE", SONGTI, SIHAO)
        self._run(footer, " —", SONGTI, SIHAO)
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if self.demo:
            self._run(header, f"{config.DEMO_LABEL}（演示用的虚构数值，并非真实统计）", HEITI, XIAOSI, True, RED)

    def _styles(self) -> None:
        styles = self.doc.styles
        normal = styles["Normal"]
        fonts(normal, FANGSONG, SANHAO, colour=RGBColor(0, 0, 0))
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")
        normal.element.get_or_add_rPr().append(lang)
        body = normal.paragraph_format
        body.line_spacing_rule, body.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(LINE)
        body.space_before = body.space_after = Pt(0)
        body.first_line_indent = Pt(2 * SANHAO)
        body.widow_control = True
        for name, face in (("Heading 1", HEITI), ("Heading 2", KAITI), ("Title", SONGTI), ("Caption", KAITI)):
            style = styles[name]
            rpr = style.element.get_or_add_rPr()
            for tag in ("w:color", "w:i", "w:iCs", "w:b", "w:bCs", "w:spacing", "w:kern"):  # theme colours, italics
                for element in rpr.findall(qn(tag)):
                    rpr.remove(element)
            fonts(style, face, SANHAO, False, RGBColor(0, 0, 0))
            paragraph = style.paragraph_format
            paragraph.line_spacing_rule, paragraph.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(LINE)
            paragraph.space_before = paragraph.space_after = Pt(0)
            paragraph.first_line_indent = Pt(2 * SANHAO)
            paragraph.keep_with_next = True
            ppr = style.element.get_or_add_pPr()
            for border in ppr.findall(qn("w:pBdr")):  # the default Title has a rule under it
                ppr.remove(border)
        title = styles["Title"]
        fonts(title, SONGTI, ERHAO, True)
        title.paragraph_format.first_line_indent = Pt(0)
        title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        title.paragraph_format.line_spacing = Pt(36)
        caption = styles["Caption"]
        fonts(caption, KAITI, SIHAO, False)
        caption.paragraph_format.first_line_indent = Pt(0)
        caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        caption.paragraph_format.keep_with_next = False

    def _font_table(self) -> None:
        """Declare each 公文 font with an alternative of its style (w:altName), its GB2312 character set and
        family, as Word itself does, so that a machine without it picks a like face."""
        part = self.doc.part.part_related_by(RELATIONSHIP_TYPE.FONT_TABLE)
        root = etree.fromstring(part.blob)
        for name, (alternative, family) in FALLBACKS.items():
            font = etree.SubElement(root, qn("w:font"))
            font.set(qn("w:name"), name)
            for tag, value in (("w:altName", alternative), ("w:charset", "86"), ("w:family", family),
                               ("w:pitch", "variable")):
                etree.SubElement(font, qn(tag)).set(qn("w:val"), value)
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    # Pieces of text.

    def _run(self, paragraph, text: str, face: str = FANGSONG, size: float | None = None, bold: bool | None = None,
             colour: RGBColor | None = None):
        run = paragraph.add_run(text)
        fonts(run, face, size, bold, colour)
        return run

    def _field(self, paragraph, instruction: str, face: str, size: float) -> None:
        """A field (PAGE) as Word writes it: begin, instruction, separator, shown value, end; each run with its fonts."""
        for kind, text in (("begin", None), ("instr", f" {instruction} "), ("separate", None), ("text", "1"), ("end", None)):
            run = self._run(paragraph, "" if kind != "text" else text, face, size)
            if kind == "instr":
                element = OxmlElement("w:instrText")
                element.set(qn("xml:space"), "preserve")
                element.text = text
                run._r.append(element)
            elif kind != "text":
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), kind)
                run._r.append(element)

    def title(self, lines: list[str]) -> None:
        for line in lines:
            paragraph = self.doc.add_paragraph(style="Title")
            self._run(paragraph, line, SONGTI, ERHAO, True)

    def centred(self, text: str, face: str = KAITI, size: float = SANHAO, bold: bool = False, colour=None) -> None:
        paragraph = self.doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.first_line_indent = Pt(0)
        self._run(paragraph, text, face, size, bold, colour)

    def heading1(self, text: str) -> None:
        self.level1 += 1
        self.level2 = 0
        paragraph = self.doc.add_paragraph(style="Heading 1")
        self._run(paragraph, f"{NUMERALS[self.level1 - 1]}、{text}", HEITI, SANHAO)

    def appendix(self, text: str) -> None:
        """An unnumbered heading of the first level (附录), on a new page."""
        paragraph = self.doc.add_paragraph(style="Heading 1")
        paragraph.paragraph_format.page_break_before = True
        self._run(paragraph, text, HEITI, SANHAO)

    def heading2(self, text: str) -> None:
        self.level2 += 1
        paragraph = self.doc.add_paragraph(style="Heading 2")
        self._run(paragraph, f"（{NUMERALS[self.level2 - 1]}）{text}", KAITI, SANHAO)

    def para(self, text: str, lead: str = "", bold: bool = False, colour: RGBColor | None = None):
        """A body paragraph; `lead` is set in bold before it (a numbered point's name)."""
        paragraph = self.doc.add_paragraph()
        if lead:
            self._run(paragraph, lead, FANGSONG, SANHAO, True)
        self._run(paragraph, text, FANGSONG, SANHAO, bold, colour)
        return paragraph

    def chart(self, figure, caption: str, height: float) -> None:
        """A dashboard figure the width of the text, its caption under it (图1 …)."""
        box = Box(0, 0, round(TEXT_WIDTH), round(min(height, TEXT_HEIGHT - 2 * LINE)))
        fig = placement.placed(figure, box, PRINT_MIN_FONT, zoom=CHART_ZOOM)
        png = self.renderer.submit(placement.render, fig, box.width, CHART_PIXELS_PER_POINT)
        paragraph = self.doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt = paragraph.paragraph_format
        fmt.first_line_indent = Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        fmt.keep_with_next = True
        fmt.space_before = Pt(6)
        self.pictures.append((paragraph, png, box, fig))
        self.figures += 1
        captioned = self.doc.add_paragraph(style="Caption")
        self._run(captioned, f"图{self.figures}　{caption}", KAITI, SIHAO)

    def table(self, frame: pd.DataFrame, widths: list[float], caption: str, size: float = XIAOSI) -> None:
        """A table the width of the text, its caption above it (表1 …), its header row repeated on every page."""
        self.tables += 1
        captioned = self.doc.add_paragraph(style="Caption")
        captioned.paragraph_format.keep_with_next = True
        self._run(captioned, f"表{self.tables}　{caption}", KAITI, SIHAO)
        table = self.doc.add_table(rows=len(frame) + 1, cols=len(frame.columns))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        total = sum(widths)
        for c, column in enumerate(table.columns):
            column.width = Pt(TEXT_WIDTH * widths[c] / total)
        rows = [list(map(str, frame.columns))] + [[str(v) if present(v) else "" for v in values]
                                                  for values in frame.itertuples(index=False)]
        for r, values in enumerate(rows):
            row = table.rows[r]
            whole = OxmlElement("w:cantSplit")  # a row is never cut between two pages
            whole.set(qn("w:val"), "true")
            row._tr.get_or_add_trPr().append(whole)
            if r == 0:
                header = OxmlElement("w:tblHeader")
                header.set(qn("w:val"), "true")
                row._tr.get_or_add_trPr().append(header)
            for c, value in enumerate(values):
                cell = row.cells[c]
                cell.width = Pt(TEXT_WIDTH * widths[c] / total)
                paragraph = cell.paragraphs[0]
                fmt = paragraph.paragraph_format
                fmt.first_line_indent = Pt(0)
                fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(size * 1.5)
                if r == 0:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                self._run(paragraph, value, HEITI if r == 0 else FANGSONG, size)

    def bytes(self) -> bytes:
        """The document, with every chart in its place once rendered."""
        for paragraph, png, box, _ in self.pictures:
            data = png.result() if isinstance(png, Future) else png
            self._run(paragraph, "").add_picture(BytesIO(data), width=Pt(box.width), height=Pt(box.height))
        out = BytesIO()
        self.doc.save(out)
        return out.getvalue()


# The sections, in order.


def opening(report: Report, b: Briefing) -> None:
    report.title(["敖汉旗推动教育高质量发展实施方案", "目标进展监测报告"])
    report.centred(f"（评估年度：{b.as_of}年　截至{b.today:%Y年%m月%d日}）")
    if b.demo:
        report.centred(f"本报告使用{config.DEMO_LABEL}（演示用的虚构数值），并非真实统计", FANGSONG, SANHAO, True, RED)


def summary_section(report: Report, b: Briefing) -> None:
    s = b.statuses
    report.heading1("总体情况")
    groups = "；".join(f"{group}{n}个（{parts}）" for group, n, parts in status_groups(s) if n)
    overdue = b.ledger[b.ledger["overdue"]]
    text = (f"《敖汉旗推动教育高质量发展实施方案》及附件工作任务清单确定的{len(s)}个量化目标，按{b.as_of}年及以前的填报数据评估："
            f"{groups}。{len(b.ledger)}项任务中，截至{b.today:%Y年%m月%d日}已过完成时限而未报告完成的{len(overdue)}项。")
    if len(b.missing):
        text += missing_text(b.missing, "的工作簿尚未计入（未报送或未审核通过）。")
    report.para(text)
    keys = [key_phrase(next(s[s["target_id"] == target_id].itertuples())) for target_id in config.KEY_TARGETS
            if target_id in set(s["target_id"])]
    if keys:
        report.para("；".join(keys) + "。", lead="重点指标：")
    counts = s["status"].value_counts()
    table = pd.DataFrame([(label, int(counts[code])) for code, label in config.STATUS_LABELS.items() if counts.get(code, 0)],
                         columns=["状态", "目标个数"])
    report.table(table, [3, 1], f"各状态的量化目标个数（评估年度{b.as_of}年）")


def key_phrase(t) -> str:
    """高中阶段毛入学率2025年为95.9%（目标≥95%，已达成） — a key indicator in the summary."""
    when = f"{int(t.latest_year)}年" if present(t.latest_year) else ""
    gap = formats.gap(t)
    far = "" if not gap or t.kind in config.EVENT_KINDS else (f"，{gap}" if gap.startswith("最大偏差") else f"，差{gap}")
    return f"{t.indicator_name}{when}为{formats.latest(t)}（目标{describe_goal(t)}{far}，{t.status_label}）"


def parts_section(report: Report, b: Briefing) -> None:
    report.heading1("各部分目标进展")
    for _, part in b.statuses.groupby("section_no", sort=True):
        report.heading2(str(part["section_title"].iloc[0]))
        chunks = gap_chart.gap_chunks(part)
        first = report.figures + 1
        figures = f"图{first}" if len(chunks) == 1 else f"图{first}至图{first + len(chunks) - 1}"
        report.para(section_counts(part).replace("个量化目标：", f"个量化目标（见{figures}）：", 1))
        rows = lagging(part)
        if rows.empty:
            report.para("本部分没有逾期或进展不足的目标。")
        else:
            report.para("需要关注的目标：", bold=True).paragraph_format.keep_with_next = True  # never last on a page
            for i, row in enumerate(rows.itertuples(), start=1):
                report.para(risk_sentence(row), lead=f"{i}. ")
        for title, chunk in chunks:
            width = round(TEXT_WIDTH * CHART_ZOOM)  # laid out at its printed width, its rows one pixel a y unit
            fig = gap_chart.gap_chart(chunk, b.as_of, b.demo and bool(chunk["is_demo"].any()), title, width=width)
            report.chart(fig, f"{title}：量化目标进展", (rows_height(fig) + CHART_MARGIN) / CHART_ZOOM)


def overdue_section(report: Report, b: Briefing) -> None:
    report.heading1("逾期任务")
    table = overdue_table(b.ledger)
    if table.empty:
        report.para(f"截至{b.today:%Y年%m月%d日}，没有已过完成时限而未报告完成的任务。")
        return
    units = table["牵头单位"].value_counts()
    by_unit = "、".join(f"{unit}{n}项" for unit, n in units.items())
    report.para(f"截至{b.today:%Y年%m月%d日}，已过完成时限而未报告完成的任务{int(b.ledger['overdue'].sum())}项，"
                f"按牵头单位：{by_unit}。")
    report.table(table[["任务", "牵头单位", "应完成", "最新进展"]], [5.2, 1.6, 2.2, 1.4], "逾期任务")
    report.para(OVERDUE_RULE)


def notes_section(report: Report, b: Briefing) -> None:
    report.heading1("数据说明")
    report.heading2("数据来源")
    report.para(f"各单位按年度填报的工作簿（经平台检查后载入，原件归档备查）；目标与任务取自{PLAN_SOURCE}。"
                f"评估只用{b.as_of}年及以前的数据。")
    report.heading2(config.DEMO_LABEL)
    if b.demo:
        report.para(f"本报告含{config.DEMO_LABEL}：演示用的虚构数值，并非真实统计，不得作为工作依据。", bold=True, colour=RED)
    else:
        report.para("本报告不含示例数据。")
    report.heading2("评估方法")
    for i, (name, text) in enumerate(method.RULES, start=1):
        report.para(text, lead=f"{i}. {name}：")
    report.para("进展快慢的计算公式见附录。")
    kinds = b.discrepancies["field"]
    values = b.discrepancies[kinds.str.startswith("target")]
    report.heading2("正文与附件的差异")
    report.para(f"方案正文与附件工作任务清单不一致之处共{len(b.discrepancies)}处：目标{len(values)}处，"
                f"完成时限{int((kinds == 'deadline').sum())}处，单位{int(kinds.str.endswith('_units').sum())}处。"
                "目标值不同的按两份文件分别评估，以附件为准，另有裁定的除外。")
    texts = queries.texts_by_target(b.statuses)
    for r in values.itertuples():
        report.para(discrepancy_line(r, texts, bullet="") + "。")
    if len(b.missing):
        report.heading2("缺报")
        report.para(missing_text(b.missing, "的工作簿尚未计入（未报送或未审核通过）。"))


def appendix_section(report: Report, b: Briefing) -> None:
    """The progress ratio as a formula, for those who check the arithmetic (the body says the method in words)."""
    report.appendix("附录　进展快慢的计算方法")
    report.para(method.FORMULA_PLAIN)



# The report, in order. Another part of the platform adds its section by adding its writer here.
REPORT_SECTIONS: list[Callable[[Report, Briefing], None]] = [
    opening, leader_section, summary_section, parts_section, overdue_section, acceptance_section, plan_section,
    notes_section, appendix_section,
]


def build_document(con: duckdb.DuckDBPyConnection, as_of: int | None = None, include_demo: bool = True) -> bytes:
    """The 监测报告 as .docx bytes (charts rendered by the shared kaleido browser while the text is written)."""
    from .queries import reading

    images.start()
    b = gather(con, as_of, include_demo)
    with ThreadPoolExecutor(max_workers=1) as renderer, reading(con):
        report = Report(b.demo, renderer)
        for section in REPORT_SECTIONS:
            section(report, b)
        return report.bytes()
