"""Readiness toward 2028 普及普惠 and 2030 优质均衡, judged as the plan's targets are (pipelines.status).

For every criterion that decides the acceptance — each indicator's 校际差异系数, the share of schools
meeting the ≥6-of-7 rule, every county-wide item — the yearly values from the school-level workbooks go
through status.assess_progress toward the criterion's threshold by the acceptance year (the year of the
plan's milestone, tasks 6 and 10): met now, on track at the pace so far (按期可达), or behind.
"""

import duckdb
import pandas as pd

from .. import config
from ..sqlnames import statement
from ..status import assess_progress
from ..warehouse import insert_frame
from . import settings as s

Series = list[tuple[int, float]]
# `<` (低于: YZ_Q04's 校际差异率低于0.15) is judged by status.assess_progress, which knows >=, <= and =, as `<=` the
# threshold less this margin: a value at the threshold is not met (the values are given to 4 decimals at most).
STRICT_MARGIN = 1e-6


def judged_as(comparator: str, threshold: float) -> tuple[str, float]:
    """The comparator and threshold a criterion's series is assessed by."""
    if comparator == "<":
        return "<=", threshold - STRICT_MARGIN
    return comparator, threshold


def readiness_criteria(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The criteria readiness is judged on, with the value each is judged by (a rule: the share of schools)."""
    every = con.execute("select * from criteria order by sort_order").df()
    criteria = every[every["scope"].isin(["dispersion", "county"])
                     | ((every["scope"] == "rule") & (every["measure"] == "min_met"))].copy()
    floor = every.loc[every["measure"] == "floor", "threshold"].iloc[0]
    indicators = every[every["scope"] == "school"]["stage"].value_counts()
    rule = criteria["scope"] == "rule"
    criteria.loc[rule, "name"] = [
        f"{r.stage}逐校达标（{indicators.get(r.stage, 0)}项指标中至少{r.threshold:g}项达到要求、其余不低于要求的{floor:g}%）"
        "的学校占比" for r in criteria[rule].itertuples()]
    criteria.loc[rule, "comparator"] = ">="
    criteria.loc[rule, "threshold"] = 100.0
    criteria.loc[rule, "unit"] = "%"
    return criteria


def compute_readiness(con: duckdb.DuckDBPyConnection, criteria: pd.DataFrame, include_demo: bool,
                      first_year: int = config.YEARS[0]) -> pd.DataFrame:
    """Every readiness criterion assessed as of every year of the plan from first_year on, from the stored
    readiness_values."""
    values = con.execute("select criterion_id, year, value, is_demo, basis from readiness_values where with_demo = ? "
                         "order by criterion_id, year", [include_demo]).df()
    series: dict[str, Series] = {}
    demo_years: dict[str, set[int]] = {}
    bases: dict[tuple[str, int], str] = {}  # what each year's value was computed from
    for code, year, value, is_demo, basis in values.itertuples(index=False):
        series.setdefault(code, []).append((int(year), float(value)))
        bases[code, int(year)] = basis
        if is_demo:
            demo_years.setdefault(code, set()).add(int(year))
    rows = []
    for c in criteria.itertuples():
        flag = c.unit == "是/否"
        for as_of in (y for y in config.YEARS if y >= first_year):
            known = [(y, v) for y, v in series.get(c.criterion_id, []) if y <= as_of]
            # 是/否 as 1/0: met once 是; a 否 repeated makes no progress toward 是.
            comparator, threshold = judged_as(">=" if flag else c.comparator, float(c.threshold))
            a = assess_progress(known, comparator, threshold, int(c.acceptance_year), as_of=as_of)
            row = dict(vars(a))
            row.update(
                as_of_year=as_of, include_demo=include_demo, scheme=c.scheme, criterion_id=c.criterion_id,
                scope=c.scope, part=c.part, name=c.name, stage=c.stage, comparator=c.comparator, threshold=float(c.threshold),
                unit=c.unit, acceptance_year=int(c.acceptance_year), value=a.latest_value, status_label=a.label,
                status_group=s.readiness_group(a.status), sort_order=int(c.sort_order),
                is_demo=any(y <= as_of for y in demo_years.get(c.criterion_id, ())),
                basis=bases.get((c.criterion_id, a.latest_year)) if a.latest_year is not None else None,
            )
            rows.append(row)
    frame = pd.DataFrame(rows)
    columns = [r[0] for r in con.execute("select column_name from information_schema.columns "
                                         "where table_name = 'readiness' order by ordinal_position").fetchall()]
    return frame[[c for c in columns if c in frame.columns]]


def same_books(con: duckdb.DuckDBPyConnection, years: list[int] | None) -> bool:
    """Whether the school workbooks that count for these years (all: None) are the same with and without
    demo data (there is no demo, or the years' workbooks are real ones)."""
    (with_demo, without), = con.execute(
        "select (select list(submission_id order by year) from school_books(true)"
        "        where $years::int[] is null or list_contains($years::int[], year)),"
        "       (select list(submission_id order by year) from school_books(false)"
        "        where $years::int[] is null or list_contains($years::int[], year))",
        {"years": years}).fetchall()
    return with_demo == without


# Stored derived rows, each restated from its macro (table name and macro are constants).
STORED = (("school_indicator_rows", "school_indicator_values"), ("readiness_values", "readiness_value_rows"))


def _restate(con: duckdb.DuckDBPyConnection, table: str, macro: str, years: list[int] | None, same: bool) -> None:
    """Restate a table's rows of the given years ($years; every year when it is null) from its macro."""
    params = {"years": years}
    names = {"table": table, "macro": macro}
    con.execute(statement("delete from {table} where $years::int[] is null or list_contains($years::int[], year)",
                          **names), params)
    con.execute(statement("insert into {table} select true, * from {macro}(true)"
                          " where $years::int[] is null or list_contains($years::int[], year)", **names), params)
    if same:  # the same workbooks count either way: copy instead of computing again
        con.execute(statement("insert into {table} select false, * exclude (with_demo) from {table} where with_demo"
                              " and ($years::int[] is null or list_contains($years::int[], year))", **names), params)
    else:
        con.execute(statement("insert into {table} select false, * from {macro}(false)"
                              " where $years::int[] is null or list_contains($years::int[], year)", **names), params)


def refresh_readiness(con: duckdb.DuckDBPyConnection, years: set[int] | None = None) -> int:
    """Restate the stored judgments of the given years (all: None) and reassess readiness, with and
    without demo data, inside the caller's transaction: after every load, withdrawal and build."""
    years = sorted(years) if years is not None else None
    same = same_books(con, years)
    for table, macro in STORED:
        _restate(con, table, macro, years, same)
    criteria = readiness_criteria(con)
    # A year's values change the assessments as of that year and later only.
    first = min(years) if years else config.YEARS[0]
    frame = pd.concat([compute_readiness(con, criteria, True, first), compute_readiness(con, criteria, False, first)],
                      ignore_index=True)
    con.execute("delete from readiness where as_of_year >= ?", [first])
    insert_frame(con, "readiness", frame)
    from ..planning.store import refresh_plan  # issue 23: the path to pass, computed again when its inputs change

    refresh_plan(con)
    return len(frame)
