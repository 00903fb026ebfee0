"""领导版: what a leader acts on, on one page — every lagging target by lead unit (value → target, gap, the year
it is due, the unit's 整改说明) and the acceptance risk (2028 普及普惠, 2030 优质均衡: criteria behind, schools that
fail the rule and what they must add); and the matters that need a decision.

Data in words, no Streamlit and no layout: the page (reports.leader_html), the decks (reports.leader_slides)
and the Word report draw the same LeaderBrief. Queries go through reports.queries (the app's cached reader,
or an export's own connection). No target codes: officials read this.
"""

import re
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from pipelines.core import config, formats, palette
from pipelines.core import school_settings as s
from pipelines.core.describe import SYMBOLS, describe_goal, describe_year, present
from pipelines.core.plain import one_line

from . import queries, readiness

# Words of a value: each through pipelines.core.formats (one string per value in every view, issue 21), the little that
# is the 领导版's own (累计 said once, 差 before a gap) here.


def name_words(row) -> str:
    return str(row.indicator_name).replace("（当年新增）", "")


def reported(row) -> bool:
    return present(row.latest_value) or present(getattr(row, "latest_text", None))


def value_words(row) -> str:
    """The latest value as every view writes it, or 尚未报告 (a structure's deviation is its gap, said there)."""
    return formats.latest(row).split("（")[0] if reported(row) else "尚未报告"


def goal_words(row) -> str:
    """The target; 累计 said once, by the value before it (累计1所 → ≥2所)."""
    goal = describe_goal(row)
    return goal.removeprefix("累计") if row.kind == "count_cumulative" and reported(row) else goal


def gap_words(row) -> str:
    """How far from the target, as a leader reads it: 差1所, 差0.8个百分点, 最大偏差0.34（允许0.2）, 未通过,
    2024年未比上年增加; — where there is no distance to say."""
    if not reported(row):
        return formats.gap(row) or formats.NONE  # an acceptance nobody reported: 未通过
    if row.kind == "trend":
        return str(row.detail) if present(row.detail) and row.detail else "未达到"
    gap = formats.gap(row)
    if not gap:
        return "未达到"
    return gap if row.kind in config.EVENT_KINDS or gap.startswith("最大偏差") else f"差{gap}"


def due_words(row) -> str:
    return describe_year(row)


def near_limit_words(value: float, limit: float) -> str:
    """A 差异系数 beside its limit, with the digits that decide (0.502 against 0.50, not 0.50)."""
    return formats.coefficient(value, (limit,), "<=")


COMPARATOR_WORDS = {">=": "不低于", "<=": "不超过", "<": "低于", ">": "高于", "=": "等于"}


def standard_words(comparator: str, threshold: float, unit: str | None) -> str:
    """A national criterion's requirement in words, its figure as 验收准备 writes it: 不低于85%, 不超过0.50, 达到要求."""
    written = readiness.standard(comparator, threshold, unit)
    if written == "是":
        return "达到要求"
    symbol = SYMBOLS.get(comparator, "")
    return f"{COMPARATOR_WORDS.get(comparator, '')}{written.removeprefix(symbol)}"


def amount_words(amount: float, unit: str) -> str:
    """A quantity to add: whole people, rooms and ㎡ (rounded up, as each school's own sentence), 万元 to one decimal."""
    return formats.money(amount, unit) if unit in formats.MONEY_UNITS else formats.count(amount, unit)


# The brief as data.


@dataclass(frozen=True)
class Lagging:
    """A target behind or missed."""

    name: str
    status: str
    status_label: str
    value: str
    goal: str
    gap: str
    due: str
    rectification: str | None  # 原因…；措施…；计划… (the lead unit's latest 整改说明), None if it gave none
    planned: str | None = None  # its 计划完成时间 alone (2026年9月)


@dataclass(frozen=True)
class UnitLagging:
    unit: str
    items: list[Lagging]


@dataclass(frozen=True)
class Behind:
    """A criterion of an acceptance that is behind."""

    name: str
    stage: str
    value: str
    standard: str
    status_label: str


@dataclass(frozen=True)
class Acceptance:
    scheme: str
    title: str
    year: int
    left: str  # 还有3年 / 验收年度 / 已过验收年份1年
    total: int
    met: int
    on_track: int
    behind: int
    unknown: int
    behind_items: list[Behind]
    schools: str  # 未达到逐校要求的学校16所（小学12所、初中4所）; '' without school data
    needs: str  # 合计需增加…; 没有公办中心园的乡镇苏木：…; ''


@dataclass(frozen=True)
class Decision:
    """A matter for the leaders: what it is, and the question it asks."""

    topic: str
    facts: str
    ask: str


@dataclass(frozen=True)
class LeaderBrief:
    as_of: int
    today: date
    demo: bool
    total: int
    groups: list[tuple[str, int]]  # 达成, 按期可达, 滞后, 未达成, 尚无结论
    overdue: int
    units: list[UnitLagging]
    acceptances: list[Acceptance] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)

    @property
    def lagging(self) -> int:
        return sum(len(u.items) for u in self.units)


TITLE = "领导版：需要关注的目标与验收风险"
MISSED = ("missed", "unreachable", "fell_back")  # past their year: a 整改说明 is owed


def lagging_by_unit(statuses: pd.DataFrame) -> list[UnitLagging]:
    """Every target behind or missed, by lead unit (most first), the worst first within a unit."""
    frame = statuses[statuses["status"].isin(config.LAGGING_STATUSES)]
    order = {code: i for i, code in enumerate(config.LAGGING_STATUSES)}
    out = []
    for unit, part in frame.groupby("lead_unit", sort=False):
        part = part.assign(rank=part["status"].map(order)).sort_values(["rank", "section_no", "task_no", "target_id"],
                                                                        kind="stable")
        items = []
        for r in part.itertuples():
            said = queries.rectification_sentence(r)
            if said:
                said = one_line(said.split("：", 1)[1] if said.startswith(f"{r.rectified_by}：") else said)
            items.append(Lagging(name_words(r), r.status, r.status_label, value_words(r), goal_words(r), gap_words(r),
                                 due_words(r), said, one_line(r.rectify_planned) if said else None))
        out.append(UnitLagging(str(unit), items))
    return sorted(out, key=lambda u: -len(u.items))


def class_counts(statuses: pd.DataFrame) -> list[tuple[str, int]]:
    """How many targets in each of the palette's classes (达成, 按期可达, 滞后, 未达成, 尚无结论)."""
    counts = statuses["status"].value_counts()
    return [(group, int(sum(counts.get(c, 0) for c in codes))) for group, codes in palette.GROUPS]


def short_criterion(name: str) -> str:
    """A criterion as measured, without its rule's words: 小学逐校达标的学校占比; 全旗最小一间音乐专用教室的面积."""
    measured = re.search(r"（(全旗[^）]*)）", str(name))  # the county-wide figure that stands for the rule
    return measured.group(1) if measured else re.sub(r"（.*?）", "", str(name))


def acceptance_risk(as_of: int, include_demo: bool) -> list[Acceptance]:
    """The two acceptances, the earlier first: criteria by readiness, those behind, and the schools (kindergartens)
    to act on; none where the warehouse has no readiness tables."""
    if not readiness.available():
        return []
    table = readiness.readiness(as_of, include_demo)
    year = readiness.data_year(as_of, include_demo)
    out = []
    for r in readiness.summary(table).itertuples():
        part = table[(table["scheme"] == r.scheme) & (table["status_group"] == "behind")]
        behind = [Behind(short_criterion(x.name), x.stage, x.shown, x.standard, x.status_label) for x in part.itertuples()]
        schools, needs = ("", "") if year is None else (
            school_risk(year, include_demo) if r.scheme == "优质均衡" else kindergarten_risk(year, include_demo))
        out.append(Acceptance(r.scheme, r.title, int(r.acceptance_year), readiness.years_left(r.acceptance_year, as_of),
                              int(r.total), int(r.met), int(r.on_track), int(r.behind), int(r.unknown), behind,
                              schools, needs))
    return out


def must_add_totals(failing: pd.DataFrame) -> list[tuple[str, float, str, int]]:
    """(resource, amount, unit, schools) summed over the failing schools, the most schools first."""
    rows = [item for items in failing["must_add"] if items is not None for item in items]
    if not rows:
        return []
    frame = pd.DataFrame(list(rows))
    # Each school's own sentence rounds up all but 万元: the totals add what the schools are told.
    frame["amount"] = [a if u == "万元" else float(-(-a // 1)) for a, u in zip(frame["amount"], frame["unit"])]
    totals = frame.groupby(["resource", "unit"], sort=False).agg(amount=("amount", "sum"), schools=("amount", "size"))
    totals = totals.reset_index().sort_values("schools", ascending=False, kind="stable")
    return [(r.resource, float(r.amount), r.unit, int(r.schools)) for r in totals.itertuples()]


def school_risk(year: int, include_demo: bool) -> tuple[str, str]:
    """优质均衡: the schools that fail the rule (by stage) and what they must add between them."""
    failing = readiness.failing(year, include_demo)
    if failing.empty:
        return f"{year}年每所学校都达到了逐校要求", ""
    stages = "、".join(f"{stage}{n}所" for stage, n in failing["stage"].value_counts().reindex(s.JUDGED_STAGES).dropna()
                      .astype(int).items() if n)
    said = f"未达到逐校要求（{readiness.rule_words()['rule']}）的学校{len(failing)}所（{stages}，{year}年）"
    totals = must_add_totals(failing)
    needs = "合计需增加：" + "；".join(f"{resource}{amount_words(amount, unit)}（{n}所）" for resource, amount, unit, n in totals) \
        if totals else ""
    return said, needs


def kindergarten_risk(year: int, include_demo: bool) -> tuple[str, str]:
    """普及普惠: the kindergartens with something wanting, and the 乡镇苏木 without a 公办中心园."""
    k = readiness.kindergartens(year, include_demo)
    concerns = [c for c in readiness.kindergarten_concerns(k) if c]
    said = f"需关注的幼儿园{len(concerns)}所（共{len(k)}所，{year}年）" if len(k) else ""
    lacking = readiness.townships_without_centre(year, include_demo)
    return said, (f"没有公办中心园的乡镇苏木：{'、'.join(lacking)}" if lacking else "")


def decisions(statuses: pd.DataFrame, units: list[UnitLagging], acceptances: list[Acceptance], ledger: pd.DataFrame,
              missing: pd.DataFrame | None = None) -> list[Decision]:
    """What needs the leaders: targets the two texts state differently and nobody has ruled on; missed targets
    with no 整改说明; the acceptances' schools and criteria behind; overdue tasks; workbooks not counted."""
    out = []
    both = statuses[statuses["text_basis"].notna()] if "text_basis" in statuses else statuses.iloc[0:0]
    # Not ruled yet, and the text chosen changes the verdict.
    unruled = both[~both["ruled"].fillna(False).astype(bool) & (both["status"] != both["alt_status"])]
    if len(unruled):
        said = "；".join(f"{name_words(r)}：{texts_words(r)}" for r in unruled.itertuples())
        out.append(Decision("正文与附件目标不同，尚未裁定", said + "。", "以哪份文件为准（在“指标”页记录裁定）。"))
    silent = [(u.unit, sum(1 for i in u.items if i.rectification is None and i.status in MISSED))
              for u in units]
    silent = [(unit, n) for unit, n in silent if n]
    if silent:
        total = sum(n for _, n in silent)
        out.append(Decision("逾期未达成而没有整改说明",
                            f"{total}个目标：" + "、".join(f"{unit}{n}个" for unit, n in silent) + "。",
                            "是否要求牵头单位限期报送原因、措施和完成时间。"))
    for a in acceptances:
        if a.behind_items or a.needs:
            # The criteria behind are listed under 验收风险 just before: here what the leaders must provide.
            facts = f"{a.year}年验收（{a.left}），滞后{a.behind}项标准" + "".join(f"；{x}" for x in (a.schools, a.needs) if x)
            ask = ("补足这些学校的教师、场馆和设备，列入年度预算和建设计划的安排。" if a.scheme == "优质均衡"
                   else "园舍改造、中心园建设和经费标准的安排。")
            out.append(Decision(f"{a.title}验收", facts + "。", ask))
    overdue = ledger[ledger["overdue"]]
    if len(overdue):
        by_unit = overdue.assign(unit=overdue["lead_units"].str.split("、")).explode("unit")["unit"].value_counts()
        out.append(Decision("逾期任务", f"{len(overdue)}项已过完成时限而未报告完成：" +
                            "、".join(f"{unit}{n}项" for unit, n in by_unit.items()) + "。", "是否列入督办。"))
    if missing is not None and len(missing):
        out.append(Decision("缺报", "、".join(f"{r.unit}{r.year}年" for r in missing.itertuples()) + "的工作簿尚未计入。",
                            "催报。"))
    return out



def texts_words(row) -> str:
    """按附件（60%以上）逾期未达成、按正文（50%以上）已达成 — a target under each of the two texts."""
    under = {row.text_basis: (row.basis_words, row.status_label), row.alt_text: (row.alt_words, row.alt_status_label)}
    return "、".join(f"按{config.RULING_TEXTS[text]}（{under[text][0]}）{under[text][1]}"
                    for text in config.RULING_TEXTS if text in under)


def compose(statuses: pd.DataFrame, ledger: pd.DataFrame, as_of: int, today: date, demo: bool, include_demo: bool,
            missing: pd.DataFrame | None = None) -> LeaderBrief:
    units = lagging_by_unit(statuses)
    acceptances = acceptance_risk(as_of, include_demo)
    return LeaderBrief(as_of, today, demo, len(statuses), class_counts(statuses), int(ledger["overdue"].sum()), units,
                       acceptances, decisions(statuses, units, acceptances, ledger, missing))


def from_briefing(b) -> LeaderBrief:
    """The brief of a reports.briefing_data.Briefing (read through its connection: call inside queries.reading)."""
    return compose(b.statuses, b.ledger, b.as_of, b.today, b.demo, b.include_demo, b.missing)


# The brief in sentences (the decks and the Word report; the page lays the same out as a table).


def counts_sentence(brief: LeaderBrief) -> str:
    """98个量化目标：达成49个，按期可达6个，滞后9个，未达成20个，尚无结论14个；逾期任务8项。"""
    groups = "，".join(f"{group}{n}个" for group, n in brief.groups if n)
    return f"{brief.total}个量化目标：{groups}；逾期任务{brief.overdue}项。"


def acceptance_sentence(a: Acceptance) -> str:
    """学前教育普及普惠（2028年验收，还有3年）：15项标准，已达标8项、按期可达5项、滞后1项、暂无数据1项……"""
    counts = f"{a.total}项标准，已达标{a.met}项、按期可达{a.on_track}项、滞后{a.behind}项、暂无数据{a.unknown}项"
    behind = ("；滞后：" + "；".join(f"{b.name}{b.value}（要求{b.standard}）" for b in a.behind_items)) \
        if a.behind_items else ""
    schools = f"。{a.schools}" if a.schools else ""
    needs = f"，{a.needs}" if a.needs else ""
    return f"{a.title}（{a.year}年验收，{a.left}）：{counts}{behind}{schools}{needs}。"
