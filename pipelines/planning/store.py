"""The plan in the warehouse: enrolment_projection, readiness_plan and the tables beside them (plan_runs,
plan_moves, plan_criteria, plan_schools), computed again after every load, review decision, withdrawal and
build (from schools.readiness.refresh_readiness) when what they depend on has changed."""

import duckdb
import pandas as pd

from ..core import school_settings as ss
from ..core.sqlnames import statement
from ..schools.readiness import refresh_readiness
from ..warehouse.connection import insert_frame
from . import settings as p
from .inputs import PlanInputs, read_inputs
from .optimise import Outcome
from .run import PlanRun, compute, headline

TABLES = ("enrolment_projection", "readiness_plan", "plan_runs", "plan_moves", "plan_criteria", "plan_schools")


def plan_rows(scheme: str, year: int, outcome: Outcome | None) -> pd.DataFrame:
    """readiness_plan's rows of a scheme: resource in words (a moved teacher 调入 / 调出), unit, cost in 万元."""
    columns = ["scheme", "school_id", "stage", "year", "resource", "amount", "unit", "cost"]
    if outcome is None or outcome.additions.empty:
        return pd.DataFrame(columns=columns)
    a = outcome.additions
    key = a["resource"].str.split(":").str[0]
    side = a["resource"].str.split(":").str[1].map({"in": p.MOVED_IN, "out": p.MOVED_OUT}).fillna("")
    return pd.DataFrame({"scheme": scheme, "school_id": a["school_id"], "stage": a["stage"], "year": year,
                         "resource": key.map(p.LABEL) + side, "amount": a["amount"].astype(float),
                         "unit": key.map(p.UNIT), "cost": a["cost"].astype(float).round(4)})[columns]


def write(con: duckdb.DuckDBPyConnection, run: PlanRun, key: str, schemes=ss.SCHEMES) -> None:
    """Replace the stored plan of the schemes given (the projection with it), inside the caller's transaction."""
    con.execute("delete from enrolment_projection")
    if run.projection is not None:
        insert_frame(con, "enrolment_projection", run.projection.frame)
    for scheme in schemes:
        r = run.results[scheme]
        for table in TABLES[1:]:
            con.execute(statement("delete from {table} where scheme = ?", table=table), [scheme])
        insert_frame(con, "readiness_plan", plan_rows(scheme, r.acceptance_year, r.outcome))
        insert_frame(con, "plan_runs", pd.DataFrame([{
            "scheme": scheme, "acceptance_year": r.acceptance_year, "base_year": r.base_year, "status": r.status,
            "message": r.message, "headline": headline(r) if r.status != "no_data" else r.message,
            "unaddressed": r.unaddressed, "total_cost": round(r.cost, 4), "recheck": r.recheck, "is_demo": run.is_demo,
            "n_moves": int(r.outcome.moves["teachers"].sum()) if r.outcome is not None and len(r.outcome.moves) else 0,
            "method": run.method, "inputs_key": key}]))
        if r.outcome is not None and len(r.outcome.moves):
            insert_frame(con, "plan_moves", r.outcome.moves.assign(scheme=scheme))
        if len(r.criteria):
            insert_frame(con, "plan_criteria", r.criteria.assign(scheme=scheme))
        if len(r.schools):
            insert_frame(con, "plan_schools", r.schools.assign(scheme=scheme))


def refresh_plan(con: duckdb.DuckDBPyConnection, inputs: PlanInputs | None = None) -> bool:
    """Compute and store every scheme's plan if what it depends on changed (inside the caller's transaction);
    whether it was computed."""
    inputs = inputs or read_inputs(con)
    key = inputs.key()
    stored = {k for (k,) in con.execute("select inputs_key from plan_runs").fetchall()}
    if stored == {key} and con.execute("select count(*) from plan_runs").fetchall()[0][0] == len(ss.SCHEMES):
        return False
    write(con, compute(inputs), key)
    return True


def refresh_acceptances(con: duckdb.DuckDBPyConnection, years: set[int] | None = None) -> None:
    """The acceptances' judgments of the given years restated (schools.readiness.refresh_readiness), then the path
    to pass computed again if its inputs changed (issue 23): inside the caller's transaction, after every load,
    withdrawal, review decision and build."""
    refresh_readiness(con, years)
    refresh_plan(con)
