"""领导版 as the opening of the Word 监测报告: the acceptance risk, every lagging target by lead unit (a table, then
the units' 整改说明), and the matters that need a decision — the same LeaderBrief as the page and the decks."""

import pandas as pd

from pipelines.core import palette

from . import leader
from .gongwen import WUHAO


def leader_table(brief: leader.LeaderBrief) -> pd.DataFrame:
    rows = [{"牵头单位": u.unit, "目标": i.name, "最新→目标": f"{i.value}→{i.goal}", "差距": i.gap, "期限": i.due,
             "状态": palette.tag(i.status, i.status_label)} for u in brief.units for i in u.items]
    return pd.DataFrame(rows, columns=["牵头单位", "目标", "最新→目标", "差距", "期限", "状态"])


def leader_section(report, b) -> None:
    """After the title: what a leader reads first (report: a reports.word_report.Report; b: the Briefing)."""
    brief = leader.from_briefing(b)  # the report is written inside queries.reading(con)
    report.heading1("领导版：需要关注的目标与验收风险")
    report.para(leader.counts_sentence(brief))
    if brief.acceptances:
        report.heading2("验收风险")
        for a in brief.acceptances:
            report.para(leader.acceptance_sentence(a))
    report.heading2(f"需要关注的目标（按牵头单位，{brief.lagging}项）")
    if not brief.units:
        report.para("没有滞后或未达成的目标。")
    else:
        # 五号: a line a target, as on the printed page (小四 breaks most rows in two)
        report.table(leader_table(brief), [1.9, 3.7, 2.9, 2.0, 1.6, 1.9], f"需要关注的目标（评估年度{brief.as_of}年）",
                     size=WUHAO)
        fixes = [(u.unit, i) for u in brief.units for i in u.items if i.rectification]
        if fixes:
            report.para("牵头单位的整改说明：", bold=True).paragraph_format.keep_with_next = True
            for n, (unit, item) in enumerate(fixes, start=1):
                report.para(f"{item.rectification}。", lead=f"{n}. {unit}（{item.name}）：")
    if brief.decisions:
        report.heading2("需要研究决定的事项")
        for n, d in enumerate(brief.decisions, start=1):
            report.para(f"{d.facts}请研究：{d.ask}", lead=f"{n}. {d.topic}：")
