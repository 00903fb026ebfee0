"""`build`: the whole warehouse from a raw folder, into a temporary file swapped in on success."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import demo_state, restore_state
from .archive import read_log
from .audit import load_log
from .load_plan import load_plan_tables
from .load_submissions import replay
from .plan_inputs import read_plan_inputs
from .recovery import tidy_after_crash
from .rulings import apply_logged
from .schools.readiness import refresh_readiness
from .schools.reference import load_reference
from .schools.schema import create_school_schema
from .status import refresh_assessments
from .warehouse import connect, create_schema, discard, swap_in, temporary_path
from .workbook_check import Context
from .writer_lock import say_on_stderr, writer_lock


@dataclass
class BuildReport:
    tasks: int
    units: int
    targets: int
    discrepancies: int
    submissions: int = 0
    skipped_demo: int = 0
    demo_ended: bool = False  # the log ends the demo: its workbooks are left out (demo_state)


def build(raw_dir: Path, db_path: Path, include_demo: bool = True, say: Callable[[str], None] | None = None) -> BuildReport:
    """Rebuild the warehouse from raw_dir; the previous warehouse stays as it was if anything fails.

    The writers' lock is held from the first read of the raw folder to the swap, so that no ingest
    loads into the old file meanwhile (its load would be lost with it).
    """
    with writer_lock(db_path, raw_dir, purpose="重建数据仓库", say=say):
        for note in tidy_after_crash(None, raw_dir, everything=True, restores=False):
            (say or say_on_stderr)(f"恢复：{note}")
        inputs = read_plan_inputs(raw_dir)
        db_path.parent.mkdir(parents=True, exist_ok=True)
        building = temporary_path(db_path)
        discard(building)
        try:
            with connect(building) as con:
                con.execute("begin")
                create_schema(con)
                load_plan_tables(con, inputs)
                create_school_schema(con)  # issue 12: criteria, registers, school-level workbooks
                load_reference(con, raw_dir)
                report = BuildReport(
                    tasks=len(inputs.plan.tasks),
                    units=len(inputs.units),
                    targets=len(inputs.catalogue.targets),
                    discrepancies=len(inputs.discrepancies),
                )
                events = read_log(raw_dir)
                done = replay(con, raw_dir, events, include_demo, Context.from_warehouse(con, replay=True))
                report.submissions, report.skipped_demo = len(done.loaded), done.skipped_demo
                report.demo_ended = demo_state.ended_in_log(events) is not None
                apply_logged(con, events)  # issue 19: which text counts, before the judgments
                refresh_assessments(con)
                refresh_readiness(con)
                load_log(con, raw_dir)
                con.execute("commit")
                con.execute("checkpoint")
            swap_in(building, db_path)
            restore_state.clear_failed(raw_dir)  # a restore whose rebuild failed is complete once one succeeds
        finally:
            discard(building)
    return report
