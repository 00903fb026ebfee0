"""Time 旗教育局's school workbook through ingest, and the 验收准备 page in Chromium.

Budgets (issue 12): a workbook of 300 schools ingested in ≤ 0.5 s in-process (read, check, archive, load,
judgments and readiness restated), into the default warehouse (plan and demo data) and into one without
demo data; 验收准备 drawn in ≤ 1 s warm in headless Chromium (a click on its sidebar link until its title,
its chart and its school matrix are drawn). The workbook is the demo's 2025 register and rows repeated
with new ids, typed into the real template; every run loads it into a fresh copy of the warehouse.

    .venv/bin/python benchmarks/bench_schools.py [RUNS] [SCHOOLS]
"""

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import report, timed
from pipelines.core import config
from pipelines.core import school_settings as s
from pipelines.operations.build import build
from pipelines.operations.ingest import ingest_file
from pipelines.operations.school_demo import county_values, kindergarten_rows, school_rows
from pipelines.schools.school_template import (
    fill_school_book,
    make_school_template,
)
from pipelines.warehouse.connection import connect

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
SCHOOLS = int(sys.argv[2]) if len(sys.argv) > 2 else 300
YEAR = 2026


def big_book(con, n_schools: int) -> tuple[bytes, int, int]:
    """The demo year's schools repeated (new ids, the same townships) until there are n_schools."""
    register, rows = school_rows(2025)
    kgs = kindergarten_rows(2025)
    big_register, big_rows, copy = [], [], 0
    while len(big_register) < n_schools:
        copy += 1
        for school in register:
            if len(big_register) == n_schools:
                break
            new_id = f"B{copy:02d}{school[s.ID]}"
            big_register.append({**school, s.ID: new_id, s.NAME: f"{school[s.NAME]}{copy}", s.CHANGE: None,
                                 s.MERGED_FROM: None})
            big_rows += [{**row, s.ID: new_id, s.NAME: f"{row[s.NAME]}{copy}"} for row in rows if row[s.ID] == school[s.ID]]
    data = fill_school_book(make_school_template(con, YEAR), big_register, big_rows, kgs, county_values(2025))
    return data, len(big_register), len(big_rows)


def ingest_runs(tmp: Path, base_raw: Path, base_db: Path, book: Path, label: str) -> None:
    def once(run: Path) -> None:
        result = ingest_file(book, run / "raw", run / "w.duckdb")
        assert result.outcome == "loaded", [str(p) for p in result.problems[:5]]

    times, cpu = [], []
    for i in range(RUNS):
        run = tmp / f"{label}{i}"
        shutil.copytree(base_raw, run / "raw")
        shutil.copy(base_db, run / "w.duckdb")
        start = time.process_time()
        times += timed(lambda run=run: once(run), 1)
        cpu.append(time.process_time() - start)
    report(f"ingest 学校与幼儿园工作簿（{SCHOOLS} 所学校，进程内，{label}）", times)
    # CPU time of this process: what the ingest itself costs when other processes share the cores
    report(f"  同上，本进程CPU时间（{label}）", cpu)


def browser(db: Path, raw: Path) -> None:
    from tests.browser_support import chromium, open_page, streamlit_server

    drawn = ("() => [...document.querySelectorAll('.js-plotly-plot')].some(p => p.querySelector('.trace')) && "
             "document.querySelectorAll('[data-testid=\"stDataFrame\"]').length >= 2")
    with streamlit_server(db, raw) as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        open_page(page, f"{url}/quality", "数据质量", charts=False)
        open_page(page, f"{url}/readiness", "验收准备")  # cold: the first visit
        clicks, loads = [], []
        for _ in range(RUNS):
            page.get_by_role("link", name="数据质量", exact=True).click()
            page.get_by_role("heading", name="数据质量", exact=True).wait_for()
            start = time.perf_counter()
            page.get_by_role("link", name="验收准备", exact=True).click()
            page.get_by_role("heading", name="验收准备", exact=True).wait_for()
            page.wait_for_function(drawn)
            clicks.append(time.perf_counter() - start)
        for _ in range(RUNS):
            start = time.perf_counter()
            open_page(page, f"{url}/readiness", "验收准备")
            page.wait_for_function(drawn)
            loads.append(time.perf_counter() - start)
        print(f"验收准备（浏览器，预热后，点击侧栏至标题、图表与学校矩阵绘出）: median {statistics.median(clicks):.3f} s "
              f"(min {min(clicks):.3f}, max {max(clicks):.3f}, n={RUNS})")
        print(f"验收准备（浏览器，预热后，整页打开）: median {statistics.median(loads):.3f} s "
              f"(min {min(loads):.3f}, max {max(loads):.3f}, n={RUNS})")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        base_raw, base_db = tmp / "raw", tmp / "base.duckdb"
        shutil.copytree(config.RAW_DIR, base_raw)
        build(base_raw, base_db)
        plain_db = tmp / "plain.duckdb"
        build(base_raw, plain_db, include_demo=False)
        with connect(base_db, read_only=True) as con:
            data, n_schools, n_rows = big_book(con, SCHOOLS)
        book = tmp / f"旗教育局_{YEAR}年度学校与幼儿园填报.xlsx"
        book.write_bytes(data)
        print(f"工作簿：学校 {n_schools} 所（“学校”表 {n_rows} 行），幼儿园 {len(kindergarten_rows(2025))} 所，"
              f"{len(data) / 1024:.0f} KB")
        ingest_runs(tmp, base_raw, base_db, book, "默认仓库，含示例数据")
        ingest_runs(tmp, base_raw, plain_db, book, "不含示例数据的仓库")
        start = time.perf_counter()
        build(base_raw, tmp / "rebuilt.duckdb")
        print(f"build()（默认仓库含示例学校数据，进程内，一次）: {time.perf_counter() - start:.3f} s")
        browser(base_db, base_raw)
