"""验收准备's 达标路径 section through Streamlit's AppTest, and the what-if it runs."""

import duckdb
import pytest

from pipelines.describe import number
from pipelines.planning.inputs import read_inputs
from pipelines.planning.whatif import WhatIf
from tests import planning_cases
from tests.planning_cases import q
from tests.test_app import navigation_only  # noqa: F401  (the fixture keeps app.py's navigation)
from tests.test_readiness_page import open_app

demo = planning_cases.demo  # the fixture: a private copy of the embedded default


def open_page(db, monkeypatch, query=None):
    at = open_app(db, monkeypatch, query=query)
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_path_section_says_what_to_add_where_and_what_it_costs(demo, monkeypatch):
    _, db = demo
    at = open_page(db, monkeypatch)
    assert "达标路径" in [s.value for s in at.subheader]
    (message, cost, moves), = q(db, "select message, total_cost, n_moves from plan_runs where scheme = '优质均衡'")
    assert message in [w.value for w in at.warning]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["补充方案费用"] == f"{number(cost)}万元" and metrics["按评估规则复核"] == "通过"
    assert metrics["交流轮岗"] == f"{moves}人"
    steps = next(d.value for d in at.dataframe if "到位的已定规划项目" in d.value.columns)
    assert steps["年度"].tolist() == ["2026年", "2027年", "2028年", "2029年", "2030年"]
    assert "长胜初级中学教学及辅助用房2,600㎡" in steps.iloc[0]["到位的已定规划项目"]
    plan = next(d.value for d in at.dataframe if "最迟到位" in d.value.columns)
    assert len(plan) == q(db, "select count(*) from readiness_plan where scheme = '优质均衡'")[0][0]
    assert any("重新计算用时" in c.value for c in at.caption)  # the what-if ran with the data as they are
    assert any(m.label == "补充后达标" for m in at.metric)


def test_the_path_section_follows_the_scheme_chosen(demo, monkeypatch):
    _, db = demo
    at = open_page(db, monkeypatch, {"scheme": "普及普惠"})
    (message,), = q(db, "select message from plan_runs where scheme = '普及普惠'")
    assert message in [s.value for s in at.success] + [w.value for w in at.warning]
    assert "园舍达标幼儿园" in next(d.value for d in at.dataframe if "到位的已定规划项目" in d.value.columns).columns


def test_the_what_if_moves_the_cost_the_schools_and_the_spread(demo):
    _, db = demo
    with duckdb.connect(str(db), read_only=True) as con:
        inputs = read_inputs(con)
        (stored,), = con.execute("select total_cost from plan_runs where scheme = '优质均衡'").fetchall()
    what = WhatIf(inputs, "优质均衡")
    changes = what.changes()
    same = what.run(changes, inputs.costs)
    assert same.cost == pytest.approx(stored, rel=1e-6)  # the page's what-if starts where the stored plan is
    dearer = inputs.costs.copy()
    dearer.loc[dearer["resource"] == "sports_area", "unit_cost"] *= 2
    assert what.run(changes, dearer).cost == pytest.approx(2 * stored, rel=1e-3)  # all of it is sports ground
    without = changes[~((changes["school_id"] == "SL001") & (changes["resource"] == "sports_area"))]
    less = what.run(without, inputs.costs)
    spread = less.dispersion_before.set_index(["stage", "indicator"])["cv"]
    before = same.dispersion_before.set_index(["stage", "indicator"])["cv"]
    key = ("小学", "生均体育运动场馆面积")
    assert spread[key] > before[key]  # without the ground planned at 新惠第一小学 the spread is wider
    assert less.cost > same.cost  # and the plan adds more
    assert (less.schools["status"] == "pass").all() and less.dispersion["met"].all()
