"""Figures the pages draw, built once per set of inputs and data version.

Building a Plotly figure costs far more than drawing it (each call validates every property), so the
figures are kept (st.cache_resource: the same object, not a copy) until the inputs or the warehouse
change. Callers must not modify a figure they get from here.
"""

from pathlib import Path

import plotly.graph_objects as go
import streamlit as st

from reports import charts, gap_chart, indicator_charts, placement, queries
from reports.queries import Filters

from .data import data_version, db_path


def version() -> tuple:
    return data_version(db_path())


@st.cache_resource(show_spinner=False, max_entries=64)
def _gap_figures(f: Filters, stamp: tuple, db: str) -> list[tuple[str, go.Figure, go.Figure, go.Figure]]:
    targets = queries.statuses(f)
    out = []
    for title, part in gap_chart.gap_chunks(targets):
        demo = f.show_demo and bool(part["is_demo"].any())
        heading = f"{title}：量化目标进展"
        out.append((title, gap_chart.gap_chart(part, f.as_of, demo, heading, width=charts.DESKTOP_PAGE_WIDTH),
                    gap_chart.gap_chart(part, f.as_of, demo, heading, stacked=True, width=charts.PHONE_PAGE_WIDTH),
                    gap_chart.gap_chart(part, f.as_of, demo, heading, width=placement.SLIDE_WIDTH_PT)))
    return out


def gap_figures(f: Filters) -> list[tuple[str, go.Figure, go.Figure, go.Figure]]:
    """(title, the page's figure for a laptop or wider, for a phone, the slide-wide figure for the PNG) per
    slide-sized group of targets."""
    return _gap_figures(f, version(), str(db_path()))


# A page shows a chart laid out for its width: the laptop's where the main column is at least as wide as that was
# laid out for, else the phone's (a CSS container query on the main column; the other is not displayed).
WIDTH_SWITCH_CSS = f"""
<style>
[data-testid="stMainBlockContainer"] {{ container-type: inline-size; container-name: main; }}
@container main (max-width: {charts.DESKTOP_PAGE_WIDTH - 1}px) {{ [class*="st-key-wide_"] {{ display: none !important; }} }}
@container main (min-width: {charts.DESKTOP_PAGE_WIDTH}px) {{ [class*="st-key-narrow_"] {{ display: none !important; }} }}
</style>
"""


@st.cache_resource(show_spinner=False, max_entries=128)
def _indicator_figure(target_id: str, f: Filters, stamp: tuple, db: str) -> go.Figure | None:
    targets = queries.statuses(Filters(f.as_of, None, None, f.show_demo))
    target = next(targets[targets["target_id"] == target_id].itertuples())
    values, shares, demo = queries.indicator_data(target.indicator_code, target.kind, f)
    if (shares if shares is not None else values).empty:
        return None
    return indicator_charts.indicator_chart(target, values, f.as_of, demo, shares)


def indicator_figure(target_id: str, f: Filters) -> go.Figure | None:
    return _indicator_figure(target_id, f, version(), str(db_path()))


@st.cache_resource(show_spinner=False, max_entries=64)
def _timeline_figure(task_nos: tuple, f: Filters, stamp: tuple, db: str) -> go.Figure | None:
    import pandas as pd

    ledger = queries.ledger(Filters(f.as_of, None, None, f.show_demo))
    shown = ledger[ledger["task_no"].isin(task_nos)]
    today = queries.ledger_date(f.as_of)
    milestones = queries.query("select task_no, due_date, milestone from task_deadlines order by due_date")
    milestones = milestones.merge(shown[["task_no", "latest_status", "lead_units", "first_due", "milestone_done"]], on="task_no")
    if milestones.empty:
        return None
    passed = pd.to_datetime(milestones["due_date"]).dt.date < today
    milestones["state"] = ["已完成" if d else ("逾期未完成" if p else "未到期") for d, p in zip(milestones["milestone_done"], passed)]
    names = dict(queries.query("select task_no, short_name from task_names").itertuples(index=False))
    milestones["label"] = [f"任务{n} {names.get(n, '')}".strip() for n in milestones["task_no"]]  # the hover: who leads
    milestones["hover"] = [
        f"<b>任务{r.task_no}</b>（牵头：{r.lead_units}）：{r.milestone}<br>应完成：{pd.Timestamp(r.due_date):%Y-%m-%d}"
        f"<br>最新进展：{r.latest_status if isinstance(r.latest_status, str) else '未填报'}"
        for r in milestones.itertuples()
    ]
    return charts.timeline_chart(milestones, today, f.as_of, f.show_demo and bool(shown["is_demo"].fillna(False).any()))


def timeline_figure(task_nos: tuple, f: Filters) -> go.Figure | None:
    return _timeline_figure(task_nos, f, version(), str(db_path()))


@st.cache_resource(show_spinner=False, max_entries=32)
def _matrix_figure(unit: str | None, stamp: tuple, db: str) -> go.Figure:
    from .matrix_html import roles

    return charts.units_matrix(roles(unit), None, False)


def matrix_figure(unit: str | None) -> go.Figure:
    return _matrix_figure(unit, version(), str(db_path()))


@st.cache_resource(show_spinner=False, max_entries=32)
def _completeness_figure(f: Filters, stamp: tuple, db: str) -> go.Figure | None:
    received = queries.completeness(f.show_demo, queries.last_due_year(f.as_of))
    if f.unit:
        received = received[received["unit"] == f.unit]
    if received.empty:
        return None
    return charts.completeness_chart(received, f.as_of, f.show_demo)


def completeness_figure(f: Filters) -> go.Figure | None:
    return _completeness_figure(f, version(), str(db_path()))


@st.cache_data(show_spinner=False, max_entries=64)
def _blank_workbook(unit: str, year: int, stamp: tuple, db: str) -> bytes:
    from pipelines.warehouse.connection import connect
    from pipelines.workbooks.template import template_bytes

    with connect(Path(db), read_only=True) as con:
        return template_bytes(con, unit, year)


def blank_workbook(unit: str, year: int) -> bytes:
    """A unit's workbook for a year (the `template` command's code), kept until the warehouse changes."""
    return _blank_workbook(unit, year, version(), str(db_path()))
