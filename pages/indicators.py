"""指标: one indicator over the years against its target, with its definition and its data."""

import streamlit as st

from dashboard import queries, views
from dashboard.data import query, require_warehouse
from dashboard.filters import current
from dashboard.shell import ensure_app_shell
from dashboard.ui import chart, demo_banner, downloads, no_data, tidy
from pipelines import config
from pipelines.describe import describe_gap, describe_latest, describe_target, describe_year, flag, parts_of, present

ensure_app_shell()
require_warehouse()
f = current()
st.title("指标")

targets = queries.statuses(f)
if targets.empty:
    no_data("当前筛选条件下没有量化目标。请在左侧放宽“重点任务”或“单位”。")

search = st.text_input("查找指标", placeholder="输入名称、代码或任务编号，如“入园率”“HS_GER”“任务10”", key="indicator_search")
if search:
    words = search.strip().replace("任务", "")
    mask = (
        targets["indicator_name"].str.contains(search, regex=False)
        | targets["indicator_code"].str.contains(search.upper(), regex=False)
        | targets["source_text"].str.contains(search, regex=False)
        | targets["task_no"].astype(str).eq(words)
    )
    targets = targets[mask]
    if targets.empty:
        no_data(f"没有与“{search}”相符的指标。")

labels = {
    r.target_id: f"{r.target_id}　{r.indicator_name.replace('（当年新增）', '')}（"
    f"{describe_target(r.kind, r.comparator, r.target_value, r.unit, parts_of(r.ratio_parts), r.basis)}）— {r.status_label}"
    for r in targets.itertuples()
}
wanted = st.query_params.get("target")
ids = list(labels)
chosen = st.selectbox("选择目标", ids, index=ids.index(wanted) if wanted in ids else 0, format_func=labels.get,
                      key="indicator_target")
target = next(targets[targets["target_id"] == chosen].itertuples())

values, shares, demo = queries.indicator_data(target.indicator_code, target.kind, f)
demo_banner(demo)

a, b, c, d = st.columns(4)
a.metric("状态", target.status_label, border=True)
b.metric(f"最新值（{int(target.latest_year)}年）" if present(target.latest_year) else "最新值", describe_latest(target),
         border=True)
c.metric(f"目标（{describe_year(target)}）",
         describe_target(target.kind, target.comparator, target.target_value, target.unit, parts_of(target.ratio_parts),
                         target.basis), border=True)
d.metric("差距", describe_gap(target), border=True, help="距达到目标还差多少（已达成为0）")

figure = views.indicator_figure(chosen, f)
if figure is None:
    st.info("该指标还没有填报数据。")
else:
    chart(figure, f"{target.target_id}_{f.as_of}", key="indicator")
if present(target.detail) and target.detail:
    st.caption(f"评估说明：{target.detail}")

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
if values.empty:
    st.caption("暂无数据")
else:
    table = values.assign(is_demo=values["is_demo"].map({True: config.DEMO_LABEL, False: ""}),
                          derivation=values["derivation"].map({"reported": "填报", "derived": "由分子分母计算"}))
    if target.kind == "milestone":
        table["value"] = table["value"].map(flag)
    table = table[["year", "value", "cumulative_value", "derivation", "note", "file_name", "reported_by", "received_at", "is_demo"]]
    table.columns = ["年度", f"数值（{ind['unit']}）" if ind["unit"] else "数值", "累计（2023年起）", "来源方式", "备注", "来源工作簿", "填报单位", "收到时间", "说明"]
    if target.kind != "count_cumulative":
        table = table.drop(columns="累计（2023年起）")
    st.dataframe(tidy(table), hide_index=True, width="stretch")
    downloads(table, f"{target.indicator_code}_{f.as_of}", target.indicator_code, key="indicator")
