"""One palette for statuses on every page, chart, slide, document and sheet (issue 21).

Every status falls in one of five classes, each with a colour, a word and a mark, so that what the colour
says is also written: a greyscale print or a colour-blind reader loses nothing.

- 达成 ✓ pale green, 按期可达 ○ blue, 滞后 ▲ orange, 未达成 × red, 尚无结论 — light grey.
- "Behind" is orange and "missed" red: a Chinese reader's 橙色预警 and 红色预警 (the warning levels run
  蓝 → 黄 → 橙 → 红), where the earlier pink read as no alarm at all.
- Their lightness (CIE L*) is 82, 53, 71, 40 and 95: at least 11 apart, so the five print as five greys; for
  deuteranopes and protanopes (Machado et al. 2009) no two are closer than ΔE 22.
- The marks ✓ ○ ▲ × — are in every CJK font of the machine (Noto Sans/Serif CJK SC), as in 仿宋 and 宋体.
"""

from . import config

CLASSES = ("met", "on_track", "behind", "missed", "pending")
CLASS_WORDS = {"met": "达成", "on_track": "按期可达", "behind": "滞后", "missed": "未达成", "pending": "尚无结论"}
CLASS_COLOURS = {"met": "#A6D89B", "on_track": "#3C82C8", "behind": "#F39800", "missed": "#B52218",
                 "pending": "#F0F0F0"}
CLASS_MARKS = {"met": "✓", "on_track": "○", "behind": "▲", "missed": "×", "pending": "—"}
# Each class's colour for a mark or a word written on white (the fills above are too pale for text: contrast with
# white at least 4.5:1, WCAG AA).
CLASS_INKS = {"met": "#2E7D32", "on_track": "#2B67A8", "behind": "#A85400", "missed": "#B52218", "pending": "#666666"}
# The edge of a swatch or a bar: the pale classes need one to be seen on white paper.
EDGE = "#555555"

# Each status of config.STATUS_LABELS in its class.
STATUS_CLASSES = {
    "met": "met", "met_late": "met", "year_met": "met", "round_met": "met",
    "on_track": "on_track",
    "moderate": "behind", "insufficient": "behind", "moving_away": "behind",
    "missed": "missed", "unreachable": "missed", "fell_back": "missed", "year_missed": "missed", "round_missed": "missed",
    "not_due": "pending", "year_no_data": "pending", "no_data": "pending", "not_assessable": "pending",
}
STATUS_COLOURS = {code: CLASS_COLOURS[STATUS_CLASSES[code]] for code in config.STATUS_LABELS}
# Worst first: what a leader must see first when several statuses are summed up in one mark.
SEVERITY = ("missed", "behind", "on_track", "pending", "met")

# 验收准备: a criterion's readiness group and a school's level on one indicator, in the same classes.
READINESS_CLASSES = {"met": "met", "on_track": "on_track", "behind": "behind", "unknown": "pending"}
LEVEL_CLASSES = {"met": "met", "near": "behind", "below": "missed", "no_data": "pending", "out_of_scope": None}
# 报送与催报: what has come of a unit's workbook for a year.
RECEIPT_CLASSES = {"approved": "met", "pending": "on_track", "returned": "behind", "missing": "missed"}


# The status groups of a count, in reading order: (the class's word, its statuses) — 总览's bar, the 领导版.
GROUPS = [(CLASS_WORDS[k], tuple(c for c, klass in STATUS_CLASSES.items() if klass == k)) for k in CLASSES]


def class_of(status: str) -> str:
    """The class of a status code (a code not listed is taken as missed: never shown as fine)."""
    return STATUS_CLASSES.get(status, "missed")


def colour(status: str) -> str:
    return CLASS_COLOURS[class_of(status)]


def ink_of(status: str) -> str:
    """The colour to write a status's mark or words in on white."""
    return CLASS_INKS[class_of(status)]


def mark(status: str) -> str:
    return CLASS_MARKS[class_of(status)]


def tag(status: str, label: str | None = None) -> str:
    """× 逾期未达成 — the status's mark and its words (label: other words for it)."""
    return f"{mark(status)} {label or config.STATUS_LABELS[status]}"


def class_tag(klass: str, label: str | None = None) -> str:
    """▲ 滞后 — a class's mark and its word (label: other words for it)."""
    return f"{CLASS_MARKS[klass]} {label or CLASS_WORDS[klass]}"


def worst(classes) -> str | None:
    """The most severe of some classes (None for none)."""
    found = set(classes)
    return next((k for k in SEVERITY if k in found), None)


def ink(fill: str) -> str:
    """Black or white text, whichever reads better on the colour."""
    r, g, b = (int(fill[i:i + 2], 16) for i in (1, 3, 5))
    return "#1F1F1F" if 0.299 * r + 0.587 * g + 0.114 * b > 140 else "#FFFFFF"


def lightness(fill: str) -> float:
    """CIE L* of a colour (0 black … 100 white): how it prints in grey."""
    def linear(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(int(fill[i:i + 2], 16)) for i in (1, 3, 5))
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return 116 * (y ** (1 / 3) if y > 216 / 24389 else (24389 / 27 * y + 16) / 116) - 16
