"""Who reports what: the rows of a unit's workbook, from the catalogue in the warehouse."""

import duckdb
import pandas as pd

from ..core import config
from ..core.school_settings import SCHEME_MILESTONES


def workbook_rows(con: duckdb.DuckDBPyConnection, unit: str) -> pd.DataFrame:
    """The indicator rows of a unit's workbook, in the order of the plan's targets.

    A rate comes with its numerator and denominator (a unit may report either); a structure is
    reported as its parts only. An acceptance's milestone is followed by the indicators its criteria take
    that no target asks (学前三年毛入园率 and the 3—5周岁 population: asked once, here). A count derived from
    the school register (method 'register') is not asked.
    """
    indicators = con.execute("select * from indicators").df().set_index("indicator_code")
    targets = con.execute(
        "select distinct on (indicator_code) indicator_code, task_no, target_id from targets order by indicator_code, target_id"
    ).df().sort_values(["task_no", "target_id"])
    linked: dict[str, list[str]] = {}  # a scheme's milestone indicator -> the indicators its criteria take
    for milestone, code in con.execute(
            "select m.indicator_code, c.indicator_code from criteria c join (select unnest(?) as scheme, "
            "unnest(?) as indicator_code) m using (scheme) where c.indicator_code is not null order by c.sort_order",
            [list(SCHEME_MILESTONES), list(SCHEME_MILESTONES.values())]).fetchall():
        linked.setdefault(milestone, []).append(code)
    rows, seen = [], set()

    def add(code: str, level: int, task_no: int) -> None:
        if code in seen:
            return
        seen.add(code)
        ind = indicators.loc[code]
        if ind["reporter"] != unit or ind["method"] == "register":
            return
        definition = ind["definition"]
        if ind["method"] == "rate" and indicators.loc[ind["denominator"], "method"] == "register":
            definition += f"；分母“{indicators.loc[ind['denominator'], 'name']}”由旗教育局学校名录计数，不必填写"
        rows.append(
            {
                "indicator_code": code,
                "name": ind["name"],
                "unit": ind["unit"],
                "value_type": ind["value_type"],
                "definition": definition,
                "external_source": ind["external_source"],
                "level": level,
                "task_no": task_no,
            }
        )

    def add_with_parts(code: str, task_no: int) -> None:
        add(code, 0, task_no)
        if indicators.loc[code, "method"] == "rate":
            add(indicators.loc[code, "numerator"], 1, task_no)
            add(indicators.loc[code, "denominator"], 1, task_no)

    for task_no, code in zip(targets["task_no"], targets["indicator_code"]):
        ind = indicators.loc[code]
        if ind["method"] == "structure":
            for part in ind["parts"]:
                add(part, 0, task_no)
            continue
        for each in [code, *linked.get(code, [])]:
            add_with_parts(each, task_no)
    return pd.DataFrame(rows, columns=["indicator_code", "name", "unit", "value_type", "definition", "external_source",
                                       "level", "task_no"])


def led_tasks(con: duckdb.DuckDBPyConnection, unit: str) -> pd.DataFrame:
    return con.execute(
        """
        select t.task_no, t.text, t.deadline_text
        from tasks as t
        join task_units as u using (task_no)
        where u.unit = ? and u.role = 'lead'
        order by t.task_no
        """,
        [unit],
    ).df()


def reporting_units(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Units that report an indicator or lead a task: the units that send a workbook."""
    return [
        r[0]
        for r in con.execute(
            """
            select unit from (
                select reporter as unit from indicators
                union select unit from task_units where role = 'lead'
            ) join units using (unit)
            order by unit = '旗教育局' desc, unit
            """
        ).fetchall()
    ]


def valid_years() -> list[int]:
    return list(config.YEARS)
