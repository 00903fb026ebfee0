from datetime import date

import pytest

from pipelines.core.deadlines import format_month, parse_deadline


@pytest.mark.parametrize(
    ("text", "ongoing", "dates"),
    [
        ("长期坚持", True, []),
        ("2023年8月", False, [date(2023, 8, 31)]),
        ("2024年2月", False, [date(2024, 2, 29)]),
        ("2025年12月\n2030年12月", False, [date(2025, 12, 31), date(2030, 12, 31)]),
        ("2025年12月\n长期坚持", True, [date(2025, 12, 31)]),
        ("2023年9月15日前完成并长期坚持", True, [date(2023, 9, 15)]),
        ("2023年9月30日前完成，长期坚持", True, [date(2023, 9, 30)]),
        ("到2023年底前", False, [date(2023, 12, 31)]),
        (
            "2023年9月完成新惠十小教学楼工程，年底全部完成；2025年完成新惠四中工程建设。",
            False,
            [date(2023, 9, 30), date(2023, 12, 31), date(2025, 12, 31)],
        ),
    ],
)
def test_parse_deadline_grammar(text, ongoing, dates):
    deadline = parse_deadline(text)
    assert deadline.ongoing is ongoing
    assert deadline.dates == dates


def test_parse_deadline_keeps_the_clause_as_milestone_label():
    deadline = parse_deadline("2023年9月完成新惠十小教学楼工程，年底全部完成；2025年完成新惠四中工程建设。")
    assert [m.text for m in deadline.milestones] == ["2023年9月完成新惠十小教学楼工程", "年底全部完成", "2025年完成新惠四中工程建设"]
    assert [m.precision for m in deadline.milestones] == ["month", "year", "year"]


@pytest.mark.parametrize("text", ["", "尽快", "下半年"])
def test_parse_deadline_refuses_text_without_date_or_ongoing(text):
    with pytest.raises(ValueError, match="无法识别的完成时限"):
        parse_deadline(text)


def test_format_month_shows_day_only_when_not_month_end():
    assert format_month(date(2023, 9, 30)) == "2023年9月"
    assert format_month(date(2023, 9, 15)) == "2023年9月15日"
