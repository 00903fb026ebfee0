"""Issue 20, item 3: nothing the platform does deletes an archived file. A file the log does not name goes to
the quarantine (data/raw/quarantine/<date>/…), `health` lists it, `quarantine admit` sends it through the
upload's checks again (待审核), `quarantine discard` deletes it on purpose (管理 only, audited); a damaged log
line is set aside into the quarantine, never dropped."""

import json
from pathlib import Path

import duckdb
import pytest

from pipelines.core import config
from pipelines.operations.ingest import ingest_file
from pipelines.operations.review import decide
from pipelines.records.accounts import AccountStore
from pipelines.records.archive import read_log
from tests.books import filled
from tests.cli import run_cli
from tests.consistency import assert_agrees_with_archive, assert_rebuild_equals


def log_file(raw):
    return raw / config.SUBMISSIONS_DIR / config.SUBMISSIONS_LOG


def quarantined(raw) -> dict[str, bytes]:
    """Every file of the quarantine (not its notes), by its path there."""
    folder = raw / config.QUARANTINE_DIR
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.endswith(".隔离说明.json")} if folder.exists() else {}


@pytest.fixture
def three(wh, tmp_path, accounts):
    """Three workbooks loaded, the second approved: (raw, db, the second's log line, its archived bytes)."""
    raw, db = wh
    for i in range(3):
        book = filled(db, tmp_path / f"旗教育局_{2023 + i}.xlsx", year=2023 + i, values={"KG_ENROLLED": 10000 + i})
        assert ingest_file(book, raw, db).outcome == "loaded"
    decide(raw, db, 2, "approved", AccountStore().get("admin"))
    second = read_log(raw)[1]
    assert second["file_name"] == "旗教育局_2024.xlsx"
    return raw, db, second, (raw / config.SUBMISSIONS_DIR / second["path"]).read_bytes()


def damage_line(raw, number: int) -> bytes:
    """Replace the number-th line of the submissions log by bytes that are not a record; the line as it was."""
    lines = log_file(raw).read_bytes().split(b"\n")
    original = lines[number - 1]
    lines[number - 1] = original[: len(original) // 2] + b"\x00\xff"
    log_file(raw).write_bytes(b"\n".join(lines))
    return original


def test_the_advice_for_a_damaged_line_does_not_say_to_move_it_aside(three):
    raw, db, _, _ = three
    damage_line(raw, 1)
    done = run_cli("build", "--raw", raw, "--db", db)
    assert done.returncode == 1
    assert "日志第1行已损坏" in done.stderr and "quarantine repair-log" in done.stderr and "不删除" in done.stderr
    assert "移到别处" not in done.stderr and "Traceback" not in done.stderr
    code = run_cli("health", "--raw", raw, "--db", db)
    assert code.returncode == 1 and "quarantine repair-log" in code.stdout


def test_a_line_moved_aside_by_hand_then_build_keeps_the_workbook_in_quarantine(three, tmp_path):
    """The attack of issue 20: the old advice followed (the damaged line moved aside), then `build`."""
    raw, db, second, data = three
    lines = log_file(raw).read_text(encoding="utf-8").splitlines(keepends=True)
    log_file(raw).write_text("".join(line for line in lines if '"accepted"' not in line or second["sha256"] not in line),
                             encoding="utf-8")
    done = run_cli("build", "--raw", raw, "--db", db)
    assert done.returncode == 0, done.stderr
    assert "已删除" not in done.stderr and "已移到隔离区" in done.stderr
    kept = quarantined(raw)
    assert list(kept.values()) == [data]  # byte for byte
    [key] = kept
    assert key.endswith(second["path"].split("/")[-1]) and f"/{config.SUBMISSIONS_DIR}/{second['path']}" in f"/{key}"

    health = run_cli("health", "--raw", raw, "--db", db)
    assert health.returncode == 1, health.stdout
    assert "隔离区中有 1 个文件待处理" in health.stdout and key in health.stdout
    assert "归档日志中没有记载此文件" in health.stdout
    listing = run_cli("quarantine", "list", "--raw", raw)
    assert listing.returncode == 0 and key in listing.stdout and f"原位置 {config.SUBMISSIONS_DIR}/{second['path']}" in listing.stdout

    admitted = run_cli("quarantine", "admit", key, "--as", "admin", "--raw", raw, "--db", db)
    assert admitted.returncode == 0, admitted.stderr
    assert "已载入“旗教育局_2024.xlsx”" in admitted.stdout and "待审核" in admitted.stdout
    assert quarantined(raw) == {}
    health = run_cli("health", "--raw", raw, "--db", db)
    assert health.returncode == 0, health.stdout
    with duckdb.connect(str(db), read_only=True) as con:
        state = con.execute("select review_status, file_name from submissions where sha256 = ?", [second["sha256"]]).fetchall()
        audit = con.execute("select account, result from audit where event = 'quarantine'").fetchall()
    # re-checked and re-logged as an upload: 待审核 again (the approval of its old, set-aside line is history)
    assert state == [("pending", "旗教育局_2024.xlsx")]
    assert any(who == "admin" and "重新载入" in what for who, what in audit)
    assert_agrees_with_archive(raw, db)
    assert_rebuild_equals(raw, db, tmp_path)


def test_repair_log_keeps_the_damaged_line_and_the_file_it_named(three, tmp_path):
    raw, db, second, data = three
    original = damage_line(raw, 2)
    damaged = log_file(raw).read_bytes().split(b"\n")[1]
    done = run_cli("quarantine", "repair-log", "--raw", raw, "--db", db)
    assert done.returncode == 0, done.stderr
    assert "已把归档日志第2行" in done.stdout and "已移到隔离区" in done.stdout
    kept = quarantined(raw)
    assert sorted(kept.values()) == sorted([damaged + b"\n", data])  # the line as it was, the workbook byte for byte
    assert original not in log_file(raw).read_bytes() and len(read_log(raw)) == 3  # two workbooks, one decision
    line = next(k for k in kept if "log.jsonl" in k)
    refused = run_cli("quarantine", "admit", line, "--raw", raw, "--db", db)
    assert refused.returncode == 1 and "是日志中损坏的一行" in refused.stderr
    admitted = run_cli("quarantine", "admit", "旗教育局_2024.xlsx", "--raw", raw, "--db", db)  # named as it was sent
    assert admitted.returncode == 0, admitted.stderr
    health = run_cli("health", "--raw", raw, "--db", db)
    assert health.returncode == 1 and "隔离区中有 1 个文件待处理" in health.stdout and line in health.stdout
    assert_agrees_with_archive(raw, db)


def stray_quarantined_by_build(raw, db, name: str) -> tuple[Path, str]:
    """A file put into the archive by hand, named as the archive names its files, then `build`: (it, its key)."""
    stray = raw / config.SUBMISSIONS_DIR / "2024" / "旗教育局" / f"20240101T000000_0123abcd_{name}"
    stray.write_bytes(b"PK\x03\x04 a file nobody logged")
    assert run_cli("build", "--raw", raw, "--db", db).returncode == 0
    [key] = quarantined(raw)
    return stray, key


def test_discarding_needs_a_managing_account_and_is_audited(three):
    raw, db, _, _ = three
    stray, key = stray_quarantined_by_build(raw, db, "手工放入.xlsx")
    refused = run_cli("quarantine", "discard", stray.name, "--as", "edu", "--raw", raw, "--db", db)
    assert refused.returncode == 1 and "只有管理账号可以" in refused.stderr
    assert list(quarantined(raw)) == [key]
    done = run_cli("quarantine", "discard", stray.name, "--as", "admin", "--reason", "测试用的空文件", "--raw", raw, "--db", db)
    assert done.returncode == 0, done.stderr
    assert quarantined(raw) == {} and "测试用的空文件" in done.stdout
    events = [json.loads(line) for line in (raw / config.AUDIT_DIR / config.AUDIT_LOG).read_text(encoding="utf-8").splitlines()]
    discarded = [e for e in events if e["event"] == "quarantine" and "已丢弃" in e["result"]]
    assert len(discarded) == 1 and discarded[0]["account"] == "admin" and "测试用的空文件" in discarded[0]["result"]
    assert run_cli("health", "--raw", raw, "--db", db).returncode == 0


def test_admitting_a_file_the_checks_refuse_keeps_it_in_quarantine(three):
    raw, db, _, _ = three
    _, key = stray_quarantined_by_build(raw, db, "不是工作簿.xlsx")
    done = run_cli("quarantine", "admit", key, "--raw", raw, "--db", db)
    assert done.returncode == 1 and "未载入" in done.stderr and "仍在隔离区中" in done.stderr
    assert list(quarantined(raw)) == [key]
    assert "Traceback" not in done.stderr
