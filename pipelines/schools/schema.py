"""The warehouse's school tables and their derived views (pipelines/sql/school*.sql and friends)."""

import duckdb

from ..warehouse import run_sql

# Views and macros, in the order they depend on each other.
DERIVED = (  # (school_books comes with the plan's views: latest_values counts schools in the register)
    "report_receipts",  # issue 13: the yearly workbooks owed and received (it leaves the school workbook out)
    "schools",
    "school_stage_counts",
    "school_indicators",
    "school_compliance",
    "criterion_dispersion",
    "kindergarten_premises",
    "county_measures",
    "county_criteria",
    "plan_cross_checks",
    "readiness_values",
    "plan_books",  # issue 23: the planning workbooks that count, their changes and population; plan_first_met
)


def create_school_schema(con: duckdb.DuckDBPyConnection) -> None:
    """The school views (their tables come with the warehouse's schema; the views read submissions and
    latest_values, so they follow the plan's views)."""
    for name in DERIVED:
        run_sql(con, name)
