"""`import`: what a county statistician found trying it on the office's own exports (issue 18's tester)."""

import csv
import io

from tests import office_exports as ox
from tests.test_import import edited, proposal, q, run


def rows_of(path) -> dict[str, list[str]]:
    """The mapping file's rows by field code."""
    return {r[1]: r for r in csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig")))}


# -- 1. a per-school table with a 学段 column -------------------------------------------------------------------


def test_a_school_list_with_a_stage_column_loads(wh, tmp_path, capsys):
    raw, db = wh
    export = ox.school_list(tmp_path / "学校明细.xlsx")
    assert run(export.path, "--unit", "旗教育局", "--year", 2025, "--raw", raw, "--db", db) == 3
    path = proposal(capsys)
    assert rows_of(path)["school.stage"][3] == "学段"
    assert run(export.path, "--unit", "旗教育局", "--year", 2025, "--mapping", path, "--raw", raw, "--db", db) == 0, \
        capsys.readouterr()
    got = q(db, "select r.name, c.stage, c.students, c.classes, c.max_class from school_counts c "
                "join school_register r using (submission_id, school_id) order by all")
    assert got == sorted((name, stage, *map(float, values[:3])) for (name, stage), values in export.expected.items())
    types = dict(q(db, "select name, school_type from school_register"))
    assert types == {"长胜镇中心小学": "小学", "玛尼罕乡中学": "初中", "金厂沟梁镇九年一贯制学校": "九年一贯制"}
    assert "办学类型按名称和学段推定" in capsys.readouterr().out


def test_a_two_stage_school_without_its_stage_is_refused_not_dropped(wh, tmp_path, capsys):
    raw, db = wh
    export = ox.school_list(tmp_path / "学校明细.xlsx")
    run(export.path, "--unit", "旗教育局", "--year", 2025, "--raw", raw, "--db", db)
    path = edited(proposal(capsys), {"school.stage": ""}, tmp_path / "无学段.csv")
    assert run(export.path, "--unit", "旗教育局", "--year", 2025, "--mapping", path, "--raw", raw, "--db", db) == 1
    err = capsys.readouterr().err
    assert "金厂沟梁镇九年一贯制学校" in err and "学段" in err and "第5行" in err
    assert q(db, "select count(*) from submissions") == [(0,)]


def test_a_stage_given_as_a_value_for_forms_loads(wh, tmp_path, capsys):
    raw, db = wh
    schools = ox.form_schools(2)
    ox.form_folder(tmp_path / "基层报表", schools)
    run(tmp_path / "基层报表", "--unit", "旗教育局", "--year", 2025, "--raw", raw, "--db", db)
    path = edited(proposal(capsys), {"school.stage": "值：小学"}, tmp_path / "改.csv")
    assert run(tmp_path / "基层报表", "--unit", "旗教育局", "--year", 2025, "--mapping", path, "--raw", raw,
               "--db", db) == 0, capsys.readouterr()
    assert q(db, "select distinct stage from school_counts") == [("小学",)]
