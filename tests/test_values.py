from datetime import datetime

import pytest

from pipelines.core.values import parse_value


@pytest.mark.parametrize(
    ("raw", "value_type", "percent_cell", "expected"),
    [
        ("95.3%", "percent", False, 95.3),
        ("95.3", "percent", False, 95.3),
        (95.3, "percent", False, 95.3),
        (0.953, "percent", True, 95.3),  # Excel stored a typed 95.3% as 0.953 in a % cell
        ("９５．３", "percent", False, 95.3),
        ("９５．３％", "percent", False, 95.3),
        ("1,234", "count", False, 1234.0),
        ("１，２３４", "count", False, 1234.0),
        (" 12 ", "count", False, 12.0),
        ("12所", "count", False, 12.0),
        ("7000人次", "count", False, 7000.0),
        ("2,900.5万元", "amount", False, 2900.5),
        ("63亩", "area", False, 63.0),
        (12.0, "count", False, 12.0),
        (5, "rank", False, 5.0),
        ("是", "flag", False, 1.0),
        ("否", "flag", False, 0.0),
        ("已通过", "flag", False, 1.0),
    ],
)
def test_parse_value_reads_what_people_type(raw, value_type, percent_cell, expected):
    parsed = parse_value(raw, value_type, percent_cell)
    assert parsed.error is None
    assert parsed.value == pytest.approx(expected)


@pytest.mark.parametrize("raw", [None, "", "   ", "\u3000"])
def test_parse_value_blank_is_not_reported(raw):
    assert parse_value(raw, "count").value is None
    assert parse_value(raw, "count").error is None


@pytest.mark.parametrize(
    ("raw", "value_type", "reason"),
    [
        ("约九成", "percent", "无法识别为数字"),
        ("-3", "count", "不能为负数"),
        (-3, "count", "不能为负数"),
        ("12.5所", "count", "应为整数"),
        (datetime(2025, 3, 1), "count", "日期"),
        ("0", "rank", "位次应从1开始"),
        ("可能", "flag", "请填写“是”或“否”"),
        ("12%", "count", "不是 %"),
        ("1.2.3", "count", "无法识别为数字"),
        (True, "count", "逻辑值"),
        (True, "flag", "请从下拉列表选择“是”或“否”"),
    ],
)
def test_parse_value_refuses_with_a_reason(raw, value_type, reason):
    parsed = parse_value(raw, value_type)
    assert parsed.value is None
    assert reason in parsed.error
