"""Run `python -m pipelines …` and SIGKILL it just before a call made by pipelines/.

    python -m tests.kill_at N ingest FILE --raw DIR --db FILE        before its N-th call (0: never)
    python -m tests.kill_at NAME[:K] build --raw DIR --db FILE       before the K-th call of NAME (K = 1)

Every call of a function of pipelines/, and every call that code makes into C (os.fsync, os.replace,
a DuckDB execute), is counted; the N-th is never made: the process kills itself with SIGKILL just
before it. So a kill lands between writing a file and renaming it, between the log line and the load's
commit, in a build's replay or just before its swap — a real kill -9, nothing simulated. With N = 0 the
command runs to its end and prints how many calls it made and the first call of each name (JSON); a
NAME (`append`, `posix.fsync`, `swap_in`) aims at one crash window whatever came before it.
"""

import json
import os
import signal
import sys
from pathlib import Path

PIPELINES = str(Path(__file__).resolve().parent.parent / "pipelines")


def main() -> None:
    aim, argv = sys.argv[1], sys.argv[2:]
    target = int(aim) if aim.isdigit() else 0
    name_aimed, _, nth = aim.partition(":") if not aim.isdigit() else ("", "", "")
    nth = int(nth or 1)
    calls = 0
    first: dict[str, int] = {}
    seen: dict[str, int] = {}

    def profile(frame, event, arg):
        nonlocal calls
        if event not in ("call", "c_call") or not frame.f_code.co_filename.startswith(PIPELINES):
            return
        calls += 1
        name = frame.f_code.co_name if event == "call" else _c_name(arg)
        seen[name] = seen.get(name, 0) + 1
        if calls == target or (name == name_aimed and seen[name] == nth):
            os.kill(os.getpid(), signal.SIGKILL)
        first.setdefault(name, calls)

    sys.setprofile(profile)
    from pipelines.cli.main import main as command

    code = command(argv)
    sys.setprofile(None)
    print(f"calls={calls}", file=sys.stderr)
    print(f"first={json.dumps(first)}", file=sys.stderr)
    sys.exit(code)


def _c_name(function) -> str:
    """`posix.fsync`, `posix.replace`, `DuckDBPyConnection.execute`, `str.replace`: a C call by its owner."""
    owner = getattr(function, "__module__", None) or type(getattr(function, "__self__", None)).__name__
    return f"{owner}.{getattr(function, '__name__', '?')}"


if __name__ == "__main__":
    main()
