"""The embedded default: the demo archive, loaded by the default build, left out by --no-demo."""

import sys

import duckdb
import pytest

from pipelines.core import config
from pipelines.operations import demo, plan_demo, school_demo
from pipelines.operations.build import build
from pipelines.records.archive import read_log
from tests.cli import run_cli


def q(db, sql, params=()):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def test_demo_archive_is_marked_and_covers_every_reporting_unit():
    events = [e for e in read_log(config.RAW_DIR) if e["event"] == "accepted"]
    assert events and all(e["is_demo"] for e in events)
    assert all(e["path"].startswith(f"{config.DEMO_DIR}/") for e in events)
    units = {e["unit"] for e in events}
    assert units == {"旗教育局", "旗人社局", "旗委宣传部", "旗委组织部", "旗委编办", "旗财政局"}
    assert {e["year"] for e in events} == {2022, 2023, 2024, 2025}
    assert [e["received_at"] for e in events] == sorted(e["received_at"] for e in events)


def test_default_build_loads_the_demo_and_gives_a_mix_of_statuses(demo_base):
    _, db = demo_base
    assert q(db, "select bool_and(is_demo), count(*) > 20 from submissions") == [(True, True)]
    statuses = dict(q(db, "select status, count(*) from target_status group by status"))
    assert {"met", "missed", "year_met", "year_missed", "round_met", "not_due", "no_data"} <= set(statuses)
    assert sum(statuses.values()) == 98  # 80, and the 18 typed by issue 19
    assert q(db, "select bool_and(is_demo) from target_status where latest_value is not null") == [(True,)]
    as_of_2024 = dict(q(db, "select status, count(*) from target_assessments where as_of_year = 2024 and include_demo group by status"))
    assert {"on_track", "moderate", "insufficient", "moving_away"} <= set(as_of_2024)


def test_demo_correction_supersedes_the_slip(demo_base):
    _, db = demo_base
    rows = q(db, """select s.file_name, o.value from observations o join submissions s using (submission_id)
                    where o.indicator_code = 'KG_PUBLIC_ENROLLED' and o.year = 2024 order by submission_id""")
    assert [v for _, v in rows] == [7690.0, 6790.0]
    assert "更正" in rows[1][0]
    assert q(db, "select value from latest_observations where indicator_code = 'KG_PUBLIC_ENROLLED' and year = 2024") == [(6790.0,)]
    assert q(db, "select count(*) from ingest_warnings") != [(0,)]


def test_no_demo_leaves_them_out(demo_base, tmp_path):
    raw, _ = demo_base
    db = tmp_path / "w.duckdb"
    report = build(raw, db, include_demo=False)
    assert report.submissions == 0 and report.skipped_demo > 20
    assert q(db, "select count(*) from submissions") == [(0,)]
    # Nothing reported: every target is without data, or not yet due (acceptances, yearly rules from 2023).
    assert q(db, "select count(*) from target_status where latest_value is not null") == [(0,)]
    assert {s for (s,) in q(db, "select distinct status from target_status")} <= {"no_data", "not_due"}


def test_status_command_prints_every_target(demo_base):
    _, db = demo_base
    result = run_cli("status", "--db", db)
    assert result.returncode == 0, result.stderr
    assert "评估年度 2025（含示例数据）" in result.stdout
    lines = [line for line in result.stdout.splitlines() if line[:1] in ("T", "B") and "-" in line[:6]]
    assert len(lines) == 98
    assert any("T65-1" in line and "逾期未达成" in line and "missed" in line for line in lines)
    earlier = run_cli("status", "--db", db, "--as-of", "2024")
    assert "评估年度 2024" in earlier.stdout and "进展偏慢" in earlier.stdout
    assert run_cli("status", "--db", db, "--as-of", "2040").returncode == 2


def test_assessments_without_demo_have_no_data(demo_base):
    _, db = demo_base
    rows = q(db, """select distinct a.status, t.kind from target_assessments a join targets t using (target_id)
                    where not a.include_demo""")
    assert {status for status, _ in rows} == {"no_data", "year_no_data", "not_due", "missed"}
    # An acceptance not reported after its year is missed (rule 2), and (issue 19) a building project not reported
    # after its year; nothing else is judged without data.
    assert {kind for status, kind in rows if status == "missed"} == {"milestone", "project"}
    assert q(db, "select count(*) from target_assessments where not include_demo and latest_value is not null") == [(0,)]


def test_the_demo_generators_say_a_bad_option_in_chinese(capsys, monkeypatch):
    """python -m pipelines.operations.demo (school_demo, plan_demo): a usage error in Chinese, exit status 2."""
    for module in (demo, school_demo, plan_demo):
        monkeypatch.setattr(sys, "argv", [module.__name__, "--bogus"])
        with pytest.raises(SystemExit) as stopped:
            module.main()
        said = capsys.readouterr().err
        assert stopped.value.code == 2 and "用法：" in said and "用法错误：无法识别的参数" in said and "--bogus" in said, said
