"""The acceptance rules run on any rows, not only on loaded workbooks: a projected year, a plan applied.

The rules are the warehouse's own SQL — school_indicators.sql (the 7 indicators), school_compliance.sql (≥6
of 7 with the 85% floor), criterion_dispersion.sql (the student-weighted 差异系数), kindergarten_premises.sql,
county_measures.sql, county_criteria.sql and readiness_values.sql — run in a warehouse in memory whose only
workbooks are the rows given, one approved workbook per year. Nothing is computed a second time: the planning
half of 验收准备 (pipelines.planning) judges its projections and re-checks its plans through `Judge`.
"""

import hashlib
import threading
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd

from ..core import school_settings as s
from ..warehouse.connection import CONNECTION_CONFIG, insert_frame
from ..warehouse.schema import create_schema
from ..warehouse.school_views import create_school_schema

# The reference tables the rules read (copied from the warehouse the rows belong to).
REFERENCE_TABLES = ("indicators", "criteria", "stage_split", "school_parameters", "townships")
ROW_TABLES = ("school_register", "school_counts", "kindergarten_counts", "county_items")
FIRST_ID = 1_000_000  # the synthetic workbooks' submission ids (one per year), far from any real one


@dataclass
class Rows:
    """School-level rows as a workbook gives them, for any number of years (each frame has a `year` column):
    the register (school_register's columns), the counts per school and stage (school_counts'), the
    kindergartens (kindergarten_counts') and the county items (county_items')."""

    register: pd.DataFrame
    counts: pd.DataFrame
    kindergartens: pd.DataFrame
    county: pd.DataFrame

    def years(self) -> list[int]:
        return sorted({int(y) for frame in (self.register, self.counts) for y in frame["year"]})


@dataclass
class Judgment:
    """What the rules say of the rows: per school × stage × indicator (school_indicators), per school × stage
    (school_compliance), per stage × indicator (criterion_dispersion), per kindergarten (kindergarten_premises),
    and every readiness criterion's value per year (readiness_values)."""

    indicators: pd.DataFrame
    compliance: pd.DataFrame
    dispersion: pd.DataFrame
    premises: pd.DataFrame
    values: pd.DataFrame
    stage_counts: pd.DataFrame = None  # school_stage_counts: each stage's counts and share of shared facilities

    def __post_init__(self):
        if self.stage_counts is None:
            self.stage_counts = pd.DataFrame()


def reference_of(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """The reference tables of a warehouse, as the rules read them."""
    return {table: con.execute("from query_table(?)", [table]).df() for table in REFERENCE_TABLES}


def fingerprint(reference: dict[str, pd.DataFrame]) -> str:
    digest = hashlib.sha256()
    for table in REFERENCE_TABLES:
        digest.update(table.encode() + pd.util.hash_pandas_object(reference[table].astype(str), index=False).values.tobytes())
    return digest.hexdigest()


class Judge:
    """A warehouse in memory with the schema and the reference tables, judging the rows it is given."""

    def __init__(self, reference: dict[str, pd.DataFrame]):
        self.con = duckdb.connect(":memory:", config=CONNECTION_CONFIG)
        create_schema(self.con)
        create_school_schema(self.con)
        for table in REFERENCE_TABLES:
            insert_frame(self.con, table, reference[table])
        self.key = fingerprint(reference)
        self.lock = threading.Lock()  # one connection: one judgment at a time (the app's sessions share it)

    def __call__(self, rows: Rows, parts: tuple[str, ...] = ("indicators", "compliance", "dispersion", "premises",
                                                              "values")) -> Judgment:
        with self.lock:
            return self._judge(rows, parts)

    def _judge(self, rows: Rows, parts: tuple[str, ...]) -> Judgment:
        con = self.con
        con.execute("begin")  # everything inserted is rolled back: the next rows start from the reference alone
        try:
            years = rows.years()
            ids = {year: FIRST_ID + year for year in years}
            at = datetime(2000, 1, 1)
            insert_frame(con, "submissions", pd.DataFrame({
                "submission_id": list(ids.values()), "file_name": "推算", "archive_path": "", "sha256": "",
                "unit": s.SCHOOL_UNIT, "year": years, "received_at": at, "is_demo": False,
                "review_status": "approved"}))
            insert_frame(con, "school_workbooks", pd.DataFrame({
                "submission_id": list(ids.values()), "year": years, "n_schools": 0, "n_kindergartens": 0,
                "n_school_rows": 0, "n_county_items": 0}))
            for table, frame in zip(ROW_TABLES, (rows.register, rows.counts, rows.kindergartens, rows.county)):
                if len(frame):
                    insert_frame(con, table, frame.assign(submission_id=frame["year"].map(ids)))
            con.execute("insert into school_indicator_rows select false, * from school_indicator_values(false)")
            out = {
                "indicators": lambda: con.execute("from stored_school_indicators(false)").df(),
                "compliance": lambda: con.execute("from school_compliance_values(false)").df(),
                "dispersion": lambda: con.execute("from criterion_dispersion_values(false)").df(),
                "premises": lambda: con.execute("from kindergarten_premise_values(false)").df(),
                "values": lambda: con.execute("from readiness_value_rows(false)").df(),
                "stage_counts": lambda: con.execute("from school_stage_counts(false)").df(),
            }
            frames = {name: out[name]() if name in parts else pd.DataFrame() for name in out}
        finally:
            con.execute("rollback")
        return Judgment(**frames)


_JUDGES: dict[str, Judge] = {}


_KEYS: dict[int, tuple[dict, str]] = {}  # id of a reference dict -> (the dict, its fingerprint): hashed once


def judge_for(reference: dict[str, pd.DataFrame]) -> Judge:
    """One Judge per set of reference tables, kept for the life of the process (its schema takes 0.3 s)."""
    known = _KEYS.get(id(reference))
    key = known[1] if known and known[0] is reference else fingerprint(reference)
    _KEYS[id(reference)] = (reference, key)
    if len(_KEYS) > 16:
        _KEYS.pop(next(iter(_KEYS)))
    if key not in _JUDGES:
        if len(_JUDGES) >= 4:
            _JUDGES.pop(next(iter(_JUDGES))).con.close()
        _JUDGES[key] = Judge(reference)
    return _JUDGES[key]
