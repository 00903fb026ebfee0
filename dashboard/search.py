"""Finding a target by the words an official uses: any word of its name, the notice's phrase, its task,
its definition, its lead unit, and the common other words for the same thing (入园率 for 入公办园率)."""

import re

import pandas as pd

# Other words officials use for what the catalogue names differently. Each key also matches itself.
SYNONYMS = {
    "入园率": ("入公办园率", "毛入园率", "在园幼儿"),
    "公办园": ("入公办园率", "公办幼儿园"),
    "普惠": ("普惠性幼儿园",),
    "职称": ("岗位", "职称评聘", "专业技术"),
    "岗位": ("职称",),
    "工资": ("工资", "待遇", "公务员"),
    "待遇": ("工资",),
    "债务": ("债务", "化解"),
    "经费": ("经费", "支出", "教育费附加", "只增不减", "拨款", "公用经费"),
    "投入": ("经费", "支出", "只增不减"),
    "特教": ("特殊教育", "残疾", "融合教育"),
    "残疾": ("特殊教育", "残疾儿童"),
    "职教": ("职业", "中职", "职普比"),
    "中职": ("职业", "中职"),
    "职普比": ("职普", "职业教育"),
    "高考": ("高考", "上线率", "录取", "600分"),
    "升学": ("高考", "升入本科", "录取"),
    "安全": ("平安校园",),
    "平安": ("平安校园",),
    "网络": ("千兆", "网络"),
    "信息化": ("千兆", "网络"),
    "轮岗": ("交流轮岗", "交流"),
    "交流": ("交流轮岗",),
    "表彰": ("表彰", "评选", "优秀"),
    "名师": ("名教师", "名校长", "名班主任"),
    "培训": ("培训", "教研员"),
    "食堂": ("餐厅", "食堂"),
    "验收": ("验收",),
    "优质均衡": ("义务教育优质均衡",),
    "普及普惠": ("学前教育普及普惠",),
    "巩固率": ("巩固率",),
    "毛入学率": ("毛入学率", "高中阶段"),
}
SEARCHED = ("target_id", "indicator_code", "indicator_name", "source_text", "task_text", "definition", "lead_unit",
            "section_title", "status_label")
WORD_SPLIT = re.compile(r"[\s,，、;；/]+")
TASK_NUMBER = re.compile(r"^(?:任务|第)?(\d{1,2})(?:项|号)?$")


def loosely_in(word: str, text: str) -> bool:
    """The word's characters in order within a short stretch of the text (入园率 in 入公办园率)."""
    if word in text:
        return True
    if len(word) < 2:
        return False
    pattern = "".join(re.escape(ch) + ".{0,2}" for ch in word[:-1]) + re.escape(word[-1])
    return re.search(pattern, text) is not None


def word_matches(word: str, haystack: str, task_no: int) -> bool:
    number = TASK_NUMBER.match(word)
    if number:
        return int(number.group(1)) == task_no
    if word.isascii():
        return word.lower() in haystack.lower()
    return any(loosely_in(w, haystack) for w in (word, *SYNONYMS.get(word, ())))


def search_targets(frame: pd.DataFrame, query: str) -> pd.DataFrame:
    """The targets every word of the query matches (by any of their words, or a common synonym), those
    whose own name matches first, then those whose notice phrase does, then the rest (their task's text)."""
    words = [w for w in WORD_SPLIT.split(query.strip()) if w]
    if not words:
        return frame
    haystacks = frame[[c for c in SEARCHED if c in frame.columns]].fillna("").astype(str).agg(" ".join, axis=1)
    keep = [all(word_matches(w, text, int(n)) for w in words) for text, n in zip(haystacks, frame["task_no"])]
    found = frame[keep]

    def rank(row) -> int:
        if all(word_matches(w, f"{row.target_id} {row.indicator_name}", int(row.task_no)) for w in words):
            return 0
        return 1 if all(word_matches(w, str(row.source_text), int(row.task_no)) for w in words) else 2

    order = sorted(range(len(found)), key=lambda i: rank(found.iloc[i]))
    return found.iloc[order]
