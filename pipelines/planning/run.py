"""A plan from start to end: project the enrolments, judge each projected year without and with the planned
changes (the real rules, pipelines.schools.judge), find the cheapest additions for the acceptance year, apply
them and judge again — the re-check — and say it all in Chinese."""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..describe import number
from ..schools import settings as ss
from ..schools.judge import Judgment, Rows, judge_for
from ..schools.readiness import judged_as
from . import settings as p
from .inputs import PlanInputs, scheme_year
from .kindergartens import KindergartenModel, plan_kindergartens
from .optimise import Costs, Outcome, SchoolModel, plan_schools
from .projection import Projection, project
from .scenario import ADDITION_COLUMNS, plan_additions, rows_for

ADDRESSED = {"优质均衡": ("dispersion", "rule"), "普及普惠": ("kg_premises_new", "kg_premises_old", "kg_children_per_teacher")}


@dataclass
class SchemeResult:
    scheme: str
    acceptance_year: int
    base_year: int | None
    status: str  # planned, met, infeasible, no_data
    message: str
    outcome: Outcome | None = None
    criteria: pd.DataFrame = field(default_factory=pd.DataFrame)  # criterion_id, scenario, year, value, met, held
    schools: pd.DataFrame = field(default_factory=pd.DataFrame)  # school_id, stage, scenario, year, students, n_met, status
    recheck: str | None = None
    unaddressed: list[str] = field(default_factory=list)  # criteria still unmet that additions do not reach

    @property
    def cost(self) -> float:
        return self.outcome.cost if self.outcome else 0.0


@dataclass
class PlanRun:
    projection: Projection | None
    results: dict[str, SchemeResult]
    is_demo: bool
    method: str


def met(value, comparator: str, threshold: float) -> bool | None:
    """A criterion's value against its threshold, as readiness judges it (judged_as: `<` strictly)."""
    if value is None or pd.isna(value):
        return None
    comparator, threshold = judged_as(comparator, threshold)
    if comparator == ">=":
        return bool(value >= threshold - 1e-9)
    if comparator == "<=":
        return bool(value <= threshold + 1e-9)
    return bool(abs(value - threshold) < 1e-9)


def population_3_5(inputs: PlanInputs, years: list[int]) -> dict[int, float]:
    """The 3—5周岁 population of each projected year: the births 3, 4 and 5 years before, scaled by the ratio of
    the latest observed population to those births (migration, registration); else the latest observed held."""
    if not inputs.age_3_5:
        return {}
    births = inputs.population.births
    known = [y for y in sorted(inputs.age_3_5) if all(births.get(y - a) for a in (3, 4, 5))]
    last = max(inputs.age_3_5)
    out = {}
    for y in years:
        if known and all(births.get(y - a) for a in (3, 4, 5)):
            ratio = inputs.age_3_5[known[-1]] / sum(births[known[-1] - a] for a in (3, 4, 5))
            out[y] = ratio * sum(births[y - a] for a in (3, 4, 5))
        elif y in inputs.age_3_5:
            out[y] = inputs.age_3_5[y]
        else:
            out[y] = inputs.age_3_5[last]
    return out


def method_text(projection: Projection) -> str:
    """How the enrolments were projected, in words (the page, the workbook and the reports say it)."""
    county = projection.county
    m = projection.methods
    drivers = county["drivers"]
    words = {"births": "出生人口", "age6": "当年6周岁人口", "age3": "当年3周岁人口", None: None}
    sources = county["sources"]
    parts = [f"以{county['base_year']}年学校数据为起点，按年级逐年推移（队列法）推算到{county['end_year']}年："
             "每个年级下一年升入高一年级，人数乘以该校历年观测到的升级比例"]
    for stage, age in (("小学", 6), ("幼儿园", 3)):
        driver = words.get(drivers.get(stage))
        if driver:
            source = sources.get("births" if drivers[stage] == "births" else drivers[stage], "")
            lag = f"{age}年前的" if drivers[stage] == "births" else ""
            parts.append(f"{stage}新生按{lag}{driver}（来源：{source or '未注明'}）乘以该校历年的入学比例")
        else:
            parts.append(f"{stage}新生没有出生人口或适龄人口可依，按最近一年的人数保持不变")
    transfer = county.get("transfer")
    if transfer:
        parts.append(f"初中一年级按全旗上一年小学六年级人数乘以历年小升初比例（{transfer['low']:.2f}—{transfer['high']:.2f}，"
                     f"平均{transfer['mid']:.2f}），按各初中现在所占份额分到各校")
    split = int((~m["graded"]).sum()) if len(m) else 0
    if split:
        parts.append(f"{split}个学校学段只有在校生合计，按年级平均拆分，升级比例由历年合计推算（扣除随出生人口变化的新生）")
    county_only = int((~m["own"]).sum()) if len(m) else 0
    if county_only:
        parts.append(f"{county_only}个学校学段只有一年数据，用全旗同学段的比例")
    if county.get("merged"):
        parts.append(f"{county['merged']}所合并的学校，其历史人数计入合并后的学校；撤销的学校不再推算")
    parts.append("低方案、高方案分别取历年最低、最高的升级比例和入学比例（中方案取平均）")
    return "；".join(parts) + "。" + "".join(f"{n}。" for n in projection.notes)


def compute(inputs: PlanInputs, schemes=ss.SCHEMES, year: int | None = None) -> PlanRun:
    """Every scheme's projection, plan and re-check (year: the year to pass by, instead of the acceptance year)."""
    if inputs.base_year is None or inputs.base is None:
        results = {scheme: SchemeResult(scheme, year or scheme_year(inputs, scheme), None, "no_data",
                                        "还没有学校与幼儿园数据，无法推算和规划。") for scheme in schemes}
        return PlanRun(None, results, inputs.is_demo, "")
    projection = project(inputs.history, inputs.register, inputs.population, inputs.base_year)
    acceptance = {scheme: year or scheme_year(inputs, scheme) for scheme in schemes}
    late = [s for s in schemes if acceptance[s] < inputs.base_year]
    results = {s: SchemeResult(s, acceptance[s], inputs.base_year, "no_data",
                               f"验收年份{acceptance[s]}年早于最新的学校数据（{inputs.base_year}年），无需推算。") for s in late}
    schemes = [s for s in schemes if s not in late]
    if not schemes:
        return PlanRun(projection, results, inputs.is_demo, method_text(projection))
    last = max(max(acceptance[s], scheme_year(inputs, s)) for s in schemes)
    years = list(range(inputs.base_year + 1, last + 1)) or [inputs.base_year]
    students = students_frame(projection)
    pop = population_3_5(inputs, years)
    changes = planned_additions(inputs)
    judge = judge_for(inputs.reference)
    # The projected years judged once for every scheme: without the planned changes, and with them.
    judged = judge_many(judge, {"base": rows_for(inputs.base, years, students, None, pop),
                                "changes": rows_for(inputs.base, years, students, changes, pop)})
    costs = Costs.from_frame(inputs.costs)
    outcomes = {}
    for scheme in schemes:
        at = judged["changes"]
        if scheme == "优质均衡":
            indicators = at.indicators[at.indicators["year"] == acceptance[scheme]]
            outcomes[scheme] = plan_schools(SchoolModel.from_judgment(indicators, inputs.criteria), costs)
        else:
            outcomes[scheme] = plan_kindergartens(kindergarten_model(inputs, at, acceptance[scheme]), costs)
    # Each plan applied to its acceptance year and judged again by the rules (the re-check), all in one run.
    planned = {s: rows_for(inputs.base, [acceptance[s]], students,
                           pd.concat([changes, plan_additions(outcomes[s].additions, acceptance[s])], ignore_index=True),
                           pop) for s in schemes if outcomes[s].status != "infeasible"}
    after = judge_many(judge, planned) if planned else {}
    for scheme in schemes:
        end = max(acceptance[scheme], scheme_year(inputs, scheme))
        own = [y for y in years if y <= end]
        results[scheme] = assemble(inputs, scheme, acceptance[scheme], outcomes[scheme],
                                   {s: _years(j, own) for s, j in judged.items()}, after.get(scheme), own)
    return PlanRun(projection, results, inputs.is_demo, method_text(projection))


SCENARIO_YEARS = 1000  # the n-th set of rows judged in one run is moved n × 1000 years on, then moved back


def judge_many(judge, named: dict[str, Rows], parts: tuple[str, ...] | None = None) -> dict[str, Judgment]:
    """Several sets of rows judged in one run of the rules (each set's years moved apart, then back): the rules
    compare nothing across years, and one run costs about what one set does."""
    names = list(named)

    def shifted(frame: pd.DataFrame, i: int) -> pd.DataFrame:
        return frame.assign(year=frame["year"] + i * SCENARIO_YEARS) if len(frame) else frame

    together = Rows(*(pd.concat([shifted(getattr(named[n], part), i) for i, n in enumerate(names)], ignore_index=True)
                      for part in ("register", "counts", "kindergartens", "county")))
    judgment = judge(together, parts) if parts else judge(together)
    out = {}
    for i, n in enumerate(names):
        low, high = i * SCENARIO_YEARS, (i + 1) * SCENARIO_YEARS
        frames = []
        for frame in (judgment.indicators, judgment.compliance, judgment.dispersion, judgment.premises, judgment.values):
            part = frame[(frame["year"] >= low + 1900) & (frame["year"] < high + 1900)] if len(frame) else frame
            frames.append(part.assign(year=part["year"] - low) if len(part) else part)
        out[n] = Judgment(*frames)
    return out


def assemble(inputs: PlanInputs, scheme: str, acceptance: int, outcome: Outcome, judged: dict[str, Judgment],
             after: Judgment | None, years: list[int]) -> SchemeResult:
    """A scheme's result: its criteria and schools per year and scenario, the re-check, what is said of it."""
    criteria = pd.concat([scenario_criteria(inputs, judged[s], scheme, s, years) for s in judged], ignore_index=True)
    schools = pd.concat([scenario_schools(judged[s], scheme, s) for s in judged], ignore_index=True)
    result = SchemeResult(scheme, acceptance, inputs.base_year, outcome.status, "", outcome)
    if after is not None:
        criteria = pd.concat([criteria, scenario_criteria(inputs, after, scheme, "plan", [acceptance])], ignore_index=True)
        schools = pd.concat([schools, scenario_schools(after, scheme, "plan")], ignore_index=True)
        result.recheck = recheck(inputs, after, scheme, acceptance)
    result.criteria, result.schools = criteria, schools
    result.unaddressed = unaddressed(inputs, criteria, scheme, acceptance)
    result.message = message(inputs, result)
    return result


def students_frame(projection: Projection, variant: str = "mid") -> pd.DataFrame:
    return projection.frame[["school_id", "stage", "year", variant]].rename(columns={variant: "students"})


def planned_additions(inputs: PlanInputs) -> pd.DataFrame:
    """The planned changes that count in the indicators, ready after the base year (earlier ones are in its data)."""
    c = inputs.changes
    if c.empty:
        return pd.DataFrame(columns=ADDITION_COLUMNS)
    c = c[c["resource"].notna() & c["amount"].notna() & (c["year_ready"] > inputs.base_year)]
    return c[ADDITION_COLUMNS].reset_index(drop=True)


def scenario_criteria(inputs: PlanInputs, judgment: Judgment, scheme: str, scenario: str, years: list[int]) -> pd.DataFrame:
    """Each readiness criterion's value per projected year; a county item the rows do not give is held at its
    latest value (`held`)."""
    wanted = inputs.readiness[inputs.readiness["scheme"] == scheme][["criterion_id", "comparator", "threshold"]]
    grid = wanted.merge(pd.DataFrame({"year": years}), how="cross")
    values = judgment.values[["criterion_id", "year", "value"]]
    latest = inputs.latest.sort_values("year").groupby("criterion_id", as_index=False).last()[["criterion_id", "value"]]
    grid = grid.merge(values, on=["criterion_id", "year"], how="left")
    grid["held"] = grid["value"].isna()
    grid["value"] = grid["value"].fillna(grid["criterion_id"].map(dict(zip(latest["criterion_id"], latest["value"]))))
    grid["met"] = [met(v, c, float(t)) for v, c, t in zip(grid["value"], grid["comparator"], grid["threshold"])]
    grid["scenario"] = scenario
    grid["value"] = grid["value"].astype(float)
    return grid[["criterion_id", "scenario", "year", "value", "met", "held"]]


def scenario_schools(judgment: Judgment, scheme: str, scenario: str) -> pd.DataFrame:
    """Per school and year: passes its rule (优质均衡) or the three per-child areas (普及普惠)."""
    if scheme == "优质均衡":
        c = judgment.compliance
        return pd.DataFrame({"school_id": c["school_id"], "stage": c["stage"], "scenario": scenario, "year": c["year"],
                             "students": c["students"], "n_met": c["n_met"], "status": c["rule_status"]})
    k = judgment.premises
    n_met = k[["outdoor_met", "activity_met", "building_met"]].fillna(False).sum(axis=1)
    return pd.DataFrame({"school_id": k["school_id"], "stage": p.KINDERGARTEN_STAGE, "scenario": scenario,
                         "year": k["year"], "students": k["children"], "n_met": n_met, "status": k["premises_status"]})


def _years(j: Judgment, years: list[int]) -> Judgment:
    return Judgment(*(frame[frame["year"].isin(years)] if "year" in frame else frame
                      for frame in (j.indicators, j.compliance, j.dispersion, j.premises, j.values)))


def kindergarten_model(inputs: PlanInputs, judgment: Judgment, year: int) -> KindergartenModel:
    """The kindergartens of the acceptance year (premises per child, design group, teachers) for the programme."""
    k = judgment.premises[judgment.premises["year"] == year].reset_index(drop=True)
    kgs = inputs.base.kindergartens.set_index("school_id")
    teachers = k["school_id"].map(kgs["teachers"]) if len(kgs) else pd.Series(dtype=float)
    amounts = np.column_stack([(k[c] * k["children"]).to_numpy(dtype=float) if len(k) else np.zeros(0)
                               for c in ("outdoor_per_child", "activity_per_child", "building_per_child")]) if len(k) else np.zeros((0, 3))
    judged = k["design_group"].notna() & (k["premises_status"] != "no_data") & (k["children"].fillna(0) > 0)
    crit = inputs.criteria.set_index("measure")
    per_child = np.array([float(crit.at[m, "threshold"]) for m in p.KG_MEASURE_RESOURCE])
    shares = {"new": float(crit.at["kg_premises_new", "threshold"]), "old": float(crit.at["kg_premises_old", "threshold"])}
    entities = pd.DataFrame({"school_id": k["school_id"], "name": k["name"], "children": k["children"].astype(float),
                             "design_group": k["design_group"], "teachers": teachers.astype(float).to_numpy() if len(k) else [],
                             "judged": judged.to_numpy()})
    county = judgment.values[(judgment.values["year"] == year)]
    children = float(k["children"].sum())
    staff = float(pd.to_numeric(teachers, errors="coerce").sum()) if len(k) else 0.0
    ratio = county.loc[county["criterion_id"] == crit.at["kg_children_per_teacher", "criterion_id"], "value"]
    limit = float(crit.at["kg_children_per_teacher", "threshold"])
    if len(ratio) and not pd.isna(ratio.iloc[0]) and ratio.iloc[0] > 0:
        staff = children / float(ratio.iloc[0])  # the county's own count (kindergartens without a teacher figure aside)
    return KindergartenModel(entities, np.nan_to_num(amounts), per_child, shares, children, staff, limit)


def recheck(inputs: PlanInputs, judgment: Judgment, scheme: str, year: int) -> str:
    """The rules re-run on the acceptance year with the plan applied: '通过', or what still fails."""
    failing = []
    if scheme == "优质均衡":
        c = judgment.compliance[(judgment.compliance["year"] == year)]
        bad = c[c["rule_status"] == "fail"]
        failing += [f"{r.name}（{r.stage}）未达到逐校要求" for r in bad.itertuples()]
        d = judgment.dispersion[judgment.dispersion["year"] == year]
        failing += [f"{r.stage}{r.indicator}差异系数{r.cv:.3f}高于{r.cv_limit:g}" for r in d[~d["met"]].itertuples()]
    else:
        wanted = inputs.criteria[inputs.criteria["measure"].isin(ADDRESSED[scheme])]
        values = judgment.values[judgment.values["year"] == year].set_index("criterion_id")["value"]
        for c in wanted.itertuples():
            if c.criterion_id in values.index and not met(values[c.criterion_id], c.comparator, c.threshold):
                failing.append(f"{c.name}为{values[c.criterion_id]:.1f}，未达到{c.threshold:g}")
    return "通过" if not failing else "未通过：" + "；".join(failing)


def unaddressed(inputs: PlanInputs, criteria: pd.DataFrame, scheme: str, year: int) -> list[str]:
    """The scheme's criteria still unmet in the acceptance year (with the plan) that additions of resources do not
    reach (county items: class size, shares, yes/no items …)."""
    wanted = inputs.readiness[inputs.readiness["scheme"] == scheme]
    addressed = set(wanted.loc[wanted["scope"].isin(ADDRESSED[scheme]) | wanted["measure"].isin(ADDRESSED[scheme]),
                               "criterion_id"])
    last = criteria[(criteria["year"] == year)]
    last = last[last["scenario"] == ("plan" if "plan" in set(last["scenario"]) else "changes")]
    names = dict(zip(wanted["criterion_id"], wanted["name"]))
    return [names[c] for c, ok in zip(last["criterion_id"], last["met"]) if c not in addressed and ok is False]


def addition_text(additions: pd.DataFrame) -> str:
    """新增高于规定学历教师12人、体育运动场馆3,614㎡… (moves said apart)."""
    if additions.empty:
        return ""
    kind = additions["resource"].str.split(":").str[0]
    added = additions[~additions["resource"].str.contains(":")]
    parts = []
    for resource, amount in added.groupby(kind[added.index])["amount"].sum().items():
        parts.append(f"{p.LABEL[resource]}{number(amount)}{p.UNIT[resource]}")
    moved = additions[additions["resource"].str.endswith(":in")]
    text = ("新增" + "、".join(parts)) if parts else ""
    if len(moved):
        text += ("；" if text else "") + f"交流轮岗调配教师{int(moved['amount'].sum())}人次"
    return text


def headline(r: SchemeResult) -> str:
    """要在2030年通过…验收，还需：… — or that nothing need be added, or why no plan exists."""
    title = ss.SCHEME_TITLES[r.scheme]
    if r.status == "infeasible":
        return f"要在{r.acceptance_year}年通过{title}验收，在现有条件下找不到可行的方案：" + "；".join(r.outcome.reasons).rstrip("。") + "。"
    text = addition_text(r.outcome.additions) if r.outcome else ""
    if r.status == "met" or not text:
        said = (f"按推算，已定规划项目到位后，{r.acceptance_year}年"
                + ("各校资源配置已能达到要求（逐校达标、差异系数）" if r.scheme == "优质均衡" else "幼儿园园舍和师幼比已能达到要求")
                + "，无需再补充。")
    else:
        said = f"要在{r.acceptance_year}年通过{title}验收，还需：{text}，合计约{number(r.cost)}万元。"
    if r.recheck and r.recheck != "通过":
        said += f"（按评估规则复核{r.recheck}）"
    return said


def unaddressed_text(r: SchemeResult, most: int = 4) -> str:
    """The criteria still unmet that adding teachers and buildings does not reach, in a sentence ('' if none)."""
    if not r.unaddressed:
        return ""
    names = "、".join(f"“{n}”" for n in r.unaddressed[:most]) + ("等" if len(r.unaddressed) > most else "")
    return f"另有{len(r.unaddressed)}项标准推算到{r.acceptance_year}年仍未达到，不能靠增加教师和校舍解决：{names}。"


def message(inputs: PlanInputs, r: SchemeResult) -> str:
    return headline(r) + unaddressed_text(r)
