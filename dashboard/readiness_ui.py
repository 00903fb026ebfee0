"""Pieces of the 验收准备 page that other pages share: cached figures, the links from 总览 and 指标, and
the data-quality section of the school-derived cross-checks."""

import plotly.graph_objects as go
import streamlit as st

from pipelines import formats
from pipelines.schools import settings as s

from . import readiness
from .data import db_path
from .queries import Filters
from .ui import tidy
from .views import version

PAGE = "pages/readiness.py"


@st.cache_resource(show_spinner=False, max_entries=64)
def _figure(kind: str, scheme: str | None, as_of: int, show_demo: bool, stamp: tuple, db: str) -> go.Figure | None:
    if kind == "dispersion":
        return readiness.dispersion_figure(as_of, show_demo)
    if kind == "shares":
        return readiness.shares_figure(as_of, show_demo)
    return readiness.readiness_figure(scheme, as_of, show_demo)


@st.cache_data(show_spinner=False, max_entries=16)
def _school_workbook(year: int, stamp: tuple, db: str) -> bytes:
    from pathlib import Path

    from pipelines.schools.template import school_template_bytes
    from pipelines.warehouse import connect

    with connect(Path(db), read_only=True) as con:
        return school_template_bytes(con, year)


def school_workbook_button(container, year: int) -> None:
    """数据填报: 旗教育局's school and kindergarten workbook (the `template --schools` code)."""
    from pipelines.schools.template import file_name

    container.download_button("下载学校与幼儿园工作簿", _school_workbook(year, version(), str(db_path())),
                              file_name=file_name(year), key="school_template_download",
                              mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                              help="验收准备用：逐校、逐园填报办学条件的原始数量，上传方式与年度工作簿相同")


def figure(kind: str, f: Filters, scheme: str | None = None) -> go.Figure | None:
    """A readiness figure, built once per data version (callers must not modify it)."""
    return _figure(kind, scheme, f.as_of, f.show_demo, version(), str(db_path()))


def overview_links(f: Filters) -> None:
    """总览: one line per acceptance — years left, criteria met / on track / behind — linking to 验收准备."""
    if not readiness.available():
        return
    table = readiness.summary(readiness.readiness(f.as_of, f.show_demo))
    tasks = readiness.milestone_tasks()
    columns = st.columns(len(table))
    for column, r in zip(columns, table.itertuples()):
        task = f"任务{tasks[r.scheme]} · " if r.scheme in tasks else ""
        with column.container(border=True):
            st.markdown(f"**{task}{r.acceptance_year}年{r.title}验收** · {readiness.years_left(r.acceptance_year, f.as_of)}")
            st.caption(f"{r.total}项标准：已达标 {r.met}，按期可达 {r.on_track}，滞后 {r.behind}，暂无数据 {r.unknown}")
            st.page_link(PAGE, label="查看验收准备", icon=":material/fact_check:", query_params={"scheme": r.scheme})


def milestone_link(indicator_code: str) -> None:
    """指标: the acceptance milestones of tasks 6 and 10 point to their readiness."""
    scheme = readiness.scheme_of_indicator(indicator_code)
    if scheme is None or not readiness.available():
        return
    st.page_link(PAGE, label=f"{s.SCHEME_TITLES[scheme]}验收准备：逐项标准、逐校达标与进展", icon=":material/fact_check:",
                 query_params={"scheme": scheme})


def cross_check_section(f: Filters) -> None:
    """数据质量: a plan rate that the school and kindergarten rows also give, against the unit's county value."""
    st.subheader("学校、幼儿园数据与全旗填报值的核对")
    if not readiness.available():
        st.caption("数据仓库尚无学校与幼儿园数据表，请重建（python -m pipelines build）。")
        return
    checks = readiness.cross_checks(f.show_demo)
    checks = checks[checks["year"] <= f.as_of]
    if checks.empty:
        st.caption("还没有可核对的学校、幼儿园数据。")
        return
    findings = checks[checks["agrees"].eq(False)]
    tolerance = float(checks["tolerance"].iloc[0])
    st.caption(f"由学校、幼儿园逐校数据汇总得到的比率与单位填报的全旗数值相差超过{tolerance:g}个百分点的，列为数据问题；"
               "两者都保留，互不覆盖，请核实后更正其一。")
    table = checks.assign(
        差异=checks["difference"].map(lambda v: "—" if v != v else ("+" if v >= 0 else "−") + formats.points(abs(v))),
        derived_value=checks["derived_value"].map(lambda v: formats.bare(v, "%")),
        reported_value=checks["reported_value"].map(lambda v: formats.bare(v, "%")),
        结果=checks["agrees"].map({True: "一致", False: "不一致"}).fillna("全旗未填报"),
        说明=checks["is_demo"].map({True: "示例数据", False: ""}),
    ).rename(columns={"name": "指标", "year": "年度", "derived_value": "逐校汇总（%）", "reported_value": "全旗填报（%）"})
    if findings.empty:
        st.success("逐校汇总与全旗填报一致。")
    else:
        st.warning(f"{len(findings)} 处不一致：" + "；".join(f"{r.year}年{r.name}" for r in findings.itertuples()),
                   icon=":material/compare_arrows:")
    st.dataframe(tidy(table[["指标", "年度", "逐校汇总（%）", "全旗填报（%）", "差异", "结果", "说明"]]),
                 hide_index=True, width="stretch")
