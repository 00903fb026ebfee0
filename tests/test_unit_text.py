"""A unit's own words are shown as the characters typed, everywhere (issue 20, item 5): 整改说明, 进展说明, notes,
reviewers' notes, file names … never become links, pictures, red text or formulas on a page; the reviewer
reads them in full before approving; and they are refused past their length limits, with the cell named."""

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.plain import JOINER, plain, plain_html
from pipelines import config
from pipelines.accounts import AccountStore
from pipelines.ingest import ingest_file
from tests.books import filled
from tests.cli import run_cli
from tests.test_app import navigation_only, sign_in  # noqa: F401 (autouse: app.py runs on every AppTest rerun, as served)

# What the outside check typed into a 整改说明: a live link, an outside picture, red text; and more of the kind.
EVIL = ("[点此查看整改方案](https://evil.example/plan) ![](https://evil.example/x.png) :red[务必通过] "
        "$x^2$ :material/warning: www.evil.example boss@evil.example <b>粗</b>")
ANSWER = (EVIL, "措施：" + EVIL, "2026年6月")


def test_plain_escapes_every_markdown_form_and_breaks_bare_addresses():
    shown = plain(EVIL)
    # every character Markdown and Streamlit's directives are made of is escaped where it stands
    bare = re.sub(r"\\.", "", shown)
    assert not set(bare) & set("\\`*[]()!<>&~|$:#{}+-="), bare
    assert "https\\:" + JOINER + "//evil" in shown
    assert "w" + JOINER + "ww.evil" in shown and "boss@" + JOINER + "evil" in shown
    # what means nothing there stays as typed (a file name reads the same in the page's source)
    assert plain("2025年度监测填报.xlsx") == "2025年度监测填报.xlsx" and plain("report_due") == "report_due"
    assert plain("1. 第一\n2) 第二") == "1\\. 第一  \n2\\) 第二"  # never a numbered list
    assert re.sub(r"\\(.)", r"\1", shown).replace(JOINER, "") == EVIL  # the same characters, once unescaped
    assert plain("第一行\n    第二行") == "第一行  \n第二行"  # a line break, never an indented code block
    assert plain(None) == "" and plain(float("nan")) == ""
    assert plain_html("<a href='https://evil.example'>x</a>") == "&lt;a href='https://evil.example'&gt;x&lt;/a&gt;"


# Length limits on ingest: refused with file, sheet, row and column, nothing loaded.


def refused(db: Path, raw: Path, path: Path) -> list:
    result = ingest_file(path, raw, db)
    assert result.outcome == "rejected"
    return [p for p in result.problems if p.severity == "error"]


@pytest.mark.parametrize(("where", "column"), [("answers", "整改措施"), ("answers", "原因分析"), ("progress", "进展说明"),
                                               ("notes", "备注")])
def test_text_past_its_limit_is_refused_with_its_cell_named(wh, tmp_path, where, column):
    raw, db = wh
    long = "加快推进职业学校实训基地建设，" * 187  # 2,805 characters, as the outside check's 措施
    typed = {"answers": {"T15-2": (long if column == "原因分析" else "资金未到位",
                                   long if column == "整改措施" else "申请专项资金", "2026年6月")},
             "progress": {1: ("推进中", long)}, "notes": {"HS_GER": long}}[where]
    path = filled(db, tmp_path / "长文本.xlsx", values={"HS_GER": 95.9}, **{where: typed})
    [problem] = refused(db, raw, path)
    sheet = {"answers": config.SHEET_RECTIFICATION, "progress": config.SHEET_PROGRESS, "notes": config.SHEET_VALUES}[where]
    assert (problem.file, problem.sheet, problem.column) == ("长文本.xlsx", sheet, column)
    assert isinstance(problem.row, int) and problem.row > 1
    limit = config.TEXT_LIMITS[column]
    assert f"{column}共 {len(long):,} 字，超过 {limit} 字的上限" in problem.reason
    assert run_cli("status", "--db", db).returncode == 0
    with __import__("duckdb").connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from submissions").fetchall() == [(0,)]


def test_text_at_its_limit_is_loaded(wh, tmp_path):
    raw, db = wh
    exactly = "甲" * config.TEXT_LIMITS["整改措施"]
    path = filled(db, tmp_path / "刚好.xlsx", values={"HS_GER": 95.9}, answers={"T15-2": ("资金未到位", exactly, "2026年6月")},
                  progress={1: ("推进中", "乙" * config.TEXT_LIMITS["进展说明"])})
    assert ingest_file(path, raw, db).outcome == "loaded"


def test_the_online_form_stops_typing_at_the_limit():
    from dashboard.entry_ui import PROGRESS_COLUMNS, RECTIFY_COLUMNS, VALUE_COLUMNS

    for columns, name in ((PROGRESS_COLUMNS, "进展说明"), (RECTIFY_COLUMNS, "原因分析"), (RECTIFY_COLUMNS, "整改措施"),
                          (VALUE_COLUMNS, "备注"), (VALUE_COLUMNS, "数据来源")):
        assert columns[name]["type_config"]["max_chars"] == config.TEXT_LIMITS[name]


# The reviewer reads the unit's words before approving: the page and `review list ID`.


@pytest.fixture
def pending_words(wh, tmp_path, accounts):
    raw, db = wh
    path = filled(db, tmp_path / "edu.xlsx", values={"HS_GER": 95.9}, progress={1: ("推进中", "进展：" + EVIL)},
                  answers={"T15-2": ANSWER})
    result = ingest_file(path, raw, db, actor=AccountStore().get("edu"))
    assert result.outcome == "loaded", [str(p) for p in result.problems]
    return raw, db, result.submission_id


def test_the_review_page_shows_the_progress_notes_and_the_rectification_in_full(pending_words, monkeypatch):
    raw, db, number = pending_words
    monkeypatch.setenv("MONITOR_DB", str(db))
    monkeypatch.setenv("MONITOR_RAW", str(raw))
    at = AppTest.from_file(str(config.ROOT / "app.py"), default_timeout=90)
    at.run()
    at.switch_page("pages/review.py").run()
    sign_in(at, "checker")
    assert not at.exception, at.exception
    headings = " ".join(m.value for m in at.markdown)
    assert "任务进展与进展说明" in headings and "整改说明" in headings
    shown = " ".join(str(cell) for t in at.table for cell in _cells(t))
    assert plain("进展：" + EVIL) in shown  # in full, as Markdown that shows exactly the characters typed
    assert plain(ANSWER[0]) in shown and plain(ANSWER[1]) in shown and "2026年6月" in shown


def _cells(table) -> list:
    from streamlit.testing.v1.element_tree import Table

    assert isinstance(table, Table)
    return table.value.astype(str).to_numpy().ravel().tolist() + [str(i) for i in table.value.index]


def test_review_list_id_prints_the_units_words_in_full(pending_words):
    raw, db, number = pending_words
    shown = run_cli("review", "list", number, "--raw", raw, "--db", db)
    assert shown.returncode == 0, shown.stderr
    assert "任务进展与进展说明（1 项）" in shown.stdout and f"任务1（推进中）：进展：{EVIL}" in shown.stdout
    assert "T15-2" in shown.stdout and f"原因分析：{EVIL}" in shown.stdout and f"整改措施：措施：{EVIL}" in shown.stdout


def test_a_terminals_escape_sequences_in_a_note_are_not_printed():
    from types import SimpleNamespace

    import pandas as pd

    from pipelines.collection.cli import written_lines

    p = SimpleNamespace(progress=pd.DataFrame({"task_no": [1], "status": ["推进中"], "note": ["正常\x1b[2J\x1b]0;标题\x07说明"]}),
                        rectifications=pd.DataFrame())
    assert written_lines(p) == ["\n任务进展与进展说明（1 项）：", "  任务1（推进中）：正常[2J]0;标题说明"]


# A formula typed by a unit (issue 20, item 6): no table offers Streamlit's own CSV download, and what a table
# shows starts with an apostrophe, as the exports write it, should it leave the page by copy.


def test_streamlits_own_table_export_is_off_where_the_app_is_served():
    import tomllib

    settings = tomllib.loads((config.ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert settings["client"]["disableDataExport"] is True
    service = (config.ROOT / "deploy" / "aohan-monitor.service").read_text(encoding="utf-8")
    assert "WorkingDirectory=@APP_DIR@" in service and "disableDataExport" not in service  # read from there, not undone


def test_a_formula_in_a_note_is_shown_as_text(wh, tmp_path, monkeypatch):
    from tests.books import ingest_approved, row_of

    raw, db = wh
    formula = '=HYPERLINK("https://evil.example/f","点此")'
    def typed_as_text(wb):  # as a unit types it in WPS with a leading apostrophe: text, not a formula
        cell = wb[config.SHEET_VALUES].cell(row_of(wb, "KG_PUBLIC_RATE"), config.VALUE_COLUMNS.index("备注") + 1)
        cell.value, cell.data_type = formula, "s"

    result = ingest_approved(filled(db, tmp_path / "edu.xlsx", values={"KG_PUBLIC_RATE": 61, "HS_GER": 95.9},
                                    notes={"HS_GER": "-1.5"}, edit=typed_as_text), raw, db)
    assert result.outcome == "loaded", [str(p) for p in result.problems]
    monkeypatch.setenv("MONITOR_DB", str(db))
    monkeypatch.setenv("MONITOR_RAW", str(raw))
    at = AppTest.from_file(str(config.ROOT / "app.py"), default_timeout=90)
    at.run()
    at.switch_page("pages/indicators.py").run()
    at.selectbox(key="indicator_target").set_value("T10-5").run()
    assert not at.exception, at.exception
    table = next((d.value for d in at.dataframe if "备注" in d.value.columns), None)
    assert table is not None, [d.value.columns for d in at.dataframe] + [c.value for c in at.caption]
    assert list(table["备注"]) == ["'" + formula]
    at.selectbox(key="indicator_target").set_value("T03-5").run()
    table = next(d.value for d in at.dataframe if "备注" in d.value.columns)
    assert list(table["备注"]) == ["-1.5"]  # a number typed as text is no formula: shown as typed
