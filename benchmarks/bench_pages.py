"""Page speed on the embedded default warehouse.

1. Each page's script run, warm (AppTest, caches filled): median of several runs.
2. 总览 in a new browser session on a warm server (issue 11): until the leader's first screen (the
   cockpit's tiles and counts) is drawn, and until every chart is drawn; beside it, the same for a floor
   page (benchmarks/floor_app.py: a trivial page with six small Plotly charts) served the same way, in the
   same run: what Streamlit and Plotly cost on this machine whatever the page (docs/developers.md, “The stack on this machine”).
3. Navigation to each page in headless Chromium, warm: a click on the sidebar link until the page's
   title and its charts are drawn; and a full load of the page's URL.
Budgets (issue 11): 总览's first screen ≤ 2.5 s in a new session; every warm page ≤ 1 s.
"""

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipelines.core import config
from pipelines.operations.build import build
from tests.browser_support import PAGES, chromium, open_page, streamlit_server

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
FILES = {"总览": "pages/overview.py", "指标": "pages/indicators.py", "任务台账": "pages/ledger.py",
         "责任单位": "pages/units.py", "数据填报": "pages/upload.py", "数据审核": "pages/review.py",
         "报送与催报": "pages/reminders.py", "数据质量": "pages/quality.py"}
NO_CHARTS = ("数据填报", "数据审核", "报送与催报", "数据质量")
CHARTS = {"总览": 11, "指标": 1, "任务台账": 1, "责任单位": 2, "数据填报": 0, "数据审核": 0, "报送与催报": 0,
          "数据质量": 0}  # on the default data
ALL_DRAWN = ("n => document.querySelectorAll('.js-plotly-plot').length >= n && "
             "[...document.querySelectorAll('.js-plotly-plot')].every(p => p.querySelector('.trace, .hm'))")


def new_sessions(browser, url: str, first_screen: str, charts: int) -> tuple[list[float], list[float]]:
    """(to the first screen, to every chart) for RUNS new browser sessions on a warm server."""
    first, whole = [], []
    for _ in range(RUNS + 1):
        context = browser.new_context(viewport={"width": 1920, "height": 1080})
        page = context.new_page()
        start = time.perf_counter()
        page.goto(url)
        page.locator(first_screen).first.wait_for(timeout=60_000)
        first.append(time.perf_counter() - start)
        page.wait_for_function(ALL_DRAWN, arg=charts, timeout=120_000)
        whole.append(time.perf_counter() - start)
        context.close()
    return first[1:], whole[1:]  # the first session warms the server


def first_view(db: Path, raw: Path) -> None:
    print("新会话打开总览（服务器已预热，1920×1080；中位数）：")
    with streamlit_server(db, raw) as url, chromium() as browser:
        first, whole = new_sessions(browser, url, ".cockpit-counts", CHARTS["总览"])
        print(f"  总览首屏（驾驶舱）: {statistics.median(first):.3f} s  (min {min(first):.3f}, max {max(first):.3f}, n={RUNS})")
        print(f"  总览全部图表绘出: {statistics.median(whole):.3f} s  (min {min(whole):.3f}, max {max(whole):.3f})")
    with streamlit_server(db, raw, app=Path(__file__).parent / "floor_app.py") as url, chromium() as browser:
        first, whole = new_sessions(browser, url, "h1", 6)
        print(f"  基准页（6个小图）标题: {statistics.median(first):.3f} s；全部图表绘出: {statistics.median(whole):.3f} s")


def script_runs(db: Path, raw: Path) -> None:
    from streamlit.runtime import pages_manager
    from streamlit.testing.v1 import AppTest, app_test

    class NavigationOnly(pages_manager.PagesManager):  # see tests/test_app.py
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            pages_manager.PagesManager.uses_pages_directory = False

    app_test.PagesManager = NavigationOnly
    os.environ.update(MONITOR_DB=str(db), MONITOR_RAW=str(raw))
    at = AppTest.from_file(str(config.ROOT / "app.py"), default_timeout=120)
    at.run()
    print("页面脚本运行（预热后，AppTest，含侧栏；中位数）：")
    for title, file in FILES.items():
        at.switch_page(file).run()  # warm the caches
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - start)
            assert not at.exception, at.exception
        print(f"  {title}: {statistics.median(times):.3f} s  (min {min(times):.3f}, max {max(times):.3f}, n={RUNS})")


def browser_navigation(db: Path, raw: Path) -> None:
    with streamlit_server(db, raw) as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        for title, path in PAGES.items():  # cold: the first visit of every page
            open_page(page, f"{url}/{path}", title, charts=title not in NO_CHARTS)
        print("浏览器中切换页面（预热后，点击侧栏链接至标题与图表绘出；中位数）：")
        for title in PAGES:
            times = []
            for _ in range(RUNS):
                other = "数据质量" if title != "数据质量" else "任务台账"
                page.get_by_role("link", name=other, exact=True).click()
                page.get_by_role("heading", name=other, exact=True).wait_for()
                start = time.perf_counter()
                page.get_by_role("link", name=title, exact=True).click()
                page.get_by_role("heading", name=title, exact=True).wait_for()
                if CHARTS[title]:
                    # every chart of the page drawn (each plot has two main-svg layers)
                    page.wait_for_function(ALL_DRAWN, arg=CHARTS[title])
                times.append(time.perf_counter() - start)
            print(f"  {title}: {statistics.median(times):.3f} s  (min {min(times):.3f}, max {max(times):.3f}, n={RUNS})")
        print("浏览器中整页打开（预热后，输入网址至标题与图表绘出；中位数）：")
        for title, path in PAGES.items():
            times = []
            for _ in range(RUNS):
                start = time.perf_counter()
                open_page(page, f"{url}/{path}", title, charts=title not in NO_CHARTS)
                times.append(time.perf_counter() - start)
            print(f"  {title}: {statistics.median(times):.3f} s  (min {min(times):.3f}, max {max(times):.3f}, n={RUNS})")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        raw, db = Path(tmp) / "raw", Path(tmp) / "warehouse.duckdb"
        shutil.copytree(config.RAW_DIR, raw)
        build(raw, db)
        script_runs(db, raw)
        first_view(db, raw)
        browser_navigation(db, raw)
