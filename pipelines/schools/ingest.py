"""The school workbook on the common ingest path: check against the warehouse, show what would change, load.

pipelines.ingest and pipelines.build call these (a small dispatch on the kind of workbook); the archive,
the log, the audit trail, the transaction and the refusal rules are the common ones.
"""

import duckdb
import pandas as pd

from ..warehouse import insert_frame
from ..workbook_read import Book
from . import settings as s
from .check import Context, SchoolChecked, check_school_book

CHANGE_COLUMNS = ["indicator_code", "name", "unit", "year", "current_value", "value", "change", "note"]
UNITS = {"area": "㎡", "amount": "万元", "count": ""}


def check_school_file(con: duckdb.DuckDBPyConnection, book: Book, file: str):
    """An IngestResult for a school workbook, checked against the warehouse (nothing is changed)."""
    from ..ingest import IngestResult  # the common result; imported here, as pipelines.ingest imports us

    checked = check_school_book(book, Context.from_warehouse(con))
    result = IngestResult(file, "checked", checked.problems, checked.unit, checked.year, n_values=checked.n_values,
                          checked=checked)
    if checked.errors:
        result.outcome = "rejected"
        result.message = (f"“{file}”未载入：{len(checked.errors)} 个错误"
                          + (f"，{len(checked.warnings)} 条警告" if checked.warnings else ""))
        return result
    result.changes = changes_against_current(con, checked)
    return result


def _long(checked: SchoolChecked) -> pd.DataFrame:
    """Every typed value of the workbook as (key, label, unit, value, note)."""
    names = dict(zip(checked.register["school_id"], checked.register["name"]))
    rows = []
    for r in checked.counts.to_dict("records"):
        for kind, column, header in s.SCHOOL_FIELDS:
            if pd.notna(r[column]):
                rows.append((f"{r['school_id']}｜{r['stage']}｜{column}", f"{names.get(r['school_id'], r['school_id'])}"
                             f"（{r['stage']}）{header}", UNITS.get(kind, ""), float(r[column]), r["note"]))
    for r in checked.kindergartens.to_dict("records"):
        for kind, column, header in s.KG_FIELDS:
            if pd.notna(r[column]):
                rows.append((f"{r['school_id']}｜幼儿园｜{column}", f"{names.get(r['school_id'], r['school_id'])}{header}",
                             UNITS.get(kind, ""), float(r[column]), r["note"]))
    for r in checked.county.to_dict("records"):
        rows.append((f"全旗｜{r['item_code']}", r["item_code"], "", float(r["value"]), r["note"]))
    return pd.DataFrame(rows, columns=["indicator_code", "name", "unit", "value", "note"])


def current_values(con: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
    """The year's current school-level values, keyed as _long keys them."""
    counts = con.execute("select c.* from school_counts c join school_books(true) b using (submission_id) "
                         "where b.year = ?", [year]).df()
    kgs = con.execute("select k.* from kindergarten_counts k join school_books(true) b using (submission_id) "
                      "where b.year = ?", [year]).df()
    county = con.execute("select i.* from county_items i join school_books(true) b using (submission_id) "
                         "where b.year = ?", [year]).df()
    keys = []
    for r in counts.to_dict("records"):
        keys += [(f"{r['school_id']}｜{r['stage']}｜{c}", r[c]) for _, c, _ in s.SCHOOL_FIELDS if pd.notna(r[c])]
    for r in kgs.to_dict("records"):
        keys += [(f"{r['school_id']}｜幼儿园｜{c}", r[c]) for _, c, _ in s.KG_FIELDS if pd.notna(r[c])]
    keys += [(f"全旗｜{r['item_code']}", r["value"]) for r in county.to_dict("records")]
    return pd.DataFrame(keys, columns=["indicator_code", "current_value"])


def changes_against_current(con: duckdb.DuckDBPyConnection, checked: SchoolChecked) -> pd.DataFrame:
    """Each typed value beside the one it would replace (the whole year is restated by the workbook)."""
    frame = _long(checked).merge(current_values(con, checked.year), on="indicator_code", how="left")
    frame["year"] = checked.year
    frame["change"] = [
        "新增" if pd.isna(c) else ("不变" if abs(v - c) < 1e-9 else "更正")
        for v, c in zip(frame["value"], frame["current_value"])
    ]
    return frame[CHANGE_COLUMNS]


def load_school_rows(con: duckdb.DuckDBPyConnection, checked: SchoolChecked, submission_id: int) -> None:
    """The register, counts and county items of an accepted workbook (the caller holds the transaction)."""
    insert_frame(con, "school_workbooks", pd.DataFrame([{
        "submission_id": submission_id, "year": checked.year, "n_schools": checked.n_schools,
        "n_kindergartens": checked.n_kindergartens, "n_school_rows": len(checked.counts),
        "n_county_items": len(checked.county)}]))
    for table, frame in (("school_register", checked.register), ("school_counts", checked.counts),
                         ("kindergarten_counts", checked.kindergartens), ("county_items", checked.county)):
        insert_frame(con, table, frame.assign(submission_id=submission_id, year=checked.year))
