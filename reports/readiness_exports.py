"""Acceptance readiness in the briefing deck (three slides per acceptance) and the Excel report (its sheets).

Both are builders of the lists reports.deck.SLIDE_BUILDERS and reports.excel_report.SHEET_BUILDERS:
they take the Briefing and read through its connection (queries.reading).
"""

import re

import pandas as pd

from pipelines.core import school_settings as s
from pipelines.core.describe import number
from pipelines.core.table_files import Sheet

from . import readiness
from .briefing import GAP, slide_chart
from .briefing_data import Briefing
from .placement import Box
from .slides import (
    ACCENT,
    CONTENT,
    MUTED,
    RED,
    Line,
    Slide,
    Table,
    Text,
    fitted_pages,
    numbered,
    row_height,
    table_rows,
    text_height,
)

SIDE = 560.0  # pt: the chart beside the words on a slide
TABLE_SIZE = 14.0
SAID = 4  # criteria behind named on a slide; the rest are in the Excel report
PREMISES_WORDS = {"pass": "达标", "fail": "未达标", "no_data": "数据不全"}


def _short(name: str) -> str:
    return re.sub(r"（.*?）", "", name)


def _beside(title: str, fig, make) -> Slide:
    """A chart on the left, the words on the right (smaller if they need it, never under 14 pt)."""
    chart_box = Box(CONTENT.left, CONTENT.top, SIDE, CONTENT.height)
    text_box = Box(chart_box.left + SIDE + 16, CONTENT.top + 10, CONTENT.width - SIDE - 16, CONTENT.height - 10)
    pages = fitted_pages(make, text_box.width, text_box.height, scales=(1.0, 0.9, 0.8))
    lines = [line for page in pages for line in page]
    items = [slide_chart(fig, chart_box)] if fig is not None else []
    return Slide(title, [*items, Text(text_box, lines)])


def _above(title: str, fig, lines: list[Line]) -> Slide:
    """A chart the width of the slide, the words under it."""
    below = text_height(lines, CONTENT.width)
    chart_box = Box(CONTENT.left, CONTENT.top, CONTENT.width, CONTENT.height - below - GAP)
    text = Text(Box(CONTENT.left, CONTENT.top + chart_box.height + GAP, CONTENT.width, below), lines)
    return Slide(title, [slide_chart(fig, chart_box), text] if fig is not None else [text])


def _table_slides(title: str, frame: pd.DataFrame, widths: list[float], note: str) -> list[Slide]:
    """A table over as many slides as it needs, each with the note right under it."""
    note_lines = [Line(note, 14, colour=MUTED, space_after=0)]
    if frame.empty:
        return [Slide(title, [Text(CONTENT, [Line("没有需要列出的学校或幼儿园。", 20), *note_lines])])]
    note_h = text_height(note_lines, CONTENT.width)
    box = Box(CONTENT.left, CONTENT.top, CONTENT.width, CONTENT.height - note_h - GAP)
    columns = [box.width * w / sum(widths) for w in widths]
    slides = []
    for page_title, rows in numbered(title, table_rows(frame, box, widths, TABLE_SIZE)):
        used = row_height(rows.columns, columns, TABLE_SIZE) + sum(
            row_height(values, columns, TABLE_SIZE) for values in rows.itertuples(index=False))
        under = Box(CONTENT.left, CONTENT.top + used + GAP, CONTENT.width, note_h)
        slides.append(Slide(page_title, [Table(rows, Box(box.left, box.top, box.width, used), widths, TABLE_SIZE),
                                         Text(under, note_lines)]))
    return slides


def summary_slide(b: Briefing, r, part: pd.DataFrame) -> Slide:
    """An acceptance's criteria by part (a chart) and in words: how many are met, on track, behind; those behind."""
    behind = part[part["status_group"] == "behind"]
    unknown = part[part["status_group"] == "unknown"]

    def facts(scale: float) -> list[Line]:
        size = max(14.0, 16 * scale)
        lines = [Line(f"{r.total}项标准：已达标{r.met}项，按期可达{r.on_track}项，滞后{r.behind}项，暂无数据{r.unknown}项。",
                      max(14.0, 18 * scale), True, ACCENT)]
        lines += [Line(f"• 滞后：{_short(x.name)}，{x.shown}（要求{x.standard}），{x.status_label}。", size)
                  for x in behind.head(SAID).itertuples()]
        if len(behind) > SAID:
            lines.append(Line(f"• 另有{len(behind) - SAID}项滞后，见 Excel 报表“验收准备”。", size))
        if len(unknown):
            names = "、".join(_short(n) for n in unknown["name"].head(3)) + ("等" if len(unknown) > 3 else "")
            lines.append(Line(f"• 暂无数据{len(unknown)}项：{names}。", size, colour=MUTED))
        return [*lines, Line(f"评估标准{s.CAVEAT}。", 14, colour=RED, space_after=0)]

    title = f"{r.title}：{r.acceptance_year}年验收准备（{readiness.years_left(r.acceptance_year, b.as_of)}）"
    return _beside(title, readiness.readiness_figure(r.scheme, b.as_of, b.include_demo), facts)


def summary_slides(b: Briefing) -> list[Slide]:
    """Each acceptance's first slide (the leaders' short deck): its criteria by part, those behind."""
    if not readiness.available() or readiness.data_year(b.as_of, b.include_demo) is None:
        return []
    table = readiness.readiness(b.as_of, b.include_demo)
    return [summary_slide(b, r, table[table["scheme"] == r.scheme]) for r in readiness.summary(table).itertuples()]


def deck_slides(b: Briefing) -> list[Slide]:
    """Per acceptance, the earlier first: its readiness by part; the 差异系数 (优质均衡) or the kindergarten
    shares (普及普惠); the schools that fail the rule, or the kindergartens to look at."""
    if not readiness.available():
        return []
    year = readiness.data_year(b.as_of, b.include_demo)
    if year is None:
        return []
    table = readiness.readiness(b.as_of, b.include_demo)
    words = readiness.rule_words()
    caveat = Line(f"评估标准{s.CAVEAT}。", 14, colour=RED, space_after=0)
    slides = []
    for r in readiness.summary(table).itertuples():
        part = table[table["scheme"] == r.scheme]
        slides.append(summary_slide(b, r, part))

        if r.scheme == "优质均衡":
            chart = readiness.dispersion_figure(b.as_of, b.include_demo)
            shown = part[(part["scope"] == "dispersion") & (part["status_group"] != "met")]
            empty = "各项指标的校际差异系数均在上限以内。"
            chart_title = f"{r.title}：校际差异系数"
        else:
            chart = readiness.shares_figure(b.as_of, b.include_demo)
            shown = part[part["criterion_id"].isin(readiness.SHARES)]
            empty = "暂无幼儿园数据。"
            chart_title = f"{r.title}：毛入园率与普惠、公办占比"

        said = "；".join(f"{_short(x.name)}（{x.stage}）{x.shown}，要求{x.standard}，{x.status_label}" for x in shown.itertuples())
        slides.append(_above(chart_title, chart, [Line((said + "。") if said else empty, 16, space_after=0.2), caveat]))

        if r.scheme == "优质均衡":
            failing = readiness.failing(year, b.include_demo)
            frame = pd.DataFrame({"学校": failing["name"], "苏木乡镇": failing["township"], "学段": failing["stage"],
                                  "在校生": failing["students"].map(number), "达标项数": failing["n_met"],
                                  "需增加（按现有在校生）": failing["must_add_text"]})
            slides += _table_slides(f"未达到逐校要求的学校（{year}年）：{len(failing)}所", frame, [2.2, 1.5, 0.8, 1, 1, 5.2],
                                    f"每所学校须{words['rule']}；需增加的数量按现有在校生计算。评估标准{s.CAVEAT}。")
        else:
            k = readiness.kindergartens(year, b.include_demo)
            k = k.assign(concern=readiness.kindergarten_concerns(k))
            k = k[k["concern"] != ""]
            frame = pd.DataFrame({"幼儿园": k["name"], "苏木乡镇": k["township"], "性质": k["ownership"],
                                  "需关注": k["concern"]})
            lacking = readiness.townships_without_centre(year, b.include_demo)
            centres = f"没有公办中心园的乡镇苏木：{'、'.join(lacking)}。" if lacking else ""
            slides += _table_slides(f"需关注的幼儿园（{year}年）：{len(k)}所", frame, [2.4, 1.3, 1.3, 6.2],
                                    f"班额超标、每名专任教师对应幼儿超过15人、专任教师或园长未持证、园舍生均面积未达标的幼儿园。"
                                    f"{centres}评估标准{s.CAVEAT}。")
    return slides


def workbook_sheets(b: Briefing) -> list[Sheet]:
    """The Excel report's readiness sheets (none if the warehouse has no school tables)."""
    if not readiness.available():
        return []

    def sheet(title: str, frame: pd.DataFrame, **kwargs) -> Sheet:
        return Sheet(title, frame, header=f"敖汉旗教育高质量发展监测报表　{title}（评估年度{b.as_of}年）", demo=b.demo,
                     **kwargs)

    table = readiness.readiness(b.as_of, b.include_demo)
    levels = readiness.level_labels()
    sheets = [sheet("验收准备", pd.DataFrame({
        "验收项目": table["scheme"].map(s.SCHEME_TITLES), "验收年份": table["acceptance_year"], "方面": table["part"],
        "标准": table["name"], "学段": table["stage"], "要求": table["standard"], "最新": table["shown"],
        "数据年度": table["latest_year"], "数据来源": table["basis"], "状态": table["status_label"],
        "基线值": table["baseline_value"],
        "基线年度": table["baseline_year"], "需要年均变化": table["required_per_year"],
        "实际年均变化": table["actual_per_year"], "推算验收年值": table["projected_value"], "说明": table["detail"],
        "标准代码": table["criterion_id"]}),
        formats={"验收年份": "0", "数据年度": "0", "基线年度": "0", "基线值": "#,##0.0##", "需要年均变化": "0.000",
                 "实际年均变化": "0.000", "推算验收年值": "#,##0.0##"},
        widths={"标准": 36, "数据来源": 24, "说明": 30}, repeat_columns=4)]
    year = readiness.data_year(b.as_of, b.include_demo)
    if year is not None:
        d = readiness.dispersion(b.as_of, b.include_demo)
        sheets.append(sheet("差异系数", pd.DataFrame({
            "学段": d["stage"], "指标": d["indicator"], "年度": d["year"], "差异系数": d["cv"], "上限": d["cv_limit"],
            "达到": d["met"].map({True: "是", False: "否"}), "全旗值": d["county_value"], "学校数": d["n_schools"],
            "缺数据学校": d["n_missing"]}), formats={"差异系数": "0.000", "上限": "0.00", "全旗值": "#,##0.00", "年度": "0"},
            widths={"指标": 36}))
        c = readiness.compliance(year, b.include_demo)
        sheets.append(sheet("逐校达标", pd.DataFrame({
            "学校": c["name"], "苏木乡镇": c["township"], "城乡": c["area_type"], "学段": c["stage"], "在校生": c["students"],
            "达标项数": c["n_met"], "未达标但不低于下限": c["n_near"], "低于下限": c["n_below"], "缺数据": c["n_no_data"],
            "结果": c["rule_status"].map({"pass": "达到", "fail": "未达到", "no_data": "数据不全"}),
            "需增加（按现有在校生）": c["must_add_text"], "学校标识码": c["school_id"]}),
            widths={"需增加（按现有在校生）": 40}, repeat_columns=1))
        i = readiness.indicators(year, b.include_demo)
        sheets.append(sheet("学校指标", pd.DataFrame({
            "学校": i["name"], "苏木乡镇": i["township"], "学段": i["stage"], "指标": i["indicator"], "单位": i["unit"],
            "在校生": i["students"], "数值": i["value"], "要求": i["threshold"], "结果": i["level"].map(levels),
            "差额": i["shortfall"], "差额单位": i["shortfall_unit"], "学校标识码": i["school_id"]}),
            formats={"数值": "#,##0.00", "要求": "#,##0.0#", "差额": "#,##0.0"}, widths={"指标": 30}, repeat_columns=1))
        k = readiness.kindergartens(year, b.include_demo)
        sheets.append(sheet("幼儿园", pd.DataFrame({
            "幼儿园": k["name"], "苏木乡镇": k["township"], "性质": k["ownership"], "在园幼儿": k["children"],
            "班数": k["classes"], "超额班数": k["oversize_classes"], "专任教师": k["teachers"],
            "持证专任教师": k["certified_teachers"], "教职工": k["staff"],
            "乡镇中心园": k["is_centre"].map({True: "是", False: "否"}), "园长": k["heads"], "持证园长": k["certified_heads"],
            "规划设计年份": k["design_year"], "生均室外游戏场地（㎡）": k["outdoor_per_child"],
            "生均幼儿活动用房（㎡）": k["activity_per_child"], "生均园舍建筑面积（㎡）": k["building_per_child"],
            "园舍": k["premises_status"].map(PREMISES_WORDS), "需关注": readiness.kindergarten_concerns(k),
            "幼儿园标识码": k["school_id"]}),
            formats={"规划设计年份": "0", "生均室外游戏场地（㎡）": "0.00", "生均幼儿活动用房（㎡）": "0.00",
                     "生均园舍建筑面积（㎡）": "0.00"}, widths={"需关注": 30}))
    x = readiness.cross_checks(b.include_demo)
    x = x[x["year"] <= b.as_of]
    sheets.append(sheet("数据核对", pd.DataFrame({
        "指标": x["name"], "年度": x["year"], "逐校汇总": x["derived_value"], "全旗填报": x["reported_value"],
        "差异": x["difference"], "结果": x["agrees"].map({True: "一致", False: "不一致"}).fillna("全旗未填报")}),
        formats={"年度": "0", "逐校汇总": "0.0", "全旗填报": "0.0", "差异": "+0.0;-0.0"}))
    src = readiness.criteria_sources()
    sheets.append(sheet("评估标准", pd.DataFrame({
        "验收项目": src["scheme"].map(s.SCHEME_TITLES), "方面": src["part"], "标准": src["name"], "学段": src["stage"],
        "要求": [readiness.standard(c, t, u) for c, t, u in zip(src["comparator"], src["threshold"], src["unit"])],
        "出处": src["source"], "网址": src["source_url"], "说明": src["caveat"], "标准代码": src["criterion_id"]}),
        widths={"标准": 36, "出处": 40, "网址": 30, "说明": 24}, repeat_columns=3))
    return sheets
