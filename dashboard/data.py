"""Warehouse access for the pages: brief read-only connections, cached until the data changes."""

import os
from pathlib import Path

import pandas as pd
import streamlit as st

from pipelines import config
from pipelines.warehouse import WarehouseBusy, connect

from .plain import plain

READ_WAIT_SECONDS = 10.0


def db_path() -> Path:
    return Path(os.environ.get("MONITOR_DB", config.DB_PATH))


def raw_dir() -> Path:
    return Path(os.environ.get("MONITOR_RAW", config.RAW_DIR))


def data_version(db: Path) -> tuple:
    """Changes whenever the warehouse is written (its file or its write-ahead log), to key the cache."""
    return _stamps(db, Path(str(db) + ".wal"))


def _stamps(*paths: Path) -> tuple:
    """Each file's modification time and size (None for a missing one): changes whenever one is written."""
    stamps = []
    for path in paths:
        try:
            stat = path.stat()
            stamps.append((stat.st_mtime_ns, stat.st_size))
        except FileNotFoundError:
            stamps.append(None)
    return tuple(stamps)


@st.cache_data(show_spinner=False, max_entries=512)
def _query(sql: str, params: tuple, db: str, version: tuple) -> pd.DataFrame:
    with connect(Path(db), read_only=True, wait=READ_WAIT_SECONDS) as con:
        return con.execute(sql, list(params)).df()


def query(sql: str, params=()) -> pd.DataFrame:
    """One read-only query with bound values; cached until the warehouse changes.

    A command-line write in progress makes us wait and retry; if it takes too long the page says so.
    """
    db = db_path()
    try:
        return _query(sql, tuple(params), str(db), data_version(db))
    except WarehouseBusy:
        st.warning("数据正在更新（另一程序正在写入数据仓库），请稍候刷新页面。")
        st.stop()


def clear_cache() -> None:
    _query.clear()


def warehouse_ready() -> bool:
    return db_path().exists()


def require_warehouse() -> None:
    """The no-warehouse guard every page starts with (and the guard against a warehouse left by an older version)."""
    if not warehouse_ready():
        st.info("数据仓库尚未建立，暂时没有可显示的数据。请联系平台管理员建立数据仓库（管理员操作见使用说明）。")
        st.stop()
    if not _current_version(str(db_path()), data_version(db_path())):
        st.warning("数据仓库由其他版本的程序建立，须按当前版本重建后才能显示。请平台管理员运行 "
                   "python -m pipelines build（或重启服务，启动时会自动重建）。")
        st.stop()
    _caught_up_with_the_log()


def _log_version() -> tuple:
    """Changes whenever the archive's log is written, or a restore's marker comes or goes."""
    from pipelines.archive import log_path
    from pipelines.restore_state import marker_path

    return _stamps(log_path(raw_dir()), marker_path(raw_dir()))


@st.cache_data(show_spinner=False, max_entries=8)
def _stale(db: str, version: tuple, raw: str, log_version: tuple) -> str | None:
    from pipelines.recovery import stale

    return stale(Path(db), Path(raw))


CAUGHT_UP = "caught_up_notes"  # session state: what was brought up to date, said once to a reader


def catch_up_before_reading() -> None:
    """Before anything reads the warehouse (app.py calls it ahead of the sidebar's counts, every page's guard
    again): a warehouse behind the archive's log (a writer killed after logging, before its commit) or left
    by a restore killed in its rebuild is brought up to date first, as the next writer would
    (recovery.bring_up_to_date). What was done is kept for say_caught_up. The sign-in page runs it too, so
    that a reader who signs in finds the figures current."""
    if not warehouse_ready() or not _current_version(str(db_path()), data_version(db_path())):
        return  # require_warehouse says what to do
    try:
        lacking = _stale(str(db_path()), data_version(db_path()), str(raw_dir()), _log_version())
    except WarehouseBusy:
        return  # a writer is at work: it catches up itself
    if not lacking:
        return
    from pipelines.recovery import bring_up_to_date

    try:
        notes = bring_up_to_date(db_path(), raw_dir(), say=lambda _: None, wait=READ_WAIT_SECONDS)
    except WarehouseBusy:
        st.warning(f"数据仓库尚未与原始数据一致（{plain(lacking)}），正在等待另一程序写完，请稍候刷新页面。")
        st.stop()
    clear_cache()
    st.session_state[CAUGHT_UP] = [lacking, *notes]


def say_caught_up() -> None:
    """The short note that the figures were brought up to date after an interrupted write (once per reader)."""
    said = st.session_state.pop(CAUGHT_UP, None)
    if said:
        lacking, *notes = said
        done = f"（{plain('；'.join(notes[:3]))}）" if notes else ""
        st.info(f"数据已按归档日志补齐后显示：上次写入在完成前中断（{plain(lacking)}），现已补上{done}。", icon=":material/history:")


def _caught_up_with_the_log() -> None:
    """A page never shows a warehouse behind the archive's log: brought up to date first, and said."""
    catch_up_before_reading()
    say_caught_up()


@st.cache_data(show_spinner=False, max_entries=4)
def _current_version(db: str, version: tuple) -> bool:
    from pipelines.warehouse import made_by_this_version

    return made_by_this_version(Path(db))
