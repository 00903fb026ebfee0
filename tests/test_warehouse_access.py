"""The app and a command-line writer share the warehouse: readers wait for a writer, never fail."""

import subprocess
import sys
import time

import pytest

from pipelines.core import config
from pipelines.warehouse.connection import WarehouseBusy, connect

HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("begin"); con.execute("select count(*) from tasks").fetchall()
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
con.execute("commit"); con.close()
"""


def hold_write_lock(db, seconds):
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(db), str(seconds)], stdout=subprocess.PIPE, text=True,
                            cwd=config.ROOT)
    assert proc.stdout.readline().strip() == "holding"
    return proc


def test_a_reader_waits_for_a_writer_in_another_process(wh):
    _, db = wh
    proc = hold_write_lock(db, 1.5)
    start = time.monotonic()
    with connect(db, read_only=True) as con:
        assert con.execute("select count(*) from tasks").fetchone() == (98,)
    assert time.monotonic() - start > 0.5  # it waited instead of failing
    proc.wait()


def test_a_reader_that_waits_too_long_gets_a_chinese_message(wh):
    _, db = wh
    proc = hold_write_lock(db, 3)
    with pytest.raises(WarehouseBusy, match="数据仓库正被其他程序占用"), connect(db, read_only=True, wait=0.5):
        pass
    proc.wait()


def test_read_only_and_read_write_in_one_process_take_turns(wh):
    _, db = wh
    with connect(db, read_only=True) as reader:
        reader.execute("select 1")
    with connect(db) as writer:
        writer.execute("select 1")
    with connect(db, read_only=True) as reader:
        assert reader.execute("select count(*) from units").fetchone() == (26,)


def test_a_command_line_ingest_waits_for_the_app(wh, tmp_path):
    raw, db = wh
    from tests.books import filled
    from tests.cli import run_cli

    path = filled(db, tmp_path / "a.xlsx", values={"HS_GER": 95})
    proc = hold_write_lock(db, 1.5)  # as the app's brief read-only connections would, only longer
    result = run_cli("ingest", path, "--raw", raw, "--db", db)
    proc.wait()
    assert result.returncode == 0, result.stderr
    assert "已载入" in result.stdout
