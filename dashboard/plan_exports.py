"""The path to pass in the briefing deck, the Word report and the Excel report: a paragraph ("要在2030年通过验收，
还需：…") and a chart per acceptance, and the 规划 sheet. Builders of dashboard.briefing.SLIDE_BUILDERS,
dashboard.word_report.REPORT_SECTIONS and dashboard.excel_report.SHEET_BUILDERS; they read through the
Briefing's connection (queries.reading)."""

import pandas as pd

from pipelines.exports import Sheet
from pipelines.schools import settings as s

from . import plan
from .placement import Box
from .slides import ACCENT, CONTENT, MUTED, RED, Line, Slide, Text, text_height

# The 普及普惠 acceptance first (2028), as 验收准备's slides.
ORDER = ("普及普惠", "优质均衡")
WORD_CHART = 320.0  # pt: a chart of the Word section, the height of about half a page


def _said(scheme: str) -> tuple[str, list[str]] | None:
    """The scheme's sentence and the per-year points (a year with planned changes ready, the acceptance year)."""
    r = plan.run(scheme)
    if r is None or r["status"] == "no_data":
        return None
    unmet = list(r["unaddressed"]) if r["unaddressed"] is not None else []
    sentence = r["headline"] + (f"另有{len(unmet)}项标准不能靠增加教师和校舍解决（见 Excel 报表“规划达标年份”）。"
                                if unmet else "")
    points = []
    for row in plan.path(scheme).itertuples(index=False):
        ready, added = row[1], row[2]
        if ready != "—" or added != "—":
            points.append(f"{row[0]}：" + "；".join(x for x in (
                f"到位{ready}" if ready != "—" else "", f"补充{added}" if added != "—" else "",
                f"达标{row[4]}") if x))
    return sentence, points


def deck_slides(b) -> list[Slide]:
    """Per acceptance: the sentence and the per-year points under the chart of what the plan costs (or, with nothing
    to add, of the schools passing per year). b: the Briefing."""
    from .briefing import GAP, slide_chart  # (briefing imports this module to list it)

    if not plan.available() or not plan.shown_as_of(b.as_of):
        return []
    slides = []
    for scheme in ORDER:
        said = _said(scheme)
        if said is None:
            continue
        sentence, points = said
        r = plan.run(scheme)
        fig = plan.cost_figure(scheme, b.as_of, b.demo) or plan.path_figure(scheme, b.as_of, b.demo)
        lines = [Line(sentence, 16, True, RED if r["status"] == "infeasible" else ACCENT, space_after=0.2)]
        lines += [Line(f"• {x}", 14) for x in points[:4]]
        lines.append(Line(f"单价为平台参考值，可由办公室覆盖；按评估规则复核：{r['recheck'] or '—'}。评估标准{s.CAVEAT}。",
                          14, colour=MUTED, space_after=0))
        below = min(text_height(lines, CONTENT.width), CONTENT.height * 0.45)
        chart_box = Box(CONTENT.left, CONTENT.top, CONTENT.width, CONTENT.height - below - GAP)
        text = Text(Box(CONTENT.left, CONTENT.top + chart_box.height + GAP, CONTENT.width, below), lines)
        title = f"{s.SCHEME_TITLES[scheme]}：达标路径（{int(r['acceptance_year'])}年验收）"
        slides.append(Slide(title, [slide_chart(fig, chart_box), text] if fig is not None else [text]))
    return slides


def word_section(report, b) -> None:
    """A section “验收达标路径”: per acceptance the sentence, its chart and the years that change something; then how
    the enrolments were projected, once."""
    if not plan.available() or not plan.shown_as_of(b.as_of):
        return
    shown = [(scheme, _said(scheme)) for scheme in ORDER]
    shown = [(scheme, said) for scheme, said in shown if said is not None]
    if not shown:
        return
    report.heading1("验收达标路径")
    for scheme, (sentence, points) in shown:
        r = plan.run(scheme)
        report.heading2(f"{s.SCHEME_TITLES[scheme]}（{int(r['acceptance_year'])}年验收）")
        report.para(sentence)
        fig = plan.cost_figure(scheme, b.as_of, b.demo) or plan.path_figure(scheme, b.as_of, b.demo)
        if fig is not None:
            report.chart(fig, f"{s.SCHEME_TITLES[scheme]}：达标路径", min(fig.layout.height or WORD_CHART, WORD_CHART))
        for i, point in enumerate(points, start=1):
            report.para(point, lead=f"{i}. ")
    report.para(f"推算方法：{plan.run(shown[0][0])['method']}单价为平台参考值（未经核定），可由办公室覆盖。")


def workbook_sheets(b) -> list[Sheet]:
    """规划: every scheme's plan (what to add where, its cost), then the per-year path and the years criteria are met."""
    if not plan.available() or not plan.shown_as_of(b.as_of):
        return []
    frames, path, years = [], [], []
    for scheme in ORDER:
        r = plan.run(scheme)
        if r is None:
            continue
        title = s.SCHEME_TITLES[scheme]
        additions = plan.plan(scheme)
        head = pd.DataFrame([{"验收项目": title, "学校": "合计", "新增": r["message"], "费用（万元）": r["total_cost"]}])
        frames += [head, additions.assign(验收项目=title)]
        path.append(plan.path(scheme).assign(验收项目=title))
        years.append(plan.criteria_years(scheme).rename(columns=lambda c: "验收年（含补充方案）" if "含最优方案" in c else c)
                     .assign(验收项目=title))
    header = f"敖汉旗教育高质量发展监测报表　{{}}（评估年度{b.as_of}年）"
    columns = ["验收项目", "学校", "苏木乡镇", "学段", "新增", "数量", "单位", "费用（万元）", "最迟到位", "学校标识码"]
    plan_frame = pd.concat(frames, ignore_index=True).reindex(columns=columns)
    sheets = [Sheet("规划", plan_frame, header=header.format("规划：达标路径与补充方案"), demo=b.demo,
                    formats={"费用（万元）": "#,##0.0", "数量": "#,##0"}, widths={"新增": 40}, repeat_columns=2)]
    for title, frames_ in (("规划逐年", path), ("规划达标年份", years)):
        frame = pd.concat(frames_, ignore_index=True) if frames_ else pd.DataFrame()
        if len(frame):
            frame = frame[["验收项目", *[c for c in frame.columns if c != "验收项目"]]]
            sheets.append(Sheet(title, frame, header=header.format(title), demo=b.demo, widths={"标准": 36},
                                formats={"当年投入（万元）": "#,##0.0"}))
    return sheets
