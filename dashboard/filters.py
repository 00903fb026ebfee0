"""The shared sidebar: as-of year, section, unit; and, while the demo runs, that the figures are demo data.

There is no switch for demo data: the warehouse decides (docs/design.md, "Demo data"). While it holds demo
workbooks (before the first real workbook is approved), every page shows them, labelled 示例数据; after
that there are none to show.
"""

import streamlit as st

from pipelines import config
from pipelines.collection.visibility import counts_pending_of

from . import auth
from .data import query, warehouse_ready
from .queries import Filters, coverage, default_year, pending_by_unit

ALL = "全部"


def sidebar() -> Filters:
    """Draw the shared filters (called once per run, from app.py) and remember them for the pages."""
    with st.sidebar:
        st.markdown("### 筛选")
        if not warehouse_ready():
            st.caption("数据仓库尚未建立")
            filters = Filters(config.BASELINE_YEAR, None, None, True)
            st.session_state["filters"] = filters
            return filters
        show_demo = bool(query("select count(*) as n from submissions where is_demo")["n"].iloc[0])
        default = default_year(show_demo)
        years = list(config.YEARS)
        as_of = st.selectbox("评估年度", years, index=years.index(default), key="as_of",
                             help="按该年度及以前的数据评估各目标；默认为多数应报单位已报送的最近年度。")
        st.caption(year_note(int(as_of), show_demo))
        account = auth.current()  # a reviewer counts its own units' workbooks, a unit its own
        pending = sum(n for unit, n in pending_by_unit(show_demo).items() if counts_pending_of(account, unit))
        if pending:  # every page says how many workbooks await review (they count once approved)
            st.caption(f":material/pending_actions: {pending} 个工作簿待审核，审核通过后计入")
        sections = query("select section_no, title from sections order by section_no")
        section_labels = {ALL: None} | {
            f"{config.SECTION_NUMERALS[r.section_no - 1]}、{r.title}": int(r.section_no) for r in sections.itertuples()
        }
        section = st.selectbox("重点任务", list(section_labels), key="section")
        units = query("select unit from units order by unit = '旗教育局' desc, category, unit")["unit"].tolist()
        unit = st.selectbox("单位", [ALL, *units], key="unit", help="牵头或负责的单位")
        filters = Filters(int(as_of), section_labels[section], None if unit == ALL else unit, show_demo)
        if filters.show_demo:
            st.caption(f":material/science: 当前为{config.DEMO_LABEL}（演示用的虚构数值）。第一个真实工作簿审核通过后，"
                       "示例数据即结束，不再显示。")
    st.session_state["filters"] = filters
    return filters


def year_note(as_of: int, show_demo: bool) -> str:
    """`5/6 个单位已报送2025年度`, and plainly when the year has no data of its own."""
    row = coverage(show_demo).set_index("year").loc[as_of]
    reported, expected = int(row["units_reported"]), int(row["units_expected"])
    if reported == 0:
        return f":material/info: {as_of}年度尚无单位报送：各目标按此前年度的数据评估"
    return f"{reported}/{expected} 个单位已报送{as_of}年度"


def current() -> Filters:
    return st.session_state.get("filters") or Filters(config.BASELINE_YEAR, None, None, True)
