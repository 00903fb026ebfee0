"""`python -m pipelines plan --scheme 优质均衡|普及普惠 [--year YEAR] [--out FILE.xlsx] [--raw DIR] [--db FILE]`.

Computes the scheme's path to pass — projected enrolments, each criterion per year without and with the planned
changes, the cheapest plan for the acceptance year (or --year) and its re-check by the rules — stores it in the
warehouse (readiness_plan, enrolment_projection and the tables beside them; the unit costs read again from the raw
folder, an office's override included), prints it, and writes it to an Excel file with --out. Exit 0 on success
(an infeasible plan is a result, said with its reasons), 1 when an input is rejected, 2 on bad usage.
"""

import sys
from pathlib import Path

from .. import config
from ..schools import settings as ss
from ..textable import render


def add_parser(sub) -> None:
    pl = sub.add_parser("plan", help="达标路径：推算在校生、逐年达标情况，计算费用最低的补充方案（验收准备）")
    pl.add_argument("--scheme", required=True, choices=list(ss.SCHEMES), help="优质均衡（2030年）或普及普惠（2028年）")
    pl.add_argument("--year", type=int, help="在哪一年达标（默认：该项验收的年份）")
    pl.add_argument("--out", type=Path, help="把达标路径写入 Excel 文件（.xlsx）")
    pl.add_argument("--raw", type=Path, default=config.RAW_DIR)
    pl.add_argument("--db", type=Path, default=config.DB_PATH)


def run(args, ensure_warehouse) -> int:
    from ..exports import Sheet, excel_bytes
    from ..recovery import catch_up
    from ..warehouse import connect, transaction
    from ..writer_lock import writer_lock
    from . import report
    from .costs import load_unit_costs, unit_costs
    from .inputs import read_inputs
    from .run import compute
    from .store import write

    if args.out is not None and args.out.suffix.lower() != ".xlsx":
        print("用法错误：--out 应为 .xlsx 文件", file=sys.stderr)
        return 2
    if args.year is not None and not (config.YEARS[0] <= args.year <= config.PLAN_END_YEAR):
        print(f"用法错误：--year 应在{config.YEARS[0]}—{config.PLAN_END_YEAR}年之间", file=sys.stderr)
        return 2
    ensure_warehouse(args.db, args.raw, build_if_missing=True)
    costs = unit_costs(args.raw)  # an office's corrected costs count at once (InputError: the file, row and column)
    with writer_lock(args.db, args.raw, purpose=f"计算{args.scheme}达标路径"), connect(args.db) as con:
        for note in catch_up(con, args.raw):
            print(f"恢复：{note}", file=sys.stderr)
        inputs = read_inputs(con, costs)
        result = compute(inputs, [args.scheme], args.year)
        with transaction(con):
            load_unit_costs(con, args.raw)
            write(con, result, inputs.key(f"{args.scheme}{args.year}"), [args.scheme])
        text = said(con, report, args.scheme, result.is_demo)
        if args.out is not None:
            sheets = [Sheet(title, frame, header=f"敖汉旗教育高质量发展监测　{title}（{ss.SCHEME_TITLES[args.scheme]}）",
                            demo=result.is_demo)
                      for title, frame in tables(con, report, args.scheme).items()]
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_bytes(excel_bytes(sheets))
    print(text)
    if args.out is not None:
        print(f"已写入 {args.out}")
    return 0


def tables(con, report, scheme: str) -> dict:
    run = report.run_of(con, scheme)
    import pandas as pd

    notes = pd.DataFrame({"项目": ["结论", "复核", "推算方法", "费用", "示例数据"], "内容": [
        run["message"], f"按评估规则对{run['acceptance_year']}年（含最优方案）重新判断：{run['recheck'] or '—'}",
        run["method"] or "—", "单价见“单价”表（平台参考值，可由 data/raw/unit_costs_office.csv 覆盖）；教师按年人均支出×计入年数",
        f"含{config.DEMO_LABEL}（演示用的虚构数值）" if run["is_demo"] else "不含示例数据"]})
    return {"规划": report.plan_table(con, scheme), "逐年达标": report.path_table(con, scheme),
            "达标年份": report.criteria_years(con, scheme), "交流轮岗": report.moves_table(con, scheme),
            "在校生推算": report.projection_table(con), "规划项目": report.changes_table(con),
            "单价": report.costs_table(con), "说明": notes}


def table(frame) -> str:
    from ..describe import number

    cells = [[number(v) if isinstance(v, float) else ("" if v is None else str(v)) for v in row]
             for row in frame.itertuples(index=False)]
    return render(list(map(str, frame.columns)), cells)


def said(con, report, scheme: str, demo: bool) -> str:
    """The plan in a few lines: the sentence, the per-year path, the plan by school."""
    run = report.run_of(con, scheme)
    lines = [f"{ss.SCHEME_TITLES[scheme]}（{run['acceptance_year']}年）" + (f"（{config.DEMO_LABEL}）" if demo else ""),
             run["message"]]
    if run["recheck"]:
        lines.append(f"按评估规则复核：{run['recheck']}")
    path = report.path_table(con, scheme)
    if len(path):
        lines += ["", "逐年：", table(path.drop(columns=["到位的已定规划项目"]))]
    plan = report.plan_table(con, scheme)
    if len(plan):
        lines += ["", f"最优方案（{len(plan)}项）：", table(plan.drop(columns=["学校标识码"]).head(40))]
        if len(plan) > 40:
            lines.append(f"……另有{len(plan) - 40}项，见 --out 的 Excel 文件或“验收准备”页")
    return "\n".join(lines)
