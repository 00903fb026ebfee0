"""Time review (审核): what approving a pending workbook would change (the preview), the approval itself
(logged, applied, targets re-assessed), in-process and through the command line, on the default warehouse
with one unit's pending workbook; and the 催报 table.

    .venv/bin/python benchmarks/bench_review.py [RUNS]
"""

import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import cli, default_site, report, timed
from pipelines.operations.ingest import ingest_file
from pipelines.operations.review import decide
from pipelines.records.accounts import Account
from pipelines.records.reminders import receipts
from pipelines.records.review_preview import preview
from pipelines.warehouse.connection import connect

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
ADMIN = Account("admin", "管理")

with tempfile.TemporaryDirectory() as tmp:
    tmp = Path(tmp)
    base_raw, base_db, book, n_values = default_site(tmp)
    result = ingest_file(book, base_raw, base_db)
    assert result.outcome == "loaded", result.message
    pending = result.submission_id
    print(f"待审核：旗教育局 2025年度，{n_values} 个数值（填报 #{pending}）；仓库中已有 "
          f"{sum(1 for _ in (base_raw / 'submissions').rglob('*.xlsx'))} 个工作簿")

    report("审核预览（审核通过将改变什么：数值与目标状态，进程内）", timed(lambda: preview(base_db, pending), RUNS))
    times = []
    for i in range(RUNS):
        run = tmp / f"run{i}"
        shutil.copytree(base_raw, run / "raw")
        shutil.copy(base_db, run / "w.duckdb")
        times += timed(lambda run=run: decide(run / "raw", run / "w.duckdb", pending, "approved", ADMIN), 1)
    report("审核通过一个工作簿（进程内：记入日志、写入仓库、重新评估目标、审计）", times)
    report("python -m pipelines review list（命令行，含启动）",
           timed(lambda: cli("review", "list", "--raw", base_raw, "--db", base_db), RUNS))
    with connect(base_db, read_only=True) as con:
        report("报送与催报表（单位×年度，进程内）",
               timed(lambda: receipts(con, date(2026, 11, 29), {}), RUNS))
