"""What a power loss, a full disk or kill -9 leaves, and how the next command recovers and says so."""

import json

from pipelines import config
from pipelines.archive import read_log
from tests.books import filled
from tests.cli import run_cli
from tests.consistency import assert_agrees_with_archive, assert_rebuild_equals


def log_file(raw):
    return raw / config.SUBMISSIONS_DIR / config.SUBMISSIONS_LOG


def audit_file(raw):
    return raw / config.AUDIT_DIR / config.AUDIT_LOG


def loaded_once(wh, tmp_path):
    raw, db = wh
    result = run_cli("ingest", filled(db, tmp_path / "first.xlsx", values={"KG_ENROLLED": 10000}), "--raw", raw, "--db", db)
    assert result.returncode == 0, result.stderr
    return raw, db


def test_a_torn_last_line_of_the_submissions_log_is_an_ingest_that_never_finished(wh, tmp_path):
    raw, db = loaded_once(wh, tmp_path)
    torn = '{"sha256": "5ccde4dd68de63acd1b65057885ec7ea", "path": "2025/旗教育局/2025'
    with open(log_file(raw), "a", encoding="utf-8") as log:
        log.write(torn)
    assert len(read_log(raw)) == 1  # a reader leaves the unfinished line out

    result = run_cli("ingest", filled(db, tmp_path / "second.xlsx", values={"KG_ENROLLED": 10100}), "--raw", raw, "--db", db)
    assert result.returncode == 0, result.stderr
    assert "最后一行不完整" in result.stderr and "这是一次没有完成的载入、撤回、审核或佐证材料保存" in result.stderr
    assert "log.jsonl.torn" in result.stderr and "已载入“second.xlsx”" in result.stdout
    assert [e["file_name"] for e in read_log(raw)] == ["first.xlsx", "second.xlsx"]
    assert (log_file(raw).with_name("log.jsonl.torn")).read_text(encoding="utf-8") == torn + "\n"
    assert run_cli("build", "--raw", raw, "--db", db).returncode == 0
    assert_agrees_with_archive(raw, db)


def test_a_torn_audit_line_is_moved_aside_and_the_build_carries_on(wh, tmp_path):
    raw, db = loaded_once(wh, tmp_path)
    with open(audit_file(raw), "a", encoding="utf-8") as log:
        log.write('{"occurred_at": "2026-11-29T10:00:00", "event": "sign_')
    result = run_cli("build", "--raw", raw, "--db", db)
    assert result.returncode == 0, result.stderr
    assert "audit.jsonl 的最后一行不完整" in result.stderr and "没有完成的审计记录" in result.stderr
    assert_agrees_with_archive(raw, db)


def test_a_last_line_missing_only_its_newline_is_kept(wh, tmp_path):
    raw, db = loaded_once(wh, tmp_path)
    text = log_file(raw).read_text(encoding="utf-8")
    log_file(raw).write_text(text.rstrip("\n"), encoding="utf-8")
    result = run_cli("ingest", filled(db, tmp_path / "second.xlsx", values={"KG_ENROLLED": 10100}), "--raw", raw, "--db", db)
    assert result.returncode == 0, result.stderr
    assert "缺少换行符" in result.stderr and "已补上换行符" in result.stderr
    assert [e["file_name"] for e in read_log(raw)] == ["first.xlsx", "second.xlsx"]
    assert_agrees_with_archive(raw, db)


def test_a_damaged_line_inside_the_log_is_refused_with_its_place(wh, tmp_path):
    raw, db = loaded_once(wh, tmp_path)
    lines = log_file(raw).read_text(encoding="utf-8").splitlines()
    log_file(raw).write_text("\n".join(["{damaged", *lines]) + "\n", encoding="utf-8")
    result = run_cli("build", "--raw", raw, "--db", db)
    assert result.returncode == 1
    assert "日志第1行已损坏" in result.stderr and str(log_file(raw)) in result.stderr
    assert "Traceback" not in result.stderr and "Error" not in result.stderr


def test_leftovers_of_killed_writers_are_tidied_by_the_next_build(wh, tmp_path):
    """What the code before the writers' lock left after kill -9: partial files and temporary warehouses are
    removed; a whole file that no log line names is moved to the quarantine, never deleted (issue 20)."""
    raw, db = loaded_once(wh, tmp_path)
    folder = raw / config.SUBMISSIONS_DIR / "2025" / "旗教育局"
    partial = folder / "20261101T090000_deadbeef_旗教育局_2025.xlsx.partial"
    unlogged = folder / "20261101T090000_deadbeef_旗教育局_2025.xlsx"
    partial.write_bytes(b"PK\x03\x04half")
    unlogged.write_bytes(b"PK\x03\x04whole but never logged")
    building = [db.with_name(f".{db.name}.4242.building"), db.with_name(f".{db.name}.4242.building.wal")]
    for path in building:
        path.write_bytes(b"\x00" * 64)
    result = run_cli("build", "--raw", raw, "--db", db)
    assert result.returncode == 0, result.stderr
    assert "已删除上次中断的载入留下的未写完文件" in result.stderr and partial.name in result.stderr
    assert "未记入日志" in result.stderr and "已移到隔离区" in result.stderr and "没有删除" in result.stderr
    assert "已删除上次中断的重建留下的临时文件" in result.stderr
    assert not partial.exists() and not unlogged.exists() and not any(p.exists() for p in building)
    kept = list((raw / config.QUARANTINE_DIR).rglob(unlogged.name))
    assert len(kept) == 1 and kept[0].read_bytes() == b"PK\x03\x04whole but never logged"
    assert_agrees_with_archive(raw, db)
    assert_rebuild_equals(raw, db, tmp_path)


def test_a_workbook_logged_but_never_loaded_is_loaded_by_the_next_writer(wh, tmp_path):
    """The log line is the record: a withdrawal and an acceptance logged by writers killed before their
    commit reach the warehouse with the next command, which says so."""
    raw, db = loaded_once(wh, tmp_path)
    accepted = read_log(raw)[0]
    # the same bytes archived again under another entry is not possible; log a withdrawal instead
    with open(log_file(raw), "a", encoding="utf-8") as log:
        log.write(json.dumps({"event": "withdrawn", "sha256": accepted["sha256"], "at": "2026-11-29T10:00:00",
                              "by": "admin", "reason": "测试"}, ensure_ascii=False) + "\n")
    result = run_cli("ingest", filled(db, tmp_path / "second.xlsx", values={"KG_ENROLLED": 10100}), "--raw", raw, "--db", db)
    assert result.returncode == 0, result.stderr
    assert "已补记上次中断前登记的撤回 1 项" in result.stderr
    assert_agrees_with_archive(raw, db)
    assert_rebuild_equals(raw, db, tmp_path)


def test_a_workbook_accepted_before_the_bounds_stops_the_build_until_it_is_withdrawn(wh, tmp_path):
    """An archive from before the bounds of config.py holds a workbook with 1e308 in it: the build says
    which cell and what to do; once the workbook is withdrawn, the build keeps its record without values."""
    from datetime import datetime

    from pipelines.archive import archive, log_withdrawal
    from tests import hostile_books

    raw, db = loaded_once(wh, tmp_path)
    bad = hostile_books.huge_count(db, tmp_path)
    entry = archive(raw, bad.read_bytes(), bad.name, "旗教育局", 2025, datetime(2026, 3, 1, 9, 0))  # as the old code did
    result = run_cli("build", "--raw", raw, "--db", db)
    assert result.returncode == 1
    assert "按现行检查规则未通过，重建中止：请在“数据填报”页撤回该填报" in result.stderr
    assert "E列（数值）" in result.stderr and "超出合理范围" in result.stderr

    log_withdrawal(raw, entry.sha256, "admin", "数值有误", datetime(2026, 3, 2, 9, 0))
    result = run_cli("build", "--raw", raw, "--db", db)
    assert result.returncode == 0, result.stderr
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute("select withdrawn, n_values from submissions where sha256 = ?", [entry.sha256]).fetchall()
        warning = con.execute("select reason from ingest_warnings join submissions using (submission_id) where sha256 = ?",
                              [entry.sha256]).fetchall()
        values = con.execute("select count(*) from observations where value > 1e300").fetchall()
    assert row == [(True, 0)] and values == [(0,)]
    assert "已撤回的工作簿按现行检查规则未通过" in warning[0][0] and "超出合理范围" in warning[0][0]
    assert_agrees_with_archive(raw, db)
