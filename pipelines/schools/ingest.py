"""The school workbook on the common ingest path: check against the warehouse, show what would change, load.

pipelines.ingest and pipelines.build call these (a small dispatch on the kind of workbook); the archive,
the log, the audit trail, the transaction and the refusal rules are the common ones.
"""

import duckdb
import pandas as pd

from ..problems import count_text
from ..warehouse import insert_frame
from ..workbook_read import Book
from . import settings as s
from .check import Context, SchoolChecked, check_school_book

CHANGE_COLUMNS = ["indicator_code", "name", "unit", "year", "current_value", "value", "change", "note"]
UNITS = {"area": "㎡", "amount": "万元", "count": "", "flag": "是/否", "year": "年"}


def check_school_file(con: duckdb.DuckDBPyConnection, book: Book, file: str, is_demo: bool = False):
    """An IngestResult for a school workbook, checked against the warehouse (nothing is changed); a real one is
    compared with real values only."""
    checked = check_school_book(book, Context.from_warehouse(con))
    return result_of(checked, file, lambda: changes_against_current(con, checked, include_demo=is_demo))


def result_of(checked, file: str, changes):
    """The IngestResult of a workbook checked by its own rules (the school or the planning workbook): refused with
    its problems, or checked with what it would change (changes(): a frame of ingest.CHANGE_COLUMNS)."""
    from ..ingest import IngestResult  # the common result; imported here, as pipelines.ingest imports us

    result = IngestResult(file, "checked", checked.problems, checked.unit, checked.year, n_values=checked.n_values,
                          checked=checked)
    if checked.errors:
        result.outcome = "rejected"
        result.message = f"“{file}”未载入：{count_text(checked.problems)}"
        return result
    result.changes = changes()
    return result


def county_item_names(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str]]:
    """全旗指标's items in words: code -> (name, unit), from the criteria and the inputs (never the bare code)."""
    items = {code: (name, unit) for code, name, unit in s.COUNTY_INPUTS}
    for code, name, unit in con.execute("select criterion_id, name, coalesce(unit, '') from criteria "
                                        "where scope = 'county'").fetchall():
        items[code] = (name, unit)
    return items


def _keyed(counts: pd.DataFrame, kindergartens: pd.DataFrame, county: pd.DataFrame,
           names: dict | None = None, items: dict | None = None) -> pd.DataFrame:
    """Every typed value as one row: (indicator_code, name, unit, value, note), keyed school｜stage｜column.

    names: school id -> name; items: 全旗指标 code -> (name, unit) (county_item_names)."""
    frames = []
    for frame, fields, stage in ((counts, (*s.SCHOOL_FIELDS, *s.GRADE_FIELDS), None), (kindergartens, s.KG_FIELDS, "幼儿园")):
        if frame.empty:
            continue
        columns = [c for _, c, _ in fields]
        long = frame.assign(stage=frame["stage"] if stage is None else stage).melt(
            id_vars=["school_id", "stage", "note"], value_vars=columns, var_name="column").dropna(subset=["value"])
        header = {c: h for _, c, h in fields}
        unit = {c: UNITS.get(kind, "") for kind, c, _ in fields}
        school = pd.Series([(names or {}).get(i, i) for i in long["school_id"]], index=long.index)
        where = "（" + long["stage"] + "）" if stage is None else ""
        frames.append(pd.DataFrame({
            "indicator_code": long["school_id"] + "｜" + long["stage"] + "｜" + long["column"],
            "name": school + where + long["column"].map(header), "unit": long["column"].map(unit),
            "value": long["value"].astype(float), "note": long["note"]}))
    if not county.empty:
        items = items or {}
        frames.append(pd.DataFrame({
            "indicator_code": "全旗｜" + county["item_code"],
            "name": ["全旗：" + items.get(code, (code, ""))[0] for code in county["item_code"]],
            "unit": [items.get(code, (code, ""))[1] for code in county["item_code"]],
            "value": county["value"].astype(float), "note": county["note"]}))
    columns = ["indicator_code", "name", "unit", "value", "note"]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)


def current_values(con: duckdb.DuckDBPyConnection, year: int, include_demo: bool = True) -> pd.DataFrame:
    """The year's current school-level values, keyed as the workbook's are."""
    def rows(table: str) -> pd.DataFrame:
        return con.execute("select t.* from query_table(?) t join school_books(?) b using (submission_id) "
                           "where b.year = ?", [table, include_demo, year]).df()

    current = _keyed(rows("school_counts"), rows("kindergarten_counts"), rows("county_items"))
    return current[["indicator_code", "value"]].rename(columns={"value": "current_value"})


def changes_against_current(con: duckdb.DuckDBPyConnection, checked: SchoolChecked,
                            include_demo: bool = False) -> pd.DataFrame:
    """Each typed value beside the one it would replace (the whole year is restated by the workbook)."""
    names = dict(zip(checked.register["school_id"], checked.register["name"]))
    typed = _keyed(checked.counts, checked.kindergartens, checked.county, names, county_item_names(con))
    frame = typed.merge(current_values(con, checked.year, include_demo), on="indicator_code", how="left")
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
    # submissions.n_values: the counts typed (the common load counts plan indicators, of which it has none)
    con.execute("update submissions set n_values = ? where submission_id = ?", [checked.n_values, submission_id])
