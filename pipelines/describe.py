"""Targets and values in the words a reader expects (≥95%, 每年≥20所, 前5位, 2.0:4.2:3.8)."""

import pandas as pd

SYMBOLS = {">=": "≥", "<=": "≤", "=": "＝"}


def present(value) -> bool:
    """False for None, NaN and pandas' NA (what a NULL becomes in a DataFrame)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return False
    if isinstance(value, float):
        return value == value
    return True


def parts_of(value) -> list[float] | None:
    return [float(v) for v in value] if present(value) else None


def number(value, unit: str | None = None) -> str:
    if not present(value):
        return "—"
    text = f"{value:,.1f}".rstrip("0").rstrip(".") if abs(value) < 1e6 else f"{value:,.0f}"
    return f"{text}{unit or ''}"


def describe_target(kind: str, comparator: str, value, unit: str | None, ratio_parts=None, basis=None) -> str:
    unit = unit or ""
    if kind == "ratio":
        parts = ":".join(f"{p:.1f}" for p in ratio_parts)
        return f"{parts}{'以上' if comparator == '>=' else ''}"
    if kind == "trend":
        return "大幅提升" if basis == "overall" else "逐年增加"
    if kind == "milestone":
        return "通过验收"
    if kind == "rank":
        return f"全市前{value:g}位"
    if kind == "compliance":
        return "每校（人）达标，100%"
    if kind == "count_annual":
        prefix = "年均" if basis == "mean" else "每年"
        return f"{prefix}{SYMBOLS.get(comparator, '')}{number(value, unit)}"
    if kind == "count_cumulative":
        return f"累计{SYMBOLS.get(comparator, '')}{number(value, unit)}"
    if kind == "level" and comparator == "<=" and value == 0:
        return "全部化解（0）"
    return f"{SYMBOLS.get(comparator, '')}{number(value, unit)}"
