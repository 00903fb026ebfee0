"""The cost of one sign-in: an argon2id check of the password (the hash cost), and the whole sign-in."""

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import report, timed  # noqa: E402
from pipelines.records.accounts import HASHER, AccountStore, SignInGuard  # noqa: E402

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 10

with tempfile.TemporaryDirectory() as tmp:
    store = AccountStore(Path(tmp) / "accounts.json")
    store.add("edu", "填报", "旗教育局", "edu-pass-123", ["旗教育局"])
    guard = SignInGuard(Path(tmp) / "state.json")
    print(f"argon2id 参数：time_cost={HASHER.time_cost}, memory_cost={HASHER.memory_cost} KiB, parallelism={HASHER.parallelism}")
    report("一次密码校验（argon2id）", timed(lambda: store.verify("edu", "edu-pass-123"), RUNS))
    report("一次错误密码（同样耗时，不泄露账号是否存在）", timed(lambda: store.verify("edu", "wrong"), RUNS))
    report("一次不存在的账号", timed(lambda: store.verify("nobody", "edu-pass-123"), RUNS))

    def sign_in():
        if guard.wait_seconds("edu") == 0 and store.verify("edu", "edu-pass-123"):
            guard.succeeded("edu")

    report("一次完整登录（锁定检查、校验、清零）", timed(sign_in, RUNS))
