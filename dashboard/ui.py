"""Small pieces the pages share: the demo mark, the status legend and method, charts, downloads."""

import re

import pandas as pd
import streamlit as st

from pipelines import config, method, palette
from pipelines.describe import number
from pipelines.exports import csv_bytes, excel_bytes, is_risky

from . import images, placement
from .charts import chart_config, page_figure


def demo_banner(shown: bool) -> None:
    if shown:
        st.warning(f"当前页面含**{config.DEMO_LABEL}**：为演示而虚构的数值，并非真实统计。第一个真实工作簿审核通过后，"
                   "示例数据即结束，不再显示。", icon=":material/warning:")


def status_legend(codes=None) -> None:
    """The status colours with their marks and meaning (those in use, or all), one group per palette class."""
    shown = [c for c in config.STATUS_LABELS if codes is None or c in set(codes)]
    chips = " ".join(
        f"<span style='display:inline-block;margin:2px 10px 2px 0'><span style='display:inline-block;min-width:16px;"
        f"padding:0 2px;text-align:center;background:{palette.colour(k)};color:{palette.ink(palette.colour(k))};"
        f"border:1px solid {palette.EDGE};margin-right:4px;font-size:12px;line-height:15px'>{palette.mark(k)}</span>"
        f"{config.STATUS_LABELS[k]}</span>"
        for klass in palette.CLASSES for k in shown if palette.class_of(k) == klass
    )
    st.markdown(chips, unsafe_allow_html=True)


def method_note() -> None:
    """How a status is decided, in plain Chinese; the formula one click away."""
    st.markdown("\n".join(f"- **{name}**：{text}" for name, text in method.RULES))
    with st.expander("计算公式"):
        st.markdown(method.FORMULA)


def chart(fig, filename: str, key: str, on_select=None, export=None) -> object:
    """A chart under its title (text that wraps on any screen), with a button for the slide-sized PNG.

    on_select: a function of the selected points (a click on a bar), for charts that lead somewhere.
    export: the figure the PNG shows, where it differs from the page's (a slide-wide layout).
    """
    spec, title, subtitle = page_figure(fig)
    if title:
        st.markdown(f"**{title}**")
    if subtitle:
        st.caption(subtitle)
    event = st.plotly_chart(spec, width="stretch", theme=None, config=chart_config(filename), key=key,
                            on_select="rerun" if on_select else "ignore", selection_mode="points")
    if on_select and event and event.selection and event.selection.points:
        on_select(event.selection.points)
    if images.available():
        images.warm()  # the renderer ready by the time the button is pressed
        picture = export if export is not None else fig
        st.download_button("下载图片（PNG）", data=lambda: placement.slide_png(picture),
                           file_name=f"{filename}.png",
                           mime="image/png", key=f"{key}_png", type="tertiary", icon=":material/image:", on_click="ignore")
    else:
        st.caption(images.MISSING_BROWSER)
    return event


def open_target(points) -> None:
    """A click on a target's bar opens that target on 指标."""
    target = points[0].get("customdata")
    if isinstance(target, list):
        target = target[0]
    if target:
        st.session_state["chosen_target"] = target
        st.switch_page("pages/indicators.py", query_params={"target": target})


def downloads(frame: pd.DataFrame, stem: str, sheet: str, key: str) -> None:
    """CSV and Excel of a table; a cell that begins with = + - @ is written as text, never a formula."""
    left, right, _ = st.columns([1, 1, 4])
    left.download_button("下载 CSV", csv_bytes(frame), file_name=f"{stem}.csv", mime="text/csv", key=f"{key}_csv")
    right.download_button("下载 Excel", excel_bytes({sheet: frame}), file_name=f"{stem}.xlsx",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"{key}_xlsx")


def show_table(frame: pd.DataFrame, empty: str, **kwargs) -> None:
    """A table for reading, or a sentence when there is nothing in it (never an empty grid)."""
    if frame.empty:
        st.caption(empty)
        return
    st.dataframe(tidy(frame), hide_index=True, width="stretch", **kwargs)


def tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """A table for reading: missing text blank, missing numbers as —, dates without midnight, and text that a
    spreadsheet would take for a formula (=HYPERLINK(…), +…, @…) with an apostrophe before it, as the exports
    write it, should the text leave the page by copy or a table's own download."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_datetime64_any_dtype(series):
            fmt = "%Y-%m-%d" if (series.dropna().dt.normalize() == series.dropna()).all() else "%Y-%m-%d %H:%M"
            out[column] = series.dt.strftime(fmt).fillna("")
        elif pd.api.types.is_bool_dtype(series):
            continue
        elif pd.api.types.is_numeric_dtype(series):
            if series.isna().any():
                out[column] = series.map(lambda v: "—" if pd.isna(v) else number(v))
        else:
            out[column] = series.astype(object).where(series.notna(), "").map(_defused)
    return out


NUMBER_TEXT = re.compile(r"[-+]?[\d,]+(\.\d+)?%?")  # -1.5 or +3% typed as text: a number to a spreadsheet, harmless


def _defused(value):
    return f"'{value}" if is_risky(value) and not NUMBER_TEXT.fullmatch(value) else value


UPLOADER_CSS = """
<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p { font-size: 0; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {
  content: "选择文件"; font-size: 14px; }
[data-testid="stFileUploaderDropzoneInstructions"] span { font-size: 0; }
[data-testid="stFileUploaderDropzoneInstructions"] span::after {
  content: "或将工作簿拖到此处（.xlsx .xls .ods，单个文件不超过 5 MB）"; font-size: 14px; }
/* A file the uploader itself refuses (too large, or of a type not listed) shows as a red chip whose reason is
   Streamlit's English, on hover only: the reason in Chinese under the uploader. */
[data-testid="stFileUploader"]:has([aria-invalid="true"])::after {
  display: block; margin-top: 4px; color: rgb(158, 48, 59); font-size: 14px;
  content: "标红的文件没有上传：单个文件不超过 5 MB（5,000,000 字节），且须为所列的文件类型。点 × 移除后重新选择（过大的工作簿请删去多余的工作表或图片后另存）。"; }
</style>
"""


def upload_limit_help() -> str:
    """The upload limit as a person reads it, beside every uploader (the same number the check says)."""
    return f"单个文件不超过 {config.MAX_UPLOAD_MB} MB（{config.MAX_UPLOAD_BYTES:,} 字节）"


def localise_uploader() -> None:
    """Streamlit's file uploader speaks English; say its words in Chinese."""
    st.markdown(UPLOADER_CSS, unsafe_allow_html=True)


def no_data(message: str) -> None:
    st.info(message)
    st.stop()
