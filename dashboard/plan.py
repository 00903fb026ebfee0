"""The path to pass (issue 23) for the pages and the exports: the stored plan read through dashboard.queries
(the page's cached reader, or an export's connection), its figures, and the what-if kept per data version."""

import pandas as pd

from pipelines.planning import report

from . import plan_charts
from .queries import query


class _Result:
    def __init__(self, frame: pd.DataFrame):
        self.frame = frame

    def df(self) -> pd.DataFrame:
        return self.frame

    def fetchall(self) -> list[tuple]:
        return list(self.frame.itertuples(index=False, name=None))


class Reader:
    """pipelines.planning.report's reads (con.execute(sql, params).df()) through dashboard.queries.query."""

    def execute(self, sql: str, params=()) -> _Result:
        return _Result(query(sql, tuple(params)))


READER = Reader()


def available() -> bool:
    """The warehouse has the plan tables and a plan in them (one built before issue 23 needs a rebuild)."""
    present = query("select count(*) as n from information_schema.tables where table_name = 'plan_runs'")["n"].iloc[0]
    return bool(present) and bool(query("select count(*) as n from plan_runs")["n"].iloc[0])


def run(scheme: str) -> dict | None:
    return report.run_of(READER, scheme)


def base_year() -> int | None:
    """The year of the school data the plan starts from (the latest that counts)."""
    years = query("select max(base_year) as y from plan_runs")["y"]
    return int(years.iloc[0]) if len(years) and pd.notna(years.iloc[0]) else None


def shown_as_of(as_of: int) -> bool:
    """Whether an evaluation year shows the plan: it reads the latest school data, so not a year before it (a
    report as of an earlier year reads nothing later than that year)."""
    start = base_year()
    return start is not None and as_of >= start


def plan(scheme: str) -> pd.DataFrame:
    return report.plan_table(READER, scheme)


def totals(scheme: str) -> pd.DataFrame:
    return report.totals(READER, scheme)


def path(scheme: str) -> pd.DataFrame:
    return report.path_table(READER, scheme)


def criteria_years(scheme: str) -> pd.DataFrame:
    return report.criteria_years(READER, scheme)


def moves(scheme: str) -> pd.DataFrame:
    return report.moves_table(READER, scheme)


def changes() -> pd.DataFrame:
    return report.changes_table(READER)


def costs() -> pd.DataFrame:
    return report.costs_table(READER)


def projection() -> pd.DataFrame:
    return report.projection_table(READER)


def county_projection() -> pd.DataFrame:
    return report.county_projection(READER)


def school_history(school_id: str) -> pd.DataFrame:
    """One school's students per stage and year: observed, then projected (low, mid, high)."""
    return query("""
        select stage, year, 'history' as kind, sum(students)::double as low, sum(students)::double as mid,
            sum(students)::double as high
        from (select school_id, stage, year, students from school_stage_counts(true) where stage in ('小学', '初中')
              union all
              select k.school_id, '幼儿园', k.year, k.children from kindergarten_counts k
              join school_books(true) b using (submission_id))
        where school_id = ? group by stage, year
        union all
        select stage, year, 'projection', low, mid, high from enrolment_projection where school_id = ?
        order by stage, year""", (school_id, school_id))


def schools_passing(scheme: str) -> pd.DataFrame:
    """Per year and scenario: schools (kindergartens) passing, of those judged."""
    return query("""
        select year, scenario, count(*) filter (where status = 'pass') as passing,
            count(*) filter (where status <> 'no_data') as judged
        from plan_schools where scheme = ? group by all order by year, scenario""", (scheme,))


def projection_figure(as_of: int, demo: bool):
    frame = county_projection()
    return plan_charts.projection_chart(frame, "全旗在校生与在园幼儿：实际与推算", as_of, demo) if len(frame) else None


def school_figure(school_id: str, name: str, as_of: int, demo: bool):
    frame = school_history(school_id)
    return plan_charts.projection_chart(frame, f"{name}：在校生实际与推算", as_of, demo) if len(frame) else None


def path_figure(scheme: str, as_of: int, demo: bool):
    frame = schools_passing(scheme)
    r = run(scheme)
    if frame.empty or r is None:
        return None
    return plan_charts.path_chart(frame, scheme, int(r["acceptance_year"]), as_of, demo)


def cost_figure(scheme: str, as_of: int, demo: bool):
    frame = totals(scheme)
    r = run(scheme)
    if frame.empty or r is None:
        return None
    return plan_charts.cost_chart(frame, scheme, int(r["acceptance_year"]), as_of, demo)
