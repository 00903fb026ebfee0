"""Briefing exports: the PowerPoint deck, the Excel report, formula-safe tables, slide-sized PNGs."""

import io
import re
import shutil
import subprocess
import zipfile

import openpyxl
import pandas as pd
import pytest
from PIL import Image
from pptx import Presentation
from pptx.oxml.ns import qn

from pipelines.core import config, palette
from pipelines.core.table_files import csv_bytes, excel_bytes
from tests.books import filled, ingest_approved, row_of
from tests.cli import made_report, run_cli

ARTIFACTS = config.ROOT / "artifacts" / "deck"


@pytest.fixture(scope="module")
def deck_path(demo_base, tmp_path_factory):
    return made_report(demo_base[1], tmp_path_factory.mktemp("deck"), "briefing.pptx")


def slide_titles(prs) -> list[str]:
    return [next((s.text_frame.text for s in slide.shapes if s.name == "标题"), "") for slide in prs.slides]


@pytest.fixture(scope="module")
def deck_plan(demo_base):
    """The demo deck's slides as built, before they are drawn: figures, boxes and text."""
    import duckdb

    from reports.briefing_data import gather
    from reports.deck import deck_slides

    with duckdb.connect(str(demo_base[1]), read_only=True) as con:
        briefing = gather(con, None)
        return briefing, list(deck_slides(con, briefing))


KEY_TITLES = ["重点指标：高中阶段毛入学率", "重点指标：在园幼儿入公办园率", "重点指标：普惠性幼儿园覆盖率",
              "重点指标：中小学专业技术高、中、初级岗位结构", "重点指标：高中阶段职普比"]
PARTS = ["一、构建高质量发展体系", "二、优化管理体制机制", "三、建设高素质教师队伍", "四、全面提高育人质量", "五、提升教育保障水平"]


# The acceptances (issue 12), the earlier first: readiness by part, its chart, whom to act on (a table over
# two slides each on the demo data).
READINESS_TITLES = ["学前教育普及普惠：2028年验收准备（还有3年）", "学前教育普及普惠：毛入园率与普惠、公办占比",
                    "需关注的幼儿园（2025年）：22所（1/2）", "需关注的幼儿园（2025年）：22所（2/2）",
                    "义务教育优质均衡：2030年验收准备（还有5年）", "义务教育优质均衡：校际差异系数",
                    "未达到逐校要求的学校（2025年）：16所（1/2）", "未达到逐校要求的学校（2025年）：16所（2/2）"]
READINESS_CHARTS = 4
PLAN_CHARTS = 2  # issue 23: a 达标路径 chart per acceptance
PLAN_TITLES = ["学前教育普及普惠：达标路径（2028年验收）", "义务教育优质均衡：达标路径（2030年验收）"]  # issue 23


# Issue 21: the 领导版 after the cover (two slides on the demo data: its 29 lagging targets in two columns).
LEADER_TITLES = ["领导版：需要关注的目标与验收风险（2025年）（1/2）", "领导版：需要关注的目标与验收风险（2025年）（2/2）"]


# 31, and (issue 19) three more chart slides; (issue 21) one fewer: the targets without a path from a baseline take a
# line each beside their mark, not a bar's height; and the 领导版 after the cover.
DECK_SLIDES = 33 + len(LEADER_TITLES) + len(READINESS_TITLES) + len(PLAN_TITLES)  # (issue 23) the paths to pass


def part_slides(titles: list[str]) -> list[str]:
    return titles[2 + len(LEADER_TITLES):titles.index(KEY_TITLES[0])]


def test_deck_has_the_slides_in_order(deck_path):
    prs = Presentation(str(deck_path))
    assert (prs.slide_width, prs.slide_height) == (12192000, 6858000)  # 16:9, 13.333 × 7.5 in
    titles = slide_titles(prs)
    assert "目标进展情况汇报" in titles[0]
    assert titles[1:1 + len(LEADER_TITLES)] == LEADER_TITLES
    assert titles[1 + len(LEADER_TITLES)] == "总体情况：98个量化目标"  # 80, and the 18 typed by issue 19
    parts = part_slides(titles)
    # The five parts in order; each part's charts (one part in a title, or with its key tasks), then its
    # "需要关注" slides if any.
    assert [p for p in PARTS if any(t.startswith(p) for t in parts)] == PARTS
    assert [t.split("（")[0].split("：")[0] for t in parts] == sorted(
        (t.split("（")[0].split("：")[0] for t in parts), key=PARTS.index)
    for part in PARTS:
        mine = [t for t in parts if t.startswith(part)]
        charts = [t for t in mine if "需要关注" not in t]
        assert charts and mine[:len(charts)] == charts, part  # the charts first
        assert len(set(charts)) == len(charts)
    assert [t for t in parts if "需要关注" in t] == ["一、构建高质量发展体系：需要关注的目标", "四、全面提高育人质量：需要关注的目标",
                                                   "五、提升教育保障水平：需要关注的目标"]
    key = titles.index(KEY_TITLES[0])
    assert titles[key:key + 5] == KEY_TITLES
    overdue = titles[key + 5:-2 - len(READINESS_TITLES) - len(PLAN_TITLES)]
    assert overdue and all(t.startswith("逾期任务8项：截至") for t in overdue)
    assert titles[-2 - len(READINESS_TITLES) - len(PLAN_TITLES):-2] == READINESS_TITLES + PLAN_TITLES
    assert titles[-2:] == ["数据说明", "评估方法"]
    assert len(titles) == DECK_SLIDES


def test_every_sentence_for_a_lagging_target_is_on_a_slide(deck_path, deck_plan):
    from reports.briefing_data import risk_sentence

    briefing, _ = deck_plan
    prs = Presentation(str(deck_path))
    every = "\n".join(s.text_frame.text for slide in prs.slides for s in slide.shapes if s.has_text_frame)
    lagging = briefing.statuses[briefing.statuses["status"].isin(config.LAGGING_STATUSES)]
    assert len(lagging) == 29  # issue 19: and T15-3, T88-1 (due 2023, not in the demo's workbooks)
    for row in lagging.itertuples():
        assert risk_sentence(row) in every, row.target_id
    assert ("列入市级绿色校园、温馨校园的学校占比（旗委宣传部牵头）：目标≥60%（2025年），2025年为51.2%，差8.8个百分点，"
            "逾期未达成。") in every
    assert "德育工作典型班级建设数（旗教育局牵头）：2025年为6个，未达到“每年≥8个”的要求，差2个，当年未达标。" in every


def test_no_slide_of_sentences_is_near_empty(deck_plan):
    """Issue 21: a part's last sentences never make a slide of three lines — every slide of text alone (the cover
    aside) is at least half full by the measure that placed it."""
    from reports.slides import CONTENT, Text, text_height

    _, slides = deck_plan
    texts = [s for s in slides[1:] if s.items and all(isinstance(item, Text) for item in s.items)]
    assert len(texts) >= 5  # the 领导版, the parts' 需要关注 slides, 数据说明, 评估方法
    for slide in texts:
        used = max(text_height(item.lines, item.box.width) for item in slide.items)
        assert used >= CONTENT.height / 2, (slide.title, round(used))


def test_chart_text_is_at_least_14_pt_on_the_slide(deck_plan):
    """Each chart is laid out at its box's size (1 px = 1 pt), so its smallest font is its smallest point size."""
    from reports.placement import effective_min_pt, font_sizes
    from reports.slides import Chart

    _, slides = deck_plan
    charts = [(s.title, item) for s in slides for item in s.items if isinstance(item, Chart)]
    prs_parts = [s.title for s in slides if any(s.title and s.title.startswith(p) for p in PARTS)]
    assert len(charts) == (1 + len([t for t in prs_parts if "需要关注" not in t]) + len(KEY_TITLES) + READINESS_CHARTS
                           + PLAN_CHARTS)
    for title, chart in charts:
        assert (chart.figure.layout.width, chart.figure.layout.height) == (round(chart.box.width), round(chart.box.height))
        assert effective_min_pt(chart.figure, chart.box.width) >= 14, (title, sorted(set(font_sizes(chart.figure))))
        # The part charts fill the slide's width.
        if title.startswith(tuple(PARTS)):
            assert chart.box.width >= 900


def test_key_indicator_slides_say_every_fact(deck_plan):
    """Target, year, latest, status, lead unit and the notice's words beside each key chart, none dropped for
    room (smaller, never under 14 pt); a structure's every share, which its narrow parts cannot show."""
    from reports.slides import Text, text_height

    _, slides = deck_plan
    keys = [s for s in slides if s.title in KEY_TITLES]
    assert len(keys) == 5
    for slide in keys:
        text = next(item for item in slide.items if isinstance(item, Text))
        said = "\n".join(line.text for line in text.lines)
        for word in ("目标：", "目标年度：", "最新：", "状态：", "牵头单位：", "原文："):
            assert word in said, (slide.title, word)
        assert min(line.size for line in text.lines) >= 14
        assert text_height(text.lines, text.box.width) <= text.box.height
    structure = next(s for s in keys if "岗位结构" in s.title)
    assert "历年（合计为10）：2022年1.1:4.2:4.7" in "\n".join(line.text for item in structure.items
                                                         if isinstance(item, Text) for line in item.lines)


def test_the_font_measure_sees_a_shrunk_chart():
    """The measure that guards the slides: a 1280 px chart with 14 px labels placed 640 pt wide has 7 pt text."""
    import plotly.graph_objects as go

    from reports.placement import Box, effective_min_pt, placed

    fig = go.Figure(go.Bar(x=[1, 2], y=["甲", "乙"], orientation="h", text=["1", "2"], textposition="inside",
                           textfont=dict(size=20)))
    fig.update_layout(width=1280, height=720, font=dict(size=14))
    fig.update_yaxes(tickfont=dict(size=11))
    assert effective_min_pt(fig, 640) == 0  # text inside a bar may be shrunk to nothing unless a floor is set
    fig.update_layout(uniformtext=dict(minsize=14))
    assert effective_min_pt(fig, 640) == pytest.approx(11 * 640 / 1280)
    slide = placed(fig, Box(0, 0, 640, 360), 14)
    assert effective_min_pt(slide, 640) == 14
    assert fig.layout.yaxis.tickfont.size == 11  # the dashboard's own figure is not changed


def test_one_title_per_slide(deck_path, deck_plan):
    from reports.charts import FRAME_ANNOTATIONS
    from reports.slides import Chart

    _, slides = deck_plan
    for slide in slides:
        for item in slide.items:
            if isinstance(item, Chart):
                layout = item.figure.layout
                assert not layout.title.text, slide.title
                texts = [a.text for a in layout.annotations]
                assert not [a for a in layout.annotations if a.name in FRAME_ANNOTATIONS], slide.title
                assert not [t for t in texts if "数据来源" in t or config.DEMO_LABEL in t], slide.title
    prs = Presentation(str(deck_path))
    for n, slide in enumerate(prs.slides, start=1):
        names = [s.name for s in slide.shapes]
        assert names.count("标题") == 1 and names.count("来源") == 1 and names.count("示例数据标记") == 1, n
        title = next(s.text_frame.text for s in slide.shapes if s.name == "标题")
        others = [s.text_frame.text for s in slide.shapes if s.has_text_frame and s.name != "标题"]
        assert not [t for t in others if title in t], n
        assert sum(t.startswith("数据来源：") for t in others) == 1, n


def test_every_picture_is_rendered_at_the_size_it_is_placed(deck_path):
    from reports.placement import PIXELS_PER_POINT

    prs = Presentation(str(deck_path))
    pictures = [s for slide in prs.slides for s in slide.shapes if s.shape_type == 13]
    charts = [t for t in part_slides(slide_titles(prs)) if "需要关注" not in t]
    assert len(pictures) == 1 + len(charts) + len(KEY_TITLES) + READINESS_CHARTS + PLAN_CHARTS
    for picture in pictures:
        assert picture.image.content_type == "image/png"
        width, height = Image.open(io.BytesIO(picture.image.blob)).size
        assert (width, height) == (round(picture.width / 12700 * PIXELS_PER_POINT),
                                   round(picture.height / 12700 * PIXELS_PER_POINT))


def test_overdue_slides_name_every_task_and_its_lead_unit(deck_path, deck_plan):
    briefing, _ = deck_plan
    prs = Presentation(str(deck_path))
    rows = []
    for slide in [slide for slide, title in zip(prs.slides, slide_titles(prs)) if title.startswith("逾期任务")]:
        for shape in slide.shapes:
            if shape.has_table:
                table = shape.table
                rows += [[table.cell(r, c).text for c in range(len(table.columns))] for r in range(1, len(table.rows))]
    overdue = briefing.ledger[briefing.ledger["overdue"]]
    assert len(overdue) == 8 and len(rows) == 8
    for task in overdue.itertuples():
        row = next(r for r in rows if r[1].startswith(f"任务{task.task_no}："))
        assert row[0] == task.lead_units and " ".join(task.text.split()) in row[1]
    assert ["旗财政局", "任务83：力争2025年底前全部化解普通高中债务。", "2025年12月", "推进中"] in rows


def test_every_run_of_text_has_an_east_asian_font(deck_path):
    prs = Presentation(str(deck_path))
    runs = 0
    for slide in prs.slides:
        for r in slide._element.iter(qn("a:r")):
            rpr = r.find(qn("a:rPr"))
            assert rpr is not None and rpr.find(qn("a:ea")) is not None, "".join(r.itertext())
            assert rpr.find(qn("a:ea")).get("typeface")
            runs += 1
    assert runs > 100


def test_deck_marks_demo_data(deck_path):
    prs = Presentation(str(deck_path))
    marks = [s for slide in prs.slides for s in slide.shapes if s.name == "示例数据标记"]
    assert len(marks) == len(prs.slides) and {m.text_frame.text for m in marks} == {config.DEMO_LABEL}
    cover = "\n".join(s.text_frame.text for s in prs.slides[0].shapes if s.has_text_frame)
    assert "本汇报使用示例数据" in cover


def blank_bands(image: Image.Image, top: int, bottom: int) -> int:
    """The tallest run of blank pixel rows between two rows of a page."""
    grey = image.convert("L")
    width = grey.size[0]
    tallest = run = 0
    for y in range(top, bottom):
        row = grey.crop((0, y, width, y + 1))
        run = run + 1 if row.getextrema()[0] > 245 else 0
        tallest = max(tallest, run)
    return tallest


def text_lines(pdf, page: int) -> list[tuple[float, str]]:
    """(bottom in pt, text) of each line of a PDF page, by pdftotext."""
    import re

    html = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox-layout", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    lines = []
    for block in re.findall(r'<line xMin="[\d.]+" yMin="[\d.]+" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</line>', html, re.S):
        lines.append((float(block[0]), "".join(re.findall(r">([^<]*)</word>", block[1]))))
    return lines


@pytest.mark.visual
def test_deck_renders_through_libreoffice(deck_path, tmp_path):
    """The visual check: PDF by LibreOffice, pages by pdftoppm, every page kept in artifacts/deck/ to look at.
    No text runs into the footer; no chart slide has a blank band of more than an eighth of its height, no
    other slide (but the cover) one of more than a third."""
    from reports.slides import FOOTER_TOP

    subprocess.run(["libreoffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(deck_path)],
                   check=True, capture_output=True, timeout=240)
    pdf = tmp_path / "briefing.pdf"
    assert pdf.exists()
    subprocess.run(["pdftoppm", "-r", "80", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    prs = Presentation(str(deck_path))
    assert len(pages) == len(prs.slides) == DECK_SLIDES
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    for n, (page, slide) in enumerate(zip(pages, prs.slides), start=1):
        shutil.copy(page, ARTIFACTS / page.name)
        image = Image.open(page)
        scale = image.size[1] / 540
        assert image.convert("L").getextrema()[0] < 100  # something dark was drawn: not a blank page
        for bottom, text in text_lines(pdf, n):
            if not text.startswith("数据来源：") and not text.isdigit():
                assert bottom <= FOOTER_TOP + 2, (n, text)
        if n == 1:
            continue
        has_chart = any(s.shape_type == 13 for s in slide.shapes)
        tallest = blank_bands(image, round(70 * scale), round(FOOTER_TOP * scale)) / scale
        assert tallest < (540 / 8 if has_chart else 540 / 3), (n, tallest)


def test_excel_report_has_its_sheets_formatted(demo_base, tmp_path):
    out = tmp_path / "report.xlsx"
    result = run_cli("report", "--out", out, "--db", demo_base[1], "--as-of", "2024")
    assert result.returncode == 0, result.stderr
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["目标状态", "目标状态明细", "观测值", "任务台账", "正文与附件差异", "验收准备", "差异系数", "逐校达标",
                             "学校指标", "幼儿园", "数据核对", "评估标准", "说明"]
    assert wb["验收准备"].max_row == 63 and "依据公开转载文本整理，以正式文件为准" in wb["评估标准"]["H2"].value
    targets = wb["目标状态"]
    assert targets.freeze_panes == "A2" and targets.max_row == 99  # 98 targets (issue 19: 18 more)
    assert [c.value for c in targets[1]] == ["部分", "目标编号", "指标", "目标", "目标年度", "最新情况", "差距", "状态",
                                            "牵头单位", "说明"]
    detail = wb["目标状态明细"]
    header = [c.value for c in detail[1]]
    assert detail.max_row == 99
    assert {"目标编号", "基线值", "最新值", "差距", "需要年均变化", "实际年均变化", "推算目标年值", "状态", "评估说明"} <= set(header)
    assert detail.cell(2, header.index("最新值") + 1).number_format == "#,##0.0#"
    assert detail.column_dimensions["B"].width > 10
    assert wb["任务台账"].max_row == 99
    assert wb["说明"]["B2"].value == "2024年"


def test_excel_report_prints_legibly(demo_base, tmp_path):
    """Landscape A4, header row on every page, page numbers; a sheet is fitted to the page width only where
    its text stays at 9 pt or more, else its first columns repeat on every page across. The status sheet
    prints at full size, one page wide."""
    from pipelines.core.table_files import MIN_PRINT_SCALE, print_scale

    out = tmp_path / "report.xlsx"
    assert run_cli("report", "--out", out, "--db", demo_base[1]).returncode == 0
    wb = openpyxl.load_workbook(out)
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9, ws.title  # A4
        assert ws.print_title_rows == "$1:$1", ws.title
        assert "&P" in ws.oddFooter.center.text and ws.title in ws.oddHeader.left.text
        assert ws.oddHeader.right.text.startswith(config.DEMO_LABEL)
        widths = [ws.column_dimensions[c.column_letter].width for c in ws[1]]
        body = ws.cell(2, 1).font
        if ws.sheet_properties.pageSetUpPr.fitToPage:
            assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
            assert print_scale(widths) * body.sz >= 9, ws.title
        else:
            assert print_scale(widths) < MIN_PRINT_SCALE and ws.print_title_cols, ws.title
    status = wb["目标状态"]
    assert status.sheet_properties.pageSetUpPr.fitToPage and print_scale(
        [status.column_dimensions[c.column_letter].width for c in status[1]]) == 1
    assert status.cell(2, 1).font.sz == 11
    # Long text wraps, and its row is as tall as its lines (Excel and WPS do not grow it themselves).
    rows = list(status.iter_rows(min_row=2))
    tall = [row for row in rows if status.row_dimensions[row[0].row].height]
    assert tall and all(any(cell.alignment.wrap_text for cell in row) for row in tall)
    assert all(not any(cell.alignment.wrap_text for cell in row) for row in rows if row not in tall)
    # The status is coloured as on the dashboard.
    met = next(row[7] for row in status.iter_rows(min_row=2) if row[7].value == "✓ 已达成")  # marked, too (issue 21)
    assert met.fill.fgColor.rgb.endswith(palette.STATUS_COLOURS["met"].removeprefix("#"))


ENGLISH_CODES = {*config.STATUS_LABELS, *config.KIND_LABELS, "attachment", "body", "lead", "responsible", "substantive",
                 "formal", "target_value", "target_wording", "deadline", "lead_units", "responsible_units"}


def test_excel_report_speaks_chinese(demo_base, tmp_path):
    """Every header is Chinese, and no value is an English code a reader would have to decode; the indicator
    code (the key of the units' workbooks) stands after the name, in the analysts' sheets only."""
    import re

    out = tmp_path / "report.xlsx"
    assert run_cli("report", "--out", out, "--db", demo_base[1]).returncode == 0
    wb = openpyxl.load_workbook(out)
    for ws in wb.worksheets:
        header = [c.value for c in ws[1]]
        assert all(re.search(r"[\u4e00-\u9fff]", h) and not re.search(r"[A-Za-z]", h) for h in header), header
        for row in ws.iter_rows(min_row=2, values_only=True):
            assert not ENGLISH_CODES & set(row), (ws.title, row)
        if "指标代码" in header:
            assert header.index("指标代码") > header.index("指标") and ws.title != "目标状态"
    codes = [row[0] for row in wb["目标状态"].iter_rows(min_row=2, max_col=10, values_only=True)]
    assert not [c for c in codes if re.search(r"[A-Za-z]{2,}", str(c))]
    printed = [v for row in wb["目标状态"].iter_rows(min_row=2, values_only=True) for v in row]
    assert not [v for v in printed if isinstance(v, str) and re.fullmatch(r"[A-Z]{2,}_[A-Z_]+", v)]


@pytest.mark.visual
def test_status_sheet_prints_one_page_wide(demo_base, tmp_path):
    """The status sheet through LibreOffice: landscape pages, each with the header row and the last column
    (nothing printed on a second page across), the 示例数据 mark and its page number; kept in artifacts/excel/."""
    out = tmp_path / "report.xlsx"
    assert run_cli("report", "--out", out, "--db", demo_base[1]).returncode == 0
    wb = openpyxl.load_workbook(out)
    for name in wb.sheetnames[1:]:
        del wb[name]
    single = tmp_path / "目标状态.xlsx"
    wb.save(single)
    subprocess.run(["libreoffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(single)],
                   check=True, capture_output=True, timeout=240)
    pdf = tmp_path / "目标状态.pdf"
    subprocess.run(["pdftoppm", "-r", "70", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert 3 <= len(pages) <= 8
    excel = config.ROOT / "artifacts" / "excel"
    shutil.rmtree(excel, ignore_errors=True)
    excel.mkdir(parents=True)
    seen = set()
    for n, page in enumerate(pages, start=1):
        shutil.copy(page, excel / page.name)
        image = Image.open(page)
        assert image.size[0] > image.size[1]  # landscape
        text = subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert "目标编号" in text and "牵头单位" in text and "说明" in text and config.DEMO_LABEL in text, n
        assert f"第 {n} 页" in text
        seen |= {t for t in text.split() if re.fullmatch(r"[TB]\d\d-\d", t)}
    assert len(seen) == 98  # every target printed (80, and issue 19's 18)


def test_no_exported_cell_becomes_a_formula(wh, tmp_path):
    raw, db = wh
    risky = {"HS_GER": "=HYPERLINK(\"http://x\",\"点我\")", "KG_ENROLLED": "+1+1", "KG_PUBLIC_ENROLLED": "-2+3",
             "KG_INCLUSIVE_ENROLLED": "@SUM(A1)"}
    def typed_as_text(wb):
        # What Excel keeps when a person types '=… (a quote first): text, not a formula.
        for code, note in risky.items():
            cell = wb[config.SHEET_VALUES].cell(row_of(wb, code), 6)
            cell.value = note
            cell.data_type = "s"

    path = filled(db, tmp_path / "=cmd.xlsx", values={"HS_GER": 95, "KG_ENROLLED": 100, "KG_PUBLIC_ENROLLED": 60,
                                                       "KG_INCLUSIVE_ENROLLED": 90}, edit=typed_as_text)
    assert ingest_approved(path, raw, db, file="=cmd|'/C calc'!A0.xlsx").outcome == "loaded"
    out = tmp_path / "report.xlsx"
    assert run_cli("report", "--out", out, "--db", db).returncode == 0
    wb = openpyxl.load_workbook(out)
    seen = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                    seen += 1
    assert seen >= 5  # the notes and the file name are there, as text


def test_csv_and_excel_downloads_defuse_formulas():
    frame = pd.DataFrame({"文本": ["=1+1", "+2", "-3", "@A1", "正常"], "数": [1, -2, 3, 4, 5]})
    text = csv_bytes(frame).decode("utf-8-sig")
    assert "'=1+1" in text and "'+2" in text and "'-3" in text and "'@A1" in text
    assert ",-2" in text  # numbers stay numbers
    wb = openpyxl.load_workbook(io.BytesIO(excel_bytes({"表": frame})))
    cells = [c for row in wb["表"].iter_rows(min_row=2) for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    assert wb["表"]["A2"].value == "=1+1" and wb["表"]["B3"].value == -2


@pytest.mark.parametrize("name", ["d.pptx", "监测报告.docx"])
def test_report_says_so_when_no_browser_is_installed(demo_base, tmp_path, name):
    import os

    env = {**os.environ, "BROWSER_PATH": "/nonexistent/chromium"}
    result = subprocess.run(
        [__import__("sys").executable, "-m", "pipelines", "report", "--out", str(tmp_path / name), "--db", str(demo_base[1])],
        capture_output=True, text=True, env=env, cwd=config.ROOT, timeout=120)
    assert result.returncode == 1
    assert "apt-get install chromium fonts-noto-cjk" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / name).exists()


def test_report_refuses_other_file_types(demo_base, tmp_path):
    result = run_cli("report", "--out", tmp_path / "x.pdf", "--db", demo_base[1])
    assert result.returncode == 2 and "用法错误" in result.stderr


def test_png_and_zip_of_charts(demo_base):
    import duckdb

    from reports import gap_chart, images, queries

    with duckdb.connect(str(demo_base[1]), read_only=True) as con, queries.reading(con):
        statuses = queries.statuses(queries.Filters(2025, None, None, True))
    figures = [(t, gap_chart.gap_chart(p, 2025, True, t)) for t, p in gap_chart.gap_chunks(statuses)][:2]
    try:
        png = images.png(figures[0][1])
        assert Image.open(io.BytesIO(png)).size == (1920, 1080)
        # A chart that grows with its rows is drawn at its own height, 1920 wide.
        tall = images.png(figures[0][1], height=images.height_of(figures[0][1]))
        assert Image.open(io.BytesIO(tall)).size == (1920, int(figures[0][1].layout.height * 1.5))
        names = zipfile.ZipFile(io.BytesIO(images.zip_of(figures))).namelist()
        assert names == ["01_一、构建高质量发展体系（重点任务1）.png", "02_一、构建高质量发展体系（重点任务2）.png"]
    finally:
        images.stop()


def test_a_report_for_a_year_holds_nothing_after_it(demo_base, tmp_path):
    """A 2026 workbook in the warehouse: the 2025 report shows no 2026 value and no 2026 task report."""
    from tests.books import copy_warehouse

    raw, db = copy_warehouse(*demo_base, tmp_path / "wh")
    before = filled(db, tmp_path / "2025.xlsx", year=2025, values={"HS_GER": "95.9%", "CM_BALANCE_ACCEPT": "否"},
                    progress={16: ("推进中", "")})
    assert ingest_approved(before, raw, db).outcome == "loaded"  # real data: the demo ends
    later = filled(db, tmp_path / "2026.xlsx", year=2026, values={"HS_GER": "97.5%"}, progress={16: ("已完成", "2026年通过")})
    assert ingest_approved(later, raw, db).outcome == "loaded"
    out = tmp_path / "report.xlsx"
    assert run_cli("report", "--out", out, "--db", db, "--as-of", "2025").returncode == 0
    wb = openpyxl.load_workbook(out)
    observations = wb["观测值"]
    year = [c.value for c in observations[1]].index("年度")
    years = {row[year] for row in observations.iter_rows(min_row=2, values_only=True)}
    assert max(years) == 2025
    tasks = {row[0]: row for row in wb["任务台账"].iter_rows(min_row=2, values_only=True)}
    header = [c.value for c in wb["任务台账"][1]]
    assert tasks[16][header.index("最新进展")] == "推进中"  # the 2026 已完成 is not shown in 2025's report
    targets = {row[0]: row for row in wb["目标状态明细"].iter_rows(min_row=2, values_only=True)}
    header = [c.value for c in wb["目标状态明细"][1]]
    # An acceptance is said as 是/否 (or when it passed), never as 1/0.
    accept = targets["T06-9"]
    assert accept[header.index("最新情况")] == "否" and accept[header.index("最新值")] is None
    assert accept[header.index("状态")] == "— 未到期"  # marked as well as coloured (issue 21)
    assert targets["T03-5"][header.index("最新情况")] == "95.9%"
    printed = {row[1]: row for row in wb["目标状态"].iter_rows(min_row=2, values_only=True)}
    header = [c.value for c in wb["目标状态"][1]]
    assert printed["T03-5"][header.index("最新情况")] == "95.9%（2025年）" and printed["T06-9"][header.index("状态")] == "— 未到期"


def test_the_acceptance_slides_say_what_is_behind_and_what_each_school_must_add(deck_path, deck_plan):
    from reports.slides import Table, Text, text_height

    _, slides = deck_plan
    mine = [s for s in slides if s.title in READINESS_TITLES]
    assert [s.title for s in mine] == READINESS_TITLES
    for slide in mine:
        for item in slide.items:
            if isinstance(item, Text):
                assert min(line.size for line in item.lines) >= 14, slide.title
                assert text_height(item.lines, item.box.width) <= item.box.height, slide.title
        words = "\n".join(line.text for item in slide.items if isinstance(item, Text) for line in item.lines)
        assert "评估标准依据公开转载文本整理，以正式文件为准" in words, slide.title
    readiness = next(s for s in mine if s.title.startswith("义务教育优质均衡：2030年验收准备"))
    said = "\n".join(line.text for item in readiness.items if isinstance(item, Text) for line in item.lines)
    assert "47项标准：已达标27项，按期可达6项，滞后6项，暂无数据8项。" in said  # 41 before issue 19
    tables = pd.concat([item.frame for s in mine if s.title.startswith("未达到逐校要求") for item in s.items
                        if isinstance(item, Table)])
    assert len(tables) == 16 and tables["需增加（按现有在校生）"].str.startswith("需增加").all()
    assert "需增加体育运动场馆3,614㎡" in set(tables["需增加（按现有在校生）"])  # 新惠第一小学


@pytest.mark.parametrize("stacked", [True, False])
def test_the_target_mark_stays_at_each_bar_and_never_crosses_the_words(demo_base, stacked):
    import duckdb

    from reports import gap_chart, queries

    with duckdb.connect(str(demo_base[1]), read_only=True) as con, queries.reading(con):
        statuses = queries.statuses(queries.Filters(2025, None, None, True))
    title, part = gap_chart.gap_chunks(statuses)[0]
    fig = gap_chart.gap_chart(part, 2025, True, title, stacked=stacked)
    marks = [s for s in fig.layout.shapes if s.x0 == s.x1 == 100]
    bars = fig.data[0]  # the grey track of every row on a path from its baseline: its centre and thickness
    assert len(marks) == len(bars.y) == sum(gap_chart.on_path(r) for r in part.itertuples()) > 0
    for mark, centre in zip(marks, bars.y):
        assert mark.y0 >= centre - bars.width and mark.y1 <= centre + bars.width
    # the words over the bars' area (beside them, in the wide layout, the names are left of it)
    words = [a for a in fig.layout.annotations if a.yref == "y" and (stacked or a.xref != "paper")]
    for a in words:  # no text block (top-anchored, one line per <br>) reaches into a mark
        lines = a.text.count("<br>") + 1
        top = a.y if a.yanchor == "top" else a.y - lines * gap_chart.LINE_PX / 2
        for mark in marks:
            assert not (top < mark.y0 < top + lines * gap_chart.LINE_PX - 2 and top < mark.y1), (a.text, mark.y0)


def test_a_workbook_awaiting_review_is_still_missing_in_the_exports_and_said_so(wh, tmp_path):
    """`status`, the deck and the Word report agree: a unit whose workbook awaits review has not yet reported."""
    import duckdb

    from pipelines.operations.ingest import ingest_file
    from reports.briefing_data import gather, missing_text

    raw, db = wh
    assert ingest_approved(filled(db, tmp_path / "a.xlsx", year=2025, values={"HS_GER": 95}), raw, db).outcome == "loaded"
    pending = filled(db, tmp_path / "f.xlsx", unit="旗财政局", year=2025, values={"FI_HS_DEBT": 2900})
    assert ingest_file(pending, raw, db).outcome == "loaded"
    with duckdb.connect(str(db), read_only=True) as con:
        b = gather(con, 2025)
    said = missing_text(b.missing)
    assert "旗财政局2025年（已收到，待审核）" in said and "旗教育局2025年" not in said
    assert "旗委编办2025年、" in said or "旗委编办2025年的" in said  # never sent: no note
