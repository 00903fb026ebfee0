"""`status`: the target status table as text, as of a year."""

from datetime import date

import duckdb

from . import config
from .describe import describe_target, number, parts_of, present
from .textable import render


def latest_data_year(con: duckdb.DuckDBPyConnection) -> int | None:
    row = con.execute(
        "select max(o.year) from observations o join submissions s using (submission_id) where not s.withdrawn"
    ).fetchone()
    return row[0]


def status_frame(con: duckdb.DuckDBPyConnection, as_of: int):
    return con.execute(
        """
        select a.*, t.indicator_code, i.name as indicator_name, t.kind, t.comparator, t.unit, t.ratio_parts, t.basis,
            t.section_no, t.task_no, t.lead_unit, t.source
        from target_assessments as a
        join targets as t using (target_id)
        join indicators as i using (indicator_code)
        where a.as_of_year = ? and a.include_demo
        order by t.section_no, t.task_no, a.target_id
        """,
        [as_of],
    ).df()


def status_text(con: duckdb.DuckDBPyConnection, as_of: int | None) -> tuple[str, bool]:
    """The table and a summary; (text, False) when the year is outside the plan."""
    if as_of is not None and as_of not in config.YEARS:
        return f"评估年度 {as_of} 不在方案范围（{config.YEARS[0]}—{config.YEARS[-1]}）内", False
    data_year = latest_data_year(con)
    as_of = as_of or data_year or config.BASELINE_YEAR
    frame = status_frame(con, as_of)
    rows = []
    for r in frame.itertuples():
        target = describe_target(r.kind, r.comparator, r.target_value, r.unit, parts_of(r.ratio_parts), r.basis)
        latest = r.latest_text if present(r.latest_text) else number(r.latest_value, "" if r.kind == "milestone" else r.unit)
        if present(r.latest_year):
            latest = f"{latest}（{int(r.latest_year)}）"
        year = str(int(r.target_year)) if present(r.target_year) else "（未定）"
        rows.append([r.target_id, r.indicator_name, target, year, latest, number(r.gap), r.status_label, r.status])
    table = render(["目标", "指标", "目标值", "目标年", "最新值（年份）", "差距", "状态", "代码"], rows, max_width=34)
    counts = frame.groupby("status").size()
    summary = "，".join(f"{config.STATUS_LABELS[s]} {counts[s]}" for s in config.STATUS_LABELS if s in counts)
    demo = f"（含{config.DEMO_LABEL}）" if frame["is_demo"].any() else ""
    today = date.today()
    overdue = con.execute("select count(*) from task_ledger(?) where overdue", [today]).fetchone()[0]
    head = f"目标达成状态，评估年度 {as_of}{demo}；共 {len(frame)} 个目标：{summary}"
    tail = f"截至今天（{today:%Y-%m-%d}）已过完成时限而未报告完成的任务：{overdue} 项（明细见仪表盘“任务台账”）"
    return f"{head}\n\n{table}\n\n{tail}", True
