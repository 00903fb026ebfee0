"""Who reports what: the rows of a unit's workbook, from the catalogue in the warehouse."""

import duckdb
import pandas as pd

from . import config


def workbook_rows(con: duckdb.DuckDBPyConnection, unit: str) -> pd.DataFrame:
    """The indicator rows of a unit's workbook, in the order of the plan's targets.

    A rate comes with its numerator and denominator (a unit may report either); a structure is
    reported as its parts only.
    """
    indicators = con.execute("select * from indicators").df().set_index("indicator_code")
    targets = con.execute(
        "select distinct on (indicator_code) indicator_code, task_no, target_id from targets order by indicator_code, target_id"
    ).df().sort_values(["task_no", "target_id"])
    rows, seen = [], set()

    def add(code: str, level: int, task_no: int) -> None:
        if code in seen:
            return
        seen.add(code)
        ind = indicators.loc[code]
        if ind["reporter"] != unit:
            return
        rows.append(
            {
                "indicator_code": code,
                "name": ind["name"],
                "unit": ind["unit"],
                "value_type": ind["value_type"],
                "definition": ind["definition"],
                "level": level,
                "task_no": task_no,
            }
        )

    for task_no, code in zip(targets["task_no"], targets["indicator_code"]):
        ind = indicators.loc[code]
        if ind["method"] == "structure":
            for part in ind["parts"]:
                add(part, 0, task_no)
            continue
        add(code, 0, task_no)
        if ind["method"] == "rate":
            add(ind["numerator"], 1, task_no)
            add(ind["denominator"], 1, task_no)
    return pd.DataFrame(rows, columns=["indicator_code", "name", "unit", "value_type", "definition", "level", "task_no"])


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
