"""One way to write each kind of value (pipelines/core/formats.py) and one palette (pipelines/core/palette.py)."""

import subprocess
from types import SimpleNamespace

import pytest

from pipelines.core import config, formats, palette


@pytest.mark.parametrize(("value", "limits", "text"), [
    (95.94, (), "95.9%"),
    (97.076, (), "97.1%"),
    (91.0714, (95,), "91.1%"),
    (95.0, (95,), "95.0%"),
    (94.96, (95,), "94.96%"),  # one decimal would read as the target met
    (95.04, (95,), "95.0%"),  # met, and 95.0 meets 95: one decimal says it
    (64.15, (), "64.2%"),  # half up on the written digits, not the binary float
    (None, (), "—"),
])
def test_a_rate_has_one_decimal_or_the_digits_that_decide(value, limits, text):
    assert formats.rate(value, limits, ">=") == text


@pytest.mark.parametrize(("value", "limit", "text"), [
    (0.5022, 0.50, "0.502"),  # the 差异系数: "0.50" against the limit 0.50 read as met
    (0.4978, 0.50, "0.50"),  # within, and 0.50 is within too
    (0.50, 0.50, "0.50"),
    (0.34, 0.2, "0.34"),
    (0.2049, 0.2, "0.205"),
])
def test_a_coefficient_near_its_limit_shows_the_digits_that_decide(value, limit, text):
    assert formats.coefficient(value, (limit,), "<=") == text


@pytest.mark.parametrize(("value", "unit", "text"), [
    (1560.0, "人", "1,560人"),
    (12.0, "所", "12所"),
    (7350.3333, "人次", "7,350.3人次"),
    (106800.0, "万元", "106,800万元"),
    (5.0, "位", "第5位"),
    (1.0, "是/否", "是"),
    (1.0, "进度", "在建"),
    (96.5, "%", "96.5%"),
])
def test_each_unit_is_written_in_its_words(value, unit, text):
    assert formats.quantity(value, unit) == text


def test_a_ratio_is_one_to_so_many():
    assert formats.ratio(7.46) == "1:7.5" and formats.ratio(15.04, (15,), "<=") == "1:15.04"
    assert formats.ratio(float("nan")) == "—"


def test_a_structure_is_written_in_tenths_that_add_up_to_ten_from_its_hundredths():
    # 2025's posts: 1,560 : 4,020 : 3,820 of 9,400 = 1.6596 : 4.2766 : 4.0638. Hundredths 1.66:4.28:4.06 (adding
    # up to 10.00); tenths taken from those: 1.7:4.3:4.0 — never 1.66 in one place and 1.6 in another.
    shares = [1560 / 940, 4020 / 940, 3820 / 940]
    assert formats.structure(shares) == "1.7:4.3:4.0"
    assert formats.structure(shares, [2.0, 4.2, 3.8], "=") == "1.7:4.3:4.0"  # 0.3 from 2.0: not within 0.2 either way
    assert formats.shares_text(shares, 2) == "1.66:4.28:4.06"
    assert formats.structure([2.9132, 7.0868]) == "2.9:7.1"


def test_a_structure_near_its_target_shows_the_digits_that_decide():
    # 职普比 at least 3.5:6.5: 3.46 written in tenths is 3.5, which would read as met.
    assert formats.structure([3.46, 6.54], [3.5, 6.5], ">=") == "3.46:6.54"
    assert formats.structure([3.56, 6.44], [3.5, 6.5], ">=") == "3.6:6.4"
    # 高:中:初 within 0.2 of 2.0:4.2:3.8: 1.79 in tenths is 1.8, 0.2 from 2.0, which would read as within.
    assert formats.structure([1.79, 4.2, 4.01], [2.0, 4.2, 3.8], "=") == "1.79:4.20:4.01"


def row(**kw):
    base = dict(kind="level", comparator=">=", unit="%", target_value=95.0, latest_value=None, latest_year=2025,
                latest_text=None, gap=None, ratio_parts=None)
    return SimpleNamespace(**{**base, **kw})


@pytest.mark.parametrize(("target", "latest", "gap"), [
    (row(latest_value=64.16, gap=0.84, target_value=65.0), "64.2%", "0.8个百分点"),
    (row(latest_value=94.96, gap=0.04), "94.96%", "0.04个百分点"),
    (row(latest_value=95.9, gap=0.0), "95.9%", ""),
    (row(kind="count_cumulative", unit="所", target_value=4.0, latest_value=3.0, gap=1.0), "累计3所", "1所"),
    (row(kind="rank", comparator="<=", unit="位", target_value=6.0, latest_value=7.0, gap=1.0), "第7位", "1位"),
    (row(kind="milestone", comparator="=", unit="是/否", target_value=1.0, latest_value=0.0, gap=1.0), "否", "未通过"),
    (row(kind="ratio", comparator="=", unit=None, latest_value=0.3404, gap=0.1404, latest_text="1.7:4.3:4.0"),
     "1.7:4.3:4.0", "最大偏差0.34（允许0.2）"),
    (row(kind="ratio", comparator=">=", unit=None, latest_value=3.2703, gap=0.2297, latest_text="3.3:6.7"),
     "3.3:6.7", "0.2"),
    (row(kind="trend", comparator="increasing", unit="人", latest_value=97.0, gap=None), "97人", ""),
])
def test_a_targets_latest_value_and_gap(target, latest, gap):
    assert formats.latest(target) == latest
    assert formats.gap(target) == gap


def test_every_status_has_a_class_a_colour_a_word_and_a_mark():
    assert set(palette.STATUS_CLASSES) == set(config.STATUS_LABELS)
    for code in config.STATUS_LABELS:
        assert palette.colour(code) in palette.CLASS_COLOURS.values()
        assert palette.tag(code) == f"{palette.mark(code)} {config.STATUS_LABELS[code]}"
    assert palette.class_of("missed") == "missed" and palette.class_of("insufficient") == "behind"


def test_behind_is_orange_and_missed_red():
    def hue(fill):
        import colorsys

        r, g, b = (int(fill[i:i + 2], 16) / 255 for i in (1, 3, 5))
        return colorsys.rgb_to_hsv(r, g, b)[0] * 360

    assert 25 <= hue(palette.CLASS_COLOURS["behind"]) <= 45  # orange
    assert hue(palette.CLASS_COLOURS["missed"]) <= 10 or hue(palette.CLASS_COLOURS["missed"]) >= 350  # red


def test_the_five_classes_print_as_five_greys():
    shades = sorted(palette.lightness(c) for c in palette.CLASS_COLOURS.values())
    assert min(b - a for a, b in zip(shades, shades[1:])) >= 10  # CIE L*: 10 apart is plainly another grey
    # the readiness matrix's 达标 and 低于85% (issue 21 found them the same grey)
    met, below = (palette.CLASS_COLOURS[palette.LEVEL_CLASSES[k]] for k in ("met", "below"))
    assert palette.lightness(met) - palette.lightness(below) >= 30


def test_the_worst_of_several_statuses():
    assert palette.worst(["met", "behind", "on_track"]) == "behind"
    assert palette.worst(["met", "missed", "behind"]) == "missed"
    assert palette.worst([]) is None


def test_the_marks_are_in_the_cjk_fonts():
    for symbol in palette.CLASS_MARKS.values():
        fonts = subprocess.run(["fc-list", f":charset={ord(symbol):x}", "family"], capture_output=True, text=True).stdout
        assert "Noto Sans CJK SC" in fonts and "Noto Serif CJK SC" in fonts, symbol
