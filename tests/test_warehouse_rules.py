"""The warehouse's rules as "count the violations" queries, each expected to find none."""

import pytest

RULES = {
    "task numbers are unique": "select count(*) - count(distinct task_no) from tasks",
    "task numbers run 1..98": "select count(*) from range(1, 99) r(n) anti join tasks on task_no = n",
    "every task has a lead unit": "select count(*) from tasks anti join (select task_no from task_units where role = 'lead') using (task_no)",
    "every task unit is a canonical unit": "select count(*) from task_units anti join units using (unit)",
    "every task is in a key task and section": "select count(*) from tasks t anti join key_tasks k using (key_task_no)",
    "key tasks belong to their section": "select count(*) from tasks t join key_tasks k using (key_task_no) where t.section_no <> k.section_no",
    "a task with no dated milestone is ongoing": "select count(*) from tasks anti join task_deadlines using (task_no) where not ongoing",
    "every milestone belongs to a task": "select count(*) from task_deadlines anti join tasks using (task_no)",
    "milestones fall within the plan": "select count(*) from task_deadlines where year(due_date) not between 2023 and 2030",
    "every target has an indicator": "select count(*) from targets anti join indicators using (indicator_code)",
    "every target has a task": "select count(*) from targets anti join tasks using (task_no)",
    "every target is typed": "select count(*) from targets where kind is null or comparator is null",
    "a target with a number has a value": "select count(*) from targets where kind <> 'trend' and target_value is null",
    "a ratio target keeps its parts": "select count(*) from targets where kind = 'ratio' and (ratio_parts is null or len(ratio_parts) < 2)",
    "target years within the plan": "select count(*) from targets where target_year not between 2023 and 2030",
    "every indicator's parts exist": "select count(*) from (select unnest(parts) as code from indicators) anti join indicators on indicator_code = code",
    "every rate's numerator and denominator exist": "select count(*) from indicators i where method = 'rate' and (numerator not in (select indicator_code from indicators) or denominator not in (select indicator_code from indicators))",
    "every indicator's reporter is a unit": "select count(*) from indicators i anti join units u on u.unit = i.reporter",
    "every body key task has a section": "select count(*) from body_key_tasks where section_no is null",
    "body units are canonical": "select count(*) from body_key_task_units anti join units using (unit)",
    "discrepancies point at tasks": "select count(*) from discrepancies anti join tasks using (task_no)",
}


@pytest.mark.parametrize("rule", RULES)
def test_rule_has_no_violations(plan_con, rule):
    assert plan_con.execute(RULES[rule]).fetchone()[0] == 0


def test_rules_can_fail(plan_db, tmp_path):
    """The rule queries find a violation when there is one."""
    import shutil

    import duckdb

    copy = tmp_path / "copy.duckdb"
    shutil.copy(plan_db, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute("delete from task_units where task_no = 5 and role = 'lead'")
        con.execute("insert into targets (target_id, indicator_code, task_no, kind, comparator, recurring, source, source_text) values ('X', 'NOPE', 5, 'level', '>=', false, 'body', 'x')")
        assert con.execute(RULES["every task has a lead unit"]).fetchone()[0] == 1
        assert con.execute(RULES["every target has an indicator"]).fetchone()[0] == 1
