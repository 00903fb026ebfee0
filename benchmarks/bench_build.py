"""Time `python -m pipelines build` on the seed (wall clock, whole command) and the build itself."""

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import cli, report, timed
from pipelines.core import config
from pipelines.operations.build import build

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5

with tempfile.TemporaryDirectory() as tmp:
    db = Path(tmp) / "w.duckdb"
    report("python -m pipelines build --no-demo（命令行，含启动）", timed(lambda: cli("build", "--db", db, "--no-demo"), RUNS))
    report("python -m pipelines build（命令行，含示例数据）", timed(lambda: cli("build", "--db", db), RUNS))
    report("build() --no-demo（进程内）", timed(lambda: build(config.RAW_DIR, db, include_demo=False), RUNS))
    report("build()（进程内，含示例数据）", timed(lambda: build(config.RAW_DIR, db), RUNS))
