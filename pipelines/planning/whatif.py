"""What if: change a planned addition or a unit cost and see the schools, the 差异系数 and the cost move.

A `WhatIf` is built once per data version (the projection, the acceptance year's rows, the rules' warehouse in
memory, the optimiser's linearisation so far) and kept by the app; each `run` applies the edited planned changes,
finds the cheapest plan again from where the last one ended, and re-checks it with the real rules — about a second
for 300 schools (benchmarks/bench_plan.py).
"""

import threading
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..schools import settings as ss
from ..schools.judge import judge_for
from . import settings as p
from .inputs import PlanInputs, scheme_year
from .kindergartens import plan_kindergartens
from .optimise import Costs, SchoolModel, plan_schools
from .projection import project
from .run import addition_text, judge_many, kindergarten_model, plan_additions, population_3_5, students_frame
from .scenario import ADDITION_COLUMNS, rows_for
from .store import plan_rows


@dataclass
class WhatIfResult:
    scheme: str
    year: int
    status: str  # planned, met, infeasible
    cost: float  # 万元
    plan: pd.DataFrame  # readiness_plan's rows
    moves: pd.DataFrame
    schools: pd.DataFrame  # school_id, name, stage, students, n_met, status — with the plan applied
    dispersion: pd.DataFrame  # stage, indicator, cv, cv_limit, met — with the plan applied (优质均衡)
    schools_before: pd.DataFrame  # the same two with the planned changes only, before the plan
    dispersion_before: pd.DataFrame
    text: str
    reasons: list[str]
    seconds: float


class WhatIf:
    def __init__(self, inputs: PlanInputs, scheme: str, year: int | None = None):
        self.inputs, self.scheme = inputs, scheme
        self.year = year or scheme_year(inputs, scheme)
        self.projection = project(inputs.history, inputs.register, inputs.population, inputs.base_year)
        self.students = students_frame(self.projection)
        self.pop = population_3_5(inputs, [self.year])
        self.judge = judge_for(inputs.reference)
        self.parts = (("indicators", "compliance", "dispersion") if scheme == "优质均衡" else ("premises", "values"))
        self.warm: dict = {}
        self.lock = threading.Lock()
        if scheme == "优质均衡":
            # the acceptance year without the planned changes: the amounts a what-if adds its changes to, and each
            # stage's share of what a two-stage school shares (school_stage_counts' split)
            base = self.judge(rows_for(inputs.base, [self.year], self.students, None, self.pop),
                              ("indicators", "compliance", "dispersion", "stage_counts"))
            self.model = SchoolModel.from_judgment(base.indicators, inputs.criteria)
            shares = base.stage_counts
            self.shares = shares[shares["stage"].isin(list(p.STAGE_GRADES))][["school_id", "stage", "shared_share"]]

    def changes(self) -> pd.DataFrame:
        """The planned changes that count now, as the page edits them."""
        c = self.inputs.changes
        c = c[c["resource"].notna() & c["amount"].notna()] if len(c) else c
        wanted = [resource for resource, r in p.RESOURCES.items()
                  if (r[2] == "school") == (self.scheme == "优质均衡")]
        return c[c["resource"].isin(wanted)].reset_index(drop=True) if len(c) else c

    def run(self, changes: pd.DataFrame, costs: pd.DataFrame) -> WhatIfResult:
        """changes: school_id, stage, resource, amount, year_ready; costs: plan_unit_costs' rows (edited)."""
        with self.lock:  # the app's sessions share one WhatIf: one run at a time (its linearisation moves on)
            return self._run(changes, costs)

    def _run(self, changes: pd.DataFrame, costs: pd.DataFrame) -> WhatIfResult:
        start = time.perf_counter()
        base_year = self.inputs.base_year
        adds = changes[(changes["year_ready"] > base_year) & (changes["year_ready"] <= self.year)
                       & changes["amount"].notna()][ADDITION_COLUMNS] if len(changes) else pd.DataFrame(columns=ADDITION_COLUMNS)
        price = Costs.from_frame(costs)
        if self.scheme == "优质均衡":
            outcome = plan_schools(self.model.with_amounts(self._amounts(adds)), price, warm=self.warm)
            self.warm = outcome.warm or self.warm
        else:
            before = self.judge(rows_for(self.inputs.base, [self.year], self.students, adds, self.pop), self.parts)
            outcome = plan_kindergartens(kindergarten_model(self.inputs, before, self.year), price)
        planned = pd.concat([adds, plan_additions(outcome.additions, self.year)], ignore_index=True)
        judged = judge_many(self.judge, {"before": rows_for(self.inputs.base, [self.year], self.students, adds, self.pop),
                                         "after": rows_for(self.inputs.base, [self.year], self.students, planned, self.pop)},
                            self.parts)
        before, after = judged["before"], judged["after"]
        text = addition_text(outcome.additions)
        return WhatIfResult(
            self.scheme, self.year, outcome.status, outcome.cost, plan_rows(self.scheme, self.year, outcome), outcome.moves,
            self._schools(after), self._dispersion(after), self._schools(before), self._dispersion(before), text,
            outcome.reasons, time.perf_counter() - start)

    def _amounts(self, adds: pd.DataFrame) -> np.ndarray:
        """The 7 amounts of every school-stage in the acceptance year with the changes added: a stage's own on the
        stage, one shared by a two-stage school by the stage's share (as the rules split it)."""
        A = self.model.A.copy()
        if adds.empty:
            return A
        ents = self.model.entities
        index = {(sid, st): i for i, (sid, st) in enumerate(zip(ents["school_id"], ents["stage"]))}
        column = {k: j for j, k in enumerate(self.model.resources)}
        shared = adds[adds["stage"] == ss.SHARED_STAGE].merge(self.shares.rename(columns={"stage": "to"}), on="school_id")
        own = adds[adds["stage"] != ss.SHARED_STAGE].assign(to=lambda f: f["stage"], shared_share=1.0)
        for r in pd.concat([own, shared], ignore_index=True).itertuples():
            e, j = index.get((r.school_id, r.to)), column.get(r.resource)
            if e is not None and j is not None and not np.isnan(A[e, j]):
                A[e, j] += r.amount * (r.shared_share if pd.notna(r.shared_share) else 0.0)
        return A

    def _schools(self, judgment) -> pd.DataFrame:
        if self.scheme == "优质均衡":
            c = judgment.compliance
            return pd.DataFrame({"school_id": c["school_id"], "name": c["name"], "stage": c["stage"],
                                 "students": c["students"], "n_met": c["n_met"], "status": c["rule_status"]})
        k = judgment.premises
        return pd.DataFrame({"school_id": k["school_id"], "name": k["name"], "stage": p.KINDERGARTEN_STAGE,
                             "students": k["children"], "n_met": None, "status": k["premises_status"]})

    def _dispersion(self, judgment) -> pd.DataFrame:
        d = judgment.dispersion
        if d.empty:
            return pd.DataFrame(columns=["stage", "indicator", "cv", "cv_limit", "met"])
        return d[["stage", "indicator", "cv", "cv_limit", "met"]].sort_values(["stage", "indicator"], ignore_index=True)
