"""Each status rule on small hand-made series, checked by hand (the arithmetic is in the comments)."""

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
    assert a.progress_ratio == pytest.approx(a.actual_per_year / a.required_per_year)
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


# Rule 1: the sign of the required change is the target's direction, its size |x − b|.
def test_met_at_baseline_then_falling_back_is_moving_away():
    # 高中阶段毛入学率 96 → 94 against ≥95: actual −1/yr; required +|95−96|/3 = +0.33/yr; r = −3.
    a = assess(level(), [(2022, 96.0), (2024, 94.0)], 2024)
    assert a.status == "moving_away" and a.label == "偏离目标"
    assert a.required_per_year == pytest.approx(1 / 3) and a.progress_ratio == pytest.approx(-3.0)


def test_rank_that_falls_back_is_moving_away():
    # 前5位: rank 4 → 7; actual +1.5/yr; required −|5−4|/3 = −0.33/yr (down is wanted); r = −4.5.
    a = assess(Target("rank", "<=", 5.0, 2025), [(2022, 4.0), (2024, 7.0)], 2024)
    assert a.status == "moving_away" and a.progress_ratio == pytest.approx(-4.5)


def test_lower_is_better_level_rising_past_it_is_moving_away():
    # ≤5: 3 → 6; actual +1.5/yr; required −|5−3|/3 = −0.67/yr; r = −2.25.
    a = assess(level(5.0, comparator="<="), [(2022, 3.0), (2024, 6.0)], 2024)
    assert a.status == "moving_away" and a.progress_ratio == pytest.approx(-2.25)


def test_lower_is_better_rank_and_debt():
    rank = Target("rank", "<=", 5.0, 2025)
    assert assess(rank, [(2022, 8.0), (2024, 6.0)], 2024).status == "on_track"  # −1/yr, needs −1/yr
    assert assess(rank, [(2022, 8.0), (2024, 9.0)], 2024).status == "moving_away"
    assert assess(rank, [(2022, 8.0), (2025, 5.0)], 2025).status == "met"
    debt = Target("level", "<=", 0.0, 2025)
    assert assess(debt, [(2022, 12800.0), (2025, 2900.0)], 2025).status == "missed"


def test_a_required_change_of_zero_is_handled_explicitly():
    # The baseline stands exactly at the target (95), then 94: no ratio, moving away.
    a = assess(level(), [(2022, 95.0), (2024, 94.0)], 2024)
    assert a.status == "moving_away" and a.progress_ratio is None and a.required_per_year == 0.0


# Rule 3: a dated target past its year is missed unless the latest value meets it, with the data's year said.
def test_a_level_past_its_year_with_older_data_is_missed_not_projected():
    a = assess(level(), [(2022, 85.0), (2024, 93.0)], 2026)
    assert a.status == "missed" and a.projected_value is None and "2024" in a.detail
    met = assess(level(), [(2022, 85.0), (2024, 95.5)], 2026)
    assert met.status == "met" and "最新数据为2024年" in met.detail


def test_in_its_own_year_without_its_years_data_it_is_still_projected():
    a = assess(level(), [(2022, 85.0), (2024, 91.5)], 2025)
    assert a.status == "on_track" and "最新数据为2024年" in a.detail


# Rule 5: met only after its year is 逾期达成.
def test_a_late_success_is_met_late():
    a = assess(level(), [(2022, 85.0), (2025, 93.0), (2026, 95.2)], 2026)
    assert a.status == "met_late" and a.label == "逾期达成" and "2026年达到" in a.detail
    assert assess(level(), [(2022, 85.0), (2025, 95.0), (2026, 96.0)], 2026).status == "met"


def test_met_then_falling_below_in_the_target_year_is_missed():
    assert assess(level(), [(2022, 85.0), (2024, 96.0), (2025, 94.0)], 2025).status == "missed"


def test_count_cumulative_sums_yearly_counts_from_zero():
    target = Target("count_cumulative", ">=", 4.0, 2025)
    a = assess(target, [(2023, 1.0), (2024, 1.0)], 2024)
    assert (a.baseline_value, a.latest_value) == (0.0, 2.0)
    assert a.status == "moderate"  # 2 in two years = 1/yr against 4 in three = 1.33/yr: r 0.75
    assert assess(target, [(2023, 2.0), (2024, 1.0)], 2024).status == "on_track"  # 1.5/yr: r 1.125
    assert assess(target, [(2023, 1.0), (2024, 1.0), (2025, 2.0)], 2025).status == "met"
    assert assess(target, [(2023, 1.0), (2024, 1.0), (2025, 1.0)], 2025).status == "missed"
    assert assess(target, [(2023, 1.0), (2024, 1.0), (2025, 1.0), (2026, 1.0)], 2026).status == "met_late"
    assert assess(target, [(2022, 3.0)], 2025).status == "no_data"  # before the plan began


# Rule 4: a yearly count is judged on the as-of year's own value.
def test_count_annual_is_judged_on_the_as_of_year():
    target = Target("count_annual", ">=", 20.0, None, recurring=True, basis="each_year")
    a = assess(target, [(2023, 22.0), (2024, 18.0), (2025, 21.0)], 2025)
    assert a.status == "year_met" and a.label == "当年达标" and "2/3个已报年度达标" in a.detail
    assert assess(target, [(2023, 22.0), (2024, 18.0)], 2024).status == "year_missed"
    unreported = assess(target, [(2023, 22.0), (2024, 25.0)], 2025)
    assert unreported.status == "year_no_data" and unreported.label == "当年暂无数据"
    assert unreported.latest_value is None  # not judged on 2024
    assert assess(target, [(2022, 22.0)], 2022).status == "not_due"


def test_yearly_mean_is_the_mean_since_its_first_year():
    mean = Target("count_annual", ">=", 7000.0, None, recurring=True, basis="mean")
    assert assess(mean, [(2023, 6800.0), (2024, 7350.0)], 2024).status == "year_met"  # mean 7075
    assert assess(mean, [(2023, 6800.0), (2024, 7100.0)], 2024).status == "year_missed"  # mean 6950
    assert assess(mean, [(2023, 6800.0), (2024, 7350.0)], 2025).status == "year_no_data"


def test_each_round_is_judged_on_the_latest_round():
    award = Target("count_annual", "=", 10.0, 2023, recurring=True, basis="each_round")
    a = assess(award, [(2023, 10.0), (2025, 9.0)], 2025)
    assert a.status == "round_missed" and a.latest_year == 2025
    # No round in 2026 is not a missed year: the latest round (2025) stands.
    assert assess(award, [(2023, 10.0), (2025, 10.0)], 2026).status == "round_met"
    assert assess(award, [], 2024).status == "no_data"


def test_trend_every_year_above_the_one_before():
    target = Target("trend", "increasing", None, 2025, basis="each_year")
    assert assess(target, [(2022, 86.0), (2023, 92.0), (2024, 95.0)], 2024).status == "on_track"
    assert assess(target, [(2022, 86.0), (2023, 92.0), (2024, 95.0), (2025, 97.0)], 2025).status == "met"
    assert assess(target, [(2022, 86.0), (2023, 92.0), (2025, 97.0)], 2025).status == "met"  # 2024 skipped, said
    assert assess(target, [(2022, 86.0), (2023, 92.0), (2024, 89.0), (2025, 97.0)], 2025).status == "missed"
    assert assess(target, [(2022, 86.0)], 2025).status == "not_assessable"
    assert assess(target, [(2022, 86.0), (2023, 92.0), (2024, 95.0)], 2026).status == "missed"  # 2025 never sent


def test_a_broken_trend_before_its_year_can_no_longer_be_met():
    target = Target("trend", "increasing", None, 2025, basis="each_year")
    a = assess(target, [(2022, 86.0), (2023, 92.0), (2024, 89.0)], 2024)
    assert a.status == "unreachable" and a.label == "未达成，已无法达成" and "2024年未比上年增加" in a.detail
    assert assess(target, [(2022, 86.0), (2023, 82.0), (2024, 89.0)], 2024).status == "unreachable"


def test_not_decreasing_is_a_yearly_rule_against_the_year_before():
    spend = Target("trend", "not_decreasing", None, None, recurring=True, basis="each_year")
    assert assess(spend, [(2022, 100.0), (2023, 100.0)], 2023).status == "year_met"  # 只增不减: equal is kept
    assert assess(spend, [(2022, 100.0), (2023, 99.0)], 2023).status == "year_missed"
    assert assess(spend, [(2022, 100.0), (2024, 120.0)], 2024).status == "not_assessable"  # no 2023 to compare


def test_rise_without_a_size_is_above_the_baseline():
    target = Target("trend", "increasing", None, 2025, basis="overall")
    assert assess(target, [(2022, 40.0), (2024, 55.0)], 2024).status == "met"
    assert assess(target, [(2022, 40.0), (2024, 35.0)], 2024).status == "moving_away"
    assert assess(target, [(2022, 40.0), (2025, 40.0)], 2025).status == "missed"
    assert assess(target, [(2022, 40.0), (2025, 40.0), (2026, 45.0)], 2026).status == "met_late"


# Rule 2: an acceptance is judged on the as-of year.
def test_milestone_is_judged_on_the_as_of_year():
    target = Target("milestone", "=", 1.0, 2028)
    assert assess(target, [(2024, 0.0), (2025, 1.0)], 2025).status == "met"
    a = assess(target, [(2024, 0.0), (2025, 0.0)], 2025)
    assert a.status == "not_due" and a.label == "未到期"
    assert assess(target, [(2027, 0.0), (2028, 0.0)], 2028).status == "missed"
    assert assess(target, [], 2025).status == "not_due"
    assert assess(target, [], 2029).status == "missed"  # not reported after its year: not passed
    assert assess(target, [(2026, 0.0)], 2029).status == "missed"  # judged on 2029, not on the 2026 report
    assert assess(target, [(2026, 0.0), (2029, 1.0)], 2029).status == "met_late"
    due_2023 = Target("milestone", "=", 1.0, 2023)
    assert assess(due_2023, [(2022, 0.0)], 2024).status == "missed"


# Rule 6: standing rules are judged each year, never overdue.
def test_structure_is_a_standing_rule_within_tolerance():
    target = Target("ratio", "=", 2.0, None, recurring=True, ratio_parts=[2.0, 4.2, 3.8])
    near = {2025: [2.1, 4.1, 3.8]}
    far = {2022: [1.1, 4.2, 4.7], 2025: [1.66, 4.28, 4.06]}
    assert assess(target, [], 2025, near).status == "year_met"
    a = assess(target, [], 2025, far)
    # Largest distance |1.66 − 2.0| = 0.34; the tolerance 0.2; the gap is the same distance beyond it: 0.14.
    assert a.status == "year_missed" and a.latest_text == "1.7:4.3:4.0" and "最大偏差0.34" in a.detail
    assert a.latest_value == pytest.approx(0.34) and a.gap == pytest.approx(0.14)
    assert assess(target, [], 2025, {2024: [2.0, 4.2, 3.8]}).status == "year_no_data"


def test_structure_at_least_its_first_share():
    target = Target("ratio", ">=", 3.5, 2025, ratio_parts=[3.5, 6.5])
    assert assess(target, [], 2025, {2025: [3.6, 6.4]}).status == "met"
    assert assess(target, [], 2024, {2022: [2.9, 7.1], 2024: [3.3, 6.7]}).status == "on_track"
    assert assess(target, [], 2025, {2022: [2.9, 7.1], 2025: [3.3, 6.7]}).status == "missed"


def test_undated_and_yearly_rules_follow_one_rule():
    compliance = Target("compliance", ">=", 100.0, None)  # 长期坚持, no year: judged each year
    assert compliance.standing
    assert assess(compliance, [(2022, 44.3), (2025, 57.5)], 2025).status == "year_missed"
    assert assess(compliance, [(2022, 44.3), (2025, 100.0)], 2025).status == "year_met"
    relative = Target("relative", ">=", 100.0, None, recurring=True)
    assert assess(relative, [(2022, 97.4), (2025, 101.0)], 2025).status == "year_met"
    a = assess(relative, [(2022, 97.4), (2024, 99.6)], 2024)
    assert a.status == "year_missed" and a.gap == pytest.approx(0.4)
    assert assess(relative, [(2023, 101.0)], 2023).status == "year_met"
    assert assess(relative, [(2023, 101.0)], 2024).status == "year_no_data"


def test_a_ratio_of_exactly_the_cut_off_is_on_track():
    # 88 → 91.8 in a year against 100 by 2025: actual 3.8, required 12/3 = 4.0, r = 0.95 by hand.
    a = assess(level(100.0), [(2022, 88.0), (2023, 91.8)], 2023)
    assert a.progress_ratio == 0.95 and a.status == "on_track"


def test_met_by_its_year_then_falling_below_is_fell_back():
    a = assess(level(90.0), [(2022, 85.0), (2025, 95.0), (2026, 85.0)], 2026)
    assert a.status == "fell_back" and a.label == "达成后回落" and "2025年已达到目标" in a.detail
    assert assess(level(90.0), [(2022, 85.0), (2025, 95.0), (2026, 85.0)], 2025).status == "met"
    rise = Target("trend", "increasing", None, 2025, basis="overall")
    assert assess(rise, [(2022, 40.0), (2025, 45.0), (2026, 38.0)], 2026).status == "fell_back"


def test_a_later_no_after_a_pass_is_said_not_taken():
    a = assess(Target("milestone", "=", 1.0, 2028), [(2024, 1.0), (2025, 0.0)], 2025)
    assert a.status == "met" and "2025年又报告为“否”" in a.detail


def test_a_structure_just_outside_its_tolerance_reads_differently_from_one_inside():
    target = Target("ratio", "=", 2.0, None, recurring=True, ratio_parts=[2.0, 4.2, 3.8])
    inside = assess(target, [], 2024, {2024: [2.2, 4.0, 3.8]})  # largest distance 0.2: met
    outside = assess(target, [], 2024, {2024: [2.21, 4.2, 3.59]})  # 0.21: missed by 0.01
    assert inside.status == "year_met" and inside.gap == 0.0
    assert outside.status == "year_missed" and outside.latest_text != inside.latest_text
    assert outside.gap == pytest.approx(0.01)


@pytest.mark.parametrize(("shares", "digits", "text"), [
    ([1.66, 4.28, 4.06], 1, "1.7:4.3:4.0"),  # each rounded alone: 1.7:4.3:4.1, which adds up to 10.1
    ([1.655, 4.282, 4.063], 2, "1.66:4.28:4.06"),
    ([3.333333, 3.333333, 3.333334], 1, "3.3:3.3:3.4"),
    ([3.27, 6.73], 1, "3.3:6.7"),
])
def test_a_structure_is_shown_with_parts_that_add_up_to_ten(shares, digits, text):
    from pipelines.describe import shares_text

    assert shares_text(shares, digits) == text
    assert round(sum(float(p) for p in text.split(":")), 6) == 10
