"""Review (审核): a loaded workbook counts only once a reviewer approves it; every transition, every role,
the decision log replayed by `build`, the preview of what approving would change, the command line."""

import json
from pathlib import Path

import duckdb
import pytest

from pipelines.operations.ingest import ingest_file, withdraw
from pipelines.operations.review import decide
from pipelines.records import audit
from pipelines.records.accounts import AccountStore
from pipelines.records.archive import read_log
from pipelines.records.review_preview import preview
from pipelines.records.review_state import ReviewError, pending_count
from tests.books import filled
from tests.cli import run_cli
from tests.consistency import assert_agrees_with_archive, assert_rebuild_equals


def q(db: Path, sql: str, params=()):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def status(db: Path, target: str, as_of: int = 2025) -> str:
    return q(db, "select status from target_assessments where target_id = ? and as_of_year = ? and include_demo",
             [target, as_of])[0][0]


def counted_value(db: Path, code: str, year: int = 2025):
    rows = q(db, "select value from latest_observations where indicator_code = ? and year = ?", [code, year])
    return rows[0][0] if rows else None


def account(name: str):
    return AccountStore().get(name)


def loaded(db: Path, raw: Path, path: Path, **kwargs) -> int:
    result = ingest_file(path, raw, db, **kwargs)
    assert result.outcome == "loaded", [str(p) for p in result.problems]
    return result.submission_id


def audit_lines(raw: Path) -> list[tuple[str, str]]:
    lines = audit.log_path(raw).read_text(encoding="utf-8").splitlines()
    return [(e["event"], e["account"]) for e in map(json.loads, lines)]


# Pending until approved; approved, returned, approved again; each decision logged, audited, replayed.


def test_a_loaded_workbook_counts_nowhere_until_approved(wh, tmp_path, accounts):
    raw, db = wh
    number = loaded(db, raw, filled(db, tmp_path / "edu.xlsx", values={"HS_GER": 95.9}), actor=account("edu"))
    assert q(db, "select review_status, reviewed_by from submissions") == [("pending", None)]
    assert counted_value(db, "HS_GER") is None and status(db, "T03-5") == "no_data"
    with duckdb.connect(str(db), read_only=True) as con:
        assert pending_count(con) == 1
        assert con.execute("select units_reported from year_coverage(true) where year = 2025").fetchall() == [(0,)]

    result = decide(raw, db, number, "approved", account("admin"), "核对无误")
    assert result.changed and "其数值现已计入" in result.message
    assert counted_value(db, "HS_GER") == pytest.approx(95.9) and status(db, "T03-5") == "met"
    assert q(db, "select review_status, reviewed_by, review_note from submissions") == [("approved", "admin", "核对无误")]
    assert ("review_approved", "admin") in audit_lines(raw)
    assert [e["decision"] for e in read_log(raw) if e["event"] == "review"] == ["approved"]
    assert_agrees_with_archive(raw, db)


def test_a_returned_workbook_stays_in_the_archive_and_history_and_counts_nowhere(wh, tmp_path, accounts):
    raw, db = wh
    book = filled(db, tmp_path / "edu.xlsx", values={"HS_GER": 95.9})
    number = loaded(db, raw, book)
    with pytest.raises(ReviewError, match="退回须写明原因"):
        decide(raw, db, number, "returned", account("admin"), "  ")
    assert [e for e in read_log(raw) if e["event"] == "review"] == []  # a refused decision logs nothing

    decide(raw, db, number, "returned", account("checker"), "高中阶段毛入学率应为95.3，请核对")
    assert q(db, "select review_status, review_note, withdrawn from submissions") == [
        ("returned", "高中阶段毛入学率应为95.3，请核对", False)]
    assert counted_value(db, "HS_GER") is None and status(db, "T03-5") == "no_data"
    assert q(db, "select count(*) from observations") != [(0,)]  # the history keeps what was sent
    archived = raw / "submissions" / q(db, "select archive_path from submissions")[0][0]
    assert archived.is_file()
    # Sending the same bytes again says what became of them.
    again = ingest_file(book, raw, db, file="edu_again.xlsx")
    assert again.outcome == "duplicate" and "已退回：高中阶段毛入学率应为95.3，请核对" in again.message
    assert ("review_returned", "checker") in audit_lines(raw)


def test_every_transition_and_the_last_decision_stands(wh, tmp_path, accounts):
    raw, db = wh
    number = loaded(db, raw, filled(db, tmp_path / "edu.xlsx", values={"HS_GER": 95.9}))
    admin = account("admin")
    decide(raw, db, number, "returned", admin, "请核对")  # 待审核 → 已退回
    decide(raw, db, number, "approved", admin)  # 已退回 → 已通过 (on a second look)
    assert status(db, "T03-5") == "met"
    decide(raw, db, number, "returned", admin, "发现错误")  # 已通过 → 已退回 (an error found later)
    assert status(db, "T03-5") == "no_data" and counted_value(db, "HS_GER") is None
    same = decide(raw, db, number, "returned", admin, "再次退回")  # the same decision again: nothing logged
    assert not same.changed and same.message.endswith("的审核状态已是“已退回”，未做更改")
    assert [d for (d,) in q(db, "select decision from review_decisions order by decided_at, rowid")] == [
        "returned", "approved", "returned"]
    assert len([e for e in read_log(raw) if e["event"] == "review"]) == 3
    assert_agrees_with_archive(raw, db)
    assert_rebuild_equals(raw, db, tmp_path)  # build replays the decisions in order


def test_a_later_pending_correction_does_not_replace_an_approved_value_until_approved(wh, tmp_path, accounts):
    raw, db = wh
    first = loaded(db, raw, filled(db, tmp_path / "v1.xlsx", values={"HS_GER": 95.9}))
    decide(raw, db, first, "approved", account("admin"))
    second = loaded(db, raw, filled(db, tmp_path / "v2.xlsx", values={"HS_GER": 93.0}))
    assert counted_value(db, "HS_GER") == pytest.approx(95.9) and status(db, "T03-5") == "met"
    decide(raw, db, second, "approved", account("checker"))
    assert counted_value(db, "HS_GER") == pytest.approx(93.0) and status(db, "T03-5") != "met"
    decide(raw, db, second, "returned", account("admin"), "93.0 有误")  # the approved earlier one counts again
    assert counted_value(db, "HS_GER") == pytest.approx(95.9) and status(db, "T03-5") == "met"
    assert_rebuild_equals(raw, db, tmp_path)


# Roles: who may decide what.


def test_a_reporter_or_a_viewer_cannot_review(wh, tmp_path, accounts):
    raw, db = wh
    number = loaded(db, raw, filled(db, tmp_path / "edu.xlsx", values={"HS_GER": 95.9}), actor=account("edu"))
    for name in ("edu", "viewer"):  # its own unit's workbook: still not its to approve
        with pytest.raises(ReviewError, match="不能审核工作簿"):
            decide(raw, db, number, "approved", account(name))
    assert q(db, "select review_status from submissions") == [("pending",)]
    assert [e for e in read_log(raw) if e["event"] == "review"] == []


def test_a_reviewer_of_one_unit_cannot_approve_anothers(wh, tmp_path, accounts):
    raw, db = wh
    finance = loaded(db, raw, filled(db, tmp_path / "fin.xlsx", unit="旗财政局", values={"FI_HS_DEBT": 2900}))
    edu = loaded(db, raw, filled(db, tmp_path / "edu.xlsx", values={"HS_GER": 95.9}))
    with pytest.raises(ReviewError, match="为旗财政局的工作簿，账号checker（审核，旗教育局）只能审核旗教育局的工作簿"):
        decide(raw, db, finance, "approved", account("checker"))
    decide(raw, db, edu, "approved", account("checker"))
    assert q(db, "select unit, review_status from submissions order by submission_id") == [
        ("旗财政局", "pending"), ("旗教育局", "approved")]
    decide(raw, db, finance, "approved", account("admin"))  # 管理 reviews every unit
    assert q(db, "select review_status from submissions where unit = '旗财政局'") == [("approved",)]


def test_a_withdrawn_workbook_is_not_reviewed(wh, tmp_path, accounts):
    raw, db = wh
    number = loaded(db, raw, filled(db, tmp_path / "edu.xlsx", values={"HS_GER": 95.9}))
    withdraw(raw, db, number, account("admin"), "重复报送")
    with pytest.raises(ReviewError, match="已撤回，不能再审核"):
        decide(raw, db, number, "approved", account("admin"))


def test_a_reviewer_account_needs_its_units(accounts):
    from pipelines.records.accounts import AccountError

    store = AccountStore()
    with pytest.raises(AccountError, match="审核账号须指定所审核的单位"):
        store.add("nobody", "审核", None, "long-enough-1", ["旗教育局", "旗财政局"])
    two = store.add("both", "审核", "旗教育局，旗财政局", "long-enough-1", ["旗教育局", "旗财政局"])
    assert two.units == ["旗教育局", "旗财政局"] and two.unit is None
    assert two.may_review("旗财政局") and not two.may_review("旗人社局") and not two.may_report_for("旗教育局")


# What approving would change, before it does.


def test_the_preview_is_what_approving_does_and_changes_nothing(wh, tmp_path, accounts):
    raw, db = wh
    first = loaded(db, raw, filled(db, tmp_path / "v1.xlsx", values={"HS_GER": 93.0, "KG_ENROLLED": 10000}))
    decide(raw, db, first, "approved", account("admin"))
    second = loaded(db, raw, filled(db, tmp_path / "v2.xlsx", values={"HS_GER": 95.9, "KG_ENROLLED": 10000,
                                                                    "KG_PUBLIC_ENROLLED": 6500}))
    before = q(db, "select * from target_assessments order by all")
    p = preview(db, second, 2025)
    changes = p.values.set_index("indicator_code")["change"].to_dict()
    assert changes["HS_GER"] == "更正" and changes["KG_ENROLLED"] == "不变" and changes["KG_PUBLIC_ENROLLED"] == "新增"
    assert p.values.set_index("indicator_code").loc["HS_GER", "current_value"] == pytest.approx(93.0)
    moved = p.statuses.set_index("key")
    assert moved.loc["T03-5", "after"] == "已达成" and moved.loc["T03-5", "before"] != "已达成"
    assert "更正1" in p.summary() and "新增1" in p.summary()
    assert q(db, "select * from target_assessments order by all") == before  # the warehouse is untouched
    assert q(db, "select review_status from submissions where submission_id = ?", [second]) == [("pending",)]
    decide(raw, db, second, "approved", account("admin"))
    assert status(db, "T03-5") == "met"  # as the preview said


# The command line: python -m pipelines review list|approve|return.


def test_review_on_the_command_line(wh, tmp_path, accounts):
    raw, db = wh
    number = loaded(db, raw, filled(db, tmp_path / "edu.xlsx", values={"HS_GER": 95.9}))
    common = ("--raw", raw, "--db", db)
    listed = run_cli("review", "list", *common)
    assert listed.returncode == 0 and f"#{number}" in listed.stdout and "待审核" in listed.stdout
    shown = run_cli("review", "list", str(number), *common)
    assert shown.returncode == 0 and "高中阶段毛入学率" in shown.stdout and "已达成" in shown.stdout

    refused = run_cli("review", "approve", str(number), "--as", "edu", *common)
    assert refused.returncode == 1 and "不能审核工作簿" in refused.stderr and "Traceback" not in refused.stderr
    unknown = run_cli("review", "approve", "999", "--as", "admin", *common)
    assert unknown.returncode == 1 and "填报编号 999 不存在" in unknown.stderr
    no_reason = run_cli("review", "return", str(number), "--as", "admin", *common)
    assert no_reason.returncode == 2 and "--reason" in no_reason.stderr

    back = run_cli("review", "return", str(number), "--as", "checker", "--reason", "请核对", *common)
    assert back.returncode == 0, back.stderr
    assert "退回原因：请核对" in run_cli("review", "list", "--status", "已退回", *common).stdout
    approved = run_cli("review", "approve", str(number), "--as", "admin", *common)
    assert approved.returncode == 0 and "其数值现已计入" in approved.stdout
    assert status(db, "T03-5") == "met"
    assert "没有待审核的工作簿" in run_cli("review", "list", *common).stdout
    assert audit_lines(raw)[-2:] == [("review_returned", "checker"), ("review_approved", "admin")]


def test_the_demo_data_is_approved(demo_base):
    _, db = demo_base
    assert q(db, "select count(*) from submissions where review_status <> 'approved'") == [(0,)]
    assert q(db, "select distinct reviewed_by from submissions") == [("示例数据",)]
    assert q(db, "select count(*) from review_decisions") == q(db, "select count(*) from submissions")


def test_the_preview_compares_with_the_value_that_counts_even_a_derived_one(wh, tmp_path, accounts):
    raw, db = wh
    first = loaded(db, raw, filled(db, tmp_path / "v1.xlsx", values={"KG_ENROLLED": 10000, "KG_PUBLIC_ENROLLED": 6420}))
    decide(raw, db, first, "approved", account("admin"))
    second = loaded(db, raw, filled(db, tmp_path / "v2.xlsx", values={"KG_PUBLIC_RATE": 66.6}))
    row = preview(db, second, 2025).values.set_index("indicator_code").loc["KG_PUBLIC_RATE"]
    assert (row["current_value"], row["value"], row["change"]) == (pytest.approx(64.2), 66.6, "更正")


def test_approving_a_superseded_workbook_says_its_values_do_not_count(wh, tmp_path, accounts):
    raw, db = wh
    first = loaded(db, raw, filled(db, tmp_path / "v1.xlsx", values={"HS_GER": 93.0, "KG_ENROLLED": 10000}))
    second = loaded(db, raw, filled(db, tmp_path / "v2.xlsx", values={"HS_GER": 95.9}))
    decide(raw, db, second, "approved", account("admin"))
    said = decide(raw, db, first, "approved", account("admin")).message
    assert "其数值 1 个现已计入（另 1 个以较晚收到并已通过的工作簿为准）" in said  # KG_ENROLLED counts, HS_GER not
    assert counted_value(db, "HS_GER") == pytest.approx(95.9)
    third = loaded(db, raw, filled(db, tmp_path / "v3.xlsx", values={"HS_GER": 90.0}))
    fourth = loaded(db, raw, filled(db, tmp_path / "v4.xlsx", values={"HS_GER": 96.0}))
    decide(raw, db, fourth, "approved", account("admin"))
    said = decide(raw, db, third, "approved", account("admin")).message  # received before the approved fourth
    assert said.endswith("，但其数值均已被较晚收到并已通过的工作簿取代，现有数值不变")
    assert counted_value(db, "HS_GER") == pytest.approx(96.0)


def test_a_copy_of_another_units_loaded_file_is_refused_before_saying_what_became_of_it(wh, tmp_path, accounts):
    from pipelines.operations.ingest import check_file
    from pipelines.warehouse.connection import connect

    raw, db = wh
    book = filled(db, tmp_path / "fin.xlsx", unit="旗财政局", values={"FI_HS_DEBT": 2900})
    number = loaded(db, raw, book)
    decide(raw, db, number, "returned", account("admin"), "请补充化债明细")
    with connect(db, read_only=True) as con:
        for name, said in (("edu", "只能上传本单位的工作簿"), ("viewer", "不能上传工作簿"), ("checker", "不能上传工作簿")):
            result = check_file(con, book, "fin.xlsx", actor=account(name))
            assert result.outcome == "rejected" and said in result.message, (name, result.message)
            assert "请补充化债明细" not in result.message
        own = check_file(con, book, "fin.xlsx", actor=account("finance"))
    assert own.outcome == "duplicate" and "已退回：请补充化债明细" in own.message  # its own unit is told


def test_several_decisions_on_the_command_line_are_all_or_none(wh, tmp_path, accounts):
    raw, db = wh
    edu = loaded(db, raw, filled(db, tmp_path / "edu.xlsx", values={"HS_GER": 95.9}))
    fin = loaded(db, raw, filled(db, tmp_path / "fin.xlsx", unit="旗财政局", values={"FI_HS_DEBT": 2900}))
    common = ("--raw", raw, "--db", db)
    refused = run_cli("review", "approve", str(edu), str(fin), "--as", "checker", *common)  # fin is not checker's
    assert refused.returncode == 1 and "只能审核旗教育局的工作簿" in refused.stderr and "未做任何更改" in refused.stderr
    assert q(db, "select review_status from submissions order by submission_id") == [("pending",), ("pending",)]
    assert [e for e in read_log(raw) if e["event"] == "review"] == []
    done = run_cli("review", "approve", str(edu), str(fin), "--as", "admin", *common)
    assert done.returncode == 0, done.stderr
    assert q(db, "select review_status from submissions order by submission_id") == [("approved",), ("approved",)]
