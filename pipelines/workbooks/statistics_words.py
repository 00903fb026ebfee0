"""The words of the national education statistics system, mapped to the platform's (docs/analysts.md, “What a statistics office's exports look like”).

An analyst's own files (the statistics system's exports) and the platform's workbooks typed by hand both
write 初级中学, 九年一贯制学校, 教育部门办 or a 城乡分类代码 111: they are read as the platform's word, never
refused. One table per code list; `canonical` is the one lookup every reader uses.
"""

import re

from ..core.text import squeeze

# 办学类型 (school type).
SCHOOL_TYPE_WORDS = {
    "小学": ("普通小学", "完全小学", "中心小学", "村小学", "村小"),
    "教学点": ("小学教学点", "教学点"),
    "初中": ("初级中学", "普通初中", "初级中学校", "独立初中"),
    "九年一贯制": ("九年一贯制学校", "九年制学校", "九年一贯"),
    "完全中学": ("完全中学", "完中"),
    "十二年一贯制": ("十二年一贯制学校", "十二年一贯"),
    # listed for the counts of schools, not judged by 优质均衡 (issue 18)
    "普通高中": ("高级中学", "普通高级中学", "高中"),
    "中等职业学校": ("中职", "中职学校", "中等专业学校", "职业高中", "职业中学", "中等职业技术学校"),
    "特殊教育学校": ("特教学校", "特殊教育", "特校"),
}
# 学段 (stage) on a school's row; 全校 on a multi-stage school's shared row.
STAGE_WORDS = {
    "小学": ("小学阶段", "小学部", "普通小学"),
    "初中": ("初中阶段", "初中部", "初级中学"),
    "高中": ("高中阶段", "高中部", "普通高中"),
    "全校共用": ("全校", "全校合计", "全校共用", "学校合计", "共用"),
}
# 举办者 of a school (公办 / 民办).
SCHOOL_OWNER_WORDS = {
    "公办": ("教育部门办", "地方教育部门办", "教育部门", "集体办", "其他部门办", "地方其他部门办", "地方企业办", "公立"),
    "民办": ("民办", "私立", "民办学校"),
}
# 性质 of a kindergarten (公办 / 普惠性民办 / 非普惠民办).
KG_OWNER_WORDS = {
    "公办": ("教育部门办", "地方教育部门办", "教育部门", "集体办", "其他部门办", "地方其他部门办", "公办园", "公立"),
    "普惠性民办": ("普惠性民办园", "普惠民办", "民办普惠", "普惠性民办幼儿园"),
    "非普惠民办": ("非普惠性民办", "非普惠性民办园", "民办非普惠", "营利性民办"),
}
# 城乡类型: the words and the 统计用城乡分类代码 (111–123 城镇; 210, 220 乡村).
AREA_WORDS = {
    "城区": ("主城区", "城乡结合区", "111", "112"),
    "镇区": ("镇中心区", "镇乡结合区", "特殊区域", "121", "122", "123"),
    "乡村": ("乡中心区", "村庄", "农村", "210", "220"),
}
# 办学类型代码 of the statistics system (教育部《教育管理信息 教育管理基础代码》JY/T 1001, 学校（机构）办学类型), for an
# export that writes the code alone (311) or before the word (311 初级中学): the platform's 办学类型 of each code.
SCHOOL_TYPE_CODES = {
    "211": "小学", "218": "教学点",
    "311": "初中", "312": "九年一贯制",
    "341": "完全中学", "342": "普通高中", "345": "十二年一贯制",
    "361": "中等职业学校", "362": "中等职业学校", "364": "中等职业学校", "365": "中等职业学校",
    "511": "特殊教育学校", "512": "特殊教育学校", "513": "特殊教育学校", "514": "特殊教育学校",
}
CODE_LISTS = {
    "school_type": SCHOOL_TYPE_WORDS,
    "stage": STAGE_WORDS,
    "school_owner": SCHOOL_OWNER_WORDS,
    "kg_owner": KG_OWNER_WORDS,
    "area": AREA_WORDS,
}

# Rows that are sums of others (never data rows of their own) and the mark of a sub-row.
TOTAL_WORDS = ("合计", "小计", "总计", "全旗合计", "全县合计", "全旗", "全县", "总数")
SUB_ROW_PREFIX = re.compile(r"^(?:#|＃|其中[:：]?|内[:：]|\s)+")


def canonical(list_name: str, text) -> str | None:
    """The platform's word for text in one code list, or None when it is not one of its words."""
    words = CODE_LISTS[list_name]
    key = squeeze(text)
    if not key:
        return None
    if key in words:
        return key
    for word, synonyms in words.items():
        if key in synonyms:
            return word
    return None


def is_total(label) -> bool:
    """A 合计 / 小计 / 总计 row (its label, spaces and 其中 marks taken off)."""
    return SUB_ROW_PREFIX.sub("", squeeze(label)) in TOTAL_WORDS


# Rows of a per-school table that are figures about the schools, not schools (优质均衡 tables close each 学段
# with them).
SUMMARY_STATISTIC_WORDS = ("全县平均值", "全旗平均值", "平均值", "平均", "均值", "差异系数", "校际差异系数", "标准差",
                           "最大值", "最小值", "中位数", "县域差异系数", "全县", "全旗")


def is_summary_statistic(label) -> bool:
    """A 全县平均值 / 差异系数 row (its label, spaces and 其中 marks taken off)."""
    return SUB_ROW_PREFIX.sub("", squeeze(label)) in SUMMARY_STATISTIC_WORDS
