"""`health`: exit 0 while the warehouse is current with the raw folder, 1 (with the reason) when it is not."""

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from datetime import datetime

import duckdb
import pytest

from pipelines.cli.main import main
from pipelines.core import config, jsonlog
from pipelines.operations.build import build
from pipelines.operations.ingest import ingest_file
from pipelines.records import audit
from pipelines.records.archive import archive, log_path, log_withdrawal
from tests.books import filled
from tests.cli import run_cli


def health(raw, db) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(out):
        code = main(["health", "--raw", str(raw), "--db", str(db)])
    return code, out.getvalue()


@pytest.fixture
def loaded(wh, tmp_path):
    """The plan-only warehouse with one unit's workbook loaded."""
    raw, db = wh
    result = ingest_file(filled(db, tmp_path / "旗教育局_2025.xlsx", values={"HS_GER": 95}), raw, db, account="jyj")
    assert result.outcome == "loaded"
    return raw, db, tmp_path


def test_a_current_warehouse_is_healthy_and_says_when_it_was_built_and_loaded(loaded):
    raw, db, _ = loaded
    done = run_cli("build", "--raw", raw, "--db", db)
    assert done.returncode == 0, done.stderr
    done = run_cli("health", "--raw", raw, "--db", db)
    assert done.returncode == 0, done.stdout
    today = datetime.now().strftime("%Y-%m-%d")
    assert f"最近一次重建：{today}" in done.stdout
    assert "最近一次载入：" in done.stdout and "旗教育局 2025年度“旗教育局_2025.xlsx”（jyj）" in done.stdout
    assert "结论：数据仓库与原始数据一致。" in done.stdout


def test_a_build_that_left_no_stamp_makes_the_build_time_unknown_not_wrong(loaded):
    raw, db, _ = loaded
    run_cli("build", "--raw", raw, "--db", db)
    build(raw, db)  # in-process, as a test or another tool would: a new file, no stamp
    code, text = health(raw, db)
    assert code == 0 and "最近一次重建：不详" in text


def add_unloaded_workbook(raw, db, tmp):
    data = filled(db, tmp / "旗财政局_2025.xlsx", unit="旗财政局", values={"FI_HS_DEBT": 1200}).read_bytes()
    archive(raw, data, "旗财政局_2025.xlsx", "旗财政局", 2025, datetime(2026, 3, 1, 9, 0))


def drop_log_line(raw, db, tmp):
    log_path(raw).write_text("", encoding="utf-8")


def log_a_withdrawal_only(raw, db, tmp):
    sha = jsonlog.read(log_path(raw))[0]["sha256"]
    log_withdrawal(raw, sha, "admin", "单位申请撤回", datetime(2026, 3, 2))


def audit_line_only_in_the_log(raw, db, tmp):
    jsonlog.append(audit.log_path(raw), {"occurred_at": "2026-03-03T10:00:00", "event": "sign_in", "account": "edu",
                                         "result": "成功", "source": "网页"})


def change_a_target(raw, db, tmp):
    path = raw / config.REFERENCE_DIR / config.TARGETS_FILE
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[2].startswith("T03-2,HS_CITY_FEATURE,3,count_cumulative,>=,2,")
    lines[2] = lines[2].replace(">=,2,", ">=,3,", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def orphan_file(raw, db, tmp):
    (raw / config.SUBMISSIONS_DIR / "2025").mkdir(parents=True, exist_ok=True)
    (raw / config.SUBMISSIONS_DIR / "2025" / "手工放入.xlsx").write_bytes(b"PK")


def lose_an_archived_file(raw, db, tmp):
    (raw / config.SUBMISSIONS_DIR / jsonlog.read(log_path(raw))[0]["path"]).unlink()


def broken_log_line(raw, db, tmp):
    """A line in the middle of the log that is not a record (not only a torn last one)."""
    path = log_path(raw)
    path.write_text('{"event": "accepted", "sha256": "ab\n' + path.read_text(encoding="utf-8"), encoding="utf-8")


def no_warehouse(raw, db, tmp):
    db.unlink()


def broken_warehouse(raw, db, tmp):
    db.write_bytes(b"not a duckdb file" * 100)


@pytest.mark.parametrize("spoil, words", [
    (add_unloaded_workbook, "归档中有 1 个工作簿不在数据仓库中：旗财政局_2025.xlsx"),
    (drop_log_line, "数据仓库中有 1 个工作簿不在原始数据的归档日志中"),
    (log_a_withdrawal_only, "1 个工作簿的撤回状态与日志不同：旗教育局_2025.xlsx"),
    (audit_line_only_in_the_log, "审计日志有 1 条记录尚未写入数据仓库"),
    (change_a_target, "方案文件或参考数据在上次重建后有改动，这些表与原始数据不同：targets"),
    (orphan_file, "归档目录中有 1 个文件不在日志中，不会载入数据仓库：2025/手工放入.xlsx"),
    (lose_an_archived_file, "日志记载的 1 个归档工作簿不在"),
    (broken_log_line, "有一行不是完整的记录"),
    (no_warehouse, "不存在"),
    (broken_warehouse, "数据仓库文件无法读取"),
])
def test_a_warehouse_behind_its_raw_folder_is_reported_with_exit_1(loaded, spoil, words):
    raw, db, tmp = loaded
    assert health(raw, db)[0] == 0
    spoil(raw, db, tmp)
    code, text = health(raw, db)
    assert code == 1
    assert words in text
    assert "结论：数据仓库与原始数据不一致" in text and "处理：" in text


def test_a_rebuild_makes_a_stale_warehouse_current_again(loaded):
    raw, db, tmp = loaded
    add_unloaded_workbook(raw, db, tmp)
    audit_line_only_in_the_log(raw, db, tmp)
    assert health(raw, db)[0] == 1
    build(raw, db)
    assert health(raw, db)[0] == 0


def test_a_no_demo_build_is_current_without_the_demo_workbooks(demo_base, tmp_path):
    from tests.books import copy_warehouse

    raw, db = copy_warehouse(*demo_base, tmp_path / "d")
    assert run_cli("build", "--raw", raw, "--db", db, "--no-demo").returncode == 0
    code, text = health(raw, db)
    assert code == 0, text
    stamp = json.loads(db.with_name(db.name + ".build.json").read_text(encoding="utf-8"))
    assert stamp["include_demo"] is False


def test_a_busy_warehouse_is_reported_as_not_checked(loaded, monkeypatch):
    raw, db, _ = loaded
    monkeypatch.setattr(config, "HEALTH_WAIT_SECONDS", 0.2)
    with duckdb.connect(str(db)):  # another process's writer, as far as the check can tell
        code, text = health(raw, db)
    assert code == 1 and "数据仓库正被其他程序写入" in text and "稍后再运行 health" in text


def test_the_last_load_is_the_last_in_the_log_even_within_one_second(loaded):
    raw, db, folder = loaded
    books = [filled(db, folder / f"c_{c}.xlsx", values={"HS_GER": 90 + i}) for i, c in enumerate("abc")]
    done = run_cli("ingest", *books, "--raw", raw, "--db", db)  # one command: often within the same second
    assert done.returncode == 0, done.stderr
    said = run_cli("health", "--raw", raw, "--db", db).stdout
    assert "“c_c.xlsx”（命令行）" in said and "（（" not in said
