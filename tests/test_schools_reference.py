"""The criteria as reference data: read, checked, loaded; a faulty CSV is refused with row and column."""

import shutil

import duckdb
import pytest

from pipelines import config
from pipelines.build import build
from pipelines.problems import InputError
from pipelines.schools import settings as s
from pipelines.schools.reference import read_criteria, read_stage_split, read_townships

REFERENCE = config.RAW_DIR / config.REFERENCE_DIR


def test_the_criteria_csv_holds_both_schemes_with_sources_and_the_caveat():
    criteria = read_criteria(REFERENCE)
    assert criteria["criterion_id"].is_unique
    assert set(criteria["scheme"]) == {"优质均衡", "普及普惠"}
    # every caveat is the standard one, some followed by what the criterion's reading chose (issue 19)
    assert criteria["caveat"].str.startswith(s.CAVEAT).all() and criteria["source"].str.len().gt(10).all()
    assert criteria["source_url"].str.startswith("http").all()
    school = criteria[criteria["scope"] == "school"]
    assert len(school) == 14 and set(school["stage"]) == {"小学", "初中"}
    # The national criteria's thresholds (docs/design.md), 小学 and 初中
    got = {(r.stage, r.name): r.threshold for r in school.itertuples()}
    assert got["小学", "每百名学生拥有高于规定学历教师数"] == 4.2 and got["初中", "每百名学生拥有高于规定学历教师数"] == 5.3
    assert got["小学", "生均体育运动场馆面积"] == 7.5 and got["初中", "生均体育运动场馆面积"] == 10.2
    assert got["初中", "生均教学仪器设备值"] == 2500
    dispersion = criteria[criteria["scope"] == "dispersion"]
    assert set(dispersion["applies_to"]) == set(school["criterion_id"])
    assert set(zip(dispersion["stage"], dispersion["threshold"])) == {("小学", 0.5), ("初中", 0.45)}
    rules = criteria[criteria["scope"] == "rule"].set_index("measure")["threshold"]
    assert rules["floor"] == 85 and rules["min_students"] == 50 and set(rules["min_met"]) == {6}
    ph = criteria[criteria["scheme"] == "普及普惠"].set_index("measure")
    assert ph.loc["kg_gross_enrolment", "threshold"] == 85 and ph.loc["kg_inclusive_share", "threshold"] == 80
    assert ph.loc["kg_public_share", "threshold"] == 50


def test_the_criteria_issue_19_found_missing_are_there_with_their_sources():
    """普及普惠 item 6 (园舍条件), PH_04's 公办中心园, PH_11's 园长, 教育质量's 9 items, YZ_G01's room areas, and
    YZ_Q04's 低于0.15."""
    criteria = read_criteria(REFERENCE).set_index("criterion_id")
    kg = criteria[criteria["scope"] == "kindergarten"]
    assert dict(zip(kg["measure"], kg["threshold"])) == {
        "outdoor_area_per_child": 4, "activity_room_per_child": 8.17, "building_area_per_child": 10.44}
    assert (criteria.loc["PH_14", ["measure", "threshold"]].tolist() == ["kg_premises_new", 100]
            and criteria.loc["PH_15", ["measure", "threshold"]].tolist() == ["kg_premises_old", 50])
    assert s.PARAMETERS["kg_new_design_year"] == 2017
    assert "公办中心园" in criteria.loc["PH_04", "name"] and "不计新州、惠州街道和工业园区" in criteria.loc["PH_04", "caveat"]
    assert criteria.loc["PH_11", "name"] == "园长、专任教师持证上岗率"
    quality = criteria[(criteria["scheme"] == "优质均衡") & (criteria["part"] == "教育质量")]
    assert len(quality) == 10  # the 办法's 9 items, its 9th (Ⅲ级以上 and 校际差异率) in two
    for words in ("管理与教学信息化", "教师培训经费", "信息化手段组织教学", "德育工作、校园文化建设"):
        assert quality["name"].str.contains(words).any(), words
    assert criteria.loc["YZ_G01A", ["comparator", "threshold", "unit"]].tolist() == [">=", 96, "㎡"]
    assert criteria.loc["YZ_G01B", ["comparator", "threshold", "unit"]].tolist() == [">=", 90, "㎡"]
    assert criteria.loc["YZ_Q04", ["comparator", "threshold"]].tolist() == ["<", 0.15]
    for code in ("PH_P1", "PH_14", "PH_15", "YZ_G01A", "YZ_Q07", "YZ_Q10"):
        assert criteria.loc[code, "source"] and criteria.loc[code, "source_url"].startswith("http"), code


def test_the_criteria_counted_per_scheme():
    """What 验收准备 counts (每项差异系数, 逐校达标 as a share, every county-wide item), before issue 19 41 and 13."""
    criteria = read_criteria(REFERENCE)
    counted = criteria[criteria["scope"].isin(["dispersion", "county"])
                       | ((criteria["scope"] == "rule") & (criteria["measure"] == "min_met"))]
    assert counted["scheme"].value_counts().to_dict() == {"优质均衡": 47, "普及普惠": 15}
    assert criteria["scheme"].value_counts().to_dict() == {"优质均衡": 63, "普及普惠": 18}  # with the rows they use


@pytest.mark.parametrize(("edit", "row", "column"), [
    (lambda line: line.replace(",kindergarten,outdoor_area_per_child,>=,", ",kindergarten,outdoor_area_per_child,<=,"),
     "PH_P1", "comparator"),
    (lambda line: line.replace(",幼儿园,kindergarten,", ",全旗,kindergarten,"), "PH_P2", "stage"),
    (lambda line: line.replace(",kindergarten,building_area_per_child,", ",county,building_area_per_child,"), "PH_P3",
     "measure"),
    (lambda line: line.replace(",<,0.15,", ",<<,0.15,"), "YZ_Q04", "comparator"),
])
def test_a_faulty_new_criterion_is_refused_with_its_row_and_column(reference, edit, row, column):
    path = reference / s.CRITERIA_FILE
    lines = path.read_text(encoding="utf-8").splitlines()
    i = next(i for i, line in enumerate(lines) if line.startswith(row + ","))
    lines[i] = edit(lines[i])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        read_criteria(reference)
    assert (s.CRITERIA_FILE, i + 1, column) in {(p.file, p.row, p.column) for p in error.value.problems}


def test_townships_are_the_current_division_with_its_codes_edition_and_source():
    """Issue 19: the 2023 统计用区划代码 (150430xxx): 11 镇, 4 乡, 1 苏木, 2 街道 and the industrial park; the
    2005 names that are gone are kept as former names (宝国吐乡 abolished, 牛古吐乡 and 古鲁板蒿乡 now 镇)."""
    townships = read_townships(REFERENCE)
    current = townships[townships["status"] == s.CURRENT]
    assert current["kind"].value_counts().to_dict() == {"镇": 11, "乡": 4, "苏木": 1, "街道": 2, "园区": 1}
    assert {"黄羊洼镇", "兴隆洼镇", "牛古吐镇", "古鲁板蒿镇", "敖润苏莫苏木", "新州街道", "惠州街道"} <= set(current["township"])
    assert current["code"].str.fullmatch(r"150430\d{3}").all() and current["code"].is_unique
    assert (current["edition"] == 2023).all() and current["source"].str.contains("2023年统计用区划代码").all()
    assert current["source_url"].str.startswith("https://www.stats.gov.cn/").all()
    assert dict(zip(current["township"], current["code"]))["黄羊洼镇"] == "150430108"
    former = townships[townships["status"] != s.CURRENT].set_index("township")
    assert former.loc["宝国吐乡", "status"] == s.ABOLISHED
    assert former.loc["牛古吐乡", "now"] == "牛古吐镇" and former.loc["古鲁板蒿乡", "now"] == "古鲁板蒿镇"
    # PH_04 counts the 乡镇苏木: 镇, 乡 and 苏木 of the current division, not the 街道 or the park
    assert set(townships.loc[townships["centre_required"], "township"]) == set(
        current.loc[current["kind"].isin(["镇", "乡", "苏木"]), "township"])
    assert townships["centre_required"].sum() == 16


def test_a_faulty_townships_csv_is_refused_with_every_row_and_column(tmp_path):
    shutil.copytree(REFERENCE, tmp_path / "reference")
    path = tmp_path / "reference" / s.TOWNSHIPS_FILE
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("150430100,", "15043010,")  # 新惠镇: an 8-digit code
    lines[2] = lines[2].replace(",镇,", ",县,")  # 四家子镇: not a kind of township
    lines[3] = lines[3].replace("150430102,", ",")  # 长胜镇: no code, and no note saying it is unverified
    lines[-1] = lines[-1].replace(",古鲁板蒿镇,", ",古鲁板蒿乡镇,")  # 古鲁板蒿乡: renamed to no current township
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        read_townships(tmp_path / "reference")
    where = {(p.file, p.row, p.column) for p in error.value.problems}
    assert where == {(s.TOWNSHIPS_FILE, 2, "code"), (s.TOWNSHIPS_FILE, 3, "kind"), (s.TOWNSHIPS_FILE, 4, "code"),
                     (s.TOWNSHIPS_FILE, len(lines), "now")}
    # a code that cannot be verified is left blank with a note saying so
    lines = path.read_text(encoding="utf-8").splitlines()
    original = (REFERENCE / s.TOWNSHIPS_FILE).read_text(encoding="utf-8").splitlines()
    lines[1:] = original[1:]
    lines[3] = lines[3].replace("150430102,", ",") + f"（{s.UNVERIFIED_CODE}）"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert read_townships(tmp_path / "reference")["code"].isna().sum() == 4  # 长胜镇 and the three former names


def test_a_townships_csv_of_the_earlier_layout_still_reads(tmp_path):
    """A raw folder from before issue 19 (a backup being restored): names, kinds and sources only, all current."""
    shutil.copytree(REFERENCE, tmp_path / "reference")
    (tmp_path / "reference" / s.TOWNSHIPS_FILE).write_text(
        "township,kind,note,source,source_url\n新惠镇,镇,,同上,\n宝国吐乡,乡,,同上,\n", encoding="utf-8")
    townships = read_townships(tmp_path / "reference")
    assert list(townships["status"]) == [s.CURRENT, s.CURRENT] and townships["centre_required"].all()


def test_a_criteria_csv_of_before_issue_19_still_reads(reference):
    path = reference / s.CRITERIA_FILE
    path.write_text(path.read_text(encoding="utf-8").replace(",kg_township_centre,", ",kg_township_public,"),
                    encoding="utf-8")
    assert read_criteria(reference).set_index("criterion_id").loc["PH_04", "measure"] == "kg_township_centre"


def test_the_stage_split():
    split = read_stage_split(REFERENCE).set_index(["school_type", "stage"])["weight"]
    assert split["九年一贯制", "小学"] == 1 and split["九年一贯制", "初中"] == 1.1 and split["完全中学", "高中"] == 1.2


@pytest.fixture
def reference(tmp_path):
    shutil.copytree(REFERENCE, tmp_path / "reference")
    return tmp_path / "reference"


def test_a_faulty_criteria_csv_is_refused_with_every_row_and_column(reference):
    path = reference / s.CRITERIA_FILE
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",4.2,", ",四点二,")  # YZ_PS_1: threshold not a number
    lines[2] = lines[2].replace(",>=,", ",≥,")  # YZ_PS_2: comparator
    lines[3] = lines[3].replace("YZ_PS_3", "YZ_PS_1")  # duplicate id
    lines[4] = lines[4].rsplit(",", 1)[0] + ","  # no caveat
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        read_criteria(reference)
    where = {(p.row, p.column) for p in error.value.problems}
    assert {(2, "threshold"), (3, "comparator"), (4, "criterion_id"), (5, "caveat")} <= where


@pytest.mark.slow  # builds a warehouse
def test_a_build_with_a_faulty_criteria_csv_leaves_the_warehouse_as_it_was(empty_base, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(empty_base[0], raw)
    db = tmp_path / "w.duckdb"
    shutil.copy(empty_base[1], db)
    before = db.read_bytes()
    path = raw / config.REFERENCE_DIR / s.CRITERIA_FILE
    path.write_text(path.read_text(encoding="utf-8").replace(",school,", ",per_school,", 1), encoding="utf-8")
    with pytest.raises(InputError) as error:
        build(raw, db)
    assert any(p.column == "scope" and p.row == 2 for p in error.value.problems)
    assert db.read_bytes() == before


def test_the_warehouse_holds_the_criteria_with_their_acceptance_year(plan_con):
    rows = dict(plan_con.execute("select scheme, min(acceptance_year) from criteria group by scheme").fetchall())
    assert rows == {"优质均衡": 2030, "普及普惠": 2028}  # the plan's milestones, tasks 6 and 10
    assert plan_con.execute("select count(*) from criteria where not starts_with(caveat, ?)", [s.CAVEAT]).fetchall() == [
        (0,)]
    assert isinstance(plan_con, duckdb.DuckDBPyConnection)
