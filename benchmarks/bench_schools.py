"""Time 旗教育局's school workbook through ingest (read, check, archive, load, readiness) at 300 schools.

Budget (issue 12): a workbook of 300 schools ingested in ≤ 0.5 s in-process, into the default warehouse
(plan and demo data). The workbook is the demo's 2025 register and rows repeated with new ids, typed into
the real template; every run loads it into a fresh copy of the warehouse.
"""

import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import report, timed  # noqa: E402
from pipelines import config  # noqa: E402
from pipelines.build import build  # noqa: E402
from pipelines.ingest import ingest_file  # noqa: E402
from pipelines.schools import settings as s  # noqa: E402
from pipelines.schools.demo import county_values, fill_school_book, kindergarten_rows, school_rows  # noqa: E402
from pipelines.schools.template import make_school_template  # noqa: E402
from pipelines.warehouse import connect  # noqa: E402

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


with tempfile.TemporaryDirectory() as tmp:
    tmp = Path(tmp)
    base_raw, base_db = tmp / "raw", tmp / "base.duckdb"
    shutil.copytree(config.RAW_DIR, base_raw)
    build(base_raw, base_db)
    with connect(base_db, read_only=True) as con:
        data, n_schools, n_rows = big_book(con, SCHOOLS)
    book = tmp / f"旗教育局_{YEAR}年度学校与幼儿园填报.xlsx"
    book.write_bytes(data)
    print(f"工作簿：学校 {n_schools} 所（“学校”表 {n_rows} 行），幼儿园 {len(kindergarten_rows(2025))} 所，"
          f"{len(data) / 1024:.0f} KB")

    def once(run: Path) -> None:
        result = ingest_file(book, run / "raw", run / "w.duckdb")
        assert result.outcome == "loaded", [str(p) for p in result.problems[:5]]

    times = []
    for i in range(RUNS):
        run = tmp / f"run{i}"
        shutil.copytree(base_raw, run / "raw")
        shutil.copy(base_db, run / "w.duckdb")
        times += timed(lambda run=run: once(run), 1)
    report(f"ingest 学校与幼儿园工作簿（{n_schools} 所学校，进程内：读取、检查、归档、载入、验收准备重算）", times)
    start = time.perf_counter()
    build(base_raw, tmp / "rebuilt.duckdb")
    print(f"build()（默认仓库含示例学校数据，进程内，一次）: {time.perf_counter() - start:.3f} s")
