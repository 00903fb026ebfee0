from datetime import date

import pytest

from pipelines.core import config
from pipelines.core.problems import InputError
from pipelines.plan.notice import read_body


@pytest.fixture(scope="module")
def body(unit_names):
    return read_body(config.RAW_DIR / config.PLAN_FILE, unit_names)


def test_body_has_30_key_tasks_in_five_sections(body):
    assert list(body.key_tasks["key_task_no"]) == list(range(1, 31))
    assert body.key_tasks.groupby("section_no").size().to_dict() == {1: 5, 2: 8, 3: 5, 4: 8, 5: 4}
    assert body.key_tasks.loc[0, "title"] == "推动普通高中优质特色多样发展"
    assert body.key_tasks.loc[0, "text"].startswith("推动普通高中优质特色多样发展。创新学校协同发展机制")
    assert "（牵头单位" not in body.key_tasks.loc[0, "text"]


def test_body_units_and_deadlines_as_the_body_states_them(body):
    units = body.units
    lead = units[units["role"] == "lead"].groupby("key_task_no")["unit"].apply(list).to_dict()
    assert lead[7] == ["旗委组织部", "旗教育局"]
    assert lead[9] == ["旗委编办"]
    assert 19 not in lead and 22 not in lead  # the body names only 责任部门 there
    resp30 = list(units[(units["key_task_no"] == 30) & (units["role"] == "responsible")]["unit"])
    assert resp30[:3] == ["旗委宣传部", "旗委统战部", "旗委编办"]  # 旗统战部 / 旗编办 as written, canonical here
    due = body.deadlines.groupby("key_task_no")["due_date"].apply(list).to_dict()
    assert due[16] == [date(2023, 9, 15)]
    assert due[28] == [date(2025, 12, 31)]
    assert body.key_tasks.set_index("key_task_no").loc[1, "deadline_text"] == "长期坚持"


def test_notice_without_key_tasks_part_is_refused(tmp_path, unit_names):
    path = tmp_path / "plan.txt"
    path.write_text("敖汉旗人民政府\n一、总体要求\n", encoding="utf-8")
    with pytest.raises(InputError, match="找不到正文"):
        read_body(path, unit_names)


def test_key_task_without_duties_names_its_line(tmp_path, unit_names):
    path = tmp_path / "plan.txt"
    path.write_text("二、重点任务\n（一）构建高质量发展体系\n1.推动发展。没有括号。\n三、组织实施\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_body(path, unit_names)
    assert exc.value.problems[0].row == 3
