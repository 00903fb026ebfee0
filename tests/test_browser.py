"""End-to-end in a real browser: the real app on a free port, Debian's Chromium through Playwright.

These fail, never skip, when the browser cannot run: CI installs chromium and fonts-noto-cjk itself.
Screenshots of every page are saved under artifacts/screenshots/.
"""

import re

import pytest

from pipelines.core import config
from tests.books import filled
from tests.browser_support import (
    PAGES,
    WORKBOOK_UPLOAD,
    chromium,
    copy_site,
    go,
    open_page,
    open_upload_signed_in,
    shoot,
    sign_in,
    streamlit_server,
)
from tests.conftest import PASSWORDS

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    with chromium() as running:
        yield running


@pytest.fixture(scope="module")
def site(demo_base, accounts_file, tmp_path_factory, browser):
    """The app on the embedded default (plan and demo data), on its own copy of the warehouse."""
    base = tmp_path_factory.mktemp("site")
    raw, db, accounts = copy_site(demo_base, accounts_file, base)
    with streamlit_server(db, raw, log=base / "streamlit.log", accounts=accounts) as url:
        page = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
        open_page(page, f"{url}/upload", "数据填报", charts=False)  # the first request after the start
        yield url, page, db
        page.close()


@pytest.mark.parametrize("title", list(PAGES))
def test_every_page_opens_with_its_title_and_charts(site, title):
    url, page, _ = site
    charts = title not in ("数据填报", "数据审核", "报送与催报", "数据质量")
    open_page(page, f"{url}/{PAGES[title]}", title, charts=charts)
    if charts:
        assert page.locator(".js-plotly-plot").count() >= 1
    assert page.locator('[data-testid="stException"]').count() == 0
    if title != "责任单位":
        assert page.get_by_text(config.DEMO_LABEL).count() >= 1
    shoot(page, f"{list(PAGES).index(title) + 1}_{PAGES[title] or 'overview'}")


def test_chart_titles_are_chinese_with_the_as_of_year_and_source(site):
    url, page, _ = site
    open_page(page, f"{url}/indicators?target=T03-5", "指标")
    svg = page.locator(".js-plotly-plot").first.inner_text()
    # The title and the as-of year are written above the chart (text that wraps on a phone); the source
    # line and the demo mark stay inside it, so a screenshot of the chart alone still carries them.
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert "高中阶段毛入学率" in main and "评估年度：2025年" in main
    assert "数据来源：各单位年度填报；示例数据" in svg


def indicator_shows(page, search: str, text: str) -> None:
    go(page, "指标")
    page.get_by_label("查找指标").fill(search)
    page.get_by_label("查找指标").press("Enter")
    page.get_by_text(text).first.wait_for(timeout=30_000)


@pytest.fixture
def own_site(demo_base, accounts_file, tmp_path, browser):
    """The app on its own copy of the embedded default, for a test that ends the demo."""
    (tmp_path / "own").mkdir()
    raw, db, accounts = copy_site(demo_base, accounts_file, tmp_path / "own")
    with streamlit_server(db, raw, log=tmp_path / "streamlit.log", accounts=accounts) as url:
        page = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
        yield url, page, db
        page.close()


def test_upload_then_review_and_approve_and_see_the_new_value_on_the_indicator_page(own_site, tmp_path):
    """A unit uploads: the value waits for review (the dashboard unchanged, the sidebar says one awaits);
    the unit's reviewer sees what approving would change — the first real workbook: the demo ends — approves,
    and the dashboard shows the real value, without the 示例数据 mark."""
    url, page, db = own_site
    good = filled(db, tmp_path / "旗教育局_2025_更正.xlsx", year=2025, values={"KG_PUBLIC_RATE": "66.6%"})
    open_upload_signed_in(page, url, "edu", PASSWORDS["edu"])
    page.locator(WORKBOOK_UPLOAD).set_input_files(str(good))
    page.get_by_text("检查通过").wait_for(timeout=30_000)
    page.get_by_role("button", name=re.compile("确认载入")).click()
    page.get_by_text("已载入“旗教育局_2025_更正.xlsx”").first.wait_for(timeout=30_000)
    page.get_by_text("1 个工作簿待审核").first.wait_for(timeout=30_000)
    shoot(page, "7_upload_loaded")
    indicator_shows(page, "入公办园率", "64.2%")  # the approved demo value still counts
    assert page.get_by_text("66.6%").count() == 0

    open_page(page, f"{url}/review", "数据审核", charts=False)
    sign_in(page, "checker", PASSWORDS["checker"])
    page.get_by_text("审核通过后将改变什么").wait_for(timeout=30_000)
    page.get_by_text("已达成").first.wait_for(timeout=30_000)  # 入公办园率 would become 已达成
    page.get_by_text("这是第一个审核通过的真实工作簿").wait_for(timeout=30_000)
    shoot(page, "8_review_preview")
    page.get_by_role("button", name="提交审核结论").click()
    page.get_by_text("已审核通过").first.wait_for(timeout=30_000)
    indicator_shows(page, "入公办园率", "66.6%")
    assert page.locator('[data-testid="stMetricValue"]').filter(has_text="已达成").count() == 1
    assert page.get_by_text(config.DEMO_LABEL).count() == 0  # the demo has ended
    shoot(page, "9_indicator_after_approval")


def test_upload_a_bad_workbook_and_see_the_row_and_column(site, tmp_path):
    url, page, db = site
    bad = filled(db, tmp_path / "旗教育局_2025_错误.xlsx", year=2025, values={"KG_ENROLLED": "约九成"})
    open_upload_signed_in(page, url, "edu", PASSWORDS["edu"])
    page.locator(WORKBOOK_UPLOAD).set_input_files(str(bad))
    page.get_by_text("1 个错误").first.wait_for(timeout=30_000)
    findings = page.locator('[data-testid="stTable"]').first
    findings.wait_for()
    text = findings.inner_text()
    assert "E列（数值）" in text and "无法识别为数字：“约九成”" in text
    assert re.search(r"指标数据\s+\d+\s+E列", text)  # sheet, row and column
    assert page.get_by_role("button", name=re.compile("确认载入")).count() == 0
    shoot(page, "9_upload_refused")


def test_upload_hostile_workbooks_and_read_why_in_chinese(site, tmp_path):
    """A damaged file and an absurd value: each refused with a sentence naming it, no error box."""
    from tests import hostile_books

    url, page, db = site
    damaged = hostile_books.corrupted_compressed_data(db, tmp_path)
    absurd = hostile_books.nines(db, tmp_path)
    open_upload_signed_in(page, url, "edu", PASSWORDS["edu"])
    page.locator(WORKBOOK_UPLOAD).set_input_files([str(damaged), str(absurd)])
    page.get_by_text(f"{absurd.name}：1 个错误").first.wait_for(timeout=30_000)
    page.get_by_text(f"{damaged.name}：1 个错误").first.wait_for(timeout=30_000)
    text = " ".join(t.inner_text() for t in page.locator('[data-testid="stTable"]').all())
    assert "文件已损坏或不是完整的工作簿" in text and "数字过大，不是有效的数值" in text
    assert not re.search(r"Error|Exception|BadZipFile", page.locator("section.main, [data-testid='stMain']").first.inner_text())
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_role("button", name=re.compile("确认载入")).count() == 0
    shoot(page, "9b_upload_hostile")


def test_one_click_on_the_overview_gives_the_deck(site, tmp_path):
    from pptx import Presentation

    url, page, db = site
    open_page(page, url, "总览")
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name=re.compile("下载汇报幻灯片")).click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.suffix == ".pptx" and "汇报" in path.name
    prs = Presentation(str(path))
    from tests.test_report import DECK_SLIDES

    assert len(prs.slides) == DECK_SLIDES  # as the command line makes it (tests/test_report.py)
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name=re.compile("下载监测报告")).click()
    report = tmp_path / download.value.suggested_filename
    download.value.save_as(report)
    assert report.suffix == ".docx" and "监测报告" in report.name
    import docx

    assert docx.Document(str(report)).paragraphs[0].text == "敖汉旗推动教育高质量发展实施方案"
    with page.expect_download(timeout=60_000) as png:
        page.get_by_role("button", name=re.compile("下载图片")).first.click()
    assert png.value.suggested_filename.endswith(".png")


def test_signed_in_reporter_sees_another_units_workbook_refused(site, tmp_path):
    url, page, db = site
    other = filled(db, tmp_path / "旗财政局_2025.xlsx", unit="旗财政局", year=2025, values={"FI_HS_DEBT": 100})
    open_upload_signed_in(page, url, "edu", PASSWORDS["edu"])
    page.locator(WORKBOOK_UPLOAD).set_input_files(str(other))
    findings = page.locator('[data-testid="stTable"]').first
    findings.wait_for(timeout=30_000)
    assert "只能上传本单位的工作簿" in findings.inner_text()
    assert page.get_by_role("button", name=re.compile("确认载入")).count() == 0
    shoot(page, "10_upload_other_unit_refused")


def test_navigation_stays_the_apps_when_the_first_request_was_a_page_url(site):
    """The site's first request after its start was /upload (see the fixture): app.py's navigation holds."""
    url, page, _ = site
    open_page(page, f"{url}/quality", "数据质量", charts=False)
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert all(title in nav for title in PAGES)
    assert page.get_by_role("link", name="upload", exact=True).count() == 0  # not the pages/ file names
    page.locator('[data-testid="stSidebar"]').get_by_text("评估年度").first.wait_for(timeout=10_000)  # app.py's sidebar


CUT_TEXT = """() => {
  // Every text of every chart (bar labels, annotations, tick labels, legend, title) inside its chart,
  // and none cut with an ellipsis.
  const bad = [];
  for (const plot of document.querySelectorAll('.js-plotly-plot')) {
    const box = plot.querySelector('.main-svg').getBoundingClientRect();
    for (const t of plot.querySelectorAll('.annotation-text, .xtick text, .ytick text, .legendtext, .gtitle, .bartext')) {
      const r = t.getBoundingClientRect();
      if (r.width === 0) continue;
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)
        bad.push(t.textContent.slice(0, 30) + ` [${Math.round(r.left)}..${Math.round(r.right)} of ${Math.round(box.left)}..${Math.round(box.right)}]`);
      if (t.textContent.includes('…')) bad.push('cut: ' + t.textContent.slice(0, 30));
    }
  }
  return bad;
}"""


@pytest.mark.parametrize(("size", "mobile"), [((390, 844), True), ((1366, 768), False)], ids=["phone", "laptop"])
def test_no_chart_label_is_cut_or_outside_its_chart(site, size, mobile):
    """On a phone and a laptop: the target-gap rows and indicator charts keep every word inside."""
    url, shared, _ = site
    context = shared.context.browser.new_context(viewport={"width": size[0], "height": size[1]}, is_mobile=mobile,
                                                 has_touch=mobile)
    page = context.new_page()
    try:
        for path, title in (("", "总览"), ("indicators?target=T36-1", "指标"), ("indicators?target=T83-1", "指标"),
                            ("indicators?target=T10-2", "指标"), ("ledger", "任务台账")):
            open_page(page, f"{url}/{path}", title)
            page.set_viewport_size({"width": size[0], "height": 9000})  # every chart laid out
            page.wait_for_timeout(2500)
            assert page.evaluate(CUT_TEXT) == [], path
            page.set_viewport_size({"width": size[0], "height": size[1]})
    finally:
        context.close()


def test_a_click_on_a_target_bar_opens_it_on_the_indicator_page(site):
    url, page, _ = site
    open_page(page, url, "总览")
    bar = page.locator(".js-plotly-plot").first.locator(".bars path").nth(4)
    bar.scroll_into_view_if_needed()
    bar.click(force=True)
    page.get_by_role("heading", name="指标", exact=True).wait_for(timeout=30_000)
    page.wait_for_url(re.compile(r"target=T\d\d-\d"), timeout=30_000)
    chosen = re.search(r"target=(T\d\d-\d)", page.url).group(1)
    page.locator('[data-testid="stMetricValue"]').first.wait_for(timeout=30_000)
    assert chosen in ("T03-1", "T03-2", "T03-3", "T03-4", "T03-5", "T03-6", "T03-7", "T03-8", "T03-9")


def test_the_cockpit_prints_on_one_a4_landscape_page(site, tmp_path):
    import subprocess

    url, shared, _ = site
    page = shared.context.browser.new_page(viewport={"width": 1920, "height": 1080})
    try:
        open_page(page, url, "总览", charts=False)
        page.locator(".cockpit-counts").wait_for()
        page.locator(".st-key-details").wait_for(state="attached")  # the page as it stays (the charts follow the cockpit)
        page.emulate_media(media="print")
        pdf = tmp_path / "cockpit.pdf"
        page.pdf(path=str(pdf), format="A4", landscape=True, print_background=True, prefer_css_page_size=True)
    finally:
        page.close()
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+1\n", info), info
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for words in ("高中阶段毛入学率", "在园幼儿入公办园率", "需要关注的目标", "旗财政局", "示例数据"):
        assert words in text, words
    assert "量化目标进展" not in text  # the charts below the first screen are not printed
