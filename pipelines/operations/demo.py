"""Demo data (示例数据): filled workbooks for every reporting unit, 2022–2025, through the real template.

The values are invented but plausible for a banner of 敖汉旗's size (about 18,000 high-school-stage
students, 10,000 children in kindergartens, 170 schools); some targets are met, some missed, some not
reported, and one workbook is corrected by a later one; the 2025 workbooks explain some lagging targets
(整改说明). They are written with the same template code a unit downloads, archived under
data/raw/submissions/demo/ as demo, each approved by the reviewer (示例数据) two days after it arrives, and
loaded by the default build.

    python -m pipelines.operations.demo [--raw DIR]     regenerate (replaces the demo part of the archive)
"""

import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path

import duckdb

from ..core import config
from ..core.arguments import raw_folder_argument
from ..records import demo_state
from ..records.archive import log_path, read_log, submissions_dir
from ..warehouse.connection import connect
from ..workbooks.template import fill, make_template, template_file_name
from .build import build
from .ingest import ingest_file
from .locking import writer_lock
from .plan_demo import demo_plan_books
from .review import record_decision
from .school_demo import demo_school_books

# Yearly values by indicator: {year: value}. Counts of "当年新增" indicators are the year's new ones.
# A string is typed as a person would type it (95.9%, 12所, 是).
VALUES: dict[str, dict[int, object]] = {
    "HS_REGION_QUALITY": {2023: 0, 2024: 0, 2025: 1},
    "HS_CITY_FEATURE": {2023: 1, 2024: 0, 2025: 0},
    "HS_SUBJECT_BASE": {2023: 1, 2024: 1, 2025: 0},
    "HS_STRONG_BASE": {2023: 0, 2024: 1, 2025: 0},
    "HS_GER": {2025: "95.9%"},
    "HS_ENROLLED": {2022: 17850, 2023: 18120, 2024: 18300, 2025: "18,500"},
    "HS_AGE_POP": {2022: 19600, 2023: 19550, 2024: 19480, 2025: 19300},
    "EXAM_DOUBLE_FIRST": {2022: 86, 2023: 92, 2024: 89, 2025: 97},
    "EXAM_600_RANK": {2022: 7, 2023: 6, 2024: 6, 2025: 5},
    "EXAM_BACHELOR_RANK": {2022: 8, 2023: 8, 2024: 9, 2025: 7},
    "EXAM_TIER1_RANK": {2022: 7, 2023: 6, 2024: 5, 2025: 5},
    "CM_COMMUNITY": {2023: 1, 2024: 1, 2025: 0},
    "JH_SUBJECT_BASE": {2023: 1, 2024: 1, 2025: 1},
    "JH_STRONG_BASE": {2023: 0, 2024: 1, 2025: 0},
    "PS_SUBJECT_BASE": {2023: 2, 2024: 2, 2025: 1},
    "PS_INTEREST_BASE": {2023: 1, 2024: 1, 2025: 1},
    "PS_JH_BRIDGE": {2023: 3, 2024: 3, 2025: 2},
    "JH_HS_BRIDGE": {2023: 2, 2024: 1, 2025: 1},
    "JH_GRADUATES": {2022: 4980, 2023: 5010, 2024: 4960, 2025: 4900},
    "JH_COHORT": {2022: 5130, 2023: 5140, 2024: 5060, 2025: 4985},
    "CM_BALANCE_ACCEPT": {2022: "否", 2023: "否", 2024: "否", 2025: "否"},
    "KG_CITY_MODEL": {2023: 1, 2024: 1, 2025: 1},
    "KG_BRIDGE_BANNER": {2023: 8, 2024: 7, 2025: 6},
    "KG_BRIDGE_CITY": {2023: 3, 2024: 3, 2025: 3},
    "KG_ENROLLED": {2022: 11800, 2023: 11300, 2024: 10700, 2025: 10100},
    "KG_PUBLIC_ENROLLED": {2022: 6950, 2023: 6900, 2024: 6790, 2025: 6480},
    "KG_INCLUSIVE_ENROLLED": {2022: 9960, 2023: 9830, 2024: 9510, 2025: 9160},
    "KG_UNIVERSAL_ACCEPT": {2024: "否", 2025: "否"},
    "SE_NEW_SCHOOL": {2023: 0, 2024: 0, 2025: 0},
    "SE_INCLUSION_PILOT": {2023: 0, 2024: 1, 2025: 0},
    "SE_ENROLLED": {2022: 452, 2023: 466, 2024: 470, 2025: 478},
    "SE_AGE_POP": {2022: 478, 2023: 482, 2024: 480, 2025: 481},
    "VE_LAND": {2023: "63亩"},
    "VE_CONDITIONS_MET": {2023: "是"},
    "VE_PRIVATE_MET": {2022: 0, 2023: 1, 2024: 1, 2025: 2},
    "VE_QUALITY_ACCEPT": {2024: "否", 2025: "否"},
    "VE_BRAND_SCHOOLS": {2022: 1, 2023: 2, 2024: 2, 2025: 2},
    "VE_SCHOOLS": {2022: 3, 2023: 3, 2024: 3, 2025: 3},
    "VE_TRAINING": {2023: "6800人次", 2024: 7350, 2025: 7900},
    "VE_ENROLLED": {2022: 5200, 2023: 5600, 2024: 5900, 2025: 6050},
    "GH_ENROLLED": {2022: 12650, 2023: 12520, 2024: 12400, 2025: 12450},
    "VE_TO_BACHELOR": {2022: 35, 2023: 42, 2024: 51, 2025: 60},
    "RT_ROTATED": {2023: 215, 2024: 198, 2025: 226},
    "RT_ELIGIBLE": {2023: 2050, 2024: 2020, 2025: 2010},
    "RT_BACKBONE": {2023: 46, 2024: 37, 2025: 41},
    "RT_PRINCIPAL_TERM_MET": {2024: 9, 2025: 12},
    "RT_PRINCIPALS": {2024: 10, 2025: 12},
    "TS_SENIOR": {2022: 1020, 2023: 1190, 2024: 1380, 2025: 1560},
    "TS_MID": {2022: 3960, 2023: 3990, 2024: 4010, 2025: 4020},
    "TS_JUNIOR": {2022: 4420, 2023: 4220, 2024: 4010, 2025: 3820},
    "QM_PRIMARY": {2023: 1, 2024: 1, 2025: 1},
    "TD_FAMOUS_PRINCIPAL": {2023: 4, 2024: 3, 2025: 4},
    "TD_SUBJECT_GROUP": {2023: 3, 2024: 3, 2025: 2},
    "TD_FAMOUS_TEACHER": {2023: 30, 2024: 35, 2025: 38},
    "TD_FAMOUS_HEADTEACHER": {2023: 10, 2024: 10, 2025: 11},
    "TD_CAREER_GUIDE": {2023: 80, 2024: 95, 2025: 110},
    "TR_TRAINED": {2023: 58, 2024: 62, 2025: 64},
    "TR_RESEARCHERS": {2023: 64, 2024: 64, 2025: 64},
    "AW_PRINCIPAL": {2023: 10, 2024: 10, 2025: 10},
    "AW_RESEARCHER": {2023: 10, 2024: 10, 2025: 10},
    "AW_ROLE_MODEL": {2023: 10, 2024: 10, 2025: 10},
    "AW_ETHICS": {2023: 20, 2024: 20, 2025: 18},
    "AW_ADVANCED_WORKER": {2023: 50, 2024: 50, 2025: 50},
    "AW_TEACHER": {2023: 50, 2024: 50, 2025: 50},
    "AW_HEADTEACHER": {2023: 50, 2024: 50, 2025: 50},
    "MO_SCHOOL": {2023: 2, 2024: 2, 2025: 2},
    "MO_CLASS": {2023: 8, 2024: 8, 2025: 6},
    "MO_CASE": {2023: 10, 2024: 12, 2025: 11},
    "CU_GREEN_WARM": {2022: 38, 2023: 52, 2024: 70, 2025: 86},
    "CU_SCHOOLS": {2022: 176, 2023: 172, 2024: 170, 2025: 168},
    "CU_CIVILIZED": {2023: 2, 2024: 2, 2025: 1},
    "CU_BOOK": {2023: 1, 2024: 1, 2025: 0},
    "PE_SPORTS_MODEL": {2023: 1, 2024: 1, 2025: 1},
    "PE_ARTS_MODEL": {2023: 1, 2024: 1, 2025: 0},
    "PE_FEATURE": {2023: 0, 2024: 1, 2025: 1},
    "SC_WEEK_SCHOOLS": {2023: 150, 2024: 160, 2025: 168},
    "SC_SCHOOLS": {2023: 172, 2024: 170, 2025: 168},
    "SC_CONTEST": {2023: 1, 2024: 1, 2025: 1},
    "SC_LAB": {2023: 0, 2024: 1, 2025: 2},
    "FI_HS_DEBT": {2022: 12800, 2023: 9600, 2024: 6100, 2025: 2900},
    "FI_TEACHER_PAY": {2022: 98600, 2023: 103500, 2024: 106900, 2025: 109400},
    "FI_CIVIL_PAY": {2022: 101200, 2023: 103800, 2024: 106100, 2025: 108300},
    "FI_EDU_EXPENDITURE": {2022: 98500, 2023: 103200, 2024: 101900, 2025: 106800},
    "FI_EDU_EXP_PER_STUDENT": {2022: 16200, 2023: 17150, 2024: 17300, 2025: 18100},
    "FI_SURCHARGE_TO_EDU": {2022: 3120, 2023: 3260, 2024: 3350, 2025: 3410},
    "FI_SURCHARGE_COLLECTED": {2022: 3120, 2023: 3260, 2024: 3350, 2025: 3410},
    "KG_EXTRA_EQUAL_PAY": {2023: 96, 2024: 118, 2025: 105},
    "KG_EXTRA_TEACHERS": {2023: 120, 2024: 118, 2025: 105},
    "FAC_XINHUI_CANTEEN_AREA": {2023: 0, 2024: 0, 2025: 4500},
    "FI_SMALL_SCHOOLS_300": {2023: 21, 2024: 24, 2025: 23},
    "FI_SMALL_SCHOOLS": {2023: 24, 2024: 24, 2025: 23},
    "IT_GIGABIT_SCHOOLS": {2022: 62, 2023: 70, 2024: 74, 2025: 77},
    "IT_CM_SCHOOLS": {2022: 140, 2023: 138, 2024: 136, 2025: 134},
    "IT_DUAL_GIGABIT_SCHOOLS": {2022: 1, 2023: 1, 2024: 1, 2025: 2},
    "IT_HS_SCHOOLS": {2022: 5, 2023: 5, 2024: 5, 2025: 6},
    "SA_CITY_SAFE": {2023: 22, 2024: 20, 2025: 21},
    "SA_BANNER_SAFE": {2023: 64, 2024: 58, 2025: 40},
    "SA_BANNER_SAFE_TOTAL": {2022: 120, 2023: 175, 2024: 215, 2025: 240},
    "SA_SCHOOLS": {2022: 260, 2023: 255, 2024: 250, 2025: 246},
}
NOTES = {("HS_GER", 2025): "按教育事业统计快报", ("SE_ENROLLED", 2025): "含送教上门 37 人"}

# Task progress: a status per year for dated tasks; other tasks move from 推进中 to 常态化推进.
PROGRESS: dict[int, dict[int, str]] = {
    15: {2023: "已完成"},
    16: {2023: "推进中", 2024: "推进中", 2025: "推进中"},
    20: {2023: "已完成", 2024: "常态化推进", 2025: "常态化推进"},
    21: {2023: "已完成", 2024: "常态化推进", 2025: "常态化推进"},
    30: {2023: "推进中", 2024: "常态化推进", 2025: "常态化推进"},
    44: {2023: "推进中", 2024: "推进中", 2025: "推进中"},
    83: {2023: "推进中", 2024: "推进中", 2025: "推进中"},
    88: {2023: "推进中", 2024: "推进中", 2025: "推进中"},
    89: {2023: "未启动", 2024: "推进中", 2025: "推进中"},
    61: {2023: "未启动", 2024: "未启动", 2025: "推进中"},
}
PROGRESS_NOTES = {
    (88, 2025): "新惠四中主体完工，配套工程2026年完成",
    (16, 2025): "自治区验收已通过，国家验收待组织",
    (83, 2025): "尚余债务2900万元",
}
# Units whose workbook for a year never came (for the reporting-completeness view).
NOT_SENT = {("旗委编办", 2025)}
# The correction: 旗教育局's 2024 workbook first carried a slip, a later one corrects it.
SLIP = ("旗教育局", 2024, "KG_PUBLIC_ENROLLED", 7690)
CORRECTION_NOTE = "更正：前次误填为7690"


def received_at(unit_index: int, year: int, version: int = 0) -> datetime:
    """Workbooks for a year arrive in the next spring (the baseline year's after the plan was issued)."""
    if year == config.BASELINE_YEAR:
        return datetime(2023, 5, 10 + unit_index, 9, 30)
    return datetime(year + 1, 2 + version, 15 + unit_index, 10, 0)


def progress_for(task_no: int, year: int, ongoing: bool) -> str:
    if task_no in PROGRESS:
        return PROGRESS[task_no].get(year, "")
    if year == config.BASELINE_YEAR:
        return ""
    return "推进中" if year == config.PLAN_START_YEAR or not ongoing else "常态化推进"


# 整改说明 in the 2025 workbooks, for targets lagging as of 2024 (the rest of the sheet is left blank, with
# the check's warning): (原因分析, 整改措施, 计划完成时间) as a unit would type them.
RECTIFY: dict[tuple[str, int], dict[str, tuple[str, str, str]]] = {
    ("旗教育局", 2025): {
        "T03-1": ("新惠中学省级优质高中评估中实验室和图书馆建设未达标", "2026年追加专项资金完成实验室改造，迎接复评", "2026年10月"),
        "T14-1": ("特殊教育学校新校址用地手续未办结，工程未开工", "协调自然资源局办结用地手续，年内开工建设", "2026年9月"),
        "B28-1": ("新惠中学学生餐厅项目资金分两年下达，主体工程2025年开工", "加快施工进度，确保秋季学期投入使用", "2026年8月"),
        "T92-1": ("部分乡村学校距离光缆主干线远，施工成本高", "与通信运营商签订协议，分两批完成乡村学校千兆接入", "2026年6月"),
    },
    ("旗财政局", 2025): {
        "T83-1": ("普通高中历史债务规模大，年度化债资金有限", "统筹一般公共预算和专项债置换，按季度化解剩余债务", "2026年6月"),
    },
    ("旗委宣传部", 2025): {
        "T65-1": ("部分乡村学校校园环境改造资金不足，创建申报积极性不高", "联合教育局开展专项指导，每年推荐10所以上学校申报", "2027年12月"),
    },
    ("旗人社局", 2025): {
        "T36-1": ("高级岗位总量受编制结构限制，年度核增有限", "会同编办、教育局分年度调整岗位结构，2026年核增高级岗位80个", "2026年12月"),
    },
}


@dataclass
class DemoBook:
    unit: str
    year: int
    received_at: datetime
    file_name: str
    make: Callable[[duckdb.DuckDBPyConnection], bytes]  # the workbook, from the warehouse as it is then


def demo_books(con) -> list[DemoBook]:
    """Every demo workbook, in the order received; each is made when it arrives (its 整改说明 sheet lists
    the targets lagging as of its year's previous one, from the demo workbooks approved before it)."""
    from ..workbooks.reporting import led_tasks, reporting_units, workbook_rows

    ongoing = dict(con.execute("select task_no, ongoing from tasks").fetchall())
    books = []
    for i, unit in enumerate(reporting_units(con)):
        codes = set(workbook_rows(con, unit)["indicator_code"])
        tasks = set(led_tasks(con, unit)["task_no"])
        for year in range(config.BASELINE_YEAR, 2026):
            if (unit, year) in NOT_SENT:
                continue
            values = {c: v[year] for c, v in VALUES.items() if c in codes and year in v}
            notes = {c: n for (c, y), n in NOTES.items() if c in codes and y == year}
            progress = {t: (s, PROGRESS_NOTES.get((t, year), "")) for t in sorted(tasks)
                        if (s := progress_for(t, year, bool(ongoing[t])))}
            if not values and not progress:
                continue
            slip = (unit, year) == SLIP[:2]
            if slip:
                values = {**values, SLIP[2]: SLIP[3]}
            answers = RECTIFY.get((unit, year), {})
            books.append(DemoBook(unit, year, received_at(i, year), template_file_name(unit, year),
                                  partial(_filled, unit=unit, year=year, values=values, notes=notes, progress=progress,
                                          answers=answers)))
            if slip:
                books.append(DemoBook(unit, year, received_at(i, year, version=1), f"{unit}_{year}年度监测填报_更正.xlsx",
                                      partial(_filled, unit=unit, year=year, values={SLIP[2]: VALUES[SLIP[2]][year]},
                                              notes={SLIP[2]: CORRECTION_NOTE}, progress={}, answers={})))
    for unit, year, when, name, data in demo_school_books(con):  # issue 12: 旗教育局's school workbooks
        books.append(DemoBook(unit, year, when, name, lambda _con, data=data: data))
    for unit, year, when, name, make in demo_plan_books():  # issue 23: the planning workbook (made when it arrives)
        books.append(DemoBook(unit, year, when, name, make))
    return sorted(books, key=lambda b: b.received_at)


def _filled(con, unit: str, year: int, values: dict, notes: dict, progress: dict, answers: dict) -> bytes:
    return fill(make_template(con, unit, year, include_demo=True), values, notes, progress, answers)


def remove_demo(raw_dir: Path) -> None:
    """Take the demo part out of the archive (the only thing ever removed from data/raw): the demo workbooks
    and every event about them (their approvals)."""
    shutil.rmtree(submissions_dir(raw_dir) / config.DEMO_DIR, ignore_errors=True)
    events = read_log(raw_dir)
    demo = {e["sha256"] for e in events if e.get("event") == "accepted" and e.get("is_demo")}
    kept = [e for e in events if not e.get("is_demo") and e.get("sha256") not in demo
            and e.get("workbook_sha256") not in demo]
    path = log_path(raw_dir)
    if path.exists():
        path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in kept), encoding="utf-8")


def generate(raw_dir: Path) -> int:
    """Write and archive every demo workbook through the real ingest path, each approved; returns how many."""
    with writer_lock(None, raw_dir, purpose="重新生成示例数据"):
        refused = demo_state.regeneration_refused(read_log(raw_dir))
        if refused:
            raise SystemExit(f"未重新生成：{refused}")
        remove_demo(raw_dir)
        return _generate(raw_dir)


def _generate(raw_dir: Path) -> int:
    """In time order: each workbook arrives (made from the warehouse as it is then) and is approved two days later."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.duckdb"
        build(raw_dir, db, include_demo=False)
        with connect(db, read_only=True) as con:
            books = demo_books(con)
        timeline = sorted([(b.received_at, 0, b) for b in books] + [(b.received_at + config.DEMO_APPROVAL_DELAY, 1, b) for b in books],
                          key=lambda t: (t[0], t[1]))
        loaded: dict[int, int] = {}
        for when, is_approval, book in timeline:
            if is_approval:
                record_decision(raw_dir, db, loaded[id(book)], "approved", config.DEMO_LABEL, when)
                continue
            with connect(db, read_only=True) as con:
                data = book.make(con)
            path = Path(tmp) / book.file_name
            path.write_bytes(data)
            result = ingest_file(path, raw_dir, db, file=book.file_name, account=config.DEMO_LABEL, is_demo=True,
                                 received_at=when)
            if result.outcome != "loaded":
                raise SystemExit(f"示例数据未能载入：{result.message}\n" + "\n".join(map(str, result.problems)))
            loaded[id(book)] = result.submission_id
    return len(books)


def main() -> None:
    raw = raw_folder_argument("python -m pipelines.operations.demo", "重新生成示例数据（示例数据）", config.raw_dir())
    n = generate(raw)
    print(f"已生成并归档示例数据工作簿 {n} 个（{submissions_dir(raw) / config.DEMO_DIR}）")


if __name__ == "__main__":
    main()
