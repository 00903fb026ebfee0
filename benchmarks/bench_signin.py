"""The cost of a sign-in: one argon2id check, one whole sign-in (lock-out reserved, checked, recorded), and the
memory of 16 simultaneous sign-ins — unbounded (every check at once, as before issue 20) and through the
app's sign-in (at most config.CONCURRENT_PASSWORD_CHECKS at once). Each memory figure is measured in a
fresh process: its peak resident size while the 16 run, above its size before.

    .venv/bin/python benchmarks/bench_signin.py [RUNS]
"""

import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import report, timed
from pipelines.core import config
from pipelines.records.accounts import HASHER, AccountStore
from pipelines.records.signin import try_sign_in
from pipelines.records.signin_state import SignInGuard

PASSWORD = "edu-pass-123"
AT_ONCE = 16


def site(tmp: Path) -> tuple[AccountStore, SignInGuard]:
    store = AccountStore(Path(tmp) / "accounts.json")
    store.add("edu", "填报", "旗教育局", PASSWORD, ["旗教育局"])
    return store, SignInGuard(Path(tmp) / "state.json", settings=store.settings())


def peak_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def memory_of_16(mode: str) -> None:
    """Run 16 sign-ins at once in this process; print the peak memory above the start and how they ended."""
    with tempfile.TemporaryDirectory() as tmp:
        store, guard = site(Path(tmp))
        hashed = store.get("edu").password_hash
        outcomes, barrier = [], threading.Barrier(AT_ONCE)

        def one(i):
            barrier.wait()
            if mode == "unbounded":  # as before: every check at once
                outcomes.append(HASHER.verify(hashed, PASSWORD))
            else:  # each from its own address, so that the lock-out does not turn any away
                outcome = try_sign_in("edu", PASSWORD, f"10.0.0.{i}", store, guard, lambda *a: None)
                outcomes.append(outcome.account is not None or outcome.message)

        before = peak_kib()
        started = time.perf_counter()
        threads = [threading.Thread(target=one, args=(i,)) for i in range(AT_ONCE)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        took = time.perf_counter() - started
        ok = sum(o is True for o in outcomes)
        print(f"{mode}\t{(peak_kib() - before) / 1024:.0f}\t{took:.2f}\t{ok}")


def main(runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store, guard = site(Path(tmp))
        print(f"argon2id 参数：time_cost={HASHER.time_cost}, memory_cost={HASHER.memory_cost} KiB, parallelism={HASHER.parallelism}；"
              f"同时校验至多 {config.CONCURRENT_PASSWORD_CHECKS} 个")
        report("一次密码校验（argon2id）", timed(lambda: store.verify("edu", PASSWORD), runs))
        report("一次不存在的账号（同样耗时，不泄露账号是否存在）", timed(lambda: store.verify("nobody", PASSWORD), runs))
        report("一次完整登录（预留锁定计数、校验、记录）",
               timed(lambda: try_sign_in("edu", PASSWORD, "10.0.0.1", store, guard, lambda *a: None), runs))
    for mode in ("unbounded", "bounded"):
        done = subprocess.run([sys.executable, __file__, "--memory", mode], capture_output=True, text=True, check=True)
        _, mib, took, ok = done.stdout.split()
        label = "不设上限（改前：16 个同时校验）" if mode == "unbounded" else f"经登录流程（改后：至多 {config.CONCURRENT_PASSWORD_CHECKS} 个同时校验）"
        print(f"16 个同时登录，{label}：内存峰值增加 {mib} MiB，用时 {took} s，成功 {ok}/16")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--memory"]:
        memory_of_16(sys.argv[2])
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
