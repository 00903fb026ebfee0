"""领导版 in a real browser (issue 21): one A4 page when printed, readable at 1920, 1366 and 390 px, a unit's
整改说明 shown as typed. Screenshots and the printed PDF are kept in artifacts/leader/ to look at."""

import re
import shutil
import subprocess

import duckdb
import pytest

from pipelines.core import config
from tests.books import filled, ingest_approved
from tests.browser_support import chromium, copy_site, open_page, streamlit_server

pytestmark = pytest.mark.browser
ARTIFACTS = config.ROOT / "artifacts" / "leader"
OVERFLOW = """() => {
  // Nothing of the page wider than the window: no sideways scrolling of the page, no row past its right edge.
  const width = window.innerWidth;
  const out = [...document.querySelectorAll('.leader tr, .leader section, .leader p')]
    .filter(e => e.getBoundingClientRect().right > width + 1).map(e => e.textContent.slice(0, 30));
  return {scroll: document.documentElement.scrollWidth - width, out};
}"""


@pytest.fixture(scope="module")
def site(demo_base, accounts_file, tmp_path_factory):
    base = tmp_path_factory.mktemp("leader_site")
    raw, db, accounts = copy_site(demo_base, accounts_file, base)
    with streamlit_server(db, raw, log=base / "streamlit.log", accounts=accounts) as url, chromium() as browser:
        yield url, browser, db


def lagging_names(db) -> list[str]:
    with duckdb.connect(str(db), read_only=True) as con:
        from reports.briefing_data import gather

        b = gather(con, None)
    lagging = b.statuses[b.statuses["status"].isin(config.LAGGING_STATUSES)]
    return [n.replace("（当年新增）", "") for n in lagging["indicator_name"]]


def test_the_leaders_page_prints_on_one_a4_page(site):
    url, browser, db = site
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    try:
        open_page(page, f"{url}/leader", "领导版", charts=False)
        page.locator(".leader-units").wait_for(timeout=30_000)
        page.emulate_media(media="print")
        pdf = ARTIFACTS / "领导版.pdf"
        page.pdf(path=str(pdf), format="A4", print_background=True)
    finally:
        page.close()
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+1\n", info), info
    assert re.search(r"Page size:\s+59[56]\.\d+ x 84[12]\.\d+ pts \(A4\)", info), info  # portrait
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", "", text)
    for name in lagging_names(db):  # every lagging target is on the one page
        assert re.sub(r"\s+", "", name) in flat, name
    for words in ("验收风险", "学前教育普及普惠", "义务教育优质均衡", "旗教育局", "旗财政局", "整改：", config.DEMO_LABEL,
                  "64.2%→≥65%", "差0.8个百分点"):
        assert re.sub(r"\s+", "", words) in flat, words
    assert "筛选" not in flat and "Ctrl+P" not in flat  # the sidebar and the page's note are not printed
    subprocess.run(["pdftoppm", "-png", "-r", "80", str(pdf), str(ARTIFACTS / "领导版_print")], check=True)


@pytest.mark.parametrize("width", [1920, 1366, 390])
def test_the_leaders_page_reads_at_every_width(site, width):
    url, browser, db = site
    phone = width < 500
    context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=phone, has_touch=phone,
                                  locale="zh-CN")
    page = context.new_page()
    try:
        open_page(page, f"{url}/leader", "领导版", charts=False)
        page.locator(".leader-units").wait_for(timeout=30_000)
        page.set_viewport_size({"width": width, "height": 4200 if phone else 2400})
        page.wait_for_timeout(500)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"领导版_{width}.png"))
        found = page.evaluate(OVERFLOW)
        assert found["scroll"] <= 0 and found["out"] == [], found
        rows = page.locator(".leader tbody tr:not(.fix)")
        assert rows.count() == len(lagging_names(db)) == 29
        header = page.locator(".leader thead").first
        if phone:  # each target a block: its name on a line, value → target, gap, due and status under it
            assert not header.is_visible()
            name, value = (rows.first.locator(f"td.{c}").bounding_box() for c in ("name", "value"))
            assert value["y"] >= name["y"] + name["height"] - 1
        else:  # a table, one line a target
            assert header.is_visible()
            name, status = (rows.nth(7).locator(f"td.{c}").bounding_box() for c in ("name", "status"))
            assert abs(name["y"] - status["y"]) < 2 and status["x"] > name["x"] + name["width"]
    finally:
        context.close()


def test_a_units_words_show_as_typed(site, wh, accounts_file, tmp_path):
    """整改说明 with Markdown, HTML and a formula in it: shown as the characters typed, nothing made of them."""
    _, browser, _ = site
    raw, db = wh
    typed = ("**资金**未到位 [点此](http://x.example) <img src=x onerror=alert(1)>", "措施 $x^2$ :red[急] a_b_c", "2026年6月")
    ingest_approved(filled(db, tmp_path / "edu.xlsx", values={"HS_GER": 95.9}, answers={"T15-2": typed}), raw, db)
    accounts = tmp_path / "accounts.json"
    shutil.copy(accounts_file, accounts)
    with streamlit_server(db, raw, log=tmp_path / "streamlit.log", accounts=accounts) as url:
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        try:
            open_page(page, f"{url}/leader", "领导版", charts=False)
            fix = page.locator(".leader tr.fix").first
            fix.wait_for(timeout=30_000)
            said = fix.inner_text()
            made = fix.locator("a, img, strong, em, code, .katex, span[style*='color: red']").count()
        finally:
            page.close()
    assert "原因**资金**未到位 [点此](http://x.example) <img src=x onerror=alert(1)>" in said
    assert "措施措施 $x^2$ :red[急] a_b_c；计划2026年6月" in said
    assert made == 0
