"""The chart PNG a leader downloads to paste into a slide (issue 21): how long it takes, how large its words are.

1. In the process: the first picture with Chromium still to start (cold), then each picture with the renderer
   started (warm) — 总览's target-gap chart, 指标's 职普比 and 入公办园率 charts.
2. In the browser: 指标?target=T19-1 on a running app, a click on 下载图片（PNG） until the file arrives — once as
   soon as the chart is drawn, and again (the renderer warmed by the page in the background).
3. The smallest text of each picture in points once it fills a 16:9 slide's width (13.33 in = 960 pt), from
   the figure's layout: the smallest font (px) × 960 ÷ the layout's width (px).
Budgets (issue 21): ≤ 1.5 s to the PNG; every label ≥ 14 pt.
"""

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import duckdb

from benchmarks.common import report, timed
from pipelines.core import config
from pipelines.operations.build import build
from reports import gap_chart, images, indicator_charts, placement, queries
from tests.browser_support import chromium, open_page, streamlit_server

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5


def figures(db: Path) -> dict[str, object]:
    """The pictures the PNG buttons give, as the pages build them."""
    with duckdb.connect(str(db), read_only=True) as con, queries.reading(con):
        f = queries.Filters(2025, None, None, True)
        statuses = queries.statuses(f)
        title, part = gap_chart.gap_chunks(statuses)[0]
        out = {"总览 目标进展图": gap_chart.gap_chart(part, 2025, True, f"{title}：量化目标进展", width=placement.SLIDE_WIDTH_PT)}
        for target_id in ("T19-1", "T10-5"):
            t = next(statuses[statuses["target_id"] == target_id].itertuples())
            values, shares, demo = queries.indicator_data(t.indicator_code, t.kind, f)
            out[f"指标 {target_id}"] = indicator_charts.indicator_chart(t, values, 2025, demo, shares)
    return out


def in_process(pictures: dict) -> None:
    print("进程内生成 PNG（1920 像素宽）：")
    first = next(iter(pictures.values()))
    report("  首张（Chromium 尚未启动）", timed(lambda: placement.slide_png(first), 1))
    for name, fig in pictures.items():
        report(f"  {name}（渲染器已启动）", timed(lambda fig=fig: placement.slide_png(fig), RUNS))
    images.stop()


def in_browser(db: Path, raw: Path) -> None:
    print("浏览器中点击“下载图片（PNG）”到文件下载完成（指标 T19-1，1920×1080）：")
    with streamlit_server(db, raw) as url, chromium() as browser:
        for label, wait in (("图表刚绘出即点击（新启动的服务）", 0.0), ("页面打开 5 秒后点击", 5.0)):
            times = []
            for _ in range(RUNS if wait else 1):
                context = browser.new_context(viewport={"width": 1920, "height": 1080}, accept_downloads=True)
                page = context.new_page()
                open_page(page, f"{url}/indicators?target=T19-1", "指标")
                page.wait_for_timeout(wait * 1000)
                button = page.get_by_role("button", name="下载图片（PNG）").first
                button.scroll_into_view_if_needed()
                start = time.perf_counter()
                with page.expect_download(timeout=60_000) as download:
                    button.click()
                download.value.path()
                times.append(time.perf_counter() - start)
                context.close()
            print(f"  {label}: median {statistics.median(times):.3f} s  (max {max(times):.3f}, n={len(times)})")


def label_points(pictures: dict) -> None:
    print(f"铺满 16:9 幻灯片宽度（13.33 英寸 = {placement.SLIDE_WIDTH_PT} 磅）时最小的字：")
    for name, fig in pictures.items():
        picture = placement.standalone(fig)
        print(f"  {name}: {placement.effective_min_pt(picture, placement.SLIDE_WIDTH_PT):.1f} 磅"
              f"（最小字号 {min(placement.font_sizes(picture)):.0f} px，版面宽 {picture.layout.width} px）")


with tempfile.TemporaryDirectory() as tmp:
    raw, db = Path(tmp) / "raw", Path(tmp) / "warehouse.duckdb"
    shutil.copytree(config.RAW_DIR, raw)
    build(raw, db)
    pictures = figures(db)
    label_points(pictures)
    in_process(pictures)
    in_browser(db, raw)
