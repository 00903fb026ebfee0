"""The judgments of the national criteria, from the typed counts: per school, per stage, county-wide."""

from pathlib import Path

import duckdb
import pytest

from pipelines.core import school_settings as s
from pipelines.operations.build import build
from tests.books import filled, ingest_approved
from tests.school_books import KINDERGARTENS, counts, full, school, school_book


def q(db: Path, sql: str, params=()):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def load(wh, tmp_path, name="schools.xlsx", **book):
    raw, db = wh
    result = ingest_approved(school_book(db, tmp_path / name, **book), raw, db)
    assert result.outcome == "loaded", [str(p) for p in result.problems]
    return raw, db


def test_the_dispersion_of_the_published_worked_example(wh, tmp_path):
    """The worked example (5 小学, 生均图书册数; https://360docs.net/doc/7e8843742.html): each school's
    P_i/P·(X_i − X̄)² is 0.003, 0.85, 5.13, 4.50, 0.17; their sum 10.65; its root 3.26; X̄ 6.33; CV 0.52.
    The same students and amounts, typed as 教学及辅助用房面积, give the same 差异系数."""
    students, amounts = [45, 37, 89, 76, 55], [279, 137, 935, 160, 402]
    register = [school(f"SL10{i}", f"示例小学{i}", "小学") for i in range(1, 6)]
    rows = [counts(f"SL10{i}", f"示例小学{i}", "小学", p, teaching_area=a)
            for i, (p, a) in enumerate(zip(students, amounts), start=1)]
    _, db = load(wh, tmp_path, register=register, schools=rows, kindergartens=[], county={})
    [(cv, county_value, std_dev, n, limit, met)] = q(
        db, "select cv, county_value, std_dev, n_schools, cv_limit, met from criterion_dispersion "
            "where criterion_id = 'YZ_PS_4' and year = 2025")
    assert round(county_value, 2) == 6.33 and round(std_dev ** 2, 2) == 10.65 and round(std_dev, 2) == 3.26
    assert round(cv, 2) == 0.52 and cv == pytest.approx(0.51526, abs=1e-5)
    assert (n, limit, met) == (5, 0.5, False)
    values = q(db, "select round(value, 2) from school_indicators where criterion_id = 'YZ_PS_4' order by school_id")
    assert [v for (v,) in values] == [6.2, 3.7, 10.51, 2.11, 7.31]


# Seven 小学 of 1,000 pupils around the thresholds (4.2, 1, 0.9 per 100; 4.5, 7.5 ㎡; 2000 元; 2.3 per 100):
# at exactly the thresholds the counts are 42, 10, 9, 4500 ㎡, 7500 ㎡, 200 万元, 23.
EXACT = (42, 10, 9, 4500, 7500, 200, 23)
CASES = {  # id: (counts, rule status, n met/near/below/no data, what must be added)
    "SL201": (EXACT, "pass", (7, 0, 0, 0), None),
    "SL202": ((42, 10, 9, 4500, 6750, 200, 23), "pass", (6, 1, 0, 0), None),  # sports ground at 90%
    "SL203": ((42, 10, 9, 4500, 6000, 200, 23), "fail", (6, 0, 1, 0), "需增加体育运动场馆375㎡"),  # 80%: to 85%
    "SL204": ((42, 9, 9, 4500, 7000, 200, 23), "fail", (5, 2, 0, 0), "需增加县级以上骨干教师1人"),  # the farther one met
    "SL205": ((42, 10, 9, 4500, 7500, 200, None), "no_data", (6, 0, 0, 1), None),
    # equipment at 75%, teachers at 95%: the closer one may stay unmet, the other must be met
    "SL206": ((40, 10, 9, 4500, 7500, 150, 23), "fail", (5, 1, 1, 0), "需增加教学仪器设备值50.0万元"),
}


@pytest.fixture
def rule_db(wh, tmp_path):
    register = [school(i, f"规则示例{i}", "小学") for i in CASES]
    register += [school("SL301", "小教学点", "教学点", "长胜镇", "乡村"), school("SL302", "大教学点", "教学点", "长胜镇", "乡村")]
    rows = [counts(i, f"规则示例{i}", "小学", **full(1000, *c)) for i, (c, *_) in CASES.items()]
    rows += [counts("SL301", "小教学点", "小学", **full(30, 1, 0, 0, 100, 300, 5, 1)),
             counts("SL302", "大教学点", "小学", **full(60, 3, 1, 1, 300, 600, 15, 2))]
    return load(wh, tmp_path, register=register, schools=rows, kindergartens=[], county={})[1]


def test_the_six_of_seven_rule_with_the_85_percent_floor(rule_db):
    got = {r[0]: r[1:] for r in q(rule_db, "select school_id, rule_status, n_met, n_near, n_below, n_no_data, "
                                           "must_add_text from school_compliance")}
    for school_id, (_, status, numbers, must_add) in CASES.items():
        assert got[school_id][0] == status, school_id
        assert got[school_id][1:5] == numbers, school_id
        assert got[school_id][5] == must_add, school_id


def test_a_teaching_point_under_50_pupils_is_left_out_of_the_rule_and_the_dispersion(rule_db):
    levels = dict(q(rule_db, "select school_id, any_value(level) from school_indicators "
                             "where school_id in ('SL301', 'SL302') and level = 'out_of_scope' group by school_id"))
    assert levels == {"SL301": "out_of_scope"}
    assert [r[0] for r in q(rule_db, "select school_id from school_compliance where school_id like 'SL30%'")] == ["SL302"]
    assert q(rule_db, "select n_schools from criterion_dispersion where criterion_id = 'YZ_PS_1'") == [(7,)]


def test_values_and_shortfalls_in_physical_units(rule_db):
    rows = {(r[0], r[1]): r[2:] for r in q(rule_db, "select school_id, criterion_id, value, threshold, met, "
                                                   "ratio_to_threshold, shortfall, shortfall_unit, level "
                                                   "from school_indicators where school_id in ('SL203', 'SL206')")}
    value, threshold, met, ratio, shortfall, unit, level = rows["SL203", "YZ_PS_5"]
    assert (value, threshold, met, ratio, shortfall, unit, level) == (6.0, 7.5, False, 0.8, 1500.0, "㎡", "below")
    assert rows["SL206", "YZ_PS_1"][4:] == (2.0, "人", "near")  # 4.2 × 1000/100 = 42 teachers, 40 typed
    assert rows["SL206", "YZ_PS_6"][0] == 1500.0 and rows["SL206", "YZ_PS_6"][4:6] == (50.0, "万元")


def test_shared_facilities_are_split_by_students_weighted_1_to_1_1(wh, tmp_path):
    raw, db = load(wh, tmp_path)
    values = dict(q(db, "select stage, value from school_indicators where school_id = 'SL003' and criterion_id in "
                        "('YZ_PS_4', 'YZ_JH_4')"))
    # 3000 ㎡ shared by 300 小学 pupils (weight 1) and 200 初中 pupils (weight 1.1): 300 : 220.
    assert values["小学"] == pytest.approx(3000 * 300 / 520 / 300)
    assert values["初中"] == pytest.approx(3000 * 220 / 520 / 200)
    # The rule is data: weights 1 : 1 in stage_split.csv, rebuilt, split 300 : 200.
    split = raw / "reference" / s.STAGE_SPLIT_FILE
    split.write_text(split.read_text(encoding="utf-8").replace("九年一贯制,初中,1.1,", "九年一贯制,初中,1,"), encoding="utf-8")
    rebuilt = tmp_path / "rebuilt.duckdb"
    build(raw, rebuilt)
    values = dict(q(rebuilt, "select stage, value from school_indicators where school_id = 'SL003' and criterion_id in "
                             "('YZ_PS_4', 'YZ_JH_4')"))
    assert values == {"小学": pytest.approx(6.0), "初中": pytest.approx(6.0)}


def test_a_threshold_corrected_in_the_csv_is_followed_after_a_rebuild(wh, tmp_path):
    raw, db = load(wh, tmp_path)
    assert q(db, "select met, level from school_indicators where school_id = 'SL001' and criterion_id = 'YZ_PS_5'") == [
        (False, "near")]
    criteria = raw / "reference" / s.CRITERIA_FILE
    text = criteria.read_text(encoding="utf-8")
    assert "sports_area_per_student,>=,7.5," in text
    criteria.write_text(text.replace("sports_area_per_student,>=,7.5,", "sports_area_per_student,>=,6.5,"), encoding="utf-8")
    rebuilt = tmp_path / "rebuilt.duckdb"
    build(raw, rebuilt)
    assert q(rebuilt, "select threshold, met, level from school_indicators where school_id = 'SL001' "
                      "and criterion_id = 'YZ_PS_5'") == [(6.5, True, "met")]
    assert q(rebuilt, "select rule_status, n_met from school_compliance where school_id = 'SL001'") == [("pass", 7)]


def test_county_wide_figures_are_derived_from_the_rows(wh, tmp_path):
    raw, db = wh  # the 3—5 population is asked once, in 旗教育局's yearly workbook (KG_AGE_POP, issue 18)
    assert ingest_approved(filled(db, tmp_path / "edu.xlsx", values={"KG_AGE_POP": 400}), raw, db).outcome == "loaded"
    # issue 19: PH_04 asks for a 公办中心园, PH_11 counts the 园长 too (the small county's kindergartens say both)
    said = {"YE001": ("是", 1, 1), "YE002": ("否", 1, 0), "YE003": ("否", 1, 1)}  # 中心园, 园长, 持证园长
    kgs = [{**k, "是否乡镇中心园": said[k[s.KG_ID]][0], "园长数": said[k[s.KG_ID]][1], "持证园长数": said[k[s.KG_ID]][2]}
           for k in KINDERGARTENS]
    _, db = load(wh, tmp_path, kindergartens=kgs)
    got = {code: round(value, 2) for code, value in q(db, "select criterion_id, value from county_criteria")}
    assert got == {
        "YZ_G01": 66.67,  # music and art rooms: SL003 has 13 classes and 1 room each (SL004 did not say)
        "YZ_G02": 1000, "YZ_G03": 500, "YZ_G04": 46, "YZ_G05": 50, "YZ_G06": 1,
        "YZ_Q01": 94.44,  # (190 + 65) / (200 + 70)
        "YZ_S01": 88,
        "PH_01": 87.5,  # 350 children / 400 aged 3—5
        "PH_02": 85.71, "PH_03": 57.14,
        "PH_04": 6.25,  # one 乡镇苏木 of 16 (镇, 乡, 苏木 of the current division) has a 公办中心园
        "PH_09": 85.71,  # 2 of 14 classes over the limit
        "PH_10": 15.22,  # 350 children / 23 teachers
        "PH_11": 92.31,  # (22 certified teachers + 2 certified heads) / (23 teachers + 3 heads)
    }
    met = dict(q(db, "select criterion_id, met from county_criteria"))
    assert met["YZ_G05"] and not met["YZ_G04"] and not met["PH_10"] and met["PH_01"]


def test_a_plan_rate_that_the_rows_also_give_is_cross_checked(wh, tmp_path):
    raw, db = load(wh, tmp_path)
    report = filled(db, tmp_path / "edu.xlsx", values={"KG_PUBLIC_RATE": 57.0, "JH_GRADUATES": 230, "JH_COHORT": 270})
    assert ingest_approved(report, raw, db).outcome == "loaded"
    checks = {r[0]: r[1:] for r in q(db, "select indicator_code, round(derived_value, 2), round(reported_value, 2), "
                                         "agrees from plan_cross_checks where year = 2025")}
    assert checks == {
        "KG_PUBLIC_RATE": (57.14, 57.0, True),  # within 0.5 points
        "JH_RETENTION": (94.44, 85.19, False),  # a finding: neither overrides the other
        "KG_INCLUSIVE_RATE": (85.71, None, None),  # nothing reported to compare
    }
    assert q(db, "select value from latest_observations where indicator_code = 'JH_RETENTION' and year = 2025") == [
        (pytest.approx(85.185, abs=1e-3),)]


def test_demo_rows_are_kept_apart(demo_base):
    _, db = demo_base
    assert q(db, "select bool_and(is_demo), count(*) > 0 from school_indicators") == [(True, True)]
    assert q(db, "select count(*) from stored_school_indicators(false)") == [(0,)]
    assert q(db, "select count(*) from readiness where not include_demo and status <> 'no_data'") == [(0,)]
