"""Heading text as the statistics system writes it, made comparable: units, brackets, 其中 marks, years."""

import re

from rapidfuzz import fuzz

from ..core.text import fold
from ..workbooks.statistics_words import SUB_ROW_PREFIX
from . import settings as s

NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．](?!\d))")
TOTAL_SUFFIXES = ("合计", "总计", "小计", "总数")
PUNCTUATION = re.compile(r"[\s、，,。．.：:；;/\\\-—–·•\"“”'‘’()（）\[\]【】〔〕<>《》#＃*＊]+")


def display(value) -> str:
    """A cell's text as shown, on one line (a wrapped heading's lines joined), '' for empty."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "".join(line.strip() for line in str(value).splitlines()).strip()


def unit_of(text: str) -> str | None:
    """The unit a heading carries in brackets (在校生数（人） → 人), or a units cell's unit (单位：万元 → 万元)."""
    folded = fold(text).replace(" ", "")
    match = s.UNIT_IN_HEADING.search(folded)
    if match:
        return match.group(1)
    return folded.strip("（）()").split("：")[-1].split(":")[-1] if is_unit_cell(text) else None


def is_unit_cell(text: str) -> bool:
    """A cell that only gives a unit: "（人）", "单位：人", "万元"."""
    folded = fold(text).replace(" ", "").replace("\u3000", "")
    return bool(folded) and bool(s.UNIT_CELL.match(folded))


def without_years(text: str) -> str:
    """Text with its years taken out (2025年, 2025学年初, 2024-2025学年): the same layout next year."""
    return s.YEAR_WORDS.sub("", fold(text))


def key(text) -> str:
    """A heading for comparing: no units in brackets, no 其中 mark, no brackets, spaces or punctuation."""
    folded = fold(display(text))
    folded = s.UNIT_IN_HEADING.sub("", folded)
    folded = NUMBERING.sub("", SUB_ROW_PREFIX.sub("", folded.strip()))
    return PUNCTUATION.sub("", folded)


def is_sub(text) -> bool:
    """A 其中 / # part (a sub-row or a sub-column of the one before), or a label indented under it."""
    raw = "" if text is None else str(text)
    return bool(raw.strip()) and (SUB_ROW_PREFIX.match(fold(raw.strip())) is not None or raw.startswith(("\u3000", " ")))


def is_neutral(part: str) -> bool:
    """A path part that adds nothing to its parent: 合计, 实际值, 数量, a unit."""
    k = key(part)
    return not k or k in s.TOTAL_PARTS or is_unit_cell(part)


def is_reference(part: str) -> bool:
    """A 基本值 / 达标值 / 是否达标 column: a reference beside the value, never a value to read."""
    return key(part) in s.REFERENCE_PARTS


def similarity(text: str, words: tuple[str, ...]) -> float:
    """How well a heading names one of the words: 1.0 when it is one of them, less for a heading only like one."""
    k = key(text)
    if not k:
        return 0.0
    keys = [key(w) for w in words]
    bare = next((k[: -len(t)] for t in TOTAL_SUFFIXES if k.endswith(t) and len(k) > len(t)), k)  # 在园人数合计
    if k in keys or bare in keys:
        return 1.0
    best = max((fuzz.ratio(k, w) for w in keys if w), default=0.0) / 100
    return best * s.FUZZY_WEIGHT
