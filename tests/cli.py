"""Run the real command line in a subprocess, as a person or a script would."""

import os
import subprocess
import sys

from pipelines.core import config


def run_cli(*args, timeout=120):
    env = {**os.environ, "PYTHONPATH": str(config.ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "pipelines", *map(str, args)],
        capture_output=True, text=True, timeout=timeout, cwd=config.ROOT, env=env,
    )


def made_report(db, folder, name: str, timeout=300):
    """A file written by the real `report` command (its suffix chooses the deck, the Word or the Excel report)."""
    out = folder / name
    result = run_cli("report", "--out", out, "--db", db, timeout=timeout)
    assert result.returncode == 0, result.stderr
    assert "已生成" in result.stdout
    return out
