"""Online entry (在线填报): the rows typed on the page become the same workbook as the template's, checked,
archived and loaded by the same path, with the same messages."""

from pathlib import Path

import duckdb
import openpyxl
import pytest

from pipelines.core import config
from pipelines.operations.ingest import check_file, ingest_file
from pipelines.records.archive import read_log
from pipelines.warehouse.connection import connect
from pipelines.workbooks import online_entry as entry
from tests.books import filled, ingest_approved, template
from tests.test_app import app, fixture_wh, navigation_only  # noqa: F401 (fixtures: the app on a small warehouse)


def q(db: Path, sql: str, params=()):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def form(db: Path, unit: str = "旗教育局", year: int = 2025) -> entry.Form:
    with connect(db, read_only=True) as con:
        return entry.form(con, unit, year)


def typed(f: entry.Form, values: dict, progress: dict | None = None, answers: dict | None = None) -> tuple:
    """Type into the form's tables as a person would on the page."""
    v, p, r = f.values.copy(), f.progress.copy(), f.rectify.copy()
    for code, value in values.items():
        v.loc[v["指标代码"] == code, "数值"] = value
    for number, (state, note) in (progress or {}).items():
        p.loc[p["任务编号"] == number, ["进展状态", "进展说明"]] = [state, note]
    for target, answer in (answers or {}).items():
        r.loc[r["目标编号"] == target, list(config.RECTIFICATION_ANSWERS)] = list(answer)
    return v, p, r


def online_book(db: Path, path: Path, f: entry.Form, values: dict, progress=None, answers=None, unit="旗教育局",
                year=2025) -> Path:
    v, p, r = typed(f, values, progress, answers)
    with connect(db, read_only=True) as con:
        path.write_bytes(entry.workbook(con, unit, year, v, p, r))
    return path


def test_the_form_has_the_templates_rows(wh):
    _, db = wh
    f = form(db)
    assert list(f.values["指标代码"]) == entry.template_rows(template(db, "旗教育局", 2025))
    wb = template(db, "旗教育局", 2025)
    tasks = wb[config.SHEET_PROGRESS]
    assert list(f.progress["任务编号"]) == [tasks.cell(r, 1).value for r in range(4, tasks.max_row + 1)
                                         if tasks.cell(r, 1).value is not None]
    # T15-2, and (issue 19) T15-3 and T88-1: the targets due in 2023 that nothing reported
    assert list(f.rectify["目标编号"]) == ["T15-2", "T15-3", "T88-1"] and f.prefilled_from is None
    assert f.values["数值"].isna().all()


def test_an_online_entry_loads_exactly_as_the_same_excel_workbook(wh, tmp_path):
    raw, db = wh
    values = {"HS_GER": "95.9%", "KG_ENROLLED": "10100", "KG_PUBLIC_ENROLLED": "6,500"}
    progress = {1: ("推进中", "已完成方案编制")}
    answers = {"T15-2": ("资金未到位", "申请专项资金", "2026年6月")}
    online = online_book(db, tmp_path / entry.entry_file_name("旗教育局", 2025), form(db), values, progress, answers)
    excel = filled(db, tmp_path / "excel.xlsx", values=values, progress=progress, answers=answers)
    wb = openpyxl.load_workbook(online)
    assert wb.sheetnames == openpyxl.load_workbook(excel).sheetnames  # the template's sheets, the same way

    # Checked the same way, the two give the same values and task reports.
    with connect(db, read_only=True) as con:
        checked = [check_file(con, path, path.name) for path in (online, excel)]
    assert [c.outcome for c in checked] == ["checked", "checked"]
    columns = ["indicator_code", "year", "value", "change"]
    assert checked[0].changes[columns].equals(checked[1].changes[columns])
    assert (checked[0].n_values, checked[0].n_progress) == (checked[1].n_values, checked[1].n_progress) == (3, 1)

    result = ingest_approved(online, raw, db)
    assert result.outcome == "loaded", [str(p) for p in result.problems]
    assert dict(q(db, "select indicator_code, value from observations")) == {
        "HS_GER": pytest.approx(95.9), "KG_ENROLLED": 10100, "KG_PUBLIC_ENROLLED": 6500}
    assert q(db, "select task_no, status, note from task_progress") == [(1, "推进中", "已完成方案编制")]
    assert q(db, "select target_id, planned_text from rectifications") == [("T15-2", "2026年6月")]
    # The archive holds the workbook itself (it opens in Excel), named as an online entry.
    (event,) = [e for e in read_log(raw) if e["event"] == "accepted"]
    assert event["file_name"] == "旗教育局_2025年度监测填报_在线填报.xlsx"
    assert (raw / config.SUBMISSIONS_DIR / event["path"]).read_bytes() == online.read_bytes()


def test_a_bad_value_typed_online_gets_the_same_message_as_in_excel(wh, tmp_path):
    raw, db = wh
    online = online_book(db, tmp_path / "online.xlsx", form(db), {"KG_ENROLLED": "约九成"})
    excel = filled(db, tmp_path / "excel.xlsx", values={"KG_ENROLLED": "约九成"})
    said = [[(p.sheet, p.row, p.column, p.reason) for p in ingest_file(path, raw, db).errors] for path in (online, excel)]
    assert said[0] == said[1] and len(said[0]) == 1
    assert "无法识别为数字" in said[0][0][3] and said[0][0][2] == "数值"
    assert q(db, "select count(*) from submissions") == [(0,)]


def test_the_form_starts_from_the_last_workbook_sent_even_a_returned_one(wh, tmp_path, accounts):
    from pipelines.operations.review import decide
    from pipelines.records.accounts import AccountStore

    raw, db = wh
    result = ingest_file(filled(db, tmp_path / "a.xlsx", values={"HS_GER": 93, "SE_ENROLLED": 478},
                                progress={1: ("推进中", "")}), raw, db)
    decide(raw, db, result.submission_id, "returned", AccountStore().get("admin"), "高中阶段毛入学率有误")
    f = form(db)
    values = f.values.set_index("指标代码")["数值"]
    assert values["HS_GER"] == "93" and values["SE_ENROLLED"] == "478" and values.drop(["HS_GER", "SE_ENROLLED"]).isna().all()
    assert f.progress.set_index("任务编号").loc[1, "进展状态"] == "推进中"
    assert f"填报 #{result.submission_id}" in f.prefilled_from and "已退回" in f.prefilled_from
    # Correct one value, send again: a new workbook (pending), the returned one unchanged.
    again = online_book(db, tmp_path / "b.xlsx", f, {"HS_GER": "95.3"})
    assert ingest_approved(again, raw, db).outcome == "loaded"
    assert q(db, "select value from latest_observations where indicator_code = 'HS_GER' and year = 2025") == [(95.3,)]
    assert q(db, "select value from latest_observations where indicator_code = 'SE_ENROLLED' and year = 2025") == [(478,)]


def test_a_unit_without_indicators_gets_a_form_of_text_columns(wh):
    _, db = wh
    f = form(db, "旗委编办", 2025)  # it reports task progress only
    assert f.values.empty and len(f.progress) > 0
    for frame in (f.values, f.progress, f.rectify):  # typed columns are text even when empty (data_editor needs it)
        assert all(frame[c].dtype == object for c in frame.columns if c != "任务编号")


def test_the_upload_page_opens_for_a_unit_without_indicators(app, accounts):  # noqa: F811 (the fixture)
    from pipelines.records.accounts import AccountStore
    from tests.test_app import sign_in

    AccountStore().add("bb", "填报", "旗委编办", "bb-pass-123", ["旗委编办"])
    app.switch_page("pages/upload.py").run()
    sign_in(app, "bb", "bb-pass-123")
    assert not app.exception, app.exception
    assert any("旗委编办不填报指标数值" in c.value for c in app.caption)
    assert any(s.value.startswith("③") for s in app.subheader) and any(s.value.startswith("④") for s in app.subheader)


def test_text_typed_online_is_text_even_when_it_starts_with_an_equals_sign(wh, tmp_path):
    raw, db = wh
    online = online_book(db, tmp_path / "eq.xlsx", form(db), {"HS_GER": "9.53E1"}, progress={1: ("推进中", "=已建成2所，见附件")},
                         answers={"T15-2": ("=资金未到位", "申请专项资金", "2026年6月")})
    result = ingest_approved(online, raw, db)
    assert result.outcome == "loaded", [str(p) for p in result.problems]
    assert q(db, "select value from observations where indicator_code = 'HS_GER'") == [(pytest.approx(95.3),)]
    assert q(db, "select note from task_progress where task_no = 1") == [("=已建成2所，见附件",)]
    assert q(db, "select reason from rectifications") == [("=资金未到位",)]
