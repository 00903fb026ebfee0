import shutil

import pandas as pd
import pytest

from pipelines.core import config
from pipelines.plan.catalogue import read_catalogue
from pipelines.plan.discrepancies import find_discrepancies
from pipelines.plan.notice import read_body
from pipelines.plan.tasklist import load_plan


def text(value):
    return None if pd.isna(value) else value


@pytest.fixture(scope="module")
def seed(unit_names):
    plan = load_plan(config.RAW_DIR / config.TASKLIST_FILE, unit_names)
    body = read_body(config.RAW_DIR / config.PLAN_FILE, unit_names)
    catalogue = read_catalogue(config.RAW_DIR / config.REFERENCE_DIR)
    return plan, body, catalogue


def test_seed_target_discrepancies(seed):
    table, _ = find_discrepancies(*seed)
    targets = table[table["field"].str.startswith("target")]
    rows = {(r.task_no, r.field, text(r.body_value), text(r.attachment_value), r.severity) for r in targets.itertuples()}
    assert rows == {
        (65, "target_value", "50%以上", "60%以上", "substantive"),  # 绿色校园、温馨校园
        (15, "target", "2所", None, "substantive"),  # 2所民办职业学校办学条件达标: only the body states it
        (15, "target_wording", "到2023年底前敖汉旗职业中学办学条件达标", "到2023年底前敖汉旗职业学校办学条件达标", "formal"),
        (88, "target_value", "4500平方米", None, "substantive"),  # the canteen task is in the list, its size is not
    }


def test_seed_deadline_discrepancies(seed):
    table, _ = find_discrepancies(*seed)
    deadlines = table[table["field"] == "deadline"]
    conflicts = deadlines[deadlines["kind"] == "date_conflict"]
    assert set(zip(conflicts["task_no"], conflicts["body_value"], conflicts["attachment_value"])) == {
        (51, "2023-09-15", "2023-09-30"),
        (52, "2023-09-15", "2023-09-30"),
    }
    extra = deadlines[deadlines["kind"] == "only_in_attachment"]
    # 新惠十小 by 2023年9月 and 年底, and 提质培优 by 2025年: dates the body gives nowhere for those tasks.
    assert set(zip(extra["task_no"], extra["attachment_value"])) == {
        (88, "2023-09-30"), (88, "2023-12-31"), (16, "2025-12-31")}
    assert set(deadlines["severity"]) == {"substantive"}
    # Same day written two ways (2023年9月30日 in the body, 2023年9月 in the list) is not a discrepancy.
    assert not ((deadlines["task_no"] == 20) | (deadlines["task_no"] == 21)).any()


def test_a_date_in_the_bodys_sentence_is_the_bodys_date(seed):
    """The body writes 到2025年… in its text and 长期坚持 in its 完成时限: the attachment's 2025年12月 agrees."""
    table, _ = find_discrepancies(*seed)
    deadlines = table[table["field"] == "deadline"]
    for task_no in (3, 6, 10, 14, 15, 74, 78, 83, 98):
        assert task_no not in set(deadlines["task_no"]), task_no


def test_a_date_removed_from_the_bodys_sentence_is_found(seed, tmp_path, unit_names):
    plan, _, catalogue = seed
    text = (config.RAW_DIR / config.PLAN_FILE).read_text(encoding="utf-8").replace(
        "力争2025年底前全部化解普通高中债务", "力争全部化解普通高中债务", 1)
    (tmp_path / "plan.txt").write_text(text, encoding="utf-8")
    table, _ = find_discrepancies(plan, read_body(tmp_path / "plan.txt", unit_names), catalogue)
    rows = table[(table["field"] == "deadline") & (table["task_no"] == 83)]
    assert list(rows["attachment_value"]) == ["2025-12-31"]


def test_seed_unit_discrepancies(seed):
    table, _ = find_discrepancies(*seed)
    units = table[table["field"].isin(["lead_units", "responsible_units"])]
    assert sorted(units["task_no"]) == [57, 58, 59, 66, 67, 68]
    assert set(units["body_value"]) == {"（未列）"} and set(units["attachment_value"]) == {"旗教育局"}
    # The body names 旗教育局 as 责任单位 only; the list makes it lead: the same unit, a formal difference.
    assert set(units["severity"]) == {"formal"} and set(units["kind"]) == {"roles_differ"}


def test_a_changed_number_in_the_body_is_found(seed, tmp_path, unit_names):
    """Found by comparing, not typed in: change the body's 95% and a discrepancy appears."""
    plan, _, catalogue = seed
    text = (config.RAW_DIR / config.PLAN_FILE).read_text(encoding="utf-8").replace("高中阶段毛入学率达到95%以上，高考", "高中阶段毛入学率达到92%以上，高考", 1)
    (tmp_path / "plan.txt").write_text(text, encoding="utf-8")
    body = read_body(tmp_path / "plan.txt", unit_names)
    table, _ = find_discrepancies(plan, body, catalogue)
    row = table[table["target_id"] == "T03-5"].iloc[0]
    assert (row["field"], row["body_value"], row["attachment_value"]) == ("target_value", "92%以上", "95%以上")


def test_a_deleted_target_in_the_body_is_found(seed, tmp_path, unit_names):
    plan, _, catalogue = seed
    text = (config.RAW_DIR / config.PLAN_FILE).read_text(encoding="utf-8").replace("每年建设市级平安校园20所、", "", 1)
    (tmp_path / "plan.txt").write_text(text, encoding="utf-8")
    table, _ = find_discrepancies(plan, read_body(tmp_path / "plan.txt", unit_names), catalogue)
    row = table[table["target_id"] == "T98-1"].iloc[0]
    assert (row["field"], row["kind"]) == ("target", "only_in_attachment")
    shutil.rmtree(tmp_path, ignore_errors=True)
