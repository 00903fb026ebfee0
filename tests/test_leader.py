"""领导版 (issue 21): the lagging targets by lead unit with value → target, gap, due year and 整改说明, the acceptance
risk and the matters for a decision — as data, as slides (slide 2 of the deck) and as the short deck
`report --brief` (at most ten slides)."""

import html
import re
import shutil
import subprocess

import duckdb
import pytest
from pptx import Presentation

from pipelines.core import config
from tests.cli import run_cli

TARGET_CODE = re.compile(r"\bT\d{2}-\d\b|[A-Z]{2}_[A-Z0-9_]+")
ARTIFACTS = config.ROOT / "artifacts" / "brief_deck"


@pytest.fixture(scope="module")
def demo(demo_base):
    """The demo's Briefing and its LeaderBrief."""
    from reports import leader
    from reports.briefing_data import gather
    from reports.queries import reading

    with duckdb.connect(str(demo_base[1]), read_only=True) as con:
        b = gather(con, None)
        with reading(con):
            return b, leader.from_briefing(b)


def test_every_lagging_target_by_lead_unit_with_value_target_gap_due_and_fix(demo):
    b, brief = demo
    lagging = b.statuses[b.statuses["status"].isin(config.LAGGING_STATUSES)]
    assert brief.lagging == len(lagging) == 29
    assert [(u.unit, len(u.items)) for u in brief.units] == [("旗教育局", 25), ("旗委宣传部", 2), ("旗人社局", 1),
                                                             ("旗财政局", 1)]
    items = {i.name: i for u in brief.units for i in u.items}
    assert sorted(items) == sorted(n.replace("（当年新增）", "") for n in lagging["indicator_name"])
    kg = items["在园幼儿入公办园率"]
    assert (kg.value, kg.goal, kg.gap, kg.due, kg.status_label, kg.rectification) == (
        "64.2%", "≥65%", "差0.8个百分点", "2025年", "逾期未达成", None)
    special = items["易址新建特殊教育学校建成数"]
    assert (special.value, special.goal, special.gap) == ("累计0所", "≥1所", "差1所")  # 累计 said once
    assert special.rectification == ("原因特殊教育学校新校址用地手续未办结，工程未开工；措施协调自然资源局办结用地手续，"
                                     "年内开工建设；计划2026年9月") and special.planned == "2026年9月"
    assert (items["高考“双一流”大学（专业）录取人数"].gap, items["职业中学共享型实训基地建成"].value) == (
        "2024年未比上年增加", "尚未报告")
    # The worst first within a unit: the missed before this year's misses.
    statuses = [i.status for i in brief.units[0].items]
    assert statuses == sorted(statuses, key=config.LAGGING_STATUSES.index)
    assert [(g, n) for g, n in brief.groups] == [("达成", 49), ("按期可达", 0), ("滞后", 0), ("未达成", 29), ("尚无结论", 20)]


def test_the_acceptance_risk_says_criteria_behind_and_the_schools_that_fail(demo):
    _, brief = demo
    universal, balanced = brief.acceptances
    assert (universal.title, universal.year, universal.left, universal.total, universal.behind) == (
        "学前教育普及普惠", 2028, "还有3年", 15, 1)
    assert [(x.name, x.value, x.standard) for x in universal.behind_items] == [
        ("2017年及以后规划设计的幼儿园园舍条件达标率", "85.7%", "≥100%")]
    assert universal.schools == "需关注的幼儿园22所（共40所，2025年）" and universal.needs == "没有公办中心园的乡镇苏木：黄羊洼镇"
    assert (balanced.year, balanced.total, balanced.met, balanced.behind) == (2030, 47, 27, 6)
    assert ("全旗最小一间音乐专用教室的面积", "72㎡", "≥96㎡") in [(x.name, x.value, x.standard) for x in balanced.behind_items]
    assert balanced.schools == ("未达到逐校要求（至少6项指标达到要求、其余不低于要求的85%）的学校16所（小学12所、初中4所，"
                                "2025年）")
    # What the sixteen must add between them: each school's own figures, rounded up as it is told, summed.
    assert balanced.needs == ("合计需增加：体育运动场馆17,058㎡（9所）；县级以上骨干教师4人（4所）；体育、艺术专任教师4人（4所）；"
                              "教学仪器设备值16.8万元（1所）")


def test_the_matters_for_a_decision(demo):
    _, brief = demo
    topics = {d.topic: d for d in brief.decisions}
    assert list(topics) == ["正文与附件目标不同，尚未裁定", "逾期未达成而没有整改说明", "学前教育普及普惠验收", "义务教育优质均衡验收",
                            "逾期任务", "缺报"]
    assert topics["正文与附件目标不同，尚未裁定"].facts == (
        "列入市级绿色校园、温馨校园的学校占比：按附件（60%以上）逾期未达成、按正文（50%以上）已达成。")
    assert topics["逾期未达成而没有整改说明"].facts == "18个目标：旗教育局17个、旗委宣传部1个。"
    assert topics["逾期任务"].facts == "8项已过完成时限而未报告完成：旗教育局7项、旗财政局1项。"


def test_a_units_words_are_plain_text_on_the_page():
    """整改说明 as typed: no Markdown, HTML, link, formula or colour directive can come of it."""
    from pipelines.core.plain import MARKDOWN_IN_HTML as MARKDOWN
    from reports.leader_html import safe_text

    typed = "**资金**未到位\n[点此](http://x.example) <img src=x onerror=alert(1)> $x^2$ :red[急] #1 `a` a_b_c ~~删~~ & |表|"
    out = safe_text(typed)
    assert not set(out) & set(MARKDOWN.replace("&", "").replace("#", ""))  # only in the numeric references
    assert "<" not in out and "\n" not in out
    assert html.unescape(out) == " ".join(typed.split())


def test_the_leaders_slides_say_every_lagging_target_at_14_pt_or_more(demo):
    from reports.leader_slides import leader_slides
    from reports.slides import CONTENT, FILL, Text, text_height

    b, brief = demo
    slides = leader_slides(brief)
    assert [s.title for s in slides] == ["领导版：需要关注的目标与验收风险（2025年）（1/2）",
                                         "领导版：需要关注的目标与验收风险（2025年）（2/2）"]
    said = ""
    for slide in slides:
        boxes = [item for item in slide.items if isinstance(item, Text)]
        assert len(boxes) == 2  # two columns, side by side within the content area
        left, right = (b.box for b in boxes)
        assert left.left == CONTENT.left and right.left + right.width == pytest.approx(CONTENT.left + CONTENT.width)
        assert left.left + left.width < right.left
        for box in boxes:
            assert all(line.size >= 14 for line in box.lines)
            assert text_height(box.lines, box.box.width) <= box.box.height * FILL
            said += "\n".join(line.lead + line.text for line in box.lines)
    for u in brief.units:
        for i in u.items:
            assert f"{i.name}：{i.value}→{i.goal}" in said, i.name
    assert "易址新建特殊教育学校建成数：累计0所→≥1所，差1所（整改计划2026年9月）" in said
    assert "职业中学共享型实训基地建成：尚未报告→建成，未通过，2023年到期" in said
    assert "旗教育局·× 逾期未达成（18项）" in said and "旗教育局·× 当年未达标（6项）" in said
    assert "义务教育优质均衡（2030年验收，还有5年）" in said and "学前教育普及普惠（2028年验收，还有3年）" in said
    assert not TARGET_CODE.search(said)
    # A leader deck that must fit: the rest is said to be elsewhere, never cut silently.
    one = leader_slides(brief, max_slides=1)
    assert len(one) == 1 and "其余目标见平台“领导版”页和完整汇报幻灯片" in one[0].items[-1].lines[-1].text


@pytest.fixture(scope="module")
def brief_deck(demo_base, tmp_path_factory):
    out = tmp_path_factory.mktemp("brief") / "领导版.pptx"
    result = run_cli("report", "--brief", "--out", out, "--db", demo_base[1], timeout=300)
    assert result.returncode == 0, result.stderr
    assert "已生成" in result.stdout
    return out


def titles(prs) -> list[str]:
    return [next((s.text_frame.text for s in slide.shapes if s.name == "标题"), "") for slide in prs.slides]


def test_report_brief_is_the_leaders_short_deck(brief_deck):
    prs = Presentation(str(brief_deck))
    assert (prs.slide_width, prs.slide_height) == (12192000, 6858000)
    said = titles(prs)
    assert len(said) <= 10
    assert said[0] == "敖汉旗推动教育高质量发展实施方案\n目标进展情况汇报（领导版）"
    assert said[1:] == ["领导版：需要关注的目标与验收风险（2025年）（1/2）", "领导版：需要关注的目标与验收风险（2025年）（2/2）",
                        "重点指标（评估年度2025年）", "学前教育普及普惠：2028年验收准备（还有3年）",
                        "义务教育优质均衡：2030年验收准备（还有5年）", "需要研究决定的事项"]
    texts = [[s.text_frame.text for s in slide.shapes if s.has_text_frame] for slide in prs.slides]
    every = "\n".join(t for slide in texts for t in slide)
    assert not TARGET_CODE.search(every), TARGET_CODE.search(every)
    headline = next(slide for slide, title in zip(prs.slides, said) if title.startswith("重点指标"))
    table = next(s.table for s in headline.shapes if s.has_table)
    rows = [[table.cell(r, c).text for c in range(len(table.columns))] for r in range(len(table.rows))]
    assert rows[0] == ["指标", "最新", "目标", "期限", "差距", "状态", "牵头单位"]
    assert ["在园幼儿入公办园率", "64.2%", "≥65%", "2025年", "差0.8个百分点", "× 逾期未达成", "旗教育局"] in rows
    assert [r[0] for r in rows[1:]] == ["高中阶段毛入学率", "在园幼儿入公办园率", "普惠性幼儿园覆盖率", "中小学专业技术高、中、初级岗位结构",
                                        "高中阶段职普比"]
    decisions = "\n".join(texts[-1])
    assert "1. 正文与附件目标不同，尚未裁定：" in decisions and "请研究：以哪份文件为准" in decisions
    # The two acceptance slides carry their chart; every slide marks the demo data.
    assert sum(s.shape_type == 13 for slide in prs.slides for s in slide.shapes) == 2
    assert all(any(s.name == "示例数据标记" for s in slide.shapes) for slide in prs.slides)


@pytest.mark.visual
def test_the_brief_deck_renders_through_libreoffice(brief_deck, tmp_path):
    """Every slide as LibreOffice draws it, kept in artifacts/brief_deck/ to look at; no text into the footer."""
    from reports.slides import FOOTER_TOP
    from tests.test_report import text_lines

    subprocess.run(["libreoffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(brief_deck)],
                   check=True, capture_output=True, timeout=240)
    pdf = tmp_path / "领导版.pdf"
    subprocess.run(["pdftoppm", "-r", "80", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == len(Presentation(str(brief_deck)).slides) == 7
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    for n, page in enumerate(pages, start=1):
        shutil.copy(page, ARTIFACTS / page.name)
        for bottom, text in text_lines(pdf, n):
            if not text.startswith("数据来源：") and not text.isdigit():
                assert bottom <= FOOTER_TOP + 2, (n, text)


def test_report_help_offers_the_brief_in_chinese():
    result = run_cli("report", "--help")
    assert result.returncode == 0
    assert "--brief" in result.stdout and "领导版短幻灯片，不超过10页" in result.stdout
    assert "用法：" in result.stdout and "选项：" in result.stdout and "usage" not in result.stdout


def test_report_brief_is_a_deck_only(demo_base, tmp_path):
    result = run_cli("report", "--brief", "--out", tmp_path / "领导版.docx", "--db", demo_base[1])
    assert result.returncode == 2
    assert "用法错误：--brief 生成领导版短幻灯片，--out 应为 .pptx 文件" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "领导版.docx").exists()


def test_the_leaders_page_writes_each_value_and_gap_as_every_other_view(demo):
    """One number everywhere (issue 21): the 领导版's value and gap are pipelines.core.formats' strings, on the page,
    the slides and the Word table alike."""
    from pipelines.core import formats
    from reports import leader_html, leader_word
    from reports.leader_slides import leader_slides

    b, brief = demo
    items = {i.name: i for u in brief.units for i in u.items}
    page = leader_html.page(brief)
    slides = "\n".join(line.lead + line.text for s in leader_slides(brief) for box in s.items for line in box.lines)
    table = leader_word.leader_table(brief)
    for t in b.statuses[b.statuses["status"].isin(config.LAGGING_STATUSES)].itertuples():
        item = items[t.indicator_name.replace("（当年新增）", "")]
        reported = formats.present(t.latest_value) or formats.present(t.latest_text)
        assert item.value == (formats.latest(t).split("（")[0] if reported else "尚未报告"), t.target_id
        assert not formats.gap(t) or formats.gap(t) in item.gap, t.target_id
        assert leader_html.safe_text(f"{item.value} → {item.goal}") in page, t.target_id
        assert f"{item.name}：{item.value}→{item.goal}" in slides, t.target_id
        row = table[table["目标"] == item.name].iloc[0]
        assert (row["最新→目标"], row["差距"]) == (f"{item.value}→{item.goal}", item.gap), t.target_id
