"""`build`: the whole warehouse from a raw folder, into a temporary file swapped in on success."""

from dataclasses import dataclass
from pathlib import Path

from .load_plan import load_plan_tables
from .plan_inputs import read_plan_inputs
from .warehouse import connect, create_schema, discard, swap_in, temporary_path


@dataclass
class BuildReport:
    tasks: int
    units: int
    targets: int
    discrepancies: int
    submissions: int = 0
    skipped_demo: int = 0


def build(raw_dir: Path, db_path: Path, include_demo: bool = True) -> BuildReport:
    """Rebuild the warehouse from raw_dir; the previous warehouse stays as it was if anything fails."""
    inputs = read_plan_inputs(raw_dir)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    building = temporary_path(db_path)
    discard(building)
    try:
        with connect(building) as con:
            con.execute("begin")
            create_schema(con)
            load_plan_tables(con, inputs)
            report = BuildReport(
                tasks=len(inputs.plan.tasks),
                units=len(inputs.units),
                targets=len(inputs.catalogue.targets),
                discrepancies=len(inputs.discrepancies),
            )
            con.execute("commit")
            con.execute("checkpoint")
        swap_in(building, db_path)
    finally:
        discard(building)
    return report
