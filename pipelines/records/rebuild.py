"""The whole warehouse from a raw folder, into a temporary file swapped in on success: the plan's tables, the
reference data, the archive's log replayed, the rulings, the judgments and the audit trail. The caller holds the
writers' lock (operations/build.py takes it; a restore's finish already holds it)."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..plan.inputs import read_plan_inputs
from ..planning.costs import load_unit_costs
from ..planning.store import refresh_acceptances
from ..schools.reference import load_reference
from ..warehouse.connection import connect
from ..warehouse.load_plan import load_plan_tables
from ..warehouse.lock import RECOVERED, say_on_stderr
from ..warehouse.schema import create_schema, discard, swap_in, temporary_path
from ..warehouse.school_views import create_school_schema
from ..warehouse.status import refresh_assessments
from ..workbooks.check import Context
from . import demo_state, restore_state
from .archive import read_log
from .audit import load_log
from .load_submissions import replay
from .recovery import tidy_after_crash
from .ruling_state import apply_logged


@dataclass
class BuildReport:
    tasks: int
    units: int
    targets: int
    discrepancies: int
    submissions: int = 0
    skipped_demo: int = 0
    demo_ended: bool = False  # the log ends the demo: its workbooks are left out (demo_state)


def rebuild(raw_dir: Path, db_path: Path, include_demo: bool = True, say: Callable[[str], None] | None = None) -> BuildReport:
    """Rebuild the warehouse from raw_dir (with the writers' lock held); the previous warehouse stays as it was if
    anything fails. Every file of the archive is looked at first (what killed writers left, said through say)."""
    for note in tidy_after_crash(None, raw_dir, everything=True):
        (say or say_on_stderr)(f"{RECOVERED}{note}")
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
            load_unit_costs(con, raw_dir)  # issue 23: what a plan's additions cost
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
            refresh_acceptances(con)
            load_log(con, raw_dir)
            con.execute("commit")
            con.execute("checkpoint")
        swap_in(building, db_path)
        restore_state.clear_failed(raw_dir)  # a restore whose rebuild failed is complete once one succeeds
    finally:
        discard(building)
    return report
