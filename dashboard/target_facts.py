"""指标's four cards for a target: its status, latest value, target and gap, written by pipelines/formats.py as every
other view writes them (issue 21)."""

from pipelines import config, formats
from pipelines.describe import describe_goal, describe_year, present

# The cards' values wrap instead of being cut with an ellipsis (issue 21: "1.66:4.28:…" at 1366 px).
CARDS_CSS = """
<style>
[data-testid="stMetricValue"] > div, [data-testid="stMetricValue"] p { white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; line-height: 1.2; }
[data-testid="stMetricValue"] { font-size: clamp(1.3rem, 2.1vw, 2.1rem) !important; }
</style>
"""


def cards(target) -> list[tuple[str, str, str | None]]:
    """(label, value, help) of the status, the latest value, the target and the gap."""
    status = f"状态（按{config.RULING_TEXTS[target.text_basis]}）" if present(target.text_basis) else "状态"
    latest = f"最新值（{int(target.latest_year)}年）" if present(target.latest_year) else "最新值"
    gap = formats.gap(target) or ("已达到" if target.status in config.MET_STATUSES else formats.NONE)
    return [
        (status, target.status_label, None),
        (latest, formats.latest(target), None),
        (f"目标（{describe_year(target)}）", describe_goal(target), None),
        ("差距", gap, "距达到目标还差多少；结构比例为各部分与目标的最大偏差"),
    ]
