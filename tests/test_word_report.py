"""The Word 监测报告: structure, 公文 fonts with East Asian faces on every run, A4, page numbers, demo statement."""

import io
import re
import shutil
import subprocess
from concurrent.futures import Future

import docx
import pytest
from docx.oxml.ns import qn
from PIL import Image

from pipelines import config
from tests.cli import made_report, run_cli

ARTIFACTS = config.ROOT / "artifacts" / "word"
FACES = {"仿宋", "黑体", "楷体", "宋体"}
PARTS = ["（一）构建高质量发展体系", "（二）优化管理体制机制", "（三）建设高素质教师队伍", "（四）全面提高育人质量",
         "（五）提升教育保障水平"]
# issue 23: the section 验收达标路径, a heading and a chart per acceptance
PLAN_HEADINGS = ["（一）学前教育普及普惠（2028年验收）", "（二）义务教育优质均衡（2030年验收）"]
PLAN_CAPTIONS = ["学前教育普及普惠：达标路径", "义务教育优质均衡：达标路径"]


@pytest.fixture(scope="module")
def report_path(demo_base, tmp_path_factory):
    return made_report(demo_base[1], tmp_path_factory.mktemp("word"), "监测报告.docx")


class NotRendered:
    """An executor that only records: the report's figures can be checked without a browser."""

    def submit(self, fn, *args):
        return Future()


@pytest.fixture(scope="module")
def written(demo_base):
    """The demo report as written, before its charts are drawn."""
    import duckdb

    from dashboard.briefing import gather
    from dashboard.queries import reading
    from dashboard.word_report import REPORT_SECTIONS, Report

    with duckdb.connect(str(demo_base[1]), read_only=True) as con:
        b = gather(con, None)
        report = Report(b.demo, NotRendered())
        with reading(con):
            for section in REPORT_SECTIONS:
                section(report, b)
    return b, report


def paragraphs(document) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in document.paragraphs]


def test_report_has_title_year_summary_parts_overdue_and_notes(report_path, written):
    from dashboard.briefing import risk_sentence

    b, _ = written
    document = docx.Document(str(report_path))
    texts = paragraphs(document)
    assert [t for s, t in texts if s == "Title"] == ["敖汉旗推动教育高质量发展实施方案", "目标进展监测报告"]
    assert texts[2][1].startswith("（评估年度：2025年")
    assert [t for s, t in texts if s == "Heading 1"] == ["一、总体情况", "二、各部分目标进展", "三、逾期任务", "四、验收达标路径",
                                                        "五、数据说明"]
    assert [t for s, t in texts if s == "Heading 2"][:5] == PARTS
    assert [t for s, t in texts if s == "Heading 2"][5:7] == PLAN_HEADINGS
    assert [t for s, t in texts if s == "Heading 2"][7:] == ["（一）数据来源", "（二）示例数据", "（三）评估方法",
                                                            "（四）正文与附件的差异", "（五）缺报"]
    body = "\n".join(t for _, t in texts)
    assert "98个量化目标" in body and "已过完成时限而未报告完成的8项" in body  # 98: issue 19 typed 18 more
    # A sentence for every target that is missed or at risk, numbered within its part.
    lagging = b.statuses[b.statuses["status"].isin(config.LAGGING_STATUSES)]
    assert len(lagging) == 29  # issue 19: and T15-3, T88-1 (due 2023, not in the demo's workbooks)
    for row in lagging.itertuples():
        assert risk_sentence(row) in body, row.target_id
    assert "1. 市级特色高中创建数（旗教育局牵头）：目标累计≥2所（2025年），2025年累计1，差1所，逾期未达成。" in body
    # Each part's charts, captioned in order.
    from dashboard.charts import gap_chunks

    chunks = gap_chunks(b.statuses)
    captions = [t for s, t in texts if s == "Caption" and t.startswith("图")]
    assert [c.split("　")[0] for c in captions] == [f"图{i}" for i in range(1, len(chunks) + len(PLAN_CAPTIONS) + 1)]
    assert [c.split("　")[1] for c in captions] == [f"{title}：量化目标进展" for title, _ in chunks] + PLAN_CAPTIONS
    assert len(document.inline_shapes) == len(chunks) + len(PLAN_CAPTIONS)
    assert "本报告使用示例数据" in body and "本报告含示例数据：演示用的虚构数值，并非真实统计" in body
    assert "有完成年份的目标：" in body and "计算公式：" in body


def test_overdue_tasks_are_named_with_their_lead_units(report_path, written):
    b, _ = written
    document = docx.Document(str(report_path))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "任务")
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["任务", "牵头单位", "应完成", "最新进展"]
    overdue = b.ledger[b.ledger["overdue"]]
    assert len(rows) - 1 == len(overdue) == 8
    for task in overdue.itertuples():
        row = next(r for r in rows if r[0].startswith(f"任务{task.task_no}："))
        assert row[1] == task.lead_units and " ".join(task.text.split()) in row[0]
    assert ["任务83：力争2025年底前全部化解普通高中债务。", "旗财政局", "2025年12月", "推进中"] in rows
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # the header repeats on every page
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)  # no task cut in two


def test_every_run_names_an_east_asian_font(report_path):
    document = docx.Document(str(report_path))
    section = document.sections[0]
    parts = [document.element.body, section.header._element, section.footer._element]
    runs = 0
    for part in parts:
        for run in part.iter(qn("w:r")):
            fonts = run.find(qn("w:rPr") + "/" + qn("w:rFonts"))
            assert fonts is not None, "".join(run.itertext())
            assert fonts.get(qn("w:eastAsia")) in FACES, "".join(run.itertext())
            runs += 1
    assert runs > 150
    normal = document.styles["Normal"]
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋" and normal.font.size.pt == 16  # 三号
    headings = {document.styles[n].element.rPr.rFonts.get(qn("w:eastAsia")) for n in ("Heading 1", "Heading 2")}
    assert headings == {"黑体", "楷体"}
    # Each face is declared with a like open font to stand in where it is missing.
    table = document.part.part_related_by(docx.opc.constants.RELATIONSHIP_TYPE.FONT_TABLE).blob.decode()
    for face in FACES:
        assert re.search(f'<w:font w:name="{face}"><w:altName w:val="Noto (Serif|Sans) CJK SC"/>', table), face


def test_a4_with_gbt_9704_margins_page_numbers_and_the_demo_mark(report_path):
    document = docx.Document(str(report_path))
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert (round(section.top_margin.cm, 1), round(section.bottom_margin.cm, 1), round(section.left_margin.cm, 1),
            round(section.right_margin.cm, 1)) == (3.7, 3.5, 2.8, 2.6)
    footer = section.footer._element
    assert [i.text.strip() for i in footer.iter(qn("w:instrText"))] == ["PAGE"]
    assert [f.get(qn("w:fldCharType")) for f in footer.iter(qn("w:fldChar"))] == ["begin", "separate", "end"]
    assert section.footer.paragraphs[0].text.startswith("— ")
    assert config.DEMO_LABEL in section.header.paragraphs[0].text


def test_figures_are_printed_at_their_size_with_no_text_under_9_pt(report_path, written):
    from dashboard.charts import gap_chunks
    from dashboard.placement import effective_min_pt
    from dashboard.word_report import CHART_PIXELS_PER_POINT, TEXT_WIDTH

    b, report = written
    assert len(report.pictures) == len(gap_chunks(b.statuses)) + len(PLAN_CAPTIONS)
    for _, _, box, figure in report.pictures:
        assert box.width == round(TEXT_WIDTH)
        assert effective_min_pt(figure, box.width) >= 9  # 小五
        assert not figure.layout.title.text
    document = docx.Document(str(report_path))
    for shape, (_, _, box, _) in zip(document.inline_shapes, report.pictures):
        assert round(shape.width.pt) == box.width
        blob = document.part.related_parts[shape._inline.graphic.graphicData.pic.blipFill.blip.embed].blob
        assert Image.open(io.BytesIO(blob)).size[0] == box.width * CHART_PIXELS_PER_POINT


def test_report_without_data_or_demo_says_so(wh, tmp_path):
    """A warehouse with the plan only: every target without data, no 示例数据 anywhere, still a whole report."""
    raw, db = wh
    out = tmp_path / "报告.docx"
    result = run_cli("report", "--out", out, "--db", db, timeout=300)
    assert result.returncode == 0, result.stderr
    document = docx.Document(str(out))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "本报告不含示例数据。" in body and "本报告使用示例数据" not in body
    assert config.DEMO_LABEL not in document.sections[0].header.paragraphs[0].text
    assert "暂无数据" in body and "本部分没有逾期或进展不足的目标。" in body


@pytest.mark.visual
def test_report_renders_through_libreoffice(report_path, tmp_path):
    """The visual check: PDF by LibreOffice, every page by pdftoppm, kept in artifacts/word/ to look at; each
    page numbered in order at its foot and marked 示例数据 at its head."""
    subprocess.run(["libreoffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(report_path)],
                   check=True, capture_output=True, timeout=240)
    pdf = tmp_path / "监测报告.pdf"
    subprocess.run(["pdftoppm", "-r", "80", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 10
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    for n, page in enumerate(pages, start=1):
        shutil.copy(page, ARTIFACTS / page.name)
        image = Image.open(page)
        assert abs(image.size[0] / image.size[1] - 210 / 297) < 0.01  # A4 portrait
        assert image.convert("L").getextrema()[0] < 100
        text = subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        assert lines[0].startswith(config.DEMO_LABEL) and lines[-1].replace(" ", "") == f"—{n}—", (n, lines[0], lines[-1])


def test_a_lead_in_line_is_never_left_alone_at_the_foot_of_a_page(written):
    _, report = written
    leads = [p for p in report.doc.paragraphs if p.text.endswith("：") and len(p.text) < 20]
    assert leads and {p.text for p in leads} >= {"需要关注的目标："}
    assert all(p.paragraph_format.keep_with_next for p in leads), [p.text for p in leads]
