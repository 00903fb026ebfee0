from datetime import date

import openpyxl
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from pipelines.core import config
from pipelines.core.problems import InputError
from pipelines.plan.tasklist import load_plan, read_tasklist
from tests.tasklist_books import TASKS, flat_layout, merged_layout


def units_of(plan, task_no, role):
    rows = plan.task_units[(plan.task_units["task_no"] == task_no) & (plan.task_units["role"] == role)]
    return list(rows["unit"])


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"title": False},
        {"instructions": True},
        {"blank_rows": True},
        {"repeat_header": True},
        {"instructions": True, "blank_rows": True, "repeat_header": True},
    ],
)
def test_merged_layout_gives_the_four_tasks(tmp_path, unit_names, options):
    plan = load_plan(merged_layout(tmp_path / "t.xlsx", **options), unit_names)
    assert list(plan.tasks["task_no"]) == [1, 2, 3, 4]
    assert list(plan.tasks["section_no"]) == [1, 1, 2, 2]
    assert list(plan.tasks["key_task_no"]) == [1, 1, 7, 7]
    assert plan.tasks.loc[1, "text"] == "到2025年，高中阶段毛入学率达到95%以上。"
    # Merged lead and responsible cells stand for every row of their block.
    assert units_of(plan, 2, "lead") == ["旗教育局"]
    assert units_of(plan, 2, "responsible") == ["旗委宣传部", "旗委统战部", "旗委编办", "旗发改委", "旗财政局", "团旗委", "旗人武部"]
    # A two-line lead cell names two lead units.
    assert units_of(plan, 4, "lead") == ["旗委组织部", "旗教育局"]


def test_merged_layout_deadlines_and_ongoing(tmp_path, unit_names):
    plan = load_plan(merged_layout(tmp_path / "t.xlsx"), unit_names)
    assert list(plan.tasks["ongoing"]) == [True, False, True, False]
    due = plan.task_deadlines.groupby("task_no")["due_date"].apply(list).to_dict()
    assert 1 not in due  # 长期坚持 alone has no dated milestone
    assert due[2] == [date(2025, 12, 31)]
    assert due[3] == [date(2023, 8, 31)]
    assert due[4] == [date(2023, 9, 30), date(2023, 12, 31), date(2025, 12, 31)]


def test_flat_layout_with_other_header_words_and_numbers_in_text(tmp_path, unit_names):
    rows = [
        {"task_no": i + 1, "section": s, "key_task": k, "text": t.split(".", 1)[1], "lead": lead, "responsible": resp, "deadline": d}
        for i, (s, k, t, lead, resp, d) in enumerate(TASKS)
    ]
    words = ("重点任务", "任务目标", "工作任务", "牵头单位", "责任部门", "完成时限")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(words))
    for r in rows:
        ws.append([r["section"], r["key_task"], f"{r['task_no']}.{r['text']}", r["lead"], r["responsible"], r["deadline"]])
    wb.save(tmp_path / "flat.xlsx")
    plan = load_plan(tmp_path / "flat.xlsx", unit_names)
    merged = load_plan(merged_layout(tmp_path / "m.xlsx"), unit_names)
    assert_frame_equal(plan.tasks.drop(columns="source_row"), merged.tasks.drop(columns="source_row"))
    assert_frame_equal(plan.task_units, merged.task_units)


def test_blank_unit_cells_mean_as_above_within_a_key_task(tmp_path, unit_names):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "重点任务", "任务目标", "具体任务", "牵头部门", "配合单位", "完成时间"])
    ws.append([1, "一、构建高质量发展体系", "（一）推动普通高中优质特色多样发展。", "甲", "旗教育局", "旗财政局", "长期坚持"])
    ws.append([2, None, None, "乙", None, None, "2025年12月"])
    wb.save(tmp_path / "t.xlsx")
    plan = load_plan(tmp_path / "t.xlsx", unit_names)
    assert units_of(plan, 2, "lead") == ["旗教育局"]
    assert units_of(plan, 2, "responsible") == ["旗财政局"]
    assert plan.tasks.loc[1, "key_task_no"] == 1


# The seed, as the office keeps it.


@pytest.fixture(scope="module")
def seed_plan(unit_names):
    return load_plan(config.RAW_DIR / config.TASKLIST_FILE, unit_names)


def test_seed_has_98_tasks_in_order(seed_plan):
    assert list(seed_plan.tasks["task_no"]) == list(range(1, 99))
    assert seed_plan.tasks["key_task_no"].nunique() == 30
    assert list(seed_plan.sections["section_no"]) == [1, 2, 3, 4, 5]
    assert seed_plan.task_units["unit"].nunique() == 26


@pytest.mark.parametrize(
    ("task_no", "section_no", "key_task_no", "lead"),
    [(1, 1, 1, ["旗教育局"]), (22, 2, 7, ["旗委组织部", "旗教育局"]), (27, 2, 9, ["旗委编办"]),
     (36, 2, 12, ["旗人社局"]), (37, 2, 12, ["旗人社局"]), (63, 4, 21, ["旗委宣传部"]), (82, 5, 27, ["旗财政局"]),
     (98, 5, 30, ["旗教育局"])],
)
def test_seed_spot_checks_sections_and_leads(seed_plan, task_no, section_no, key_task_no, lead):
    row = seed_plan.tasks.set_index("task_no").loc[task_no]
    assert (row["section_no"], row["key_task_no"]) == (section_no, key_task_no)
    assert units_of(seed_plan, task_no, "lead") == lead


def test_seed_spot_checks_responsible_units(seed_plan):
    assert units_of(seed_plan, 92, "responsible") == ["旗委宣传部", "旗工信和科技局", "旗财政局", "旗政务服务局"]
    assert units_of(seed_plan, 63, "responsible") == ["旗教育局", "团旗委", "旗科协", "旗妇联"]
    assert units_of(seed_plan, 55, "responsible") == ["旗纪委监委", "旗委宣传部", "旗人社局", "各乡镇苏木街道办"]
    assert units_of(seed_plan, 14, "responsible") == ["旗发改委", "旗财政局", "旗自然资源局", "旗残联", "各乡镇苏木街道办"]


def test_seed_spot_checks_deadlines(seed_plan):
    due = seed_plan.task_deadlines.groupby("task_no")["due_date"].apply(list).to_dict()
    assert due[6] == [date(2025, 12, 31), date(2030, 12, 31)]
    assert due[22] == [date(2023, 8, 31)]
    assert due[44] == [date(2025, 8, 31)]
    assert due[88] == [date(2023, 9, 30), date(2023, 12, 31), date(2025, 12, 31)]
    assert 1 not in due and 97 not in due
    assert seed_plan.tasks.set_index("task_no").loc[88, "ongoing"] == False  # noqa: E712 (numpy bool)


def test_seed_in_another_office_layout_gives_the_same_rows(tmp_path, seed_plan, unit_names):
    raw = read_tasklist(config.RAW_DIR / config.TASKLIST_FILE)
    rows = [
        {"task_no": t.task_no, "section": r.section_cell, "key_task": r.key_task_cell, "text": t.text,
         "lead": r.lead_cell, "responsible": r.responsible_cell, "deadline": r.deadline_cell}
        for t, r in zip(seed_plan.tasks.itertuples(), raw.itertuples())
    ]
    path = flat_layout(tmp_path / "flat.xlsx", rows, blank_every=7, repeat_header_every=20)
    other = load_plan(path, unit_names)
    assert len(other.tasks) == 98
    assert_frame_equal(other.tasks.drop(columns="source_row"), seed_plan.tasks.drop(columns="source_row"))
    assert_frame_equal(other.task_units, seed_plan.task_units)
    assert_frame_equal(other.task_deadlines, seed_plan.task_deadlines)


# Bad input: a clear message naming file, sheet, row and column.


def test_workbook_without_header_is_refused(tmp_path, unit_names):
    wb = openpyxl.Workbook()
    wb.active.append(["任务", "单位", "时间"])
    wb.active.append(["1.某项任务", "旗教育局", "2023年8月"])
    wb.save(tmp_path / "noheader.xlsx")
    with pytest.raises(InputError) as exc:
        load_plan(tmp_path / "noheader.xlsx", unit_names)
    message = str(exc.value)
    assert "noheader.xlsx" in message and "找不到任务清单的表头" in message and "“Sheet”" in message


def test_duplicate_and_missing_numbers_are_refused_together(tmp_path, unit_names):
    tasks = [TASKS[0], TASKS[1], (*TASKS[2][:2], "2.重复的编号。", *TASKS[2][3:]), (*TASKS[3][:2], "5.跳过了4。", *TASKS[3][3:])]
    with pytest.raises(InputError) as exc:
        load_plan(merged_layout(tmp_path / "dup.xlsx", tasks=tasks), unit_names)
    reasons = [p.reason for p in exc.value.problems]
    assert any("任务编号 2 重复出现（第5行、第6行）" in r for r in reasons)
    assert any("缺少任务编号：3、4" in r for r in reasons)
    assert all(p.file == "dup.xlsx" and p.sheet == "任务清单" for p in exc.value.problems)


def test_unknown_unit_and_bad_deadline_name_row_and_column(tmp_path, unit_names):
    tasks = [TASKS[0], (*TASKS[1][:3], "旗教育局", "旗农牧局", "尽快")]
    tasks = [tasks[0], (tasks[1][0], "（二）另一项。", *tasks[1][2:])]
    with pytest.raises(InputError) as exc:
        load_plan(merged_layout(tmp_path / "bad.xlsx", tasks=tasks), unit_names)
    by_column = {(p.letter, p.column): p for p in exc.value.problems}
    assert by_column["E", "责任单位"].row == 5
    assert "旗农牧局" in by_column["E", "责任单位"].reason
    assert by_column["F", "完成时限"].row == 5
    assert "尽快" in by_column["F", "完成时限"].reason
    assert "第5行，F列（完成时限）" in str(by_column["F", "完成时限"])


def test_file_that_is_not_a_workbook_is_refused(tmp_path, unit_names):
    path = tmp_path / "tasklist.xlsx"
    path.write_text("这不是工作簿", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_plan(path, unit_names)
    assert "无法作为工作簿读取" in str(exc.value)
    assert "tasklist.xlsx" in str(exc.value)


def test_empty_table_is_refused(tmp_path, unit_names):
    with pytest.raises(InputError, match="没有任何任务行"):
        load_plan(merged_layout(tmp_path / "empty.xlsx", tasks=[]), unit_names)


def test_tasks_frame_has_the_contract_columns(seed_plan):
    assert {"task_no", "section_no", "key_task_no", "text", "deadline_text", "ongoing"} <= set(seed_plan.tasks.columns)
    assert isinstance(seed_plan.tasks, pd.DataFrame)
