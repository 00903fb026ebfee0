"""Hand-made schools for the planning tests: the rows a school workbook would give, judged by the real rules."""

import math

import duckdb
import pandas as pd
import pytest

from pipelines.planning import settings as p
from pipelines.planning.optimise import Costs
from pipelines.schools.judge import Rows

YEAR = 2030


@pytest.fixture
def demo(demo_base, tmp_path):
    """A private copy of the embedded default (demo data, its plan computed): (raw, db)."""
    from tests.books import copy_warehouse

    return copy_warehouse(*demo_base, tmp_path / "demo")


def q(db, sql, params=()):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()
# Amounts per 100 小学 students that meet every standard with room to spare (4.2, 1, 0.9 per 100; 4.5, 7.5 ㎡ and
# 2000 元 per student; 2.3 rooms per 100): the indicators a case does not look at.
AMPLE = {"qualified_teachers": 5, "backbone_teachers": 1, "pe_art_teachers": 1, "teaching_area": 500.0,
         "sports_area": 800.0, "equipment_value": 22.0, "multimedia_rooms": 3}
UNIT_COSTS = {"qualified_teachers": 10.0, "backbone_teachers": 12.0, "pe_art_teachers": 10.0, "teaching_area": 0.35,
              "sports_area": 0.04, "equipment_value": 1.0, "multimedia_rooms": 8.0, "kg_teachers": 7.0,
              "outdoor_area": 0.03, "activity_area": 0.35, "building_area": 0.3, p.MOVE: 0.0}


def costs(caps: dict[str, float] | None = None, **unit) -> Costs:
    """Unit costs of one unit added (万元: a teacher's yearly cost × 5 years), with per-school caps."""
    prices = {**UNIT_COSTS, **unit}
    years = {k: 5.0 for k in ("qualified_teachers", "backbone_teachers", "pe_art_teachers", "kg_teachers")}
    return Costs({k: v * years.get(k, 1.0) for k, v in prices.items()},
                 {k: (caps or {}).get(k, math.inf) for k in prices}, prices[p.MOVE])


def school(school_id: str, students: int, stage: str = "小学", **amounts) -> dict:
    """A single-stage school: the AMPLE amounts scaled to its students, those given instead."""
    scale = students / 100
    base = {k: (math.ceil(v * scale) if k in p.WHOLE else v * scale) for k, v in AMPLE.items()}
    return {"school_id": school_id, "name": f"{school_id}学校", "stage": stage, "students": students, **base, **amounts}


def rows(schools: list[dict], year: int = YEAR) -> Rows:
    """The register and 学校 rows of the schools for one year."""
    register = pd.DataFrame([{
        "year": year, "school_id": s["school_id"], "kind": "school", "name": s["name"], "township": "新惠镇",
        "area_type": "城区", "school_type": s["stage"], "stages": [s["stage"]], "ownership": "公办", "change": None,
        "merged_from": None, "note": None, "sheet_row": i + 4} for i, s in enumerate(schools)])
    counts = pd.DataFrame([{
        "year": year, "school_id": s["school_id"], "stage": s["stage"], "students": s["students"],
        **{k: s[k] for k in AMPLE}, "sheet_row": i + 4} for i, s in enumerate(schools)])
    empty = pd.DataFrame({"year": pd.Series(dtype=int), "school_id": pd.Series(dtype=str)})
    county = pd.DataFrame({"year": pd.Series(dtype=int), "item_code": pd.Series(dtype=str), "value": pd.Series(dtype=float)})
    return Rows(register, counts, empty, county)


def with_plan(schools: list[dict], additions: pd.DataFrame) -> list[dict]:
    """The schools with a plan's additions and moves applied (resource, resource:in, resource:out)."""
    out = [dict(s) for s in schools]
    by_id = {s["school_id"]: s for s in out}
    for r in additions.itertuples():
        key = r.resource.split(":")[0]
        by_id[r.school_id][key] = by_id[r.school_id][key] + r.amount
    return out
