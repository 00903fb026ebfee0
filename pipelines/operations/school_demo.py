"""Demo data (示例数据) for the acceptance criteria: a register of about 60 primary and junior schools and
40 kindergartens across 敖汉旗's 苏木乡镇, 2022—2025, typed into the real school workbook and ingested.

Invented but plausible, and spread so that the pages have something to say: most schools meet most
indicators, some miss one or two (rural schools lack 骨干教师 and 体育艺术 teachers, crowded 城区 schools lack
sports ground), 生均体育运动场馆面积's 校际差异系数 in 小学 is above its limit and falling as 新惠第十小学 opens,
kindergarten shares climb (the county totals are the demo's own 旗教育局 figures), schools merge and open,
and two school-derived rates disagree with the county value reported (data-quality findings). Every id is
invented (SL…, YE…), not a national 学校标识码. Names and numbers are 示例数据 wherever shown.
"""

import json
import math
import random
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..core import config
from ..core import school_settings as s
from ..core.arguments import raw_folder_argument
from ..records import demo_state
from ..records.archive import archive, log_path, log_review, read_log, submissions_dir
from ..schools.demo_facilities import kindergarten_facilities, room_areas
from ..schools.school_template import file_name, fill_school_book, make_school_template
from ..warehouse.connection import connect
from .build import build
from .locking import writer_lock

YEARS = (2022, 2023, 2024, 2025)
THRESHOLDS = {  # criteria.csv's thresholds when the demo was made: the demo is spread around them
    "小学": (4.2, 1.0, 0.9, 4.5, 7.5, 2000, 2.3),
    "初中": (5.3, 1.0, 0.9, 5.8, 10.2, 2500, 2.4),
}
PER = (100, 100, 100, 1, 1, 1, 100)
# The 乡镇苏木 of the current division (townships.csv, 2023) but the seat and 黄羊洼镇 (its one school below).
TOWNS = ("四家子镇", "贝子府镇", "长胜镇", "下洼镇", "金厂沟梁镇", "四道湾子镇", "丰收乡", "兴隆洼镇", "牛古吐镇",
         "木头营子乡", "玛尼罕乡", "萨力巴乡", "古鲁板蒿镇", "敖润苏莫苏木")
NINE_YEAR_TOWNS = ("丰收乡", "玛尼罕乡", "萨力巴乡", "敖润苏莫苏木")  # a 九年一贯制 school instead of two
SEAT = "新惠镇"


@dataclass
class School:
    school_id: str
    name: str
    township: str
    area: str
    school_type: str
    profile: str  # urban, town, village, point
    students: dict[str, int]  # 2022 students per stage
    trend: float = 0.0  # yearly change of students
    years: tuple[int, ...] = YEARS
    owner: str = "公办"
    merged_from: dict[int, list[str]] = field(default_factory=dict)
    factors: dict[str, list[float]] = field(default_factory=dict)  # stage -> 7 factors × threshold (2022)
    gains: list[float] = field(default_factory=lambda: [0.0] * 7)  # yearly change of each factor


@dataclass
class Kindergarten:
    school_id: str
    name: str
    township: str
    area: str
    owner: str  # by year: the owner may change (a private one becomes 普惠性民办)
    weight: float
    years: tuple[int, ...] = YEARS
    owners: dict[int, str] = field(default_factory=dict)
    oversize: float = 0.2  # share of classes over the size limit in 2022
    per_teacher: float = 17.0  # children per 专任教师 in 2022
    certified: float = 0.9


def _schools() -> list[School]:
    rng = random.Random(2028)
    schools: list[School] = []
    n = 0

    def add(**kw) -> School:
        nonlocal n
        n += 1
        school = School(school_id=f"SL{n:03d}", **kw)
        schools.append(school)
        return school

    def urban(stage):  # crowded: teachers fine, sports ground short, equipment middling
        return [rng.uniform(1.05, 1.35), rng.uniform(1.2, 1.9), rng.uniform(1.0, 1.3), rng.uniform(0.95, 1.2),
                rng.uniform(0.62, 0.95), rng.uniform(1.0, 1.4), rng.uniform(1.05, 1.3)]

    def town(stage):
        return [rng.uniform(1.1, 1.5), rng.uniform(1.0, 1.6), rng.uniform(1.0, 1.4), rng.uniform(1.1, 1.6),
                rng.uniform(1.3, 2.2), rng.uniform(1.1, 1.6), rng.uniform(1.1, 1.5)]

    def village(stage):  # small: space and teachers per head plenty, few 骨干 and specialist teachers
        return [rng.uniform(1.5, 2.6), rng.uniform(0.55, 1.3), rng.uniform(0.6, 1.25), rng.uniform(1.6, 2.8),
                rng.uniform(2.2, 4.0), rng.uniform(1.0, 1.8), rng.uniform(1.2, 2.0)]

    profiles = {"urban": urban, "town": town, "village": village, "point": village}
    for i, (students, trend) in enumerate([(2350, 0.0), (2180, 0.0), (1960, 0.01), (1720, 0.01), (2060, 0.0),
                                           (1480, 0.01), (1250, 0.0)], start=1):
        names = "一二三四五六七"
        add(name=f"新惠第{names[i - 1]}小学", township=SEAT, area="城区", school_type="小学", profile="urban",
            students={"小学": students}, trend=trend)
    tenth = add(name="新惠第十小学", township=SEAT, area="城区", school_type="小学", profile="town",
                students={"小学": 880}, years=(2024, 2025))
    tenth.factors = {"小学": [1.25, 1.1, 1.2, 1.6, 1.9, 1.8, 1.4]}  # new building, new ground
    for i, students in enumerate((2150, 1980, 1620), start=1):
        names = "一二三"
        add(name=f"新惠第{names[i - 1]}中学", township=SEAT, area="城区", school_type="初中", profile="urban",
            students={"初中": students}, trend=0.0)
    add(name="黄羊洼学校", township="黄羊洼镇", area="镇区", school_type="九年一贯制", profile="town",
        students={"小学": 420, "初中": 310}, trend=-0.03)
    for town_name in TOWNS:
        short = town_name.removesuffix("苏木").removesuffix("镇").removesuffix("乡")
        if town_name in NINE_YEAR_TOWNS:
            add(name=f"{short}学校", township=town_name, area="镇区", school_type="九年一贯制", profile="town",
                students={"小学": rng.randint(380, 620), "初中": rng.randint(260, 420)}, trend=-0.03)
        else:
            add(name=f"{short}中心小学", township=town_name, area="镇区", school_type="小学", profile="town",
                students={"小学": rng.randint(480, 980)}, trend=-0.025)
            add(name=f"{short}初级中学", township=town_name, area="镇区", school_type="初中", profile="town",
                students={"初中": rng.randint(520, 1180)}, trend=-0.02)
    villages = [("四家子镇", "热水汤"), ("四家子镇", "林家地"), ("贝子府镇", "大五家"), ("长胜镇", "乌兰召"),
                ("下洼镇", "八家"), ("金厂沟梁镇", "二道沟"), ("四道湾子镇", "小河沿"), ("兴隆洼镇", "兴隆洼"),
                ("牛古吐镇", "千斤营子"), ("木头营子乡", "白塔子"), ("古鲁板蒿镇", "红山"), ("玛尼罕乡", "七道湾"),
                ("长胜镇", "白音花"), ("牛古吐镇", "牛古吐"), ("古鲁板蒿镇", "西大营子"), ("四道湾子镇", "小敖包"),
                ("贝子府镇", "沙子沟")]
    for town_name, village_name in villages:
        add(name=f"{village_name}小学", township=town_name, area="乡村", school_type="小学", profile="village",
            students={"小学": rng.randint(70, 190)}, trend=-0.05)
    points = [("长胜镇", "双井"), ("丰收乡", "白斯朗营子"), ("萨力巴乡", "新地"), ("敖润苏莫苏木", "敖润苏莫"),
              ("兴隆洼镇", "三家"), ("贝子府镇", "官家地"), ("四道湾子镇", "四道湾"), ("新惠镇", "高家窝铺")]
    for town_name, village_name in points:
        add(name=f"{village_name}教学点", township=town_name, area="乡村", school_type="教学点", profile="point",
            students={"小学": rng.randint(24, 80)}, trend=-0.06)
    _factors_and_gains(schools, profiles)
    _shortfalls_and_mergers(schools)
    return schools


def _factors_and_gains(schools: list[School], profiles: dict) -> None:
    """Each school's resource factors from its profile (in the schools' order: each draws from the generator),
    unless set already, and the yearly gains."""
    for school in schools:
        if not school.factors:
            school.factors = {stage: profiles[school.profile](stage) for stage in school.students}
        school.gains = [0.02, 0.05, 0.04, 0.01, 0.015, 0.04, 0.03]


def _shortfalls_and_mergers(schools: list[School]) -> None:
    """Shortfalls that make the pages speak: rural schools lacking 骨干 and specialists (fail: two misses), a
    crowded 城区 school short of sports ground below 85% (fail), others missing one indicator (pass); and two
    village schools that merge into their central school in 2023."""
    by_name = {school.name: school for school in schools}
    for name in ("热水汤小学", "大五家小学", "八家小学", "千斤营子小学"):
        by_name[name].factors["小学"][1] = 0.55
        by_name[name].factors["小学"][2] = 0.62
        by_name[name].gains[1] = 0.06
    by_name["新惠第一小学"].factors["小学"][4] = 0.6
    by_name["新惠第五小学"].factors["小学"][4] = 0.66
    by_name["长胜初级中学"].factors["初中"][5] = 0.8  # equipment below 85%
    by_name["长胜初级中学"].factors["初中"][2] = 0.78
    by_name["贝子府初级中学"].factors["初中"][3] = 0.9  # 教学及辅助用房 near (a canteen is being built)
    by_name["新惠第二中学"].factors["初中"][4] = 0.7
    by_name["新惠第二中学"].gains[4] = 0.0
    by_name["林家地小学"].years = (2022,)
    by_name["四家子中心小学"].merged_from = {2023: [by_name["林家地小学"].school_id]}
    by_name["二道沟小学"].years = (2022,)
    by_name["金厂沟梁中心小学"].merged_from = {2023: [by_name["二道沟小学"].school_id]}


def _kindergartens() -> list[Kindergarten]:
    rng = random.Random(2020)
    kgs: list[Kindergarten] = []

    def add(**kw) -> Kindergarten:
        kg = Kindergarten(school_id=f"YE{len(kgs) + 1:03d}", **kw)
        kgs.append(kg)
        return kg

    for i in range(1, 8):
        add(name=f"新惠第{'一二三四五六七'[i - 1]}幼儿园", township=SEAT, area="城区", owner="公办",
            weight=rng.uniform(1.6, 2.2), oversize=rng.uniform(0.25, 0.4), per_teacher=rng.uniform(17, 20))
    add(name="新惠第八幼儿园", township=SEAT, area="城区", owner="公办", weight=1.5, years=(2024, 2025), oversize=0.0,
        per_teacher=13)
    add(name="新惠第九幼儿园", township=SEAT, area="城区", owner="公办", weight=1.4, years=(2025,), oversize=0.0,
        per_teacher=13)
    private = ["阳光", "童心", "小太阳", "七彩", "启明星", "育才", "金色童年", "蓝天"]
    for i, name in enumerate(private):
        owner = "普惠性民办" if i < 5 else "非普惠民办"
        kg = add(name=f"新惠{name}幼儿园", township=SEAT, area="城区", owner=owner, weight=rng.uniform(0.7, 1.1),
                 oversize=rng.uniform(0.1, 0.3), per_teacher=rng.uniform(15, 19), certified=rng.uniform(0.8, 0.9))
        if i == 5:
            kg.owners = {2024: "普惠性民办", 2025: "普惠性民办"}  # recognised as 普惠 in 2024
        if i == 7:
            kg.years = (2022, 2023)  # closed: not up to standard (撤并不达标幼儿园)
    for town_name in TOWNS:
        if town_name in ("木头营子乡", "敖润苏莫苏木"):
            continue
        short = town_name.removesuffix("苏木").removesuffix("镇").removesuffix("乡")
        add(name=f"{short}中心幼儿园", township=town_name, area="镇区", owner="公办", weight=rng.uniform(0.7, 1.2),
            oversize=rng.uniform(0.05, 0.25), per_teacher=rng.uniform(14, 18))
    for town_name, village_name in (("四家子镇", "热水汤"), ("下洼镇", "八家"), ("兴隆洼镇", "兴隆洼"),
                                    ("古鲁板蒿镇", "红山")):
        add(name=f"{village_name}村幼儿园", township=town_name, area="乡村", owner="公办",
            weight=rng.uniform(0.2, 0.35), oversize=0.0, per_teacher=rng.uniform(12, 16))
    add(name="新惠博雅幼儿园", township=SEAT, area="城区", owner="普惠性民办", weight=0.6, years=(2023, 2024, 2025),
        oversize=0.1, per_teacher=16, certified=0.85)
    add(name="木头营子乡中心幼儿园", township="木头营子乡", area="镇区", owner="公办", weight=0.8, years=(2024, 2025),
        oversize=0.0, per_teacher=13)
    rural_private = [("木头营子乡", "木头营子育英"), ("敖润苏莫苏木", "敖润苏莫希望"), ("四家子镇", "四家子博苑"),
                     ("长胜镇", "长胜春蕾"), ("下洼镇", "下洼晨光"), ("贝子府镇", "贝子府智慧树"),
                     ("牛古吐镇", "牛古吐小博士")]
    for town_name, name in rural_private:
        kg = add(name=f"{name}幼儿园", township=town_name, area="镇区" if "镇" in town_name else "乡村",
                 owner="普惠性民办", weight=rng.uniform(0.35, 0.6), oversize=rng.uniform(0.0, 0.2),
                 per_teacher=rng.uniform(16, 20), certified=rng.uniform(0.75, 0.9))
        if town_name == "敖润苏莫苏木":
            kg.owners = {2025: "公办"}  # taken over as the sumu's public kindergarten
        if town_name == "牛古吐镇":
            kg.owner = "非普惠民办"
            kg.years = (2022, 2023, 2024)
    return kgs


# The demo county's own 旗教育局 figures (operations/demo.py VALUES), which the kindergarten rows add up to:
# (在园幼儿总数, 公办, 普惠性 (公办+普惠性民办)). 2024's 普惠 rows are set 140 short of the reported figure on
# purpose: the data-quality page shows the disagreement.
KG_TOTALS = {2022: (11800, 6950, 9960), 2023: (11300, 6900, 9830), 2024: (10700, 6790, 9370), 2025: (10100, 6480, 9160)}
POP_3_5 = {2022: 15100, 2023: 13900, 2024: 12900, 2025: 12000}
# 初中 graduates and their cohort at entry (demo VALUES JH_GRADUATES/JH_COHORT); 2023's rows give fewer
# graduates than reported (a finding).
JH_TOTALS = {2022: (4980, 5130), 2023: (4890, 5140), 2024: (4960, 5060), 2025: (4900, 4985)}
COUNTY = {  # 全旗指标 as typed (a string as a person would type it)
    "YZ_G06": {2023: "是", 2024: "是", 2025: "是"},
    "YZ_G08": {2022: "否", 2023: "否", 2024: "是", 2025: "是"},
    "YZ_G09": {2023: 96.2, 2024: 97.5, 2025: "98.8%"},
    "YZ_G10": {2023: 10.5, 2024: 9.8, 2025: 11.2},
    "YZ_G11": {2023: 21.4, 2024: 18.7, 2025: 18.1},
    "YZ_G12": {2022: 98.1, 2023: 98.6, 2024: 99.2, 2025: 99.5},
    "YZ_G17": {2023: "是", 2024: "是", 2025: "是"},
    "YZ_Q02": {2022: 94.6, 2023: 96.7, 2024: 97.9, 2025: 99.4},
    "YZ_Q04": {2023: 0.18, 2025: 0.15},  # 校际差异率低于0.15: at 0.15, not yet
    "YZ_Q05": {2024: "是", 2025: "是"},
    "YZ_Q06": {2024: "是", 2025: "是"},
    "YZ_Q07": {2024: "是", 2025: "是"},
    "YZ_Q08": {2023: "否", 2024: "否", 2025: "是"},
    "YZ_Q09": {2025: "否"},
    "YZ_Q10": {2024: "是", 2025: "是"},
    "YZ_S01": {2024: 82.5, 2025: 86.3},
    "PH_05": {2022: 400, 2023: 450, 2024: 500, 2025: 500},
    "PH_06": {2022: 300, 2023: 350, 2024: 400, 2025: 450},
    "PH_07": {2023: 62, 2024: 66, 2025: 71},
    "PH_12": {2024: "是", 2025: "是"},
    "PH_13": {2023: 80.4, 2024: 83.1, 2025: 85.6},
}


def _split(total: int, weights: list[float]) -> list[int]:
    """total as whole numbers in proportion to the weights (largest remainder)."""
    raw = [total * w / sum(weights) for w in weights]
    whole = [math.floor(x) for x in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - whole[i], reverse=True)[: total - sum(whole)]:
        whole[i] += 1
    return whole


def school_rows(year: int) -> tuple[list[dict], list[dict]]:
    """The 学校名录 rows and 学校 rows of a year, keyed by the workbook's header words."""
    schools = [school for school in _schools() if year in school.years]
    register, rows = [], []
    juniors = []
    for school in schools:
        merged = school.merged_from.get(year)
        register.append({s.ID: school.school_id, s.NAME: school.name, s.TOWNSHIP: school.township, s.AREA: school.area,
                         s.SCHOOL_TYPE: school.school_type, s.OWNER: school.owner,
                         s.CHANGE: "合并" if merged else ("新设" if year == school.years[0] and year > YEARS[0] else None),
                         s.MERGED_FROM: "、".join(merged) if merged else None})
        t = year - YEARS[0]
        shared = {}
        stage_rows = []
        for stage, base in school.students.items():
            students = max(8, round(base * (1 + school.trend) ** t))
            if merged and stage == "小学":
                students += 60 * len(merged)
            factors = [f + g * t for f, g in zip(school.factors[stage], school.gains)]
            thresholds = THRESHOLDS[stage]
            amounts = [f * thr * students / per for f, thr, per in zip(factors, thresholds, PER)]
            size = {"urban": 54 - 2.5 * t, "town": 42, "village": 24, "point": 12}[school.profile]
            if stage == "初中" and school.profile == "urban":
                size += 4
            classes = max(1, math.ceil(students / min(size, 45 if stage == "小学" else 50)))
            row = {s.ID: school.school_id, s.NAME: school.name, s.STAGE: stage, "在校生数": students, "教学班数": classes,
                   "最大班额": min(students, round(size + 2)),
                   "高于规定学历教师数": math.ceil(amounts[0]), "县级以上骨干教师数": round(amounts[1]),
                   "体育艺术专任教师数": round(amounts[2])}
            facilities = {"教学及辅助用房面积(平方米)": round(amounts[3]), "体育运动场馆面积(平方米)": round(amounts[4]),
                          "教学仪器设备值(万元)": round(amounts[5] / 10000, 1), "网络多媒体教室数": math.ceil(amounts[6])}
            rooms = max(1, math.ceil(classes / 12)) - (1 if school.name in ("新惠第三小学", "长胜初级中学") and t < 2 else 0)
            music, art = room_areas(school.school_id, school.name, year)
            smallest = {"最小一间音乐专用教室面积(平方米)": music, "最小一间美术专用教室面积(平方米)": art}
            if len(school.students) > 1:
                for k, v in facilities.items():
                    shared[k] = shared.get(k, 0) + v
                shared["音乐专用教室数"] = shared.get("音乐专用教室数", 0) + rooms
                shared["美术专用教室数"] = shared.get("美术专用教室数", 0) + rooms
                shared.update(smallest)
            else:
                row.update(facilities)
                row.update({"音乐专用教室数": rooms, "美术专用教室数": rooms, **smallest})
            if stage == "初中":
                juniors.append(row)
            stage_rows.append(row)
        rows += stage_rows
        if shared:
            rows.append({s.ID: school.school_id, s.NAME: school.name, s.STAGE: s.SHARED_STAGE,
                         **{k: round(v, 1) if "万元" in k else v for k, v in shared.items()}})
    graduates, cohort = JH_TOTALS[year]
    weights = [row["在校生数"] for row in juniors]
    for row, g, c in zip(juniors, _split(graduates, weights), _split(cohort, weights)):
        row["初中毕业班学生数"], row["该届初一入学人数"] = g, c
    return register, rows


def _children(year: int) -> tuple[list[Kindergarten], dict[str, str], dict[str, int]]:
    """The year's kindergartens, their owners, and their children (adding up to the county's totals)."""
    kgs = [kg for kg in _kindergartens() if year in kg.years]
    owners = {kg.school_id: kg.owners.get(year, kg.owner) for kg in kgs}
    total, public, inclusive = KG_TOTALS[year]
    children = {}
    for owner, amount in (("公办", public), ("普惠性民办", inclusive - public), ("非普惠民办", total - inclusive)):
        group = [kg for kg in kgs if owners[kg.school_id] == owner]
        children.update(zip((kg.school_id for kg in group), _split(amount, [kg.weight for kg in group])))
    return kgs, owners, children


def kindergarten_rows(year: int) -> list[dict]:
    kgs, owners, children = _children(year)
    first = {kg.school_id: _children(kg.years[0])[2][kg.school_id] for kg in kgs}
    rows = []
    t = year - YEARS[0]
    for kg in kgs:
        n = children[kg.school_id]
        classes = max(1, math.ceil(n / 28))
        teachers = max(1, math.ceil(n / max(11.0, kg.per_teacher - 1.0 * t)))
        certified = min(1.0, kg.certified + 0.03 * t)
        rows.append({
            s.KG_ID: kg.school_id, s.KG_NAME: kg.name, s.TOWNSHIP: kg.township, s.AREA: kg.area,
            s.KG_OWNER: owners[kg.school_id],
            s.CHANGE: "新设" if year == kg.years[0] and year > YEARS[0] else (
                "改制" if owners[kg.school_id] != kg.owner and year == min(kg.owners) else None),
            "在园幼儿数": n, "班数": classes, "超过规定班额的班数": round(classes * max(0.0, kg.oversize - 0.06 * t)),
            "专任教师数": teachers, "持证专任教师数": min(teachers, round(teachers * certified)),
            "教职工数": math.ceil(teachers * 1.7),
            **kindergarten_facilities(kg.school_id, kg.name, kg.area, owners[kg.school_id], first[kg.school_id],
                                      certified),
        })
    return rows


def county_values(year: int) -> dict[str, object]:
    values = {code: by_year[year] for code, by_year in COUNTY.items() if year in by_year}
    return {"POP_3_5": POP_3_5[year], **values}


def received_at(year: int) -> datetime:
    """School statistics of a year arrive the next spring (the baseline year's after the plan was issued)."""
    return datetime(2023, 5, 25, 9, 30) if year == config.BASELINE_YEAR else datetime(year + 1, 3, 20, 10, 0)


def demo_school_books(con) -> list[tuple[str, int, datetime, str, bytes]]:
    """(unit, year, received_at, file name, bytes) of every demo school workbook."""
    books = []
    for year in YEARS:
        register, schools = school_rows(year)
        data = fill_school_book(make_school_template(con, year), register, schools, kindergarten_rows(year),
                                county_values(year))
        books.append((s.SCHOOL_UNIT, year, received_at(year), file_name(year), data))
    return books


def _is_school_demo(event: dict) -> bool:
    return bool(event.get("is_demo")) and event.get("file_name") in {file_name(year) for year in YEARS}


def add_to_archive(raw_dir: Path) -> int:
    """Replace the demo school workbooks in the archive, leaving the units' demo workbooks byte for byte.

    The log keeps the demo workbooks first, in the order received, then the real ones in their order.
    `python -m pipelines.operations.demo` regenerates everything, these included.
    """
    with writer_lock(None, raw_dir, purpose="重新生成学校与幼儿园示例数据"):
        return _add_to_archive(raw_dir)


def _add_to_archive(raw_dir: Path) -> int:
    events = read_log(raw_dir)
    refused = demo_state.regeneration_refused(events)
    if refused:
        raise SystemExit(f"未重新生成：{refused}")
    old = {e["sha256"] for e in events if _is_school_demo(e)}
    for event in events:
        if _is_school_demo(event):
            (submissions_dir(raw_dir) / event["path"]).unlink(missing_ok=True)
    _write_log(raw_dir, [e for e in events if e.get("sha256") not in old and e.get("workbook_sha256") not in old])
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.duckdb"
        build(raw_dir, db, include_demo=False)
        with connect(db, read_only=True) as con:
            books = demo_school_books(con)
    for unit, year, when, name, data in books:
        entry = archive(raw_dir, data, name, unit, year, when, is_demo=True, account=config.DEMO_LABEL)
        log_review(raw_dir, entry.sha256, "approved", config.DEMO_LABEL, None, when + config.DEMO_APPROVAL_DELAY)
    events = read_log(raw_dir)
    demo_shas = {e["sha256"] for e in events if e.get("event") == "accepted" and e.get("is_demo")}
    is_demo = [bool(e.get("is_demo")) or e.get("sha256") in demo_shas for e in events]  # a demo approval too
    demo = sorted((e for e, d in zip(events, is_demo) if d), key=lambda e: e.get("received_at") or e.get("at") or "")
    _write_log(raw_dir, demo + [e for e, d in zip(events, is_demo) if not d])
    return len(books)


def _write_log(raw_dir: Path, events: list[dict]) -> None:
    """The log rewritten (its demo part only ever changes: the real events keep their order)."""
    log_path(raw_dir).write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events), encoding="utf-8")


def main() -> None:
    raw = raw_folder_argument("python -m pipelines.operations.school_demo", "重新生成学校与幼儿园的示例数据工作簿（示例数据）",
                              config.raw_dir())
    n = add_to_archive(raw)
    print(f"已生成并归档学校与幼儿园示例数据工作簿 {n} 个（{submissions_dir(raw) / config.DEMO_DIR}）")


if __name__ == "__main__":
    main()
