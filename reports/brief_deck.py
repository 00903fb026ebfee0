"""The leaders' short deck (`report --brief`): at most ten 16:9 slides — the cover, the 领导版, the headline
indicators, the two acceptances, and the matters that need a decision. The full deck (reports.briefing) stays
for those who want the detail.

The deck is the list BRIEF_BUILDERS: each builder takes the Briefing and its LeaderBrief and returns its slides;
the 领导版 goes after the cover on the slides the others leave.
"""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import duckdb
import pandas as pd

from pipelines.core import config, formats, palette

from . import images, leader, placement
from .briefing import cover_slides
from .briefing_data import Briefing, gather
from .leader import LeaderBrief
from .leader_slides import decision_slides, leader_slides
from .placement import Box
from .queries import reading
from .readiness_exports import summary_slides
from .slides import CONTENT, MUTED, Chart, Line, Slide, Table, Text, table_rows, text_height, write_deck

MAX_SLIDES = 10  # docs/design.md: report --brief, the leaders' short deck


def brief_cover(b: Briefing, brief: LeaderBrief) -> list[Slide]:
    return cover_slides(b, "目标进展情况汇报（领导版）")


def headline_frame(statuses: pd.DataFrame, as_of: int) -> pd.DataFrame:
    """The headline indicators as a table a leader reads across: latest, target, when due, gap, status (a figure and
    its year in cells of their own, never broken between two lines inside a number)."""
    rows = []
    for target_id in config.KEY_TARGETS:
        found = statuses[statuses["target_id"] == target_id]
        if found.empty:
            continue
        r = next(found.itertuples())
        earlier = formats.present(r.latest_year) and int(r.latest_year) != as_of
        latest = leader.value_words(r) + (f"（{int(r.latest_year)}年）" if earlier else "")
        gap = "—" if r.status in config.MET_STATUSES else leader.gap_words(r)
        rows.append({"指标": leader.name_words(r), "最新": latest, "目标": leader.goal_words(r),
                     "期限": leader.due_words(r), "差距": gap, "状态": palette.tag(r.status, r.status_label),
                     "牵头单位": r.lead_unit})
    return pd.DataFrame(rows, columns=["指标", "最新", "目标", "期限", "差距", "状态", "牵头单位"])


def headline_slides(b: Briefing, brief: LeaderBrief) -> list[Slide]:
    frame = headline_frame(b.statuses, b.as_of)
    if frame.empty:
        return []
    note = [Line("两项验收见后页；各指标的历年图表见完整汇报幻灯片。", 14, colour=MUTED, space_after=0)]
    note_h = text_height(note, CONTENT.width)
    widths = [2.4, 1.6, 1.9, 1.4, 2.2, 2.0, 1.3]  # 期限, 差距 and 状态 each on one line
    box = Box(CONTENT.left, CONTENT.top, CONTENT.width, CONTENT.height - note_h - 8)
    size = 18.0 if len(table_rows(frame, box, widths, 18.0)) == 1 else 16.0
    return [Slide(f"重点指标（评估年度{b.as_of}年）", [Table(frame, box, widths, size),
                                                   Text(Box(CONTENT.left, CONTENT.top + CONTENT.height - note_h,
                                                            CONTENT.width, note_h), note)])]


def acceptance_slides(b: Briefing, brief: LeaderBrief) -> list[Slide]:
    return summary_slides(b)


def brief_decisions(b: Briefing, brief: LeaderBrief) -> list[Slide]:
    return decision_slides(brief)


# The deck, in order; the 领导版 takes the slides the others leave (MAX_SLIDES in all).
BRIEF_BUILDERS: list[Callable[[Briefing, LeaderBrief], list[Slide]]] = [
    brief_cover, headline_slides, acceptance_slides, brief_decisions,
]
LEADER_AFTER = 1  # the 领导版 follows the cover


def brief_slides(con: duckdb.DuckDBPyConnection, b: Briefing) -> list[Slide]:
    """Every slide of the short deck, in order: never more than MAX_SLIDES."""
    with reading(con):
        brief = leader.from_briefing(b)
        parts = [builder(b, brief) for builder in BRIEF_BUILDERS]
        room = MAX_SLIDES - sum(len(part) for part in parts)
        parts.insert(LEADER_AFTER, leader_slides(brief, max(1, room)))
    return [slide for part in parts for slide in part]


def build_brief_deck(con: duckdb.DuckDBPyConnection, as_of: int | None = None, include_demo: bool = True) -> bytes:
    """The short deck as .pptx bytes (its charts rendered by the shared kaleido browser)."""
    images.start()
    b = gather(con, as_of, include_demo)
    slides = brief_slides(con, b)
    with ThreadPoolExecutor(max_workers=1) as renderer:
        for slide in slides:
            for item in slide.items:
                if isinstance(item, Chart):
                    item.png = renderer.submit(placement.render, item.figure, item.box.width)
        return write_deck(slides, b.demo, config.SOURCE_LINE)
