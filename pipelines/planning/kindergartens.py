"""The cheapest plan for 普及普惠 (per kindergarten, SciPy's `milp` on HiGHS): ㎡ of 室外游戏场地, 幼儿活动用房 (also
counted in 园舍建筑面积) and other rooms so that every kindergarten designed in 2017 or later, and the required share of
the older ones, meet the three per-child areas (a binary per kindergarten: all three met); 专任教师 so that the
county's children per teacher is within its limit, placed where there are most children per teacher."""

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint
from scipy.sparse import coo_matrix

from . import settings as p
from .optimise import ADDITION_COLUMNS, MOVE_COLUMNS, TOL, Costs, Outcome, _empty, _milp, _round_up, _tidy


@dataclass
class KindergartenModel:
    """The kindergartens judged on 园舍 at the acceptance year and the county's teachers."""

    entities: pd.DataFrame  # school_id, name, children, design_group, teachers, judged (its premises known)
    A: np.ndarray  # outdoor, activity, building (㎡), K × 3
    per_child: np.ndarray  # the three standards per child
    shares: dict[str, float]  # design group -> the share that must pass (100, 50)
    children: float
    teachers: float
    children_per_teacher: float  # the county's limit


AREAS = ["outdoor_area", "activity_area", "building_area"]  # the three areas, in the columns' order
TEACHERS = "kg_teachers"


def plan_kindergartens(model: KindergartenModel, costs: Costs, gap: float = p.MIP_GAP) -> Outcome:
    cost, bounds, integrality = _variables(model, costs)
    result = _milp(cost, constraints=_constraints(model, len(cost)), integrality=integrality, bounds=bounds,
                   options={"mip_rel_gap": gap, "time_limit": p.TIME_LIMIT, "disp": False})
    if result.x is None:
        return _empty("infeasible", ["在单校上限以内，幼儿园园舍条件达标率无法达到要求：请放宽单园上限后重试"])
    xv = _tidy(result.x, integrality)
    additions = pd.DataFrame(_area_additions(model, costs, xv) + _teacher_additions(model, costs, int(round(xv[-1]))),
                             columns=ADDITION_COLUMNS)
    return Outcome("planned" if len(additions) else "met", additions, pd.DataFrame(columns=MOVE_COLUMNS))


# The columns of the programme, for J kindergartens: the ㎡ added of each area (area j of kindergarten i at j·J + i),
# a binary per kindergarten (it passes all three; at 3J + i) and the county's teachers added (the last).


def _variables(model: KindergartenModel, costs: Costs) -> tuple[np.ndarray, Bounds, np.ndarray]:
    """Each column's cost, bounds and integrality: ㎡ up to the cap of one school, the binaries (0 for a kindergarten
    without its premises figures: it is not ranked), whole teachers."""
    J = len(model.entities)
    n = 3 * J + J + 1
    cost = np.zeros(n)
    lb, ub = np.zeros(n), np.full(n, np.inf)
    integrality = np.zeros(n)
    for j, k in enumerate(AREAS):
        cost[j * J:(j + 1) * J] = costs.unit.get(k, 0.0)
        ub[j * J:(j + 1) * J] = costs.cap.get(k, math.inf)
    y0 = 3 * J
    ub[y0:y0 + J] = np.where(model.entities["judged"].to_numpy(), 1, 0)
    integrality[y0:y0 + J] = 1
    cost[n - 1], integrality[n - 1] = costs.unit.get(TEACHERS, 0.0), 1
    return cost, Bounds(lb, ub), integrality


def _constraints(model: KindergartenModel, n: int) -> LinearConstraint:
    """The rows (each its entries and its lower bound, no upper one) as one sparse constraint."""
    rows = _premise_rows(model) + _share_rows(model) + _teacher_rows(model, n)
    r_index, cols, vals = [], [], []
    for r, (entries, _low) in enumerate(rows):
        for c, v in entries:
            r_index.append(r)
            cols.append(c)
            vals.append(v)
    matrix = coo_matrix((vals, (r_index, cols)), shape=(len(rows), n)).tocsr()
    return LinearConstraint(matrix, [low for _entries, low in rows], [np.inf] * len(rows))


def _premise_rows(model: KindergartenModel) -> list[tuple[list[tuple[int, float]], float]]:
    """A judged kindergarten passes (binary 1) only with each area at least its standard per child: A + x ≥ R·y."""
    ents = model.entities
    J = len(ents)
    R = ents["children"].to_numpy(dtype=float)[:, None] * model.per_child[None, :]
    rows = []
    for i in np.flatnonzero(ents["judged"].to_numpy()):
        for j in range(3):
            entries = [(j * J + i, 1.0), (3 * J + i, -(R[i, j] * (1 + 1e-9) + TOL))]
            if j == 2:  # 幼儿活动用房 is part of 园舍建筑面积
                entries.append((1 * J + i, 1.0))
            rows.append((entries, -model.A[i, j]))
    return rows


def _share_rows(model: KindergartenModel) -> list[tuple[list[tuple[int, float]], float]]:
    """In each design group (designed in 2017 or later, older) at least its share of the judged ones passes."""
    ents = model.entities
    J = len(ents)
    judged = ents["judged"].to_numpy()
    rows = []
    for group, share in model.shares.items():
        members = np.flatnonzero((ents["design_group"] == group).to_numpy() & judged)
        if len(members):
            rows.append(([(3 * J + i, 1.0) for i in members], math.ceil(share / 100 * len(members) - 1e-9)))
    return rows


def _teacher_rows(model: KindergartenModel, n: int) -> list[tuple[list[tuple[int, float]], float]]:
    """The county's children per teacher within its limit: the teachers added at least those it lacks."""
    need = model.children / model.children_per_teacher - model.teachers if model.children_per_teacher else 0
    return [([(n - 1, 1.0)], need)]


def _area_additions(model: KindergartenModel, costs: Costs, xv: np.ndarray) -> list[dict]:
    """The ㎡ the solution adds, rounded up to whole ㎡, one row per kindergarten and area."""
    ents = model.entities
    J = len(ents)
    x = _round_up(np.column_stack([xv[j * J:(j + 1) * J] for j in range(3)]), AREAS)
    return [{"school_id": ents.at[i, "school_id"], "stage": p.KINDERGARTEN_STAGE, "resource": AREAS[j],
             "amount": float(x[i, j]), "cost": float(x[i, j]) * costs.unit.get(AREAS[j], 0.0)}
            for i, j in zip(*np.nonzero(x > 0))]


def _teacher_additions(model: KindergartenModel, costs: Costs, teachers: int) -> list[dict]:
    """The county's teachers added, placed one at a time where the children per teacher are most."""
    ents = model.entities
    J = len(ents)
    if teachers <= 0 or not J:
        return []
    children = ents["children"].to_numpy(dtype=float)
    staff = ents["teachers"].fillna(0).to_numpy(dtype=float)
    added = np.zeros(J)
    for _ in range(teachers):
        added[int(np.argmax(children / (staff + added + 1e-9)))] += 1
    return [{"school_id": ents.at[i, "school_id"], "stage": p.KINDERGARTEN_STAGE, "resource": TEACHERS,
             "amount": float(added[i]), "cost": float(added[i]) * costs.unit.get(TEACHERS, 0.0)}
            for i in np.flatnonzero(added)]
