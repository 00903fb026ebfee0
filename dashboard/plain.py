"""Text a unit wrote, shown as the characters it typed, never as formatting.

整改说明, 进展说明, 措施, notes (备注), reviewers' notes, reasons, file and sheet names, account names, and every
message of the pipelines that quotes them reach the page through Streamlit, which reads Markdown in
st.markdown, st.info/warning/error/success, st.caption, widget and expander labels and st.table's cells:
`[点此](https://…)` becomes a live link, `![](https://…)` an outside picture, `:red[…]` red text, `$…$` a
formula, `:material/…:` an icon. plain() escapes each character that makes Markdown (CommonMark lets any ASCII
punctuation be escaped) and breaks the three bare-address forms GitHub's Markdown links by itself even
after escaping (`https://`, `www.`, `name@host`) with an invisible word joiner. Plotly reads HTML in hover text and labels:
plain_html() for those. st.dataframe draws text as it is and needs neither. An HTML block written through st.markdown
(the 领导版) takes plain_in_html(): there a backslash would show as typed, so Markdown's characters become numeric
references. one_line() is the text as one line of plain words, for a slide's or a Word table's cell, which read no
markup and need no escaping.
"""

import html
import re

import pandas as pd

# The characters Markdown, GitHub's extensions and Streamlit's own (:red[…], :material/…:, $…$, -> and --) are made
# of, escaped wherever they stand; `_` only where it could start or end emphasis (not inside a word, as in a
# file or setting name); `.` and `#` only where they would make a line a numbered list (`1.`) or a heading.
# The rest (. # , ; ? % / ' " @ ^) means nothing there and stays as typed, so that a file name reads
# `2025年度.xlsx` and a number `#12` in the page's source too.
SPECIAL = re.compile(r"([\\`*\[\]()!<>&~|$:{}+\-=])|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
LINE_START = re.compile(r"^(\s*)(\d+\.|#)", re.M)  # a numbered list (1.) or a heading (#) only where a line starts
JOINER = "\u2060"  # WORD JOINER: invisible, and no address pattern runs across it
SCHEME = re.compile(r"(?<=[A-Za-z0-9])\\:(?=//)")  # https:// → https:⁠//
WWW = re.compile(r"(?i)\b(w)(?=ww\.)")  # www. → w⁠ww.
AT = re.compile(r"@(?=[0-9A-Za-z])")  # a@b.cn → a@⁠b.cn


def plain(text) -> str:
    """text (any value; None is empty) as Markdown that shows exactly these characters, one line per line."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    escaped = SPECIAL.sub(lambda m: "\\" + m.group(0), str(text))
    escaped = LINE_START.sub(lambda m: m.group(1) + (m.group(2)[:-1] + "\\." if m.group(2) != "#" else "\\#"), escaped)
    escaped = SCHEME.sub(lambda m: "\\:" + JOINER, escaped)
    escaped = WWW.sub(lambda m: m.group(1) + JOINER, escaped)
    escaped = AT.sub("@" + JOINER, escaped)
    # Lines as typed, each a hard break; leading spaces dropped so no line turns into a code block.
    return "  \n".join(line.strip() for line in escaped.splitlines())


def plain_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame for st.table, whose cells are Markdown: every text cell (and the column names) through plain()."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(lambda v: plain(v) if isinstance(v, str) else v)
    out.columns = [plain(c) if isinstance(c, str) else c for c in out.columns]
    if out.index.dtype == object:
        out.index = [plain(v) if isinstance(v, str) else v for v in out.index]
    return out


def plain_html(text) -> str:
    """text for Plotly's hover text and labels, which read <a>, <b>, <span style> and entities."""
    return "" if text is None else html.escape(str(text), quote=False)


def one_line(text) -> str:
    """text as one line of plain words: every run of spaces and line breaks one space (no escaping)."""
    return " ".join(str(text).split())


# Markdown (and Streamlit's $…$ formulas, :colour[…] directives) would read these characters in a unit's words.
MARKDOWN_IN_HTML = "\\`*_{}[]()<>#+-.!|~$:^=&"


def plain_in_html(text) -> str:
    """text for an HTML block written through st.markdown: one line, Markdown's characters (and & < >) as numeric
    references — shown as typed, never read as markup — and the rest HTML-escaped."""
    return "".join(f"&#{ord(ch)};" if ch in MARKDOWN_IN_HTML else html.escape(ch) for ch in one_line(text))


def say(message: str) -> None:
    """What a writer says on the way (waiting for the lock, catching up with the log), as plain text."""
    import streamlit as st  # here: the command line's exports use plain_html without Streamlit

    st.info(plain(message))
