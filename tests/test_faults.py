"""kill -9 of `ingest` and `build` (a real SIGKILL of the real command in a subprocess), in each crash
window and at random points: afterwards the warehouse opens and holds nothing the archive does not; once
the next writer has run, it agrees with the archive exactly and equals a rebuild."""

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys

import duckdb
import pytest

from pipelines import config
from pipelines.accounts import Account
from pipelines.ingest import ingest_file, withdraw
from tests.books import filled
from tests.consistency import archived_files, assert_agrees_with_archive, assert_rebuild_equals, loaded, logged, tables

pytestmark = pytest.mark.faults

RANDOM_ROUNDS = 3


def env() -> dict[str, str]:
    """The subprocess's environment, taken at the call: the test's own accounts file and default raw folder."""
    return {**os.environ, "PYTHONPATH": str(config.ROOT)}


def dry_run(*args) -> tuple[int, dict[str, int]]:
    """The calls a command makes when nothing kills it: (how many, the first of each name)."""
    done = run_killed_at(0, *args)
    assert done.returncode == 0, done.stderr
    return int(re.search(r"calls=(\d+)", done.stderr).group(1)), json.loads(re.search(r"first=(.*)", done.stderr).group(1))


def run_killed_at(aim, *args) -> subprocess.CompletedProcess:
    """The command, killed before its aim-th call or before the call aimed at by name (tests/kill_at.py)."""
    return subprocess.run([sys.executable, "-m", "tests.kill_at", str(aim), *map(str, args)], cwd=config.ROOT, env=env(),
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def site(wh, tmp_path):
    """A warehouse with three workbooks archived and loaded, one of them withdrawn."""
    raw, db = wh
    for i in range(3):
        book = filled(db, tmp_path / f"start{i}.xlsx", year=2023 + i, values={"KG_ENROLLED": 10000 + i})
        assert ingest_file(book, raw, db).outcome == "loaded"
    withdraw(raw, db, 2, Account("admin", "管理"), "测试")
    return raw, db


def copy_site(raw, db, where):
    shutil.copytree(raw, where / "raw")
    shutil.copy(db, where / "w.duckdb")
    return where / "raw", where / "w.duckdb"


def after_the_kill(raw, db) -> None:
    """Straight after a kill: the warehouse opens and holds nothing that the archive's log does not."""
    tables(db)
    assert loaded(db) <= logged(raw, everything=True)


# An ingest killed in each of its crash windows: what is left, and what the next writer makes of it.
INGEST_WINDOWS = [
    # the call it is killed before, what is left, the outcome of sending the workbook again
    ("_write_durably", "marker only", "loaded"),
    ("posix.fsync", "a .partial file", "loaded"),
    ("posix.replace", "a .partial file", "loaded"),
    ("_sync_folder", "a stored file not in the log", "loaded"),
    ("append", "a stored file not in the log", "loaded"),
    ("load_one", "logged, not loaded", "duplicate"),
    ("insert_frame", "logged, loading rolled back", "duplicate"),
    ("record", "logged, loading rolled back", "duplicate"),
]


def test_an_ingest_killed_in_each_crash_window_is_recovered(site, tmp_path):
    raw, db = site
    for i, (where, left, outcome) in enumerate(INGEST_WINDOWS):
        book = filled(db, tmp_path / f"w{i}.xlsx", values={"KG_ENROLLED": 20000 + i, "HS_GER": 80 + i})
        done = run_killed_at(where, "ingest", book, "--raw", raw, "--db", db)
        assert done.returncode == -signal.SIGKILL, (where, done.stderr)
        after_the_kill(raw, db)
        partial = [p for p in (raw / config.SUBMISSIONS_DIR).rglob("*.partial")]
        assert bool(partial) == (left == "a .partial file"), where
        assert (len(archived_files(raw)) > len(logged(raw))) == (left == "a stored file not in the log"), where
        assert (len(logged(raw)) > len(loaded(db))) == left.startswith("logged"), where
        again = ingest_file(book, raw, db)
        assert again.outcome == outcome, (where, again.message)
        assert_agrees_with_archive(raw, db)
    assert_rebuild_equals(raw, db, tmp_path)


# A review decision killed in each window: not logged (never acknowledged: the workbook stays 待审核), or
# logged and not applied (the log is the record: the next writer applies it, as a rebuild would).
REVIEW_WINDOWS = [
    ("log_review", "pending"),
    ("append", "pending"),
    ("apply_and_refresh", "approved"),  # (not "apply": catch_up's rulings.apply comes first, before the log line)
    ("refresh_assessments", "approved"),
    ("record", "approved"),  # the audit line, last, inside the transaction
]


def test_a_review_decision_killed_in_each_window_is_recovered(site, tmp_path, accounts):
    raw, db = site
    for i, (where, after) in enumerate(REVIEW_WINDOWS):
        book = filled(db, tmp_path / f"v{i}.xlsx", values={"KG_ENROLLED": 50000 + i})
        number = ingest_file(book, raw, db).submission_id
        done = run_killed_at(where, "review", "approve", number, "--as", "admin", "--raw", raw, "--db", db)
        assert done.returncode == -signal.SIGKILL, (where, done.stderr)
        after_the_kill(raw, db)
        assert ingest_file(filled(db, tmp_path / f"n{i}.xlsx", values={"HS_GER": 60 + i}), raw, db).outcome == "loaded"
        assert_agrees_with_archive(raw, db)  # the next writer brought the warehouse up to the log
        with duckdb.connect(str(db), read_only=True) as con:
            state = con.execute("select review_status from submissions where submission_id = ?", [number]).fetchone()[0]
        assert state == after, where
    assert_rebuild_equals(raw, db, tmp_path)


# The first approval of a real workbook on a demo warehouse, killed in each window of the demo's end.
DEMO_END_WINDOWS = [
    ("log_end", "approved"),  # the review line is logged: the decision stands, and with it the end
    ("purge", "approved"),
    ("refresh_readiness", "approved"),
    ("record", "approved"),
]


@pytest.mark.parametrize("where, after", DEMO_END_WINDOWS)
def test_the_demo_ending_approval_killed_in_each_window_is_recovered(demo_base, tmp_path, accounts, where, after):
    from tests.books import copy_warehouse

    raw, db = copy_warehouse(*demo_base, tmp_path / "demo")
    number = ingest_file(filled(db, tmp_path / "real.xlsx", values={"HS_ENROLLED": 12772}), raw, db).submission_id
    done = run_killed_at(where, "review", "approve", number, "--as", "admin", "--raw", raw, "--db", db)
    assert done.returncode == -signal.SIGKILL, (where, done.stderr)
    after_the_kill(raw, db)
    assert ingest_file(filled(db, tmp_path / "next.xlsx", values={"HS_GER": 60}), raw, db).outcome == "loaded"
    assert_agrees_with_archive(raw, db)  # the next writer ended the demo in the warehouse too
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from submissions where is_demo").fetchone()[0] == 0
        state = con.execute("select review_status from submissions where submission_id = ?", [number]).fetchone()[0]
    assert state == after, where
    assert_rebuild_equals(raw, db, tmp_path)


def test_an_ingest_killed_at_random_points_is_recovered(site, tmp_path):
    raw, db = site
    rng = random.Random(20261129)
    probe = filled(db, tmp_path / "probe.xlsx", values={"HS_GER": 90})
    praw, pdb = copy_site(raw, db, tmp_path / "probe")
    total, _ = dry_run("ingest", probe, "--raw", praw, "--db", pdb)
    for round_ in range(RANDOM_ROUNDS):
        book = filled(db, tmp_path / f"r{round_}.xlsx", values={"KG_ENROLLED": 30000 + round_, "HS_GER": 70 + round_})
        done = run_killed_at(rng.randint(1, total), "ingest", book, "--raw", raw, "--db", db)
        assert done.returncode in (-signal.SIGKILL, 0), done.stderr
        after_the_kill(raw, db)
        assert ingest_file(book, raw, db).outcome in ("loaded", "duplicate")
        assert_agrees_with_archive(raw, db)
    assert_rebuild_equals(raw, db, tmp_path)


def test_a_build_killed_anywhere_leaves_the_warehouse_whole(site, tmp_path):
    """In its replay, just before and at its swap, and at random points."""
    raw, db = site
    total, _ = dry_run("build", "--raw", raw, "--db", tmp_path / "probe.duckdb")
    rng = random.Random(29111226)
    points = ["check_book:2", "swap_in", "posix.replace"]
    points += [rng.randint(1, total) for _ in range(2)]
    before = tables(db)
    for round_, n in enumerate(points):
        done = run_killed_at(n, "build", "--raw", raw, "--db", db)
        assert done.returncode in (-signal.SIGKILL, 0), done.stderr
        after_the_kill(raw, db)
        assert tables(db) == before  # the old warehouse, or the new one swapped in whole: the same content
        book = filled(db, tmp_path / f"b{round_}.xlsx", values={"KG_ENROLLED": 40000 + round_})
        assert ingest_file(book, raw, db).outcome == "loaded"  # the next writer tidies the build's leftovers
        assert_agrees_with_archive(raw, db)
        before = tables(db)
    assert_rebuild_equals(raw, db, tmp_path)


def test_ingest_and_build_killed_after_random_times(site, tmp_path):
    """A kill after a random time, whatever the command is doing then, the two commands interleaved."""
    raw, db = site
    rng = random.Random(7)
    for round_ in range(2):
        book = filled(db, tmp_path / f"t{round_}.xlsx", values={"KG_ENROLLED": 50000 + round_})
        for args in (("ingest", book, "--raw", raw, "--db", db), ("build", "--raw", raw, "--db", db)):
            proc = subprocess.Popen([sys.executable, "-m", "pipelines", *map(str, args)], cwd=config.ROOT, env=env(),
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                proc.wait(timeout=rng.uniform(0.5, 2.5))
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
            after_the_kill(raw, db)
    assert ingest_file(filled(db, tmp_path / "last.xlsx", values={"KG_ENROLLED": 60000}), raw, db).outcome == "loaded"
    assert_agrees_with_archive(raw, db)
    assert_rebuild_equals(raw, db, tmp_path)


# Issue 20, item 11: stale after a crash. An approval logged and not applied (the app killed 0.15 s after
# 提交审核结论: between its log line and its commit) is caught up by the service's start and by the app before
# it serves a page; a restore killed anywhere is explained by `health` and finished (or undone) by the next
# command.


def approval_killed_after_its_log_line(raw, db, tmp_path):
    """A workbook loaded, its approval killed where the page's would be: logged, not applied. Its number."""
    number = ingest_file(filled(db, tmp_path / "待审.xlsx", values={"KG_ENROLLED": 55555}), raw, db).submission_id
    done = run_killed_at("apply_and_refresh", "review", "approve", number, "--as", "admin", "--raw", raw, "--db", db)
    assert done.returncode == -signal.SIGKILL, done.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select review_status from submissions where submission_id = ?", [number]).fetchone() == ("pending",)
    assert any(e["event"] == "review" for e in logged_events(raw))
    return number


def logged_events(raw):
    from pipelines.archive import read_log

    return read_log(raw)


def review_status(db, number):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select review_status from submissions where submission_id = ?", [number]).fetchone()[0]


def test_an_approval_killed_after_its_log_line_is_caught_up_by_the_service_start(wh, tmp_path, accounts):
    raw, db = wh
    number = approval_killed_after_its_log_line(raw, db, tmp_path)
    start = subprocess.run([sys.executable, "-m", "pipelines", "build", "--if-needed", "--no-demo", "--raw", str(raw),
                            "--db", str(db)], cwd=config.ROOT, env=env(), capture_output=True, text=True, timeout=300)
    assert start.returncode == 0, start.stderr
    assert "恢复：已补记上次中断前登记的审核决定 1 项" in start.stderr and "无需重建" in start.stdout
    assert review_status(db, number) == "approved"
    assert_agrees_with_archive(raw, db)
    health = subprocess.run([sys.executable, "-m", "pipelines", "health", "--raw", str(raw), "--db", str(db)],
                            cwd=config.ROOT, env=env(), capture_output=True, text=True, timeout=120)
    assert health.returncode == 0, health.stdout


def test_an_approval_killed_after_its_log_line_is_caught_up_before_the_app_shows_a_page(wh, tmp_path, accounts,
                                                                                        monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.test_app import APP, navigation_only  # noqa: F401 (autouse fixture)

    raw, db = wh
    number = approval_killed_after_its_log_line(raw, db, tmp_path)  # the only workbook: "1 个工作簿待审核" until caught up
    monkeypatch.setenv("MONITOR_DB", str(db))
    monkeypatch.setenv("MONITOR_RAW", str(raw))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    # the sidebar's count is read after the catch-up: no "1 个工作簿待审核" for a workbook already approved
    assert not any("待审核" in c.value for c in at.sidebar.caption)
    assert any("已按归档日志补齐" in i.value and "审核决定" in i.value for i in at.info)
    assert review_status(db, number) == "approved"
    at.run()
    assert not any("已按归档日志补齐" in i.value for i in at.info)  # said once
    assert_agrees_with_archive(raw, db)


# A restore killed in each of its stages: checking the backup (the raw folder untouched), after the swap before
# the accounts, in the rebuild's replay, just before the rebuilt warehouse is swapped in.
RESTORE_WINDOWS = [("_write_member:2", "checking"), ("_put_accounts", "swapped"), ("replay", "swapped"),
                   ("swap_in", "swapped")]


@pytest.mark.parametrize("where, stage", RESTORE_WINDOWS)
def test_a_restore_killed_in_each_stage_is_explained_then_finished(site, tmp_path, accounts, where, stage):
    raw, db = site
    backup_file = tmp_path / "older.tar.gz"
    from pipelines.backup import backup

    backup(raw, backup_file)
    then = {p.relative_to(raw).as_posix(): p.read_bytes() for p in raw.rglob("*") if p.is_file()}
    later = ingest_file(filled(db, tmp_path / "后来.xlsx", values={"KG_ENROLLED": 77777}), raw, db)
    assert later.outcome == "loaded"
    now = {p.relative_to(raw).as_posix(): p.read_bytes() for p in raw.rglob("*") if p.is_file()}

    done = run_killed_at(where, "restore", backup_file, "--raw", raw, "--db", db, "--yes")
    assert done.returncode == -signal.SIGKILL, done.stderr
    health = subprocess.run([sys.executable, "-m", "pipelines", "health", "--raw", str(raw), "--db", str(db)],
                            cwd=config.ROOT, env=env(), capture_output=True, text=True, timeout=120)
    assert health.returncode == 1
    assert "从备份“older.tar.gz”恢复" in health.stdout and "中断" in health.stdout
    assert "丢失了文件" not in health.stdout and "不在原始数据的归档日志中" not in health.stdout  # explained, not blamed

    start = subprocess.run([sys.executable, "-m", "pipelines", "build", "--if-needed", "--no-demo", "--raw", str(raw),
                            "--db", str(db)], cwd=config.ROOT, env=env(), capture_output=True, text=True, timeout=300)
    assert start.returncode == 0, start.stderr
    after = {p.relative_to(raw).as_posix(): p.read_bytes() for p in raw.rglob("*") if p.is_file()}
    audit_log = f"{config.AUDIT_DIR}/{config.AUDIT_LOG}"
    if stage == "checking":  # undone: the raw folder as it was, the staging copy gone
        assert "原始数据目录没有替换" in start.stderr
        assert after == now
    else:  # finished: the backup's raw folder (and one audit line saying what the restore dropped), rebuilt
        assert "现已完成恢复" in start.stderr
        assert {k: v for k, v in after.items() if k != audit_log} == {k: v for k, v in then.items() if k != audit_log}
        assert after[audit_log].startswith(then[audit_log]) and b'"restore"' in after[audit_log][len(then[audit_log]):]
        assert "后来.xlsx" not in {name for _, name in loaded_names(db)}
    assert not [p for p in raw.parent.iterdir() if ".restor" in p.name]  # no marker, no staging folder
    health = subprocess.run([sys.executable, "-m", "pipelines", "health", "--raw", str(raw), "--db", str(db)],
                            cwd=config.ROOT, env=env(), capture_output=True, text=True, timeout=120)
    assert health.returncode == 0, health.stdout
    assert_agrees_with_archive(raw, db)
    assert_rebuild_equals(raw, db, tmp_path)


def loaded_names(db):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select sha256, file_name from submissions").fetchall()
