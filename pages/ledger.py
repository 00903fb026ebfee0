"""任务台账: the 98 tasks with their units and deadlines."""

import streamlit as st

from dashboard.data import query, warehouse_exists

st.title("任务台账")
if not warehouse_exists():
    st.info("数据仓库尚未建立。请先运行：python -m pipelines build")
    st.stop()

tasks = query(
    """
    select t.task_no as 编号, s.title as 重点任务, k.title as 任务目标, t.text as 任务内容,
        string_agg(u.unit, '、') filter (where u.role = 'lead') as 牵头单位,
        string_agg(u.unit, '、') filter (where u.role = 'responsible') as 责任单位,
        t.deadline_text as 完成时限
    from tasks t join sections s using (section_no) join key_tasks k using (key_task_no)
    left join task_units u using (task_no)
    group by all order by t.task_no
    """
)
st.metric("任务数", len(tasks))
st.dataframe(tasks, hide_index=True, use_container_width=True)
