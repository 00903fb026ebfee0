"""Projected enrolments checked against cohort tables worked by hand."""

import pandas as pd
import pytest

from pipelines.planning.projection import Population, project, successors

GRADES = [f"grade_{i}" for i in range(1, 10)]


def history(rows: list[tuple]) -> pd.DataFrame:
    """(school, stage, year, students, grades or None) → the history frame the projection reads."""
    out = []
    for school_id, stage, year, students, grades in rows:
        row = {"school_id": school_id, "stage": stage, "year": year, "students": float(students)}
        first = {"小学": 1, "初中": 7, "幼儿园": 0}[stage]
        row.update({g: None for g in GRADES})
        for i, n in enumerate(grades or []):
            row[f"grade_{first + i}"] = float(n)
        out.append(row)
    return pd.DataFrame(out)


def register(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame([{"school_id": s, "year": y, "merged_from": m} for s, y, m in rows])


def value(projection, school_id, stage, year, variant="mid"):
    frame = projection.frame
    return frame[(frame["school_id"] == school_id) & (frame["stage"] == stage) & (frame["year"] == year)][variant].iloc[0]


def test_project_moves_each_grade_up_and_enters_from_births():
    # One 小学 with its grades in 2024 and 2025; births six years before each year's first grade.
    h = history([("P", "小学", 2024, 576, [100, 98, 97, 95, 94, 92]),
                 ("P", "小学", 2025, 567, [90, 99, 96, 95, 94, 93])])
    births = Population(births={2018: 100, 2019: 100, 2020: 80, 2021: 70}, sources={"births": "旗卫健委"})
    p = project(h, register([("P", 2024, None), ("P", 2025, None)]), births, 2025, 2027)
    # By hand: progression 2024→2025 (one transition: low = mid = high) 99/100, 96/98, 95/97, 94/95, 93/94;
    # entry ratio 100/100 = 1.0 (2024) and 90/100 = 0.9 (2025): mid 0.95, low 0.9, high 1.0.
    r = [99 / 100, 96 / 98, 95 / 97, 94 / 95, 93 / 94]
    g2026 = [0.95 * 80, 90 * r[0], 99 * r[1], 96 * r[2], 95 * r[3], 94 * r[4]]
    g2027 = [0.95 * 70, g2026[0] * r[0], g2026[1] * r[1], g2026[2] * r[2], g2026[3] * r[3], g2026[4] * r[4]]
    assert value(p, "P", "小学", 2026) == round(sum(g2026))  # 543
    assert value(p, "P", "小学", 2027) == round(sum(g2027))
    assert value(p, "P", "小学", 2026, "low") == round(sum(g2026) - 0.05 * 80)
    assert value(p, "P", "小学", 2026, "high") == round(sum(g2026) + 0.05 * 80)
    assert value(p, "P", "小学", 2027, "low") == round(sum(g2027) - 0.05 * 70 - 0.05 * 80 * r[0])
    assert p.county["drivers"]["小学"] == "births"


def test_project_takes_juniors_from_the_county_sixth_grade():
    # 小学 P (grades) feeds the county's sixth grade; junior J (grades) takes it with the observed transfer ratio.
    h = history([("P", "小学", 2024, 600, [100] * 6), ("P", "小学", 2025, 600, [100] * 6),
                 ("J", "初中", 2024, 285, [90, 98, 97]), ("J", "初中", 2025, 280, [95, 88, 97])])
    pop = Population(births={2018: 100, 2019: 100, 2020: 100})
    p = project(h, register([("P", 2025, None), ("J", 2025, None)]), pop, 2025, 2026)
    # 小升初: J's 2025 first grade 95 over P's 2024 sixth grade 100 = 0.95; J is the only junior (share 1).
    # J's progression 2024→2025: 88/90 and 97/98.
    assert value(p, "J", "初中", 2026) == round(0.95 * 100 + 95 * 88 / 90 + 88 * 97 / 98)
    assert p.county["transfer"] == {"low": 0.95, "mid": 0.95, "high": 0.95}


def test_project_splits_stage_totals_and_follows_the_births():
    # Totals only: grades even (600 / 6). With births steady the progression implied is (S₂₀₂₅ − 100) / 500.
    h = history([("T", "小学", 2024, 600, None), ("T", "小学", 2025, 575, None)])
    pop = Population(births={2018: 100, 2019: 100, 2020: 50})
    p = project(h, register([("T", 2025, None)]), pop, 2025, 2026)
    ratio = (575 - 100) / 500
    entry = ((600 / 6) / 100 + (575 / 6) / 100) / 2
    assert value(p, "T", "小学", 2026) == round(entry * 50 + (575 / 6) * 5 * ratio)
    assert not p.methods.set_index("school_id").at["T", "graded"]


def test_project_follows_a_merged_school_into_its_successor():
    # V merged into C in 2025: C's 2024 history is C's and V's together, so C's jump is not read as growth.
    h = history([("C", "小学", 2024, 300, None), ("V", "小学", 2024, 60, None), ("C", "小学", 2025, 360, None)])
    reg = register([("C", 2024, None), ("V", 2024, None), ("C", 2025, ["V"])])
    assert successors(reg) == {"V": "C"}
    p = project(h, reg, Population(), 2025, 2026)
    # steady 360 without a driver: the entering grade held, the progression (360 − 60) / 300 = 1
    assert value(p, "C", "小学", 2026) == 360
    assert set(p.frame["school_id"]) == {"C"}  # the merged school is not projected on its own


def test_project_uses_the_age_population_where_births_are_not_given():
    h = history([("K", "幼儿园", 2024, 300, None), ("K", "幼儿园", 2025, 300, None)])
    pop = Population(age3={2024: 100, 2025: 100, 2026: 80}, sources={"age3": "旗公安局户籍"})
    p = project(h, register([("K", 2025, None)]), pop, 2025, 2026)
    assert p.county["drivers"]["幼儿园"] == "age3"
    assert value(p, "K", "幼儿园", 2026) == round(80 * 1.0 + 100 * 2)


@pytest.mark.parametrize("stage", ["小学", "幼儿园"])
def test_project_holds_the_entering_grade_without_a_driver(stage):
    h = history([("X", stage, 2024, 300 if stage == "幼儿园" else 600, None),
                 ("X", stage, 2025, 300 if stage == "幼儿园" else 600, None)])
    p = project(h, register([("X", 2025, None)]), Population(), 2025, 2030)
    assert p.frame["mid"].tolist() == [300 if stage == "幼儿园" else 600] * 5
    assert p.county["drivers"][stage] is None
