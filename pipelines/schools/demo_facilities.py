"""Demo data (示例数据) for what the school workbook asks since issue 19: each school's smallest music and art
rooms, and each kindergarten's 中心园, 园长 and premises (design year, 室外游戏场地, 幼儿活动用房, 园舍建筑面积).

Invented, and spread so that the new criteria have something to say: two old village schools have small
rooms and 长胜初级中学's are small until its 综合楼 (task 89) opens in 2025; 黄羊洼镇 has no 公办中心园; the
crowded 城区 kindergartens built before 2017 lack play ground per child (and gain it as enrolment falls), one new
private kindergarten is short of it; some private kindergartens' 园长 are not yet certified.
"""

import random
from dataclasses import dataclass

# criteria.csv's thresholds when the demo was made: the demo is spread around them.
ROOM_AREAS = (96, 90)  # 音乐, 美术 (YZ_G01A, YZ_G01B)
PREMISES = (4.0, 8.17, 10.44)  # 室外游戏场地, 幼儿活动用房, 园舍建筑面积 per child (PH_P1–PH_P3)

SMALL_ROOMS = {"热水汤小学": (72, 64), "八家小学": (98, 80)}  # 音乐, 美术 ㎡, as built
RENOVATED = {"长胜初级中学": ((88, 84), 2025)}  # its rooms before the new building, and the year it opens
NEW = {"新惠第八幼儿园": 2021, "新惠第九幼儿园": 2022, "木头营子乡中心幼儿园": 2021, "新惠博雅幼儿园": 2018}
SHORT = {"新惠博雅幼儿园": (0.7, 1.1, 1.05)}  # a new kindergarten short of play ground
UPGRADED = ("四家子中心幼儿园", "长胜中心幼儿园", "下洼中心幼儿园")  # 薄弱乡镇中心园提升项目 (task 10): rebuilt
SEAT_CENTRE = "新惠第一幼儿园"  # 新惠镇's 中心园


def room_areas(school_id: str, name: str, year: int) -> tuple[int, int]:
    """The school's smallest music and art rooms (㎡)."""
    if name in SMALL_ROOMS:
        return SMALL_ROOMS[name]
    if name in RENOVATED and year < RENOVATED[name][1]:
        return RENOVATED[name][0]
    rng = random.Random(school_id)
    return round(rng.uniform(ROOM_AREAS[0], 132)), round(rng.uniform(ROOM_AREAS[1], 126))


@dataclass
class Premises:
    design_year: int
    factors: tuple[float, float, float]  # × the per-child thresholds, at the children of the kindergarten's first year


def premises(school_id: str, name: str, area: str, owner: str) -> Premises:
    rng = random.Random(school_id)

    def spread(low: float, high: float) -> tuple[float, float, float]:
        return (rng.uniform(low, high), rng.uniform(low, high), rng.uniform(low, high))

    if name in NEW:
        return Premises(NEW[name], SHORT.get(name) or spread(1.15, 1.4))
    if name in UPGRADED:
        return Premises(rng.choice((2018, 2019)), spread(1.1, 1.35))
    if area == "城区" and owner == "公办":  # crowded: play ground short, rooms about enough
        return Premises(rng.randint(1996, 2015), (rng.uniform(0.7, 0.95), rng.uniform(0.88, 1.05), rng.uniform(0.9, 1.1)))
    if area == "城区":
        return Premises(rng.randint(2008, 2016), spread(0.8, 1.15))
    return Premises(rng.randint(2005, 2016), spread(0.85, 1.5))


def kindergarten_facilities(school_id: str, name: str, area: str, owner: str, first_children: int,
                            certified: float) -> dict:
    """The issue 19 columns of a kindergarten's row (by header word), for a year whose owner and share of
    certified teachers (certified) are given."""
    p = premises(school_id, name, area, owner)
    outdoor, activity, building = (round(f * t * first_children) for f, t in zip(p.factors, PREMISES))
    centre = owner == "公办" and (name.endswith("中心幼儿园") or name == SEAT_CENTRE or "敖润苏莫" in name)
    return {"是否乡镇中心园": "是" if centre else "否", "园长数": 1,
            "持证园长数": 1 if owner == "公办" or certified >= 0.85 else 0,
            "园舍规划设计年份": p.design_year, "室外游戏场地面积(平方米)": outdoor,
            "幼儿活动用房建筑面积(平方米)": activity, "园舍建筑面积(平方米)": max(building, activity)}
