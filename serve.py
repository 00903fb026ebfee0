"""The service's entry point: app.py behind the session gate — `streamlit run serve.py` (scripts/app.sh, the
systemd unit and the browser tests all start it so).

dashboard/gate.py says why: it gives every browser a secret HttpOnly cookie of its own and binds a
signed-in session to it, so that a session id read from a log or a URL is of no use to another browser.
"""

import streamlit as st
from starlette.middleware import Middleware

from dashboard.gate import ROUTES, SessionGate

app = st.App("app.py", routes=ROUTES, middleware=[Middleware(SessionGate)])
