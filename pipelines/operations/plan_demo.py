"""Demo data (示例数据) for the path to pass: 旗教育局's planning workbook of 2025 (sent in April 2026) — the notice's tasks 88–89
buildings with invented areas and years, a few additions of its own (teachers for village schools, equipment),
and births 2005–2025 as 旗卫健委's birth registrations (invented; births roughly halve after 2016, as they did
nationally) — typed into the real template, archived, approved and loaded like every demo workbook.

    .venv/bin/python -m pipelines.operations.plan_demo [--raw DIR]    (add it to an archive that lacks it)
"""

import tempfile
from datetime import datetime
from pathlib import Path

from ..core import config
from ..core import school_settings as ss
from ..core.arguments import raw_folder_argument
from ..planning import settings as p
from ..planning.template import file_name, fill_plan_book, make_plan_template
from ..records import demo_state
from ..records.archive import archive, log_review, read_log, submissions_dir
from ..warehouse.connection import connect
from .locking import writer_lock

YEAR = 2025  # the 填报年度 of the demo's last workbooks: the demo archive covers 2022—2025
RECEIVED = datetime(2026, 4, 10, 10, 0)
UNIT = ss.SCHOOL_UNIT
SOURCE = "旗卫健委出生登记（示例数据）"
BIRTHS = {2005: 4620, 2006: 4580, 2007: 4650, 2008: 4700, 2009: 4540, 2010: 4480, 2011: 4390, 2012: 4460,
          2013: 4310, 2014: 4280, 2015: 4150, 2016: 4260, 2017: 4220, 2018: 4180, 2019: 4150, 2020: 3700,
          2021: 3300, 2022: 3000, 2023: 2700, 2024: 2800, 2025: 2600}
# (project, school id, school name, stage, kind, amount, year ready, investment 万元, source, note)
CHANGES = [
    ("新惠中学学生餐厅", None, "新惠中学", None, p.LIVING, 4500, 2025, 1350, "方案任务88（B28-1）", None),
    ("新惠第十小学", "SL008", "新惠第十小学", None, p.NEW_SCHOOL, None, 2024, None, "方案任务88（T88-1）", "已列入学校名录"),
    ("新惠第四中学", None, "新惠第四中学", None, p.NEW_SCHOOL, None, 2027, 9800, "方案任务88（T88-2）", "竣工推迟至2027年"),
    ("新惠第九中学", None, "新惠第九中学", None, p.NEW_SCHOOL, None, 2029, 12000, "方案任务89（T89-1）", "已开工"),
    ("新惠第三小学综合楼", "SL003", "新惠第三小学", None, p.LABEL["teaching_area"], 3200, 2027, 1150, "方案任务89（T89-2）", None),
    ("新惠第七小学体育活动室", "SL007", "新惠第七小学", None, p.LABEL["sports_area"], 1500, 2027, 480, "方案任务89（T89-3）", None),
    ("黄羊洼学校学生食堂", "SL012", "黄羊洼学校", None, p.LIVING, 1200, 2025, 390, "方案任务89（T89-4）", None),
    ("贝子府初级中学学生食堂", "SL016", "贝子府初级中学", None, p.LIVING, 1300, 2025, 420, "方案任务89（T89-5）", None),
    ("长胜初级中学综合楼", "SL018", "长胜初级中学", None, p.LABEL["teaching_area"], 2600, 2026, 960, "方案任务89（T89-6）",
     "原定2025年，推迟至2026年"),
    ("长胜初级中学实验室设备", "SL018", "长胜初级中学", None, p.LABEL["equipment_value"], 80, 2026, 80, "旗教育局", None),
    ("新惠第一小学运动场改造", "SL001", "新惠第一小学", None, p.LABEL["sports_area"], 2400, 2028, 110, "旗教育局", None),
    ("乡村学校体育教师招聘", "SL037", "热水汤小学", None, "体育教师", 1, 2026, None, "旗教育局", "2026年教师招聘"),
    ("乡村学校体育教师招聘", "SL039", "大五家小学", None, "体育教师", 1, 2026, None, "旗教育局", "2026年教师招聘"),
    ("木头营子乡中心幼儿园", "YE035", "木头营子乡中心幼儿园", None, p.NEW_SCHOOL, None, 2024, None, "方案任务89（T89-7）",
     "已列入名录"),
]


def plan_rows() -> tuple[list[dict], list[dict]]:
    changes = [{p.PROJECT: project, p.ID: sid, p.NAME: name, p.STAGE: stage, p.KIND: kind, p.AMOUNT: amount,
                p.AMOUNT_UNIT: p.UNIT.get(p.KINDS.get(kind)) if p.KINDS.get(kind) else ("㎡" if amount else None),
                p.READY: ready, p.INVESTMENT: money, p.SOURCE: source, p.NOTE: note}
               for project, sid, name, stage, kind, amount, ready, money, source, note in CHANGES]
    population = [{p.POPULATION_YEAR: year, p.BIRTHS: births, p.POP_SOURCE: SOURCE, p.POP_DATE: "2026-03-31"}
                  for year, births in BIRTHS.items()]
    return changes, population


def make_book(con) -> bytes:
    changes, population = plan_rows()
    return fill_plan_book(make_plan_template(con, UNIT, YEAR), changes, population)


def demo_plan_books() -> list[tuple]:
    """(unit, year, received_at, file name, make(con) -> bytes) of the demo planning workbook."""
    return [(UNIT, YEAR, RECEIVED, file_name(UNIT, YEAR), make_book)]


def add_to_archive(raw_dir: Path) -> int:
    """Add the demo planning workbook to an archive whose demo lacks it (approved two days after it arrives).
    `python -m pipelines.operations.demo` regenerates every demo workbook, this one included."""
    from .build import build

    with writer_lock(None, raw_dir, purpose="生成规划项目示例数据"):
        events = read_log(raw_dir)
        refused = demo_state.regeneration_refused(events)
        if refused:
            raise SystemExit(f"未生成：{refused}")
        if any(e.get("is_demo") and e.get("file_name") == file_name(UNIT, YEAR) for e in events):
            return 0
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "demo.duckdb"
            build(raw_dir, db)
            with connect(db, read_only=True) as con:
                books = [(unit, year, when, name, make(con)) for unit, year, when, name, make in demo_plan_books()]
        for unit, year, when, name, data in books:
            entry = archive(raw_dir, data, name, unit, year, when, is_demo=True, account=config.DEMO_LABEL)
            log_review(raw_dir, entry.sha256, "approved", config.DEMO_LABEL, None, when + config.DEMO_APPROVAL_DELAY)
    return len(books)


def main() -> None:
    raw = raw_folder_argument("python -m pipelines.operations.plan_demo", "生成规划项目与适龄人口的示例数据工作簿（示例数据）",
                              config.raw_dir())
    n = add_to_archive(raw)
    print(f"已生成并归档规划项目示例数据工作簿 {n} 个（{submissions_dir(raw) / config.DEMO_DIR}）" if n
          else "归档中已有规划项目示例数据工作簿，未重复生成")


if __name__ == "__main__":
    main()
