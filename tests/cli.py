"""Run the real command line as a person or a script would, and get its exit status, stdout and stderr.

By default in this process, through `pipelines.__main__.main` (what `python -m pipelines` runs), with its
output captured: the same parser, messages and exit statuses without paying a Python start-up per call. A
test about the process itself (the module as an entry point, a kill, a race with another process) asks for
`process=True`: a real `python -m pipelines` in a subprocess.
"""

import io
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from pipelines import config


def run_cli(*args, timeout=120, process=False, input=None) -> subprocess.CompletedProcess:
    """The command's result (returncode, stdout, stderr); input: what standard input holds (--password-stdin)."""
    argv = [str(a) for a in args]
    if process:
        env = {**os.environ, "PYTHONPATH": str(config.ROOT)}
        return subprocess.run([sys.executable, "-m", "pipelines", *argv], capture_output=True, text=True,
                              timeout=timeout, cwd=config.ROOT, env=env, input=input)
    return _in_process(argv, input)


def _in_process(argv: list[str], input: str | None) -> subprocess.CompletedProcess:
    from pipelines import __main__ as cli

    out, err = io.StringIO(), io.StringIO()
    # As a new process would: the default raw folder and warehouse from the environment of this moment (the
    # tests point MONITOR_RAW at a temporary folder), the repository as the working folder.
    saved = config.RAW_DIR, config.DB_PATH, os.getcwd(), sys.stdin
    config.RAW_DIR = Path(os.environ.get("MONITOR_RAW", config.ROOT / "data" / "raw"))
    config.DB_PATH = Path(os.environ.get("MONITOR_DB", config.ROOT / "data" / "warehouse.duckdb"))
    os.chdir(config.ROOT)
    sys.stdin = io.StringIO(input or "")
    try:
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = cli.main(argv)
            except SystemExit as exc:  # argparse's usage errors and --help leave through SystemExit, as in a process
                code = _exit_status(exc, err)
    finally:
        config.RAW_DIR, config.DB_PATH, cwd, sys.stdin = saved
        os.chdir(cwd)
    return subprocess.CompletedProcess(["python", "-m", "pipelines", *argv], code, out.getvalue(), err.getvalue())


def _exit_status(exc: SystemExit, err: io.StringIO) -> int:
    """What the interpreter would exit with: the code, 0 for none, 1 for a message (which it prints)."""
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    print(exc.code, file=err)
    return 1


def made_report(db, folder, name: str, timeout=300):
    """A file written by the real `report` command (its suffix chooses the deck, the Word or the Excel report)."""
    out = folder / name
    result = run_cli("report", "--out", out, "--db", db, timeout=timeout)
    assert result.returncode == 0, result.stderr
    assert "已生成" in result.stdout
    return out
