"""The briefing deck as a whole: its slide builders in order, each chart rendered as soon as its slide is built,
written as one .pptx (the builders: briefing.py for the plan's parts, readiness_exports.py for the acceptances).
"""

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import duckdb

from pipelines.core import config

from . import images, placement, readiness_exports
from .briefing import (
    cover_slides,
    key_indicator_slides,
    leader_slides,
    notes_slides,
    overdue_slides,
    section_slides,
    summary_slides,
)
from .briefing_data import Briefing, gather
from .plan_exports import deck_slides as plan_slides  # issue 23: the path to pass
from .queries import reading
from .slides import Chart, Slide, write_deck

readiness_slides = readiness_exports.deck_slides  # issue 12: the 2028 and 2030 acceptances

# The deck, in order. Another part of the platform adds its slides by adding its builder here.
SLIDE_BUILDERS: list[Callable[[Briefing], list[Slide]]] = [
    cover_slides, leader_slides, summary_slides, section_slides, key_indicator_slides, overdue_slides, readiness_slides,
    plan_slides, notes_slides,
]


def deck_slides(con: duckdb.DuckDBPyConnection, b: Briefing, on_chart: Callable[[Chart], None] | None = None) -> Iterator[Slide]:
    """Every slide of the deck, in order; on_chart sees each chart as soon as its slide is built."""
    with reading(con):
        for builder in SLIDE_BUILDERS:
            for slide in builder(b):
                for item in slide.items:
                    if on_chart and isinstance(item, Chart):
                        on_chart(item)
                yield slide


def build_deck(con: duckdb.DuckDBPyConnection, as_of: int | None = None, include_demo: bool = True) -> bytes:
    """The whole deck as .pptx bytes (charts rendered once each by the shared kaleido browser)."""
    images.start()  # the browser starts in the background while the data are read and the figures built
    b = gather(con, as_of, include_demo)
    # Each chart goes to the renderer as soon as it is built, so that Chromium draws one while Python
    # builds the next.
    with ThreadPoolExecutor(max_workers=1) as renderer:
        def render(chart: Chart) -> None:
            chart.png = renderer.submit(placement.render, chart.figure, chart.box.width)

        slides = list(deck_slides(con, b, render))
        return write_deck(slides, b.demo, config.SOURCE_LINE)
