"""Keep every page inside app.py's navigation, whichever page a fresh server is first asked for.

Streamlit decides once per process, at the first session, whether the app uses the old `pages/` folder
mechanism (a `pages/` folder beside app.py says yes) until app.py's st.navigation says no. If the very
first request after a start is for a page's own URL (/upload), Streamlit runs that page file alone, the
flag is never cleared, and every later session gets the old mechanism: no sidebar filters, file names as
page names. The project's layout keeps its pages in `pages/`, so each page calls this first.
"""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def ensure_app_shell() -> None:
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()  # now through app.py, its st.navigation and its sidebar
