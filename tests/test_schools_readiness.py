"""Readiness toward 2028 普及普惠 and 2030 优质均衡, judged with the plan's method (status.assess_progress)."""

from pathlib import Path

import duckdb
import pytest

from pipelines.status import assess_progress
from tests.books import filled, ingest_approved
from tests.school_books import COUNTY, SCHOOLS, counts, full, school_book


def q(db: Path, sql: str, params=()):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def status(db, criterion, as_of, demo=True):
    rows = q(db, "select status, value, threshold, acceptance_year from readiness where criterion_id = ? "
                 "and as_of_year = ? and include_demo = ?", [criterion, as_of, demo])
    assert len(rows) == 1, rows
    return rows[0]


@pytest.fixture
def years(wh, tmp_path):
    """The small county in 2022 and 2024: 社会认可度 80 → 83, 布局规划 否 twice, sports ground growing."""
    raw, db = wh
    for year, satisfaction, sports in ((2022, 80, 5800), (2024, 83, 6600)):
        # the 3—5 population of 毛入园率 is asked once, in 旗教育局's yearly workbook (issue 18)
        assert ingest_approved(filled(db, tmp_path / f"unit{year}.xlsx", year=year, values={"KG_AGE_POP": 400}),
                               raw, db).outcome == "loaded"
        rows = [counts("SL001", "新惠示例小学", "小学", **full(1000, 50, 12, 10, 5000, sports, 250, 25),
                       classes=22, max_class=46, music_rooms=2, art_rooms=2), *SCHOOLS[1:]]
        book = school_book(db, tmp_path / f"{year}.xlsx", year=year, schools=rows,
                           county={**COUNTY, "YZ_S01": satisfaction, "YZ_G06": "否"})
        assert ingest_approved(book, raw, db).outcome == "loaded"
    return db


def test_every_criterion_is_judged_as_of_every_year_with_and_without_demo(years):
    (n_criteria,), = q(years, "select count(distinct criterion_id) from readiness")
    assert n_criteria == 14 + 2 + 46  # 差异系数, the two rules, the county-wide criteria (38 before issue 19)
    assert q(years, "select count(*) from readiness") == [(n_criteria * 9 * 2,)]
    assert q(years, "select distinct scheme, acceptance_year from readiness order by 1") == [
        ("优质均衡", 2030), ("普及普惠", 2028)]


def test_readiness_follows_the_plans_method(years):
    assert status(years, "YZ_S01", 2024) == ("on_track", 83.0, 85.0, 2030)  # +1.5 a year, 0.625 needed
    assert status(years, "YZ_S01", 2022)[0] == "not_assessable"  # one year only
    assert status(years, "YZ_G06", 2024)[0] == "insufficient"  # 否, and 否 again: no progress toward 是
    assert status(years, "YZ_G07", 2024)[0] == "no_data"
    assert status(years, "PH_01", 2024)[:2] == ("met", 87.5)
    assert status(years, "YZ_PS_RULE", 2024)[:3] == ("met", 100.0, 100.0)
    # The 差异系数 of 生均体育运动场馆面积 in 小学, from the schools' values each year, through assess_progress.
    series = q(years, "select year, cv from criterion_dispersion where criterion_id = 'YZ_PS_5' order by year")
    expected = assess_progress(series, "<=", 0.5, 2030, as_of=2024)
    assert status(years, "YZ_PS_CV5", 2024)[:2] == (expected.status, series[-1][1])
    # An acceptance year that has passed without the criterion met: missed, whatever year the data are from.
    # (PH_10, 15.22 children per teacher against ≤15; PH_04 before issue 19, which now needs 是否乡镇中心园)
    assert status(years, "PH_10", 2028)[0] != "missed" and status(years, "PH_10", 2029)[0] == "missed"


def test_readiness_groups_add_up(years):
    groups = dict(q(years, "select status_group, count(*) from readiness where as_of_year = 2024 and include_demo "
                           "group by all"))
    assert set(groups) <= {"met", "on_track", "behind", "unknown"}
    assert sum(groups.values()) == 62


def test_the_demo_county_readiness(demo_base):
    _, db = demo_base
    cv = q(db, "select year, cv, cv_limit from criterion_dispersion where criterion_id = 'YZ_PS_5' order by year")
    assert [y for y, *_ in cv] == [2022, 2023, 2024, 2025]
    assert all(v > limit for _, v, limit in cv) and cv[-1][1] < cv[0][1]  # above its limit, improving
    assert status(db, "YZ_PS_CV5", 2025)[0] in ("on_track", "moderate")
    failing = q(db, "select count(*) from school_compliance where year = 2025 and rule_status = 'fail'")[0][0]
    assert 5 <= failing <= 25
    assert q(db, "select count(*) from school_compliance where year = 2025 and rule_status = 'fail' "
                 "and must_add_text is null") == [(0,)]
    shares = q(db, "select criterion_id, list(value order by year) from county_criteria "
                   "where criterion_id in ('PH_01', 'PH_02', 'PH_03') group by all order by 1")
    for _, values in shares:
        assert values == sorted(values)  # climbing year by year
    groups = {g for (g,) in q(db, "select distinct status_group from readiness where as_of_year = 2025 and include_demo")}
    assert groups == {"met", "on_track", "behind", "unknown"}
    assert q(db, "select bool_and(is_demo) from readiness where include_demo and status <> 'no_data'") == [(True,)]
    findings = q(db, "select indicator_code, year from plan_cross_checks where not agrees order by all")
    assert findings == [("JH_RETENTION", 2023), ("KG_INCLUSIVE_RATE", 2024)]


def test_a_rebuild_gives_the_same_judgments_to_the_last_bit(demo_base, tmp_path):
    from pipelines.build import build

    raw, db = demo_base
    again = tmp_path / "again.duckdb"
    build(raw, again)
    for table in ("readiness", "readiness_values", "school_indicator_rows", "criterion_dispersion", "county_criteria"):
        sql = "select * from query_table(?) order by all"
        assert q(again, sql, [table]) == q(db, sql, [table]), table


def test_a_load_restates_only_what_its_year_changes_and_agrees_with_a_full_refresh(years, tmp_path):
    import shutil

    from pipelines.schools.readiness import refresh_readiness
    from pipelines.warehouse import connect

    copy = tmp_path / "full.duckdb"
    shutil.copy(years, copy)
    with connect(copy) as con:
        refresh_readiness(con)  # every year, from scratch
    for table in ("readiness", "readiness_values", "school_indicator_rows"):
        sql = "select * from query_table(?) order by all"
        assert q(copy, sql, [table]) == q(years, sql, [table]), table
