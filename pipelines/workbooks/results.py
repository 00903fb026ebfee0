"""What became of a workbook sent (checked, loaded, a duplicate, rejected) and what it would change: the result
the unit's and the school workbook's checks both give (operations/ingest.py, schools/school_ingest.py)."""

from dataclasses import dataclass, field

import pandas as pd

from ..core.problems import HasProblems, Problem, count_text
from .check import Checked


@dataclass
class IngestResult(HasProblems):
    file: str
    outcome: str  # 'loaded', 'duplicate', 'rejected', 'checked'
    problems: list[Problem] = field(default_factory=list)
    unit: str | None = None
    year: int | None = None
    submission_id: int | None = None
    n_values: int = 0
    n_progress: int = 0
    changes: pd.DataFrame | None = None  # what this workbook changes against the current values
    message: str = ""
    checked: Checked | None = None


CHANGE_COLUMNS = ["indicator_code", "name", "unit", "year", "current_value", "value", "change", "note"]


def change_of(value: float, current: float | None) -> str:
    """新增, 更正 or 不变: a typed value against the one that counts now."""
    return "新增" if current is None or pd.isna(current) else ("不变" if abs(value - current) < 1e-9 else "更正")


def result_of(checked, file: str, changes):
    """The IngestResult of a workbook checked by its own rules (the school or the planning workbook): refused with
    its problems, or checked with what it would change (changes(): a frame of CHANGE_COLUMNS)."""
    result = IngestResult(file, "checked", checked.problems, checked.unit, checked.year, n_values=checked.n_values,
                          checked=checked)
    if checked.errors:
        result.outcome = "rejected"
        result.message = f"“{file}”未载入：{count_text(checked.problems)}"
        return result
    result.changes = changes()
    return result
