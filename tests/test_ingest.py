"""Workbooks made by `template`, filled in code, ingested into a temporary warehouse."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import openpyxl
import pytest

from pipelines import config
from pipelines.archive import read_log
from pipelines.build import build
from pipelines.ingest import ingest_file
from tests.books import filled, ingest_approved, progress_row_of, row_of, template
from tests.cli import run_cli


def q(db: Path, sql: str, params=()):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def latest(db: Path, code: str, year: int = 2025):
    rows = q(db, "select value from latest_observations where indicator_code = ? and year = ?", [code, year])
    return rows[0][0] if rows else None


def archive_files(raw: Path) -> list[Path]:
    return sorted(p for p in (raw / config.SUBMISSIONS_DIR).rglob("*") if p.is_file())


def test_every_form_of_value_is_read(wh, tmp_path):
    raw, db = wh
    path = filled(db, tmp_path / "edu.xlsx", values={
        "HS_GER": "95.3%",
        "JH_RETENTION": "９８．２",
        "KG_PUBLIC_RATE": 64.5,
        "HS_ENROLLED": "18,500",
        "HS_AGE_POP": " 19300 ",
        "VE_TRAINING": "7000人次",
        "CM_COMMUNITY": "2个",
        "KG_CITY_MODEL": "１",
        "VE_LAND": "63亩",
        "CM_BALANCE_ACCEPT": "否",
        "EXAM_600_RANK": 5,
        "SE_ENROLLED": None,
    }, notes={"HS_GER": "教育事业统计快报"}, progress={1: ("推进中", "已启动共同体建设"), 15: ("已完成", "")})
    result = ingest_approved(path, raw, db)
    assert result.outcome == "loaded", [str(p) for p in result.problems]
    assert latest(db, "HS_GER") == pytest.approx(95.3)
    assert latest(db, "JH_RETENTION") == pytest.approx(98.2)
    assert latest(db, "KG_PUBLIC_RATE") == pytest.approx(64.5)
    assert latest(db, "HS_ENROLLED") == 18500
    assert latest(db, "HS_AGE_POP") == 19300
    assert latest(db, "VE_TRAINING") == 7000
    assert latest(db, "CM_COMMUNITY") == 2
    assert latest(db, "KG_CITY_MODEL") == 1
    assert latest(db, "VE_LAND") == 63
    assert latest(db, "CM_BALANCE_ACCEPT") == 0
    assert latest(db, "EXAM_600_RANK") == 5
    assert latest(db, "SE_ENROLLED") is None  # blank: not reported
    assert q(db, "select note from observations where indicator_code = 'HS_GER'") == [("教育事业统计快报",)]
    assert q(db, "select task_no, status, status_code, note from task_progress order by task_no") == [
        (1, "推进中", "in_progress", "已启动共同体建设"), (15, "已完成", "done", None)]
    assert q(db, "select unit, year, n_values, n_progress, is_demo from submissions") == [("旗教育局", 2025, 11, 2, False)]


def test_percent_typed_in_excel_is_stored_as_a_fraction_in_a_percent_cell(wh, tmp_path):
    raw, db = wh

    def typed_percent(wb):
        cell = wb[config.SHEET_VALUES].cell(row_of(wb, "HS_GER"), 5)
        cell.value, cell.number_format = 0.953, "0.0%"  # what Excel does with a typed 95.3%

    result = ingest_approved(filled(db, tmp_path / "p.xlsx", edit=typed_percent), raw, db)
    assert result.outcome == "loaded"
    assert latest(db, "HS_GER") == pytest.approx(95.3)


def test_rates_are_derived_from_their_parts(wh, tmp_path):
    raw, db = wh
    path = filled(db, tmp_path / "parts.xlsx", values={
        "KG_ENROLLED": 10000, "KG_PUBLIC_ENROLLED": 6500, "KG_INCLUSIVE_ENROLLED": 9100,
        "VE_ENROLLED": 6000, "GH_ENROLLED": 12000,
    })
    assert ingest_approved(path, raw, db).outcome == "loaded"
    assert latest(db, "KG_PUBLIC_RATE") == pytest.approx(65.0)
    assert latest(db, "KG_INCLUSIVE_RATE") == pytest.approx(91.0)
    assert q(db, "select derivation from latest_observations where indicator_code = 'KG_PUBLIC_RATE'") == [("derived",)]
    shares = q(db, "select part_code, round(share_of_ten, 3) from structure_shares where indicator_code = 'VE_GEN_RATIO' order by part_no")
    assert shares == [("VE_ENROLLED", 3.333), ("GH_ENROLLED", 6.667)]
    assert latest(db, "VE_GEN_RATIO") == pytest.approx(10 / 3)


def test_cumulative_counts_from_yearly_ones(wh, tmp_path):
    raw, db = wh
    for year, n in ((2023, 1), (2024, 2), (2025, 1)):
        assert ingest_approved(filled(db, tmp_path / f"{year}.xlsx", year=year, values={"KG_CITY_MODEL": n}), raw, db).outcome == "loaded"
    rows = q(db, "select year, value, cumulative_value from indicator_series where indicator_code = 'KG_CITY_MODEL' order by year")
    assert rows == [(2023, 1.0, 1.0), (2024, 2.0, 3.0), (2025, 1.0, 4.0)]
    assert q(db, "select status from target_status where target_id = 'T10-2'") == [("met",)]


# One test per refusal reason: the message names sheet, row and column; nothing is loaded or archived.


def refused(raw, db, path, *expected):
    before_log = log_text(raw)
    result = ingest_approved(path, raw, db)
    assert result.outcome == "rejected"
    text = "\n".join(str(p) for p in result.errors)
    for part in expected:
        assert part in text, text
    assert q(db, "select count(*) from submissions") == [(0,)]
    assert q(db, "select count(*) from observations") == [(0,)]
    assert log_text(raw) == before_log
    assert archive_files(raw) == ([raw / config.SUBMISSIONS_DIR / config.SUBMISSIONS_LOG] if before_log else [])
    return result


def log_text(raw):
    path = raw / config.SUBMISSIONS_DIR / config.SUBMISSIONS_LOG
    return path.read_text(encoding="utf-8") if path.exists() else ""


def test_refuses_text_it_cannot_read_as_a_number(wh, tmp_path):
    raw, db = wh
    wb = template(db, "旗教育局", 2025)
    row = row_of(wb, "HS_GER")
    path = filled(db, tmp_path / "t.xlsx", values={"HS_GER": "约九成", "KG_ENROLLED": 10000})
    result = refused(raw, db, path, "工作表“指标数据”", f"第{row}行", "E列（数值）", "无法识别为数字：“约九成”")
    assert len(result.errors) == 1


def test_refuses_a_negative_count(wh, tmp_path):
    raw, db = wh
    row = row_of(template(db, "旗教育局", 2025), "KG_ENROLLED")
    refused(raw, db, filled(db, tmp_path / "t.xlsx", values={"KG_ENROLLED": -5}), f"第{row}行", "E列（数值）", "不能为负数")


def test_refuses_a_date_in_a_count(wh, tmp_path):
    raw, db = wh
    from datetime import datetime

    refused(raw, db, filled(db, tmp_path / "t.xlsx", values={"KG_ENROLLED": datetime(2025, 3, 1)}), "E列（数值）", "日期")


def test_refuses_an_unknown_indicator_code(wh, tmp_path):
    raw, db = wh

    def wrong_code(wb):
        wb[config.SHEET_VALUES].cell(row_of(wb, "HS_GER"), 1).value = "HS_GERX"

    path = filled(db, tmp_path / "t.xlsx", values={"HS_GERX": 95}, edit=wrong_code)
    refused(raw, db, path, "A列（指标代码）", "指标代码“HS_GERX”不存在")


def test_refuses_a_code_that_belongs_to_another_unit(wh, tmp_path):
    raw, db = wh

    def foreign(wb):
        ws = wb[config.SHEET_VALUES]
        r = row_of(wb, "HS_GER")
        ws.cell(r, 1).value = "FI_HS_DEBT"

    path = filled(db, tmp_path / "t.xlsx", values={"FI_HS_DEBT": 100}, edit=foreign)
    refused(raw, db, path, "A列（指标代码）", "由旗财政局填报，不属于旗教育局")


def test_refuses_a_year_that_differs_from_the_workbooks(wh, tmp_path):
    raw, db = wh

    def other_year(wb):
        wb[config.SHEET_VALUES].cell(row_of(wb, "KG_ENROLLED"), 4).value = 2024

    row = row_of(template(db, "旗教育局", 2025), "KG_ENROLLED")
    refused(raw, db, filled(db, tmp_path / "t.xlsx", values={"KG_ENROLLED": 100}, edit=other_year),
            f"第{row}行", "D列（年份）", "年份“2024”与工作簿的填报年度 2025 不一致")


def test_refuses_a_duplicated_indicator_row(wh, tmp_path):
    raw, db = wh

    def duplicate(wb):
        ws = wb[config.SHEET_VALUES]
        r = ws.max_row + 1
        for c, v in enumerate(["KG_ENROLLED", "在园幼儿总数", "人", 2025, 10200], start=1):
            ws.cell(r, c).value = v

    first = row_of(template(db, "旗教育局", 2025), "KG_ENROLLED")
    refused(raw, db, filled(db, tmp_path / "t.xlsx", values={"KG_ENROLLED": 10000}, edit=duplicate),
            "A列（指标代码）", f"重复填报（与第{first}行重复）")


def test_refuses_a_missing_column(wh, tmp_path):
    raw, db = wh

    def drop_column(wb):
        wb[config.SHEET_VALUES].cell(3, 5).value = "填报值"

    refused(raw, db, filled(db, tmp_path / "t.xlsx", values={"KG_ENROLLED": 10000}, edit=drop_column),
            "工作表“指标数据”", "缺少“数值”列")


def test_refuses_an_unknown_progress_status(wh, tmp_path):
    raw, db = wh
    row = progress_row_of(template(db, "旗教育局", 2025), 1)
    refused(raw, db, filled(db, tmp_path / "t.xlsx", progress={1: ("基本完成", "")}),
            "工作表“任务进展”", f"第{row}行", "C列（进展状态）", "进展状态“基本完成”无法识别，应为：未启动、推进中、已完成、常态化推进")


def test_refuses_progress_for_a_task_the_unit_does_not_lead(wh, tmp_path):
    raw, db = wh

    def foreign_task(wb):
        wb[config.SHEET_PROGRESS].cell(progress_row_of(wb, 1), 1).value = 82

    refused(raw, db, filled(db, tmp_path / "t.xlsx", progress={82: ("推进中", "")}, edit=foreign_task),
            "A列（任务编号）", "任务 82 不由旗教育局牵头")


def test_another_units_workbook_under_a_changed_unit_is_said_once(wh, tmp_path, accounts):
    from pipelines.accounts import AccountStore
    from pipelines.ingest import check_file
    from pipelines.warehouse import connect

    raw, db = wh

    def relabel(wb):  # 旗教育局's workbook, its 填报单位 changed to 旗财政局
        guide = wb[config.SHEET_GUIDE]
        row = next(r for r in range(1, 30) if guide.cell(r, 1).value == config.GUIDE_UNIT_LABEL)
        guide.cell(row, 2).value = "旗财政局"

    path = filled(db, tmp_path / "relabelled.xlsx", values={"HS_GER": 95}, edit=relabel)
    result = refused(raw, db, path, "个指标均由旗教育局填报，不属于旗财政局", "请从平台下载旗财政局本单位的工作簿填写")
    assert len([p for p in result.errors if "不属于旗财政局" in p.reason]) == 1  # one sentence, not one per row
    assert not [w for w in result.warnings if w.sheet == config.SHEET_RECTIFICATION]  # 旗教育局's targets: not asked
    with connect(db, read_only=True) as con:  # an account of 旗教育局 is also told it may send its own unit only
        checked = check_file(con, path, "relabelled.xlsx", actor=AccountStore().get("edu"))
    assert checked.outcome == "rejected"
    assert checked.problems[0].reason == "此工作簿为旗财政局的填报，账号edu（填报，旗教育局）只能上传本单位的工作簿"


def test_a_changed_indicator_name_is_a_warning_naming_both(wh, tmp_path):
    raw, db = wh

    def rename(wb):
        wb[config.SHEET_VALUES].cell(row_of(wb, "HS_GER"), 2).value = "随便改的名字"

    result = ingest_file(filled(db, tmp_path / "n.xlsx", values={"HS_GER": 95}, edit=rename), raw, db)
    assert result.outcome == "loaded"
    (warning,) = [w for w in result.warnings if w.column == "指标名称"]
    assert "指标名称被改为“随便改的名字”，与指标代码HS_GER的名称“高中阶段毛入学率”不符" in warning.reason
    assert warning.row == row_of(template(db, "旗教育局", 2025), "HS_GER")


def test_refuses_a_numerator_above_0_over_a_denominator_of_0(wh, tmp_path):
    raw, db = wh
    result = refused(raw, db, filled(db, tmp_path / "d.xlsx", values={"KG_PUBLIC_ENROLLED": 5, "KG_ENROLLED": 0}),
                     "在园幼儿总数（本表）为0，而公办幼儿园在园幼儿数（本表）为5：分母为0时分子不能大于0")
    assert result.errors[0].column == "数值" and result.errors[0].row is not None
    # Nothing out of nothing is no rate, not an error.
    assert ingest_file(filled(db, tmp_path / "z.xlsx", values={"KG_PUBLIC_ENROLLED": 0, "KG_ENROLLED": 0}), raw, db
                       ).outcome == "loaded"


def test_refuses_a_share_above_100_but_warns_on_a_gross_rate(wh, tmp_path):
    raw, db = wh
    refused(raw, db, filled(db, tmp_path / "t.xlsx", values={"KG_PUBLIC_RATE": 103}), "在园幼儿入公办园率不能超过100%")
    result = ingest_file(filled(db, tmp_path / "g.xlsx", values={"HS_GER": 101.5}), raw, db)
    assert result.outcome == "loaded"
    assert [w.column for w in result.warnings if w.sheet == config.SHEET_VALUES] == ["数值"]
    assert q(db, "select reason from ingest_warnings where sheet = ?", [config.SHEET_VALUES]) == [("高中阶段毛入学率为101.5%，超过100%（毛入学率可能如此，请确认）",)]


def test_refuses_an_empty_workbook(wh, tmp_path):
    raw, db = wh  # an empty file: the hostile corpus (tests/hostile_books.py)
    openpyxl.Workbook().save(tmp_path / "blank.xlsx")
    refused(raw, db, tmp_path / "blank.xlsx", "缺少工作表“指标数据”")
    refused(raw, db, filled(db, tmp_path / "unfilled.xlsx"), "没有填写任何数值或任务进展")


def test_reports_all_problems_of_a_file_at_once(wh, tmp_path):
    raw, db = wh
    result = refused(raw, db, filled(db, tmp_path / "t.xlsx", values={"HS_GER": "约九成", "KG_ENROLLED": -1},
                                     progress={1: ("差不多", "")}), "约九成")
    assert {p.column for p in result.errors} == {"数值", "进展状态"}
    assert len(result.errors) == 3


def test_the_command_line_reports_refusals_with_exit_status_1(wh, tmp_path):
    raw, db = wh
    bad = filled(db, tmp_path / "bad.xlsx", values={"HS_GER": "约九成"})
    good = filled(db, tmp_path / "good.xlsx", values={"HS_GER": 95})
    result = run_cli("ingest", good, bad, "--raw", raw, "--db", db)
    assert result.returncode == 1
    assert "已载入“good.xlsx”" in result.stdout
    assert "“bad.xlsx”未载入" in result.stderr and "约九成" in result.stderr and "Traceback" not in result.stderr
    assert q(db, "select file_name from submissions") == [("good.xlsx",)]


# Versions, duplicates, archive.


def test_same_bytes_twice_are_loaded_once(wh, tmp_path):
    raw, db = wh
    path = filled(db, tmp_path / "edu.xlsx", values={"HS_GER": 95})
    assert ingest_file(path, raw, db).outcome == "loaded"
    again = ingest_file(path, raw, db, file="edu_copy.xlsx")
    assert again.outcome == "duplicate" and "内容完全相同" in again.message
    assert q(db, "select count(*) from submissions") == [(1,)]
    assert len([e for e in read_log(raw) if e["event"] == "accepted"]) == 1


def test_a_later_workbook_supersedes_and_history_is_kept(wh, tmp_path):
    raw, db = wh
    first = filled(db, tmp_path / "v1.xlsx", values={"KG_ENROLLED": 10000, "KG_PUBLIC_ENROLLED": 7690})
    second = filled(db, tmp_path / "v2.xlsx", values={"KG_PUBLIC_ENROLLED": 6790}, notes={"KG_PUBLIC_ENROLLED": "更正"})
    assert ingest_approved(first, raw, db).outcome == "loaded"
    assert ingest_approved(second, raw, db).outcome == "loaded"
    assert latest(db, "KG_PUBLIC_ENROLLED") == 6790
    assert latest(db, "KG_ENROLLED") == 10000  # not reported again: the first workbook's value stands
    history = q(db, """select s.file_name, o.value from observations o join submissions s using (submission_id)
                       where indicator_code = 'KG_PUBLIC_ENROLLED' order by submission_id""")
    assert history == [("v1.xlsx", 7690.0), ("v2.xlsx", 6790.0)]
    assert latest(db, "KG_PUBLIC_RATE") == pytest.approx(67.9)


def test_every_accepted_file_is_archived_byte_for_byte(wh, tmp_path):
    raw, db = wh
    path = filled(db, tmp_path / "edu 2025 (final).xlsx", values={"HS_GER": 95})
    assert ingest_file(path, raw, db).outcome == "loaded"
    (entry,) = read_log(raw)
    archived = raw / config.SUBMISSIONS_DIR / entry["path"]
    assert archived.read_bytes() == path.read_bytes()
    assert entry["file_name"] == "edu 2025 (final).xlsx" and " " not in archived.name
    assert q(db, "select archive_path from submissions") == [(entry["path"],)]


def test_rebuild_from_the_archive_gives_the_same_latest_observations(wh, tmp_path):
    raw, db = wh
    for name, values in (("a.xlsx", {"KG_ENROLLED": 10000, "KG_PUBLIC_ENROLLED": 7690, "HS_GER": 101}),
                         ("b.xlsx", {"KG_PUBLIC_ENROLLED": 6790})):
        assert ingest_approved(filled(db, tmp_path / name, values=values), raw, db).outcome == "loaded"
    sql = "select indicator_code, year, value, submission_id, derivation from latest_observations order by all"
    before = q(db, sql)
    warnings_before = q(db, "select submission_id, reason from ingest_warnings order by all")
    rebuilt = tmp_path / "rebuilt.duckdb"
    build(raw, rebuilt)
    assert q(rebuilt, sql) == before
    assert q(rebuilt, "select submission_id, reason from ingest_warnings order by all") == warnings_before
    assert q(rebuilt, "select * from target_status order by target_id") == q(db, "select * from target_status order by target_id")


def test_a_jump_of_more_than_half_is_a_warning_that_stays(wh, tmp_path):
    raw, db = wh
    assert ingest_approved(filled(db, tmp_path / "a.xlsx", year=2024, values={"KG_ENROLLED": 10000}), raw, db).outcome == "loaded"
    result = ingest_approved(filled(db, tmp_path / "b.xlsx", year=2025, values={"KG_ENROLLED": 16000}), raw, db)
    assert result.outcome == "loaded"
    (jump,) = [w for w in result.warnings if w.sheet == config.SHEET_VALUES]
    assert "与上年（10000）相比变化+60%" in jump.reason
    assert q(db, "select count(*) from ingest_warnings join submissions using (submission_id) "
                 "where file_name = 'b.xlsx' and sheet = ?", [config.SHEET_VALUES]) == [(1,)]


def test_a_failure_inside_the_load_leaves_the_warehouse_as_it_was(wh, tmp_path, monkeypatch):
    raw, db = wh
    import pipelines.ingest as ingest_module

    load_one = ingest_module.load_one

    def broken(*args):  # the rows are inserted, then the disk fills
        load_one(*args)
        raise RuntimeError("disk full")

    monkeypatch.setattr(ingest_module, "load_one", broken)
    with pytest.raises(RuntimeError):
        ingest_file(filled(db, tmp_path / "a.xlsx", values={"HS_GER": 95}), raw, db)
    assert q(db, "select count(*) from submissions") == [(0,)]
    assert q(db, "select count(*) from observations") == [(0,)]


def test_a_kill_in_the_middle_of_an_ingest_leaves_the_warehouse_as_it_was(wh, tmp_path):
    """A real SIGKILL while the load's transaction is open."""
    raw, db = wh
    path = filled(db, tmp_path / "a.xlsx", values={"HS_GER": 95})
    marker = tmp_path / "inside"
    script = f"""
import time, pathlib, pipelines.ingest as m
load_one = m.load_one
def slow(*args):
    load_one(*args)
    pathlib.Path({str(marker)!r}).write_text("x")
    time.sleep(60)
m.load_one = slow
m.ingest_file(pathlib.Path({str(path)!r}), pathlib.Path({str(raw)!r}), pathlib.Path({str(db)!r}))
"""
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=config.ROOT, env={**os.environ, "PYTHONPATH": str(config.ROOT)})
    deadline = time.monotonic() + 30
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert q(db, "select count(*) from submissions") == [(0,)]
    assert q(db, "select count(*) from observations") == [(0,)]
    # The archive logged the file before the load began: the log is the record, so the next writer
    # loads it (and says so), and sending it again finds it already loaded.
    again = ingest_file(path, raw, db)
    assert again.outcome == "duplicate"
    assert q(db, "select s.file_name, a.source from submissions s join audit a using (sha256) where a.event = 'load'") == [("a.xlsx", "恢复")]
    assert len([e for e in read_log(raw) if e["event"] == "accepted"]) == 1


def test_log_lines_are_json_with_the_metadata(wh, tmp_path):
    raw, db = wh
    assert ingest_file(filled(db, tmp_path / "a.xlsx", values={"HS_GER": 95}), raw, db).outcome == "loaded"
    line = (raw / config.SUBMISSIONS_DIR / config.SUBMISSIONS_LOG).read_text(encoding="utf-8").splitlines()[0]
    event = json.loads(line)
    assert {"event", "sha256", "path", "file_name", "unit", "year", "received_at", "is_demo"} <= set(event)
    assert (event["unit"], event["year"], event["is_demo"]) == ("旗教育局", 2025, False)

