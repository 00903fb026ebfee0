"""The chart PNG a leader pastes into a slide (issue 21): every label ≥ 14 pt once the picture fills a 16:9 slide's width,
and ready in well under 1.5 s once the page has warmed the renderer."""

import io
import time

import duckdb
import pytest
from PIL import Image

from dashboard import views
from reports import charts, gap_chart, images, indicator_charts, placement, queries


@pytest.fixture(scope="module")
def pictures(demo_base):
    """Every picture a PNG button of 总览 and 指标 gives: the target-gap charts, each target's indicator chart."""
    with duckdb.connect(str(demo_base[1]), read_only=True) as con, queries.reading(con):
        f = queries.Filters(2025, None, None, True)
        statuses = queries.statuses(f)
        out = [gap_chart.gap_chart(part, 2025, True, title, width=placement.SLIDE_WIDTH_PT)
               for title, part in gap_chart.gap_chunks(statuses)]
        for t in statuses.itertuples():
            values, shares, demo = queries.indicator_data(t.indicator_code, t.kind, f)
            if not (shares if shares is not None else values).empty:
                out.append(indicator_charts.indicator_chart(t, values, 2025, demo, shares))
    return out


def test_every_label_is_at_least_14_pt_on_a_full_width_slide(pictures):
    assert len(pictures) > 80
    for fig in pictures:
        picture = placement.standalone(fig)
        # the smallest font of the layout (px) × the slide's width (960 pt) ÷ the layout's width (px)
        assert picture.layout.width == placement.SLIDE_WIDTH_PT == 960
        assert placement.effective_min_pt(picture, 960) >= 14, fig.layout.title.text
        kept = {a.name for a in picture.layout.annotations}
        assert charts.SOURCE_NOTE in kept and picture.layout.title.text  # a picture of its own: title and source


def test_the_gap_charts_picture_is_laid_out_at_the_slides_width(demo_base):
    """总览 gives its PNG button a figure laid out 960 px wide, its words wrapped for that width (not the page's)."""
    from reports.text_layout import text_px

    with duckdb.connect(str(demo_base[1]), read_only=True) as con, queries.reading(con):
        found = views._gap_figures(queries.Filters(2025, None, None, True), (), str(demo_base[1]))
    room = (1 - gap_chart.WIDE_LABEL_SHARE) * (placement.SLIDE_WIDTH_PT - sum(gap_chart.WIDE_MARGINS))
    for _title, _wide, _narrow, export in found:
        values = [a for a in export.layout.annotations if "／目标" in a.text]  # each row's value text
        assert values
        for a in values:
            assert all(text_px(line, a.font.size) <= room + 1 for line in a.text.split("<br>")), a.text


def test_the_picture_is_1920_px_wide_and_ready_fast_once_warmed(pictures):
    try:
        images.warm()
        images._warming.join(timeout=60)  # the page starts it when it shows a chart
        took = []
        for _ in range(3):  # the best of three: what the renderer does, not what other work on 2 cores costs it
            start = time.perf_counter()
            png = placement.slide_png(pictures[0])
            took.append(time.perf_counter() - start)
        width, height = Image.open(io.BytesIO(png)).size
        assert width == 1920 and height == round(pictures[0].layout.height * 2)
        assert min(took) <= 1.5, took
    finally:
        images.stop()
