"""Task progress: the latest reported status, and overdue as of a date."""

from datetime import date

import duckdb

from tests.books import filled, ingest_approved


def ledger(db, as_of):
    with duckdb.connect(str(db), read_only=True) as con:
        return {r[0]: r[1:] for r in con.execute(
            "select task_no, latest_status, overdue, overdue_since from task_ledger(?)", [as_of]).fetchall()}


def test_overdue_is_a_passed_milestone_not_reported_done(wh, tmp_path):
    raw, db = wh
    # Task 15: due 2023-12; task 16: due 2025-12; task 30: 2023-12 and 长期坚持; task 1: 长期坚持 only.
    path = filled(db, tmp_path / "p.xlsx", year=2024,
                  progress={15: ("已完成", ""), 16: ("推进中", ""), 30: ("常态化推进", ""), 1: ("推进中", "")})
    assert ingest_approved(path, raw, db).outcome == "loaded"
    before = ledger(db, date(2025, 6, 30))
    assert before[15][:2] == ("已完成", False)
    assert before[16][:2] == ("推进中", False)  # not due yet
    assert before[30][:2] == ("常态化推进", False)  # routine after its dated part, for a 长期坚持 task
    assert before[1][:2] == ("推进中", False)  # no dated milestone
    assert before[22][:2] == (None, True)  # due 2023-08, never reported
    after = ledger(db, date(2026, 11, 29))
    assert after[16] == ("推进中", True, date(2025, 12, 31))


def test_a_later_report_replaces_the_status(wh, tmp_path):
    raw, db = wh
    assert ingest_approved(filled(db, tmp_path / "a.xlsx", year=2024, progress={16: ("推进中", "")}), raw, db).outcome == "loaded"
    assert ingest_approved(filled(db, tmp_path / "b.xlsx", year=2025, progress={16: ("已完成", "通过验收")}), raw, db).outcome == "loaded"
    assert ledger(db, date(2026, 11, 29))[16][:2] == ("已完成", False)
    with duckdb.connect(str(db), read_only=True) as con:
        history = con.execute("select status from task_progress where task_no = 16 order by submission_id").fetchall()
    assert history == [("推进中",), ("已完成",)]


def test_status_counts_overdue_tasks_as_the_pages_do_for_its_year(wh, tmp_path):
    """A 2026 workbook saying 推进中 for a task reported done in 2025: as of 2025 the task is done (the pages'
    count and `status`'s agree), whatever the later year says."""
    import re

    from reports import queries
    from tests.cli import run_cli

    raw, db = wh
    ingest_approved(filled(db, tmp_path / "a.xlsx", year=2025, progress={16: ("已完成", "通过验收")}), raw, db)
    ingest_approved(filled(db, tmp_path / "b.xlsx", year=2026, progress={16: ("推进中", "")}), raw, db)
    with duckdb.connect(str(db), read_only=True) as con, queries.reading(con):
        pages = int(queries.ledger(queries.Filters(2025, None, None, True))["overdue"].sum())
    said = run_cli("status", "--as-of", "2025", "--db", db).stdout
    assert int(re.search(r"已过完成时限而未报告完成的任务：(\d+) 项", said).group(1)) == pages
    with duckdb.connect(str(db), read_only=True) as con, queries.reading(con):
        ledger_2025 = queries.ledger(queries.Filters(2025, None, None, True)).set_index("task_no")
    assert not ledger_2025.loc[16, "overdue"]
