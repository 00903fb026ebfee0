"""验收准备's 达标路径 in a real browser: the real app on the demo data, Debian's Chromium through Playwright.

Screenshot: artifacts/screenshots/13_readiness_path.png (the section, with the what-if open).
"""

import shutil

import pytest

from pipelines import config
from tests.browser_support import ARTIFACTS, chromium, open_page, streamlit_server

pytestmark = pytest.mark.browser


def test_the_path_section_is_drawn_and_the_what_if_answers(demo_base, tmp_path):
    raw, db = tmp_path / "raw", tmp_path / "warehouse.duckdb"
    shutil.copytree(demo_base[0], raw)
    shutil.copy(demo_base[1], db)
    with streamlit_server(db, raw, log=tmp_path / "streamlit.log") as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
        open_page(page, f"{url}/readiness", "验收准备")
        heading = page.get_by_role("heading", name="达标路径", exact=True).first
        heading.wait_for(timeout=60_000)
        page.get_by_text("要在2030年通过义务教育优质均衡验收，还需：").first.wait_for(timeout=60_000)
        page.get_by_text("义务教育优质均衡：逐年达标学校（推算）").first.wait_for(timeout=60_000)  # the chart's title
        page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')]"
                               ".some(p => p.innerText.includes('含最优方案'))", timeout=60_000)
        page.get_by_text("假如：调整规划项目或单价").first.click()
        page.get_by_text("重新计算用时").first.wait_for(timeout=60_000)
        assert page.locator('[data-testid="stException"]').count() == 0
        chart = page.locator(".js-plotly-plot", has_text="含最优方案").first
        text = chart.inner_text()
        assert "含最优方案" in text and "含已定规划项目" in text and config.DEMO_LABEL in text
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.set_viewport_size({"width": 1440, "height": 5200})
        page.wait_for_timeout(1200)
        box = heading.bounding_box()
        page.screenshot(path=str(ARTIFACTS / "13_readiness_path.png"),
                        clip={"x": 0, "y": max(0, box["y"] - 20), "width": 1440, "height": 3400})
