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
