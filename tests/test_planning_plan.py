"""`python -m pipelines plan`, the warehouse's plan tables, and the demo's plan re-checked by the real rules."""

import duckdb
import openpyxl
import pandas as pd
import pytest

from pipelines.planning.inputs import read_inputs
from pipelines.planning.run import compute, judge_many, planned_additions, population_3_5, students_frame
from pipelines.planning.scenario import plan_additions, rows_for
from pipelines.schools.judge import judge_for
from tests import planning_cases
from tests.cli import run_cli
from tests.planning_cases import q

demo = planning_cases.demo  # the fixture: a private copy of the embedded default


def columns(db, table):
    return [c for (c,) in q(db, "select column_name from information_schema.columns where table_name = ? "
                                "order by ordinal_position", [table])]


def test_the_contract_tables_have_exactly_their_columns(demo):
    _, db = demo
    assert columns(db, "readiness_plan") == ["scheme", "school_id", "stage", "year", "resource", "amount", "unit", "cost"]
    assert columns(db, "enrolment_projection") == ["school_id", "stage", "year", "low", "mid", "high"]
    assert q(db, "select count(*) from enrolment_projection where not (low <= mid and mid <= high)") == [(0,)]
    assert q(db, "select min(year), max(year), count(distinct stage) from enrolment_projection") == [(2026, 2030, 3)]


def test_plan_prints_the_path_and_writes_it_to_excel(demo, tmp_path):
    raw, db = demo
    out = tmp_path / "规划.xlsx"
    result = run_cli("plan", "--scheme", "优质均衡", "--out", out, "--raw", raw, "--db", db, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "要在2030年通过义务教育优质均衡验收，还需：新增体育运动场馆" in result.stdout
    assert "按评估规则复核：通过" in result.stdout and "（示例数据）" in result.stdout
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["规划", "逐年达标", "达标年份", "交流轮岗", "在校生推算", "规划项目", "单价", "说明"]
    plan = pd.DataFrame(wb["规划"].values)
    assert len(plan) - 1 == q(db, "select count(*) from readiness_plan where scheme = '优质均衡'")[0][0] > 0
    assert "示例数据" in wb["规划"].oddHeader.right.text
    years = [row[0] for row in wb["逐年达标"].iter_rows(min_row=2, values_only=True)]
    assert years == ["2026年", "2027年", "2028年", "2029年", "2030年"]


def test_plan_for_an_earlier_year_and_bad_usage(demo, tmp_path):
    raw, db = demo
    result = run_cli("plan", "--scheme", "优质均衡", "--year", 2028, "--raw", raw, "--db", db, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "义务教育优质均衡（2028年）" in result.stdout
    assert q(db, "select distinct year from readiness_plan where scheme = '优质均衡'") == [(2028,)]
    bad = run_cli("plan", "--scheme", "均衡", "--db", db)
    assert bad.returncode == 2 and "无效的选择" in bad.stderr
    bad = run_cli("plan", "--scheme", "优质均衡", "--out", tmp_path / "x.csv", "--db", db)
    assert bad.returncode == 2 and "--out 应为 .xlsx 文件" in bad.stderr


def test_an_office_override_of_unit_costs_counts_and_a_bad_one_is_refused(demo):
    raw, db = demo
    (stored,), = q(db, "select total_cost from plan_runs where scheme = '优质均衡'")
    area, = q(db, "select sum(amount) from readiness_plan where scheme = '优质均衡' and resource = '体育运动场馆'")[0]
    (raw / "unit_costs_office.csv").write_text(
        "资源,单价,计价单位,计入年数,单校上限,来源,说明\n体育运动场馆,0.08,万元/㎡,1,,旗住建局2026年核定,\n", encoding="utf-8")
    result = run_cli("plan", "--scheme", "优质均衡", "--raw", raw, "--db", db, timeout=300)
    assert result.returncode == 0, result.stderr
    (cost,), = q(db, "select total_cost from plan_runs where scheme = '优质均衡'")
    assert cost == pytest.approx(stored + area * 0.04, rel=1e-3)  # the same ground at twice the price
    assert q(db, "select source, overridden from plan_unit_costs where resource = 'sports_area'") == [("旗住建局2026年核定", True)]
    (raw / "unit_costs_office.csv").write_text("资源,单价,计价单位,计入年数,单校上限,来源,说明\n体育运动场馆,贵,万元/㎡,1,,,\n",
                                               encoding="utf-8")
    result = run_cli("plan", "--scheme", "优质均衡", "--raw", raw, "--db", db, timeout=300)
    assert result.returncode == 1
    assert "unit_costs_office.csv" in result.stderr and "第2行" in result.stderr and "“贵”不是数字" in result.stderr
    assert "须写明单价的来源" in result.stderr and "Traceback" not in result.stderr


def test_a_cap_that_no_plan_fits_is_said_in_chinese(demo):
    raw, db = demo
    (raw / "unit_costs_office.csv").write_text(
        "资源,单价,计价单位,计入年数,单校上限,来源,说明\n体育运动场馆,0.04,万元/㎡,1,200,旗自然资源局：城区学校用地不能再扩,\n",
        encoding="utf-8")
    result = run_cli("plan", "--scheme", "优质均衡", "--raw", raw, "--db", db, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "在现有条件下找不到可行的方案" in result.stdout
    assert "差异系数不能降到0.5以内" in result.stdout or "即使" in result.stdout
    assert q(db, "select status from plan_runs where scheme = '优质均衡'") == [("infeasible",)]
    assert q(db, "select count(*) from readiness_plan where scheme = '优质均衡'") == [(0,)]


def test_the_demo_plan_passes_the_rules_and_each_addition_is_needed(demo):
    """The rules re-run on 2030 (projected) with the planned changes and the plan: every school passes and every
    差异系数 is within its limit; without any one of the plan's additions, they do not."""
    _, db = demo
    with duckdb.connect(str(db), read_only=True) as con:
        inputs = read_inputs(con)
    run = compute(inputs, ["优质均衡"])
    result = run.results["优质均衡"]
    assert result.status == "planned" and result.recheck == "通过"
    additions = result.outcome.additions
    assert len(additions) >= 3
    students = students_frame(run.projection)
    pop = population_3_5(inputs, [2030])
    changes = planned_additions(inputs)

    def with_(adds: pd.DataFrame):
        return rows_for(inputs.base, [2030], students, pd.concat([changes, plan_additions(adds, 2030)]), pop)

    named = {"all": with_(additions)}
    named.update({f"without {i}": with_(additions.drop(index=i)) for i in additions.index})
    judged = judge_many(judge_for(inputs.reference), named, ("indicators", "compliance", "dispersion"))

    def passes(j) -> bool:
        return bool((j.compliance["rule_status"] != "fail").all() and j.dispersion["met"].all())

    assert passes(judged["all"])
    still = [i for i in additions.index if passes(judged[f"without {i}"])]
    assert still == [], additions.loc[still]


def test_the_excel_report_has_a_plan_sheet_unless_the_year_is_before_the_data(demo, tmp_path):
    _, db = demo
    out = tmp_path / "报表.xlsx"
    assert run_cli("report", "--out", out, "--db", db, timeout=300).returncode == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[-4:] == ["规划", "规划逐年", "规划达标年份", "说明"]
    rows = list(wb["规划"].iter_rows(values_only=True))
    (cost,), = q(db, "select total_cost from plan_runs where scheme = '优质均衡'")
    conclusion = next(r for r in rows if r[0] == "义务教育优质均衡" and r[1] == "合计")
    assert conclusion[4].startswith("要在2030年通过义务教育优质均衡验收，还需：") and conclusion[7] == pytest.approx(cost)
    earlier = tmp_path / "报表_2024.xlsx"  # as of 2024 nothing later is read: the plan starts from 2025's data
    assert run_cli("report", "--out", earlier, "--db", db, "--as-of", 2024, timeout=300).returncode == 0
    assert "规划" not in openpyxl.load_workbook(earlier).sheetnames
