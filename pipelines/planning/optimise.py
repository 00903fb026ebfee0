"""The cheapest plan: a mixed-integer programme solved by SciPy's `milp` (HiGHS), re-checked by the real rules.

优质均衡 (per school and stage, at the acceptance year's projected enrolment): add teachers (whole), ㎡ of
教学及辅助用房 and 体育运动场馆, equipment (万元) and multimedia rooms (whole), or move teachers between schools
of the same stage (交流轮岗: no construction cost), so that every school meets at least `min_met` of the 7
indicators with the rest at least the floor (85%) of their standards, and every indicator's 差异系数 is within its
limit, at the least total cost. For indicator k of school e with the amount a = A + x + in − out (its resource's
unit), a binary z says "met": a ≥ R·z (R: the amount the standard asks at this enrolment), a ≥ F (the floor),
Σ z ≥ min_met — linear, no big-M.

The 差异系数 is not linear: with wᵢ = Pᵢ/P (students) and m = Σa/P (the student-weighted mean, as
criterion_dispersion.sql computes it), CV ≤ L ⟺ Σ aᵢ²/Pᵢ ≤ (1+L²)·(Σa)²/P. The mean is fixed via the total: the
right side's square is replaced by its tangent at a chosen total ŷ (2ŷ·Σa − ŷ² ≤ (Σa)², so every plan allowed
meets the true limit), and each aᵢ²/Pᵢ on the left is bounded by an auxiliary variable above its tangents at the
amounts of the plans found so far. Solve; where a plan's true CV is still above its limit add tangents at its
amounts; move ŷ to the plan's total; solve again, until two plans in a row that meet every limit cost the same.
A plan is accepted only when the true CVs meet their limits, and the final one is re-checked by the warehouse's
own rules (pipelines.schools.judge). The tangents stay valid for any other amounts: a what-if starts from them.

普及普惠's programme is pipelines.planning.kindergartens.
"""

import math
import os
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

from . import settings as p

TOL = 1e-7
_QUIET = threading.Lock()


@contextmanager
def quiet():
    """HiGHS (SciPy 1.17) prints a line of its own on the C level now and then, whatever `disp` says
    ("HighsMipSolverData::transformNewIntegerFeasibleSolution …"): the command's output is Chinese sentences only."""
    with _QUIET:
        sys.stdout.flush()
        saved = os.dup(1)
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, 1)
            yield
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(devnull)


def _milp(*args, **kwargs):
    with quiet():
        return milp(*args, **kwargs)


TIE = 1e-4  # the relative tilt of a unit's cost toward the schools with least per student


@dataclass
class Costs:
    """Per resource: the cost of one unit added (万元; a teacher's yearly cost × the years counted), the most one
    school may add (inf: no limit); the allowance of a teacher moved (万元, usually 0)."""

    unit: dict[str, float]
    cap: dict[str, float]
    move: float = 0.0

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> "Costs":
        by = frame.set_index("resource")
        unit = {k: float(by.at[k, "unit_cost"] * by.at[k, "cost_years"]) for k in by.index}
        cap = {k: (float(by.at[k, "cap"]) if pd.notna(by.at[k, "cap"]) else math.inf) for k in by.index}
        return cls(unit, cap, unit.get(p.MOVE, 0.0))


@dataclass
class Outcome:
    status: str  # 'planned', 'met' (nothing to add), 'infeasible'
    additions: pd.DataFrame  # school_id, stage, resource, amount, cost
    moves: pd.DataFrame  # stage, resource, from_school, to_school, teachers
    reasons: list[str] = field(default_factory=list)
    rounds: int = 0
    warm: dict = field(default_factory=dict)  # the linearisation reached, to start a what-if from

    @property
    def cost(self) -> float:
        return float(self.additions["cost"].sum()) if len(self.additions) else 0.0


ADDITION_COLUMNS = ["school_id", "stage", "resource", "amount", "cost"]
MOVE_COLUMNS = ["stage", "resource", "from_school", "to_school", "teachers"]


def _empty(status: str, reasons=()) -> Outcome:
    return Outcome(status, pd.DataFrame(columns=ADDITION_COLUMNS), pd.DataFrame(columns=MOVE_COLUMNS), list(reasons))


# --- 优质均衡 -------------------------------------------------------------------------------------------------------

@dataclass
class SchoolModel:
    """The school-stages of the acceptance year and their 7 amounts, arranged for the programme (built once; a
    what-if changes A and the costs only)."""

    entities: pd.DataFrame  # school_id, stage, name, township, students, complete
    resources: list[str]  # the 7, in criteria order
    A: np.ndarray  # amount (E × K; nan: no data)
    R: np.ndarray  # amount the standard asks
    F: np.ndarray  # amount the floor asks
    min_met: np.ndarray  # per entity
    limits: dict[str, float]  # stage -> 差异系数 limit
    names: dict[str, str]  # resource -> the indicator's name

    @classmethod
    def from_judgment(cls, indicators: pd.DataFrame, criteria: pd.DataFrame) -> "SchoolModel":
        """indicators: school_indicators rows of one year (the judge's); criteria: the criteria table."""
        rows = indicators[indicators["in_scope"] & (indicators["students"].fillna(0) > 0)].copy()
        school = criteria[criteria["scope"] == "school"]
        measures = dict(zip(school["criterion_id"], school["measure"]))
        rows["resource"] = rows["criterion_id"].map(measures).map(p.MEASURE_RESOURCE)
        resources = [p.MEASURE_RESOURCE[m] for m in p.MEASURE_RESOURCE]
        entities = rows.groupby(["school_id", "stage"], as_index=False, sort=True).agg(
            name=("name", "first"), township=("township", "first"), students=("students", "first"))
        index = {(r.school_id, r.stage): i for i, r in enumerate(entities.itertuples())}
        E, K = len(entities), len(resources)
        A, R, F = (np.full((E, K), np.nan) for _ in range(3))
        col = {k: j for j, k in enumerate(resources)}
        e = np.array([index[key] for key in zip(rows["school_id"], rows["stage"])])
        k = rows["resource"].map(col).to_numpy()
        has = rows["value"].notna().to_numpy()
        A[e[has], k[has]] = rows["amount"].to_numpy()[has]
        R[e, k] = rows["required_amount"].to_numpy()
        F[e, k] = rows["floor_amount"].to_numpy()
        rules = criteria[(criteria["scope"] == "rule") & (criteria["measure"] == "min_met")]
        min_met = entities["stage"].map(dict(zip(rules["stage"], rules["threshold"]))).fillna(len(resources)).to_numpy()
        dispersion = criteria[criteria["scope"] == "dispersion"]
        limits = dict(zip(dispersion["stage"], dispersion["threshold"]))
        names = {p.MEASURE_RESOURCE[m]: n for m, n in zip(school["measure"], school["name"])}
        entities["complete"] = ~np.isnan(A).any(axis=1)
        return cls(entities, resources, A, R, F, min_met, limits, names)

    def with_amounts(self, A: np.ndarray) -> "SchoolModel":
        return SchoolModel(self.entities, self.resources, A, self.R, self.F, self.min_met, self.limits, self.names)


def cv(amounts: np.ndarray, students: np.ndarray) -> float:
    """The student-weighted 差异系数 of the per-student amounts (criterion_dispersion.sql's formula)."""
    P = students.sum()
    mean = amounts.sum() / P
    if mean <= 0:
        return math.inf
    spread = np.sqrt(np.sum(students / P * (amounts / students - mean) ** 2))
    return float(spread / mean)


def _groups(model: SchoolModel) -> dict[tuple[str, int], np.ndarray]:
    """(stage, resource index) -> the entities in the 差异系数 (in scope, with a value)."""
    out = {}
    for stage in model.limits:
        in_stage = (model.entities["stage"] == stage).to_numpy()
        for j in range(len(model.resources)):
            members = np.flatnonzero(in_stage & ~np.isnan(model.A[:, j]))
            if len(members) > 1:
                out[stage, j] = members
    return out


def plan_schools(model: SchoolModel, costs: Costs, moves: bool = True, gap: float = p.MIP_GAP,
                 warm: dict | None = None) -> Outcome:
    """The cheapest additions (and moves) that make every complete school pass and every 差异系数 meet its limit.
    warm: the tangents and totals of an earlier solve of the same schools (Outcome.warm), still valid: fewer rounds."""
    E, K = model.A.shape
    if E == 0:
        return _empty("met")
    program = _Program(model, costs, moves, gap)
    groups = _groups(model)
    students = model.entities["students"].to_numpy(dtype=float)
    A = program.A
    # Groups whose limit binds: above it today, or once every school is at its standard (adding lifts the mean).
    for key, members in groups.items():
        base = A[members, key[1]]
        raised = np.maximum(base, np.nan_to_num(model.R[members, key[1]]))
        if max(cv(base, students[members]), cv(raised, students[members])) > _limit(model, key):
            program.activate(key, members, [base, raised, *_levels(raised, students[members], _limit(model, key))])
    for key, kept in (warm or {}).items():
        if key in groups and len(groups[key]) == len(kept["tangents"][0]):
            if key not in program.groups:
                program.activate(key, groups[key], [])
            program.groups[key]["tangents"] += kept["tangents"]
            program.groups[key]["total"] = kept["total"]
    best, feasible, rounds, widened = None, None, 0, False
    while rounds < p.MAX_CUT_ROUNDS:
        rounds += 1
        result = program.solve()
        if result.x is None:
            if result.status == 2 and not widened and program.groups:
                program.widen()  # the mean fixed too low: try it at the highest per-student amount
                widened = True
                continue
            if best is not None:
                break
            reasons = (diagnose_schools(model, costs, groups, students, moves) if result.status == 2 else
                       [f"求解未完成（{result.message}），请稍后重试或放宽单校上限"])
            return _empty("infeasible", reasons)
        xv = _tidy(result.x, program.integrality)
        a = program.amounts(xv)
        above = {key: members for key, members in groups.items()
                 if cv(a[members, key[1]], students[members]) > model.limits[key[0]] - p.CV_MARGIN / 2}
        if not above:
            # a plan that meets every limit; done once the next one costs the same (the mean has settled)
            settled = feasible is not None and abs(feasible - result.fun) <= p.SETTLED * max(1.0, abs(result.fun))
            feasible = result.fun
            best = (result.fun, xv) if best is None or result.fun < best[0] else best
            if settled or not program.groups:
                break
        else:
            feasible = None
        for key, members in above.items():
            if key not in program.groups:
                program.activate(key, members, [A[members, key[1]]])
        for key in list(program.groups):  # tangents at the plan's amounts, and the mean at its total
            members = program.groups[key]["members"]
            program.refine(key, a[members, key[1]])
    if best is None:
        return _empty("infeasible", [f"差异系数的逐次逼近经{rounds}轮仍未得到满足全部条件的方案，请放宽单校上限后重试"])
    xv = best[1]
    x, out_, in_ = program.split(xv)
    x = _round_up(x, model.resources)
    x, out_, in_ = _prune(model, A, x, out_, in_, program.movable, costs, groups, students)
    outcome = _outcome(model, x, out_, in_, program.movable, costs, rounds)
    outcome.warm = {key: {"tangents": g["tangents"][-p.WARM_TANGENTS:], "total": g["total"]}
                    for key, g in program.groups.items()}
    return outcome


def _levels(amounts: np.ndarray, students: np.ndarray, limit: float, n: int = 4) -> list[np.ndarray]:
    """Points toward where the plan will land (first tangents, fewer rounds): the schools below a per-student
    level raised to it, for levels up to the one that brings the 差异系数 to its limit."""
    ratio = amounts / students
    low, high = ratio.min(), ratio.max()
    for _ in range(40):  # the lowest level at which raising everyone below it meets the limit
        mid = (low + high) / 2
        low, high = (mid, high) if cv(np.maximum(amounts, mid * students), students) > limit else (low, mid)
    return [np.maximum(amounts, level * students) for level in np.linspace(ratio.min(), high, n + 1)[1:]]


def _limit(model: SchoolModel, key) -> float:
    return model.limits[key[0]] - p.CV_MARGIN


class _Program:
    """The mixed-integer programme of plan_schools, its 差异系数 groups linearised as they are refined.

    For a group (stage, indicator) with members i (students Pᵢ, amount aᵢ = Aᵢ + dᵢ, total y = Σa, P = ΣPᵢ),
    CV ≤ L ⟺ Σ aᵢ²/Pᵢ ≤ (1+L²)·y²/P. On the left each aᵢ²/Pᵢ is bounded below by a variable sᵢ ≥ its tangents
    (2a₀aᵢ − a₀²)/Pᵢ (a relaxation, refined with a tangent at every plan's amounts until the true CV is met); on the
    right y² is replaced by its tangent at a fixed total ŷ, 2ŷy − ŷ² ≤ y² (a restriction: the mean is fixed via the
    total, so every plan it allows with exact squares meets the limit), ŷ moved to each plan's total. The cost never
    rises from one plan to the next, and a plan is accepted only once the true CVs meet their limits.
    """

    def __init__(self, model: SchoolModel, costs: Costs, moves: bool, gap: float):
        self.model, self.gap = model, gap
        E, K = model.A.shape
        self.E, self.K = E, K
        ents = model.entities
        self.complete = ents["complete"].to_numpy()
        self.A = A = np.nan_to_num(model.A)
        self.students = ents["students"].to_numpy(dtype=float)
        self.movable = [j for j, k in enumerate(model.resources) if moves and k in p.MOVABLE]
        M = self.M = len(self.movable)
        self.mpos = {j: m for m, j in enumerate(self.movable)}
        self.n = E * K * 2 + 2 * E * M
        n = self.n
        cost = np.zeros(n)
        lb, ub = np.zeros(n), np.full(n, np.inf)
        integrality = np.zeros(n)
        # Among plans of equal cost, the one adding where there is least per student (what lowers a 差异系数): each
        # unit's cost a hair (TIE) above its price, in proportion to the school's amount per student.
        per_student = A / np.maximum(self.students, 1)[:, None]
        tilt = 1 + TIE * per_student / np.maximum(per_student.mean(axis=0), 1e-12)
        for j, k in enumerate(model.resources):
            cols = self.xi(np.arange(E), j)
            cost[cols] = costs.unit.get(k, 0.0) * tilt[:, j]
            ub[cols] = costs.cap.get(k, math.inf)
            integrality[cols] = 1 if k in p.WHOLE else 0
        zc = np.arange(E * K, 2 * E * K)
        ub[zc], integrality[zc] = 1, 1
        # A school gives teachers only from what it has above its own standard: a move never makes it miss one.
        spare = np.floor(A - np.nan_to_num(model.R) + 1e-9)
        for m, j in enumerate(self.movable):
            out_c, in_c = self.oi(np.arange(E), m), self.ii(np.arange(E), m)
            ub[out_c] = np.where(self.complete, np.maximum(spare[:, j], 0), 0)
            ub[in_c] = np.where(self.complete, np.inf, 0)
            integrality[out_c] = integrality[in_c] = 1
            cost[out_c] = p.MOVE_PENALTY
            cost[in_c] = costs.move + p.MOVE_PENALTY
        for e in np.flatnonzero(~self.complete):  # a school-stage missing a figure cannot be judged: left as it is
            ub[self.xi(e, np.arange(K))] = 0
            ub[self.zi(e, np.arange(K))] = 0
        self.cost, self.lb, self.ub, self.integrality = cost, lb, ub, integrality
        self.rows: list[tuple[dict, float, float]] = []
        for e in np.flatnonzero(self.complete):
            for j in range(K):
                need = model.R[e, j] * (1 + 1e-9) + TOL
                if A[e, j] >= need:  # met, and stays met (nothing is taken below the standard): z = 1
                    lb[self.zi(e, j)] = 1
                    continue
                self.rows.append(({**self.terms(e, j), self.zi(e, j): -need}, -A[e, j], np.inf))
                floor = model.F[e, j] * (1 + 1e-9) + TOL
                if floor > A[e, j]:
                    self.rows.append((self.terms(e, j), floor - A[e, j], np.inf))
            self.rows.append(({self.zi(e, j): 1.0 for j in range(K)}, model.min_met[e], np.inf))
        for m in range(M):
            for stage in ents["stage"].unique():
                members = np.flatnonzero((ents["stage"] == stage).to_numpy() & self.complete)
                if len(members) > 1:
                    entries = {**{int(self.ii(e, m)): 1.0 for e in members}, **{int(self.oi(e, m)): -1.0 for e in members}}
                    self.rows.append((entries, 0.0, 0.0))
        self.groups: dict[tuple[str, int], dict] = {}

    def xi(self, e, j):
        return e * self.K + j

    def zi(self, e, j):
        return self.E * self.K + e * self.K + j

    def oi(self, e, m):
        return 2 * self.E * self.K + e * self.M + m

    def ii(self, e, m):
        return 2 * self.E * self.K + self.E * self.M + e * self.M + m

    def terms(self, e: int, j: int) -> dict[int, float]:
        """The columns of dᵢ, what the plan adds to school-stage e's amount of resource j."""
        terms = {int(self.xi(e, j)): 1.0}
        if j in self.mpos:
            terms[int(self.ii(e, self.mpos[j]))] = 1.0
            terms[int(self.oi(e, self.mpos[j]))] = -1.0
        return terms

    def activate(self, key, members, points) -> None:
        """A group's variables sᵢ, its tangents at the points given and the mean fixed at the largest total."""
        first = self.n + sum(len(g["members"]) for g in self.groups.values())
        self.groups[key] = {"members": members, "s": np.arange(first, first + len(members)), "tangents": [],
                            "total": max((float(np.sum(point)) for point in points), default=0.0)}
        for point in points:
            self.refine(key, point, move_total=False)

    def refine(self, key, amounts, move_total: bool = True) -> None:
        group = self.groups[key]
        group["tangents"].append(np.asarray(amounts, dtype=float))
        if move_total:
            group["total"] = float(np.sum(amounts))

    def widen(self) -> None:
        """Every group's mean fixed where every school is at the highest per-student amount (CV 0 there)."""
        for key, group in self.groups.items():
            members = group["members"]
            ratio = (self.A[members, key[1]] / self.students[members]).max()
            group["total"] = max(group["total"], ratio * self.students[members].sum())

    def solve(self):
        n_s = sum(len(g["members"]) for g in self.groups.values())
        n = self.n + n_s
        cost = np.concatenate([self.cost, np.zeros(n_s)])
        lb = np.concatenate([self.lb, np.zeros(n_s)])
        ub = np.concatenate([self.ub, np.full(n_s, np.inf)])
        integrality = np.concatenate([self.integrality, np.zeros(n_s)])
        rows = list(self.rows)
        for key, group in self.groups.items():
            j = key[1]
            members, s = group["members"], group["s"]
            P = self.students[members]
            limit = _limit(self.model, key)
            A = self.A[members, j]
            for point in group["tangents"]:
                for i, e in enumerate(members):  # sᵢ − (2a₀/Pᵢ)·dᵢ ≥ (2a₀Aᵢ − a₀²)/Pᵢ
                    a0 = point[i]
                    entries = {c: -2 * a0 / P[i] * v for c, v in self.terms(e, j).items()}
                    entries[int(s[i])] = 1.0
                    rows.append((entries, (2 * a0 * A[i] - a0 * a0) / P[i], np.inf))
            total, Ptot = group["total"], P.sum()
            slope = (1 + limit ** 2) * 2 * total / Ptot
            entries = {int(c): 1.0 for c in s}
            for e in members:
                for c, v in self.terms(e, j).items():
                    entries[c] = entries.get(c, 0.0) - slope * v
            rows.append((entries, -np.inf, -(1 + limit ** 2) * total * total / Ptot + slope * A.sum()))
        data, ri, ci, lo, hi = [], [], [], [], []
        for r, (entries, low, high) in enumerate(rows):
            ri += [r] * len(entries)
            ci += list(entries)
            data += list(entries.values())
            lo.append(low)
            hi.append(high)
        matrix = coo_matrix((data, (ri, ci)), shape=(len(rows), n)).tocsr()
        self.integrality_all = integrality
        return _milp(cost, constraints=LinearConstraint(matrix, lo, hi), integrality=integrality,
                    bounds=Bounds(lb, ub), options={"mip_rel_gap": self.gap, "time_limit": p.TIME_LIMIT, "disp": False})

    def split(self, xv) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        E, K, M = self.E, self.K, self.M
        x = xv[:E * K].reshape(E, K).copy()
        out_ = xv[2 * E * K: 2 * E * K + E * M].reshape(E, M).copy()
        in_ = xv[2 * E * K + E * M: 2 * E * K + 2 * E * M].reshape(E, M).copy()
        return x, out_, in_

    def amounts(self, xv) -> np.ndarray:
        x, out_, in_ = self.split(xv)
        a = self.A + x
        for m, j in enumerate(self.movable):
            a[:, j] += in_[:, m] - out_[:, m]
        return a


def _tidy(x: np.ndarray, integrality: np.ndarray) -> np.ndarray:
    integrality = np.concatenate([integrality, np.zeros(len(x) - len(integrality))])
    x = np.where(integrality > 0, np.round(x), x)
    return np.where(np.abs(x) < 1e-9, 0.0, x)


def _round_up(x: np.ndarray, resources: list[str]) -> np.ndarray:
    """Continuous additions up to whole ㎡ and 0.1 万元 (the plan is read in those units)."""
    out = x.copy()
    for j, k in enumerate(resources):
        if k in p.WHOLE:
            continue
        step = p.MONEY_STEP if p.UNIT[k] == "万元" else p.AREA_STEP
        out[:, j] = np.ceil(np.round(out[:, j] / step, 4)) * step  # (the model's hair above the standard is not a step)
    return out


def _passes(model: SchoolModel, a: np.ndarray, groups, students) -> bool:
    """The programme's rules on the amounts a: every complete school passes, every 差异系数 within its limit."""
    complete = model.entities["complete"].to_numpy()
    R, F = model.R[complete], model.F[complete]
    ac = a[complete]
    met = ac >= R * (1 - 1e-9) - TOL
    if not ((met.sum(axis=1) >= model.min_met[complete]).all() and (ac >= F * (1 - 1e-9) - TOL).all()):
        return False
    return all(cv(a[m, key[1]], students[m]) <= model.limits[key[0]] + 1e-9 for key, m in groups.items())


def _prune(model, A, x, out_, in_, movable, costs, groups, students):
    """Take out, most costly first, every addition (and move) the rules do not need: each one left is needed."""
    def amounts():
        a = A + x
        for m, j in enumerate(movable):
            a[:, j] += in_[:, m] - out_[:, m]
        return a

    items = [(costs.unit.get(model.resources[j], 0.0) * x[e, j], e, j) for e, j in zip(*np.nonzero(x > 0))]
    for _, e, j in sorted(items, reverse=True):
        kept = x[e, j]
        x[e, j] = 0.0
        if not _passes(model, amounts(), groups, students):
            x[e, j] = kept
    stage_of = model.entities["stage"].to_numpy()
    for m in range(len(movable)):  # a move undone is one teacher back where they came from (same stage)
        for e in np.flatnonzero(in_[:, m] > 0):
            for giver in np.flatnonzero((out_[:, m] > 0) & (stage_of == stage_of[e])):
                while in_[e, m] > 0 and out_[giver, m] > 0:
                    in_[e, m] -= 1
                    out_[giver, m] -= 1
                    if not _passes(model, amounts(), groups, students):
                        in_[e, m] += 1
                        out_[giver, m] += 1
                        break
    return x, out_, in_


def _outcome(model: SchoolModel, x, out_, in_, movable, costs: Costs, rounds: int) -> Outcome:
    ents = model.entities
    rows = []
    for e, j in zip(*np.nonzero(x > 0)):
        k = model.resources[j]
        rows.append({"school_id": ents.at[e, "school_id"], "stage": ents.at[e, "stage"], "resource": k,
                     "amount": float(x[e, j]), "cost": float(x[e, j]) * costs.unit.get(k, 0.0)})
    moves = []
    township = ents["township"].to_numpy()
    stage_of = ents["stage"].to_numpy()
    for (m, j), stage in ((mj, st) for mj in enumerate(movable) for st in ents["stage"].unique()):
        k = model.resources[j]
        givers = {e: int(out_[e, m]) for e in np.flatnonzero((out_[:, m] > 0) & (stage_of == stage))}
        for e in np.flatnonzero((in_[:, m] > 0) & (stage_of == stage)):
            need = int(in_[e, m])
            # nearest first: a giver of the same 苏木乡镇, then any
            for giver in sorted(givers, key=lambda g: (township[g] != township[e], -givers[g])):
                if need == 0:
                    break
                n = min(need, givers[giver])
                if n <= 0:
                    continue
                moves.append({"stage": ents.at[e, "stage"], "resource": k, "from_school": ents.at[giver, "school_id"],
                              "to_school": ents.at[e, "school_id"], "teachers": n})
                givers[giver] -= n
                need -= n
    additions = pd.DataFrame(rows, columns=ADDITION_COLUMNS)
    moved = pd.DataFrame(moves, columns=MOVE_COLUMNS)
    if len(moved):
        additions = pd.concat([additions, pd.DataFrame({
            "school_id": moved["to_school"], "stage": moved["stage"], "resource": moved["resource"] + ":in",
            "amount": moved["teachers"].astype(float), "cost": moved["teachers"] * costs.move}),
            pd.DataFrame({"school_id": moved["from_school"], "stage": moved["stage"], "resource": moved["resource"] + ":out",
                          "amount": -moved["teachers"].astype(float), "cost": 0.0})], ignore_index=True)
    status = "planned" if len(additions) else "met"
    return Outcome(status, additions, moved, rounds=rounds)


def diagnose_schools(model: SchoolModel, costs: Costs, groups, students, moves: bool = True) -> list[str]:
    """Why no plan exists, in Chinese: schools that cannot pass even at every limit, or a 差异系数 that no amount
    within the limits brings down (a school far above the others, whose resources cannot be taken away)."""
    reasons = []
    ents = model.entities
    A = np.nan_to_num(model.A)
    most = A.copy()
    for j, k in enumerate(model.resources):
        most[:, j] += costs.cap.get(k, math.inf)
        if moves and k in p.MOVABLE:  # at most every other school's teachers of the stage
            for stage in ents["stage"].unique():
                inside = (ents["stage"] == stage).to_numpy()
                most[inside, j] = np.maximum(most[inside, j], A[inside, j] + A[inside, j].sum())
    for e in np.flatnonzero(ents["complete"].to_numpy()):
        met = most[e] >= model.R[e] - TOL
        low = [model.names.get(model.resources[j], model.resources[j]) for j in np.flatnonzero(most[e] < model.F[e] - TOL)]
        if met.sum() < model.min_met[e] or low:
            why = (f"{'、'.join(low)}即使增加到单校上限仍低于要求的85%" if low
                   else f"即使各项增加到单校上限，也只有{int(met.sum())}项能达到要求（须{int(model.min_met[e])}项）")
            reasons.append(f"{ents.at[e, 'name']}（{ents.at[e, 'stage']}，推算在校生{ents.at[e, 'students']:,.0f}人）：{why}")
    if reasons:
        return reasons
    for key, members in groups.items():
        stage, j = key
        k = model.resources[j]
        P = students[members]
        base, top = A[members, j], most[members, j]
        best = _lowest_cv(base, top, P)
        limit = model.limits[stage]
        if best <= limit:
            continue
        ratio = base / P
        mean = base.sum() / P.sum()
        share = P / P.sum() * (ratio - mean) ** 2
        worst = int(np.argmax(share))
        e = members[worst]
        side = ("高出" if ratio[worst] > mean else "低于")
        reasons.append(
            f"{stage}“{model.names.get(k, k)}”的差异系数不能降到{limit:g}以内：在单校上限以内增加，最低约为{best:.2f}。"
            f"主要是{ents.at[e, 'name']}（推算在校生{P[worst]:,.0f}人）的生均值{side}全旗平均很多"
            f"（为平均的{ratio[worst] / mean:.1f}倍）" + ("，学校已有的资源不能减少，其他学校又不能再增加" if ratio[worst] > mean
                                                        else "，该校增加到上限也补不上") + "。")
    return reasons or ["在现有单校上限下找不到可行方案（各项条件同时满足时相互冲突），请放宽单校上限后重试"]


def _lowest_cv(base: np.ndarray, top: np.ndarray, students: np.ndarray) -> float:
    """About the lowest 差异系数 within the limits: every school raised toward one per-student level (the best of a
    scan), as far as its limit allows."""
    ratio = base / students
    levels = np.linspace(ratio.min(), max(ratio.max(), ratio.min() + 1e-9), 200)
    best = math.inf
    for level in levels:
        a = np.minimum(top, np.maximum(base, level * students))
        best = min(best, cv(a, students))
    return best
