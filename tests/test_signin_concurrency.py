"""Issue 20, items 2 and 8: sign-in under concurrent tries, lock-out per name and address, bounded password
checks, account names limited. Real argon2id hashes, a real state file and a real audit trail; the tries
run in threads released together, as a flood of browsers would reach the app's script threads."""

import json
import threading
import time

import pytest

from pipelines import accounts as accounts_module
from pipelines import audit, config
from pipelines.accounts import AccountStore
from pipelines.signin import BUSY, try_sign_in
from pipelines.signin_state import SignInGuard
from tests.cli import run_cli
from tests.conftest import PASSWORDS

pytestmark = pytest.mark.slow  # argon2 checks, slow on purpose, many per test


class CountingHasher:
    """The real hasher, counting the checks it makes and the most it made at once."""

    def __init__(self, real, delay: float = 0.0):
        self.real, self.delay = real, delay
        self.checks = self.running = self.most = 0
        self.lock = threading.Lock()

    def hash(self, password):
        return self.real.hash(password)

    def verify(self, hash_, password):
        with self.lock:
            self.checks += 1
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            time.sleep(self.delay)
            return self.real.verify(hash_, password)
        finally:
            with self.lock:
                self.running -= 1


@pytest.fixture
def counted(monkeypatch):
    hasher = CountingHasher(accounts_module.HASHER)
    monkeypatch.setattr(accounts_module, "HASHER", hasher)
    return hasher


@pytest.fixture
def signin(accounts, tmp_path):
    """try_sign_in against the accounts fixture, a fresh state file and a raw folder's audit trail."""
    raw = tmp_path / "raw"
    store = AccountStore(accounts)
    state = tmp_path / "signin_state.json"

    def attempt(name, password, address="10.0.0.7", clock=time.time):
        guard = SignInGuard(state, settings=store.settings(), clock=clock)
        return try_sign_in(name, password, address, store, guard,
                           lambda event, account, result: audit.record(raw, None, event, account, result, source="网页"))

    attempt.raw, attempt.state, attempt.store = raw, state, store
    return attempt


def together(n: int, job):
    """Run job(i) in n threads released at the same instant; their results, in order (an exception fails the test)."""
    barrier = threading.Barrier(n)
    results, errors = [None] * n, []

    def run(i):
        barrier.wait()
        try:
            results[i] = job(i)
        except BaseException as exc:  # noqa: BLE001 (any exception is the failure this test looks for)
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    return results


def events(raw):
    return [json.loads(line) for line in audit.log_path(raw).read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("tries", [8, 20])
def test_simultaneous_wrong_passwords_are_checked_exactly_up_to_the_limit(signin, counted, tries):
    outcomes = together(tries, lambda i: signin("admin", f"wrong-password-{i}"))
    assert counted.checks == 3  # the policy's 3, never more however many arrive at once
    assert sum(o.checked for o in outcomes) == 3 and not any(o.account for o in outcomes)
    assert sum("请稍后再试" in o.message or "秒后再试" in o.message for o in outcomes) == tries - 3
    guard = SignInGuard(signin.state)
    assert guard.wait_seconds("admin", "10.0.0.7") == 30
    state = json.loads(signin.state.read_text(encoding="utf-8"))["entries"]
    assert state["n:admin@10.0.0.7"]["failures"] == 3 and state["n:admin@10.0.0.7"]["pending"] == []
    # Every try is in the audit trail, each with its reason.
    failed = [e for e in events(signin.raw) if e["event"] == "sign_in_failed"]
    assert len(failed) == tries
    assert sum("账号或密码错误" in e["result"] for e in failed) == 3
    # The right password, from the same address, is refused unchecked while the lock lasts.
    right = signin("admin", PASSWORDS["admin"])
    assert right.account is None and "30 秒后再试" in right.message and counted.checks == 3


@pytest.mark.parametrize("tries", [8, 20])
def test_a_locked_account_cannot_be_signed_in_by_a_flood_that_includes_the_right_password(signin, counted, tries):
    for i in range(3):
        signin("edu", f"wrong-{i}-password")
    assert counted.checks == 3
    outcomes = together(tries, lambda i: signin("edu", PASSWORDS["edu"] if i % 2 else f"again-wrong-{i}"))
    assert not any(o.account for o in outcomes) and counted.checks == 3
    assert all("秒后再试" in o.message for o in outcomes)
    assert sum(e["event"] == "sign_in_failed" for e in events(signin.raw)) == 3 + tries
    assert not [e for e in events(signin.raw) if e["event"] == "sign_in"]


def test_another_address_is_not_held_back_by_an_attackers_lock(signin, counted):
    """Whoever knows the only 管理 account's name cannot keep its owner out: the lock is on the attacker's address."""
    for i in range(6):
        signin("admin", f"guess-{i}-password", address="10.9.9.9")
    assert SignInGuard(signin.state).wait_seconds("admin", "10.9.9.9") > 0
    owner = signin("admin", PASSWORDS["admin"], address="10.12.0.31")
    assert owner.account is not None and owner.account.name == "admin"
    assert SignInGuard(signin.state).locks("admin") == {"10.9.9.9": 30}  # tries while locked are not checked


def test_one_address_spraying_many_names_is_held_back(signin, counted):
    for i in range(10):
        assert signin(f"name{i}", "some-password-1", address="10.5.5.5").checked
    sprayed = signin("admin", PASSWORDS["admin"], address="10.5.5.5")
    assert sprayed.account is None and "秒后再试" in sprayed.message and counted.checks == 10
    assert signin("admin", PASSWORDS["admin"], address="10.5.5.6").account is not None


def test_the_count_decays_with_time_and_the_lock_passes(signin, counted):
    clock = [1_000_000.0]
    for i in range(2):
        signin("viewer", f"wrong-{i}-password", clock=lambda: clock[0])
    clock[0] += 2 * 600  # two failures forgotten after 2 × failure_decay_seconds
    for i in range(2):
        assert signin("viewer", f"wrong-{i}-again", clock=lambda: clock[0]).message == "账号或密码错误。"
    assert "已锁定 30 秒" in signin("viewer", "wrong-third", clock=lambda: clock[0]).message
    assert signin("viewer", PASSWORDS["viewer"], clock=lambda: clock[0]).account is None
    clock[0] += 31
    assert signin("viewer", PASSWORDS["viewer"], clock=lambda: clock[0]).account is not None


def test_a_flood_of_names_keeps_the_state_bounded_and_never_drops_an_active_lock(signin, counted, monkeypatch):
    monkeypatch.setattr(config, "MAX_SIGNIN_ENTRIES", 12)
    monkeypatch.setattr(accounts_module, "_dummy_hash", lambda: "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$" + "A" * 22)
    for i in range(3):
        signin("admin", f"wrong-{i}-password", address="10.1.1.1")
    for i in range(40):  # forty names from forty addresses, one failure each
        signin(f"flood{i}", "flood-password", address=f"10.2.{i}.1")
    entries = json.loads(signin.state.read_text(encoding="utf-8"))["entries"]
    assert len(entries) <= 12
    assert SignInGuard(signin.state).wait_seconds("admin", "10.1.1.1") == 30
    assert signin("admin", PASSWORDS["admin"], address="10.1.1.1").account is None


def test_a_long_flood_leaves_no_partial_file_and_no_error(signin, counted, monkeypatch):
    """Issue 20: threads shared one `.partial` file and raised FileNotFoundError, and those failures went unaudited."""
    monkeypatch.setattr(accounts_module, "_dummy_hash", lambda: "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$" + "A" * 22)
    outcomes = together(20, lambda i: [signin(f"user{i % 5}", "no-such-pass", address=f"10.3.0.{i}") for _ in range(4)])
    assert sum(len(o) for o in outcomes) == 80
    assert sum(e["event"] == "sign_in_failed" for e in events(signin.raw)) == 80
    assert [p.name for p in signin.state.parent.iterdir() if "partial" in p.name] == []
    json.loads(signin.state.read_text(encoding="utf-8"))


def test_at_most_n_password_checks_at_once_and_the_others_are_asked_to_wait(signin, monkeypatch):
    slow = CountingHasher(accounts_module.HASHER, delay=1.0)
    monkeypatch.setattr(accounts_module, "HASHER", slow)
    monkeypatch.setattr(config, "PASSWORD_CHECK_WAIT_SECONDS", 0.2)
    outcomes = together(6, lambda i: signin("admin", PASSWORDS["admin"], address=f"10.4.0.{i}"))
    assert slow.most == config.CONCURRENT_PASSWORD_CHECKS == 2
    assert sum(o.account is not None for o in outcomes) == 2
    assert [o.message for o in outcomes if o.account is None] == [BUSY] * 4
    # Those turned away were not counted as failures.
    entries = json.loads(signin.state.read_text(encoding="utf-8"))["entries"]
    assert all(e["failures"] == 0 and e["pending"] == [] for e in entries.values())


@pytest.mark.parametrize("name, reason", [
    ("x" * 2_000_000, "账号名最长 32 个字符（收到 2000000 个）"),
    ("a" * 33, "账号名最长 32 个字符"),
    ("ad min", "只能由文字、字母、数字"),
    ("admin\n", None),  # stripped: the real name, a wrong password
    ("ad\x00min", "只能由文字、字母、数字"),
    ("<script>", "只能由文字、字母、数字"),
])
def test_names_that_cannot_be_accounts_are_refused_unchecked_and_never_stored_whole(signin, counted, name, reason):
    outcome = signin(name, "whatever-password")
    assert outcome.account is None
    if reason is None:
        assert outcome.message == "账号或密码错误。" and counted.checks == 1
        return
    assert reason in outcome.message and counted.checks == 0
    (line,) = events(signin.raw)
    assert line["account"] is None and len(line["result"]) < 200
    assert not signin.state.exists() or name not in signin.state.read_text(encoding="utf-8")
    assert len(audit.log_path(signin.raw).read_bytes()) < 1000


def test_user_add_refuses_a_long_or_strange_name_and_writes_nothing(accounts, tmp_path):
    raw = tmp_path / "raw"
    before = accounts.read_bytes()
    for name in ("y" * 100_000, "名 字", "a;b"):
        done = run_cli("user", "add", name, "--role", "管理", "--password-stdin", "--raw", raw, "--db", tmp_path / "none.duckdb")
        assert done.returncode == 1 and ("账号名最长 32 个字符" in done.stderr or "只能由文字" in done.stderr)
        assert name not in done.stderr
    assert accounts.read_bytes() == before
    assert not audit.log_path(raw).exists()


def test_user_unlock_lifts_the_lock_and_is_audited_and_passwd_starts_a_clean_count(signin, counted, accounts, tmp_path):
    for i in range(4):
        signin("finance", f"wrong-{i}-password")
    assert SignInGuard(signin.state).wait_seconds("finance", "10.0.0.7") > 0
    raw = tmp_path / "cli-raw"
    done = run_cli("user", "unlock", "finance", "--raw", raw, "--db", tmp_path / "none.duckdb")
    assert done.returncode == 0, done.stderr
    assert "已解除账号“finance”的登录锁定（1 个地址曾被锁定）" in done.stdout
    assert SignInGuard(signin.state).locks("finance") == {}
    assert signin("finance", PASSWORDS["finance"]).account is not None
    (line,) = events(raw)
    assert (line["event"], line["account"], line["source"]) == ("account", "finance", "命令行")
    assert run_cli("user", "unlock", "nobody", "--raw", raw).returncode == 1

    for i in range(3):
        signin("finance", f"wrong-{i}-password")
    assert SignInGuard(signin.state).wait_seconds("finance", "10.0.0.7") > 0
    import subprocess
    import sys

    env = {**__import__("os").environ, "PYTHONPATH": str(config.ROOT)}
    changed = subprocess.run([sys.executable, "-m", "pipelines", "user", "passwd", "finance", "--password-stdin", "--raw", str(raw)],
                             input="fin-new-pass-9\n", capture_output=True, text=True, env=env, cwd=config.ROOT, timeout=60)
    assert changed.returncode == 0, changed.stderr
    assert SignInGuard(signin.state).locks("finance") == {}
    assert AccountStore(accounts).get("finance").password_changed_at
