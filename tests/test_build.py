import hashlib

import duckdb
import openpyxl
import pytest

from pipelines import config
from tests.cli import run_cli


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow  # builds the plan warehouse through the real process
def test_build_on_the_seed(plan_raw, tmp_path):
    db = tmp_path / "w.duckdb"
    result = run_cli("build", "--raw", plan_raw, "--db", db, "--no-demo", process=True)  # the module as run
    assert result.returncode == 0, result.stderr
    assert "任务 98 项" in result.stdout and "单位 26 个" in result.stdout
    with duckdb.connect(str(db), read_only=True) as con:
        counts = {t: con.execute("select count(*) from query_table(?)", [t]).fetchone()[0] for t in ("tasks", "units", "targets", "body_key_tasks")}
        assert counts == {"tasks": 98, "units": 26, "targets": 98, "body_key_tasks": 30}  # 80, and issue 19's 18
        # 绿色校园 50% (body) against 60% (list), and the canteen's 4500平方米 that only the body gives.
        assert con.execute("select count(*) from discrepancies where field = 'target_value'").fetchone()[0] == 2
    assert not list(tmp_path.glob(".*building*"))


@pytest.mark.slow  # builds two warehouses
def test_failed_build_leaves_the_previous_warehouse_intact(plan_raw, tmp_path):
    db = tmp_path / "w.duckdb"
    assert run_cli("build", "--raw", plan_raw, "--db", db, "--no-demo").returncode == 0
    before = digest(db)

    wb = openpyxl.load_workbook(plan_raw / config.TASKLIST_FILE)
    ws = wb.active
    ws["C5"] = "1.与第一项重复的编号。"
    wb.save(plan_raw / config.TASKLIST_FILE)
    result = run_cli("build", "--raw", plan_raw, "--db", db)
    assert result.returncode == 1
    assert "tasklist.xlsx" in result.stderr and "任务清单" in result.stderr
    assert "任务编号 1 重复出现（第4行、第5行）" in result.stderr
    assert "缺少任务编号：2" in result.stderr
    assert "Traceback" not in result.stderr
    assert digest(db) == before
    assert not list(tmp_path.glob(".*building*"))


@pytest.mark.slow  # builds a warehouse first
def test_build_refuses_a_file_that_is_not_a_workbook(plan_raw, tmp_path):
    db = tmp_path / "w.duckdb"
    assert run_cli("build", "--raw", plan_raw, "--db", db, "--no-demo").returncode == 0
    before = digest(db)
    (plan_raw / config.TASKLIST_FILE).write_bytes(b"PK\x03\x04 not really a zip")
    result = run_cli("build", "--raw", plan_raw, "--db", db)
    assert result.returncode == 1
    assert "无法作为工作簿读取" in result.stderr and "Traceback" not in result.stderr
    assert digest(db) == before


def test_build_refuses_a_workbook_without_header(plan_raw, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    wb.active["A1"] = "只有一个标题"
    wb.save(plan_raw / config.TASKLIST_FILE)
    result = run_cli("build", "--raw", plan_raw, "--db", tmp_path / "w.duckdb")
    assert result.returncode == 1
    assert "找不到任务清单的表头" in result.stderr and "“Sheet1”" in result.stderr
    assert not (tmp_path / "w.duckdb").exists()


def test_bad_usage_exits_2_in_chinese(tmp_path):
    result = run_cli("build", "--nonsense")
    assert result.returncode == 2
    assert "用法错误" in result.stderr and "无法识别的参数" in result.stderr
    assert run_cli("frobnicate").returncode == 2


# A warehouse left by another version of the code (after an update) is rebuilt, never read half-matching.


def test_a_warehouse_built_by_another_version_is_rebuilt_when_needed(wh, tmp_path, monkeypatch):
    import shutil

    from pipelines import warehouse

    raw, db = wh
    assert warehouse.made_by_this_version(db)
    done = run_cli("build", "--if-needed", "--raw", raw, "--db", db)
    assert done.returncode == 0 and "已是当前版本建立的，无需重建" in done.stdout

    with duckdb.connect(str(db)) as con:  # as an older version left it: no fingerprint
        con.execute("drop table schema_info")
    assert not warehouse.made_by_this_version(db)
    refused = run_cli("status", "--db", db)  # a warehouse named on the command line is not rebuilt behind one's back
    assert refused.returncode == 1 and "由其他版本的程序建立" in refused.stderr and "Traceback" not in refused.stderr
    done = run_cli("build", "--if-needed", "--raw", raw, "--db", db)
    assert done.returncode == 0 and "由其他版本的程序建立" in done.stderr and "已重建数据仓库" in done.stdout
    assert warehouse.made_by_this_version(db)
    assert run_cli("status", "--db", db).returncode == 0

    # Any change to the SQL that makes the warehouse changes the fingerprint.
    sql = tmp_path / "sql"
    shutil.copytree(warehouse.SQL_DIR, sql)
    before = warehouse.schema_fingerprint()
    monkeypatch.setattr(warehouse, "SQL_DIR", sql)
    assert warehouse.schema_fingerprint() == before
    (sql / "counted_submissions.sql").write_text((sql / "counted_submissions.sql").read_text() + "\n-- changed\n")
    assert warehouse.schema_fingerprint() != before
    assert not warehouse.made_by_this_version(db)


def test_the_app_says_a_warehouse_of_another_version_must_be_rebuilt(wh, monkeypatch):
    from streamlit.testing.v1 import AppTest

    raw, db = wh
    with duckdb.connect(str(db)) as con:
        con.execute("update schema_info set fingerprint = 'an older version'")
    monkeypatch.setenv("MONITOR_DB", str(db))
    monkeypatch.setenv("MONITOR_RAW", str(raw))
    at = AppTest.from_file(str(config.ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    assert any("数据仓库由其他版本的程序建立" in w.value for w in at.warning)
