"""Filled unit workbooks for tests, made by the real template and typed into as a person would."""

import shutil
from io import BytesIO
from pathlib import Path

import duckdb
import openpyxl

from pipelines.core import config
from pipelines.workbooks.template import VALUE_HEADER_ROW, fill, make_template


def template(db: Path, unit: str, year: int) -> openpyxl.Workbook:
    with duckdb.connect(str(db), read_only=True) as con:
        return make_template(con, unit, year)


def filled(db: Path, path: Path, unit: str = "旗教育局", year: int = 2025, values=None, notes=None, progress=None,
           edit=None, answers=None, sources=None) -> Path:
    """Write a template filled with values {code: typed value}, 整改说明 answers {target: (原因, 措施, 时间)},
    sources {code: (数据来源, 来源日期)}; edit(wb) may change anything else first."""
    wb = template(db, unit, year)
    if edit:
        edit(wb)
    path.write_bytes(fill(wb, values or {}, notes or {}, progress or {}, answers, sources=sources))
    return path


def _row_with(wb: openpyxl.Workbook, sheet: str, first_cell) -> int:
    ws = wb[sheet]
    for r in range(VALUE_HEADER_ROW + 1, ws.max_row + 1):
        if ws.cell(r, 1).value == first_cell:
            return r
    raise KeyError(first_cell)


def row_of(wb: openpyxl.Workbook, code: str) -> int:
    return _row_with(wb, config.SHEET_VALUES, code)


def progress_row_of(wb: openpyxl.Workbook, task_no: int) -> int:
    return _row_with(wb, config.SHEET_PROGRESS, task_no)


def copy_warehouse(src_raw: Path, src_db: Path, dest: Path) -> tuple[Path, Path]:
    raw, db = dest / "raw", dest / "warehouse.duckdb"
    shutil.copytree(src_raw, raw)
    shutil.copy(src_db, db)
    return raw, db


def saved(wb: openpyxl.Workbook) -> bytes:
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def written(data: bytes, path: Path, edit=None) -> Path:
    """A filled book's bytes written to path; edit(wb), if given, changes the opened book first."""
    if edit:
        wb = openpyxl.load_workbook(BytesIO(data))
        edit(wb)
        wb.save(path)
    else:
        path.write_bytes(data)
    return path


def ingest_approved(path: Path, raw: Path, db: Path, **kwargs):
    """Ingest a workbook and approve it at once (a reviewer's logged decision), so that its values count."""
    from datetime import datetime

    from pipelines.operations.ingest import ingest_file
    from pipelines.operations.review import record_decision

    result = ingest_file(path, raw, db, **kwargs)
    if result.outcome == "loaded":
        record_decision(raw, db, result.submission_id, "approved", "审核员", datetime.now().replace(microsecond=0))
    return result


def approve_all(raw: Path, db: Path) -> int:
    """Approve every pending workbook (a reviewer's decision, logged), so that what was loaded counts."""
    from pipelines.operations.review import approve_pending

    return approve_pending(raw, db, "审核员")
