"""验收准备: 2028 学前教育普及普惠 and 2030 义务教育优质均衡 — years left, criteria met / on track / behind,
the 差异系数 over the years, school × indicator, the schools that fail and what each must add, and the path to
pass (达标路径: projected enrolments, the year each criterion is met, the cheapest plan, what-if)."""

import re

import pandas as pd
import streamlit as st

from dashboard import phone
from dashboard.filters import current
from dashboard.plan_ui import path_section
from dashboard.readiness_ui import figure
from dashboard.ui import demo_banner, downloads, no_data, tidy
from pipelines.core import config, formats, palette
from pipelines.core import school_settings as s
from pipelines.core.describe import number
from reports import readiness

f = current()
st.title("验收准备")
st.caption(f"2028年学前教育普及普惠、2030年义务教育优质均衡国家督导评估 · 评估年度 {f.as_of} 年 · "
           f"评估标准{s.CAVEAT}（出处见页末）")
if not readiness.available():
    no_data("数据仓库中还没有验收标准和学校数据表。请在项目目录重建：.venv/bin/python -m pipelines build")

table = readiness.readiness(f.as_of, f.show_demo)
demo_banner(bool(table["is_demo"].fillna(False).any()))
year = readiness.data_year(f.as_of, f.show_demo)
if year is None:
    later = readiness.data_year(config.PLAN_END_YEAR, f.show_demo)
    missing = f"截至{f.as_of}年还没有学校与幼儿园数据。" + (
        f"最新的学校数据为{later}年：请在左侧“评估年度”中选择。" if later else
        "旗教育局可在“数据填报”下载、上传学校与幼儿园工作簿，或运行："
        f".venv/bin/python -m pipelines template --unit {s.SCHOOL_UNIT} --year {f.as_of} --schools --out 学校.xlsx")
    if table["value"].isna().all():
        no_data(missing)
    # issue 18: the county figures already reported (指标数据) judge what they can; the per-school parts wait
    st.info(missing.rstrip("。") + "。下列标准中有数值的，取自各单位年度工作簿的指标数据（见“数据来源”列）；"
            "逐校、逐园的部分待学校数据载入后显示。",
            icon=":material/info:")

# At a glance: each acceptance, the years left, its criteria by readiness.
summary = readiness.summary(table)
for column, r in zip(st.columns(len(summary)), summary.itertuples()):
    with column.container(border=True):
        st.markdown(f"#### {r.title} · {r.acceptance_year}年验收 · {readiness.years_left(r.acceptance_year, f.as_of)}")
        a, b, c, d = st.columns(4)
        a.metric("已达标", r.met, border=False)
        b.metric("按期可达", r.on_track, border=False)
        c.metric("滞后", r.behind, border=False)
        d.metric("暂无数据", r.unknown, border=False)
        behind = table[(table["scheme"] == r.scheme) & (table["status_group"] == "behind")]
        names = [re.sub(r"（.*?）", "", name) for name in behind["name"]]
        st.caption(f"共{r.total}项标准。" + ("滞后：" + "；".join(names[:4]) + ("等" if len(names) > 4 else "")
                                          if names else "没有滞后的标准。"))
st.caption((f"学校数据年度：{year}年。" if year else "") +
           "“按期可达”指按已填报年度的年均进展，验收年可达到标准（与量化目标同一方法）。")

wanted = st.query_params.get("scheme")
scheme = st.segmented_control("验收项目", list(s.SCHEMES), default=wanted if wanted in s.SCHEMES else s.SCHEMES[0],
                              format_func=lambda x: f"{s.SCHEME_TITLES[x]}（{summary.set_index('scheme').loc[x, 'acceptance_year']}）",
                              key="readiness_scheme", required=True)

if year is None:
    pass  # no school or kindergarten rows up to the as-of year: only the criteria below
elif scheme == "优质均衡":
    st.subheader("校际差异系数")
    fig = figure("dispersion", f)
    if fig is None:
        st.info("还没有可计算差异系数的学校数据。")
    else:
        phone.chart(fig, f"差异系数_{f.as_of}", key="readiness_dispersion")

    st.subheader(f"逐校达标（{year}年）")
    rules = table[(table["scheme"] == scheme) & table["criterion_id"].str.endswith("_RULE")]
    compliance = readiness.compliance(year, f.show_demo)
    words = readiness.rule_words()
    columns = st.columns(3)
    for column, stage in zip(columns, s.JUDGED_STAGES):
        part = compliance[compliance["stage"] == stage]
        column.metric(f"{stage}达标学校", f"{int((part['rule_status'] == 'pass').sum())} / {len(part)}", border=True,
                      help=f"{words['rule']}；不足{words['min_students']}的教学点不参评")
    columns[2].metric("未达标学校", int((compliance["rule_status"] == "fail").sum()), border=True)
    st.caption("；".join(f"{r.name}：{r.shown}（{r.status_label}）" for r in rules.itertuples()))

    values = readiness.indicators(year, f.show_demo)
    left, right = st.columns([3, 1])
    townships = left.multiselect("苏木乡镇", sorted(values["township"].unique()), key="readiness_township",
                                 placeholder="全部苏木乡镇")
    stage = right.selectbox("学段", ["全部", *s.JUDGED_STAGES], key="readiness_stage")

    def narrow(frame: pd.DataFrame) -> pd.DataFrame:
        """The rows of the chosen 苏木乡镇 and 学段."""
        keep = pd.Series(True, index=frame.index)
        if townships:
            keep &= frame["township"].isin(townships)
        if stage != "全部":
            keep &= frame["stage"] == stage
        return frame[keep]

    text, levels = readiness.matrix(narrow(values))
    if text.empty:
        st.info("当前筛选条件下没有学校。")
    else:
        colours = {k: f"background-color: {v}; color: {palette.ink(v)}" for k, v in s.LEVEL_COLOURS.items()}
        styles = pd.DataFrame("", index=text.index, columns=text.columns)
        styles[levels.columns] = levels.apply(lambda c: c.map(lambda v: colours.get(v, "")))
        st.dataframe(text.style.apply(lambda _: styles, axis=None), width="stretch", height=min(36 * len(text) + 40, 520))
        # markdown, not a caption: a caption's muted style would make the swatches paler than the cells
        st.markdown("<span style='font-size:0.875rem'>" + "　".join(
            f"<span style='background:{s.LEVEL_COLOURS[k]};color:{palette.ink(s.LEVEL_COLOURS[k])};border:1px solid "
            f"{palette.EDGE};padding:0 4px'>{s.LEVEL_MARKS[k] or '&nbsp;'}</span> {v}"
            for k, v in readiness.level_labels().items()) + "</span>", unsafe_allow_html=True)

    fail = narrow(compliance[compliance["rule_status"] == "fail"])
    st.subheader(f"未达到“{words['rule']}”的学校：{len(fail)} 所")
    if fail.empty:
        st.success("当前筛选条件下每所学校都达到了要求。")
    else:
        failing = pd.DataFrame({
            "学校": fail["name"], "苏木乡镇": fail["township"], "学段": fail["stage"],
            "在校生": fail["students"].map(lambda v: number(v)), "达标项数": fail["n_met"],
            f"低于{words['floor']}": fail["n_below"], "需增加（按现有在校生）": fail["must_add_text"],
        })
        st.dataframe(failing, hide_index=True, width="stretch",
                     column_config={"需增加（按现有在校生）": st.column_config.TextColumn(width="large")})
        downloads(failing, f"未达标学校_{year}", "未达标学校", key="readiness_failing")

    rooms = readiness.small_rooms(year, f.show_demo)  # a school's rooms, whatever the 学段 chosen
    rooms = rooms[rooms["township"].isin(townships)] if townships else rooms
    if len(rooms):
        limits = rooms.iloc[0]
        with st.expander(f"专用教室面积不足的学校：{len(rooms)} 所（每间音乐专用教室不小于{limits.music_min:g}㎡、"
                         f"美术专用教室不小于{limits.art_min:g}㎡）"):
            st.dataframe(tidy(pd.DataFrame({
                "学校": rooms["name"], "苏木乡镇": rooms["township"],
                "最小一间音乐专用教室（㎡）": rooms["music"], "最小一间美术专用教室（㎡）": rooms["art"]})),
                hide_index=True, width="stretch")
else:
    st.subheader("普及普惠水平")
    fig = figure("shares", f)
    if fig is None:
        st.info("还没有幼儿园数据。")
    else:
        phone.chart(fig, f"普及普惠_{f.as_of}", key="readiness_shares")
    kgs = readiness.kindergartens(year, f.show_demo)
    st.subheader(f"幼儿园（{year}年，{len(kgs)} 所）")
    lacking = readiness.townships_without_centre(year, f.show_demo)
    if lacking:
        st.warning(f"没有公办中心园的乡镇苏木（{len(lacking)}个）：{'、'.join(lacking)}。", icon=":material/warning:")
    flags = pd.DataFrame({
        "幼儿园": kgs["name"], "苏木乡镇": kgs["township"], "性质": kgs["ownership"],
        "需关注": readiness.kindergarten_concerns(kgs), "在园幼儿": kgs["children"],
        "班数": kgs["classes"], "超额班数": kgs["oversize_classes"],
        "师幼比": kgs["children_per_teacher"].map(formats.ratio),
        "持证率": kgs["certified_share"].map(lambda v: number(v, "%")),
        "中心园": kgs["is_centre"].map({True: "是", False: "否"}),
        "园舍": [readiness.premises_text(r) for r in kgs.itertuples()]})
    flags = flags.sort_values("需关注", key=lambda c: c.eq(""), kind="stable")  # those to look at first
    st.dataframe(tidy(flags), hide_index=True, width="stretch", height=320,
                 column_config={"园舍": st.column_config.TextColumn(width="medium"),
                                "需关注": st.column_config.TextColumn(width="medium")})
    st.caption("园舍：规划设计年份与生均室外游戏场地、幼儿活动用房、园舍建筑面积（㎡）；"
               "2017年及以后规划设计的幼儿园须全部达标，此前的须半数达标（见下方全部标准）。")

changes = readiness.register_changes(year, f.show_demo) if year else None
if changes is not None:
    with st.expander(f"学校与幼儿园名录的变动（{year}年，{len(changes)} 处）"):
        if changes.empty:
            st.caption("与上一年度相比没有变动。")
        else:
            st.dataframe(tidy(changes.assign(kind=changes["kind"].map({"school": "学校", "kindergarten": "幼儿园"})).rename(
                columns={"kind": "类别", "name": "名称", "township": "苏木乡镇", "change": "变动", "merged_from": "并入的学校"})),
                hide_index=True, width="stretch")

st.subheader(f"{s.SCHEME_TITLES[scheme]}：全部标准")
part = table[table["scheme"] == scheme]
st.caption("“按期可达”“进展偏慢”等按各年度数据的年均进展推算到验收年；只有一个年度数据的为“无法评估”。"
           "“数据来源”：逐校、逐园数据（学校与幼儿园工作簿）优先，没有时取各单位年度工作簿中同一数量的指标数据。")
st.dataframe(
    tidy(pd.DataFrame({"方面": part["part"], "标准": part["name"], "学段": part["stage"], "要求": part["standard"],
                       "最新": part["shown"], "数据年度": part["latest_year"].map(lambda v: "" if pd.isna(v) else f"{int(v)}年"),
                       "数据来源": part["basis"], "状态": part["status_label"],
                       "说明": part["detail"]})),
    hide_index=True, width="stretch", height=420, column_config={"标准": st.column_config.TextColumn(width="large"),
                                                                 "数据来源": st.column_config.TextColumn(width="medium")},
)
fig = figure("readiness", f, scheme)
if fig is not None:
    with st.expander("标准达成情况图（可下载用于汇报）"):
        phone.chart(fig, f"验收准备_{scheme}_{f.as_of}", key="readiness_summary", in_expander=True)

path_section(f, scheme)  # issue 23: what to add where, by when, at what cost, to pass

with st.expander("评估标准与出处"):
    st.warning(f"评估标准{s.CAVEAT}。标准如有更新，请平台管理员更正评估标准表并重建数据，各页面随之更新。",
               icon=":material/info:")
    sources = readiness.criteria_sources()
    sources = sources[sources["scheme"] == scheme]
    st.dataframe(tidy(pd.DataFrame({"代码": sources["criterion_id"], "方面": sources["part"], "标准": sources["name"],
                                    "学段": sources["stage"],
                                    "要求": [readiness.standard(c, t, u) for c, t, u in
                                           zip(sources["comparator"], sources["threshold"], sources["unit"])],
                                    "出处": sources["source"], "网址": sources["source_url"],
                                    "说明": sources["caveat"]})),
                 hide_index=True, width="stretch", column_config={"网址": st.column_config.LinkColumn(),
                                                                 "说明": st.column_config.TextColumn(width="medium")})
st.caption(f"{s.SOURCE_LINE}" + (f"；{config.DEMO_LABEL}" if readiness.has_demo(f.show_demo) else "") + f"；评估标准{s.CAVEAT}。")
