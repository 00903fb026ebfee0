"""验收准备's 达标路径 section (issue 23): what to add where, by when, at what cost, to pass — per year with the
criteria met, the projected enrolments with their method and range, and the what-if."""

from pathlib import Path

import pandas as pd
import streamlit as st

from pipelines.core import config
from pipelines.core import school_settings as s
from pipelines.core.describe import number
from pipelines.planning import settings as p
from reports import plan
from reports.queries import Filters

from .data import db_path
from .phone import chart
from .ui import downloads, tidy
from .views import version

STATUS_WORDS = {"planned": "需补充", "met": "已可达标", "infeasible": "找不到可行方案", "no_data": "暂无数据"}


@st.cache_resource(show_spinner=False, max_entries=32)
def _figure(kind: str, key: str, as_of: int, demo: bool, stamp: tuple, db: str):
    if kind == "projection":
        return plan.projection_figure(as_of, demo)
    if kind == "school":
        school_id, name = key.split("|", 1)
        return plan.school_figure(school_id, name, as_of, demo)
    if kind == "path":
        return plan.path_figure(key, as_of, demo)
    return plan.cost_figure(key, as_of, demo)


def figure(kind: str, key: str, f: Filters, demo: bool):
    return _figure(kind, key, f.as_of, demo, version(), str(db_path()))


@st.cache_resource(show_spinner=False, max_entries=4)
def _whatif(scheme: str, stamp: tuple, db: str):
    from pipelines.planning.inputs import read_inputs
    from pipelines.planning.whatif import WhatIf
    from pipelines.warehouse.connection import connect

    with connect(Path(db), read_only=True) as con:
        inputs = read_inputs(con)
    return WhatIf(inputs, scheme)


@st.cache_data(show_spinner=False, max_entries=8)
def _plan_workbook(year: int, stamp: tuple, db: str) -> bytes:
    from pipelines.planning.template import plan_template_bytes
    from pipelines.warehouse.connection import connect

    with connect(Path(db), read_only=True) as con:
        return plan_template_bytes(con, s.SCHOOL_UNIT, year)


def path_section(f: Filters, scheme: str) -> None:
    """The whole section, for the scheme chosen on the page."""
    st.subheader("达标路径")
    if not plan.available():
        st.info("数据仓库中还没有达标路径（由较早版本建立）。请在项目目录重建：.venv/bin/python -m pipelines build")
        return
    r = plan.run(scheme)
    if r is None or r["status"] == "no_data":
        st.info((r or {}).get("message") or "还没有学校与幼儿园数据，无法推算。")
        return
    if not plan.shown_as_of(f.as_of):
        st.info(f"达标路径以最新的学校数据（{int(r['base_year'])}年）为起点推算，评估年度{f.as_of}年早于它："
                f"请在左侧“评估年度”中选择{int(r['base_year'])}年或以后查看。")
        return
    demo = bool(r["is_demo"])
    year = int(r["acceptance_year"])
    st.caption(f"以{int(r['base_year'])}年学校数据为起点，推算到{year}年的在校生、各项标准的达标年份，以及{year}年通过验收"
               "所需的费用最低的补充方案（含学校间交流轮岗）。" + (f"本节含{config.DEMO_LABEL}。" if demo else ""))
    say = {"infeasible": st.error, "met": st.success}.get(r["status"], st.warning)
    say(r["message"], icon=":material/route:")
    a, b, c, d = st.columns(4)
    a.metric("补充方案费用", f"{number(r['total_cost'])}万元", border=True)
    additions = plan.plan(scheme)
    added = additions[~additions["新增"].str.contains("交流轮岗")] if len(additions) else additions
    b.metric("需补充的学校" if scheme == "优质均衡" else "需补充的幼儿园", int(added["学校"].nunique()) if len(added) else 0,
             border=True)
    c.metric("交流轮岗", f"{int(r['n_moves'] or 0)}人", border=True)
    d.metric("按评估规则复核", "通过" if r["recheck"] == "通过" else ("—" if not r["recheck"] else "未通过"), border=True,
             help=f"把方案加到{year}年的推算数据上，按验收准备的同一套规则重新判断：{r['recheck'] or '—'}")

    fig = figure("path", scheme, f, demo)
    if fig is not None:
        chart(fig, f"达标路径_{scheme}_{f.as_of}", key=f"plan_path_{scheme}")
    st.markdown(f"**逐年：到位的规划项目、补充方案、投入和达标情况（{year}年验收）**")
    steps = plan.path(scheme)
    st.dataframe(tidy(steps), hide_index=True, width="stretch",
                 column_config={"到位的已定规划项目": st.column_config.TextColumn(width="medium"),
                                "最优方案新增": st.column_config.TextColumn(width="medium"),
                                "当年投入（万元）": st.column_config.NumberColumn(format="%.1f")})
    st.caption("“到位的已定规划项目”来自审核通过的规划项目工作簿（其投资计入当年投入）；补充方案最迟在验收年到位，"
               "费用按单价计算；达标数“a/b”为推算年度达到要求的学校（标准）数与参评总数。")

    with st.expander(f"各项标准的达标年份（不含规划项目、含已定规划项目、{year}年含补充方案）"):
        st.dataframe(tidy(plan.criteria_years(scheme)), hide_index=True, width="stretch", height=420,
                     column_config={"标准": st.column_config.TextColumn(width="large")})
        st.caption(f"“{year}年前不能达标”：推算期内没有一年达到。全旗项目中不能由学校数据推算的（如“是/否”项目、工资比、"
                   f"社会认可度），按最近一年的数值。评估标准{s.CAVEAT}。")

    if len(additions):
        st.markdown(f"**补充方案：在哪所学校补什么（{len(additions)}项）**")
        st.dataframe(tidy(additions.drop(columns=["学校标识码"])), hide_index=True, width="stretch",
                     column_config={"费用（万元）": st.column_config.NumberColumn(format="%.1f"),
                                    "数量": st.column_config.NumberColumn(format="%.0f")})
        downloads(additions, f"补充方案_{scheme}", "补充方案", key=f"plan_download_{scheme}")
        cost = figure("cost", scheme, f, demo)
        if cost is not None:
            with st.expander("补充方案按资源汇总（图，可下载用于汇报）"):
                chart(cost, f"补充方案_{scheme}_{f.as_of}", key=f"plan_cost_{scheme}", in_expander=True)
        moves = plan.moves(scheme)
        if len(moves):
            with st.expander(f"交流轮岗：{int(moves['人数'].sum())}人"):
                st.dataframe(tidy(moves), hide_index=True, width="stretch")
                st.caption("调出学校只调出高于其本校要求的部分（调出后该项仍达到要求）；交流轮岗不计建设费用。")

    projection_section(f, r, demo)
    whatif_section(f, scheme, r, demo)
    with st.expander("规划项目与单价（数据来源）"):
        changes = plan.changes()
        if changes.empty:
            st.caption("还没有审核通过的规划项目工作簿。")
        else:
            st.dataframe(tidy(changes), hide_index=True, width="stretch")
        st.dataframe(tidy(plan.costs()), hide_index=True, width="stretch",
                     column_config={"来源": st.column_config.TextColumn(width="large")})
        st.caption("单价为平台参考值（未经核定），可由办公室在 data/raw/unit_costs_office.csv 中覆盖（须写明来源），"
                   "重建数据仓库或运行 python -m pipelines plan 后生效。")
        st.download_button("下载规划项目与适龄人口工作簿", _plan_workbook(max(f.as_of, config.BASELINE_YEAR), version(),
                                                                str(db_path())),
                           file_name=f"{s.SCHOOL_UNIT}_{f.as_of}年度规划项目与适龄人口.xlsx", key="plan_template_download",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           help="已预填方案任务88、89的建设项目：补填面积、竣工年份和出生人口后，在“数据填报”上传，审核通过后计入")


def projection_section(f: Filters, r: dict, demo: bool) -> None:
    with st.expander(f"在校生推算：方法、范围和每所学校（到{p.PROJECTION_END}年）"):
        fig = figure("projection", "all", f, demo)
        if fig is not None:
            chart(fig, f"在校生推算_{f.as_of}", key="plan_projection", in_expander=True)
        st.markdown(f"**推算方法**：{r['method']}")
        table = plan.projection()
        if table.empty:
            return
        names = table.drop_duplicates("标识码")
        options = dict(zip(names["标识码"], names["学校或幼儿园"].fillna(names["标识码"])))
        school = st.selectbox("学校或幼儿园", list(options), format_func=lambda i: options[i], key="plan_school")
        fig = figure("school", f"{school}|{options[school]}", f, demo)
        if fig is not None:
            chart(fig, f"在校生推算_{options[school]}", key="plan_school_projection", in_expander=True)
        downloads(table, "在校生推算", "在校生推算", key="plan_projection_download")


def whatif_section(f: Filters, scheme: str, r: dict, demo: bool) -> None:
    """Change a planned addition or a unit cost: the plan is found again and re-checked, the schools, the 差异系数
    and the cost move at once."""
    with st.expander("假如：调整规划项目或单价，看达标情况、差异系数和费用怎样变化", icon=":material/tune:"):
        what = _whatif(scheme, version(), str(db_path()))
        names = {sid: name for sid, name in what.inputs.names.items()}
        changes = what.changes()
        kinds = list(p.SCHOOL_RESOURCES if scheme == "优质均衡" else p.KINDERGARTEN_RESOURCES)
        shown = pd.DataFrame({
            "学校或幼儿园": [names.get(i, i) for i in changes["school_id"]] if len(changes) else [],
            "学段": changes["stage"] if len(changes) else [],
            "类别": changes["resource"].map(p.LABEL) if len(changes) else [],
            "数量": changes["amount"].astype(float) if len(changes) else [],
            "到位年份": changes["year_ready"].astype(int) if len(changes) else []})
        stages = [*s.JUDGED_STAGES, s.SHARED_STAGE] if scheme == "优质均衡" else [p.KINDERGARTEN_STAGE]
        left, right = st.columns([3, 2])
        edited = left.data_editor(
            shown, num_rows="dynamic", hide_index=True, width="stretch", key=f"whatif_changes_{scheme}",
            column_config={
                "学校或幼儿园": st.column_config.SelectboxColumn(options=sorted(set(names.values())), required=True),
                "学段": st.column_config.SelectboxColumn(options=stages, required=True),
                "类别": st.column_config.SelectboxColumn(options=[p.LABEL[k] for k in kinds], required=True),
                "数量": st.column_config.NumberColumn(min_value=0.0, required=True),
                "到位年份": st.column_config.NumberColumn(min_value=config.BASELINE_YEAR, max_value=2035, step=1,
                                                      required=True)})
        prices = plan.costs()
        keep = prices["资源"].isin([p.LABEL[k] for k in kinds] + [p.MOVE])
        edited_prices = right.data_editor(
            prices[keep][["资源", "单价（万元）", "计入年数"]], hide_index=True, width="stretch", disabled=["资源"],
            key=f"whatif_costs_{scheme}",
            column_config={"单价（万元）": st.column_config.NumberColumn(min_value=0.0),
                           "计入年数": st.column_config.NumberColumn(min_value=1.0)})
        result = what.run(_changes_of(edited, names, scheme), _costs_of(edited_prices, what.inputs.costs))
        st.caption(f"重新计算用时 {result.seconds:.2f} 秒（推算在校生与学校名录不变；本页的调整不保存，"
                   "要改变规划请修改规划项目工作簿或单价文件）。" + (f"{config.DEMO_LABEL}。" if demo else ""))
        a, b, c = st.columns(3)
        moved = result.cost - float(r["total_cost"])
        a.metric("补充方案费用", f"{number(result.cost)}万元", border=True, delta_color="inverse",
                 delta=f"{number(moved)}万元（与上方方案比）" if abs(moved) >= 0.05 else None)
        passing = int((result.schools_before["status"] == "pass").sum())
        b.metric("只靠规划项目达标的" + ("学校" if scheme == "优质均衡" else "幼儿园"),
                 f"{passing}/{len(result.schools_before)}", border=True)
        c.metric("补充后达标", f"{int((result.schools['status'] == 'pass').sum())}/{len(result.schools)}", border=True)
        if result.status == "infeasible":
            st.error("找不到可行方案：" + "；".join(result.reasons))
        else:
            st.markdown(f"**补充方案**：{result.text or '无需补充'}")
        if len(result.dispersion):
            cv = result.dispersion_before.merge(result.dispersion[["stage", "indicator", "cv"]], on=["stage", "indicator"],
                                                 suffixes=("_before", "_after"))
            st.dataframe(tidy(pd.DataFrame({
                "学段": cv["stage"], "指标": cv["indicator"], "差异系数（只含规划项目）": cv["cv_before"].round(3),
                "差异系数（含补充方案）": cv["cv_after"].round(3), "上限": cv["cv_limit"]})), hide_index=True, width="stretch")
        if len(result.plan):
            st.dataframe(tidy(result.plan.assign(学校=result.plan["school_id"].map(names))[
                ["学校", "stage", "resource", "amount", "unit", "cost"]].rename(columns={
                    "stage": "学段", "resource": "新增", "amount": "数量", "unit": "单位", "cost": "费用（万元）"})),
                hide_index=True, width="stretch")


def _changes_of(edited: pd.DataFrame, names: dict[str, str], scheme: str) -> pd.DataFrame:
    """The edited table as planned changes (school id, stage, resource key, amount, year ready); incomplete rows left out."""
    ids = {name: sid for sid, name in names.items()}
    keys = {label: key for key, label in p.LABEL.items()}
    rows = edited.dropna(subset=["学校或幼儿园", "类别", "数量", "到位年份"])
    return pd.DataFrame({"school_id": rows["学校或幼儿园"].map(ids), "stage": rows["学段"].fillna(""),
                         "resource": rows["类别"].map(keys), "amount": rows["数量"].astype(float),
                         "year_ready": rows["到位年份"].astype(int)}).dropna(subset=["school_id", "resource"])


def _costs_of(edited: pd.DataFrame, costs: pd.DataFrame) -> pd.DataFrame:
    """The unit costs with the page's edits laid over them."""
    labels = dict(zip(edited["资源"], zip(edited["单价（万元）"], edited["计入年数"])))
    out = costs.copy()
    for i, label in enumerate(out["label"]):
        if label in labels:
            out.loc[out.index[i], ["unit_cost", "cost_years"]] = labels[label]
    return out
