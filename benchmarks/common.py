"""Timing helpers for the benchmark scripts: run a thing several times, print the median."""

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(fn, runs: int = 5) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def cli(*args) -> None:
    result = subprocess.run([sys.executable, "-m", "pipelines", *map(str, args)], cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"命令失败：{' '.join(map(str, args))}\n{result.stderr}")


def report(label: str, times: list[float]) -> None:
    print(f"{label}: median {statistics.median(times):.3f} s  (min {min(times):.3f}, max {max(times):.3f}, n={len(times)})")


def default_site(tmp: Path) -> tuple[Path, Path, Path, int]:
    """The embedded default copied into tmp and built, and 旗教育局's 2025 workbook filled with the demo's values
    (one changed, so that it is new bytes and moves a rate): (raw, warehouse, workbook, how many values)."""
    import shutil

    from pipelines.core import config
    from pipelines.operations.build import build
    from pipelines.operations.demo import VALUES
    from pipelines.warehouse.connection import connect
    from pipelines.workbooks.reporting import workbook_rows
    from pipelines.workbooks.template import fill, make_template

    raw, db = tmp / "raw", tmp / "base.duckdb"
    shutil.copytree(config.RAW_DIR, raw)
    build(raw, db)
    with connect(db, read_only=True) as con:
        codes = set(workbook_rows(con, "旗教育局")["indicator_code"])
        values = {c: v[2025] for c, v in VALUES.items() if c in codes and 2025 in v}
        values["KG_ENROLLED"] = 10150
        book = tmp / "旗教育局_2025.xlsx"
        book.write_bytes(fill(make_template(con, "旗教育局", 2025), values, {}, {1: ("推进中", "")}))
    return raw, db, book, len(values)
