"""The Word 监测报告's section on the two acceptances (2028 学前教育普及普惠, 2030 义务教育优质均衡), in plain words:
criteria met and behind, the 差异系数 against their limits, the schools that fail the rule and what each must add,
the kindergartens to look at. Written inside queries.reading(con), like every section of the report."""

import pandas as pd

from pipelines.describe import present
from pipelines.schools import settings as s

from . import leader, readiness

SHARE_NAMES = {"PH_01": "学前三年毛入园率", "PH_02": "普惠性幼儿园覆盖率", "PH_03": "公办园在园幼儿占比"}


def criterion_sentence(x) -> str:
    """一个标准 in words: 小学逐校达标的学校占比为70%，要求不低于100%（进展偏慢）."""
    value = "尚无数据" if x.shown == "—" else f"为{x.shown}"
    return f"{leader.short_criterion(x.name)}{value}，要求{leader.standard_words(x.comparator, x.threshold, x.unit)}" \
           f"（{x.status_label}）"


def scheme_paragraphs(report, part: pd.DataFrame, r) -> None:
    """What every acceptance says: its counts, each criterion behind, the on-track and the unknown by name."""
    report.para(f"共{r.total}项标准：已达标{r.met}项，按期可达{r.on_track}项，滞后{r.behind}项，暂无数据或无法评估{r.unknown}项。")
    behind = part[part["status_group"] == "behind"]
    if len(behind):
        report.para("；".join(criterion_sentence(x) for x in behind.itertuples()) + "。", lead="滞后的标准：")
    on_track = part[part["status_group"] == "on_track"]
    if len(on_track):
        report.para("；".join(criterion_sentence(x) for x in on_track.itertuples()) + "。按现在的进展速度，验收年可以达到。",
                    lead="按期可达的标准：")
    unknown = part[part["status_group"] == "unknown"]
    if len(unknown):
        report.para("、".join(leader.short_criterion(n) for n in unknown["name"]) + "。需相关单位在下一年度工作簿中填报。",
                    lead="暂无数据或无法评估：")


def universal_paragraphs(report, part: pd.DataFrame, year: int, include_demo: bool) -> None:
    """普及普惠: the three shares against the national floors, the kindergartens with something wanting."""
    shares = part[part["criterion_id"].isin(SHARE_NAMES)]
    if len(shares):
        report.para("；".join(f"{SHARE_NAMES[x.criterion_id]}{x.shown}（国家标准{leader.standard_words(x.comparator, x.threshold, x.unit)}）"
                             for x in shares.itertuples()) + "。", lead="普及普惠水平：")
    k = readiness.kindergartens(year, include_demo)
    k = k.assign(concern=readiness.kindergarten_concerns(k))
    wanting = k[k["concern"] != ""]
    lacking = readiness.townships_without_centre(year, include_demo)
    said = (f"{year}年全旗幼儿园{len(k)}所，其中{len(wanting)}所有未达标之处（班额超标、每名专任教师对应幼儿超过15人、"
            "专任教师或园长未持证、园舍生均面积未达标），见下表。")
    if lacking:
        said += f"没有公办中心园的乡镇苏木：{'、'.join(lacking)}。"
    report.para(said, lead="需关注的幼儿园：")
    if len(wanting):
        report.table(pd.DataFrame({"幼儿园": wanting["name"], "苏木乡镇": wanting["township"], "性质": wanting["ownership"],
                                   "需关注": wanting["concern"]}), [2.6, 1.6, 1.5, 5.0], f"需关注的幼儿园（{year}年）")


def balanced_paragraphs(report, as_of: int, year: int, include_demo: bool) -> None:
    """优质均衡: the 差异系数 of the latest year against their limits; the schools that fail the rule, what each must add."""
    d = readiness.dispersion(as_of, include_demo)
    d = d[d["year"] == d["year"].max()] if len(d) else d
    if len(d):
        limits = "、".join(f"{stage}不超过{limit:.2f}" for stage, limit in
                           d.drop_duplicates("stage").set_index("stage")["cv_limit"].items())
        over = d[d["cv"] > d["cv_limit"]]
        said = "；".join(f"{x.stage}{x.indicator}为{leader.near_limit_words(x.cv, x.cv_limit)}，高于上限{x.cv_limit:.2f}"
                        for x in over.itertuples())
        report.para(f"差异系数衡量同一学段各校之间办学条件的差距，越小越均衡；国家要求{limits}。"
                    f"{int(d['year'].iloc[0])}年{len(d)}项中{len(d) - len(over)}项在上限以内"
                    + (f"，{len(over)}项高于上限：{said}。" if len(over) else "。"), lead="校际差异系数：")
        report.table(pd.DataFrame({
            "学段": d["stage"], "指标": d["indicator"],
            "差异系数": [leader.near_limit_words(v, lim) for v, lim in zip(d["cv"], d["cv_limit"])],
            "上限": d["cv_limit"].map(lambda v: f"{v:.2f}"),
            "结果": ["在上限以内" if m else "高于上限" for m in d["met"]]}), [1.0, 5.4, 1.4, 1.1, 1.7],
            f"资源配置7项指标的校际差异系数（{int(d['year'].iloc[0])}年）")
    failing = readiness.failing(year, include_demo)
    rule = readiness.rule_words()
    if failing.empty:
        report.para(f"{year}年每所学校都达到了“{rule['rule']}”的要求。", lead="逐校达标：")
        return
    stages = "、".join(f"{stage}{n}所" for stage, n in failing["stage"].value_counts().items())
    totals = leader.must_add_totals(failing)
    total = "；".join(f"{resource}{leader.amount_words(amount, unit)}（{n}所）" for resource, amount, unit, n in totals)
    report.para(f"每所学校须{rule['rule']}（不足{rule['min_students']}的教学点不参评）。{year}年未达到的学校{len(failing)}所"
                f"（{stages}），各校需增加的数量按现有在校生计算，见下表；合计需增加：{total}。", lead="逐校达标：")
    report.table(pd.DataFrame({"学校": failing["name"], "苏木乡镇": failing["township"], "学段": failing["stage"],
                               "达标项数": failing["n_met"].map(lambda v: f"{int(v)}/7" if present(v) else "—"),
                               "需增加": failing["must_add_text"].str.replace("需增加", "", regex=False)}),
                 [2.2, 1.6, 0.9, 1.2, 5.0], f"未达到逐校要求的学校及需增加的数量（{year}年）")


def acceptance_section(report, b) -> None:
    """验收准备: each acceptance, the earlier first (report: a dashboard.word_report.Report; b: the Briefing)."""
    report.heading1("验收准备")
    year = readiness.data_year(b.as_of, b.include_demo) if readiness.available() else None
    if not readiness.available():
        report.para("数据仓库中还没有验收标准和学校数据，重建数据仓库后本节列出两项验收的准备情况。")
        return
    report.para("国家对县域学前教育普及普惠（2028年验收）和义务教育优质均衡（2030年验收）逐项、逐校评估。"
                f"以下按{f'{year}年学校与幼儿园数据和' if year else ''}各单位年度工作簿，逐项对照国家标准："
                "“按期可达”指按已有年度的进展速度，验收年可以达到；“滞后”指按现在的速度到验收年仍达不到。"
                f"评估标准{s.CAVEAT}。")
    table = readiness.readiness(b.as_of, b.include_demo)
    for r in readiness.summary(table).itertuples():
        part = table[table["scheme"] == r.scheme]
        report.heading2(f"{r.title}（{r.acceptance_year}年验收，{readiness.years_left(r.acceptance_year, b.as_of)}）")
        scheme_paragraphs(report, part, r)
        if year is None:
            report.para("还没有学校与幼儿园数据，逐校、逐园的部分待旗教育局报送后列出。")
        elif r.scheme == "优质均衡":
            balanced_paragraphs(report, b.as_of, year, b.include_demo)
        else:
            universal_paragraphs(report, part, year, b.include_demo)
