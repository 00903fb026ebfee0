"""Charts as slide-sized PNGs, rendered on the server by kaleido in Debian's Chromium.

One kaleido browser is started for the process and reused (its sync server): a PNG then takes a
fraction of a second instead of the two a fresh browser costs. MathJax is off: kaleido would otherwise
fetch it from a CDN, which this intranet cannot reach.
"""

import atexit
import shutil
import threading

import plotly.graph_objects as go

from pipelines.core import config

from .charts import FONT, SLIDE_HEIGHT, SLIDE_SCALE, SLIDE_WIDTH

_lock = threading.Lock()
_started = False
BROWSERS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")


MISSING_BROWSER = (
    "服务器上没有可用于生成图片的浏览器：请以 root 安装 Debian 的 chromium 和 fonts-noto-cjk"
    "（apt-get install chromium fonts-noto-cjk），然后重试。"
)


class ImageExportUnavailable(RuntimeError):
    """No browser to render with: the message says what to install."""


def _browser() -> str | None:
    """The browser kaleido will use: BROWSER_PATH when set (kaleido reads it too), else Debian's."""
    chosen = config.chosen_browser()
    for path in (chosen,) if chosen else BROWSERS:
        if shutil.which(path):
            return path
    return None


def available() -> bool:
    return _browser() is not None


def start() -> None:
    """Start the shared renderer (once per process; it is stopped when the process ends)."""
    global _started
    with _lock:
        if _started:
            return
        if not available():
            raise ImageExportUnavailable(MISSING_BROWSER)
        import kaleido

        kaleido.start_sync_server(n=1, timeout=config.IMAGE_RENDERER_START_SECONDS, mathjax=False, silence_warnings=True)
        _started = True
        atexit.register(stop)


_warming: threading.Thread | None = None


def warm() -> None:
    """Start the renderer and draw a first picture in the background, once per process, so that a PNG asked for
    later takes a fraction of a second instead of the seconds Chromium and Plotly take to start (issue 21)."""
    global _warming
    with _lock:
        if _warming is not None or _started or not available():
            return
        _warming = threading.Thread(target=_first_picture, name="png-warm-up", daemon=True)
    _warming.start()


def _first_picture() -> None:
    # What a chart draws (Chinese text in the CJK font, bars, markers, annotations), so that the first real
    # picture finds the fonts and Plotly's code paths loaded.
    fig = go.Figure([go.Bar(x=[1, 2], y=["甲", "乙"], orientation="h", text=["一", "二"]),
                     go.Scatter(x=[1, 2], y=["甲", "乙"], mode="markers+text", text=["✓", "×"])])
    fig.add_annotation(text="<b>数据来源</b>：示例 95.9%", x=0, y=0, xref="paper", yref="paper", showarrow=False)
    fig.update_layout(title="示例", font=dict(family=FONT, size=14))
    try:
        png(fig, width=400, height=200, scale=2)
    except ImageExportUnavailable:
        pass  # said again, with its reason, when a picture is asked for


def stop() -> None:
    global _started, _warming
    with _lock:
        if _started:
            import kaleido

            kaleido.stop_sync_server(silence_warnings=True)
            _started = False
        _warming = None


def png(fig: go.Figure, width: int = SLIDE_WIDTH, height: int = SLIDE_HEIGHT, scale: float = SLIDE_SCALE) -> bytes:
    """The figure as a PNG of width×scale by height×scale pixels (1920×1080 by default)."""
    start()
    import kaleido

    try:
        return kaleido.calc_fig_sync(fig, opts={"format": "png", "width": width, "height": height, "scale": scale})
    except Exception as exc:  # kaleido wraps browser failures in several types
        raise ImageExportUnavailable(f"图片生成失败（{type(exc).__name__}）：{exc}") from exc


def height_of(fig: go.Figure) -> int:
    """The figure's own height where it sets one (a chart that grows with its rows), else a slide's."""
    return int(fig.layout.height or SLIDE_HEIGHT)


def zip_of(figures: list[tuple[str, go.Figure]], render=None) -> bytes:
    """Several charts as PNGs in one zip, named by their titles (render: figure → PNG bytes; by default at 1280 px
    CSS, 1920 px wide, its own height)."""
    import io
    import re
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for i, (name, fig) in enumerate(figures, start=1):
            safe = re.sub(r'[\\/:*?"<>|\s]+', "_", name)[:60]
            archive.writestr(f"{i:02d}_{safe}.png", render(fig) if render else png(fig, height=height_of(fig)))
    return buffer.getvalue()
