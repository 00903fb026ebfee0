"""Time the path to pass on 300 synthetic schools: the plan (projection, the rules on every projected year with and
without the planned changes, the cheapest plan, its re-check) and the page's what-if update.

Budgets (issue 23): the plan for 300 schools in ≤ 5 s; a what-if update (a unit cost or a planned addition changed)
in ≤ 1 s. The schools are the demo's of 2023—2025 repeated with new ids (about 300 primary and junior schools and 200
kindergartens a year), typed into the real template, ingested and approved (which ends the demo), with a planning
workbook of births and changes at the copies of the demo's schools. Wall and CPU time of this process are printed:
the machine is shared, and the CPU time is what the work itself costs.

    .venv/bin/python benchmarks/bench_plan.py [RUNS] [SCHOOLS]
"""

import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import cli, report
from pipelines.core import config
from pipelines.core import school_settings as s
from pipelines.operations import plan_demo as plan_demo
from pipelines.operations.build import build
from pipelines.operations.ingest import ingest_file
from pipelines.operations.review import approve_pending
from pipelines.operations.school_demo import county_values, kindergarten_rows, school_rows
from pipelines.planning import settings as p
from pipelines.planning.inputs import read_inputs
from pipelines.planning.run import compute
from pipelines.planning.template import fill_plan_book, make_plan_template
from pipelines.planning.whatif import WhatIf
from pipelines.schools.school_template import (
    fill_school_book,
    make_school_template,
)
from pipelines.warehouse.connection import connect

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
SCHOOLS = int(sys.argv[2]) if len(sys.argv) > 2 else 300
COPIES = -(-SCHOOLS // 59)  # the demo has 59 schools a year


def copy_id(copy: int, school_id: str) -> str:
    return f"B{copy:02d}{school_id}"


def big_book(con, year: int) -> bytes:
    """The demo year's schools and kindergartens repeated (new ids, the same townships), about SCHOOLS schools."""
    register, rows = school_rows(year)
    kgs = kindergarten_rows(year)
    big_register, big_rows, big_kgs = [], [], []
    for copy in range(1, COPIES + 1):
        for school in register:
            new = copy_id(copy, school[s.ID])
            big_register.append({**school, s.ID: new, s.NAME: f"{school[s.NAME]}{copy}", s.CHANGE: None, s.MERGED_FROM: None})
            big_rows += [{**row, s.ID: new, s.NAME: f"{row[s.NAME]}{copy}"} for row in rows if row[s.ID] == school[s.ID]]
        big_kgs += [{**kg, s.KG_ID: copy_id(copy, kg[s.KG_ID]), s.KG_NAME: f"{kg[s.KG_NAME]}{copy}", s.CHANGE: None}
                    for kg in kgs]
    return fill_school_book(make_school_template(con, year), big_register, big_rows, big_kgs, county_values(year))


def plan_book(con) -> bytes:
    changes, population = plan_demo.plan_rows()
    copied = [{**row, p.ID: copy_id(copy, row[p.ID]), p.NAME: None}
              for row in changes if row[p.ID] and p.KINDS.get(row[p.KIND]) for copy in range(1, COPIES + 1)]
    return fill_plan_book(make_plan_template(con, s.SCHOOL_UNIT, 2026), copied, population)


def site(tmp: Path) -> tuple[Path, Path]:
    raw, db = tmp / "raw", tmp / "warehouse.duckdb"
    shutil.copytree(config.RAW_DIR, raw)
    build(raw, db)
    for year in (2023, 2024, 2025):
        with connect(db, read_only=True) as con:
            data = big_book(con, year)
        path = tmp / f"学校_{year}.xlsx"
        path.write_bytes(data)
        result = ingest_file(path, raw, db)
        assert result.outcome == "loaded", [str(x) for x in result.problems[:5]]
    approve_pending(raw, db, "审核员")  # the first real workbooks approved: the demo ends
    with connect(db, read_only=True) as con:
        data = plan_book(con)
    path = tmp / "规划.xlsx"
    path.write_bytes(data)
    result = ingest_file(path, raw, db)
    assert result.outcome == "loaded", [str(x) for x in result.problems[:5]]
    approve_pending(raw, db, "审核员")
    return raw, db


def timed(fn, runs: int) -> tuple[list[float], list[float], object]:
    wall, cpu, out = [], [], None
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        out = fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return wall, cpu, out


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        raw, db = site(Path(tmp))
        with connect(db, read_only=True) as con:
            inputs = read_inputs(con)
            n = con.execute("select count(*) from school_register_current(false) where kind = 'school' and year = 2025 "
                            "and stage not in ('普通高中', '中等职业学校', '特殊教育学校')").fetchall()[0][0]
        print(f"{n} 所中小学（{COPIES} 份示例学校），{len(inputs.base.kindergartens)} 所幼儿园，规划项目 {len(inputs.changes)} 项")
        compute(inputs, ["优质均衡"])  # the rules' warehouse in memory is made once per process (about 0.3 s)
        wall, cpu, run = timed(lambda: compute(inputs, ["优质均衡"]), RUNS)
        r = run.results["优质均衡"]
        print(f"  方案：{r.status}，{len(r.outcome.additions)} 项，{r.cost:,.1f}万元，复核{r.recheck}，{r.outcome.rounds} 轮")
        report(f"规划 优质均衡（{n} 所学校，推算、逐年判断、最优方案、复核，进程内）", wall)
        report("  同上，本进程CPU时间", cpu)
        wall, cpu, _ = timed(lambda: compute(inputs), RUNS)
        report("规划 两项验收（进程内）", wall)
        report("  同上，本进程CPU时间", cpu)
        commands = []
        for _ in range(max(1, RUNS // 2)):
            start = time.perf_counter()
            cli("plan", "--scheme", "优质均衡", "--raw", raw, "--db", db)
            commands.append(time.perf_counter() - start)
        report("python -m pipelines plan --scheme 优质均衡（命令，含启动和写入数据仓库）", commands)

        what = WhatIf(inputs, "优质均衡")
        changes = what.changes()
        what.run(changes, inputs.costs)  # the page's first view
        dearer = inputs.costs.copy()
        dearer.loc[dearer["resource"] == "sports_area", "unit_cost"] *= 2
        wall, cpu, out = timed(lambda: what.run(changes, dearer), RUNS)
        report(f"假如：改一个单价（体育运动场馆×2，{out.cost:,.1f}万元）", wall)
        report("  同上，本进程CPU时间", cpu)
        bigger = changes.copy()
        bigger.loc[bigger["resource"] == "sports_area", "amount"] *= 1.5
        flip = [bigger, changes]
        wall, cpu, out = timed(lambda: what.run(flip.reverse() or flip[0], inputs.costs), RUNS)
        report("假如：改规划项目的数量（体育运动场馆×1.5 与原值交替）", wall)
        report("  同上，本进程CPU时间", cpu)


if __name__ == "__main__":
    main()
