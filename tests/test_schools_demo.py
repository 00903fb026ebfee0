"""The demo school and kindergarten workbooks (示例数据): archived, marked, regenerated without touching the rest."""

import shutil

import pytest

from pipelines import config
from pipelines.archive import read_log, submissions_dir
from pipelines.schools.demo import add_to_archive, kindergarten_rows, school_rows


def test_the_demo_register_is_about_60_schools_and_40_kindergartens_across_real_townships():
    from pipelines.schools.reference import read_townships

    division = read_townships(config.RAW_DIR / config.REFERENCE_DIR)
    townships = set(division.loc[division["status"] == "现行", "township"])  # the current division (issue 19)
    rural = set(division.loc[division["centre_required"], "township"])  # its 乡镇苏木
    for year in (2022, 2023, 2024, 2025):
        register, rows = school_rows(year)
        kgs = kindergarten_rows(year)
        assert 55 <= len(register) <= 65 and 35 <= len(kgs) <= 45
        assert {r["苏木乡镇"] for r in register} <= townships and {k["苏木乡镇"] for k in kgs} <= townships
        assert all(r["学校标识码"].startswith("SL") for r in register)  # invented ids, not national codes
    assert rural <= {r["苏木乡镇"] for r in school_rows(2025)[0]}  # every 乡镇苏木 has a school


@pytest.mark.slow  # regenerates the demo school workbooks
def test_regenerating_the_demo_school_workbooks_leaves_the_other_workbooks_as_they_were(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(config.RAW_DIR, raw)
    others = {p: p.read_bytes() for p in submissions_dir(raw).rglob("*.xlsx") if "学校与幼儿园" not in p.name}
    assert add_to_archive(raw) == 4
    events = [e for e in read_log(raw) if e["event"] == "accepted"]
    schools = [e for e in events if "学校与幼儿园" in e["file_name"]]
    assert len(schools) == 4 and all(e["is_demo"] and e["unit"] == "旗教育局" for e in schools)
    assert [e["received_at"] for e in events] == sorted(e["received_at"] for e in events)
    assert {p: p.read_bytes() for p in submissions_dir(raw).rglob("*.xlsx") if "学校与幼儿园" not in p.name} == others
    assert len(list(submissions_dir(raw).rglob("*学校与幼儿园*.xlsx"))) == 4  # the old ones replaced, not kept
