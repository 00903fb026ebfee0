"""The Excel report: every target's status with its inputs, the observations, the task ledger, the notes."""

from datetime import datetime

import duckdb
import pandas as pd

from pipelines import config, method
from pipelines.describe import describe_latest, describe_target, describe_year, parts_of
from pipelines.discrepancies import FIELD_LABELS, SEVERITY_LABELS
from pipelines.exports import excel_bytes

from .briefing import gather
from .queries import query, reading

NUMBER = "#,##0.0#"


def build_workbook(con: duckdb.DuckDBPyConnection, as_of: int | None = None, include_demo: bool = True) -> bytes:
    b = gather(con, as_of, include_demo)
    s = b.statuses
    targets = pd.DataFrame({
        "目标编号": s["target_id"],
        "重点任务": s["section_title"],
        "任务编号": s["task_no"],
        "指标代码": s["indicator_code"],
        "指标": s["indicator_name"],
        "目标类型": s["kind"].map(config.KIND_LABELS),
        "目标": [describe_target(r.kind, r.comparator, r.target_value, r.unit, parts_of(r.ratio_parts), r.basis)
                 for r in s.itertuples()],
        "目标值": s["target_value"],
        "单位": s["unit"],
        "目标年度": [describe_year(r) for r in s.itertuples()],
        "基线值": s["baseline_value"],
        "基线年度": s["baseline_year"],
        "最新值": s["latest_value"].where(s["kind"] != "milestone"),  # an acceptance is said as 是/否 beside
        "最新年度": s["latest_year"],
        "最新情况": [describe_latest(r) for r in s.itertuples()],
        "差距": s["gap"].where(~s["kind"].isin(["milestone", "trend"])),
        "需要年均变化": s["required_per_year"],
        "实际年均变化": s["actual_per_year"],
        "进展比": s["progress_ratio"],
        "推算目标年值": s["projected_value"],
        "状态": s["status_label"],
        "状态代码": s["status"],
        "评估说明": s["detail"],
        "牵头单位": s["lead_unit"],
        "原文": s["source_text"],
        "来源": s["source"].map({"attachment": "附件", "body": "正文"}),
        "含示例数据": s["is_demo"].map({True: "是", False: ""}),
    })
    with reading(con):
        observations = query(
            """
            select o.indicator_code as 指标代码, i.name as 指标, i.unit as 单位, o.year as 年度, o.value as 数值,
                o.note as 备注, s.unit as 填报单位, s.file_name as 来源工作簿, s.received_at as 收到时间,
                s.account as 提交人, case when s.withdrawn then '已撤回' else '' end as 撤回,
                case when s.is_demo then '是' else '' end as 示例数据, o.sheet_row as 工作表行
            from observations o join submissions s using (submission_id) join indicators i using (indicator_code)
            where (? or not s.is_demo) and o.year <= ?
            order by o.indicator_code, o.year, s.submission_id
            """,
            [include_demo, b.as_of],
        )
    ledger = b.ledger
    tasks = pd.DataFrame({
        "任务编号": ledger["task_no"], "重点任务": ledger["section_title"],
        "任务目标": "（" + ledger["key_task_no"].astype(str) + "）" + ledger["key_task_title"],
        "任务内容": ledger["text"], "牵头单位": ledger["lead_units"], "责任单位": ledger["responsible_units"],
        "完成时限": ledger["deadline_text"].str.replace("\n", "；"), "最新进展": ledger["latest_status"],
        "进展说明": ledger["latest_note"], "逾期": ledger["overdue"].map({True: "逾期", False: ""}),
        "应完成日期": ledger["overdue_since"], "正文与附件差异": ledger["discrepancy_notes"],
    })
    d = b.discrepancies
    discrepancies = pd.DataFrame({"类别": d["severity"].map(SEVERITY_LABELS), "任务编号": d["task_no"],
                                  "重点任务": d["key_task_no"], "方面": d["field"].map(FIELD_LABELS),
                                  "正文": d["body_value"], "附件": d["attachment_value"], "说明": d["note"]})
    notes = pd.DataFrame({"项目": ["评估年度", "生成时间", "数据来源", "示例数据", "评估方法"], "内容": [
        f"{b.as_of}年", f"{datetime.now():%Y-%m-%d %H:%M}", config.SOURCE_LINE.removeprefix("数据来源："),
        f"含{config.DEMO_LABEL}（演示用的虚构数值，并非真实统计）" if b.demo else "不含示例数据",
        method.rules_text() + "。" + method.FORMULA,
    ]})
    formats = {name: NUMBER for name in ("目标值", "基线值", "最新值", "差距", "需要年均变化", "实际年均变化", "推算目标年值", "数值")}
    formats.update({"进展比": "0.00", "基线年度": "0", "最新年度": "0", "年度": "0",
                    "收到时间": "yyyy-mm-dd hh:mm", "应完成日期": "yyyy-mm-dd"})
    return excel_bytes({"目标状态": targets, "观测值": observations, "任务台账": tasks, "正文与附件差异": discrepancies,
                        "说明": notes}, formats)
