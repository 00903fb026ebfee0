"""The school-level rows of projected years, as a workbook would give them: the base year's register and
resources, the projected students, and what is added — the planned changes from the year each is ready, the
plan's additions — so that the real rules (pipelines.schools.judge) can judge them.

Pure: frames in, frames out.
"""

import numpy as np
import pandas as pd

from ..schools import settings as ss
from ..schools.judge import Rows
from . import settings as p

ADDITION_COLUMNS = ["school_id", "stage", "resource", "amount", "year_ready"]


def _repeat(frame: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    if frame.empty:
        return frame.copy()
    return pd.concat([frame.assign(year=y) for y in years], ignore_index=True)


def rows_for(base: Rows, years: list[int], students: pd.DataFrame, additions: pd.DataFrame,
             population_3_5: dict[int, float] | None = None) -> Rows:
    """The rows of each year: the base year's, with students (school_id, stage, year, students — 幼儿园 for a
    kindergarten's children) and the additions ready by that year (school_id, stage, resource, amount,
    year_ready). population_3_5: the 3—5周岁 population of each year (the denominator of 毛入园率)."""
    register = _repeat(base.register, years)
    counts = _repeat(base.counts, years)
    kgs = _repeat(base.kindergartens, years)
    county = _repeat(base.county, years)
    for column in ss.STAGE_GRADES["小学"] + ss.STAGE_GRADES["初中"]:
        if column in counts:
            counts[column] = None  # the grades of a projected year are not given (only its totals)
    projected = students.rename(columns={"students": "_students"})
    if len(counts):
        counts = counts.merge(projected, on=["school_id", "stage", "year"], how="left")
        counts["students"] = counts["_students"].where(counts["_students"].notna(), counts["students"])
        counts = counts.drop(columns="_students")
    if len(kgs):
        kg_students = projected[projected["stage"] == p.KINDERGARTEN_STAGE].drop(columns="stage")
        kgs = kgs.merge(kg_students, on=["school_id", "year"], how="left")
        kgs["children"] = kgs["_students"].where(kgs["_students"].notna(), kgs["children"])
        kgs = kgs.drop(columns="_students")
    if population_3_5:
        county = county[county["item_code"] != "POP_3_5"]
        county = pd.concat([county, pd.DataFrame({"year": list(population_3_5), "item_code": "POP_3_5",
                                                  "value": list(population_3_5.values())})], ignore_index=True)
        county = county[county["year"].isin(years)]
    counts, kgs = apply(counts, kgs, additions, years)
    return Rows(register, counts, kgs, county)


def apply(counts: pd.DataFrame, kgs: pd.DataFrame, additions: pd.DataFrame, years: list[int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each addition added to its school's row of every year from the year it is ready (a shared facility of a
    two-stage school to its 全校共用 row, which the rules split by students; the row made if the school has none)."""
    if additions is None or additions.empty:
        return counts, kgs
    adds = additions[additions["resource"].isin(list(p.RESOURCES))]
    by_year = pd.concat([adds[adds["year_ready"] <= y].assign(year=y) for y in years], ignore_index=True)
    if by_year.empty:
        return counts, kgs
    # one column per warehouse column added to (幼儿活动用房 adds to 园舍建筑面积 too), summed per row
    long = pd.concat([by_year[by_year["resource"] == resource].assign(column=column)
                      for resource, r in p.RESOURCES.items() for column in r[3]], ignore_index=True)
    kinder = long["resource"].map(lambda k: p.RESOURCES[k][2] == "kindergarten")
    return _add(counts, long[~kinder], ["school_id", "stage", "year"], make_rows=True), \
        _add(kgs, long[kinder], ["school_id", "year"], make_rows=False)


def _add(target: pd.DataFrame, long: pd.DataFrame, keys: list[str], make_rows: bool) -> pd.DataFrame:
    if long.empty:
        return target
    wide = long.pivot_table(index=keys, columns="column", values="amount", aggfunc="sum").reset_index()
    columns = [c for c in wide.columns if c not in keys]
    if make_rows:  # a 全校共用 row the school has not typed yet
        have = pd.MultiIndex.from_frame(target[keys]) if len(target) else pd.MultiIndex.from_tuples([], names=keys)
        new = wide[~pd.MultiIndex.from_frame(wide[keys]).isin(have)]
        if len(new):
            target = pd.concat([target, new[keys]], ignore_index=True)
    merged = target.merge(wide.rename(columns={c: f"_add_{c}" for c in columns}), on=keys, how="left")
    for column in columns:
        added = merged.pop(f"_add_{column}")
        merged[column] = np.where(added.notna(), pd.to_numeric(merged[column]).fillna(0).to_numpy(dtype=float) + added.fillna(0),
                                  pd.to_numeric(merged[column]).to_numpy(dtype=float))
    return merged


def plan_additions(additions: pd.DataFrame, year: int) -> pd.DataFrame:
    """The plan's additions and moves (optimise.Outcome.additions: resource, or resource:in / :out) as rows to apply
    in the acceptance year."""
    if additions.empty:
        return pd.DataFrame(columns=ADDITION_COLUMNS)
    resource = additions["resource"].str.split(":").str[0]
    return pd.DataFrame({"school_id": additions["school_id"], "stage": additions["stage"], "resource": resource,
                         "amount": additions["amount"], "year_ready": year})
