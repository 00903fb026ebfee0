"""Keep every page inside app.py's navigation, whichever page a fresh server is first asked for.

Streamlit (1.67) decides once per process, when the first session starts, whether the app uses the legacy
multipage mechanism: it does when a folder named `pages/` lies beside the entry file, until some session
runs st.navigation (docs.streamlit.io, st.navigation: "As soon as any session of your app executes the
st.navigation command, your app will ignore the pages/ directory (across all sessions)"). If the very first
request after a start is for a page's own URL (/upload), Streamlit runs that page file alone: app.py, its
st.navigation and its sidebar never run, and every later session gets the legacy mechanism too.

There is no supported way out with this layout: the project keeps app.py and pages/ side by side at the top
of the repository (the layout it was asked to have), Streamlit reads the folder from the entry file's own
location, no setting turns the legacy mechanism off (client.showSidebarNavigation only hides its menu), and
the supported layouts (pages in a folder of another name, or the entry file elsewhere) are the ones the
project may not use. So a page run alone clears Streamlit's flag itself and runs again, now through app.py.
Besides dashboard/auth.py's reading of the session id (it says why), this is the one place that touches
Streamlit's internals; dashboard.filters.current() calls it, and every page starts with current().
"""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def ensure_app_shell() -> None:
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()  # now through app.py, its st.navigation and its sidebar
