"""指标: one indicator over the years against its target, with its definition and its data."""

import streamlit as st

from dashboard import phone, queries, readiness_ui, ruling_ui, target_facts, views
from dashboard.data import query, require_warehouse
from dashboard.filters import current
from dashboard.plain import plain
from dashboard.search import search_targets
from dashboard.shell import ensure_app_shell
from dashboard.ui import demo_banner, downloads, no_data, tidy
from pipelines import config, formats
from pipelines.describe import (
    describe_goal,
    number,
    parts_of,
    present,
    worded,
)
from pipelines.sources import source_text

ensure_app_shell()
require_warehouse()
f = current()
st.title("指标")

targets = queries.statuses(f)
if targets.empty:
    no_data("当前筛选条件下没有量化目标。请在左侧放宽“重点任务”或“单位”。")

search = st.text_input("查找指标", placeholder="输入名称中的任意词、原文或任务编号，如“入园率”“职称”“任务10”",
                       key="indicator_search")
if search:
    targets = search_targets(targets, search)
    if targets.empty:
        no_data(f"没有与“{plain(search)}”相符的指标。可以换一个词，或输入任务编号（如“任务10”）。")

labels = {
    r.target_id: f"{r.indicator_name.replace('（当年新增）', '')}（"
    f"{describe_goal(r)}）— {r.status_label}"
    for r in targets.itertuples()
}
ids = list(labels)
# The chosen target lives in the address (a copied link opens it) and in the session (coming back to the
# page keeps it); the address wins.
wanted = st.query_params.get("target") or st.session_state.get("chosen_target")
if search != st.session_state.get("last_search", ""):
    wanted = None  # a new search: its best match first
    st.session_state.pop("indicator_target", None)
st.session_state["last_search"] = search
chosen = st.selectbox("选择目标", ids, index=ids.index(wanted) if wanted in ids else 0, format_func=labels.get,
                      key="indicator_target")
st.session_state["chosen_target"] = chosen
if st.query_params.get("target") != chosen:
    st.query_params["target"] = chosen
target = next(targets[targets["target_id"] == chosen].itertuples())

values, shares, demo = queries.indicator_data(target.indicator_code, target.kind, f)
demo_banner(demo)

st.markdown(target_facts.CARDS_CSS, unsafe_allow_html=True)
for column, (label, value, help) in zip(st.columns(4), target_facts.cards(target)):
    column.metric(label, value, border=True, help=help)
if present(target.interpretation):  # issue 19: how the platform reads words that could be read otherwise
    st.info(f"**口径解读**：{target.interpretation}", icon=":material/rule:")
ruling_ui.texts_box(target)  # issue 19: both texts, the status under each, the ruling
if said := plain(queries.rectification_sentence(target, lagging_only=False)):  # the lead unit's latest 整改说明
    if target.status in config.LAGGING_STATUSES:
        st.info(f"**整改说明**（{int(target.rectified_year)}年度工作簿）　{said}", icon=":material/build:")
    else:  # no longer lagging: the explanation is history, not the news
        st.caption(f"此前进展滞后时的整改说明（{int(target.rectified_year)}年度工作簿）：{said}")

figure = views.indicator_figure(chosen, f)
if figure is None:
    st.info("该指标还没有填报数据。")
else:
    phone.chart(figure, f"{target.target_id}_{f.as_of}", key="indicator")
if present(target.detail) and target.detail:
    st.caption(f"评估说明：{target.detail}")
readiness_ui.milestone_link(target.indicator_code)  # tasks 6 and 10: the acceptances' readiness

st.subheader("指标定义")
ind = query("select * from indicators where indicator_code = ?", [target.indicator_code]).iloc[0]
task = query(
    """select t.task_no, t.text, t.deadline_text, k.title as key_task, s.title as section
       from tasks t join key_tasks k using (key_task_no) join sections s on s.section_no = t.section_no where task_no = ?""",
    [int(target.task_no)],
).iloc[0]
names = dict(query("select indicator_code, name from indicators").itertuples(index=False))
lines = [
    f"- **口径**：{ind['definition']}",
    f"- **填报单位**：{ind['reporter']}；**牵头单位**：{target.lead_unit}",
]
if ind["method"] == "rate":
    lines.append(f"- **计算方法**：{names[ind['numerator']]} ÷ {names[ind['denominator']]} × 100%（可直接填报比率，或只填分子、分母）")
external = query("select name, external_source from indicators where external_source is not null and indicator_code in "
                 "(select unnest(?::varchar[]))", [[target.indicator_code, *(ind[c] for c in ("numerator", "denominator")
                                                                           if present(ind[c]))]])
for r in external.itertuples():
    lines.append(f"- **外部数据**：{r.name}由{r.external_source}提供，填报时注明数据来源和来源日期（见下表“数据来源”）")
if ind["method"] == "register":
    lines.append(f"- **计算方法**：学校名录中{'、'.join(ind['register_types'])}的数量（旗教育局学校与幼儿园工作簿），各单位不再填写")
if ind["method"] == "structure":
    lines.append(f"- **计算方法**：各部分数量之比，按合计为10折算：{'：'.join(names[p] for p in ind['parts'])}")
lines += [
    f"- **所属任务**：{task['section']} ›（{target.key_task_no}）{task['key_task']} › 任务{task['task_no']}（完成时限：{task['deadline_text']}）",
    f"- **原文**：“{target.source_text}”" + ("（见于通知正文）" if target.source == "body" else "（见于附件任务清单）"),
    f"- **任务全文**：{task['text']}",
]
st.markdown("\n".join(lines))
notes = query("select note from discrepancies where target_id = ?", [chosen])
for note in notes["note"]:
    st.warning(f"正文与附件不一致：{note}", icon=":material/balance:")

st.subheader("数据")
if said := queries.register_note(target.indicator_code, f.show_demo, f.as_of):  # issue 18: counted, not typed
    st.caption(said)
# issue 18: each value says which file, sheet and cell it came from (an imported export's own cells; a rate's and a
# structure's from their parts)
sources = queries.value_sources(target.indicator_code, f.show_demo)
from_cells = {year: queries.source_sentence(rows) for year, rows in sources.groupby("year")}
if target.kind == "ratio" and shares is not None and not shares.empty:
    # A structure: each part's count, the shares of 10 and the largest distance from the target's shares.
    wide = shares.pivot(index="year", columns="part_name", values="count")
    wide = wide[shares.drop_duplicates("part_no").sort_values("part_no")["part_name"]]
    parts = parts_of(target.ratio_parts)
    by_year = shares.sort_values(["year", "part_no"]).groupby("year")["share_of_ten"]
    table = wide.reset_index().rename(columns={"year": "年度"})
    table["结构（合计10）"] = table["年度"].map(by_year.apply(lambda s: formats.structure(s, parts, target.comparator)))
    if target.comparator == "=":
        deviation = by_year.apply(lambda s: max(abs(v - p) for v, p in zip(s, parts)))
        table["与目标的最大偏差"] = table["年度"].map(
            deviation.map(lambda d: formats.coefficient(d, (config.RATIO_TOLERANCE,), "<=")))
    table["说明"] = table["年度"].map(shares.groupby("year")["is_demo"].any().map({True: config.DEMO_LABEL, False: ""}))
    shown = table.copy()  # counts as every view writes them (5,200); the downloads keep them whole
    for column in wide.columns:
        shown[column] = shown[column].map(formats.count)
    st.dataframe(tidy(shown), hide_index=True, width="stretch")
    downloads(table, f"{target.indicator_code}_{f.as_of}", "结构", key="indicator")
elif values.empty:
    st.caption("暂无数据")
else:
    table = values.assign(is_demo=values["is_demo"].map({True: config.DEMO_LABEL, False: ""}),
                          derivation=values["derivation"].map({"reported": "填报", "derived": "由分子分母计算",
                                                                "register": "由学校名录计数"}),
                          cell=values["year"].map(lambda y: from_cells.get(y, "").removeprefix("来源：")))
    if target.kind in config.EVENT_KINDS:  # 是/否, 未开工/在建/已竣工: the words typed
        table["value"] = [worded(v, ind["unit"]) or number(v) for v in table["value"]]
    # issue 18: where an input of another office came from (公安, 残联, 财政 …), beside the value
    table["data_source"] = [source_text(s if present(s) else None, d if present(d) else None)
                            for s, d in zip(table["source"], table["source_date"])]
    table = table[["year", "value", "cumulative_value", "derivation", "data_source", "note", "file_name", "cell",
                   "reported_by", "received_at", "is_demo"]]
    table.columns = ["年度", f"数值（{ind['unit']}）" if ind["unit"] else "数值", "累计（2023年起）", "来源方式", "数据来源",
                     "备注", "来源工作簿", "来源单元格", "填报单位", "收到时间", "说明"]
    if not table["数据来源"].astype(bool).any():
        table = table.drop(columns="数据来源")
    if target.kind != "count_cumulative":
        table = table.drop(columns="累计（2023年起）")
    shown = table.copy()  # the page writes each value as every view does (95.9%, 1,560人); the downloads keep them whole
    if target.kind not in config.EVENT_KINDS:
        for column in shown.columns[1:3]:
            if column.startswith(("数值", "累计")):
                shown[column] = shown[column].map(lambda v: formats.bare(v, ind["unit"]))
    st.dataframe(tidy(shown), hide_index=True, width="stretch")
    downloads(table, f"{target.indicator_code}_{f.as_of}", "数据", key="indicator")
if from_cells:
    with st.expander("每个数值的来源（文件、工作表、单元格）"):
        for year in sorted(from_cells):
            notes = [n for n in sources[sources["year"] == year]["note"].dropna().unique() if n]
            st.markdown(f"**{year}年**　{plain(from_cells[year])}" + (f"（{plain('；'.join(notes))}）" if notes else ""))
