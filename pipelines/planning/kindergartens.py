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


def plan_kindergartens(model: KindergartenModel, costs: Costs, gap: float = p.MIP_GAP) -> Outcome:
    ents = model.entities
    J = len(ents)
    keys = ["outdoor_area", "activity_area", "building_area"]
    n = 3 * J + J + 1  # areas, y (passes all three), county teachers
    cost = np.zeros(n)
    lb, ub = np.zeros(n), np.full(n, np.inf)
    integrality = np.zeros(n)
    for j, k in enumerate(keys):
        cost[j * J:(j + 1) * J] = costs.unit.get(k, 0.0)
        ub[j * J:(j + 1) * J] = costs.cap.get(k, math.inf)
    y0 = 3 * J
    ub[y0:y0 + J], integrality[y0:y0 + J] = 1, 1
    t = n - 1
    cost[t], integrality[t] = costs.unit.get("kg_teachers", 0.0), 1
    R = ents["children"].to_numpy(dtype=float)[:, None] * model.per_child[None, :]
    rows, cols, vals, lo, hi = [], [], [], [], []
    r = 0
    judged = ents["judged"].to_numpy()
    ub[y0:y0 + J] = np.where(judged, 1, 0)  # a kindergarten without its premises figures is not ranked
    for i in np.flatnonzero(judged):
        for j in range(3):
            entries = [(j * J + i, 1.0), (y0 + i, -(R[i, j] * (1 + 1e-9) + TOL))]
            if j == 2:  # 幼儿活动用房 is part of 园舍建筑面积
                entries.append((1 * J + i, 1.0))
            for c, v in entries:
                rows.append(r)
                cols.append(c)
                vals.append(v)
            lo.append(-model.A[i, j])
            hi.append(np.inf)
            r += 1
    for group, share in model.shares.items():
        members = np.flatnonzero((ents["design_group"] == group).to_numpy() & judged)
        if len(members):
            for i in members:
                rows.append(r)
                cols.append(y0 + i)
                vals.append(1.0)
            lo.append(math.ceil(share / 100 * len(members) - 1e-9))
            hi.append(np.inf)
            r += 1
    need = model.children / model.children_per_teacher - model.teachers if model.children_per_teacher else 0
    rows.append(r)
    cols.append(t)
    vals.append(1.0)
    lo.append(need)
    hi.append(np.inf)
    r += 1
    matrix = coo_matrix((vals, (rows, cols)), shape=(r, n)).tocsr()
    result = _milp(cost, constraints=LinearConstraint(matrix, lo, hi), integrality=integrality, bounds=Bounds(lb, ub),
                  options={"mip_rel_gap": gap, "time_limit": p.TIME_LIMIT, "disp": False})
    if result.x is None:
        return _empty("infeasible", ["在单校上限以内，幼儿园园舍条件达标率无法达到要求：请放宽单园上限后重试"])
    xv = _tidy(result.x, integrality)
    x = _round_up(np.column_stack([xv[j * J:(j + 1) * J] for j in range(3)]), keys)
    rows_out = []
    for i, j in zip(*np.nonzero(x > 0)):
        rows_out.append({"school_id": ents.at[i, "school_id"], "stage": p.KINDERGARTEN_STAGE, "resource": keys[j],
                         "amount": float(x[i, j]), "cost": float(x[i, j]) * costs.unit.get(keys[j], 0.0)})
    teachers = int(round(xv[t]))
    if teachers > 0 and J:  # where children per teacher is highest, one at a time
        children = ents["children"].to_numpy(dtype=float)
        staff = ents["teachers"].fillna(0).to_numpy(dtype=float)
        added = np.zeros(J)
        for _ in range(teachers):
            added[int(np.argmax(children / (staff + added + 1e-9)))] += 1
        for i in np.flatnonzero(added):
            rows_out.append({"school_id": ents.at[i, "school_id"], "stage": p.KINDERGARTEN_STAGE, "resource": "kg_teachers",
                             "amount": float(added[i]), "cost": float(added[i]) * costs.unit.get("kg_teachers", 0.0)})
    additions = pd.DataFrame(rows_out, columns=ADDITION_COLUMNS)
    return Outcome("planned" if len(additions) else "met", additions, pd.DataFrame(columns=MOVE_COLUMNS))
