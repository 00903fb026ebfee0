"""The status method in plain Chinese, for the pages, the deck and the reports (the README says it in full).

One place, so that what a leader reads on 总览, in the deck and in the Excel report is the same as what
pipelines/status.py does.
"""

from . import config

ON_TRACK = f"{config.ON_TRACK_RATIO:.0%}"
MODERATE = f"{config.MODERATE_RATIO:.0%}"

# (name of the rule, what it says), in the order a reader meets them.
RULES: list[tuple[str, str]] = [
    ("有完成年份的目标",
     "最新值达到目标为“已达成”；目标年份过后才达到为“逾期达成”；目标年份已到仍未达到为“逾期未达成”"
     "（无论最新数据是哪一年的，说明中注明数据年份）；按期达到、此后又低于目标为“达成后回落”。"),
    ("尚未到期、尚未达到的",
     f"比较实际进展速度与按期达标所需的速度：达到所需速度的{ON_TRACK}以上为“按期可达”，{MODERATE}至{ON_TRACK}为“进展偏慢”，"
     f"{MODERATE}以下为“进展不足”，朝反方向变化为“偏离目标”（基线时已达标、此后回落的，也是偏离目标）。"
     "只有一个年度的数据为“无法评估”，没有数据为“暂无数据”。"),
    ("累计数量（创建……所）", "自2023年起各年新增数相加，再按上述方法评估。"),
    ("每年、长期坚持的要求",
     "（每年……所、按2.0:4.2:3.8核定岗位、教师工资不低于公务员等）只看评估年度当年的数值："
     "“当年达标”或“当年未达标”，当年未报送为“当年暂无数据”，不判“逾期”。“年均”目标看2023年以来的年均值。"),
    ("每次评选", "看最近一次评选是否达到名额；没有评选的年份不算未达标。"),
    ("验收", "报告“通过”即达成（验收年份之后才通过为“逾期达成”）；验收年份之前为“未到期”；"
     "验收年份已过仍未通过或未报告为“逾期未达成”。"),
    ("逐年增加、只增不减",
     "逐年增加要求每年都比上年多：目标年份前出现持平或下降即“未达成，已无法达成”。只增不减为当年不低于上年。"
     "“大幅提升”未给出幅度，按高于基线判断。"),
    ("结构比例",
     f"高、中、初级岗位按合计10折算，各部分与2.0:4.2:3.8的最大偏差不超过{config.RATIO_TOLERANCE}为达标；职普比看职业教育一项是否达到3.5。"),
]

# The progress ratio as a formula, for those who check the arithmetic: one click away on the dashboard, in the
# Excel report's method sheet, and in the Word report's appendix (its body says the method in words only).
RATIO = (
    "基线b为2022年（或首个填报年度t0）的数值，最新值v（年度t），目标x（年度T），d为目标方向（“以上”为+1，"
    "“以下”“前N位”为−1）。进展比 r = [(v−b)/(t−t0)] ÷ [d·|x−b|/(T−t0)]，即实际年均变化除以所需年均变化，"
    "所需变化的符号取目标方向、大小取|x−b|；|x−b|为0（基线恰在目标上）而此后未达标的，直接判为偏离目标。"
)
BANDS = (f"分档：r≥{config.ON_TRACK_RATIO} 按期可达，{config.MODERATE_RATIO}≤r<{config.ON_TRACK_RATIO} 进展偏慢，"
         f"0≤r<{config.MODERATE_RATIO} 进展不足，r<0 偏离目标")
LINEAR = ("年均变化按线性计算而不是按复合增长率：累计数量从0起步、有的目标值为0，复合增长率在这些情况下无法计算；"
          "对按比例增长的指标，线性口径在前期略严、后期略宽。")
FORMULA = f"{RATIO}{BANDS}（与欧盟统计局、Open SDG 的分档相同）。与它们不同的是，{LINEAR}"
# The same for a reader who does not know those sources (the Word report's appendix).
FORMULA_PLAIN = f"{RATIO}{BANDS}。{LINEAR}"


def rules_text(separator: str = "；") -> str:
    """The rules as one paragraph (for a deck or a sheet)."""
    return separator.join(f"{name}：{text}" for name, text in RULES)
