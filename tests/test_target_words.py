"""Issue 19, item 5: a target's words say what its rule judges, the same on every page, sheet and slide."""

import pytest

from pipelines.cli.status_report import status_text
from pipelines.core.describe import describe_goal, describe_year
from reports import briefing_data, excel_report, gap_chart

NOT_BELOW = "不低于上年（只增不减）"


@pytest.fixture
def rows(plan_con):
    b = briefing_data.gather(plan_con, 2025, include_demo=False)
    return b, b.statuses.set_index("target_id", drop=False)


def test_only_increase_reads_not_below_last_year(rows):
    _, s = rows
    for target_id in ("T82-1", "T82-2"):
        assert describe_goal(s.loc[target_id]) == NOT_BELOW
    assert describe_goal(s.loc["T03-6"]) == "逐年增加"  # 逐年增加 stays what it is
    assert describe_goal(s.loc["T19-2"]) == "大幅提升"


def test_each_round_reads_per_round(rows):
    _, s = rows
    assert [describe_goal(s.loc[f"T52-{n}"]) for n in (1, 2, 3, 4, 5)] == [
        "每次评选＝10名", "每次评选＝10名", "每次评选＝10名", "每次评选＝20名", "每次评选＝50名"]
    assert describe_year(s.loc["T52-1"]) == "自2023年起每次评选"
    assert describe_goal(s.loc["T98-1"]) == "每年≥20所"  # a yearly count is still 每年
    assert describe_goal(s.loc["T18-1"]) == "年均≥7,000人次"


def test_every_view_uses_the_same_words(plan_con, rows):
    b, s = rows
    text, _ = status_text(plan_con, 2025)  # the command line
    lines = {line.split()[0]: line for line in text.splitlines() if line.startswith(("T82-1", "T52-1"))}
    assert NOT_BELOW in lines["T82-1"] and "逐年增加" not in lines["T82-1"]
    assert "每次评选＝10名" in lines["T52-1"] and "每年＝" not in lines["T52-1"]
    for sheet in (*excel_report.status_sheets(b), *excel_report.detail_sheets(b)):  # the Excel report
        goals = dict(zip(sheet.frame["目标编号"], sheet.frame["目标"]))
        assert goals["T82-1"] == NOT_BELOW and goals["T52-1"] == "每次评选＝10名"
    for target_id, words in (("T82-1", NOT_BELOW), ("T52-1", "每次评选＝10名")):
        row = next(s.loc[[target_id]].itertuples())
        assert words in gap_chart.value_text(row)  # the target-gap bars
        assert words in briefing_data._risk_sentence(row)  # the deck's and the Word report's sentences

