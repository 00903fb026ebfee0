"""Load the plan's tables (tasks, units, deadlines, body, catalogue, discrepancies) into the warehouse."""

import duckdb
import pandas as pd

from . import config, palette
from .discrepancies import UNDATED_IN_ATTACHMENT
from .plan_inputs import PlanInputs
from .rulings import target_texts
from .warehouse import insert_frame


def indicator_rows(inputs: PlanInputs) -> pd.DataFrame:
    ind = inputs.catalogue.indicators
    targeted = set(inputs.catalogue.targets["indicator_code"])
    return pd.DataFrame(
        {
            "indicator_code": ind["indicator_code"],
            "name": ind["name"],
            "unit": ind["unit"],
            "value_type": ind["value_type"],
            "bounds": ind["bounds"].replace("", None),
            "reporter": ind["reporter"],
            "method": ind["method"],
            "numerator": ind["numerator"].replace("", None),
            "denominator": ind["denominator"].replace("", None),
            "parts": ind["parts"].map(lambda s: s.split(";") if s else None),
            "definition": ind["definition"],
            "is_component": ~ind["indicator_code"].isin(targeted),
            "external_source": ind["external_source"].replace("", None),
            "register_types": ind["register_types"].map(lambda s: s.split(";") if s else None),
        }
    )


def target_rows(inputs: PlanInputs) -> pd.DataFrame:
    tasks = inputs.plan.tasks.set_index("task_no")
    leads = (
        inputs.plan.task_units[inputs.plan.task_units["role"] == "lead"]
        .groupby("task_no")["unit"]
        .agg("、".join)
    )
    t = inputs.catalogue.targets
    return t.assign(
        key_task_no=t["task_no"].map(tasks["key_task_no"]),
        section_no=t["task_no"].map(tasks["section_no"]),
        lead_unit=t["task_no"].map(leads),
    )[
        [
            "target_id", "indicator_code", "task_no", "key_task_no", "section_no", "kind", "comparator",
            "target_value", "ratio_parts", "unit", "target_year", "recurring", "basis", "source", "source_text",
            "lead_unit", "goal", "interpretation",
        ]
    ]


def body_milestones(inputs: PlanInputs) -> pd.DataFrame:
    """The body's dates for the tasks the attachment leaves undated (tasks 45, 90, 91): milestones of the ledger,
    marked as the body's, so that a task is overdue by either document (issue 19)."""
    rows = inputs.discrepancies[inputs.discrepancies["kind"] == UNDATED_IN_ATTACHMENT]
    rows = rows.assign(due_date=pd.to_datetime(rows["body_value"]).dt.date)
    body = inputs.body.deadlines
    said = {(k, d): (text, precision) for k, d, text, precision in
            zip(body["key_task_no"], body["due_date"], body["milestone"], body["precision"])}
    found = [said[(k, d)] for k, d in zip(rows["key_task_no"], rows["due_date"])]
    return pd.DataFrame({
        "task_no": rows["task_no"].astype(int),
        "due_date": rows["due_date"],
        "milestone": [f"正文（重点任务{k}）：{text}" for k, (text, _) in zip(rows["key_task_no"], found)],
        "precision": [precision for _, precision in found],
        "source": "body",
    }, columns=["task_no", "due_date", "milestone", "precision", "source"])


def load_plan_tables(con: duckdb.DuckDBPyConnection, inputs: PlanInputs) -> None:
    """Insert the plan's tables into an empty warehouse (one transaction is the caller's)."""
    plan, body = inputs.plan, inputs.body
    con.execute(
        "insert into plan_calendar values (?, ?, ?, ?)",
        [config.BASELINE_YEAR, config.PLAN_START_YEAR, config.PLAN_END_YEAR, config.DEFAULT_YEAR_COVERAGE],
    )
    con.executemany(
        "insert into status_labels values (?, ?, ?, ?)",
        [[code, label, palette.STATUS_COLOURS[code], i] for i, (code, label) in enumerate(config.STATUS_LABELS.items())],
    )
    insert_frame(con, "units", inputs.units[["unit", "full_name", "category", "aliases"]])
    insert_frame(con, "sections", plan.sections)
    insert_frame(con, "key_tasks", plan.key_tasks)
    insert_frame(
        con,
        "tasks",
        plan.tasks[
            ["task_no", "section_no", "key_task_no", "text", "deadline_text", "ongoing", "lead_text",
             "responsible_text", "source_row"]
        ],
    )
    insert_frame(con, "task_names", inputs.task_names)
    insert_frame(con, "task_units", plan.task_units)
    insert_frame(con, "task_deadlines", pd.concat([plan.task_deadlines, body_milestones(inputs)], ignore_index=True))
    insert_frame(con, "body_key_tasks", body.key_tasks)
    insert_frame(con, "body_key_task_units", body.units)
    insert_frame(con, "body_key_task_deadlines", body.deadlines)
    insert_frame(con, "indicators", indicator_rows(inputs))
    insert_frame(con, "targets", target_rows(inputs))
    insert_frame(con, "not_targets", inputs.catalogue.not_targets)
    insert_frame(con, "discrepancies", inputs.discrepancies)
    insert_frame(con, "target_texts", target_texts(inputs.catalogue.targets, inputs.discrepancies))
