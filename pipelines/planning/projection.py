"""Projected enrolments per school and stage, by cohort (the grade-progression method), with a low–high range.

Each grade moves up a year with its observed progression ratio; the first grade enters from the births six
(小学) or three (幼儿园) years earlier — or that year's 6 (3) 周岁 population, where births are not given — times
the school's observed entry ratio; 初中's first grade is the county's 小学 sixth grade of the year before times the
observed 小升初 transfer ratio, shared among the junior schools as they share it now. A school that gives per-grade
counts uses them; one that gives stage totals only is split evenly over its grades (and its progression ratio is
what the totals imply once the entering cohort follows the births). A school with one year of data takes the
county's ratios. The low (high) projection uses the lowest (highest) ratios observed. A school merged into
another has its history counted in its successor's; a closed one is not projected.

Pure: frames and dicts in, frames out.
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import settings as p

LOW, MID, HIGH = p.PROJECTION_VARIANTS
JUNIOR = "初中"
PRIMARY = "小学"


@dataclass
class Population:
    """Births and the 3 and 6 周岁 populations by year, with where they come from (卫健, 统计, 公安)."""

    births: dict[int, float] = field(default_factory=dict)
    age3: dict[int, float] = field(default_factory=dict)
    age6: dict[int, float] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)  # 'births' / 'age3' / 'age6' -> the offices named


@dataclass
class Ratios:
    """Observed ratios of one school and stage: progression per grade transition and entry, each low/mid/high."""

    progression: dict[str, np.ndarray]
    entry: dict[str, float] | None
    own: bool  # its own transitions (else the county's)
    graded: bool  # per-grade counts given (else the stage total split evenly)


@dataclass
class Projection:
    frame: pd.DataFrame  # school_id, stage, year, low, mid, high (projected years only)
    methods: pd.DataFrame  # school_id, stage, graded, own, progression (mid), entry (mid), driver
    county: dict  # transfer ratios, drivers and counts said in the method text
    notes: list[str]


def successors(register: pd.DataFrame) -> dict[str, str]:
    """Old school id -> the id it was merged into (followed to the last one), from the register's merged_from."""
    direct: dict[str, str] = {}
    for school_id, merged in zip(register["school_id"], register["merged_from"]):
        for old in merged if isinstance(merged, (list, tuple, np.ndarray)) else ():
            if old and old != school_id:
                direct[str(old)] = str(school_id)
    final = {}
    for old in direct:
        seen, now = {old}, direct[old]
        while now in direct and now not in seen:
            seen.add(now)
            now = direct[now]
        final[old] = now
    return final


def with_successors(history: pd.DataFrame, register: pd.DataFrame) -> pd.DataFrame:
    """History rows of merged schools counted in their successor's (summed per stage and year)."""
    moved = successors(register)
    if not moved:
        return history
    frame = history.assign(school_id=history["school_id"].map(lambda i: moved.get(i, i)))
    grades = [c for c in frame.columns if c.startswith("grade_")]
    keys = ["school_id", "stage", "year"]
    groups = frame.groupby(keys)
    summed = groups[["students", *grades]].sum()
    # a grade summed over the merged schools only where every one of them gives it
    summed[grades] = summed[grades].where(groups[grades].count().eq(groups.size(), axis=0))
    return summed.reset_index()


def grade_matrix(rows: pd.DataFrame, stage: str) -> dict[int, tuple[np.ndarray, bool]]:
    """Year -> (students per grade, given per grade?): the per-grade counts where all are given and add up to the
    total, else the total split evenly over the stage's grades."""
    columns = [c for c in p.STAGE_GRADES.get(stage, ()) if c in rows.columns]
    grades = rows[columns].to_numpy(dtype=float) if columns else np.empty((len(rows), 0))
    return _matrix(rows["year"].to_numpy(), rows["students"].to_numpy(dtype=float), grades, stage)


def _matrix(years, totals, grades, stage: str) -> dict[int, tuple[np.ndarray, bool]]:
    n = p.GRADES[stage]
    out = {}
    for year, total, values in zip(years, totals, grades):
        if len(values) == n and not np.isnan(values).any() and abs(values.sum() - total) < 0.5:
            out[int(year)] = (values, True)
        else:
            out[int(year)] = (np.full(n, total / n), False)
    return out


def matrices_of(history: pd.DataFrame) -> dict[tuple[str, str], dict[int, tuple[np.ndarray, bool]]]:
    """grade_matrix of every school and stage of the history, at once."""
    history = history.sort_values(["school_id", "stage", "year"], ignore_index=True)
    years = history["year"].to_numpy()
    totals = history["students"].to_numpy(dtype=float)
    by_stage = {stage: history[[c for c in p.STAGE_GRADES.get(stage, ()) if c in history.columns]].to_numpy(dtype=float)
                for stage in p.GRADES}
    out = {}
    for (school_id, stage), index in history.groupby(["school_id", "stage"], sort=False).indices.items():
        out[school_id, stage] = _matrix(years[index], totals[index], by_stage[stage][index], stage)
    return out


def _summary(values: list[float]) -> dict[str, float]:
    return {LOW: float(min(values)), MID: float(np.mean(values)), HIGH: float(max(values))}


def _vector_summary(vectors: list[np.ndarray]) -> dict[str, np.ndarray]:
    stack = np.vstack(vectors)
    return {LOW: stack.min(axis=0), MID: stack.mean(axis=0), HIGH: stack.max(axis=0)}


def observed(matrix: dict[int, tuple[np.ndarray, bool]], driver: dict[int, float] | None) -> tuple[list[np.ndarray], list[float]]:
    """The progression-ratio vectors of consecutive years and the entry ratios of the years with a driver."""
    years = sorted(matrix)
    progressions, entries = [], []
    for y in years:
        grades, _ = matrix[y]
        if driver and driver.get(y):
            entries.append(grades[0] / driver[y])
    for y, nxt in zip(years, years[1:]):
        if nxt != y + 1:
            continue
        (now, graded_now), (then, graded_then) = matrix[y], matrix[nxt]
        n = len(now)
        if graded_now and graded_then:
            ratios = np.array([then[g + 1] / now[g] if now[g] > 0 else np.nan for g in range(n - 1)])
            if np.isnan(ratios).any():
                continue
        else:
            # stage totals: the entering cohort follows the driver (births), the rest moved up with one ratio
            entering = then[0] if graded_then else now[0] * (driver[nxt] / driver[y] if driver and driver.get(y)
                                                            and driver.get(nxt) else 1.0)
            stay = now.sum() - now[-1]
            if stay <= 0:
                continue
            ratios = np.full(n - 1, (then.sum() - entering) / stay)
        progressions.append(np.clip(ratios, 0.0, None))
    return progressions, entries


def _driver(stage: str, population: Population, years: list[int]) -> tuple[str | None, dict[int, float]]:
    """The series the first grade enters from: births `age` years before, or that year's age group."""
    if stage not in p.ENTRY_AGE:
        return None, {}
    age = p.ENTRY_AGE[stage]
    births = {y: population.births[y - age] for y in years if population.births.get(y - age)}
    ages = population.age6 if age == 6 else population.age3
    by_age = {y: ages[y] for y in years if ages.get(y)}
    if births and len(births) >= len(by_age):
        return "births", births
    if by_age:
        return f"age{age}", by_age
    return None, {}


def project(history: pd.DataFrame, register: pd.DataFrame, population: Population, base_year: int,
            end_year: int = p.PROJECTION_END) -> Projection:
    """history: school_id, stage, year, students and optional grade_1 … grade_9 (小学/初中 rows and 幼儿园 rows);
    register: school_id, year, merged_from (every year's, for the successors) and the base year's schools to
    project (those in the base year's register with a row that year)."""
    numeric = ["students", *(c for c in history.columns if c.startswith("grade_"))]
    history = history.astype({c: "float64" for c in numeric})  # a missing count as NaN, not pd.NA
    history = with_successors(history[history["year"] <= base_year], register)
    history = history[history["students"].notna()]
    years = list(range(base_year + 1, end_year + 1))
    all_years = sorted(set(history["year"]) | set(years))
    current = history[history["year"] == base_year][["school_id", "stage"]].drop_duplicates()
    notes: list[str] = []
    drivers = {stage: _driver(stage, population, all_years) for stage in p.GRADES}
    matrices = matrices_of(history)

    # Each stage's county ratios (pooled over schools): the ratios of a school without transitions of its own.
    county_ratios: dict[str, Ratios] = {}
    for stage in p.GRADES:
        _, driver = drivers[stage]
        progs, entries = [], []
        keys = [k for k in matrices if k[1] == stage]
        for y in sorted({y for k in keys for y in matrices[k]}):
            now = sum((matrices[k][y][0] for k in keys if y in matrices[k] and y + 1 in matrices[k]), np.zeros(p.GRADES[stage]))
            then = sum((matrices[k][y + 1][0] for k in keys if y in matrices[k] and y + 1 in matrices[k]), np.zeros(p.GRADES[stage]))
            graded = all(matrices[k][y][1] and matrices[k][y + 1][1] for k in keys if y in matrices[k] and y + 1 in matrices[k])
            if now.sum() > 0:
                pr, _ = observed({y: (now, graded), y + 1: (then, graded)}, driver)
                progs += pr
            total = sum((matrices[k][y][0] for k in keys if y in matrices[k]), np.zeros(p.GRADES[stage]))
            if driver.get(y) and total.sum() > 0:
                entries.append(total[0] / driver[y])
        progression = _vector_summary(progs) if progs else {v: np.ones(p.GRADES[stage] - 1) for v in p.PROJECTION_VARIANTS}
        county_ratios[stage] = Ratios(progression, _summary(entries) if entries else None, False, False)

    ratios: dict[tuple[str, str], Ratios] = {}
    for school_id, stage in current.itertuples(index=False):
        matrix = matrices[school_id, stage]
        _, driver = drivers[stage]
        progs, entries = observed(matrix, driver)
        graded = matrix[base_year][1]
        own = bool(progs)
        progression = _vector_summary(progs) if own else county_ratios[stage].progression
        entry = _summary(entries) if entries else None
        ratios[school_id, stage] = Ratios(progression, entry, own, graded)

    # 小学 and 幼儿园 first (they enter from the population), then 初中 from the county's 小学 sixth grade.
    results: dict[tuple[str, str], dict[str, dict[int, np.ndarray]]] = {}
    for (school_id, stage), r in ratios.items():
        if stage == JUNIOR:
            continue
        _, driver = drivers[stage]
        results[school_id, stage] = {v: _run(matrices[school_id, stage][base_year][0], r, v, years,
                                             lambda y, v=v, r=r, driver=driver: (r.entry[v] * driver[y]
                                                                                  if r.entry and driver.get(y) else None))
                                     for v in p.PROJECTION_VARIANTS}

    transfer = _transfer(matrices, base_year)
    juniors = [k for k in ratios if k[1] == JUNIOR]
    first = {k: matrices[k][base_year][0][0] for k in juniors}
    total_first = sum(first.values())
    sixth = {v: {base_year: sum(matrices[k][base_year][0][-1] for k in matrices if k[1] == PRIMARY and base_year in matrices[k]),
                 **{y: sum(results[k][v][y][-1] for k in results if k[1] == PRIMARY) for y in years}}
             for v in p.PROJECTION_VARIANTS}
    for key in juniors:
        r = ratios[key]
        share = first[key] / total_first if total_first else 1.0 / max(len(juniors), 1)
        results[key] = {v: _run(matrices[key][base_year][0], r, v, years,
                                lambda y, v=v, share=share: share * transfer[v] * sixth[v][y - 1] if transfer else None)
                        for v in p.PROJECTION_VARIANTS}
    if not transfer and juniors:
        notes.append("没有相邻两年的小学六年级与初中一年级人数，初中新生按最近一年人数保持不变")

    rows = []
    for (school_id, stage), by_variant in results.items():
        for y in years:
            values = sorted(float(by_variant[v][y].sum()) for v in p.PROJECTION_VARIANTS)
            rows.append({"school_id": school_id, "stage": stage, "year": y,
                         "low": round(values[0]), "mid": round(float(by_variant[MID][y].sum())), "high": round(values[2])})
    frame = pd.DataFrame(rows, columns=["school_id", "stage", "year", "low", "mid", "high"])
    methods = pd.DataFrame([{
        "school_id": sid, "stage": stage, "graded": r.graded, "own": r.own,
        "progression": float(np.mean(r.progression[MID])) if len(r.progression[MID]) else None,
        "progression_low": float(np.mean(r.progression[LOW])) if len(r.progression[LOW]) else None,
        "progression_high": float(np.mean(r.progression[HIGH])) if len(r.progression[HIGH]) else None,
        "entry": r.entry[MID] if r.entry else None, "driver": drivers[stage][0] if stage != JUNIOR else "transfer",
    } for (sid, stage), r in ratios.items()])
    county = {"transfer": transfer, "drivers": {stage: d[0] for stage, d in drivers.items()},
              "county_progression": {stage: float(np.mean(c.progression[MID])) for stage, c in county_ratios.items()},
              "sources": population.sources, "base_year": base_year, "end_year": end_year,
              "merged": len(successors(register))}
    return Projection(frame.sort_values(["school_id", "stage", "year"], ignore_index=True), methods, county, notes)


def _run(start: np.ndarray, r: Ratios, variant: str, years: list[int], entering) -> dict[int, np.ndarray]:
    """The grades of each projected year: everyone moves up a grade with its ratio, the first grade enters."""
    grades = start.astype(float).copy()
    out = {}
    for y in years:
        moved = np.empty_like(grades)
        moved[1:] = grades[:-1] * r.progression[variant]
        new = entering(y)
        moved[0] = grades[0] if new is None else new
        grades = moved
        out[y] = grades.copy()
    return out


def _transfer(matrices: dict, base_year: int) -> dict[str, float] | None:
    """小学→初中: the county's 初中 first grade over its 小学 sixth grade of the year before, low/mid/high."""
    ratios = []
    years = sorted({y for m in matrices.values() for y in m})
    for y in years:
        sixth = sum(m[y][0][-1] for k, m in matrices.items() if k[1] == PRIMARY and y in m)
        first = sum(m[y + 1][0][0] for k, m in matrices.items() if k[1] == JUNIOR and y + 1 in m)
        if sixth > 0 and first > 0 and y + 1 <= base_year:
            ratios.append(first / sixth)
    return _summary(ratios) if ratios else None
