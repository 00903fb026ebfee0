"""Every status rule through the public path: template → filled workbook → ingest → target_assessments.

One row per rule of docs/design.md's "Status of a target", with the status and label a statistician
checking by hand would reach (the arithmetic is in the comment of each row).
"""

import duckdb
import pytest

from tests.books import filled, ingest_approved

EDU, FIN, HR = "旗教育局", "旗财政局", "旗人社局"

CASES = [
    # (rule, target, [(unit, year, {code: typed value})], as of, status, label, words in the detail)
    ("met at baseline, then falls back", "T03-5", [(EDU, 2022, {"HS_GER": "96%"}), (EDU, 2024, {"HS_GER": 94})],
     2024, "moving_away", "偏离目标", "比值-3.00"),  # −1/yr against +|95−96|/3 = +0.33/yr
    ("a rank falls back", "T03-7", [(EDU, 2022, {"EXAM_600_RANK": 4}), (EDU, 2024, {"EXAM_600_RANK": 7})],
     2024, "moving_away", "偏离目标", "比值-4.50"),  # +1.5/yr against −|5−4|/3 = −0.33/yr
    ("lower is better, required change zero", "T83-1", [(FIN, 2022, {"FI_HS_DEBT": 0}), (FIN, 2024, {"FI_HS_DEBT": 500})],
     2024, "moving_away", "偏离目标", "恰好达到目标"),
    ("on track by the required pace", "T10-5",
     [(EDU, 2022, {"KG_PUBLIC_RATE": 59}), (EDU, 2024, {"KG_PUBLIC_RATE": 63})],
     2024, "on_track", "按期可达", "比值1.00"),  # +2/yr against (65−59)/3 = +2/yr
    ("a target past its year, judged with older data", "T10-5",
     [(EDU, 2022, {"KG_PUBLIC_RATE": 59}), (EDU, 2024, {"KG_PUBLIC_RATE": 63})],
     2026, "missed", "逾期未达成", "最新数据为2024年"),
    ("a late success", "T10-5",
     [(EDU, 2022, {"KG_PUBLIC_RATE": 59}), (EDU, 2025, {"KG_PUBLIC_RATE": 63}), (EDU, 2026, {"KG_PUBLIC_RATE": 66})],
     2026, "met_late", "逾期达成", "2026年达到"),
    ("a count to create met late", "T15-1", [(EDU, 2023, {"VE_LAND": 30}), (EDU, 2024, {"VE_LAND": "33亩"})],
     2024, "met_late", "逾期达成", "2024年达到"),  # 30 + 33 = 63 by 2024, due 2023
    ("an acceptance still 否 after its year", "T15-2", [(EDU, 2022, {"VE_CONDITIONS_MET": "否"})],
     2024, "missed", "逾期未达成", "验收年份2023年已到"),
    ("an acceptance unreported after its year", "T10-7", [(EDU, 2025, {"KG_ENROLLED": 10000})],
     2029, "missed", "逾期未达成", "未报告验收结果"),
    ("an acceptance before its year", "T06-9", [(EDU, 2025, {"CM_BALANCE_ACCEPT": "否"})],
     2026, "not_due", "未到期", "尚未到期"),
    ("an acceptance passed after its year", "T16-1",
     [(EDU, 2025, {"VE_QUALITY_ACCEPT": "否"}), (EDU, 2026, {"VE_QUALITY_ACCEPT": "是"})],
     2026, "met_late", "逾期达成", "2026年通过"),
    ("a yearly count without the as-of year", "T98-1",
     [(EDU, 2023, {"SA_CITY_SAFE": 22}), (EDU, 2024, {"SA_CITY_SAFE": 25})],
     2025, "year_no_data", "当年暂无数据", "2025年没有可用数值"),
    ("a yearly count in its year", "T98-1", [(EDU, 2023, {"SA_CITY_SAFE": 22}), (EDU, 2024, {"SA_CITY_SAFE": 18})],
     2024, "year_missed", "当年未达标", "1/2个已报年度达标"),
    ("逐年增加 broken before its year", "T03-6",
     [(EDU, 2022, {"EXAM_DOUBLE_FIRST": 86}), (EDU, 2023, {"EXAM_DOUBLE_FIRST": 92}), (EDU, 2024, {"EXAM_DOUBLE_FIRST": 89})],
     2024, "unreachable", "未达成，已无法达成", "2024年未比上年增加"),
    ("只增不减 against the year before", "T82-1",
     [(FIN, 2023, {"FI_EDU_EXPENDITURE": 103200}), (FIN, 2024, {"FI_EDU_EXPENDITURE": 101900})],
     2024, "year_missed", "当年未达标", "上年103,200"),
    ("a standing structure in a year", "T36-1",
     [(HR, 2023, {"TS_SENIOR": 1000, "TS_MID": 4000, "TS_JUNIOR": 5000}),
      (HR, 2025, {"TS_SENIOR": 2000, "TS_MID": 4200, "TS_JUNIOR": 3800})],
     2025, "year_met", "当年达标", "最大偏差"),
    ("a standing structure is never overdue", "T36-1",
     [(HR, 2023, {"TS_SENIOR": 1000, "TS_MID": 4000, "TS_JUNIOR": 5000})],
     2023, "year_missed", "当年未达标", "容差0.2"),  # |1.0 − 2.0| = 1.0 > 0.2
    ("a standing comparison with another series", "T84-1",
     [(FIN, 2024, {"FI_TEACHER_PAY": 99600, "FI_CIVIL_PAY": 100000})],
     2024, "year_missed", "当年未达标", "2024年未达标"),  # 99.6% < 100%
    ("each round, not each year", "T52-1", [(EDU, 2023, {"AW_PRINCIPAL": 10}), (EDU, 2025, {"AW_PRINCIPAL": 9})],
     2026, "round_missed", "最近一次评选未达标", "最近一次评选在2025年"),
]


@pytest.mark.parametrize(("rule", "target", "books", "as_of", "status", "label", "detail"), CASES,
                         ids=[c[0] for c in CASES])
def test_status_rule_through_the_public_path(wh, tmp_path, rule, target, books, as_of, status, label, detail):
    raw, db = wh
    for i, (unit, year, values) in enumerate(books):
        path = filled(db, tmp_path / f"{i}.xlsx", unit=unit, year=year, values=values)
        result = ingest_approved(path, raw, db)
        assert result.outcome == "loaded", [str(p) for p in result.problems]
    with duckdb.connect(str(db), read_only=True) as con:
        got = con.execute(
            "select status, status_label, detail from target_assessments where target_id = ? and as_of_year = ? "
            "and include_demo", [target, as_of]).fetchone()
    assert got[:2] == (status, label), got
    assert detail in got[2], got[2]
