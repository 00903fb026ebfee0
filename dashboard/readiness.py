"""Acceptance readiness for the pages and the exports: queries of plain values, figures built once per data.

Read through dashboard.queries.query (the app's cached reader, or a connection of one's own in the
exports and the command line).
"""

import pandas as pd
import plotly.graph_objects as go

from pipelines import formats
from pipelines.describe import SYMBOLS, number, present
from pipelines.schools import settings as s

from . import readiness_charts
from .queries import query


def available() -> bool:
    """The warehouse has the school tables (a warehouse built before them needs a rebuild)."""
    return bool(query("select count(*) as n from information_schema.tables where table_name = 'readiness'")["n"].iloc[0])


def has_data(show_demo: bool) -> bool:
    return bool(query("select count(*) as n from school_books(?)", [show_demo])["n"].iloc[0])


def data_year(as_of: int, show_demo: bool) -> int | None:
    """The latest year up to the as-of year with a school workbook."""
    year = query("select max(year) as y from school_books(?) where year <= ?", [show_demo, as_of])["y"].iloc[0]
    return int(year) if present(year) else None


def years_left(acceptance_year: int, as_of: int) -> str:
    """The time to the acceptance as of the evaluation year, in the words of 总览's tiles."""
    left = acceptance_year - as_of
    return f"还有{left}年" if left > 0 else ("验收年度" if left == 0 else f"已过验收年份{-left}年")


def standard(comparator: str, threshold: float, unit: str | None) -> str:
    """A criterion's requirement as a reader writes it: ≥85%, ≤0.50, 是."""
    unit = unit if present(unit) else ""
    if unit == "是/否":
        return "是"
    return f"{SYMBOLS.get(comparator, '')}{threshold:.2f}" if not unit and threshold < 1 else \
        f"{SYMBOLS.get(comparator, '')}{threshold:g}{unit}"


def figure_text(value) -> str:
    """A derived value with the digits that tell it from its threshold: 0.86, 4.27, 9.5, 2,358."""
    if not present(value):
        return "—"
    magnitude = abs(value)
    return f"{value:,.2f}" if magnitude < 10 else (f"{value:,.1f}" if magnitude < 1000 else f"{value:,.0f}")


def shown(value, unit: str | None, threshold=None, comparator: str | None = None) -> str:
    """A criterion's value with its unit (是/否 as words, a 差异系数 with two decimals), with the digits that decide
    where it is near its threshold (a 差异系数 of 0.5022 against ≤0.50 is 0.502)."""
    unit = unit if present(unit) else ""
    if not present(value):
        return "—"
    if unit == "是/否":
        return "是" if value >= 1 else "否"
    limits = (threshold,) if present(threshold) else ()
    if not unit:
        return formats.coefficient(value, limits, comparator)
    return formats.quantity(value, unit, limits, comparator)


def rule_words() -> dict[str, str]:
    """The school rule in words, from criteria.csv (its numbers are data): 6, 85%, 50人."""
    rules = query("select stage, measure, threshold from criteria where scope = 'rule'")
    value = {(r.measure, r.stage): r.threshold for r in rules.itertuples()}
    min_met = {value.get(("min_met", stage)) for stage in s.JUDGED_STAGES}
    met = f"{min_met.pop():g}" if len(min_met) == 1 else "、".join(f"{value.get(('min_met', st), 0):g}" for st in s.JUDGED_STAGES)
    floor = f"{value.get(('floor', '全旗'), 85):g}%"
    return {"min_met": met, "floor": floor, "min_students": f"{value.get(('min_students', '全旗'), 50):g}人",
            "rule": f"至少{met}项指标达到要求、其余不低于要求的{floor}"}


def level_labels() -> dict[str, str]:
    """A school indicator's levels in words (达标, 未达标，不低于85%, 低于85% …)."""
    floor = rule_words()["floor"]
    return {level: label.format(floor=floor) for level, label in s.LEVEL_LABELS.items()}


def readiness(as_of: int, show_demo: bool) -> pd.DataFrame:
    frame = query("select * from readiness where as_of_year = ? and include_demo = ? order by sort_order",
                  [as_of, show_demo])
    frame["standard"] = [standard(r.comparator, r.threshold, r.unit) for r in frame.itertuples()]
    frame["shown"] = [shown(r.value, r.unit, r.threshold, r.comparator) for r in frame.itertuples()]
    return frame


def summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Scheme × group: how many criteria are met, on track, behind, unknown; and the acceptance year."""
    rows = []
    for scheme in s.SCHEMES:
        part = frame[frame["scheme"] == scheme]
        counts = part["status_group"].value_counts()
        rows.append({"scheme": scheme, "title": s.SCHEME_TITLES[scheme],
                     "acceptance_year": int(part["acceptance_year"].iloc[0]) if len(part) else s.SCHEME_YEARS[scheme],
                     "total": len(part), **{g: int(counts.get(g, 0)) for g in s.READINESS_GROUPS}})
    return pd.DataFrame(rows).sort_values("acceptance_year").reset_index(drop=True)


def dispersion(as_of: int, show_demo: bool) -> pd.DataFrame:
    frame = query(
        "select d.*, c.measure from criterion_dispersion_values(?) d join criteria c using (criterion_id) "
        "where d.year <= ? order by d.stage, c.sort_order, d.year", [show_demo, as_of])
    frame["short"] = frame["measure"].map(s.SHORT_NAMES)
    return frame


def compliance(year: int, show_demo: bool) -> pd.DataFrame:
    return query("select * from school_compliance_values(?) where year = ? order by township, name, stage",
                 [show_demo, year])


def indicators(year: int, show_demo: bool) -> pd.DataFrame:
    frame = query(
        "select i.*, c.measure from stored_school_indicators(?) i join criteria c using (criterion_id) "
        "where i.year = ? order by i.township, i.name, i.stage, c.sort_order", [show_demo, year])
    frame["short"] = frame["measure"].map(s.SHORT_NAMES)
    return frame


def matrix(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """School × indicator: the values as text, and their levels (met / near / below / no data / out of scope)."""
    if frame.empty:
        return pd.DataFrame(), pd.DataFrame()
    frame = frame.assign(school=frame["name"] + "（" + frame["stage"] + "）")
    order = list(dict.fromkeys(frame["short"]))
    schools = list(dict.fromkeys(frame["school"]))
    # each figure with its level's mark (✓ ▲ × —): greyscale print and colour-blind readers lose nothing
    text = frame.assign(text=[f"{s.LEVEL_MARKS.get(level, '')} {figure_text(v)}".strip()
                              for v, level in zip(frame["value"], frame["level"])])
    values = text.pivot(index="school", columns="short", values="text").reindex(index=schools, columns=order)
    levels = frame.pivot(index="school", columns="short", values="level").reindex(index=schools, columns=order)
    info = frame.drop_duplicates("school").set_index("school")[["township", "stage", "students"]]
    values.insert(0, "在校生", info["students"].reindex(schools).map(lambda v: number(v)))
    values.insert(0, "苏木乡镇", info["township"].reindex(schools))
    values.index.name = levels.index.name = "学校（学段）"
    return values, levels


def register_changes(year: int, show_demo: bool) -> pd.DataFrame:
    """What changed in the register since the year before: opened, merged in, renamed, no longer listed."""
    return query(
        """
        with this as (select * from school_register_current(?) where year = ?),
        before as (select * from school_register_current(?)
                   where year = (select max(year) from school_books(?) where year < ?))
        select t.kind, t.name, t.township, coalesce(t.change, '新设') as change,
            (select string_agg(b.name, '、') from before b where list_contains(t.merged_from, b.school_id)) as merged_from
        from this t
        where t.change is not null or (exists(select 1 from before) and t.school_id not in (select school_id from before))
        union all
        select b.kind, b.name, b.township, '不再列出' as change, null
        from before b
        where b.school_id not in (select school_id from this)
        order by kind desc, change, name
        """,
        [show_demo, year, show_demo, show_demo, year],
    )


def kindergartens(year: int, show_demo: bool) -> pd.DataFrame:
    """Each kindergarten of the year with what the county-wide criteria are made of (园舍: premises_status pass,
    fail or no_data, and design_group new or old, from kindergarten_premise_values)."""
    return query(
        """
        select r.school_id, r.name, r.township, r.area_type, r.ownership, k.children, k.classes,
            k.oversize_classes, k.teachers, k.certified_teachers, k.staff, k.is_centre, k.heads, k.certified_heads,
            k.design_year, k.outdoor_area, k.activity_area, k.building_area,
            k.children / nullif(k.teachers, 0) as children_per_teacher,
            100.0 * k.certified_teachers / nullif(k.teachers, 0) as certified_share,
            p.outdoor_per_child, p.activity_per_child, p.building_per_child, p.design_group, p.premises_status,
            r.is_demo
        from kindergarten_counts k
        join school_books(?) b using (submission_id)
        join school_register_current(?) r on r.school_id = k.school_id and r.year = k.year and r.kind = 'kindergarten'
        left join kindergarten_premise_values(?) p on p.school_id = k.school_id and p.year = k.year
        where k.year = ?
        order by r.township, r.name
        """,
        [show_demo, show_demo, show_demo, year],
    )


def kindergarten_concerns(k: pd.DataFrame) -> list[str]:
    """Per kindergarten (kindergartens()), what the criteria find wanting, in words ('' when nothing)."""
    concerns = []
    for r in k.itertuples():
        said = [
            "班额超标" if present(r.oversize_classes) and r.oversize_classes > 0 else "",
            "每名专任教师对应幼儿超过15人" if present(r.children_per_teacher) and r.children_per_teacher > 15 else "",
            "有未持证专任教师" if present(r.certified_share) and r.certified_share < 100 else "",
            "园长未持证" if present(r.heads) and present(r.certified_heads) and r.certified_heads < r.heads else "",
            "园舍生均面积未达标" if r.premises_status == "fail" else "",
        ]
        concerns.append("；".join(x for x in said if x))
    return concerns


def premises_text(r) -> str:
    """A kindergarten's premises in a few words: 2019年 · 4.5/8.6/11.0㎡ (规划设计年份, 生均室外/活动用房/建筑面积)."""
    if not any(present(v) for v in (r.design_year, r.outdoor_per_child, r.activity_per_child, r.building_per_child)):
        return "—"
    year = f"{int(r.design_year)}年" if present(r.design_year) else "年份未填"
    areas = "/".join(f"{v:.1f}" if present(v) else "—" for v in (r.outdoor_per_child, r.activity_per_child,
                                                                   r.building_per_child))
    return f"{year} · {areas}㎡"


def townships_without_centre(year: int, show_demo: bool) -> list[str]:
    """The 乡镇苏木 (PH_04) without a 公办中心园 in the year (none listed when no kindergarten says 是否乡镇中心园)."""
    frame = query(
        """
        with k as (
            select r.township, r.ownership, c.is_centre
            from kindergarten_counts c
            join school_books(?) b using (submission_id)
            join school_register_current(?) r on r.school_id = c.school_id and r.year = c.year and r.kind = 'kindergarten'
            where c.year = ?
        )
        select t.township
        from townships t
        where t.centre_required and exists (select 1 from k where k.is_centre is not null)
            and t.township not in (select township from k where ownership = '公办' and is_centre)
        order by t.rowid
        """,
        [show_demo, show_demo, year],
    )
    return list(frame["township"])


def small_rooms(year: int, show_demo: bool) -> pd.DataFrame:
    """Schools whose smallest music or art room is under its area (YZ_G01A, YZ_G01B), with the areas."""
    return query(
        """
        with rooms as (
            select r.school_id, any_value(r.name) as name, any_value(r.township) as township,
                min(c.music_room_area) as music, min(c.art_room_area) as art
            from school_counts c
            join school_books(?) b using (submission_id)
            join school_register_current(?) r on r.school_id = c.school_id and r.year = c.year and r.kind = 'school'
            where c.year = ?
            group by r.school_id
        ),
        limits as (
            select max(threshold) filter (where measure = 'min_music_room_area') as music_min,
                max(threshold) filter (where measure = 'min_art_room_area') as art_min
            from criteria
        )
        select rooms.*, limits.*
        from rooms, limits
        where music < music_min - 1e-9 or art < art_min - 1e-9
        order by township, name
        """,
        [show_demo, show_demo, year],
    )


def county_series(show_demo: bool, as_of: int, criteria: tuple[str, ...]) -> pd.DataFrame:
    frame = query("select criterion_id, name, year, value from county_criterion_values(?) where year <= ? "
                  "order by criterion_id, year", [show_demo, as_of])
    return frame[frame["criterion_id"].isin(criteria)]


def plan_targets() -> dict[str, tuple[float, int]]:
    """The plan's own targets for the criteria that have one (criterion -> (value, year))."""
    frame = query("select indicator_code, target_value, target_year from targets where kind = 'level'")
    by_code = {r.indicator_code: (float(r.target_value), int(r.target_year)) for r in frame.itertuples()
               if present(r.target_value) and present(r.target_year)}
    linked = query("select criterion_id, indicator_code from criteria where indicator_code is not null")
    return {r.criterion_id: by_code[r.indicator_code] for r in linked.itertuples() if r.indicator_code in by_code}


def cross_checks(show_demo: bool) -> pd.DataFrame:
    return query("select * from plan_cross_check_values(?) order by indicator_code, year", [show_demo])


def criteria_sources() -> pd.DataFrame:
    return query("select scheme, part, criterion_id, name, stage, comparator, threshold, unit, source, source_url, "
                 "caveat from criteria order by sort_order")


# Figures (the callers cache them; see pages/readiness.py and dashboard/readiness_exports.py).


def dispersion_figure(as_of: int, show_demo: bool) -> go.Figure | None:
    frame = dispersion(as_of, show_demo)
    if frame.empty:
        return None
    year = int(query("select max(acceptance_year) as y from criteria where scheme = '优质均衡'")["y"].iloc[0])
    return readiness_charts.dispersion_chart(frame, as_of, show_demo and bool(frame["is_demo"].any()), year)


def readiness_figure(scheme: str, as_of: int, show_demo: bool) -> go.Figure | None:
    frame = readiness(as_of, show_demo)
    part = frame[frame["scheme"] == scheme]
    if part.empty:
        return None
    year = int(part["acceptance_year"].iloc[0])
    title = f"{s.SCHEME_TITLES[scheme]}：{year}年验收，{years_left(year, as_of)}"
    return readiness_charts.readiness_chart(part, title, as_of, show_demo and bool(part["is_demo"].fillna(False).any()))


SHARES = ("PH_01", "PH_02", "PH_03")


def shares_figure(as_of: int, show_demo: bool) -> go.Figure | None:
    series = county_series(show_demo, as_of, SHARES)
    if series.empty:
        return None
    criteria = query("select criterion_id, name, threshold, acceptance_year from criteria where criterion_id in "
                     "(select unnest(?::varchar[]))", [list(SHARES)])
    short = {"PH_01": "学前三年毛入园率", "PH_02": "普惠性幼儿园覆盖率", "PH_03": "公办园在园幼儿占比"}
    series = series.assign(name=series["criterion_id"].map(short))
    floors = {short[r.criterion_id]: float(r.threshold) for r in criteria.itertuples()}
    plan = {short[c]: v for c, v in plan_targets().items() if c in short}
    year = int(criteria["acceptance_year"].max())
    return readiness_charts.shares_chart(series, floors, plan, as_of, show_demo and has_demo(show_demo), year)


def has_demo(show_demo: bool) -> bool:
    return show_demo and bool(query("select count(*) as n from school_books(?) where is_demo", [show_demo])["n"].iloc[0])


def failing(year: int, show_demo: bool) -> pd.DataFrame:
    frame = compliance(year, show_demo)
    return frame[frame["rule_status"] == "fail"]


SCHEME_OF_MILESTONE = {code: scheme for scheme, code in s.SCHEME_MILESTONES.items()}


def milestone_tasks() -> dict[str, int]:
    """Scheme -> the number of the plan's task whose milestone its acceptance is (6 and 10)."""
    frame = query("select indicator_code, min(task_no) as task_no from targets where kind = 'milestone' group by 1")
    return {SCHEME_OF_MILESTONE[r.indicator_code]: int(r.task_no) for r in frame.itertuples()
            if r.indicator_code in SCHEME_OF_MILESTONE}


def scheme_of_indicator(indicator_code: str) -> str | None:
    """The scheme whose acceptance an indicator of the plan is (CM_BALANCE_ACCEPT, KG_UNIVERSAL_ACCEPT)."""
    return SCHEME_OF_MILESTONE.get(indicator_code)

