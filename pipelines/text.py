"""Small text helpers: Chinese numerals, width folding, cell text."""

import re
import unicodedata

import wcwidth

from . import config

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def is_wide(ch: str, ambiguous_wide: bool = False) -> bool:
    """Whether a character takes two columns (a CJK character, a full-width form), by Unicode's East Asian Width
    as wcwidth knows it; `ambiguous_wide`: the ambiguous ones too (—, ≥, ①), as a CJK font draws them."""
    return wcwidth.wcwidth(ch, ambiguous_width=2 if ambiguous_wide else 1) == 2


def chinese_number(text: str) -> int:
    """`三十` → 30, `二十八` → 28, `十二` → 12, `九` → 9 (the numbers the notice uses)."""
    text = text.strip()
    if not text:
        raise ValueError("empty numeral")
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (DIGITS[tens] if tens else 1) * 10 + (DIGITS[ones] if ones else 0)
    return DIGITS[text]


def fold(text: str) -> str:
    """Full-width letters, digits and punctuation to their ASCII forms (NFKC)."""
    return unicodedata.normalize("NFKC", text)


def squeeze(text) -> str:
    """Cell text without any whitespace, for comparing header words."""
    if text is None:
        return ""
    return re.sub(r"\s+", "", fold(str(text)))


def cell_text(value) -> str:
    """A cell as text: '' for empty, whole floats without `.0`."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def over_limit(column: str, text: str) -> str | None:
    """Why a unit's own words in a column are refused for their length (config.TEXT_LIMITS), or None."""
    limit = config.TEXT_LIMITS.get(column)
    if limit is None or len(text) <= limit:
        return None
    return (f"{column}共 {len(text):,} 字，超过 {limit} 字的上限：请精简到 {limit} 字以内"
            "（详细材料可作为佐证材料上传）")


def join_lines(text: str) -> str:
    """A wrapped cell's lines joined: Chinese needs no space where a line was broken."""
    return "".join(line.strip() for line in text.splitlines())
