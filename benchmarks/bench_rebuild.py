"""Time the rebuild of an archive of 100, 300 and 1,000 filled workbooks (years of corrections).

Usage: .venv/bin/python benchmarks/bench_rebuild.py [SIZES…]   (default 100 300 1000)

Each size is a raw folder with the plan and that many workbooks archived (the units' workbooks for
2022–2030, then corrections of them, each new bytes). The rebuild runs as the real command in a
subprocess (wall clock and peak memory) and in-process; the per-workbook figure shows the growth.
Then one more workbook is ingested into the largest archive, in-process and as the command.
"""

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import datetime, timedelta
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import ROOT
from pipelines.core import config
from pipelines.operations.build import build
from pipelines.operations.demo import VALUES, fill
from pipelines.operations.ingest import ingest_file
from pipelines.records.archive import archive
from pipelines.warehouse.connection import connect
from pipelines.workbooks.reporting import workbook_rows
from pipelines.workbooks.template import make_template

SIZES = [int(a) for a in sys.argv[1:]] or [100, 300, 1000]
RUNS = 3  # the command's figure is the median of these
UNITS = ("旗教育局", "旗人社局", "旗财政局", "旗委宣传部")  # the units that report values


def base_workbooks(db: Path) -> list[tuple[str, int, bytes, str]]:
    """One filled workbook per unit and year, with the demo's values (2025's for later years).

    Returns (unit, year, bytes, the code of a count whose cell the corrections change).
    """
    books = []
    with connect(db, read_only=True) as con:
        parts = {c for pair in con.execute("select numerator, denominator from indicators where method = 'rate'").fetchall()
                 for c in pair}
        for unit in UNITS:
            rows = workbook_rows(con, unit)
            codes = set(rows["indicator_code"])
            counts = [c for c in rows.loc[rows["value_type"].isin(["count", "amount"]), "indicator_code"] if c not in parts]
            for year in config.YEARS:
                values = {c: v.get(year, v.get(2025)) for c, v in VALUES.items() if c in codes}
                values = {c: v for c, v in values.items() if v is not None}
                values[counts[0]] = 1000  # the cell every correction of this workbook changes
                books.append((unit, year, fill(make_template(con, unit, year), values, {}, {}), counts[0]))
    return books


def corrected(data: bytes, code: str, value: int) -> bytes:
    """The same workbook with one count retyped (as a correction would), saved again."""
    source = zipfile.ZipFile(BytesIO(data))
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet2.xml":
                row = re.search(rf'<c r="A(\d+)"[^>]*t="inlineStr"><is><t>{code}</t>'.encode(), part).group(1).decode()
                part, n = re.subn(rf'(<c r="E{row}"[^>]*>)<v>[^<]*</v>'.encode(), rb"\g<1><v>%d</v>" % value, part)
                assert n == 1, (code, row)
            target.writestr(info, part)
    return out.getvalue()


def make_archive(raw: Path, books, n: int) -> None:
    """Archive n workbooks: the base ones in turn, each later round a correction of the one before."""
    start = datetime(2023, 3, 1)
    for i in range(n):
        unit, year, data, code = books[i % len(books)]
        if i >= len(books):
            data = corrected(data, code, 1000 + i)
        archive(raw, data, f"{unit}_{year}年度监测填报_{i}.xlsx", unit, year, start + timedelta(minutes=i))


# The command's own peak memory (VmHWM belongs to the process image after exec: unlike the rusage of a
# child, it does not count the benchmark process it was forked from).
WITH_PEAK = ("import sys\nfrom pipelines.__main__ import main\ncode = main(sys.argv[1:])\n"
             "print(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')), file=sys.stderr)\nsys.exit(code)")


def rebuild_command(raw: Path, db: Path) -> tuple[float, float]:
    """The real command: (seconds, peak memory in MB)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", WITH_PEAK, "build", "--raw", str(raw), "--db", str(db), "--no-demo"],
                          cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"重建失败：{done.stderr}")
    return seconds, int(re.search(r"VmHWM:\s+(\d+) kB", done.stderr).group(1)) / 1024


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        plan = tmp / "plan"
        plan.mkdir()
        for name in (config.PLAN_FILE, config.TASKLIST_FILE):
            shutil.copy(config.RAW_DIR / name, plan / name)
        shutil.copytree(config.RAW_DIR / config.REFERENCE_DIR, plan / config.REFERENCE_DIR)
        build(plan, tmp / "plan.duckdb", include_demo=False)
        started = time.perf_counter()
        books = base_workbooks(tmp / "plan.duckdb")
        print(f"准备：{len(books)} 个不同单位、年度的工作簿（{time.perf_counter() - started:.1f} s）")
        print(f"工作簿数 | 命令行重建 s（{RUNS}次中位数） | 每个工作簿 ms | 峰值内存 MB | 进程内 build() s")
        for n in SIZES:
            raw = tmp / f"raw{n}"
            shutil.copytree(plan, raw)
            make_archive(raw, books, n)
            os.sync()  # the archive's writes reach the disk before the clock starts
            runs = [rebuild_command(raw, tmp / f"cli{n}.duckdb") for _ in range(RUNS)]
            seconds, peak = statistics.median(r[0] for r in runs), max(r[1] for r in runs)
            started = time.perf_counter()
            report = build(raw, tmp / f"inproc{n}.duckdb", include_demo=False)
            inproc = time.perf_counter() - started
            assert report.submissions == n, report
            print(f"{n:>8} | {seconds:>12.2f} | {1000 * seconds / n:>13.1f} | {peak:>11.0f} | {inproc:>8.2f}", flush=True)
        time_one_ingest(tmp, raw, tmp / f"cli{n}.duckdb", books, n)


def time_one_ingest(tmp: Path, raw: Path, db: Path, books, n: int) -> None:
    """One more workbook into the largest archive: in-process (ingest_file) and as the command."""
    unit, year, data, code = books[0]
    book = tmp / f"{unit}_{year}年度监测填报_新.xlsx"
    book.write_bytes(corrected(data, code, 5000 + n))
    for label, run in (("ingest_file()（进程内）", _ingest_in_process), ("python -m pipelines ingest（命令行，含启动）", _ingest_command)):
        times = []
        for i in range(RUNS):
            copy = tmp / f"ingest-{i}"
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(raw, copy / "raw")
            shutil.copy(db, copy / "w.duckdb")
            os.sync()
            started = time.perf_counter()
            run(book, copy / "raw", copy / "w.duckdb")
            times.append(time.perf_counter() - started)
        print(f"再载入一个工作簿（档案中已有 {n} 个）{label}：中位数 {statistics.median(times):.3f} s"
              f"（{', '.join(f'{t:.3f}' for t in times)}）")


def _ingest_in_process(book: Path, raw: Path, db: Path) -> None:
    result = ingest_file(book, raw, db)
    assert result.outcome == "loaded", result.message


def _ingest_command(book: Path, raw: Path, db: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "pipelines", "ingest", str(book), "--raw", str(raw), "--db", str(db)],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


if __name__ == "__main__":
    main()
