"""The warehouse against the archive: what a crash may never break, checked the same way by every test."""

from pathlib import Path

import duckdb

from pipelines import config, demo_state
from pipelines.archive import in_order, named_paths, read_log
from pipelines.build import build
from pipelines.jsonlog import count


def tables(db: Path) -> dict[str, list]:
    """Every table's rows, in a fixed order (opening the file also proves it opens)."""
    with duckdb.connect(str(db), read_only=True) as con:
        names = [t for (t,) in con.execute(
            "select table_name from information_schema.tables where table_type = 'BASE TABLE' order by 1").fetchall()]
        return {t: con.execute("select * from query_table(?) order by all", [t]).fetchall() for t in names}


def archived_files(raw: Path) -> set[str]:
    folder = raw / config.SUBMISSIONS_DIR
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")
            if p.is_file() and p.name not in (config.SUBMISSIONS_LOG, ".storing") and not p.name.endswith((".torn", ".partial"))}


def loaded(db: Path) -> set[tuple[str, str]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return set(con.execute("select sha256, archive_path from submissions").fetchall())


def logged(raw: Path, everything: bool = False) -> set[tuple[str, str]]:
    """The workbooks a warehouse must hold: every accepted one, but the demo's once the demo has ended
    (everything: those it may hold, straight after a kill, before the next writer ends the demo there)."""
    events = read_log(raw)
    ended = demo_state.ended_in_log(events) is not None and not everything
    return {(e["sha256"], e["path"]) for e in events if e["event"] == "accepted" and not (ended and e.get("is_demo"))}


def assert_agrees_with_archive(raw: Path, db: Path) -> None:
    """The warehouse holds exactly the logged workbooks, the archive exactly the logged files, and no
    leftovers of a killed writer remain."""
    events = read_log(raw)
    assert loaded(db) == logged(raw)
    assert archived_files(raw) == named_paths(events)  # the workbooks and their 佐证材料
    events = in_order(events)  # a decision logged before its workbook's acceptance line is history
    last_decision = {e["sha256"]: e["decision"] for e in events if e["event"] == "review"}
    with duckdb.connect(str(db), read_only=True) as con:
        withdrawn = {sha for (sha,) in con.execute("select sha256 from submissions where withdrawn").fetchall()}
        assert con.execute("select count(*) from audit").fetchall()[0][0] == count(raw / config.AUDIT_DIR / config.AUDIT_LOG)
        reviewed = dict(con.execute("select sha256, review_status from submissions").fetchall())
        assert (con.execute("select count(*) from evidence").fetchall()[0][0]
                == len({(e["workbook_sha256"], e["task_no"], e["sha256"]) for e in events if e["event"] == "evidence"}))
    assert withdrawn == {e["sha256"] for e in events if e["event"] == "withdrawn"}
    assert reviewed == {sha: last_decision.get(sha, "pending") for sha in reviewed}  # the log's last decision
    assert not list(db.parent.glob(f".{db.name}.*.building*"))
    assert not (raw / config.SUBMISSIONS_DIR / ".storing").exists()


def assert_rebuild_equals(raw: Path, db: Path, scratch: Path) -> None:
    rebuilt = scratch / "rebuilt.duckdb"
    rebuilt.unlink(missing_ok=True)
    build(raw, rebuilt)
    assert tables(rebuilt) == tables(db)
