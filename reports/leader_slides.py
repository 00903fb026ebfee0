"""领导版 on slides: slide 2 of the full deck and of the leaders' short deck, and the short deck's slide of the
matters that need a decision (reports.leader's LeaderBrief in lines of at least 14 pt).

The 领导版 is set in two columns, one line a target (名称：最新→目标，差距), under a heading per lead unit and status,
so that what an A4 page shows in a table reads on a projected slide; what does not fit goes on to a next slide.
"""

from itertools import groupby

from pipelines.core import config, palette

from .leader import TITLE, Acceptance, Decision, Lagging, LeaderBrief, UnitLagging, counts_sentence
from .placement import Box
from .slides import ACCENT, CONTENT, INK, MUTED, RED, Line, Slide, Text, fitted_pages, numbered

BASE = 16.0  # pt at scale 1; the scales never take it under 14
SCALES = (0.875, 1.0, 1.125)
COLUMN_GAP = 18.0
COLUMN = Box(CONTENT.left, CONTENT.top, (CONTENT.width - COLUMN_GAP) / 2, CONTENT.height)


def item_text(item: Lagging, as_of: int) -> str:
    """累计1所→≥2所，差1所（整改计划2026年9月）; the year it was due where it is not the as-of year (a standing rule's
    每年 is said by its status, 当年未达标)."""
    due = "" if item.due == f"{as_of}年" or "每" in item.due else f"，{item.due}到期"
    planned = f"（整改计划{item.planned}）" if item.planned else ""
    gap = "" if item.gap == "—" else f"，{item.gap}"
    return f"{item.value}→{item.goal}{gap}{due}{planned}"


def unit_lines(unit: UnitLagging, as_of: int, size: float) -> list[Line]:
    """The unit's targets by status, the worst first, under a heading that names both (a column may break between
    them): 旗教育局·逾期未达成（17项）, then one line a target."""
    lines = []
    for label, group in groupby(unit.items, key=lambda i: i.status_label):
        items = list(group)
        lines.append(Line(f"{unit.unit}·{palette.tag(items[0].status, label)}（{len(items)}项）", size, True, ACCENT, 0.15,
                          keep_with_next=True))
        lines += [Line(item_text(i, as_of), size, lead=f"{i.name}：", space_after=0.15) for i in items]
        lines[-1].space_after = 0.45
    return lines


def acceptance_lines(a: Acceptance, size: float) -> list[Line]:
    lines = [Line(f"{a.title}（{a.year}年验收，{a.left}）", size, True, ACCENT, 0.15, keep_with_next=True),
             Line(f"{a.total}项标准：已达标{a.met}项，按期可达{a.on_track}项，滞后{a.behind}项，暂无数据{a.unknown}项。", size,
                  space_after=0.15)]
    lines += [Line(f"{b.value}（要求{b.standard}），{b.status_label}", size, lead=f"滞后：{b.name}：", space_after=0.15)
              for b in a.behind_items[:3]]
    if len(a.behind_items) > 3:
        lines.append(Line(f"另有{len(a.behind_items) - 3}项滞后。", size, space_after=0.15))
    lines += [Line(f"{x}。", size, space_after=0.15) for x in (a.schools, a.needs) if x]
    lines[-1].space_after = 0.45
    return lines


def leader_lines(brief: LeaderBrief, scale: float) -> list[Line]:
    size = max(14.0, BASE * scale)
    head = dict(size=size + 1, bold=True, colour=INK, space_after=0.25, keep_with_next=True)
    demo = f"（{config.DEMO_LABEL}）" if brief.demo else ""
    lines = [Line(counts_sentence(brief) + demo, size, True, RED if brief.demo else INK, space_after=0.5)]
    if brief.acceptances:
        lines.append(Line("验收风险", **head))
        lines += [line for a in brief.acceptances for line in acceptance_lines(a, size)]
    lines.append(Line(f"需要关注的目标（按牵头单位）：{brief.lagging}项", **head))
    lines += [line for u in brief.units for line in unit_lines(u, brief.as_of, size)] or [
        Line("没有滞后或未达成的目标。", size)]
    return lines


def leader_slides(brief: LeaderBrief, max_slides: int | None = None) -> list[Slide]:
    """The 领导版 in two columns a slide, as large as the fewest slides allow; at most max_slides, the rest said to be
    on the page and in the full deck."""
    columns = fitted_pages(lambda scale: leader_lines(brief, scale), COLUMN.width, COLUMN.height, SCALES)
    pages = [columns[i:i + 2] for i in range(0, len(columns), 2)]
    if max_slides is not None and len(pages) > max_slides:
        pages = pages[:max_slides]
        last = pages[-1][-1]
        pages[-1][-1] = [*last[:-1], Line("……其余目标见平台“领导版”页和完整汇报幻灯片。", last[-1].size, colour=MUTED)]
    right = Box(COLUMN.left + COLUMN.width + COLUMN_GAP, COLUMN.top, COLUMN.width, COLUMN.height)
    return [Slide(title, [Text(box, lines) for box, lines in zip((COLUMN, right), page)])
            for title, page in numbered(f"{TITLE}（{brief.as_of}年）", pages)]


def decision_lines(decisions: list[Decision], scale: float) -> list[Line]:
    size = max(14.0, BASE * scale)
    lines = []
    for n, d in enumerate(decisions, start=1):
        lines += [Line(d.facts, size, lead=f"{n}. {d.topic}：", space_after=0.1),
                  Line(f"请研究：{d.ask}", size, colour=ACCENT, space_after=0.5)]
    return lines or [Line("没有需要研究决定的事项。", size, colour=MUTED)]


def decision_slides(brief: LeaderBrief) -> list[Slide]:
    pages = fitted_pages(lambda scale: decision_lines(brief.decisions, scale), CONTENT.width, CONTENT.height, SCALES)
    return [Slide(title, [Text(CONTENT, page)]) for title, page in numbered("需要研究决定的事项", pages)]
