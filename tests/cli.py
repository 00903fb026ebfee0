"""Run the real command line in a subprocess, as a person or a script would."""

import os
import subprocess
import sys

from pipelines import config


def run_cli(*args, timeout=120):
    env = {**os.environ, "PYTHONPATH": str(config.ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "pipelines", *map(str, args)],
        capture_output=True, text=True, timeout=timeout, cwd=config.ROOT, env=env,
    )
