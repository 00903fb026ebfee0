"""The stored plan as tables a person reads (Chinese headers, school names, years): for `plan --out`, the Excel
report's 规划 sheet, the page's 达标路径 and the deck and Word paragraphs. Read from the warehouse's plan tables."""

import duckdb
import pandas as pd

from ..describe import number
from ..schools import settings as ss
from . import settings as p


def runs(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("from plan_runs order by scheme desc").df()


def run_of(con: duckdb.DuckDBPyConnection, scheme: str) -> dict | None:
    frame = con.execute("from plan_runs where scheme = ?", [scheme]).df()
    return frame.iloc[0].to_dict() if len(frame) else None


def plan_table(con: duckdb.DuckDBPyConnection, scheme: str) -> pd.DataFrame:
    """What to add where: one row per school, stage and resource (moves 调入 / 调出), its cost in 万元."""
    frame = con.execute("""
        with names as (from school_names())
        select n.name, n.township, r.stage, r.resource, r.amount, r.unit, r.cost, r.year, r.school_id
        from readiness_plan r left join names n using (school_id)
        where r.scheme = ? order by r.cost desc, n.name, r.resource""", [scheme]).df()
    return pd.DataFrame({"学校": frame["name"].fillna(frame["school_id"]), "苏木乡镇": frame["township"],
                         "学段": frame["stage"], "新增": frame["resource"], "数量": frame["amount"], "单位": frame["unit"],
                         "费用（万元）": frame["cost"], "最迟到位": frame["year"].astype("Int64").astype(str) + "年",
                         "学校标识码": frame["school_id"]})


def totals(con: duckdb.DuckDBPyConnection, scheme: str) -> pd.DataFrame:
    """Per resource: how much in all, at how many schools, what it costs."""
    return con.execute("""
        select resource, unit, sum(amount) as amount, count(distinct school_id) as schools, sum(cost) as cost
        from readiness_plan where scheme = ? and amount > 0 group by resource, unit order by cost desc, resource""",
                       [scheme]).df()


def criteria_years(con: duckdb.DuckDBPyConnection, scheme: str) -> pd.DataFrame:
    """Each criterion: its standard, the year it is first met without and with the planned changes (or 不能达标),
    and whether the acceptance year meets it with the cheapest plan."""
    run = run_of(con, scheme)
    if run is None:
        return pd.DataFrame()
    year = int(run["acceptance_year"])
    frame = con.execute("""
        select f.criterion_id, f.scenario, f.first_met_year, f.met_last, f.value_last, f.held
        from plan_first_met f where f.scheme = ?""", [scheme]).df()
    if frame.empty:
        return pd.DataFrame()
    wide = frame.pivot(index="criterion_id", columns="scenario", values="first_met_year")
    met_last = frame.pivot(index="criterion_id", columns="scenario", values="met_last")
    value_last = frame.pivot(index="criterion_id", columns="scenario", values="value_last")
    held = frame.groupby("criterion_id")["held"].any()
    criteria = con.execute("select criterion_id, name, stage, comparator, threshold, unit, sort_order, scope "
                           "from criteria where scheme = ? order by sort_order", [scheme]).df()
    criteria = criteria[criteria["criterion_id"].isin(wide.index)]

    def first(criterion: str, scenario: str) -> str:
        if scenario not in wide.columns or pd.isna(wide.at[criterion, scenario]):
            return f"{year}年前不能达标"
        return f"{int(wide.at[criterion, scenario])}年"

    def at_end(criterion: str) -> str:
        scenario = "plan" if "plan" in met_last.columns and pd.notna(met_last.at[criterion, "plan"]) else "changes"
        ok = met_last.at[criterion, scenario]
        value = value_last.at[criterion, scenario]
        return ("达到" if ok is True else ("未达到" if ok is False else "暂无数据")) + (
            f"（{number(value)}）" if pd.notna(value) else "")

    from ..schools.readiness import readiness_criteria

    names = readiness_criteria(con).set_index("criterion_id")["name"]
    return pd.DataFrame({
        "标准": [names.get(c, n) for c, n in zip(criteria["criterion_id"], criteria["name"])],
        "学段": criteria["stage"].to_numpy(),
        "不含规划项目：首次达标": [first(c, "base") for c in criteria["criterion_id"]],
        "含已定规划项目：首次达标": [first(c, "changes") for c in criteria["criterion_id"]],
        f"{year}年（含最优方案）": [at_end(c) for c in criteria["criterion_id"]],
        "说明": ["按最近一年数值，不做推算" if held.get(c, False) else "" for c in criteria["criterion_id"]],
        "标准代码": criteria["criterion_id"].to_numpy()})


def path_table(con: duckdb.DuckDBPyConnection, scheme: str) -> pd.DataFrame:
    """Per projected year: the planned changes ready that year, the plan's additions (by the acceptance year), their
    cost, and how many schools and criteria pass with the planned changes (and, in the acceptance year, the plan)."""
    run = run_of(con, scheme)
    if run is None or pd.isna(run["base_year"]):
        return pd.DataFrame()
    year, base = int(run["acceptance_year"]), int(run["base_year"])
    kinds = [k for k, r in p.RESOURCES.items() if (r[2] == "school") == (scheme == "优质均衡")]
    changes = con.execute("""
        with names as (from school_names())
        select c.year_ready, c.project, coalesce(n.name, c.school_name) as name, c.kind, c.amount, c.unit, c.investment,
            c.resource
        from current_planned_changes(true) c left join names n using (school_id)
        where c.resource is not null order by c.year_ready, c.sheet_row""").df()
    changes = changes[changes["resource"].isin(kinds)]
    schools = con.execute("""
        select year, scenario, count(*) filter (where status = 'pass') as passing, count(*) as total
        from plan_schools where scheme = ? group by all""", [scheme]).df()
    criteria = con.execute("""
        select year, scenario, count(*) filter (where met) as met, count(*) as total
        from plan_criteria where scheme = ? group by all""", [scheme]).df()
    additions = plan_table(con, scheme)
    cost = float(additions["费用（万元）"].sum()) if len(additions) else 0.0
    rows = []
    for y in range(base + 1, year + 1):
        ready = changes[changes["year_ready"] == y]
        planned = "；".join(f"{r.name}{r.kind}{number(r.amount)}{r.unit or ''}" for r in ready.itertuples()) or "—"
        scenario = "plan" if y == year and run["status"] in ("planned", "met") else "changes"

        def count(frame, column, scenario=scenario, y=y):
            row = frame[(frame["year"] == y) & (frame["scenario"] == scenario)]
            return f"{int(row[column].iloc[0])}/{int(row['total'].iloc[0])}" if len(row) else "—"

        rows.append({
            "年度": f"{y}年", "到位的已定规划项目": planned,
            "最优方案新增": (f"{_plan_words(additions)}（最迟{year}年到位）" if y == year and len(additions) else "—"),
            "当年投入（万元）": (float(ready["investment"].fillna(0).sum()) + (cost if y == year else 0.0)),
            "达标学校" if scheme == "优质均衡" else "园舍达标幼儿园": count(schools, "passing"),
            "达到的标准": count(criteria, "met")})
    return pd.DataFrame(rows)


def _plan_words(additions: pd.DataFrame) -> str:
    added = additions[~additions["新增"].str.contains("交流轮岗")]
    parts = [f"{resource}{number(group['数量'].sum())}{group['单位'].iloc[0]}（{group['学校'].nunique()}所）"
             for resource, group in added.groupby("新增", sort=False)]
    moved = additions[additions["新增"].str.endswith(p.MOVED_IN)]
    if len(moved):
        parts.append(f"交流轮岗{int(moved['数量'].sum())}人")
    return "、".join(parts)


def projection_table(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    frame = con.execute("""
        with names as (from school_names())
        select n.name, n.township, e.stage, e.year, e.low, e.mid, e.high, e.school_id
        from enrolment_projection e left join names n using (school_id) order by e.stage, n.name, e.year""").df()
    return pd.DataFrame({"学校或幼儿园": frame["name"], "苏木乡镇": frame["township"], "学段": frame["stage"],
                         "年度": frame["year"], "低方案": frame["low"], "中方案": frame["mid"], "高方案": frame["high"],
                         "标识码": frame["school_id"]})


def county_projection(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per stage and year: students observed (the school rows that count) and projected (low, mid, high)."""
    return con.execute("""
        select stage, year, 'history' as kind, sum(students)::double as low, sum(students)::double as mid,
            sum(students)::double as high
        from (select stage, year, students from school_stage_counts(true) where stage in ('小学', '初中')
              union all
              select '幼儿园', k.year, k.children from kindergarten_counts k join school_books(true) b using (submission_id))
        group by stage, year
        union all
        select stage, year, 'projection', sum(low), sum(mid), sum(high) from enrolment_projection group by stage, year
        order by stage, year""").df()


def moves_table(con: duckdb.DuckDBPyConnection, scheme: str) -> pd.DataFrame:
    frame = con.execute("""
        with names as (from school_names())
        select m.stage, m.resource, f.name as from_name, t.name as to_name, m.teachers
        from plan_moves m left join names f on f.school_id = m.from_school left join names t on t.school_id = m.to_school
        where m.scheme = ? order by m.stage, m.resource""", [scheme]).df()
    return pd.DataFrame({"学段": frame["stage"], "教师": frame["resource"].map(p.LABEL), "调出学校": frame["from_name"],
                         "调入学校": frame["to_name"], "人数": frame["teachers"]})


def changes_table(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    frame = con.execute("from current_planned_changes(true) order by sent_by, sheet_row").df()
    return pd.DataFrame({"填报单位": frame["sent_by"], "项目": frame["project"], "学校或幼儿园": frame["school_name"],
                         "学段": frame["stage"], "类别": frame["kind"], "数量": frame["amount"], "单位": frame["unit"],
                         "到位年份": frame["year_ready"], "投资（万元）": frame["investment"],
                         "计入指标": frame["resource"].notna().map({True: "是", False: "否"}), "来源": frame["source"]})


def costs_table(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    frame = con.execute("from plan_unit_costs order by resource").df()
    return pd.DataFrame({"资源": frame["label"], "单价（万元）": frame["unit_cost"], "计价单位": frame["price_unit"],
                         "计入年数": frame["cost_years"], "单校上限": frame["cap"], "来源": frame["source"],
                         "办公室覆盖": frame["overridden"].map({True: "是", False: "否"}), "说明": frame["note"]})


def headline(con: duckdb.DuckDBPyConnection, scheme: str) -> str:
    """要在2030年通过验收，还需：… — the sentence of the deck, the Word report and the page."""
    run = run_of(con, scheme)
    return run["message"] if run else f"{ss.SCHEME_TITLES[scheme]}：还没有规划结果。"
