"""What a plan is computed from, read from the warehouse once: the school rows that count (with demo ones while
the demo runs: they are taken out when it ends), the register's history, the planned changes and population of
the planning workbooks that count, the unit costs, the criteria and the latest readiness values."""

import hashlib
from dataclasses import dataclass

import duckdb
import pandas as pd

from ..core import school_settings as ss
from ..core.sqlnames import statement
from ..schools.judge import REFERENCE_TABLES, Rows, reference_of
from ..schools.readiness import readiness_criteria
from .projection import Population

GRADE_COLUMNS = [c for _, c, _ in ss.GRADE_FIELDS]


@dataclass
class PlanInputs:
    base_year: int | None
    is_demo: bool
    history: pd.DataFrame  # school_id, stage, year, students, grade_1 … grade_9 (幼儿园: children)
    register: pd.DataFrame  # every year's register: school_id, year, merged_from
    base: Rows | None  # the base year's rows
    population: Population
    age_3_5: dict[int, float]  # the observed 3—5周岁 population (KG_AGE_POP, or an older workbook's POP_3_5)
    changes: pd.DataFrame  # the planned changes that count
    costs: pd.DataFrame
    criteria: pd.DataFrame
    readiness: pd.DataFrame  # readiness_criteria: what decides each acceptance
    latest: pd.DataFrame  # readiness_values that count: criterion_id, year, value
    reference: dict[str, pd.DataFrame]
    names: dict[str, str]  # school id -> name (the base year's register)

    def key(self, extra: str = "") -> str:
        """A fingerprint of everything a plan depends on: the plan is computed again only when it changes."""
        digest = hashlib.sha256(extra.encode())
        for frame in (self.history, self.register, self.changes, self.costs, self.latest,
                      *(self.reference[t] for t in REFERENCE_TABLES if t != "indicators"),
                      *((self.base.register, self.base.counts, self.base.kindergartens, self.base.county) if self.base else ())):
            digest.update(pd.util.hash_pandas_object(frame.astype(str), index=False).values.tobytes())
        digest.update(repr(sorted((vars(self.population)).items())).encode())
        digest.update(repr(sorted(self.age_3_5.items())).encode())
        return digest.hexdigest()


def _frame(con, sql: str, params=()) -> pd.DataFrame:
    return con.execute(sql, list(params)).df()


def read_inputs(con: duckdb.DuckDBPyConnection, costs: pd.DataFrame | None = None) -> PlanInputs:
    """costs: unit costs to use instead of the warehouse's (the command line reads them from the raw folder)."""
    (base_year,), = con.execute("select max(year) from school_books(true)").fetchall()
    is_demo = bool(con.execute("select count(*) from submissions where is_demo").fetchall()[0][0])
    # the grade columns of school_counts (named in schools.settings.GRADE_FIELDS), none for kindergartens
    history = _frame(con, """
        select c.school_id, c.stage, c.year, c.students::double as students, columns('^grade_[0-9]$')
        from school_counts c join school_books(true) b using (submission_id)
        where c.stage in ('小学', '初中')
        order by 1, 2, 3""")
    kindergartens = _frame(con, """
        select k.school_id, '幼儿园' as stage, k.year, k.children::double as students
        from kindergarten_counts k join school_books(true) b using (submission_id)
        order by 1, 2, 3""")
    history = (pd.concat([history, kindergartens.assign(**dict.fromkeys(GRADE_COLUMNS, float("nan")))], ignore_index=True)
               .sort_values(["school_id", "stage", "year"], kind="stable", ignore_index=True))
    register = _frame(con, "select school_id, year, merged_from from school_register_current(true) order by year, school_id")
    base = None
    names = {}
    if base_year is not None:
        def rows(table: str) -> pd.DataFrame:
            return _frame(con, statement("select t.* exclude (submission_id) from {table} t "
                                         "join school_books(true) b using (submission_id) where t.year = ?", table=table),
                          [base_year])
        base = Rows(rows("school_register"), rows("school_counts"), rows("kindergarten_counts"), rows("county_items"))
        names = dict(zip(base.register["school_id"], base.register["name"]))
    population = Population()
    pop = _frame(con, "from current_population(true) order by year")
    for key in ("births", "age3", "age6"):
        known = pop[pop[key].notna()]
        setattr(population, key, dict(zip(known["year"].astype(int), known[key].astype(float))))
        population.sources[key] = "、".join(dict.fromkeys(known[f"{key}_source"].dropna()))
    age = _frame(con, """
        select year, value from latest_values(true)
        where indicator_code = (select i.denominator from criteria c join indicators i using (indicator_code)
                                where c.measure = 'kg_gross_enrolment')
        union all
        select i.year, i.value from county_items i join school_books(true) b using (submission_id)
        where i.item_code = 'POP_3_5' and i.year not in (
            select year from latest_values(true) where indicator_code = (
                select i.denominator from criteria c join indicators i using (indicator_code)
                where c.measure = 'kg_gross_enrolment'))""")
    changes = _frame(con, "from current_planned_changes(true) order by submission_id, sheet_row")
    return PlanInputs(
        base_year=int(base_year) if base_year is not None else None, is_demo=is_demo, history=history,
        register=register, base=base, population=population,
        age_3_5=dict(zip(age["year"].astype(int), age["value"].astype(float))), changes=changes,
        costs=costs if costs is not None else _frame(con, "from plan_unit_costs order by resource"),
        criteria=_frame(con, "from criteria order by sort_order"), readiness=readiness_criteria(con),
        latest=_frame(con, "select criterion_id, year, value from readiness_values where with_demo order by all"),
        reference=reference_of(con), names=names)


def scheme_year(inputs: PlanInputs, scheme: str) -> int:
    """The acceptance year of a scheme (the plan's milestone, as the criteria carry it)."""
    years = inputs.criteria.loc[inputs.criteria["scheme"] == scheme, "acceptance_year"]
    return int(years.iloc[0]) if len(years) else ss.SCHEME_YEARS[scheme]

