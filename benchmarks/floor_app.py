"""The floor a page is measured against: a trivial Streamlit page with six small Plotly charts.

docs/developers.md (“The stack on this machine”): what Streamlit's start-up plus Plotly's JavaScript cost on these machines, whatever the page.
"""

import plotly.graph_objects as go
import streamlit as st

st.title("基准页")
for i in range(6):
    st.plotly_chart(go.Figure(go.Bar(x=[1, 2, 3], y=[i, i + 1, i + 2])), key=f"c{i}")
