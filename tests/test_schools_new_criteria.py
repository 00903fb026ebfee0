"""Issue 19's criteria, each judged by hand on a tiny county: met, not met, no data.

普及普惠: PH_04 (a 公办中心园 in every 乡镇苏木), PH_11 (园长 and 专任教师 certified), item 6's 园舍条件 (PH_14 for the
kindergartens designed from 2017, PH_15 for earlier ones). 优质均衡: YZ_G01A/B (each music room ≥ 96㎡, art room
≥ 90㎡), 教育质量's yes/no items YZ_Q07–YZ_Q10, and YZ_Q04 (校际差异率低于0.15: 0.15 itself is not met).
"""

from pathlib import Path

import duckdb
import pytest

from pipelines.core import config
from pipelines.core import school_settings as s
from pipelines.schools.reference import read_townships
from tests.books import ingest_approved
from tests.school_books import KINDERGARTENS, REGISTER, SCHOOLS, column_of, kindergarten, school_book

RURAL = [t for t, needed in read_townships(config.RAW_DIR / config.REFERENCE_DIR)[["township", "centre_required"]]
         .itertuples(index=False) if needed]  # the 16 乡镇苏木 of the current division


def q(db: Path, sql: str, params=()):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def load(wh, tmp_path, year, **book):
    raw, db = wh
    result = ingest_approved(school_book(db, tmp_path / f"{year}.xlsx", year=year, **book), raw, db)
    assert result.outcome == "loaded", [str(p) for p in result.errors]
    return result


def county(db, criterion) -> dict[int, tuple[float, bool]]:
    """year -> (value, met) of a county-wide criterion."""
    return {y: (round(v, 2), m) for y, v, m in q(db, "select year, value, met from county_criteria "
                                                    "where criterion_id = ? order by year", [criterion])}


def centres(townships, **said):
    return [kindergarten(f"YE{i:03d}", f"{t}中心幼儿园", "公办", 120, township=t, area="镇区", **said)
            for i, t in enumerate(townships, start=101)]


def test_ph_04_asks_every_乡镇苏木_for_a_公办中心园(wh, tmp_path):
    assert len(RURAL) == 16 and "黄羊洼镇" in RURAL and "新州街道" not in RURAL
    # 2023: an earlier template's rows, which never say 是否乡镇中心园: no data
    load(wh, tmp_path, 2023, kindergartens=centres(RURAL))
    # 2024: every 乡镇苏木 has its 公办中心园
    load(wh, tmp_path, 2024, kindergartens=centres(RURAL, is_centre="是"))
    # 2025: 黄羊洼镇's public kindergarten is not its 中心园 and its private one says it is (not counted, a warning);
    # a 公办中心园 in 新州街道 counts for nothing (the 街道 are not 乡镇苏木)
    others = [t for t in RURAL if t != "黄羊洼镇"]
    kgs = [*centres(others, is_centre="是"),
           kindergarten("YE201", "黄羊洼幼儿园", "公办", 90, township="黄羊洼镇", area="镇区", is_centre="否"),
           kindergarten("YE202", "黄羊洼育才幼儿园", "普惠性民办", 60, township="黄羊洼镇", area="镇区", is_centre="是"),
           kindergarten("YE203", "新州幼儿园", "公办", 200, township="新州街道", area="城区", is_centre="是")]
    result = load(wh, tmp_path, 2025, kindergartens=kgs)
    [warning] = [w for w in result.warnings if "黄羊洼育才幼儿园" in w.reason]
    assert warning.sheet == s.SHEET_KINDERGARTENS and warning.letter == "M" and "不计入" in warning.reason
    assert county(wh[1], "PH_04") == {2024: (100.0, True), 2025: (93.75, False)}  # 15 of 16


def test_ph_11_counts_the_园长_with_the_专任教师(wh, tmp_path):
    def two(head_certified=1, heads=1):
        return [kindergarten("YE001", "甲幼儿园", "公办", 150, teachers=10, certified=10, heads=heads,
                             certified_heads=1 if heads is not None else None),
                kindergarten("YE002", "乙幼儿园", "公办", 80, teachers=5, certified=5, heads=heads,
                             certified_heads=head_certified if heads is not None else None)]
    load(wh, tmp_path, 2023, kindergartens=two(heads=None))  # teachers only: not what the criterion counts
    load(wh, tmp_path, 2024, kindergartens=two())
    load(wh, tmp_path, 2025, kindergartens=two(head_certified=0))
    assert county(wh[1], "PH_11") == {2024: (100.0, True), 2025: (94.12, False)}  # (15 + 1) / (15 + 2)


def premises(code, year, outdoor, activity, building, children=100):
    return kindergarten(code, f"园舍示例{code}", "公办", children, design_year=year, outdoor_area=outdoor,
                        activity_area=activity, building_area=building)


def test_item_6_the_premises_of_the_kindergartens_designed_from_2017_and_before(wh, tmp_path):
    """All three per-child areas (室外游戏场地 ≥4, 幼儿活动用房 ≥8.17, 园舍建筑面积 ≥10.44 ㎡) met make a kindergarten
    meet them; 100% of those designed in 2017 or later must, 50% of the earlier ones."""
    load(wh, tmp_path, 2023)  # no premises typed: no data
    load(wh, tmp_path, 2024, kindergartens=[premises("YE001", 2019, 400, 817, 1044),  # exactly the thresholds
                                            premises("YE003", 2010, 300, None, None)])  # 3 ㎡ outdoors: fails
    load(wh, tmp_path, 2025, kindergartens=[
        premises("YE001", 2019, 400, 817, 1044),
        premises("YE002", 2017, 400, 817, 1000),  # 2017 is “from 2017”; 10.0 ㎡ of building per child: fails
        premises("YE003", 2010, 300, None, None),
        premises("YE004", 2005, 500, 900, 1100),
        premises("YE005", 2012, 500, None, 1200),  # what is missing could decide it: left out
        premises("YE006", None, 500, 900, 1100),  # no year: neither group
    ])
    assert county(wh[1], "PH_14") == {2024: (100.0, True), 2025: (50.0, False)}
    assert county(wh[1], "PH_15") == {2024: (0.0, False), 2025: (50.0, True)}
    got = dict(q(wh[1], "select school_id, design_group || ':' || premises_status from kindergarten_premises "
                        "where year = 2025"))
    assert got == {"YE001": "new:pass", "YE002": "new:fail", "YE003": "old:fail", "YE004": "old:pass",
                   "YE005": "old:no_data", "YE006": None}


def test_yz_g01_each_music_and_art_room_against_its_area(wh, tmp_path):
    load(wh, tmp_path, 2024)  # no room areas typed: no data
    rows = [dict(r) for r in SCHOOLS]
    rows[0].update({"最小一间音乐专用教室面积(平方米)": 100, "最小一间美术专用教室面积(平方米)": 95})  # SL001, 2 rooms each
    rows[1].update({"最小一间音乐专用教室面积(平方米)": 96, "最小一间美术专用教室面积(平方米)": 88})  # SL002, 1 room each
    load(wh, tmp_path, 2025, schools=rows)
    assert county(wh[1], "YZ_G01A") == {2025: (96.0, True)}  # the smallest music room: exactly 96
    assert county(wh[1], "YZ_G01B") == {2025: (88.0, False)}  # an art room of 88 ㎡


def test_the_教育质量_items_are_asked_as_是_or_否(wh, tmp_path):
    load(wh, tmp_path, 2025, county={"YZ_Q07": "是", "YZ_Q08": "否", "YZ_Q10": "是"})
    got = {c: county(wh[1], c) for c in ("YZ_Q07", "YZ_Q08", "YZ_Q09", "YZ_Q10")}
    assert got == {"YZ_Q07": {2025: (1.0, True)}, "YZ_Q08": {2025: (0.0, False)}, "YZ_Q09": {},
                   "YZ_Q10": {2025: (1.0, True)}}
    assert q(wh[1], "select status_group from readiness where criterion_id = 'YZ_Q09' and as_of_year = 2025 "
                    "and include_demo") == [("unknown",)]


def test_yz_q04_below_0_15_is_strict(wh, tmp_path):
    load(wh, tmp_path, 2024, county={"YZ_Q04": 0.15})
    assert county(wh[1], "YZ_Q04") == {2024: (0.15, False)}
    status = q(wh[1], "select status from readiness where criterion_id = 'YZ_Q04' and as_of_year = 2024 and include_demo")
    assert status != [("met",)]
    load(wh, tmp_path, 2025, county={"YZ_Q04": 0.149})
    assert county(wh[1], "YZ_Q04")[2025] == (0.15, True)  # 0.149, shown rounded
    assert q(wh[1], "select status, comparator, threshold from readiness where criterion_id = 'YZ_Q04' "
                    "and as_of_year = 2025 and include_demo") == [("met", "<", 0.15)]


def test_readiness_counts_the_new_criteria_per_scheme(wh, tmp_path):
    load(wh, tmp_path, 2025)
    assert dict(q(wh[1], "select scheme, count(distinct criterion_id) from readiness group by scheme")) == {
        "优质均衡": 47, "普及普惠": 15}  # 41 and 13 before issue 19


def test_a_workbook_of_the_earlier_template_still_loads_and_leaves_the_new_criteria_unjudged(wh, tmp_path):
    def earlier(wb):  # the columns issue 19 added taken out, as a workbook downloaded before them
        for sheet, headers in ((s.SHEET_SCHOOLS, s.ADDED_SCHOOL_COLUMNS), (s.SHEET_KINDERGARTENS, s.ADDED_KG_COLUMNS)):
            ws = wb[sheet]
            first = column_of(ws, headers[0])
            ws.delete_cols(first, len(headers))
            assert column_of(ws, s.NOTE) == first
    result = load(wh, tmp_path, 2025, edit=earlier)
    assert "幼儿园 3 所" in result.message
    judged = {c for (c,) in q(wh[1], "select criterion_id from county_criteria")}
    assert not judged & {"PH_04", "PH_11", "PH_14", "PH_15", "YZ_G01A", "YZ_G01B"}
    assert {"PH_09", "PH_10", "YZ_G01"} <= judged


@pytest.mark.parametrize("header", s.ADDED_KG_COLUMNS)
def test_each_new_kindergarten_column_left_blank_says_which_criteria_it_leaves_unjudged(wh, tmp_path, header):
    result = load(wh, tmp_path, 2025, register=REGISTER, kindergartens=KINDERGARTENS)
    [said] = [w for w in result.warnings if w.kind == "completeness" and w.column == header]
    assert said.sheet == s.SHEET_KINDERGARTENS and "3 行未填 → " in said.reason and "无法评估" in said.reason
