"""Issue 19, item 3: a target whose status depends on which text counts (T65-1: 50% in the body, 60% in the
attachment) is judged under each; a 管理 account's ruling says which counts — logged, audited, replayed by build."""

import json
import shutil
from datetime import datetime

import duckdb
import pytest

from pipelines.cli.status_report import status_text
from pipelines.core import config, jsonlog
from pipelines.operations.build import build
from pipelines.operations.health import check
from pipelines.operations.rulings import record
from pipelines.records import audit
from pipelines.records.accounts import AccountStore
from pipelines.records.archive import log_path, read_log
from pipelines.records.recovery import catch_up
from pipelines.records.ruling_state import RulingError
from pipelines.warehouse.connection import connect
from reports import briefing_data, excel_report
from reports.queries import Filters, reading, statuses, texts_by_target
from tests.books import filled, ingest_approved
from tests.cli import run_cli

REASON = "2026年11月旗委教育工作领导小组会议纪要：以正文为准"


@pytest.fixture
def green(wh, tmp_path):
    """T65-1's share reported: 40% in 2022, 51.2% in 2025 (met against the body's 50, missed against 60)."""
    raw, db = wh
    for year, value in ((2022, 40), (2025, 51.2)):
        path = filled(db, tmp_path / f"g{year}.xlsx", unit="旗委宣传部", year=year, values={"CU_GREEN_WARM_SHARE": value})
        assert ingest_approved(path, raw, db).outcome == "loaded"
    return raw, db


def t65(db, as_of=2025):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "select status, gap, target_value, text_basis, ruled, alt_text, alt_target_value, alt_status, alt_gap "
            "from target_assessments where target_id = 'T65-1' and as_of_year = ? and not include_demo", [as_of]
        ).fetchone()


def admin(accounts):
    return AccountStore(accounts).get("admin")


def test_only_the_target_the_texts_state_differently_is_judged_twice(plan_con):
    rows = plan_con.execute("select target_id, text, target_value, words from target_texts order by text").fetchall()
    assert rows == [("T65-1", "attachment", 60.0, "60%以上"), ("T65-1", "body", 50.0, "50%以上")]
    judged = plan_con.execute("select distinct target_id from target_assessments where alt_status is not null").fetchall()
    assert judged == [("T65-1",)]


def test_until_a_ruling_the_attachment_counts_and_both_statuses_are_kept(green):
    _, db = green
    assert t65(db) == ("missed", pytest.approx(8.8), 60.0, "attachment", False, "body", 50.0, "met", 0.0)


def test_only_an_admin_may_rule_with_a_reason(green, accounts):
    raw, db = green
    store = AccountStore(accounts)
    before = (log_path(raw).read_text(), audit.log_path(raw).read_text())
    for actor, text, reason, said in (
        (store.get("edu"), "body", REASON, "只有管理账号可以"),
        (store.get("checker"), "body", REASON, "只有管理账号可以"),
        (None, "body", REASON, "只有管理账号可以"),
        (store.get("admin"), "body", "   ", "须写明理由"),
        (store.get("admin"), "正文", REASON, "body（正文）或 attachment（附件）"),
    ):
        with pytest.raises(RulingError, match=said):
            record(raw, db, "T65-1", text, actor, reason)
    with pytest.raises(RulingError, match="没有不同的目标值"):
        record(raw, db, "T03-5", "body", store.get("admin"), REASON)
    with pytest.raises(RulingError, match="不存在"):
        record(raw, db, "T99-9", "body", store.get("admin"), REASON)
    assert (log_path(raw).read_text(), audit.log_path(raw).read_text()) == before  # nothing logged or audited
    assert t65(db)[3:5] == ("attachment", False)


def test_a_ruling_is_logged_audited_followed_and_replayed_by_build(green, accounts, tmp_path):
    raw, db = green
    done = record(raw, db, "T65-1", "body", admin(accounts), REASON, source="网页")
    assert done.changed and "已裁定目标T65-1以正文为准（50%以上）" in done.message and "按正文的状态为已达成" in done.message
    # the official status follows the ruling; the attachment's is kept beside it
    assert t65(db) == ("met", 0.0, 50.0, "body", True, "attachment", 60.0, "missed", pytest.approx(8.8))
    (event,) = [e for e in read_log(raw) if e.get("event") == "ruling"]
    assert {k: event[k] for k in ("target_id", "text", "by", "reason")} == {
        "target_id": "T65-1", "text": "body", "by": "admin", "reason": REASON}
    (line,) = [e for e in jsonlog.read(audit.log_path(raw)) if e["event"] == "ruling"]
    assert line["account"] == "admin" and line["source"] == "网页" and REASON in line["result"]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select event, account from audit where event = 'ruling'").fetchall() == [("ruling", "admin")]
        ruled = con.execute("select text, ruled_by, reason from current_rulings").fetchall()
    assert ruled == [("body", "admin", REASON)]
    assert check(raw, db).current
    again = record(raw, db, "T65-1", "body", admin(accounts), "同上")
    assert not again.changed and len([e for e in read_log(raw) if e.get("event") == "ruling"]) == 1
    rebuilt = tmp_path / "rebuilt.duckdb"
    build(raw, rebuilt, include_demo=False)
    assert t65(rebuilt) == t65(db)


def test_a_later_ruling_stands(green, accounts):
    raw, db = green
    record(raw, db, "T65-1", "body", admin(accounts), REASON)
    record(raw, db, "T65-1", "attachment", admin(accounts), "2027年复核：以附件为准")
    assert t65(db)[:5] == ("missed", pytest.approx(8.8), 60.0, "attachment", True)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from target_rulings").fetchone()[0] == 2
        assert con.execute("select reason from current_rulings").fetchone()[0] == "2027年复核：以附件为准"


def test_a_ruling_logged_but_not_applied_is_caught_up(green):
    """A writer killed between the log line and its transaction: the next writer applies it (the log is the record)."""
    raw, db = green
    jsonlog.append(log_path(raw), {"event": "ruling", "target_id": "T65-1", "text": "body", "by": "admin",
                                   "at": datetime(2026, 11, 2, 10, 0).isoformat(), "reason": REASON})
    assert not check(raw, db).current
    with connect(db) as con:
        notes = catch_up(con, raw)
    assert any("目标口径裁定 1 项" in n for n in notes)
    assert t65(db)[:4] == ("met", 0.0, 50.0, "body")
    assert check(raw, db).current


def test_the_ruling_command(green, accounts):
    raw, db = green
    refused = run_cli("ruling", "T65-1", "--text", "body", "--as", "edu", "--reason", REASON, "--raw", raw, "--db", db)
    assert refused.returncode == 1 and "只有管理账号可以" in refused.stderr
    missing = run_cli("ruling", "T65-1", "--text", "body", "--as", "admin", "--raw", raw, "--db", db)
    assert missing.returncode == 2 and "--reason" in missing.stderr
    done = run_cli("ruling", "T65-1", "--text", "body", "--as", "admin", "--reason", REASON, "--raw", raw, "--db", db)
    assert done.returncode == 0, done.stderr
    assert "已裁定目标T65-1以正文为准" in done.stdout
    assert t65(db)[3:5] == ("body", True)
    audited = [json.loads(line) for line in audit.log_path(raw).read_text(encoding="utf-8").splitlines()]
    assert audited[-1]["event"] == "ruling" and audited[-1]["source"] == "命令行"


def test_both_statuses_are_said_wherever_the_target_is(green, accounts):
    raw, db = green
    with duckdb.connect(str(db), read_only=True) as con:
        b = briefing_data.gather(con, 2025, include_demo=False)
        text, _ = status_text(con, 2025)
    row = next(b.statuses[b.statuses["target_id"] == "T65-1"].itertuples())
    both = "按附件（60%以上）：逾期未达成，差8.8个百分点；按正文（50%以上）：已达成；尚未裁定，暂以附件为准"
    assert both in briefing_data.risk_sentence(row)  # the deck's and the Word report's sentence
    assert both in text  # the command line
    sheet = excel_report.status_sheets(b)[0].frame.set_index("目标编号")
    assert both in sheet.loc["T65-1", "说明"]  # the printed Excel sheet
    assert both in b.ledger.set_index("task_no").loc[65, "targets"]  # 任务台账 (and its Excel sheet)
    notes = texts_by_target(b.statuses)
    assert notes == {"T65-1": both}
    record(raw, db, "T65-1", "body", admin(accounts), REASON)
    with duckdb.connect(str(db), read_only=True) as con, reading(con):
        after = next(statuses(Filters(2025, None, None, False)).query("target_id == 'T65-1'").itertuples())
    assert after.status_label == "已达成" and after.target_value == 50.0
    said = texts_by_target(statuses_frame(db))["T65-1"]
    assert said.startswith("按正文（50%以上）：已达成；按附件（60%以上）：逾期未达成，差8.8个百分点；已裁定以正文为准（admin，")
    assert said.endswith(f"：{REASON}）")


def statuses_frame(db):
    with duckdb.connect(str(db), read_only=True) as con, reading(con):
        return statuses(Filters(2025, None, None, False))


def test_a_restored_copy_of_the_raw_folder_rebuilds_the_ruling(green, accounts, tmp_path):
    raw, db = green
    record(raw, db, "T65-1", "body", admin(accounts), REASON)
    copy = tmp_path / "copy"
    shutil.copytree(raw, copy)
    build(copy, tmp_path / "copy.duckdb", include_demo=False)
    assert t65(tmp_path / "copy.duckdb")[:5] == ("met", 0.0, 50.0, "body", True)
    assert config.RULING_TEXTS["body"] == "正文"
