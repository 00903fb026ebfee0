"""Issue 19, item 4: deadlines compared both ways — a body date for a task the attachment leaves 长期坚持."""

from datetime import date

import duckdb
import pytest

from pipelines.core import config
from pipelines.core.deadlines import ledger_deadline, overdue_words
from pipelines.plan.discrepancies import UNDATED_IN_ATTACHMENT, find_discrepancies
from pipelines.plan.inputs import read_plan_inputs
from pipelines.plan.notice import read_body
from tests.books import filled, ingest_approved

BODY_DATES = {(45, "2025-08-31"), (90, "2025-12-31"), (91, "2025-12-31")}


@pytest.fixture(scope="module")
def inputs():
    return read_plan_inputs(config.RAW_DIR)


def test_a_body_date_for_an_undated_task_is_a_discrepancy(inputs):
    rows = inputs.discrepancies[inputs.discrepancies["kind"] == UNDATED_IN_ATTACHMENT]
    assert set(zip(rows["task_no"], rows["body_value"])) == BODY_DATES
    assert set(rows["field"]) == {"deadline"} and set(rows["severity"]) == {"substantive"}
    assert rows["attachment_value"].isna().all()
    note = rows.set_index("task_no").loc[45, "note"]
    assert "正文要求2025年8月前完成（重点任务14）" in note and "长期坚持" in note


def test_a_task_the_attachment_dates_is_not_flagged_again(inputs):
    """Tasks 43, 44 (2025年8月) and 88, 89 carry the key task's date or their own: no such row."""
    rows = inputs.discrepancies[inputs.discrepancies["kind"] == UNDATED_IN_ATTACHMENT]
    assert not set(rows["task_no"]) & {43, 44, 88, 89}


def test_removing_the_bodys_date_removes_the_rows(inputs, tmp_path, unit_names):
    text = (config.RAW_DIR / config.PLAN_FILE).read_text(encoding="utf-8").replace(
        "完成时限：2025年8月31日前完成并长期坚持", "完成时限：长期坚持", 1)
    (tmp_path / "plan.txt").write_text(text, encoding="utf-8")
    table, _ = find_discrepancies(inputs.plan, read_body(tmp_path / "plan.txt", unit_names), inputs.catalogue)
    rows = table[table["kind"] == UNDATED_IN_ATTACHMENT]
    assert set(zip(rows["task_no"], rows["body_value"])) == BODY_DATES - {(45, "2025-08-31")}


def test_the_bodys_date_is_a_milestone_marked_as_the_bodys(plan_con):
    rows = plan_con.execute("select task_no, due_date, source, milestone from task_deadlines where source = 'body' "
                            "order by task_no").fetchall()
    assert [(n, d, s) for n, d, s, _ in rows] == [(45, date(2025, 8, 31), "body"), (90, date(2025, 12, 31), "body"),
                                                  (91, date(2025, 12, 31), "body")]
    assert rows[0][3].startswith("正文（重点任务14）")
    # the attachment's own milestones are unchanged
    assert plan_con.execute("select count(*) from task_deadlines where source = 'attachment' and task_no in (45, 90, 91)"
                            ).fetchone()[0] == 0


def ledger(con, day: date):
    frame = con.execute("select * from task_ledger(?, include_demo := false)", [day]).df()
    return frame.set_index("task_no")


def test_the_ledger_flags_tasks_overdue_by_the_bodys_date(plan_con):
    after = ledger(plan_con, date(2026, 1, 15))
    for task_no in (45, 90, 91):
        assert after.loc[task_no, "overdue"] and after.loc[task_no, "overdue_by"] == "body", task_no
    assert after.loc[46, "overdue"] == False  # noqa: E712 (长期坚持 in both documents: never overdue)
    assert after.loc[88, "overdue_by"] == "attachment"  # the attachment's own date: said as such
    assert ledger_deadline(after.loc[45, "deadline_text"], after.loc[45, "body_due_dates"]) == "长期坚持；正文：2025-08-31前完成"
    assert overdue_words(True, "body") == "逾期（按正文时限）" and overdue_words(False, "body") == ""
    between = ledger(plan_con, date(2025, 10, 1))  # task 45's date has passed, 90's and 91's not yet
    assert between.loc[45, "overdue"] and not between.loc[90, "overdue"] and not between.loc[91, "overdue"]


def test_a_task_reported_routine_is_done_not_overdue(wh, tmp_path):
    raw, db = wh
    book = filled(db, tmp_path / "jyj.xlsx", year=2025, progress={45: ("常态化推进", "培训经费已列入预算"),
                                                                   90: ("推进中", "食堂改造进行中")})
    assert ingest_approved(book, raw, db).outcome == "loaded"
    with duckdb.connect(str(db), read_only=True) as con:
        after = ledger(con, date(2026, 1, 15))
    assert after.loc[45, "done"] and not after.loc[45, "overdue"]
    assert after.loc[90, "overdue"] and after.loc[90, "overdue_by"] == "body"  # reported, not done
