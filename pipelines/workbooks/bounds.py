"""How large a value may be: under a ceiling that fits its kind and unit (the numbers live in config.py)."""

from dataclasses import dataclass

from ..core import config


@dataclass(frozen=True)
class Finding:
    severity: str  # 'error' refuses the workbook; 'warning' loads it and keeps the warning
    reason: str


def ceiling(value_type: str, unit: str | None, bounds: str | None) -> float | None:
    """The largest plausible value of an indicator of this type, unit and bounds (None: no ceiling)."""
    if value_type == "percent":
        return {"share": config.SHARE_CEILING, "gross": config.GROSS_RATE_CEILING}.get(bounds, config.PERCENT_CEILING)
    if value_type == "rank":
        return config.RANK_CEILING
    if value_type == "count":
        return config.COUNT_CEILINGS.get(unit, config.COUNT_CEILING)
    if value_type == "amount":
        return config.AMOUNT_CEILINGS.get(unit, max(config.AMOUNT_CEILINGS.values()))
    if value_type == "area":
        return config.AREA_CEILINGS.get(unit, max(config.AREA_CEILINGS.values()))
    return None


def check_bound(value: float, indicator: dict, derived_from: str = "") -> Finding | None:
    """A value against its indicator's ceiling; derived_from says how a derived value was computed."""
    name, unit, bounds = indicator["name"], indicator["unit"] or "", indicator["bounds"]
    shown = f"{derived_from}{name}为{value:.1f}%" if derived_from else None
    if indicator["value_type"] == "percent" and bounds == "share" and value > config.SHARE_CEILING:
        return Finding("error", f"{shown}，占比不能超过100%" if shown else f"{name}不能超过100%（填写为{value:g}%）")
    if indicator["value_type"] == "percent" and bounds == "gross" and config.GROSS_RATE_WARNING < value <= config.GROSS_RATE_CEILING:
        return Finding("warning", f"{shown or f'{name}为{value:g}%'}，超过100%（毛入学率可能如此，请确认）")
    top = ceiling(indicator["value_type"], indicator["unit"], bounds)
    if top is not None and value > top:
        what = shown or f"数值{value:g}{unit}"
        return Finding("error", f"{what}超出合理范围：{name}不应超过{top:,.0f}{unit}（请检查是否多输了数字或填错了单位）")
    return None
