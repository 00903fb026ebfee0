"""佐证材料 in the warehouse: the logged files (archived beside their workbook) its `evidence` table lacks, inserted
(the caller holds the transaction); operations/evidence.py checks a file, archives and logs it."""

from datetime import datetime

import duckdb


def record_logged(con: duckdb.DuckDBPyConnection, attached: list[tuple[int, dict]]) -> int:
    """The logged 佐证材料 (submission id, event) the warehouse lacks, inserted; how many."""
    have = set(con.execute("select submission_id, task_no, sha256 from evidence").fetchall())
    added = 0
    for submission_id, e in attached:
        key = (submission_id, int(e["task_no"]), e["sha256"])
        if key in have:
            continue
        have.add(key)
        con.execute("insert into evidence values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [submission_id, int(e["task_no"]), e["file_name"], e["path"], e["sha256"], e["kind"], int(e["size"]),
                     datetime.fromisoformat(e["at"]), e.get("by")])
        added += 1
    return added
