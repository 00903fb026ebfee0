"""`status`: the target status table as text, as of a year (approved workbooks only, as every reader)."""

from datetime import date

import duckdb

from . import config, formats
from .collection.review import pending_count
from .deadlines import ledger_date
from .describe import describe_goal, describe_year, texts_sentence
from .textable import render


def default_year(con: duckdb.DuckDBPyConnection, include_demo: bool = True) -> int:
    """The latest year the reporting units have covered (reporting_coverage.sql)."""
    return con.execute("select default_as_of_year(?)", [include_demo]).fetchone()[0]


def status_frame(con: duckdb.DuckDBPyConnection, as_of: int):
    return con.execute(
        """
        select a.*, t.indicator_code, i.name as indicator_name, t.kind, t.comparator, t.unit, t.ratio_parts, t.basis,
            t.recurring, t.goal, t.section_no, t.task_no, t.lead_unit, t.source,
            w.words as basis_words, o.words as alt_words, c.ruled_by, c.ruled_at, c.reason as ruling_reason
        from target_assessments as a
        join targets as t using (target_id)
        join indicators as i using (indicator_code)
        left join target_texts as w on w.target_id = a.target_id and w.text = a.text_basis
        left join target_texts as o on o.target_id = a.target_id and o.text = a.alt_text
        left join current_rulings as c on c.target_id = a.target_id
        where a.as_of_year = ? and a.include_demo
        order by t.section_no, t.task_no, a.target_id
        """,
        [as_of],
    ).df()


def status_text(con: duckdb.DuckDBPyConnection, as_of: int | None) -> tuple[str, bool]:
    """The table and a summary; (text, False) when the year is outside the plan."""
    if as_of is not None and as_of not in config.YEARS:
        return f"评估年度 {as_of} 不在方案范围（{config.YEARS[0]}—{config.YEARS[-1]}）内", False
    as_of = as_of or default_year(con)
    frame = status_frame(con, as_of)
    rows = []
    for r in frame.itertuples():
        target = describe_goal(r)
        latest = formats.latest_with_year(r)
        rows.append([r.target_id, r.indicator_name, target, describe_year(r), latest, formats.gap(r) or formats.NONE, r.status_label,
                     r.status])
    table = render(["目标", "指标", "目标值", "目标年", "最新值（年份）", "差距", "状态", "代码"], rows, max_width=34)
    counts = frame.groupby("status").size()
    summary = "；".join(f"{config.STATUS_LABELS[s]} {counts[s]}" for s in config.STATUS_LABELS if s in counts)
    demo = f"（含{config.DEMO_LABEL}）" if frame["is_demo"].any() else ""
    today = ledger_date(as_of)  # as the pages count them: judged on that day, with reports up to the as-of year
    overdue = con.execute("select count(*) from task_ledger(?, report_year := ?) where overdue", [today, as_of]).fetchone()[0]
    reported, expected = con.execute(
        "select units_reported, units_expected from year_coverage(true) where year = ?", [as_of]).fetchone()
    head = (f"目标达成状态，评估年度 {as_of}{demo}（{reported}/{expected} 个单位已报送该年度）；"
            f"共 {len(frame)} 个目标：{summary}")
    when = "今天" if today == date.today() else f"{as_of}年底"
    tail = f"截至{when}（{today:%Y-%m-%d}）已过完成时限而未报告完成的任务：{overdue} 项（明细见仪表盘“任务台账”）"
    texts = [f"{r.target_id} {texts_sentence(r)}" for r in frame.itertuples() if texts_sentence(r)]
    if texts:  # issue 19: a target the body and the attachment state differently, under each text
        tail += "\n正文与附件目标值不同的目标：" + "；".join(texts)
    pending = pending_count(con)
    if pending:  # approved data only are counted above (collection.review)
        tail += (f"\n另有 {pending} 个工作簿待审核，未计入上表"
                 "（python -m pipelines review list 查看，review approve 或 review return 审核）")
    return f"{head}\n\n{table}\n\n{tail}", True
