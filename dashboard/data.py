"""Cached queries against the warehouse, opened briefly so that a command-line writer is never blocked."""

from pathlib import Path

import pandas as pd
import streamlit as st

from pipelines import config
from pipelines.warehouse import connect


def db_path() -> Path:
    return Path(st.session_state.get("db_path") or config.DB_PATH)


@st.cache_data(ttl=60, show_spinner=False)
def query(sql: str, params: tuple = (), db: str | None = None) -> pd.DataFrame:
    """Run one read-only query; values are always bound, never formatted into the SQL."""
    with connect(Path(db) if db else db_path(), read_only=True) as con:
        return con.execute(sql, list(params)).df()


def warehouse_exists() -> bool:
    return db_path().exists()
