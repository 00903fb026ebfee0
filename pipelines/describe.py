"""Targets and values in the words a reader expects (≥95%, 每年≥20所, 前5位, 2.0:4.2:3.8)."""

from . import config, formats
from .formats import flag, present, shares_text, stage  # noqa: F401 (the names pages and tests import from here)

SYMBOLS = {">=": "≥", "<=": "≤", "=": "＝", "<": "＜"}


def parts_of(value) -> list[float] | None:
    return [float(v) for v in value] if present(value) else None


def number(value, unit: str | None = None) -> str:
    """1,234.5 / 12,000 / 95.3% / 0.34 — thousands separated, one decimal (two below 1)."""
    if not present(value):
        return "—"
    if abs(value) >= 1e6:
        text = f"{value:,.0f}"
    elif abs(value) < 1 and round(value, 1) != round(value, 2):
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
    else:
        text = f"{value:,.1f}".rstrip("0").rstrip(".")
    return f"{text}{unit or ''}"


# Kinds said in the same words whatever their value.
FIXED_WORDS = {"milestone": "通过验收", "compliance": "全部达标（100%）"}


def describe_target(kind: str, comparator: str, value, unit: str | None, ratio_parts=None, basis=None,
                    recurring: bool = False, goal: str | None = None) -> str:
    """The target in a few words, as its rule judges it (只增不减 is 不低于上年; 每次评选 is per round).

    goal: the catalogue's own words for a target whose kind's words do not fit (建成, 缺口补齐 …).
    """
    if present(goal) and goal:
        return goal
    if kind in FIXED_WORDS:
        return FIXED_WORDS[kind]
    unit = unit or ""
    if kind == "ratio":
        parts = ":".join(f"{p:.1f}" for p in ratio_parts)
        return f"{parts}{'以上' if comparator == '>=' else ''}"
    if kind == "trend":
        return _trend_words(comparator, basis, recurring)
    if kind == "project":
        return config.PROJECT_GOALS[int(value)]
    if kind == "rank":
        return f"全市前{value:g}位"
    if kind == "count_annual":
        prefix = {"mean": "年均", "each_round": "每次评选"}.get(basis, "每年")
        return f"{prefix}{SYMBOLS.get(comparator, '')}{number(value, unit)}"
    if kind == "level" and comparator == "<=" and value == 0:
        return "全部化解（0）"
    prefix = "累计" if kind == "count_cumulative" else ""
    return f"{prefix}{SYMBOLS.get(comparator, '')}{number(value, unit)}"


def _trend_words(comparator: str, basis: str | None, recurring: bool) -> str:
    """逐年增加; 大幅提升; 不低于上年（只增不减）; 低于基线（缩减） — the words of the rule that judges it."""
    if comparator == "not_decreasing":
        return config.TREND_WORDS["not_decreasing"]
    if basis == "overall":
        return config.TREND_WORDS[("below_baseline" if comparator == "decreasing" else "above_baseline") if recurring
                                  else "overall"]
    return config.TREND_WORDS["decreasing" if comparator == "decreasing" else "increasing"]


def describe_goal(row) -> str:
    """describe_target for a row of the targets or of statuses() (every page, slide, sheet and sentence)."""
    return describe_target(row.kind, row.comparator, row.target_value, row.unit, parts_of(row.ratio_parts),
                           getattr(row, "basis", None), bool(getattr(row, "recurring", False)),
                           getattr(row, "goal", None))


def worded(value, unit: str | None) -> str | None:
    """A value said as a word where its unit makes it one (是/否 of an acceptance, a project's 进度); else None."""
    if unit == "是/否":
        return flag(value)
    if unit == config.PROJECT_UNIT:
        return stage(value)
    return None


def describe_year(row) -> str:
    """The target's year (2025年), or how a standing rule is judged (每年, 自2023年起每年, 每次评选)."""
    year = int(row.target_year) if present(row.target_year) else None
    if row.kind not in config.EVENT_KINDS and (row.recurring or year is None):
        each = "每次评选" if row.basis == "each_round" else "每年"
        return f"自{year}年起{each}" if year else each
    return f"{year}年" if year else "—"


def _gap_words(gap, unit: str | None) -> str:
    """，差8.8个百分点 — how far a status under one text is from its target (nothing when met)."""
    if not present(gap) or gap <= 0:
        return ""
    return f"，差{formats.points(gap) if unit == formats.RATE_UNIT else formats.count(gap, unit)}"


def ruling_words(row) -> str:
    """已裁定以正文为准（admin，2026-11-02：理由…） or 尚未裁定，暂以附件为准 — the ruling of a target the two texts
    state differently (issue 19)."""
    if not bool(getattr(row, "ruled", False)) or not present(getattr(row, "ruled_by", None)):
        return f"尚未裁定，暂以{config.RULING_TEXTS[config.DEFAULT_RULING_TEXT]}为准"
    when = row.ruled_at.strftime("%Y-%m-%d") if present(row.ruled_at) else ""
    return f"已裁定以{config.RULING_TEXTS[row.text_basis]}为准（{row.ruled_by}，{when}：{row.ruling_reason}）"


def texts_sentence(row) -> str | None:
    """按附件（60%以上）：逾期未达成，差8.8个百分点；按正文（50%以上）：已达成；尚未裁定，暂以附件为准 — a target the
    body and the attachment state differently, its status under each text and the ruling; None for the others."""
    if not present(getattr(row, "text_basis", None)):
        return None
    counts = config.RULING_TEXTS[row.text_basis]
    other = config.RULING_TEXTS[row.alt_text]
    return (f"按{counts}（{row.basis_words}）：{row.status_label}{_gap_words(row.gap, row.unit)}；"
            f"按{other}（{row.alt_words}）：{row.alt_status_label}{_gap_words(row.alt_gap, row.unit)}；"
            f"{ruling_words(row)}")
