"""What one workbook of the history changed (数据填报 → 查看某次填报改变了什么): each value it gave beside the value
the unit's approved workbooks of the year received before it gave, in words (是/否 as words, not 1/0).

A unit's yearly workbook is compared indicator by indicator; the school and kindergarten workbook, which
restates its year whole, is compared with the approved school workbook of the year received before it.
"""

import duckdb
import pandas as pd

from .. import config
from ..describe import present, worded
from ..schools.ingest import _keyed, county_item_names

COLUMNS = ["指标", "单位", "此前的值", "本次的值", "变化", "备注"]
ORDER = {"更正": 0, "新增": 1, "不变": 2}
WORD_UNITS = ("是/否", config.PROJECT_UNIT)  # values said as words (describe.worded)


def shown(value, unit) -> str:
    """A stored value as a reader writes it: 95.3, 18,500, 是, 在建 (unit: the indicator's; True for 是/否)."""
    if not present(value):
        return ""
    if unit is True:
        unit = "是/否"
    if isinstance(unit, str) and (said := worded(value, unit)):
        return said
    return f"{value:,.10g}" if abs(value) >= 1000 else format(value, ".10g")


def change(before, after) -> str:
    return "新增" if not present(before) else ("不变" if abs(after - before) < 1e-9 else "更正")


def submission_changes(con: duckdb.DuckDBPyConnection, submission_id: int) -> pd.DataFrame:
    """The values a workbook gave, beside those it replaced (COLUMNS; empty when it gave none)."""
    school = con.execute("select count(*) from school_workbooks where submission_id = ?", [submission_id]).fetchone()[0]
    plan = con.execute("select count(*) from plan_workbooks where submission_id = ?", [submission_id]).fetchone()[0]
    if plan:  # issue 23: a planning workbook's projects and population
        from ..planning.load import submission_rows

        frame = submission_rows(con, submission_id)
    else:
        frame = _school(con, submission_id) if school else _unit(con, submission_id)
    if frame.empty:
        return pd.DataFrame(columns=COLUMNS)
    flag = frame["unit"].isin(WORD_UNITS)
    out = pd.DataFrame({
        "指标": frame["name"], "单位": frame["unit"].where(~flag, "").fillna(""),
        "此前的值": [shown(v, u) for v, u in zip(frame["before"], frame["unit"])],
        "本次的值": [shown(v, u) for v, u in zip(frame["value"], frame["unit"])],
        "变化": [change(b, a) for b, a in zip(frame["before"], frame["value"])],
        "备注": frame["note"].fillna(""),
    })
    return out.sort_values("变化", key=lambda c: c.map(ORDER), kind="stable").reset_index(drop=True)


def _unit(con: duckdb.DuckDBPyConnection, submission_id: int) -> pd.DataFrame:
    return con.execute(
        """
        with this as (select * from submissions where submission_id = $id),
        before as (
            select o.indicator_code, o.value
            from observations o join submissions s using (submission_id), this
            where s.unit = this.unit and s.year = this.year and s.submission_id < this.submission_id and not s.withdrawn
                and s.review_status = 'approved'
            qualify row_number() over (partition by o.indicator_code order by s.submission_id desc) = 1
        )
        select i.name, i.unit, b.value as before, o.value, o.note
        from observations o join indicators i using (indicator_code)
        left join before b using (indicator_code)
        where o.submission_id = $id
        order by o.sheet_row
        """,
        {"id": submission_id},
    ).df()


def _school_rows(con: duckdb.DuckDBPyConnection, submission_id: int | None, items: dict) -> pd.DataFrame:
    def rows(table: str) -> pd.DataFrame:
        return con.execute("select * from query_table(?) where submission_id = ?", [table, submission_id]).df()

    register = rows("school_register")
    return _keyed(rows("school_counts"), rows("kindergarten_counts"), rows("county_items"),
                  dict(zip(register["school_id"], register["name"])), items)


def _school(con: duckdb.DuckDBPyConnection, submission_id: int) -> pd.DataFrame:
    (earlier,), = con.execute(
        """
        select max(w.submission_id) from school_workbooks w join submissions s using (submission_id)
        where w.year = (select year from school_workbooks where submission_id = $id)
            and w.submission_id < $id and not s.withdrawn and s.review_status = 'approved'
        """, {"id": submission_id}).fetchall()
    items = county_item_names(con)
    typed = _school_rows(con, submission_id, items)
    before = _school_rows(con, earlier, items)[["indicator_code", "value"]].rename(columns={"value": "before"})
    return typed.merge(before, on="indicator_code", how="left")
