"""One palette with words or marks in every view, the ledger's timeline as a leader reads it, and plain words
(issue 21 items 3, 5, 6)."""

import re
from datetime import date

import duckdb
import pandas as pd
import pytest

from dashboard import reminders_ui
from pipelines.core import config, palette
from pipelines.core import school_settings as s
from reports import charts, cockpit, queries, readiness


@pytest.fixture(scope="module")
def statuses(demo_base):
    with duckdb.connect(str(demo_base[1]), read_only=True) as con, queries.reading(con):
        return queries.statuses(queries.Filters(2025, None, None, True))


def test_an_acceptance_tile_shows_the_worst_of_its_criteria(statuses):
    """The issue's 2030 tile: a calm blue 未到期 while 4 criteria were 滞后; now the colour and words of the worst."""
    t = next(statuses[statuses["target_id"] == "T06-9"].itertuples())
    assert t.status == "not_due"
    behind = {"met": 27, "on_track": 6, "behind": 4, "unknown": 8, "total": 45}
    tile = cockpit.tile(t, [], 2025, behind)
    assert f"--status:{palette.CLASS_COLOURS['behind']}" in tile and "▲ 滞后4项" in tile and "未到期" not in tile
    on_track = cockpit.tile(t, [], 2025, {**behind, "behind": 0})
    assert f"--status:{palette.CLASS_COLOURS['on_track']}" in on_track and "○ 按期可达6项" in on_track
    done = cockpit.tile(t, [], 2025, {"met": 45, "on_track": 0, "behind": 0, "unknown": 0, "total": 45})
    assert "✓ 标准全部达到" in done


def test_every_tile_chip_and_legend_carries_its_mark(statuses):
    for t in statuses.itertuples():
        if t.kind != "milestone":
            assert f"<div class='chip'>{palette.tag(t.status)}</div>" in cockpit.tile(t, [], 2025)
    bar = cockpit.counts_bar(statuses, 8)
    for code in statuses["status"].unique():
        assert f"{palette.mark(code)}</span>{config.STATUS_LABELS[code]}" in bar


def test_the_school_matrix_marks_each_figure_by_its_level():
    frame = pd.DataFrame({
        "name": ["甲小学"] * 3, "stage": ["小学"] * 3, "township": ["新惠镇"] * 3, "students": [300] * 3,
        "short": ["体育场馆", "骨干教师", "体艺教师"], "value": [16.1, 0.65, 1.2], "level": ["met", "below", "near"]})
    text, levels = readiness.matrix(frame)
    row = text.iloc[0]
    assert (row["体育场馆"], row["骨干教师"], row["体艺教师"]) == ("✓ 16.1", "× 0.65", "▲ 1.20")
    # 达标 and 低于85% differ in grey by far more than two print shades, and the legend says each in words
    assert palette.lightness(s.LEVEL_COLOURS["met"]) - palette.lightness(s.LEVEL_COLOURS["below"]) > 30


@pytest.mark.parametrize(("cell", "klass"), [
    ("已通过", "met"), ("待审核", "on_track"), ("已退回", "behind"), ("已退回，逾期12天", "missed"),
    ("未报送", "pending"), ("未报送，逾期243天", "missed"), ("—", None),
])
def test_a_reminder_cell_is_in_the_palettes_class(cell, klass):
    assert reminders_ui.cell_class(cell) == klass


def test_the_ledger_timeline_names_its_rows_and_keeps_deadlines_inside_their_year():
    milestones = pd.DataFrame({
        "task_no": [22, 3, 6], "due_date": pd.to_datetime(["2023-08-31", "2025-12-31", "2030-12-31"]),
        "first_due": pd.to_datetime(["2023-08-31", "2025-12-31", "2025-12-31"]),
        "label": ["任务22 理顺校长管理体制", "任务3 高中创优与毛入学率", "任务6 初小学科基地与共同体"],
        "state": ["已完成", "逾期未完成", "未到期"], "hover": ["", "", ""]})
    fig = charts.timeline_chart(milestones, date(2026, 12, 5), 2025, True)
    placed = {label: x for trace in fig.data for label, x in zip(trace.y, trace.x)}
    for label, day in zip(milestones["label"], milestones["due_date"]):
        assert day.year + 0.05 < placed[label] < day.year + 0.95, (label, placed[label])  # clear of both gridlines
    assert fig.layout.xaxis.ticktext[0] == "2023年" and fig.layout.xaxis.tickvals[0] == 2023.5  # a year's band
    assert fig.layout.legend.y > 1  # the legend above the chart; the source line under it, where nothing else is
    source = next(a for a in fig.layout.annotations if a.name == charts.SOURCE_NOTE)
    assert source.y == 0 and source.xshift < -100  # from the chart's left edge, under the names
    assert {t.name for t in fig.data} == {"已完成", "逾期未完成", "未到期"}


def test_the_ledger_rows_are_named(demo_base):
    with duckdb.connect(str(demo_base[1]), read_only=True) as con:
        names = dict(con.execute("select task_no, short_name from task_names").fetchall())
    assert len(names) == 98 and names[22] == "理顺校长管理体制"
    assert all(0 < len(n) <= config.TASK_NAME_MAX for n in names.values())


def test_no_setting_name_or_file_before_officials(statuses):
    caption = reminders_ui.settings_caption({})
    assert not re.search(r"[A-Za-z_]{4,}", caption), caption  # report_due was said here
    for words in statuses["interpretation"].dropna():
        assert not re.search(r"config|\.py|[A-Z_]{6,}", words), words  # pipelines/config.py's VOCATIONAL_RATIO_BASIS
