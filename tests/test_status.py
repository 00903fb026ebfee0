"""Each status rule on small hand-made series."""

import pytest

from pipelines.status import Target, assess


def level(x=95.0, year=2025, comparator=">="):
    return Target("level", comparator, x, year)


@pytest.mark.parametrize(
    ("series", "as_of", "status"),
    [
        ([(2022, 90.0), (2024, 95.5)], 2024, "met"),
        ([(2022, 85.0), (2024, 91.5)], 2024, "on_track"),  # +3.25/yr against +3.33/yr needed: r 0.975
        ([(2022, 85.0), (2024, 90.0)], 2024, "moderate"),  # r 0.75
        ([(2022, 85.0), (2024, 86.0)], 2024, "insufficient"),
        ([(2022, 85.0), (2024, 84.0)], 2024, "moving_away"),
        ([(2022, 85.0), (2025, 94.0)], 2025, "missed"),
        ([], 2025, "no_data"),
        ([(2024, 90.0)], 2024, "not_assessable"),
    ],
)
def test_level_statuses(series, as_of, status):
    # Required yearly progress from 85 (2022) to 95 (2025): 10/3 = 3.33 per year.
    assert assess(level(), series, as_of).status == status


def test_level_keeps_its_arithmetic():
    a = assess(level(), [(2022, 85.0), (2024, 91.5)], 2024)
    assert (a.baseline_value, a.baseline_year, a.latest_value, a.latest_year) == (85.0, 2022, 91.5, 2024)
    assert a.required_per_year == pytest.approx(10 / 3)
    assert a.actual_per_year == pytest.approx(3.25)
    assert a.progress_ratio == pytest.approx(0.975)
    assert a.projected_value == pytest.approx(94.75)
    assert a.gap == pytest.approx(3.5)
    assert a.label == "按期可达"


def test_cut_offs_are_the_sdg_ones():
    target = level()
    # r just below 0.95 is moderate, just below 0.6 insufficient
    assert assess(target, [(2022, 85.0), (2024, 85 + 2 * 3.333 * 0.949)], 2024).status == "moderate"
    assert assess(target, [(2022, 85.0), (2024, 85 + 2 * 3.333 * 0.599)], 2024).status == "insufficient"


def test_as_of_ignores_later_years():
    series = [(2022, 85.0), (2023, 86.0), (2025, 96.0)]
    assert assess(level(), series, 2023).status == "insufficient"
    assert assess(level(), series, 2025).status == "met"


def test_first_reported_value_is_the_baseline_when_2022_is_missing():
    a = assess(level(), [(2023, 88.0), (2024, 92.0)], 2024)
    assert (a.baseline_year, a.baseline_value) == (2023, 88.0)
    assert a.status == "on_track"  # +4/yr against (95-88)/2 = 3.5/yr


def test_lower_is_better_rank_and_debt():
    rank = Target("rank", "<=", 5.0, 2025)
    assert assess(rank, [(2022, 8.0), (2024, 6.0)], 2024).status == "on_track"  # -1/yr, needs -1/yr
    assert assess(rank, [(2022, 8.0), (2024, 9.0)], 2024).status == "moving_away"
    assert assess(rank, [(2022, 8.0), (2025, 5.0)], 2025).status == "met"
    debt = Target("level", "<=", 0.0, 2025)
    assert assess(debt, [(2022, 12800.0), (2025, 2900.0)], 2025).status == "missed"


def test_count_cumulative_sums_yearly_counts_from_zero():
    target = Target("count_cumulative", ">=", 4.0, 2025)
    a = assess(target, [(2023, 1.0), (2024, 1.0)], 2024)
    assert (a.baseline_value, a.latest_value) == (0.0, 2.0)
    assert a.status == "moderate"  # 2 in two years = 1/yr against 4 in three = 1.33/yr: r 0.75
    assert assess(target, [(2023, 2.0), (2024, 1.0)], 2024).status == "on_track"  # 1.5/yr: r 1.125
    assert assess(target, [(2023, 1.0), (2024, 1.0), (2025, 2.0)], 2025).status == "met"
    assert assess(target, [(2023, 1.0), (2024, 1.0), (2025, 1.0)], 2025).status == "missed"
    assert assess(target, [(2022, 3.0)], 2025).status == "no_data"  # before the plan began


def test_count_annual_is_judged_year_by_year():
    target = Target("count_annual", ">=", 20.0, 2023, recurring=True, basis="each_year")
    a = assess(target, [(2023, 22.0), (2024, 18.0), (2025, 21.0)], 2025)
    assert a.status == "met" and "2/3个年度达标" in a.detail
    assert assess(target, [(2023, 22.0), (2024, 18.0)], 2024).status == "missed"
    mean = Target("count_annual", ">=", 7000.0, 2023, recurring=True, basis="mean")
    assert assess(mean, [(2023, 6800.0), (2024, 7350.0)], 2024).status == "met"  # mean 7075
    assert assess(mean, [(2023, 6800.0), (2024, 7100.0)], 2024).status == "missed"
    assert assess(target, [(2022, 22.0)], 2025).status == "not_assessable"


def test_trend_every_year_above_the_one_before():
    target = Target("trend", "increasing", None, 2025, basis="each_year")
    assert assess(target, [(2022, 86.0), (2023, 92.0), (2024, 95.0)], 2024).status == "on_track"
    assert assess(target, [(2022, 86.0), (2023, 92.0), (2024, 95.0), (2025, 97.0)], 2025).status == "met"
    assert assess(target, [(2022, 86.0), (2023, 92.0), (2024, 89.0)], 2024).status == "moving_away"
    assert assess(target, [(2022, 86.0), (2023, 82.0), (2024, 89.0)], 2024).status == "insufficient"
    assert assess(target, [(2022, 86.0), (2023, 92.0), (2024, 89.0), (2025, 97.0)], 2025).status == "missed"
    assert assess(target, [(2022, 86.0)], 2025).status == "not_assessable"


def test_milestone_is_met_by_its_report():
    target = Target("milestone", "=", 1.0, 2028)
    assert assess(target, [(2024, 0.0), (2025, 1.0)], 2025).status == "met"
    assert assess(target, [(2024, 0.0), (2025, 0.0)], 2025).status == "not_assessable"
    assert assess(target, [(2027, 0.0), (2028, 0.0)], 2028).status == "missed"
    assert assess(target, [], 2025).status == "no_data"
    assert assess(target, [], 2029).status == "no_data"  # unknown, not guessed


def test_structure_within_tolerance():
    target = Target("ratio", "=", 2.0, 2023, recurring=True, ratio_parts=[2.0, 4.2, 3.8])
    near = {2025: [2.1, 4.1, 3.8]}
    far = {2022: [1.1, 4.2, 4.7], 2025: [1.66, 4.28, 4.06]}
    assert assess(target, [], 2025, near).status == "met"
    a = assess(target, [], 2025, far)
    assert a.status == "missed" and "最大偏差0.34" in a.latest_text
    assert assess(target, [], 2025, {}).status == "no_data"


def test_structure_at_least_its_first_share():
    target = Target("ratio", ">=", 3.5, 2025, ratio_parts=[3.5, 6.5])
    assert assess(target, [], 2025, {2025: [3.6, 6.4]}).status == "met"
    assert assess(target, [], 2024, {2022: [2.9, 7.1], 2024: [3.3, 6.7]}).status == "on_track"
    assert assess(target, [], 2025, {2022: [2.9, 7.1], 2025: [3.3, 6.7]}).status == "missed"


def test_compliance_and_relative_are_levels_of_a_share():
    compliance = Target("compliance", ">=", 100.0, None)  # no year in the notice: judged against 2030
    a = assess(compliance, [(2022, 44.3), (2025, 57.5)], 2025)
    assert a.status == "moderate" and a.projected_value == pytest.approx(57.5 + 4.4 * 5)
    relative = Target("relative", ">=", 100.0, 2023, recurring=True)
    assert assess(relative, [(2022, 97.4), (2025, 101.0)], 2025).status == "met"
    assert assess(relative, [(2022, 97.4), (2024, 99.6)], 2024).status == "missed"
