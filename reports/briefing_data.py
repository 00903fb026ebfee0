"""What every report is made from and the sentences they all write: the Briefing (statuses, the ledger, the
discrepancies, the workbooks not yet counted) read through one connection; a target's risk in words, the parts'
counts, the overdue tasks, a discrepancy, a report's file name. The full deck (reports/briefing.py), the 领导版's
short deck, the Word and the Excel reports read them."""

from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from pipelines.core import config, formats
from pipelines.core.describe import describe_goal, describe_year, present, texts_sentence

from . import queries
from .queries import Filters, reading

AT_RISK = config.LAGGING_STATUSES

PLAN_SOURCE = "《敖汉旗推动教育高质量发展实施方案》及附件工作任务清单（2023年4月7日印发）"

@dataclass
class Briefing:
    as_of: int
    demo: bool
    statuses: pd.DataFrame
    ledger: pd.DataFrame
    discrepancies: pd.DataFrame
    missing: pd.DataFrame
    today: date
    include_demo: bool = True

def gather(con: duckdb.DuckDBPyConnection, as_of: int | None, include_demo: bool = True) -> Briefing:
    """Everything the deck and the reports show, read through one connection."""
    with reading(con):
        as_of = as_of or queries.default_year(include_demo)
        f = Filters(as_of, None, None, include_demo)
        statuses = queries.statuses(f)
        ledger = queries.ledger(f)
        discrepancies = queries.query("select * from discrepancies order by task_no, field")
        due = queries.completeness(include_demo, queries.last_due_year(as_of))
    # Not counted yet: no approved workbook (none sent, returned, or awaiting review), as `status` counts them.
    return Briefing(as_of, include_demo and bool(statuses["is_demo"].any()), statuses, ledger, discrepancies,
                    due[due["n_approved"] == 0], queries.ledger_date(as_of), include_demo)

MISSING_STATES = {"missing": "", "returned": "（已退回）", "pending": "（已收到，待审核）"}

def missing_text(missing: pd.DataFrame, ending: str = "的工作簿") -> str:
    """旗委编办2025年、旗财政局2025年（已收到，待审核）的工作簿尚未计入 — the units' workbooks that do not count yet."""
    said = "、".join(f"{r.unit}{r.year}年{MISSING_STATES[r.state]}" for r in missing.itertuples())
    return said + ending

def risk_sentence(row) -> str:
    """What, how far, who leads: one sentence for a target that is missed or at risk, followed by the lead
    unit's 整改说明 where its workbook gave one (旗教育局：原因…；措施…；计划2026年6月)."""
    said = queries.rectification_sentence(row)
    both = texts_sentence(row)  # issue 19: a target the two texts state differently, under each, and the ruling
    return _risk_sentence(row) + (f"正文与附件目标值不同：{both}。" if both else "") + (f"{said}。" if said else "")

def _risk_sentence(row) -> str:
    name = row.indicator_name.replace("（当年新增）", "")
    goal = describe_goal(row)
    latest = formats.latest(row)
    when = f"{int(row.latest_year)}年" if present(row.latest_year) else "最新"
    now = f"{when}{latest}" if latest.startswith("累计") else f"{when}为{latest}"
    what = f"{name}（{row.lead_unit}牵头）"
    if row.kind in (*config.EVENT_KINDS, "trend"):
        facts = str(row.detail) if present(row.detail) and row.detail else now
        return f"{what}：目标{goal}（{describe_year(row)}），{facts}，{row.status_label}。"
    gap = formats.gap(row)
    gap = f"，{gap}" if gap.startswith("最大偏差") else (f"，差{gap}" if gap else "")
    if row.status in ("year_missed", "round_missed"):
        if row.status == "round_missed":
            now = f"最近一次评选（{when}）为{latest}"
        return f"{what}：{now}，未达到“{goal}”的要求{gap}，{row.status_label}。"
    projection = ""
    if row.status in ("moderate", "insufficient", "moving_away") and present(row.projected_value) and row.kind != "ratio":
        year = int(row.target_year) if present(row.target_year) else config.PLAN_END_YEAR
        projection = f"，按当前速度{year}年约为{formats.quantity(row.projected_value, row.unit)}"
    return f"{what}：目标{goal}（{describe_year(row)}），{now}{gap}{projection}，{row.status_label}。"

def lagging(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["status"].isin(AT_RISK)]

def status_groups(statuses: pd.DataFrame) -> list[tuple[str, int, str]]:
    """(group, count, the statuses in it) for the summary: met, to act on, the rest."""
    counts = statuses["status"].value_counts()

    def part(codes) -> tuple[int, str]:
        shown = [(config.STATUS_LABELS[c], int(counts[c])) for c in config.STATUS_LABELS if c in codes and counts.get(c, 0)]
        return sum(n for _, n in shown), "、".join(f"{label}{n}个" for label, n in shown)

    others = [c for c in config.STATUS_LABELS if c not in config.MET_STATUSES and c not in AT_RISK]
    return [("已达成或当年达标", *part(config.MET_STATUSES)), ("需要关注", *part(AT_RISK)), ("其他", *part(others))]

def task_name(row) -> str:
    """A task as a reader knows it: its number and its words in the task list."""
    return f"任务{int(row.task_no)}：{' '.join(str(row.text).split())}"

def overdue_table(ledger: pd.DataFrame) -> pd.DataFrame:
    """Overdue tasks, one row per lead unit and task, by lead unit and then by the date they were due."""
    overdue = ledger[ledger["overdue"]]
    rows = overdue.assign(unit=overdue["lead_units"].str.split("、")).explode("unit")
    rows = rows.sort_values(["unit", "overdue_since", "task_no"])
    return pd.DataFrame({
        "牵头单位": rows["unit"],
        "任务": [task_name(r) for r in rows.itertuples()],
        "应完成": [f"{pd.Timestamp(d).year}年{pd.Timestamp(d).month}月" + ("（正文）" if by == "body" else "")
                for d, by in zip(rows["overdue_since"], rows["overdue_by"])],
        "最新进展": rows["latest_status"].fillna("未填报"),
    })

OVERDUE_RULE = "逾期：有具体完成时限且已过期，而最新填报不是“已完成”（长期坚持类任务填报“常态化推进”视为完成）。"

def discrepancy_line(r, texts: dict[str, str], bullet: str = "• ") -> str:
    """任务65：正文与附件的目标值不同…（正文：50%以上；附件：60%以上）；按附件…：…；尚未裁定，暂以附件为准."""
    line = (f"{bullet}任务{int(r.task_no)}：{r.note}（正文：{r.body_value if present(r.body_value) else '无'}；"
            f"附件：{r.attachment_value if present(r.attachment_value) else '无'}）")
    both = texts.get(r.target_id) if isinstance(r.target_id, str) else None
    return f"{line}；{both}" if both else line

def report_file_name(as_of: int | None, suffix: str, kind: str = "汇报") -> str:
    return f"教育高质量发展目标进展{kind}_{as_of or ''}年_{date.today():%Y%m%d}{suffix}"
