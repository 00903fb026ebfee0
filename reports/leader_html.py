"""领导版 as a page: the LeaderBrief (reports.leader) as HTML that reads at 1920, 1366 and 390 px and prints on
one A4 page from the browser (Ctrl+P).

Written through st.markdown (the cockpit's way: drawn with the page's first script), so every text that comes from
data — a unit's 整改说明 above all — is escaped for HTML and for Markdown (safe_text, pipelines.core.plain's
plain_in_html): it shows as typed and can never become a link, a formula or markup.
"""

from pipelines.core import config, palette
from pipelines.core.plain import plain_in_html as safe_text

from .leader import Acceptance, LeaderBrief, counts_sentence

CSS = """
<style>
.leader { font-size: 15px; color: #1F1F1F; line-height: 1.45; }
.leader .lead-line { margin: 0 0 8px; font-size: 15px; }
.leader .demo { color: #B00020; font-weight: 700; }
.leader h3 { font-size: 17px; margin: 12px 0 6px; padding: 0; font-weight: 700; }
.leader-accept { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(420px, 100%), 1fr)); gap: 10px; }
.leader-accept section { border: 1px solid #D0D0D0; border-left: 6px solid #7F7F7F; border-radius: 6px; padding: 8px 12px; }
.leader-accept .head { font-weight: 700; font-size: 16px; }
.leader-accept .counts { margin: 2px 0 4px; }
.leader-accept ul { margin: 0 0 4px; padding-left: 1.1em; }
.leader-accept li, .leader-accept p { margin: 0; }
.leader-units .unit { margin: 8px 0 10px; break-inside: avoid; }
.leader-units .unit-head { font-weight: 700; font-size: 16px; border-bottom: 2px solid #1F4E79; padding-bottom: 2px; }
.leader table { width: 100%; border-collapse: collapse; margin: 0; font-size: 14.5px; table-layout: fixed; }
.leader col.name { width: 32%; } .leader col.value { width: 24%; } .leader col.gap { width: 14%; }
.leader col.due { width: 14%; } .leader col.status { width: 16%; }
.leader th { text-align: left; font-weight: 600; color: #444; border-bottom: 1px solid #BBB; padding: 3px 6px; white-space: nowrap; }
.leader td { border-bottom: 1px solid #E6E6E6; padding: 3px 6px; vertical-align: top; }
.leader .mark { font-weight: 700; margin-right: 4px; }
.leader tr.fix td { color: #444; font-size: 13.5px; padding-top: 0; border-bottom: 1px solid #E6E6E6; }
.leader tr.has-fix td { border-bottom: none; }
.leader .fix b { font-weight: 600; color: #1F4E79; }
@media (max-width: 640px) {
  .leader table, .leader tbody, .leader tr, .leader td { display: block; width: auto; }
  .leader thead, .leader colgroup { display: none; }
  .leader tr { border-bottom: 1px solid #E0E0E0; padding: 5px 0; }
  .leader tr.has-fix { border-bottom: none; padding-bottom: 0; }
  .leader td { border: none; padding: 0; white-space: normal !important; }
  .leader td.name { font-weight: 600; }
  .leader td.value, .leader td.gap, .leader td.due, .leader td.status { display: inline; }
  .leader td.status { white-space: nowrap !important; }
  .leader td.gap::before, .leader td.due::before, .leader td.status::before { content: "，"; }
  .leader tr.fix td { font-size: 13.5px; }
}
.leader-print-note { color: #666; font-size: 13px; }
@media print {
  @page { size: A4 portrait; margin: 8mm 9mm; }
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"], header, footer,
  [data-testid="stSidebarCollapsedControl"], .leader-print-note { display: none !important; }
  [data-testid="stAppViewContainer"], [data-testid="stMain"], [data-testid="stMainBlockContainer"], .stMain, .main
    { overflow: visible !important; height: auto !important; position: static !important; padding: 0 !important;
      max-width: 100% !important; }
  h1 { font-size: 14pt !important; padding: 0 !important; margin: 0 !important; }
  [data-testid="stMainBlockContainer"] { padding-top: 0 !important; }
  [data-testid="stVerticalBlock"] { gap: 0.2rem !important; }
  .leader { font-size: 8.6pt; line-height: 1.3; }
  .leader .lead-line { font-size: 8.6pt; margin: 0 0 3pt; }
  .leader h3 { font-size: 10pt; margin: 4pt 0 2pt; }
  .leader-accept { grid-template-columns: 1fr 1fr; gap: 5pt; }
  .leader-accept section { padding: 2pt 5pt; border-left-width: 4pt; }
  .leader-accept .head { font-size: 9pt; }
  .leader-accept .counts { margin: 0; }
  .leader-accept ul { padding: 0; margin: 0; }
  .leader-accept li { display: inline; margin: 0 !important; padding: 0 !important; }
  .leader-accept li:not(:last-child)::after { content: "；"; }
  .leader-units .unit { margin: 3pt 0 4pt; }
  .leader-units .unit-head { font-size: 9pt; border-bottom-width: 1pt; }
  .leader table { font-size: 7.9pt; }
  .leader th, .leader td { padding: 0.2pt 3pt; line-height: 1.22; }
  .leader tr.fix td { font-size: 7.5pt; }
  .leader col.name { width: 34%; } .leader col.value { width: 22%; } .leader col.gap { width: 16%; }
  .leader col.due { width: 13%; } .leader col.status { width: 15%; }
  /* More targets than a page holds at that size (DENSE_LINES): smaller, still above 6.5 pt. */
  .leader.dense, .leader.dense .lead-line { font-size: 7.4pt; }
  .leader.dense table { font-size: 6.8pt; }
  .leader.dense tr.fix td { font-size: 6.6pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
</style>
"""


DENSE_LINES = 44  # table lines (targets, 整改说明, two a unit) that print on one A4 page at the normal size (the demo: 42)


def head(brief: LeaderBrief) -> str:
    demo = f"　<span class='demo'>{config.DEMO_LABEL}（演示用的虚构数值，并非真实统计）</span>" if brief.demo else ""
    return (f"<p class='lead-line'>评估年度 {brief.as_of} 年　截至 {brief.today:%Y-%m-%d}{demo}<br>"
            f"<b>{safe_text(counts_sentence(brief))}</b></p>")


def acceptance_box(a: Acceptance) -> str:
    behind = "".join(f"<li>{safe_text(b.name)}：{safe_text(b.value)}（要求{safe_text(b.standard)}，"
                     f"{safe_text(b.status_label)}）</li>" for b in a.behind_items)
    schools = "".join(f"<p>{safe_text(x)}。</p>" for x in (a.schools, a.needs) if x)
    edge = palette.CLASS_COLOURS["behind" if a.behind_items else "met"]
    return (f"<section style='border-left-color:{edge}'>"
            f"<div class='head'>{safe_text(a.title)} · {a.year}年验收 · {safe_text(a.left)}</div>"
            f"<div class='counts'>{a.total}项标准：已达标 {a.met} · 按期可达 {a.on_track} · <b>滞后 {a.behind}</b> · "
            f"暂无数据 {a.unknown}</div>"
            + (f"<ul>{behind}</ul>" if behind else "<p>没有滞后的标准。</p>") + schools + "</section>")


COLUMNS = "<colgroup>" + "".join(f"<col class='{c}'>" for c in ("name", "value", "gap", "due", "status")) + "</colgroup>"


def unit_table(unit) -> str:
    rows = []
    for item in unit.items:
        fix = item.rectification
        rows.append(
            f"<tr class='{'has-fix' if fix else ''}'><td class='name'>{safe_text(item.name)}</td>"
            f"<td class='value'>{safe_text(item.value)} → {safe_text(item.goal)}</td>"
            f"<td class='gap'>{safe_text(item.gap)}</td><td class='due'>{safe_text(item.due)}</td>"
            f"<td class='status'><span class='mark' style='color:{palette.ink_of(item.status)}'>{palette.mark(item.status)}</span>"
            f"{safe_text(item.status_label)}</td>"
            "</tr>")
        if fix:
            rows.append(f"<tr class='fix'><td colspan='5'><span class='fix'><b>整改：</b>{safe_text(fix)}</span></td></tr>")
    return (f"<div class='unit'><div class='unit-head'>{safe_text(unit.unit)}　{len(unit.items)}项</div><table>{COLUMNS}"
            "<thead><tr><th>目标</th><th>最新 → 目标</th><th>差距</th><th>期限</th><th>状态</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div>")


def page(brief: LeaderBrief) -> str:
    """The whole 领导版 below the page's title."""
    accept = ""
    if brief.acceptances:
        accept = ("<h3>验收风险</h3><div class='leader-accept'>"
                  + "".join(acceptance_box(a) for a in brief.acceptances) + "</div>")
    units = "".join(unit_table(u) for u in brief.units) or "<p>没有滞后或未达成的目标。</p>"
    lines = brief.lagging + sum(1 for u in brief.units for i in u.items if i.rectification) + 2 * len(brief.units)
    dense = " dense" if lines > DENSE_LINES else ""
    return (f"<div class='leader{dense}'>{head(brief)}{accept}"
            f"<h3>需要关注的目标（按牵头单位）：{brief.lagging}项</h3><div class='leader-units'>{units}</div></div>")
