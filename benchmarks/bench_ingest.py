"""Time one unit's workbook through ingest (check, archive, load, re-assess) and the default rebuild."""

import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import cli, default_site, report, timed
from pipelines.operations.build import build
from pipelines.operations.ingest import ingest_file

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5


def _check(result) -> None:
    assert result.outcome == "loaded", result.message


with tempfile.TemporaryDirectory() as tmp:
    tmp = Path(tmp)
    base_raw, base_db, book, n_values = default_site(tmp)
    print(f"工作簿：旗教育局 2025年度，{n_values} 个数值；仓库中已有 {sum(1 for _ in (base_raw / 'submissions').rglob('*.xlsx'))} 个工作簿")

    times = []
    for i in range(RUNS):
        run = tmp / f"run{i}"
        shutil.copytree(base_raw, run / "raw")
        shutil.copy(base_db, run / "w.duckdb")
        times += timed(lambda run=run: _check(ingest_file(book, run / "raw", run / "w.duckdb")), 1)
    report("ingest 一个单位的工作簿（进程内：检查、归档、载入为待审核）", times)
    times = []
    for i in range(RUNS):
        run = tmp / f"cli{i}"
        shutil.copytree(base_raw, run / "raw")
        shutil.copy(base_db, run / "w.duckdb")
        times += timed(lambda run=run: cli("ingest", book, "--raw", run / "raw", "--db", run / "w.duckdb"), 1)
    report("python -m pipelines ingest 一个工作簿（命令行，含启动）", times)
    report("python -m pipelines build（默认仓库：计划与全部示例工作簿，命令行）", timed(lambda: cli("build", "--raw", base_raw, "--db", tmp / "cli.duckdb"), RUNS))
    report("build()（默认仓库，进程内）", timed(lambda: build(base_raw, tmp / "inproc.duckdb"), RUNS))
