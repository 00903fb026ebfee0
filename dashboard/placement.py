"""Dashboard charts placed on a slide or a printed page, at the size they are shown there.

A chart is laid out at the size of its place in points (one CSS pixel per point) and rendered at a
multiple of that for sharpness, so a 14 px label is a 14 pt label on the slide: nothing is shrunk to fit.
Every font is raised to the place's minimum (14 pt on a projected slide). The slide or page carries the
title, the source line and the 示例数据 mark, so the chart's own (charts.style tags them) are left out.
"""

from dataclasses import dataclass

import plotly.graph_objects as go

from . import images
from .charts import FRAME_ANNOTATIONS

PIXELS_PER_POINT = 2  # a 960 pt slide becomes 1920 px: one image pixel per pixel of a 1080p projector
SLIDE_WIDTH_PT = 960  # a 16:9 slide, 13.33 in wide
SLIDE_HEIGHT_PT = 540
SLIDE_MIN_FONT = 14.0  # pt, the smallest text a projected slide may carry (issue 11)
PRINT_MIN_FONT = 9.0  # pt, 小五: the smallest text of a figure on a printed page (as GB/T 7713 has it)


@dataclass(frozen=True)
class Box:
    """A place on a slide or page, in points from its top left corner."""

    left: float
    top: float
    width: float
    height: float


def _fonts(node):
    """Every font dict in a figure's JSON (layout, traces, annotations, axes, legend, template)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("font") and isinstance(value, dict):
                yield value
            yield from _fonts(value)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from _fonts(value)


def _sizes(font: dict) -> list[float]:
    size = font.get("size")
    if size is None:
        return []
    return [float(s) for s in size] if isinstance(size, list | tuple) else [float(size)]


def font_sizes(fig: go.Figure) -> list[float]:
    """Every font size the figure draws with, px: those set, the default that the rest inherit, and the
    floor below which Plotly may shrink text inside bars."""
    spec = fig.to_plotly_json()
    layout = spec.get("layout", {})
    sizes = [float(layout.get("font", {}).get("size", 12))]  # Plotly's default is 12 px
    for font in _fonts(spec):
        if font is layout.get("font"):
            continue
        sizes += _sizes(font)
    texts_inside = any(t.get("textposition") in ("inside", "auto", None) and t.get("text") is not None
                       for t in spec.get("data", []) if t.get("type") in ("bar", "funnel", "waterfall"))
    if texts_inside:
        sizes.append(float(layout.get("uniformtext", {}).get("minsize") or 0))
    return sizes


def effective_min_pt(fig: go.Figure, placed_width_pt: float) -> float:
    """The smallest text of the figure, in points, once its image is placed that wide."""
    return min(font_sizes(fig)) * placed_width_pt / fig.layout.width


def _floored(fig: go.Figure, floor: float) -> dict:
    """The figure's JSON (without frames) with every font, and the default the rest inherit, at least `floor` px."""
    spec = fig.to_plotly_json()
    spec.pop("frames", None)
    layout = spec.setdefault("layout", {})
    for font in _fonts(spec):
        if "size" in font:
            size = font["size"]
            font["size"] = [max(float(s), floor) for s in size] if isinstance(size, list | tuple) else max(float(size), floor)
    base = layout.setdefault("font", {})
    base["size"] = max(float(base.get("size", 12)), floor)
    return spec


def placed(fig: go.Figure, box: Box, min_font: float, zoom: float = 1.0) -> go.Figure:
    """A copy of a dashboard figure for a place of this size: no title, source line or 示例数据 mark of its
    own, laid out `zoom` CSS pixels per point of the place, no text smaller than min_font points there.

    zoom 1 keeps the dashboard's font sizes as points (a slide); a larger zoom prints them smaller (a page).
    """
    width, height = round(box.width * zoom), round(box.height * zoom)
    floor = min_font * width / box.width  # px that print as min_font pt once the image is box.width wide
    spec = _floored(fig, floor)
    layout = spec["layout"]
    layout["annotations"] = [a for a in layout.get("annotations", []) if a.get("name") not in FRAME_ANNOTATIONS]
    layout["title"] = {"text": ""}
    margin = layout.get("margin", {})
    top = 30 if any(k.startswith("xaxis") and v.get("side") == "top" for k, v in layout.items()) else 10
    layout["margin"] = {**margin, "t": top, "b": 10, "l": margin.get("l", 10), "r": margin.get("r", 10)}
    layout["width"], layout["height"] = width, height
    layout["uniformtext"] = {"minsize": floor, "mode": "hide"}  # text that does not fit a bar at that size is left out, not overlapped
    return go.Figure(spec)


def render(fig: go.Figure, width: float, pixels_per_point: float = PIXELS_PER_POINT) -> bytes:
    """The placed figure as a PNG for a place `width` points wide, at pixels_per_point."""
    scale = width * pixels_per_point / fig.layout.width
    return images.png(fig, width=fig.layout.width, height=fig.layout.height, scale=scale)


def standalone(fig: go.Figure, width: float = SLIDE_WIDTH_PT, min_font: float = SLIDE_MIN_FONT) -> go.Figure:
    """A copy of a dashboard figure as a picture of its own (title, source line and 示例数据 mark kept) laid out
    `width` px wide, one px per point of a slide it fills from edge to edge, no text smaller than min_font there."""
    spec = _floored(fig, min_font)
    layout = spec["layout"]
    if "uniformtext" in layout:
        layout["uniformtext"] = {**layout["uniformtext"], "minsize": max(float(layout["uniformtext"].get("minsize") or 0), min_font)}
    layout["width"] = round(width)
    layout["height"] = round(layout.get("height") or SLIDE_HEIGHT_PT)
    return go.Figure(spec)


def slide_png(fig: go.Figure) -> bytes:
    """The PNG a leader pastes into a slide: laid out at the slide's width in points (so a 14 px label is 14 pt once
    the picture fills the slide's width), rendered at PIXELS_PER_POINT (1920 px wide)."""
    picture = standalone(fig)
    return render(picture, SLIDE_WIDTH_PT)
