"""验收准备 in a real browser: the real app on the demo data, Debian's Chromium through Playwright.

Screenshots: artifacts/screenshots/11_readiness.png (义务教育优质均衡) and 12_readiness_kindergartens.png.
"""

import shutil

import pytest

from pipelines.core import config
from pipelines.core import school_settings as s
from tests.browser_support import CHART, chromium, open_page, shoot, streamlit_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(demo_base, tmp_path_factory):
    base = tmp_path_factory.mktemp("readiness_site")
    raw, db = base / "raw", base / "warehouse.duckdb"
    shutil.copytree(demo_base[0], raw)
    shutil.copy(demo_base[1], db)
    with streamlit_server(db, raw, log=base / "streamlit.log") as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
        yield url, page
        page.close()


def test_the_readiness_page_reads_at_a_glance(site):
    url, page = site
    open_page(page, f"{url}/readiness", "验收准备")
    page.get_by_text("2028年验收 · 还有3年").first.wait_for(timeout=30_000)
    page.get_by_text("2030年验收 · 还有5年").first.wait_for(timeout=30_000)
    page.get_by_text("义务教育优质均衡：资源配置7项指标的校际差异系数").first.wait_for(timeout=30_000)  # its title
    svg = page.locator(".js-plotly-plot").first.inner_text()
    assert "上限 0.50" in svg and config.DEMO_LABEL in svg and s.CAVEAT in svg
    page.get_by_text("未达到“至少6项指标达到要求、其余不低于要求的85%”的学校").first.wait_for(timeout=30_000)
    page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stDataFrame\"]').length >= 2",
                           timeout=30_000)  # the school matrix and the failing schools
    assert page.locator('[data-testid="stException"]').count() == 0
    shoot(page, "11_readiness", height=3400)


def test_the_kindergarten_view(site):
    url, page = site
    open_page(page, f"{url}/readiness", "验收准备")
    page.get_by_text("学前教育普及普惠（2028）").first.click()
    page.get_by_text("幼儿园（2025年").first.wait_for(timeout=30_000)
    page.locator(CHART).first.wait_for(timeout=30_000)
    page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')].some(p => p.innerText.includes('毛入园率'))",
                           timeout=30_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    shoot(page, "12_readiness_kindergartens", height=2600)


def test_the_overview_links_to_the_acceptance(site):
    url, page = site
    open_page(page, url, "总览")
    page.get_by_role("link", name="查看验收准备").first.click()
    page.get_by_role("heading", name="验收准备", exact=True).first.wait_for(timeout=30_000)
    page.get_by_text("幼儿园（2025年").first.wait_for(timeout=30_000)  # the link chose 普及普惠
