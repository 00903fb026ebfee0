"""The target-gap chart means one thing (issue 21): a bar is the share of the way from the baseline to the target,
capped at the target; targets without such a path have a mark in a panel of their own; words wrap between words
and numbers, never inside one."""

import re

import duckdb
import pytest

from reports import charts, gap_chart, queries
from reports.text_layout import NO_LINE_START, wrap


@pytest.fixture(scope="module")
def statuses(demo_base):
    with duckdb.connect(str(demo_base[1]), read_only=True) as con, queries.reading(con):
        return queries.statuses(queries.Filters(2025, None, None, True))


def figures(statuses, **kwargs):
    for title, part in gap_chart.gap_chunks(statuses):
        yield part, gap_chart.gap_chart(part, 2025, True, title, **kwargs)


def test_a_bar_is_the_share_of_the_way_from_the_baseline_to_the_target(statuses):
    drawn = 0
    for part, fig in figures(statuses):
        path = [r for r in part.itertuples() if gap_chart.on_path(r)]
        if not path:
            continue
        progress = next(t for t in fig.data if t.name == "进展")
        assert list(progress.customdata) == [r.target_id for r in path]
        for r, length in zip(path, progress.x):
            share = 100 * (r.latest_value - r.baseline_value) / (r.target_value - r.baseline_value)
            assert length == pytest.approx(min(100.0, max(0.0, share))), r.target_id
            assert 0 <= length <= 100
            said = gap_chart.value_text(r)
            assert ("超出目标" in said) == (share > 100 + 1e-9 and r.kind != "rank"), (r.target_id, said)
            drawn += 1
        assert fig.layout.xaxis.range[1] < 110  # nothing is drawn beyond the target
    assert drawn > 40
    # the 高中阶段毛入学率: 95.9% against ≥95%, drawn full, its overshoot written
    t = next(statuses[statuses["target_id"] == "T03-5"].itertuples())
    assert gap_chart.progress_of(t)[0] == 100 and "超出目标0.9个百分点" in gap_chart.value_text(t)


NO_PATH = {"T36-1", "T19-1", "T06-9", "T10-7", "T03-6", "T52-1", "T18-1", "T88-1"}  # structures, acceptances, …


def test_targets_without_a_path_from_a_baseline_have_a_mark_not_a_length(statuses):
    marked = set()
    for _part, fig in figures(statuses):
        bars = {t for trace in fig.data if trace.type == "bar" for t in trace.customdata}
        marks = [t for t in fig.data if t.name == "状态"]
        for trace in marks:
            marked |= set(trace.customdata)
        assert not bars & marked
        if marks and bars:  # the panel of their own, under its heading
            assert any(gap_chart.PANEL_HEADING in a.text for a in fig.layout.annotations)
    assert NO_PATH <= marked
    for r in statuses.itertuples():
        if r.kind in ("ratio", "milestone", "trend", "project") or r.status.startswith(("year_", "round_")):
            assert r.target_id in marked, r.target_id


def test_no_target_code_on_a_chart_row(statuses):
    for _, fig in figures(statuses):
        for a in fig.layout.annotations:
            assert not re.search(r"\b[TB]\d\d-\d\b", a.text), a.text  # codes stay in the hover


ATOMS = re.compile(r"（\d{4}年）|\d+\.\d+(?::\d+\.\d+)+|\d[\d,]*(?:\.\d+)?%|≥\d+%?")


@pytest.mark.parametrize(("layout", "width"), [("stacked", charts.PHONE_PAGE_WIDTH), ("wide", charts.DESKTOP_PAGE_WIDTH),
                                               ("wide", charts.SLIDE_WIDTH)])
def test_words_wrap_between_words_and_numbers(statuses, layout, width):
    """Every text block of every row, as the chart draws it: （2025年）, 2.0:4.2:3.8, 95.9%, ≥95% whole on a line,
    no line beginning with 、，。；）."""
    blocks = 0
    for _part, fig in figures(statuses, stacked=layout == "stacked", width=width):
        for a in fig.layout.annotations:
            lines = [re.sub(r"<[^>]+>", "", line) for line in a.text.split("<br>")]
            for atom in ATOMS.findall("".join(lines)):
                assert any(atom in line for line in lines), (atom, lines)
            assert not any(line and line[0] in NO_LINE_START for line in lines), lines
            blocks += 1
    assert blocks > 150


def test_wrap_keeps_numbers_brackets_and_punctuation_with_their_words():
    text = "中小学专业技术高、中、初级岗位结构 1.7:4.3:4.0（2025年）／目标 2.0:4.2:3.8（每年）"
    for width in range(60, 400, 7):
        lines = wrap(text, width, 14)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        assert any("2.0:4.2:3.8" in line for line in lines) and any("（2025年）" in line for line in lines)
        assert not any(line.startswith(("、", "，", "。", "；", "）")) for line in lines)
    # a line ends after ；／ where that leaves it more than half full, not inside 超出目标
    assert wrap("95.9%（2025年）／目标 ≥95%（2025年）；超出目标0.9个百分点", 340, 14)[-1] == "超出目标0.9个百分点"
