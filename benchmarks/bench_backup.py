"""Time backup, restore (with its rebuild) and health on the embedded default raw folder; print sizes.

    .venv/bin/python benchmarks/bench_backup.py [RUNS]
"""

import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import cli, report, timed
from pipelines.core import config
from pipelines.operations.backup import backup, restore
from pipelines.operations.build import build
from pipelines.operations.health import check

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5

with tempfile.TemporaryDirectory() as tmp:
    tmp = Path(tmp)
    raw, db, out = tmp / "raw", tmp / "warehouse.duckdb", tmp / "backup.tar.gz"
    shutil.copytree(config.RAW_DIR, raw)
    accounts = tmp / "accounts.json"
    shutil.copy(config.ACCOUNTS_EXAMPLE, accounts)
    os.environ["MONITOR_ACCOUNTS"] = str(accounts)
    build(raw, db)
    files = [p for p in raw.rglob("*") if p.is_file()]
    print(f"原始数据：{len(files)} 个文件，{sum(p.stat().st_size for p in files) / 1e6:.2f} MB")

    report("backup()（进程内）", timed(lambda: backup(raw, out), RUNS))
    print(f"备份文件：{out.stat().st_size / 1e6:.2f} MB")
    report("restore()（进程内，含重建）", timed(lambda: restore(out, raw, db, yes=True), RUNS))
    report("health check()（进程内）", timed(lambda: check(raw, db), RUNS))
    report("python -m pipelines backup（命令行，含启动）", timed(lambda: cli("backup", "--out", out, "--raw", raw), RUNS))
    report("python -m pipelines restore（命令行，含启动和重建）", timed(lambda: cli("restore", out, "--raw", raw, "--db", db, "--yes"), RUNS))
    report("python -m pipelines health（命令行，含启动）", timed(lambda: cli("health", "--raw", raw, "--db", db), RUNS))
