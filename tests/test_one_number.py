"""One number everywhere (issue 21): every target's latest value and gap read the same on the 总览 tile, the 指标 cards,
the target-gap chart (page and PNG), the deck's sentences and key-indicator facts, the Word report, the Excel report
and `status` — each computed by its own view's code."""

from html import escape

import duckdb
import pandas as pd
import pytest

from dashboard import target_facts
from pipelines.cli.status_report import status_text
from pipelines.core import config, formats
from pipelines.core.describe import parts_of
from reports import briefing, briefing_data, cockpit, excel_report, gap_chart, indicator_charts, queries, word_report


@pytest.fixture(scope="module")
def views(demo_base):
    """Every target's row and each view's text of it, from the warehouse built from the default data."""
    with duckdb.connect(str(demo_base[1]), read_only=True) as con:
        b = briefing_data.gather(con, 2025)
        cli, _ = status_text(con, 2025)
        with queries.reading(con):
            f = queries.Filters(2025, None, None, True)
            shares = {r.target_id: queries.indicator_data(r.indicator_code, r.kind, f)[1]
                      for r in b.statuses.itertuples() if r.kind == "ratio"}
            sheet = next(s.frame for s in excel_report.status_sheets(b)).set_index("目标编号")
    return b, cli, shares, sheet


def test_every_target_reads_the_same_in_every_view(views):
    b, cli, shares, sheet = views
    lines = {line.split()[0]: line for line in cli.splitlines() if line[:1] in "TB" and "-" in line[:6]}
    checked = 0
    assert len(b.statuses) == 98
    for t in b.statuses.itertuples():
        latest, gap = formats.latest(t), formats.gap(t)
        said = f"{t.target_id}: {latest!r} / {gap!r}"
        has_value = formats.present(t.latest_value) or formats.present(t.latest_text)
        # the 总览 tile (any target as a tile; the acceptances show their criteria instead)
        tile = cockpit.tile(t, [], 2025)
        if t.kind != "milestone":
            assert escape(latest) in tile, said
            assert not gap or escape(gap) in tile, said
        # the 指标 cards
        cards = dict((label.split("（")[0], value) for label, value, _ in target_facts.cards(t))
        assert cards["最新值"] == latest, said
        assert cards["差距"] == (gap or ("已达到" if t.status in config.MET_STATUSES else "—")), said
        # the target-gap chart's row (the page's and the PNG's figures are built from it)
        row = gap_chart.value_text(t)
        if has_value:
            assert formats.latest_with_year(t) in row, (said, row)
        assert not gap or t.kind in config.EVENT_KINDS or gap in row, (said, row)
        # the deck's key-indicator facts (any target as one)
        facts = [line.text for line in briefing.key_facts(t, shares.get(t.target_id))]
        assert f"最新：{formats.latest_with_year(t)}" in facts, said
        assert not gap or t.kind in (*config.EVENT_KINDS, "trend") or f"差距：{gap}" in facts, said
        # the deck's and the Word report's sentence for a lagging target; the Word summary's phrase
        if t.status in config.LAGGING_STATUSES and t.kind not in (*config.EVENT_KINDS, "trend"):
            sentence = briefing_data.risk_sentence(t)
            assert latest in sentence and (not gap or gap in sentence), (said, sentence)
        assert f"为{latest}" in word_report.key_phrase(t), said
        # the Excel report's printed status sheet
        assert sheet.loc[t.target_id, "最新情况"] == formats.latest_with_year(t), said
        assert sheet.loc[t.target_id, "差距"] == gap, said
        # the command line
        assert latest[:20] in lines[t.target_id], (said, lines[t.target_id])
        checked += 1
    assert checked == 98


def test_a_structure_is_one_figure_on_the_tile_the_card_the_chart_the_deck_and_the_table(views):
    """The issue's 2025 高:中:初: 1.7:4.3:4.0 on 总览, 1.7:4.3:4.1 on 指标, 1.6:4.3:4.1 in the deck — now one figure."""
    b, _, shares, _ = views
    for target_id in ("T36-1", "T19-1"):
        t = next(b.statuses[b.statuses["target_id"] == target_id].itertuples())
        latest = formats.latest(t)
        parts = shares[target_id]
        by_year = parts.sort_values(["year", "part_no"]).groupby("year")["share_of_ten"]
        table = {y: formats.structure(list(p), parts_of(t.ratio_parts), t.comparator) for y, p in by_year}
        assert table[int(t.latest_year)] == latest  # 指标's table, from the shares themselves
        history = next(line.text for line in briefing.key_facts(t, parts) if line.text.startswith("历年"))
        assert f"{int(t.latest_year)}年{latest}" in history  # the deck's 历年 line
        for year, text in table.items():  # every year of the deck's line is the table's
            assert f"{year}年{text}" in history
        figure = indicator_charts.structure_chart(t, parts)
        labels = [trace.text[-2].split("（")[0] for trace in figure.data]  # the latest year's segments
        assert ":".join(labels) == latest
        assert escape(latest) in cockpit.tile(t, [], 2025)
    t36 = next(b.statuses[b.statuses["target_id"] == "T36-1"].itertuples())
    assert formats.latest(t36) == "1.7:4.3:4.0" and formats.gap(t36) == "最大偏差0.34（允许0.2）"


def test_the_vocational_ratio_counts_students_not_posts(views):
    b, _, shares, _ = views
    t = next(b.statuses[b.statuses["target_id"] == "T19-1"].itertuples())
    figure = indicator_charts.structure_chart(t, shares["T19-1"])
    title = figure.layout.xaxis.title.text
    assert "岗位" not in title and "在校生数（人）" in title, title
    assert all("个）" not in text for trace in figure.data for text in trace.text), "students are counted in 人"
    assert any("（6,050人）" in text for text in figure.data[0].text)


def test_rates_are_written_to_one_decimal_on_the_indicator_page_and_the_quality_page(views):
    b, *_ = views
    for t in b.statuses.itertuples():
        if t.unit == "%" and formats.present(t.latest_value) and t.kind not in ("trend",):
            text = formats.latest(t)
            digits = len(text.removesuffix("%").split(".")[1])
            assert digits == formats.deciding_digits(t.latest_value, formats.limits_of(t), 1, t.comparator), text
    assert pd.Series([97.076, 91.0714]).map(lambda v: formats.bare(v, "%")).tolist() == ["97.1", "91.1"]
