"""Briefing exports: the PowerPoint deck, the Excel report, formula-safe tables, slide-sized PNGs."""

import io
import shutil
import subprocess
import zipfile

import openpyxl
import pandas as pd
import pytest
from PIL import Image
from pptx import Presentation
from pptx.oxml.ns import qn

from pipelines import config
from pipelines.exports import csv_bytes, excel_bytes
from pipelines.ingest import ingest_file
from tests.books import filled, row_of
from tests.cli import run_cli

ARTIFACTS = config.ROOT / "artifacts" / "deck"


@pytest.fixture(scope="module")
def deck_path(demo_base, tmp_path_factory):
    out = tmp_path_factory.mktemp("deck") / "briefing.pptx"
    result = run_cli("report", "--out", out, "--db", demo_base[1], timeout=300)
    assert result.returncode == 0, result.stderr
    assert "已生成" in result.stdout
    return out


READINESS_SLIDES = 6  # three per acceptance (issue 12)


def slide_titles(prs) -> list[str]:
    return [next((s.text_frame.text for s in slide.shapes if s.name == "标题"), "") for slide in prs.slides]


def section_slides(demo_base) -> int:
    import duckdb

    from dashboard import charts, queries

    with duckdb.connect(str(demo_base[1]), read_only=True) as con, queries.reading(con):
        return len(charts.gap_chunks(queries.statuses(queries.Filters(2025, None, None, True))))


def test_deck_has_the_slides_in_order(deck_path, demo_base):
    prs = Presentation(str(deck_path))
    assert (prs.slide_width, prs.slide_height) == (12192100, 6858000) or abs(prs.slide_width / prs.slide_height - 16 / 9) < 0.01
    titles = slide_titles(prs)
    assert "目标进展情况汇报" in titles[0]
    assert titles[1] == "总体情况：80个量化目标"
    n = section_slides(demo_base)
    sections = [t[0] for t in titles[2:2 + n]]
    assert sections == sorted(sections, key="一二三四五".index) and set(sections) == set("一二三四五")
    assert titles[2 + n:7 + n] == ["重点指标：高中阶段毛入学率", "重点指标：在园幼儿入公办园率", "重点指标：普惠性幼儿园覆盖率",
                                   "重点指标：中小学专业技术高、中、初级岗位结构", "重点指标：高中阶段职普比"]
    assert titles[7 + n].startswith("逾期任务")
    # the acceptances (issue 12), the earlier first: readiness, its chart, whom to act on
    assert titles[8 + n:8 + n + READINESS_SLIDES] == [
        "学前教育普及普惠：2028年验收准备（还有3年）", "学前教育普及普惠：毛入园率与普惠、公办占比", "需关注的幼儿园（2025年）：22所",
        "义务教育优质均衡：2030年验收准备（还有5年）", "义务教育优质均衡：校际差异系数", "未达到逐校要求的学校（2025年）：16所"]
    assert titles[8 + n + READINESS_SLIDES] == "数据说明"
    assert len(titles) == 9 + n + READINESS_SLIDES


def test_every_picture_is_a_slide_sized_png(deck_path, demo_base):
    prs = Presentation(str(deck_path))
    pictures = [s for slide in prs.slides for s in slide.shapes if s.shape_type == 13]
    # the summary, the sections, the key indicators, and each acceptance's two charts
    assert len(pictures) == 1 + section_slides(demo_base) + 5 + 4
    for picture in pictures:
        assert picture.image.content_type == "image/png"
        assert Image.open(io.BytesIO(picture.image.blob)).size == (1920, 1080)


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


def test_deck_marks_demo_data_and_says_what_is_at_risk(deck_path):
    prs = Presentation(str(deck_path))
    every = "\n".join(s.text_frame.text for slide in prs.slides for s in slide.shapes if s.has_text_frame)
    assert every.count(config.DEMO_LABEL) >= len(prs.slides)  # the mark on every slide, and the cover's statement
    assert "评估标准依据公开转载文本整理，以正式文件为准" in every  # the criteria's caveat on their slides
    cells = "\n".join(c.text for slide in prs.slides for s in slide.shapes if s.has_table
                      for row in s.table.rows for c in row.cells)
    assert "需增加体育运动场馆" in cells  # what a failing school must add
    assert "列入市级绿色校园、温馨校园的学校占比：2025年51.2%，目标≥60%（2025年），差8.8个百分点，逾期未达成；牵头：旗委宣传部。" in every


@pytest.mark.visual
def test_deck_renders_through_libreoffice(deck_path, demo_base, tmp_path):
    """The visual check: PDF by LibreOffice, pages by pdftoppm; two pages kept as artefacts."""
    subprocess.run(["libreoffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(deck_path)],
                   check=True, capture_output=True, timeout=240)
    pdf = tmp_path / "briefing.pdf"
    assert pdf.exists()
    subprocess.run(["pdftoppm", "-r", "80", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    n = section_slides(demo_base)
    assert len(pages) == 9 + n + READINESS_SLIDES
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for page in (pages[2], pages[2 + n + 3]):  # a section slide and the 高:中:初 structure slide
        shutil.copy(page, ARTIFACTS / page.name)
        image = Image.open(page).convert("L")
        assert image.getextrema()[0] < 100  # something dark was drawn: not a blank page


def test_excel_report_has_its_sheets_formatted(demo_base, tmp_path):
    out = tmp_path / "report.xlsx"
    result = run_cli("report", "--out", out, "--db", demo_base[1], "--as-of", "2024")
    assert result.returncode == 0, result.stderr
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["目标状态", "观测值", "任务台账", "正文与附件差异", "说明", "验收准备", "差异系数", "逐校达标",
                             "学校指标", "幼儿园", "数据核对", "评估标准"]
    assert wb["验收准备"].max_row == 55 and wb["评估标准"]["K2"].value == "依据公开转载文本整理，以正式文件为准"
    targets = wb["目标状态"]
    assert targets.freeze_panes == "A2" and targets.max_row == 81
    header = [c.value for c in targets[1]]
    assert {"目标编号", "基线值", "最新值", "差距", "需要年均变化", "实际年均变化", "推算目标年值", "状态", "状态代码"} <= set(header)
    assert targets.cell(2, header.index("最新值") + 1).number_format == "#,##0.0#"
    assert targets.column_dimensions["E"].width > 10
    assert wb["任务台账"].max_row == 99
    assert wb["说明"]["B2"].value == "2024年"


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
    assert ingest_file(path, raw, db, file="=cmd|'/C calc'!A0.xlsx").outcome == "loaded"
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


def test_report_says_so_when_no_browser_is_installed(demo_base, tmp_path):
    import os

    env = {**os.environ, "BROWSER_PATH": "/nonexistent/chromium"}
    result = subprocess.run(
        [__import__("sys").executable, "-m", "pipelines", "report", "--out", str(tmp_path / "d.pptx"), "--db", str(demo_base[1])],
        capture_output=True, text=True, env=env, cwd=config.ROOT, timeout=120)
    assert result.returncode == 1
    assert "apt-get install chromium fonts-noto-cjk" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "d.pptx").exists()


def test_report_refuses_other_file_types(demo_base, tmp_path):
    result = run_cli("report", "--out", tmp_path / "x.pdf", "--db", demo_base[1])
    assert result.returncode == 2 and "用法错误" in result.stderr


def test_png_and_zip_of_charts(demo_base):
    import duckdb

    from dashboard import charts, images, queries

    with duckdb.connect(str(demo_base[1]), read_only=True) as con, queries.reading(con):
        statuses = queries.statuses(queries.Filters(2025, None, None, True))
    figures = [(t, charts.gap_chart(p, 2025, True, t)) for t, p in charts.gap_chunks(statuses)][:2]
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
    later = filled(db, tmp_path / "2026.xlsx", year=2026, values={"HS_GER": "97.5%"}, progress={16: ("已完成", "2026年通过")})
    assert ingest_file(later, raw, db).outcome == "loaded"
    out = tmp_path / "report.xlsx"
    assert run_cli("report", "--out", out, "--db", db, "--as-of", "2025").returncode == 0
    wb = openpyxl.load_workbook(out)
    observations = wb["观测值"]
    years = {row[3] for row in observations.iter_rows(min_row=2, values_only=True)}
    assert max(years) == 2025
    tasks = {row[0]: row for row in wb["任务台账"].iter_rows(min_row=2, values_only=True)}
    header = [c.value for c in wb["任务台账"][1]]
    assert tasks[16][header.index("最新进展")] == "推进中"  # the 2026 已完成 is not shown in 2025's report
    targets = {row[0]: row for row in wb["目标状态"].iter_rows(min_row=2, values_only=True)}
    header = [c.value for c in wb["目标状态"][1]]
    # An acceptance is said as 是/否 (or when it passed), never as 1/0.
    accept = targets["T06-9"]
    assert accept[header.index("最新情况")] == "否" and accept[header.index("最新值")] is None
    assert accept[header.index("状态")] == "未到期"
    assert targets["T03-5"][header.index("最新情况")] == "95.9%"
