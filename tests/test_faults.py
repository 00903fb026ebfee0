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

from pipelines.core import config
from pipelines.operations.ingest import ingest_file, withdraw
from pipelines.records.accounts import Account
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
    ("apply", "approved"),
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
