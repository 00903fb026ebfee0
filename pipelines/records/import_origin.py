"""An imported workbook's origin in the warehouse: the export, the mapping, each value's source cells.

Written at the load and replayed by `build` from the log's `origin` record and the archived sources file, so
that the warehouse says the same after a rebuild: import_origins, import_sources (and the import's own
warnings in ingest_warnings, beside those of the workbook's check).
"""

import csv
import io
from pathlib import Path

import duckdb
import pandas as pd

from ..core.problems import InputError, Problem
from ..warehouse.connection import insert_frame
from .archive import submissions_dir

SOURCE_COLUMNS = ["target", "indicator_code", "school_id", "stage", "field", "workbook_sheet", "workbook_cell",
                  "source_file", "sheet", "cell", "raw_value", "note"]
SOURCE_HEADERS = ["对象", "指标代码", "学校标识码", "学段", "字段", "标准工作簿工作表", "标准工作簿单元格", "来源文件", "来源工作表",
                  "来源单元格", "原值", "说明"]


def sources_csv(rows: list[dict]) -> bytes:
    """Each value's source cells, as the CSV archived beside the workbook (Excel opens it)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(SOURCE_HEADERS)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row[c] for c in SOURCE_COLUMNS])
    return out.getvalue().encode("utf-8-sig")


def read_sources(data: bytes) -> pd.DataFrame:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    frame = pd.DataFrame(rows[1:], columns=SOURCE_COLUMNS, dtype=object) if len(rows) > 1 else pd.DataFrame(
        columns=SOURCE_COLUMNS, dtype=object)
    return frame.where(frame != "", None)


def load_origin(con: duckdb.DuckDBPyConnection, raw_dir: Path, submission_id: int, origin: dict, file_name: str) -> None:
    """The origin of one loaded workbook into the warehouse (the caller holds the transaction)."""
    folder = submissions_dir(raw_dir)
    for part in [*origin.get("files", []), origin.get("mapping", {}), origin.get("sources", {})]:
        if part and not (folder / part["path"]).exists():
            raise InputError([Problem(file_name, f"归档的导入原始文件缺失：{part['path']}")])
    fingerprints = list(origin.get("fingerprints", []))
    rows = [{"role": "original", "file_name": f["file_name"], "archive_path": f["path"], "sha256": f["sha256"]}
            for f in origin.get("files", [])]
    mapping, sources = origin["mapping"], origin["sources"]
    rows.append({"role": "mapping", "file_name": Path(mapping["path"]).name, "archive_path": mapping["path"],
                 "sha256": mapping["sha256"], "saved_mapping": "；".join(mapping.get("saved") or []) or None})
    rows.append({"role": "sources", "file_name": Path(sources["path"]).name, "archive_path": sources["path"],
                 "sha256": sources["sha256"]})
    frame = pd.DataFrame(rows).assign(submission_id=submission_id)
    frame["fingerprints"] = [fingerprints] * len(frame)
    insert_frame(con, "import_origins", frame.astype({"saved_mapping": object}) if "saved_mapping" in frame else frame)
    values = read_sources((folder / sources["path"]).read_bytes())
    insert_frame(con, "import_sources", values.assign(submission_id=submission_id))
    warnings = [{"submission_id": submission_id, "sheet": w.get("工作表") or None, "row": w.get("行"),
                 "column": w.get("列") or None, "reason": (f"“{w['文件']}”：" if w.get("文件") else "") + w["原因"]}
                for w in origin.get("warnings", [])]
    if warnings:
        insert_frame(con, "ingest_warnings", pd.DataFrame(warnings))
