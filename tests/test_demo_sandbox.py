"""Demo data is a sandbox that real data end (docs/design.md, "Demo data"): on a warehouse holding both, no reader
ever sets a real value beside a demo one, and the first approved real workbook (or `demo remove`) ends the
demo for good — every status, chart, export, check, 整改说明 list, 催报 receipt and readiness judgment after it
reads real data only, and every rebuild ends it at the same place."""

from datetime import date

import duckdb
import pytest

from pipelines import config, demo_state
from pipelines.__main__ import main
from pipelines.accounts import AccountStore
from pipelines.archive import read_log
from pipelines.build import build
from pipelines.collection import reminders
from pipelines.collection.preview import preview
from pipelines.collection.review import decide
from pipelines.health import check
from pipelines.ingest import ingest_file
from pipelines.status_report import status_text
from pipelines.template import make_template
from tests.books import copy_warehouse, filled
from tests.school_books import school_book


@pytest.fixture
def both(demo_base, tmp_path):
    """A private copy of the embedded default (demo archive loaded): (raw, db)."""
    return copy_warehouse(*demo_base, tmp_path / "both")


def q(db, sql, params=()):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params).fetchall()


def admin(accounts):
    return AccountStore(accounts).get("admin")


def real_2025(db, tmp_path, values, name="real.xlsx"):
    return filled(db, tmp_path / name, "旗教育局", 2025, values)


def test_a_real_workbook_is_checked_against_real_values_only(both, tmp_path):
    raw, db = both
    # The demo has 470 for 2024 and 481 children of age for 2025: a real 168 is neither "a jump from 470" nor,
    # over the demo's 481, the 43.9% of T14-3 (the real numerator over a demo denominator).
    result = ingest_file(real_2025(db, tmp_path, {"SE_ENROLLED": 168, "JH_GRADUATES": 2000}), raw, db)
    assert result.outcome == "loaded", result.problems
    said = " ".join(p.reason for p in result.problems)
    assert "470" not in said and "4960" not in said and "此前填报" not in said
    assert result.changes["current_value"].isna().all() and set(result.changes["change"]) == {"新增"}


def test_the_gross_rate_ceiling_holds_although_the_demo_reported_a_rate(both, tmp_path):
    raw, db = both
    assert q(db, "select value from latest_observations where indicator_code = 'HS_GER' and year = 2025")  # demo 95.9
    result = ingest_file(real_2025(db, tmp_path, {"HS_ENROLLED": 30000, "HS_AGE_POP": 14050}), raw, db)
    assert result.outcome == "rejected"
    assert any("150" in p.reason and "高中阶段毛入学率" in p.reason for p in result.errors)


def test_while_a_real_workbook_waits_the_pages_show_the_demo_alone(both, tmp_path):
    raw, db = both
    loaded = ingest_file(real_2025(db, tmp_path, {"HS_ENROLLED": 12772, "HS_AGE_POP": 14050}), raw, db)
    assert loaded.outcome == "loaded"
    rows = q(db, "select value, is_demo from latest_observations where indicator_code = 'HS_GER' and year = 2025")
    assert rows == [(95.9, True)]  # the demo's rate, marked; the pending real counts are nowhere yet
    assert q(db, "select count(*) from latest_observations where not is_demo") == [(0,)]


def test_the_first_real_approval_ends_the_demo_for_every_reader(both, tmp_path, accounts):
    raw, db = both
    demo_books = q(db, "select count(*) from submissions where is_demo")[0][0]
    loaded = ingest_file(real_2025(db, tmp_path, {"HS_ENROLLED": 12772, "HS_AGE_POP": 14050}), raw, db)
    number = loaded.submission_id
    assert number == demo_books + 1

    # The reviewer's preview: real values beside real ones (none), statuses on real data, the demo's end said.
    p = preview(db, number)
    assert p.ends_demo and "示例数据结束" in p.summary()
    assert p.values["current_value"].isna().all()

    decision = decide(raw, db, number, "approved", admin(accounts), source="测试")
    assert "示例数据已结束" in decision.message
    assert [e["reason"] for e in read_log(raw) if e.get("event") == "demo_ended"] == [demo_state.REASON_REAL_APPROVED]
    assert q(db, "select event, account from audit where event = 'demo_ended'") == [("demo_ended", "admin")]

    # No demo row is left anywhere in the warehouse, and nothing says 示例数据.
    for table in ("submissions", "observations", "task_progress", "rectifications", "school_register", "school_counts"):
        assert q(db, "select count(*) from query_table(?) where submission_id <> ?", [table, number]) == [(0,)], table
    for view in ("latest_observations", "target_status", "readiness", "school_indicators"):
        assert q(db, "select count(*) from query_table(?) where is_demo", [view]) == [(0,)], view
    # Statuses: the real 90.9% (12772 / 14050), not the demo's 95.9% 已达成.
    [(value, status)] = q(db, "select latest_value, status from target_status where target_id = 'T03-5'")
    assert round(value, 1) == 90.9 and status == "missed"
    with duckdb.connect(str(db), read_only=True) as con:
        text, _ = status_text(con, 2025)
        assert config.DEMO_LABEL not in text
        # 整改说明 of the 2026 workbook: the targets lagging on real data — T03-5 (90.9% < 95%) and the 2023
        # milestone T15-2 that no real workbook reported (and, issue 19, T15-3 and the T88-1 project, also due in 2023)
        # — none of the 23 the demo's figures lag on (T03-2 …).
        wb = make_template(con, "旗教育局", 2026)
        asked = [c.value for c in wb[config.SHEET_RECTIFICATION]["A"] if c.value and str(c.value).startswith("T")]
        assert asked == ["T03-5", "T15-2", "T15-3", "T88-1"]
        # 催报: only the real workbook counts as sent.
        sent = reminders.receipts(con, date(2026, 12, 5), {}, 2025)
        states = dict(((r.unit, r.year), r.state) for r in sent.itertuples())
        assert states[("旗教育局", 2025)] == "approved"
        assert states[("旗人社局", 2025)] == "missing" and states[("旗教育局", 2024)] == "missing"
    # 验收准备: no school data is real yet, so nothing is judged on the demo's schools.
    assert q(db, "select count(*) from readiness_values") == [(0,)]
    assert q(db, "select count(*) from readiness where status_group <> 'unknown' and not is_demo "
                 "and criterion_id like 'YZ_PS%'") == [(0,)]

    # A rebuild from the raw folder ends the demo at the same place: same numbers, same values, no demo.
    rebuilt = tmp_path / "rebuilt.duckdb"
    report = build(raw, rebuilt)
    assert report.demo_ended and report.skipped_demo == demo_books and report.submissions == 1
    assert q(rebuilt, "select submission_id, review_status from submissions") == [(number, "approved")]
    assert q(rebuilt, "select round(value, 1) from latest_observations where indicator_code = 'HS_GER'") == [(90.9,)]
    assert check(raw, db).current, check(raw, db).text()


def test_a_later_real_school_workbook_is_judged_without_the_demo_years(both, tmp_path, accounts):
    raw, db = both
    loaded = ingest_file(school_book(db, tmp_path / "schools.xlsx", 2025), raw, db)
    assert loaded.outcome == "loaded", loaded.problems
    decide(raw, db, loaded.submission_id, "approved", admin(accounts), source="测试")
    # The 差异系数 history is the real year alone (not demo 2022–24 run into real 2025) …
    assert q(db, "select distinct year from criterion_dispersion") == [(2025,)]
    # … and the register has no earlier (demo) year to list schools as 不再列出.
    assert q(db, "select distinct year from schools") == [(2025,)]
    assert q(db, "select count(*) from schools where is_demo") == [(0,)]


def test_demo_remove_ends_the_demo_audited_and_every_rebuild_keeps_it_out(both, tmp_path, capsys):
    raw, db = both
    assert main(["demo", "remove", "--raw", str(raw), "--db", str(db)]) == 0
    assert "示例数据已结束" in capsys.readouterr().out
    assert q(db, "select count(*) from submissions") == [(0,)]
    assert q(db, "select event, source from audit where event = 'demo_ended'") == [("demo_ended", "命令行")]
    assert main(["demo", "remove", "--raw", str(raw), "--db", str(db)]) == 0
    assert "此前已结束" in capsys.readouterr().out  # once only
    assert len([e for e in read_log(raw) if e.get("event") == "demo_ended"]) == 1
    assert main(["build", "--raw", str(raw), "--db", str(db)]) == 0  # the default build, demo and all: none loaded
    assert "示例数据已结束" in capsys.readouterr().out
    assert q(db, "select count(*) from submissions") == [(0,)]
    # The demo workbooks stay in the archive, marked.
    assert all(e["is_demo"] for e in read_log(raw) if e.get("event") == "accepted")


def test_a_real_workbook_keeps_its_number_with_or_without_the_demo(both, tmp_path):
    raw, db = both
    loaded = ingest_file(real_2025(db, tmp_path, {"HS_ENROLLED": 12772}), raw, db)
    without = tmp_path / "without.duckdb"
    build(raw, without, include_demo=False)
    assert q(without, "select submission_id from submissions") == [(loaded.submission_id,)]


def test_the_demo_cannot_be_regenerated_once_real_workbooks_exist(both, tmp_path):
    from pipelines.demo import generate
    from pipelines.schools.demo import add_to_archive

    raw, db = both
    ingest_file(real_2025(db, tmp_path, {"HS_ENROLLED": 12772}), raw, db)
    for regenerate in (generate, add_to_archive):
        with pytest.raises(SystemExit, match="真实的填报工作簿"):
            regenerate(raw)


def test_the_service_deploy_and_restore_never_load_demo_data(both, tmp_path):
    from pipelines.backup import backup, restore

    service = (config.ROOT / "deploy" / "aohan-monitor.service").read_text(encoding="utf-8")
    assert "-m pipelines build --if-needed --no-demo" in service
    deploy = (config.ROOT / "scripts" / "deploy.sh").read_text(encoding="utf-8")
    assert deploy.index('"$CLI" demo remove') < deploy.index('"$CLI" build --no-demo')
    raw, db = both
    archive = tmp_path / "backup.tar.gz"
    backup(raw, archive)
    restored_raw, restored_db = tmp_path / "restored" / "raw", tmp_path / "restored" / "w.duckdb"
    restore(archive, restored_raw, restored_db, accounts_file=tmp_path / "restored" / "accounts.json")
    assert q(restored_db, "select count(*) from submissions where is_demo") == [(0,)]


def test_build_if_needed_without_demo_rebuilds_a_warehouse_that_holds_demo(both, capsys):
    raw, db = both
    assert main(["build", "--if-needed", "--no-demo", "--raw", str(raw), "--db", str(db)]) == 0
    assert q(db, "select count(*) from submissions where is_demo") == [(0,)]
    assert main(["build", "--if-needed", "--no-demo", "--raw", str(raw), "--db", str(db)]) == 0
    assert "无需重建" in capsys.readouterr().out


def test_a_units_template_asks_for_explanations_of_real_statuses_only(both):
    """While the demo runs, a unit's blank workbook asks 整改说明 for what lags on real data (T15-2: a 2023
    milestone no real workbook reported), not for the demo's lagging figures; the demo generator asks its own."""
    _, db = both
    with duckdb.connect(str(db), read_only=True) as con:
        real = make_template(con, "旗教育局", 2025)
        demo = make_template(con, "旗教育局", 2025, include_demo=True)

    def asked(wb):
        return [c.value for c in wb[config.SHEET_RECTIFICATION]["A"] if c.value and str(c.value).startswith("T")]

    assert asked(real) == ["T15-2", "T15-3", "T88-1"]  # issue 19: two more targets due in 2023
    assert "T15-2" not in asked(demo) and len(asked(demo)) > 10


def test_after_the_demo_ends_the_pages_and_the_excel_report_show_the_real_figure(both, tmp_path, accounts, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from dashboard.excel_report import build_workbook
    from tests.test_app import APP, cockpit_tiles, navigation_only  # noqa: F401 (autouse fixture)

    raw, db = both
    loaded = ingest_file(real_2025(db, tmp_path, {"HS_ENROLLED": 12772, "HS_AGE_POP": 14050}), raw, db)
    decide(raw, db, loaded.submission_id, "approved", admin(accounts), source="测试")
    monkeypatch.setenv("MONITOR_DB", str(db))
    monkeypatch.setenv("MONITOR_RAW", str(raw))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    tiles = cockpit_tiles(at)
    assert "90.9%" in tiles and "95.9%" not in tiles
    assert not any(config.DEMO_LABEL in w.value for w in at.warning)
    with duckdb.connect(str(db), read_only=True) as con:
        data = build_workbook(con, 2025)
    import io

    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data))
    notes = dict(wb["说明"].iter_rows(min_row=2, max_col=2, values_only=True))
    assert notes[config.DEMO_LABEL] == "不含示例数据"
    cells = [str(c.value) for ws in wb if ws.title != "说明" for row in ws.iter_rows(min_row=2) for c in row
             if c.value is not None]
    assert not any(config.DEMO_LABEL in c for c in cells)  # no value marked 示例数据 (the columns stay, empty)
    assert any("90.9" in c for c in cells) and not any(c.startswith("95.9") for c in cells)


# ---- Found by the outside check of the demo's isolation ----------------------------------------------------

def test_online_entry_is_never_filled_with_a_demo_workbook(both):
    from pipelines.collection.entry import form

    _, db = both
    with duckdb.connect(str(db), read_only=True) as con:
        filled_form = form(con, "旗教育局", 2025)
    assert filled_form.prefilled_from is None  # the demo's #21 is not the unit's own report
    assert filled_form.values["数值"].isna().all() and filled_form.progress["进展状态"].isna().all()


@pytest.mark.parametrize("ended", [False, True])
def test_a_byte_copy_of_a_demo_workbook_is_refused_as_a_units_report(both, tmp_path, accounts, ended):
    import shutil

    raw, db = both
    if ended:
        main(["demo", "remove", "--raw", str(raw), "--db", str(db)])
    demo_book = next(e for e in read_log(raw) if e.get("event") == "accepted" and e["unit"] == "旗人社局")
    copy = tmp_path / "旗人社局_2025.xlsx"
    shutil.copy(raw / config.SUBMISSIONS_DIR / demo_book["path"], copy)
    before = q(db, "select count(*) from submissions")
    result = ingest_file(copy, raw, db)
    assert result.outcome == "rejected" and "示例数据工作簿" in result.errors[0].reason
    assert q(db, "select count(*) from submissions") == before  # nothing of the demo comes back


def test_evidence_is_never_attached_to_a_demo_workbook(both, tmp_path, accounts):
    from pipelines.collection.evidence import attach
    from pipelines.problems import InputError
    from tests.evidence_files import pdf

    raw, db = both
    [(number,)] = q(db, "select submission_id from submissions where is_demo and unit = '旗教育局' and year = 2025 "
                        "and n_progress > 0 order by submission_id desc limit 1")
    [(task,)] = q(db, "select task_no from task_progress where submission_id = ? limit 1", [number])
    (tmp_path / "a.pdf").write_bytes(pdf())
    with pytest.raises(InputError, match="示例数据"):
        attach(raw, db, number, task, tmp_path / "a.pdf", "a.pdf", admin(accounts))
    assert q(db, "select count(*) from evidence") == [(0,)]


def test_a_reader_catches_up_a_demo_ending_approval_killed_before_its_commit(both, tmp_path, capsys):
    """The log says approved and demo_ended; the warehouse was never told (a kill between the two): `status`
    brings it up to the log before it reads, and says so."""
    from datetime import datetime

    from pipelines.archive import log_review

    raw, db = both
    loaded = ingest_file(real_2025(db, tmp_path, {"HS_ENROLLED": 12772, "HS_AGE_POP": 14050}), raw, db)
    now = datetime.now().replace(microsecond=0)
    log_review(raw, q(db, "select sha256 from submissions where submission_id = ?", [loaded.submission_id])[0][0],
               "approved", "admin", None, now)
    demo_state.log_end(raw, "admin", demo_state.REASON_REAL_APPROVED, now)
    assert main(["status", "--db", str(db), "--raw", str(raw), "--as-of", "2025"]) == 0
    out = capsys.readouterr()
    assert "恢复：已按归档日志结束示例数据" in out.err and config.DEMO_LABEL not in out.out
    assert q(db, "select count(*) from submissions where is_demo") == [(0,)]


def test_a_page_catches_up_before_it_shows_a_warehouse_behind_its_log(both, tmp_path, monkeypatch):
    from datetime import datetime

    from streamlit.testing.v1 import AppTest

    from tests.test_app import APP, navigation_only  # noqa: F401 (autouse fixture)

    raw, db = both
    demo_state.log_end(raw, "admin", demo_state.REASON_REMOVED, datetime.now().replace(microsecond=0))
    monkeypatch.setenv("MONITOR_DB", str(db))
    monkeypatch.setenv("MONITOR_RAW", str(raw))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert any("已按归档日志补齐" in i.value for i in at.info)
    assert q(db, "select count(*) from submissions where is_demo") == [(0,)]
    at.run()
    assert not any(config.DEMO_LABEL in w.value for w in at.warning)


def test_review_list_of_a_number_that_is_no_workbook_says_so(both, capsys):
    raw, db = both
    main(["demo", "remove", "--raw", str(raw), "--db", str(db)])
    assert main(["review", "list", "21", "--raw", str(raw), "--db", str(db)]) == 1
    assert "填报编号 21 不存在" in capsys.readouterr().err


def test_a_restored_installation_ends_the_demo_in_its_log(both, tmp_path):
    from pipelines.backup import backup, restore

    raw, _ = both
    backup(raw, tmp_path / "b.tar.gz")
    target_raw, target_db = tmp_path / "r" / "raw", tmp_path / "r" / "w.duckdb"
    restore(tmp_path / "b.tar.gz", target_raw, target_db, accounts_file=tmp_path / "r" / "accounts.json")
    assert demo_state.ended_in_log(read_log(target_raw))["by"] == "（恢复）"
    build(target_raw, target_db)  # a later plain build, demo and all: still none
    assert q(target_db, "select count(*) from submissions where is_demo") == [(0,)]
    assert q(target_db, "select event from audit where event = 'demo_ended'") == [("demo_ended",)]
