"""The planning workbook on the common ingest path: check against the warehouse, show what would change, load.

pipelines.ingest and pipelines.load_submissions call these (the dispatch on the kind of workbook, as for the
school workbook); the archive, the log, the audit trail, the transaction, review and refusal are the common ones.
"""

import duckdb
import pandas as pd

from ..schools.ingest import result_of
from ..warehouse import insert_frame
from ..workbook_read import Book
from . import settings as p
from .changes import Context, PlanChecked, check_plan_book

CHANGE_COLUMNS = ["indicator_code", "name", "unit", "year", "current_value", "value", "change", "note"]


def check_plan_file(con: duckdb.DuckDBPyConnection, book: Book, file: str, is_demo: bool = False):
    """An IngestResult for a planning workbook, checked against the warehouse (nothing is changed)."""
    checked = check_plan_book(book, Context.from_warehouse(con))
    return result_of(checked, file, lambda: changes_against_current(con, checked, include_demo=is_demo))


def keyed(changes: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """Every value of a planning workbook as one row (indicator_code, name, unit, value, note): a project's amount
    keyed by project, school and kind; a year's births and age groups keyed by year."""
    frames = []
    if len(changes):
        amount = changes[changes["amount"].notna()]
        frames.append(pd.DataFrame({
            "indicator_code": "规划｜" + amount["project"] + "｜" + amount["school_id"].fillna("") + "｜" + amount["kind"],
            "name": amount["project"] + "：" + amount["kind"] + amount["year_ready"].map(
                lambda y: f"（{int(y)}年到位）" if pd.notna(y) else ""),
            "unit": amount["unit"].fillna(""), "value": amount["amount"].astype(float), "note": amount["note"]}))
    for column, label in (("births", p.BIRTHS), ("age3", p.AGE3), ("age6", p.AGE6)):
        if len(population):
            rows = population[population[column].notna()]
            frames.append(pd.DataFrame({
                "indicator_code": "人口｜" + rows["year"].astype(str) + "｜" + column,
                "name": rows["year"].astype(str) + "年" + label, "unit": "人", "value": rows[column].astype(float),
                "note": rows["source"]}))
    columns = ["indicator_code", "name", "unit", "value", "note"]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)


def current_values(con: duckdb.DuckDBPyConnection, unit: str, include_demo: bool) -> pd.DataFrame:
    """The unit's planning values that count now, keyed as a workbook's."""
    changes = con.execute("select * from current_planned_changes(?) where sent_by = ?", [include_demo, unit]).df()
    population = con.execute("select p.* from population_inputs p join plan_books(?) b using (submission_id) "
                             "where b.unit = ?", [include_demo, unit]).df()
    return keyed(changes, population)[["indicator_code", "value"]].rename(columns={"value": "current_value"})


def changes_against_current(con: duckdb.DuckDBPyConnection, checked: PlanChecked, include_demo: bool = False) -> pd.DataFrame:
    """Each value beside the one it would replace (a unit's later workbook restates all its rows)."""
    frame = keyed(checked.changes, checked.population).merge(
        current_values(con, checked.unit, include_demo), on="indicator_code", how="left")
    frame["year"] = checked.year
    frame["change"] = changed(frame)
    return frame[CHANGE_COLUMNS]


def changed(frame: pd.DataFrame) -> list[str]:
    """新增, 更正 or 不变: each value against the one that counts now."""
    return ["新增" if pd.isna(c) else ("不变" if abs(v - c) < 1e-9 else "更正")
            for v, c in zip(frame["value"], frame["current_value"])]


def load_plan_rows(con: duckdb.DuckDBPyConnection, checked: PlanChecked, submission_id: int) -> None:
    """The planned changes and population rows of an accepted workbook (the caller holds the transaction)."""
    insert_frame(con, "plan_workbooks", pd.DataFrame([{
        "submission_id": submission_id, "unit": checked.unit, "year": checked.year,
        "n_changes": len(checked.changes), "n_population": len(checked.population)}]))
    insert_frame(con, "planned_changes", checked.changes.assign(submission_id=submission_id))
    insert_frame(con, "population_inputs", checked.population.assign(submission_id=submission_id))
    con.execute("update submissions set n_values = ? where submission_id = ?", [checked.n_values, submission_id])


def submission_rows(con: duckdb.DuckDBPyConnection, submission_id: int) -> pd.DataFrame:
    """What a loaded planning workbook gave, beside what the unit's earlier approved one gave (review, history):
    name, unit, before, value, note."""
    (unit, year), = con.execute("select unit, year from plan_workbooks where submission_id = ?", [submission_id]).fetchall()
    (earlier,), = con.execute(
        "select max(w.submission_id) from plan_workbooks w join submissions s using (submission_id) "
        "where w.unit = ? and w.submission_id < ? and not s.withdrawn and s.review_status = 'approved'",
        [unit, submission_id]).fetchall()

    def rows(sid) -> pd.DataFrame:
        changes = con.execute("select * from planned_changes where submission_id = ?", [sid]).df()
        population = con.execute("select * from population_inputs where submission_id = ?", [sid]).df()
        return keyed(changes, population)

    typed = rows(submission_id)
    before = rows(earlier)[["indicator_code", "value"]].rename(columns={"value": "before"})
    return typed.merge(before, on="indicator_code", how="left")


def plan_values(con: duckdb.DuckDBPyConnection, row: dict, include_demo: bool):
    """For the review preview: None if the submission is not a planning workbook, else a function giving its values
    beside those of its unit that count now (read before the approval is applied, compared after)."""
    number = int(row["submission_id"])
    if not con.execute("select count(*) from plan_workbooks where submission_id = ?", [number]).fetchall()[0][0]:
        return None
    before = current_values(con, row["unit"], include_demo)

    def values() -> pd.DataFrame:
        changes = con.execute("select * from planned_changes where submission_id = ?", [number]).df()
        population = con.execute("select * from population_inputs where submission_id = ?", [number]).df()
        frame = keyed(changes, population).merge(before, on="indicator_code", how="left").assign(year=int(row["year"]))
        frame["change"] = changed(frame)
        return frame[CHANGE_COLUMNS]

    return values
