"""What approving a workbook would change: its values beside those that count now, the targets and the
acceptance criteria whose status would change (either workbook may move both since issue 18), and every
word the unit wrote that approving it publishes — its 进展说明 and 整改说明 (issue 20: nothing approved unseen).

The warehouse is copied into memory and the approval is made there by the same code as a real one
(review.apply and the same refresh), then thrown away: the preview is exactly what approving does.
"""

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from ..describe import describe_goal
from ..ingest import CHANGE_COLUMNS, change_of
from ..planning.load import plan_values
from ..schools.ingest import _keyed, county_item_names
from ..schools.ingest import current_values as school_values
from ..warehouse import memory_copy
from . import review

SUPERSEDED = "不计入（有较晚收到并已通过的工作簿）"
# Either workbook may move both: a unit's indicator is what an acceptance criterion takes (asked once), a school
# workbook's register counts the schools of a target's rate (issue 18).
STATUS_KIND = "量化目标或验收标准"
STATUS_COLUMNS = ["key", "name", "lead_unit", "before", "after"]


@dataclass
class Preview:
    submission: dict
    as_of: int
    include_demo: bool  # the workbook's own kind: a real workbook is judged on real data only
    ends_demo: bool  # approving it (the first real one) takes the demo data out
    values: pd.DataFrame  # the upload check's columns: indicator_code, name, unit, year, current_value, value, change, note
    statuses: pd.DataFrame  # key, name, lead_unit, before, after: the targets (criteria) whose status would change
    progress: pd.DataFrame  # task_no, task_text, status, note: the task progress it reports (进展说明)
    rectifications: pd.DataFrame  # target_id, name, reason, measures, planned_text: its 整改说明

    def summary(self) -> str:
        counts = self.values["change"].value_counts()
        parts = "，".join(f"{label}{int(counts[label])}" for label in ("新增", "更正", "不变", SUPERSEDED) if counts.get(label))
        ending = "；审核通过后示例数据结束，各页面和报表只显示真实数据" if self.ends_demo else ""
        return f"数值：{parts or '无'}；按{self.as_of}年评估，状态将改变的{STATUS_KIND} {len(self.statuses)} 个{ending}"


def preview(db_path: Path, submission_id: int, as_of: int | None = None) -> Preview:
    """What approving the workbook would change as of a year (default: the later of the default as-of year
    and the workbook's year). A real workbook is set beside real values only (before and after: its
    approval ends the demo), a demo one beside the demo's. Reads the warehouse only."""
    with memory_copy(db_path) as con:
        row = review.submission(con, submission_id)
        if row["withdrawn"]:
            raise review.ReviewError(f"填报 #{submission_id} 已撤回，不会再计入")
        include_demo = bool(row["is_demo"])
        ends_demo = review.ends_demo(con, row, "approved") and row["review_status"] != "approved"
        year = int(row["year"])
        if as_of is None:
            as_of = max(con.execute("select default_as_of_year(?)", [include_demo]).fetchall()[0][0], year)
        school = bool(row["is_school"])
        before_values = school_values(con, year, include_demo) if school else con.execute(  # reported, or derived from its parts
            "select indicator_code, year, value as current_value from latest_values(?)", [include_demo]).df()
        planning = plan_values(con, row, include_demo)  # issue 23: a planning workbook's projects and births
        before = _statuses(con, as_of, include_demo)
        if row["review_status"] != "approved":
            con.execute("begin")
            review.apply_and_refresh(con, row, "approved", None, pd.Timestamp.now().to_pydatetime(), None)
            con.execute("commit")
        values = (planning() if planning else _school_values(con, row, before_values) if school
                  else _unit_values(con, submission_id, before_values))
        after = _statuses(con, as_of, include_demo)
        progress, rectifications = written(con, submission_id)
    changed = before.merge(after, on=["key", "name", "lead_unit"], suffixes=("_before", "_after"))
    changed = changed[changed["status_before"] != changed["status_after"]]
    statuses = changed.rename(columns={"label_before": "before", "label_after": "after"})[STATUS_COLUMNS]
    return Preview(row, as_of, include_demo, ends_demo, values, statuses.reset_index(drop=True), progress,
                   rectifications)


def written(con: duckdb.DuckDBPyConnection, submission_id: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What the unit wrote in the workbook, in sheet order: its task progress (进展说明) and its 整改说明."""
    progress = con.execute(
        "select p.task_no, t.text as task_text, p.status, coalesce(p.note, '') as note from task_progress p "
        "join tasks t using (task_no) where p.submission_id = ? order by p.sheet_row, p.task_no", [submission_id]).df()
    rectifications = con.execute(
        "select r.target_id, i.name, r.reason, r.measures, r.planned_text from rectifications r "
        "join targets t using (target_id) join indicators i using (indicator_code) "
        "where r.submission_id = ? order by r.sheet_row", [submission_id]).df()
    return progress, rectifications


def _unit_values(con: duckdb.DuckDBPyConnection, submission_id: int, before: pd.DataFrame) -> pd.DataFrame:
    con.register("before_values", before)
    frame = con.execute(
        """
        select o.indicator_code, i.name, i.unit, o.year, b.current_value, o.value, o.note,
            coalesce(a.submission_id = o.submission_id, false) as takes_effect
        from observations o
        join indicators i using (indicator_code)
        left join before_values b using (indicator_code, year)
        left join reported_values(true) a using (indicator_code, year)
        where o.submission_id = ?
        order by o.sheet_row
        """,
        [submission_id],
    ).df()
    con.unregister("before_values")
    frame["change"] = [change_of(v, c) if takes else SUPERSEDED
                       for v, c, takes in zip(frame["value"], frame["current_value"], frame["takes_effect"])]
    return frame[CHANGE_COLUMNS]


def _school_values(con: duckdb.DuckDBPyConnection, row: dict, before: pd.DataFrame) -> pd.DataFrame:
    """The school workbook restates its year whole: its values against the year's that count now."""
    number, year = int(row["submission_id"]), int(row["year"])

    def rows(table: str) -> pd.DataFrame:
        return con.execute("select * from query_table(?) where submission_id = ?", [table, number]).df()

    register = rows("school_register")
    typed = _keyed(rows("school_counts"), rows("kindergarten_counts"), rows("county_items"),
                   dict(zip(register["school_id"], register["name"])), county_item_names(con))
    frame = typed.merge(before, on="indicator_code", how="left").assign(year=year)
    counts = con.execute("select count(*) from school_books(true) where submission_id = ?", [number]).fetchall()[0][0]
    frame["change"] = [change_of(v, c) if counts else SUPERSEDED for v, c in zip(frame["value"], frame["current_value"])]
    return frame[CHANGE_COLUMNS]


def _statuses(con: duckdb.DuckDBPyConnection, as_of: int, include_demo: bool) -> pd.DataFrame:
    """key, name, lead_unit, status, label of every target and acceptance criterion as of the year."""
    criteria = con.execute(
        "select criterion_id as key, '验收标准（' || scheme || '）：' || name as name, '旗教育局' as lead_unit, status, "
        "status_label as label from readiness where as_of_year = ? and include_demo = ?", [as_of, include_demo]).df()
    frame = con.execute(
        """
        select t.target_id as key, i.name as indicator_name, t.kind, t.comparator, a.target_value, t.unit, t.ratio_parts,
            t.basis, t.recurring, t.goal, t.lead_unit, a.status, a.status_label as label
        from target_assessments a join targets t using (target_id) join indicators i using (indicator_code)
        where a.as_of_year = ? and a.include_demo = ?
        """, [as_of, include_demo]).df()
    frame["name"] = [f"{r.key} {r.indicator_name.replace('（当年新增）', '')}（"
                     f"{describe_goal(r)}）"
                     for r in frame.itertuples()]
    return pd.concat([frame[["key", "name", "lead_unit", "status", "label"]], criteria], ignore_index=True)
