"""The writers' lock: one writer at a time, waiting said in Chinese, never stale, and a build and an ingest
started together both complete with the load present afterwards."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from pipelines import config
from pipelines.writer_lock import WriterBusy, lock_files, writer_lock
from tests.books import filled

ENV = {**os.environ, "PYTHONPATH": str(config.ROOT)}


def hold_lock_in_another_process(db: Path, raw: Path, release: Path) -> subprocess.Popen:
    """A process that takes the lock, says so on stdout, and keeps it until `release` exists."""
    script = f"""
import pathlib, time
from pipelines.writer_lock import writer_lock
with writer_lock(pathlib.Path({str(db)!r}), pathlib.Path({str(raw)!r}), purpose="测试占用"):
    print("held", flush=True)
    while not pathlib.Path({str(release)!r}).exists():
        time.sleep(0.05)
"""
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=config.ROOT, env=ENV, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def waiting_line(proc: subprocess.Popen) -> str:
    """The lines a writer says on stderr up to and including the one that says it waits for another."""
    lines = []
    for line in proc.stderr:
        lines.append(line)
        if "另一个写入操作正在进行" in line:
            return "".join(lines)
    raise AssertionError("the writer never said that it waits: " + "".join(lines))


def submissions(db: Path) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select file_name from submissions order by submission_id").fetchall()


def test_an_ingest_waits_for_another_writer_and_says_so(wh, tmp_path):
    raw, db = wh
    release = tmp_path / "release"
    holder = hold_lock_in_another_process(db, raw, release)
    book = filled(db, tmp_path / "a.xlsx", values={"HS_GER": 95})
    ingest = subprocess.Popen([sys.executable, "-m", "pipelines", "ingest", str(book), "--raw", str(raw), "--db", str(db)],
                              cwd=config.ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    said = waiting_line(ingest)  # it says it waits (however long a busy machine takes to start it) …
    assert ingest.poll() is None  # … and waits its turn
    release.touch()
    out, err = ingest.communicate(timeout=60)
    err = said + err
    holder.wait(timeout=10)
    assert ingest.returncode == 0, err
    assert f"另一个写入操作正在进行（进程 {holder.pid}：测试占用" in err and "等待其完成后再载入“a.xlsx”" in err
    assert "已等到" in err and "已载入“a.xlsx”" in out
    assert submissions(db) == [("a.xlsx",)]


def test_the_lock_is_reentrant_in_a_thread_and_other_threads_wait(wh):
    raw, db = wh
    said, order = [], []

    def other():
        with writer_lock(db, raw, purpose="第二个写入", say=said.append):
            order.append("other")

    with writer_lock(db, raw, purpose="第一个写入"):
        with writer_lock(db, raw, purpose="嵌套"):  # a build inside an ingest's lock does not wait for itself
            order.append("nested")
        thread = threading.Thread(target=other)
        thread.start()
        time.sleep(0.5)
        assert order == ["nested"]  # the other thread is waiting
        order.append("first done")
    thread.join(timeout=10)
    assert order == ["nested", "first done", "other"]
    assert any("等待其完成后再第二个写入" in s for s in said)


def test_a_killed_writer_leaves_no_stale_lock(wh, tmp_path):
    raw, db = wh
    holder = hold_lock_in_another_process(db, raw, tmp_path / "never")
    with pytest.raises(WriterBusy, match="数据正被另一个写入操作占用（进程 .*：测试占用.*等待超时，未做任何更改"):
        with writer_lock(db, raw, wait=0.3, say=lambda _: None):
            pass
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    with writer_lock(db, raw, wait=2):
        pass


def test_the_lock_files_are_beside_the_raw_folder_and_the_warehouse(tmp_path):
    raw, db = tmp_path / "data" / "raw", tmp_path / "data" / "warehouse.duckdb"
    assert lock_files(db, raw) == [tmp_path / "data" / ".raw.writer.lock", tmp_path / "data" / ".warehouse.duckdb.writer.lock"]


def test_a_build_and_an_ingest_started_together_both_complete(wh, tmp_path):
    """The race of the issue: a build reading the log and swapping its file while an ingest loads."""
    raw, db = wh
    for round_, delay in enumerate((0.0, 0.3, 0.6, 1.0)):
        book = filled(db, tmp_path / f"round{round_}.xlsx", values={"KG_ENROLLED": 10000 + round_})
        build = subprocess.Popen([sys.executable, "-m", "pipelines", "build", "--raw", str(raw), "--db", str(db)],
                                 cwd=config.ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(delay)
        ingest = subprocess.Popen([sys.executable, "-m", "pipelines", "ingest", str(book), "--raw", str(raw), "--db", str(db)],
                                  cwd=config.ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        built, ingested = build.communicate(timeout=120), ingest.communicate(timeout=120)
        assert build.returncode == 0, built[1]
        assert ingest.returncode == 0 and f"已载入“{book.name}”" in ingested[0], ingested
        assert submissions(db) == [(f"round{i}.xlsx",) for i in range(round_ + 1)]


def test_a_restore_waits_for_another_writer(wh, tmp_path):
    """restore swaps the raw folder and rebuilds: never under a writer that still appends to the old one."""
    from pipelines.backup import backup

    raw, db = wh
    archive_file = tmp_path / "b.tar.gz"
    backup(raw, archive_file, accounts_file=tmp_path / "none.json")
    release = tmp_path / "release"
    holder = hold_lock_in_another_process(db, raw, release)
    restore = subprocess.Popen([sys.executable, "-m", "pipelines", "restore", str(archive_file), "--raw", str(raw),
                                "--db", str(db)], cwd=config.ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    said = waiting_line(restore)
    assert restore.poll() is None
    release.touch()
    out, err = restore.communicate(timeout=120)
    err = said + err
    holder.wait(timeout=10)
    assert restore.returncode == 0, err
    assert "等待其完成后再从备份恢复原始数据" in err and "已从" in out
