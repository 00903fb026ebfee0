"""The Excel report: a printed status sheet a reader takes to a meeting, and the full tables for analysts.

目标状态 holds what a reader needs (part, target, latest, gap, status, lead unit, why) and prints on A4
landscape at full size; 目标状态明细 keeps every input of each status for those who redo the arithmetic;
then the observations, the task ledger, the discrepancies and the notes. Every header and value a reader
meets is Chinese; the indicator code (the key of the units' workbooks) stands after the name in the
analysts' sheets only.

The workbook is the list SHEET_BUILDERS: each takes the Briefing and returns its sheets; a new part of the
platform adds its sheets by adding a builder.
"""

from collections.abc import Callable
from datetime import datetime

import duckdb
import pandas as pd

from pipelines.core import config, formats, palette
from pipelines.core.deadlines import ledger_deadline, overdue_words
from pipelines.core.describe import describe_goal, describe_year, texts_sentence
from pipelines.core.table_files import Sheet, excel_bytes
from pipelines.plan import method
from pipelines.plan.discrepancies import FIELD_LABELS, SEVERITY_LABELS

from .briefing_data import Briefing, gather
from .plan_exports import workbook_sheets as plan_sheets  # issue 23: the path to pass
from .queries import query, reading, rectification_sentence

NUMBER = "#,##0.0#"
TITLE = "敖汉旗教育高质量发展监测报表"
# The one palette's colour behind each status, and its mark before the words (a grey print loses nothing).
STATUS_FILLS = {palette.tag(code): palette.STATUS_COLOURS[code].removeprefix("#") for code in config.STATUS_LABELS}


def _sheet(b: Briefing, title: str, frame: pd.DataFrame, **kwargs) -> Sheet:
    return Sheet(title, frame, header=f"{TITLE}　{title}（评估年度{b.as_of}年）", demo=b.demo, **kwargs)


def _goal(r) -> str:
    return describe_goal(r)


def _why(r) -> str:
    """The status's detail, and for a target the two texts state differently its status under each (issue 19)."""
    detail = r.detail if isinstance(r.detail, str) else ""
    both = texts_sentence(r)
    return f"{detail}；{both}" if both and detail else (both or detail)


def status_sheets(b: Briefing) -> list[Sheet]:
    """The printed status sheet: one row per target, in the plan's order, the columns a reader needs."""
    s = b.statuses
    gap = [formats.gap(r) for r in s.itertuples()]
    frame = pd.DataFrame({
        "部分": [f"{config.SECTION_NUMERALS[n - 1]}、{t}" for n, t in zip(s["section_no"], s["section_title"])],
        "目标编号": s["target_id"],
        "指标": s["indicator_name"],
        "目标": [_goal(r) for r in s.itertuples()],
        "目标年度": [describe_year(r) for r in s.itertuples()],
        "最新情况": [formats.latest_with_year(r) for r in s.itertuples()],
        "差距": gap,
        "状态": s["status"].map(palette.tag),
        "牵头单位": s["lead_unit"],
        "说明": [_why(r) for r in s.itertuples()],
    })
    widths = {"部分": 10, "目标编号": 9, "指标": 22, "目标": 14, "目标年度": 11, "最新情况": 19, "差距": 12,
              "状态": 10, "牵头单位": 10, "说明": 24}
    return [_sheet(b, "目标状态", frame, widths=widths, fills={"状态": STATUS_FILLS}, repeat_columns=2)]


def detail_sheets(b: Briefing) -> list[Sheet]:
    """Every input of every status, for analysts (wide: it prints across pages, 目标编号 and 指标 on each)."""
    s = b.statuses
    frame = pd.DataFrame({
        "目标编号": s["target_id"],
        "指标": s["indicator_name"],
        "重点任务": s["section_title"],
        "任务编号": s["task_no"],
        "目标类型": s["kind"].map(config.KIND_LABELS),
        "目标": [_goal(r) for r in s.itertuples()],
        "目标值": s["target_value"],
        "单位": s["unit"],
        "目标年度": [describe_year(r) for r in s.itertuples()],
        "基线值": s["baseline_value"],
        "基线年度": s["baseline_year"],
        "最新值": s["latest_value"].where(~s["kind"].isin(config.EVENT_KINDS)),  # an acceptance is said as 是/否 beside
        "最新年度": s["latest_year"],
        "最新情况": [formats.latest(r) for r in s.itertuples()],
        "差距": s["gap"].where(~s["kind"].isin([*config.EVENT_KINDS, "trend"])),
        "需要年均变化": s["required_per_year"],
        "实际年均变化": s["actual_per_year"],
        "进展比": s["progress_ratio"],
        "推算目标年值": s["projected_value"],
        "状态": s["status"].map(palette.tag),
        "评估说明": s["detail"],
        "正文与附件": [texts_sentence(r) or "" for r in s.itertuples()],
        "牵头单位": s["lead_unit"],
        "原文": s["source_text"],
        "来源": s["source"].map({"attachment": "附件", "body": "正文"}),
        "含示例数据": s["is_demo"].map({True: "是", False: ""}),
        "整改说明": [rectification_sentence(r) or "" for r in s.itertuples()],
        "指标代码": s["indicator_code"],
    })
    cells = {name: NUMBER for name in ("目标值", "基线值", "最新值", "差距", "需要年均变化", "实际年均变化", "推算目标年值")}
    cells.update({"进展比": "0.00", "基线年度": "0", "最新年度": "0"})
    return [_sheet(b, "目标状态明细", frame, formats=cells, fills={"状态": STATUS_FILLS}, repeat_columns=2)]


def observation_sheets(b: Briefing) -> list[Sheet]:
    frame = query(
        """
        select i.name as 指标, i.unit as 单位, o.year as 年度, o.value as 数值, o.note as 备注,
            s.unit as 填报单位, s.file_name as 来源工作簿, s.received_at as 收到时间, s.account as 提交人,
            case when s.withdrawn then '已撤回' else '' end as 撤回,
            case when s.is_demo then '是' else '' end as 示例数据, o.sheet_row as 工作表行, o.indicator_code as 指标代码
        from observations o join submissions s using (submission_id) join indicators i using (indicator_code)
        where (? or not s.is_demo) and o.year <= ? and s.review_status = 'approved'  -- pending, returned: not data yet
        order by o.indicator_code, o.year, s.submission_id
        """,
        [b.include_demo, b.as_of],
    )
    cells = {"数值": NUMBER, "年度": "0", "收到时间": "yyyy-mm-dd hh:mm"}
    return [_sheet(b, "观测值", frame, formats=cells, repeat_columns=1)]


def ledger_sheets(b: Briefing) -> list[Sheet]:
    ledger = b.ledger
    frame = pd.DataFrame({
        "任务编号": ledger["task_no"], "重点任务": ledger["section_title"],
        "任务目标": "（" + ledger["key_task_no"].astype(str) + "）" + ledger["key_task_title"],
        "任务内容": ledger["text"], "牵头单位": ledger["lead_units"], "责任单位": ledger["responsible_units"],
        "完成时限": [ledger_deadline(t, d) for t, d in zip(ledger["deadline_text"], ledger["body_due_dates"])],
        "最新进展": ledger["latest_status"], "进展说明": ledger["latest_note"],
        "逾期": [overdue_words(o, by) for o, by in zip(ledger["overdue"], ledger["overdue_by"])],
        "应完成日期": ledger["overdue_since"], "量化目标": ledger["targets"],
        "正文与附件差异": ledger["discrepancy_notes"],
        "整改说明": ledger["rectification"],
    })
    widths = {"任务编号": 9, "重点任务": 12, "任务目标": 14, "任务内容": 36, "牵头单位": 12, "责任单位": 16,
              "完成时限": 14, "最新进展": 10, "进展说明": 14, "逾期": 9, "应完成日期": 11, "量化目标": 20, "正文与附件差异": 16,
              "整改说明": 24}
    return [_sheet(b, "任务台账", frame, formats={"应完成日期": "yyyy-mm-dd"}, widths=widths, repeat_columns=1)]


def discrepancy_sheets(b: Briefing) -> list[Sheet]:
    d = b.discrepancies
    frame = pd.DataFrame({"类别": d["severity"].map(SEVERITY_LABELS), "任务编号": d["task_no"],
                          "重点任务": d["key_task_no"], "方面": d["field"].map(FIELD_LABELS),
                          "正文": d["body_value"], "附件": d["attachment_value"], "说明": d["note"]})
    return [_sheet(b, "正文与附件差异", frame, widths={"正文": 36, "附件": 36, "说明": 30})]


def notes_sheets(b: Briefing) -> list[Sheet]:
    frame = pd.DataFrame({"项目": ["评估年度", "生成时间", "数据来源", "示例数据", "评估方法", "计算公式"], "内容": [
        f"{b.as_of}年", f"{datetime.now():%Y-%m-%d %H:%M}", config.SOURCE_LINE.removeprefix("数据来源："),
        f"含{config.DEMO_LABEL}（演示用的虚构数值，并非真实统计）" if b.demo else "不含示例数据",
        method.rules_text("\n"), method.FORMULA,
    ]})
    return [_sheet(b, "说明", frame, widths={"项目": 10, "内容": 120})]


def readiness_sheets(b: Briefing) -> list[Sheet]:
    """Issue 12: the 2028 and 2030 acceptances (reports.readiness_exports)."""
    from .readiness_exports import workbook_sheets

    return workbook_sheets(b)



# The workbook, in order. Another part of the platform adds its sheets by adding its builder here.
SHEET_BUILDERS: list[Callable[[Briefing], list[Sheet]]] = [
    status_sheets, detail_sheets, observation_sheets, ledger_sheets, discrepancy_sheets, readiness_sheets, plan_sheets,
    notes_sheets,
]


def build_workbook(con: duckdb.DuckDBPyConnection, as_of: int | None = None, include_demo: bool = True) -> bytes:
    b = gather(con, as_of, include_demo)
    with reading(con):
        sheets = [sheet for builder in SHEET_BUILDERS for sheet in builder(b)]
    return excel_bytes(sheets)
