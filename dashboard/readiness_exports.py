"""Acceptance readiness in the briefing deck (slides per scheme) and in the Excel report (its sheets)."""

import re

import duckdb
import pandas as pd
from pptx.util import Inches

from pipelines.describe import number
from pipelines.schools import settings as s

from . import images, readiness
from .briefing import ACCENT, INK, MUTED, RED, Deck, text_box
from .queries import reading

MAX_ROWS = 12  # a table of a slide holds about this many readable rows


def _short(name: str) -> str:
    return re.sub(r"（.*?）", "", name)


def add_slides(deck: Deck, con: duckdb.DuckDBPyConnection, as_of: int, include_demo: bool) -> int:
    """Three slides per acceptance (readiness, its chart, the schools or kindergartens to act on), placed
    before the deck's closing data notes; returns how many were added."""
    with reading(con):
        if not readiness.available() or readiness.data_year(as_of, include_demo) is None:
            return 0
        year = readiness.data_year(as_of, include_demo)
        table = readiness.readiness(as_of, include_demo)
        summary = readiness.summary(table)
        figures = {scheme: readiness.readiness_figure(scheme, as_of, include_demo) for scheme in s.SCHEMES}
        figures["dispersion"] = readiness.dispersion_figure(as_of, include_demo)
        figures["shares"] = readiness.shares_figure(as_of, include_demo)
        failing = readiness.failing(year, include_demo)
        words = readiness.rule_words()
        kindergartens = readiness.kindergartens(year, include_demo)
    pngs = {key: images.png(fig) for key, fig in figures.items() if fig is not None}
    before = len(deck.prs.slides)
    for r in summary.itertuples():
        part = table[table["scheme"] == r.scheme]
        slide = deck.slide(f"{r.title}：{r.acceptance_year}年验收准备（{readiness.years_left(r.acceptance_year, as_of)}）")
        if r.scheme in pngs:
            deck.picture(slide, pngs[r.scheme], Inches(0.3), Inches(1.05), Inches(8.9))
        behind = part[part["status_group"] == "behind"]
        unknown = part[part["status_group"] == "unknown"]
        lines = [("要点", 18, True, ACCENT),
                 (f"{r.total}项标准：已达标{r.met}项，按期可达{r.on_track}项，滞后{r.behind}项，暂无数据{r.unknown}项。", 13, False, INK)]
        lines += [(f"滞后：{_short(b.name)}，{b.shown}（要求{b.standard}），{b.status_label}。", 12, False, INK)
                  for b in behind.head(6).itertuples()]
        if len(unknown):
            lines.append((f"暂无数据：{'、'.join(_short(n) for n in unknown['name'].head(6))}"
                          + ("等" if len(unknown) > 6 else "") + "。", 12, False, MUTED))
        lines.append((f"评估标准{s.CAVEAT}。", 11, False, RED))
        text_box(slide, Inches(9.35), Inches(1.15), Inches(3.75), Inches(5.8), lines, spacing=1.2)

        chart = "dispersion" if r.scheme == "优质均衡" else "shares"
        slide = deck.slide(f"{r.title}：" + ("校际差异系数" if chart == "dispersion" else "毛入园率与普惠、公办占比"))
        if chart in pngs:
            deck.picture(slide, pngs[chart], Inches(0.3), Inches(1.05), Inches(8.9))
        facts = part[part["scope"].isin(["dispersion"]) & (part["status"] != "met")] if chart == "dispersion" else \
            part[part["criterion_id"].isin(readiness.SHARES)]
        lines = [("要点", 18, True, ACCENT)]
        lines += [(f"{_short(f.name)}（{f.stage}）：{f.shown}，要求{f.standard}，{f.status_label}。", 12, False, INK)
                  for f in facts.itertuples()] or [("各项指标的校际差异系数均在上限以内。", 13, False, INK)]
        text_box(slide, Inches(9.35), Inches(1.15), Inches(3.75), Inches(5.8), lines, spacing=1.25)

        if r.scheme == "优质均衡":
            slide = deck.slide(f"未达到逐校要求的学校（{year}年）：{len(failing)}所")
            rows = pd.DataFrame({"学校": failing["name"], "苏木乡镇": failing["township"], "学段": failing["stage"],
                                 "在校生": failing["students"].map(number), "达标项数": failing["n_met"],
                                 "需增加（按现有在校生）": failing["must_add_text"]}).head(MAX_ROWS)
            note = f"每所学校须{words['rule']}；需增加的数量按现有在校生计算。"
        else:
            attention = kindergartens[(kindergartens["oversize_classes"] > 0) | (kindergartens["children_per_teacher"] > 15)
                                      | (kindergartens["certified_share"] < 100)]
            slide = deck.slide(f"需关注的幼儿园（{year}年）：{len(attention)}所")
            rows = pd.DataFrame({"幼儿园": attention["name"], "苏木乡镇": attention["township"],
                                 "性质": attention["ownership"], "在园幼儿": attention["children"].map(number),
                                 "超额班数": attention["oversize_classes"].map(number),
                                 "每名专任教师对应幼儿": attention["children_per_teacher"].map(lambda v: number(v)),
                                 "持证率": attention["certified_share"].map(lambda v: number(v, "%"))}).head(MAX_ROWS)
            note = "班额超标、每名专任教师对应幼儿超过15人或有未持证专任教师的幼儿园。"
        total = len(failing) if r.scheme == "优质均衡" else len(attention)
        if rows.empty:
            text_box(slide, Inches(0.8), Inches(1.5), Inches(11), Inches(1), ["没有需要列出的学校。"], size=20)
        else:
            widths = [2.4, 1.4, 0.8, 1, 1, 5.4] if r.scheme == "优质均衡" else [2.6, 1.4, 1.4, 1, 1, 1.8, 1]
            deck.table(slide, rows, Inches(0.5), Inches(1.2), Inches(12.3), widths, size=11)
        more = f"另有{total - MAX_ROWS}所，见 Excel 报表“验收准备”各表。" if total > MAX_ROWS else ""
        text_box(slide, Inches(0.5), Inches(6.45), Inches(12.3), Inches(0.5), [note + more + f"评估标准{s.CAVEAT}。"],
                 size=11, colour=MUTED)
    added = len(deck.prs.slides) - before
    _move_before_last(deck, added)
    return added


def _move_before_last(deck: Deck, count: int) -> None:
    """Put the last `count` slides before the one that preceded them (the deck's closing data notes)."""
    ids = deck.prs.slides._sldIdLst  # python-pptx keeps the order here
    items = list(ids)
    if count and len(items) > count:
        closing = items[-count - 1]
        ids.remove(closing)
        ids.append(closing)


def sheets(con: duckdb.DuckDBPyConnection, as_of: int, include_demo: bool) -> dict[str, pd.DataFrame]:
    """The Excel report's readiness sheets (none if the warehouse has no school data)."""
    with reading(con):
        if not readiness.available():
            return {}
        year = readiness.data_year(as_of, include_demo)
        table = readiness.readiness(as_of, include_demo)
        out = {"验收准备": pd.DataFrame({
            "验收项目": table["scheme"].map(s.SCHEME_TITLES), "验收年份": table["acceptance_year"], "方面": table["part"],
            "代码": table["criterion_id"], "标准": table["name"], "学段": table["stage"], "要求": table["standard"],
            "最新值": table["value"], "数据年度": table["latest_year"], "状态": table["status_label"],
            "基线值": table["baseline_value"], "基线年度": table["baseline_year"], "需要年均变化": table["required_per_year"],
            "实际年均变化": table["actual_per_year"], "推算验收年值": table["projected_value"], "说明": table["detail"],
            "含示例数据": table["is_demo"].map({True: "是", False: ""})})}
        if year is not None:
            d = readiness.dispersion(as_of, include_demo)
            out["差异系数"] = pd.DataFrame({"学段": d["stage"], "指标": d["indicator"], "年度": d["year"],
                                        "差异系数": d["cv"], "上限": d["cv_limit"], "达到": d["met"].map({True: "是", False: "否"}),
                                        "全旗值": d["county_value"], "学校数": d["n_schools"], "缺数据学校": d["n_missing"]})
            c = readiness.compliance(year, include_demo)
            out["逐校达标"] = pd.DataFrame({"学校标识码": c["school_id"], "学校": c["name"], "苏木乡镇": c["township"],
                                        "城乡": c["area_type"], "学段": c["stage"], "在校生": c["students"],
                                        "达标": c["n_met"], "未达标但不低于下限": c["n_near"], "低于下限": c["n_below"],
                                        "缺数据": c["n_no_data"], "结果": c["rule_status"].map(
                                            {"pass": "达到", "fail": "未达到", "no_data": "数据不全"}),
                                        "需增加（按现有在校生）": c["must_add_text"]})
            i = readiness.indicators(year, include_demo)
            out["学校指标"] = pd.DataFrame({"学校标识码": i["school_id"], "学校": i["name"], "苏木乡镇": i["township"],
                                        "学段": i["stage"], "指标": i["indicator"], "单位": i["unit"], "在校生": i["students"],
                                        "数值": i["value"], "要求": i["threshold"],
                                        "结果": i["level"].map(readiness.level_labels()), "差额": i["shortfall"],
                                        "差额单位": i["shortfall_unit"]})
            k = readiness.kindergartens(year, include_demo)
            out["幼儿园"] = pd.DataFrame({"幼儿园标识码": k["school_id"], "幼儿园": k["name"], "苏木乡镇": k["township"],
                                       "性质": k["ownership"], "在园幼儿": k["children"], "班数": k["classes"],
                                       "超额班数": k["oversize_classes"], "专任教师": k["teachers"],
                                       "持证专任教师": k["certified_teachers"], "教职工": k["staff"]})
        x = readiness.cross_checks(include_demo)
        out["数据核对"] = pd.DataFrame({"指标代码": x["indicator_code"], "指标": x["name"], "年度": x["year"],
                                    "逐校汇总": x["derived_value"], "全旗填报": x["reported_value"],
                                    "差异": x["difference"], "结果": x["agrees"].map({True: "一致", False: "不一致"})})
        src = readiness.criteria_sources()
        out["评估标准"] = pd.DataFrame({"代码": src["criterion_id"], "验收项目": src["scheme"].map(s.SCHEME_TITLES),
                                    "方面": src["part"], "标准": src["name"], "学段": src["stage"],
                                    "比较": src["comparator"], "阈值": src["threshold"], "单位": src["unit"],
                                    "出处": src["source"], "网址": src["source_url"], "说明": src["caveat"]})
    return out
