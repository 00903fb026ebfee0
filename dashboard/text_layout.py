"""Chinese text broken into lines for a chart, which cannot wrap text itself (issue 21).

A line breaks between words, never inside a number, a structure or a short bracket: "（2025年）",
"2.0:4.2:3.8", "95.9%", "≥95%" and "1,560人" stay whole; no line begins with 、，。；：）and none ends with （.
Widths are measured in pixels of the font the text is drawn in: a Chinese character is one em, a Latin letter,
a digit or ASCII punctuation about 0.6 em (Noto Sans CJK's proportional Latin is narrower; the margin is kept).
"""

import re

from pipelines.text import is_wide

LATIN_EM = 0.6
# A number with what belongs to it (1,560 / 95.9% / 2.0:4.2:3.8 / 2023—2025 / +4,900), a Latin word, a short
# bracket (（2025年）, （每年）), or one other character.
_TOKEN = re.compile(
    r"[+\-−≥≤＝＞＜第]?[0-9][0-9.,:%‰]*(?:[—–-][0-9][0-9.,:%‰]*)?"  # numbers, ranges, structures, signed changes
    r"(?:个百分点|人次|万元|平方米|[所个人名年月日位项次亩元间班])?"  # with their unit
    r"|[A-Za-z][A-Za-z0-9_\-]*"  # a Latin word or code (T03-1, PNG)
    r"|（[^（）]{1,10}）|\([^()]{1,10}\)"  # a short bracket, kept whole
    r"|<[^>]+>"  # markup (<b>, <span …>): no width, never split
    r"|.",
    re.S,
)
NO_LINE_START = set("、，。；：！？）》」』”’%．，,.;:!?)]}")
NO_LINE_END = set("（《「『“‘([{")


def char_em(ch: str) -> float:
    """One em for a character a CJK font draws full width (pipelines.text.is_wide, ambiguous ones too: —, …, ≥)."""
    return 1.0 if is_wide(ch, ambiguous_wide=True) else LATIN_EM


def text_em(text: str) -> float:
    """The width of a text in ems (markup has none)."""
    return sum(char_em(ch) for ch in re.sub(r"<[^>]+>", "", text))


def text_px(text: str, font_px: float) -> float:
    return text_em(text) * font_px


def _units(text: str) -> list[str]:
    """The pieces a line may break between: tokens, each with the punctuation that must stay by it."""
    units: list[str] = []
    pending = ""  # an opening bracket or a sign waiting for what follows it
    for token in _TOKEN.findall(text):
        if token in NO_LINE_START and units and not pending:
            units[-1] += token
        elif token in NO_LINE_END or token.startswith("<"):
            pending += token
        else:
            units.append(pending + token)
            pending = ""
    if pending:
        if units:
            units[-1] += pending
        else:
            units.append(pending)
    return units


PREFERRED_BREAKS = ("；", "，", "／", "、", "：", " ")  # a line ends here rather than inside a phrase
PREFERRED_FILL = 0.55  # …if the line is at least this full there


def wrap(text: str, width_px: float, font_px: float) -> list[str]:
    """Lines of at most width_px at font_px (a unit wider than a line has a line of its own, never cut), each
    ending after a ；，／、 where that leaves it more than half full."""
    room = width_px / font_px
    lines: list[str] = []
    line: list[str] = []
    for unit in _units(text):
        if line and text_em("".join(line)) + text_em(unit) > room:
            cut = _preferred_cut(line, room)
            lines.append("".join(line[:cut]).rstrip())
            line = [line[i] for i in range(cut, len(line))]
            if line:
                line[0] = line[0].lstrip()
            while line and text_em("".join(line)) + text_em(unit) > room:  # still too long: break as it comes
                lines.append("".join(line).rstrip())
                line = []
            unit = unit.lstrip() if not line else unit
        line.append(unit)
    if line:
        lines.append("".join(line).rstrip())
    return [x for x in lines if x]


def _preferred_cut(line: list[str], room: float) -> int:
    """Where to end a full line: after its last preferred break that leaves it more than half full, else at its end."""
    used = 0.0
    best = len(line)
    for i, unit in enumerate(line):
        used += text_em(unit)
        if unit.endswith(PREFERRED_BREAKS) and used >= PREFERRED_FILL * room and i < len(line) - 1:
            best = i + 1
    return best
