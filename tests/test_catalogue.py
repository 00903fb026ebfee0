"""The catalogue is complete: every number-bearing phrase of the notice is a target or is listed as not one."""

from pathlib import Path

import pandas as pd
import pytest

from pipelines.core import config
from pipelines.core.problems import InputError
from pipelines.core.text import chinese_number
from pipelines.plan.catalogue import (
    mentions,
    normalize,
    not_target_spans,
    read_catalogue,
    spans_of,
    target_date_spans,
    uncovered,
)
from pipelines.plan.discrepancies import find_discrepancies
from pipelines.plan.notice import read_body
from pipelines.plan.tasklist import load_plan

REFERENCE = config.RAW_DIR / config.REFERENCE_DIR


@pytest.fixture(scope="module")
def catalogue():
    return read_catalogue(REFERENCE)


@pytest.fixture(scope="module")
def plan(unit_names):
    return load_plan(config.RAW_DIR / config.TASKLIST_FILE, unit_names)


@pytest.fixture(scope="module")
def body(unit_names):
    return read_body(config.RAW_DIR / config.PLAN_FILE, unit_names)


def test_mentions_find_numbers_chinese_numerals_and_quantitative_words():
    text = normalize("职普比例达到3.5：6.5以上，每学年开展一次，逐年增加，到2025年旗级平安校园达到全覆盖，９５％")
    assert [m[2] for m in mentions(text)] == ["3.5:6.5", "一次", "逐年增加", "2025", "全覆盖", "95"]


def attachment_gaps(plan, catalogue, texts=None) -> list[str]:
    """Mentions of the task list (numbers, dates, direction words, named projects) neither a target's nor listed."""
    missing = []
    for task in plan.tasks.itertuples():
        text = normalize((texts or {}).get(task.task_no, task.text))
        covering, dated = [], []
        for target in catalogue.targets[(catalogue.targets["task_no"] == task.task_no) & (catalogue.targets["source"] == "attachment")].itertuples():
            found = spans_of(text, target.source_text)
            covering += found
            dated += [(s, e, target.target_year) for s, e in found]
        covering += target_date_spans(text, dated)  # issue 19: a date is a target's own, or listed
        covering += not_target_spans(catalogue.not_targets, "attachment", task.task_no, text)
        missing += [f"任务{task.task_no}：“{text[max(0, s - 12):e + 6]}”中的“{tok}”" for s, e, tok in uncovered(text, covering)]
    return missing


def body_gaps(plan, body, catalogue) -> list[str]:
    """The same for the body's 30 key tasks: an attachment target found in the body covers its words there."""
    _, found_at = find_discrepancies(plan, body, catalogue)
    years = dict(zip(catalogue.targets["target_id"], catalogue.targets["target_year"]))
    missing = []
    for key in body.key_tasks.itertuples():
        text = normalize(key.text)
        dated = [(s, e, years[t]) for t, (k, s, e) in found_at.items() if k == key.key_task_no]
        tasks_of_key = set(plan.tasks.loc[plan.tasks["key_task_no"] == key.key_task_no, "task_no"])
        for target in catalogue.targets[(catalogue.targets["source"] == "body") & catalogue.targets["task_no"].isin(tasks_of_key)].itertuples():
            dated += [(s, e, target.target_year) for s, e in spans_of(text, target.source_text)]
        covering = [(s, e) for s, e, _ in dated] + target_date_spans(text, dated)
        covering += not_target_spans(catalogue.not_targets, "body", key.key_task_no, text)
        missing += [f"正文{key.key_task_no}：“{text[max(0, s - 12):e + 6]}”中的“{tok}”" for s, e, tok in uncovered(text, covering)]
    return missing


def test_every_attachment_phrase_with_a_number_is_a_target_or_not_one(plan, catalogue):
    assert attachment_gaps(plan, catalogue) == []


def test_every_body_phrase_with_a_number_is_matched_a_body_target_or_not_one(plan, body, catalogue):
    assert body_gaps(plan, body, catalogue) == []


def test_completeness_check_catches_a_new_number(plan, catalogue):
    """The completeness check can fail: a target phrase added to a task is reported — its number, and (issue 19)
    its date, which no target of that sentence owns."""
    text = normalize(plan.tasks.set_index("task_no").loc[1, "text"] + "到2025年建成示范校7所。")
    gaps = attachment_gaps(plan, catalogue, {1: text})
    assert [g.split("中的")[-1] for g in gaps] == ["“2025”", "“7”"]


@pytest.mark.parametrize(("added", "caught"), [
    ("进一步提高教师专业素养。", "提高"),  # a direction word
    ("逐步缩减大班额。", "缩减"),
    ("新建新惠第十二小学。", "新惠第十二小学"),  # a named project
    ("建设学生食堂。", "学生食堂"),
    ("2026年底前完成。", "2026"),  # a date that is no target's
])
def test_completeness_check_catches_a_direction_a_project_and_a_date(plan, catalogue, added, caught):
    text = normalize(plan.tasks.set_index("task_no").loc[1, "text"] + added)
    assert [g.split("中的")[-1] for g in attachment_gaps(plan, catalogue, {1: text})] == [f"“{caught}”"]


def test_a_targets_date_is_covered_only_in_its_sentence(plan, catalogue):
    """到2025年 before 创建自治区优质高中1所 is T03-1's year; the same date in a sentence of no target is not."""
    assert attachment_gaps(plan, catalogue) == []
    text = normalize(plan.tasks.set_index("task_no").loc[3, "text"]).replace("到2025年,", "到2026年,", 1)
    (gap,) = attachment_gaps(plan, catalogue, {3: text})
    assert gap.startswith("任务3：") and gap.endswith("中的“2026”")


def test_every_not_target_phrase_still_stands_in_the_notice(plan, body, catalogue):
    texts = {"attachment": [normalize(t) for t in plan.tasks["text"]], "body": [normalize(t) for t in body.key_tasks["text"]]}
    for row in catalogue.not_targets[~catalogue.not_targets["is_regex"]].itertuples():
        scopes = ["attachment", "body"] if row.scope == "both" else [row.scope]
        assert any(normalize(row.phrase) in t for s in scopes for t in texts[s]), row.phrase


def test_catalogue_kinds_and_typed_values(catalogue):
    t = catalogue.targets.set_index("target_id")
    counts = catalogue.targets["kind"].value_counts().to_dict()
    # Issue 19 typed the phrases checkable without a number: tasks 15, 34, 35, 48, 80 and the eleven building
    # projects of tasks 88–89 (a level, a compliance, a milestone, four trends, eleven projects).
    assert counts == {"count_cumulative": 29, "count_annual": 15, "level": 12, "compliance": 12, "milestone": 5,
                      "rank": 3, "trend": 8, "ratio": 2, "relative": 1, "project": 11}
    assert t.loc["T03-5", ["comparator", "target_value", "unit", "target_year"]].tolist() == [">=", 95.0, "%", 2025]
    assert t.loc["T36-1", "ratio_parts"] == [2.0, 4.2, 3.8]
    assert t.loc["T19-1", "ratio_parts"] == [3.5, 6.5]
    assert t.loc["T03-7", ["kind", "comparator", "target_value"]].tolist() == ["rank", "<=", 5.0]
    assert t.loc["B05-1", "source"] == "body"
    assert t.loc["T98-1", "recurring"]
    assert pd.isna(t.loc["T03-6", "target_value"])
    # Decided in issue 9: 两个只增不减 (two year-on-year rules), 教育费附加全额, 同工同酬 by 2023, the body's
    # 4500平方米 canteen, and 每次评选 judged per round.
    assert t.loc["T82-1", ["kind", "comparator", "recurring"]].tolist() == ["trend", "not_decreasing", True]
    assert t.loc["T82-2", ["indicator_code", "comparator"]].tolist() == ["FI_EDU_EXP_PER_STUDENT", "not_decreasing"]
    assert t.loc["T82-3", ["kind", "target_value", "recurring"]].tolist() == ["compliance", 100.0, True]
    assert t.loc["T34-1", ["target_year", "recurring"]].tolist() == [2023, True]
    assert t.loc["B28-1", ["source", "target_value", "unit", "target_year"]].tolist() == ["body", 4500.0, "平方米", 2025]
    assert set(t.loc[t.index.str.startswith("T52-"), "basis"]) == {"each_round"}


def test_standing_rules_carry_no_deadline_of_their_own(catalogue):
    """长期坚持 with no date in the notice: no target year (judged each year from the plan's first year)."""
    t = catalogue.targets.set_index("target_id")
    for target_id in ("T17-1", "T36-1", "T84-1", "T85-1", "T92-1", "T92-2", "T98-1"):
        assert pd.isna(t.loc[target_id, "target_year"]) and t.loc[target_id, "recurring"], target_id


def test_removing_a_decided_target_fails_the_completeness_check(plan, catalogue):
    """两个只增不减 was once listed as "not a target": without its targets the check reports it again."""
    text = normalize(plan.tasks.set_index("task_no").loc[82, "text"])
    covering = not_target_spans(catalogue.not_targets, "attachment", 82, text)
    assert {tok for _, _, tok in uncovered(text, covering)} >= {"只增不减", "全额"}


def numbers_in(text: str) -> set[float]:
    """Every number of a phrase, Arabic or Chinese (一次 → 1)."""
    found = set()
    for _, _, token in mentions(text):
        if token[0].isdigit():
            found.update(float(p) for p in token.split(":"))
        elif token[0] in "一二两三四五六七八九十百":
            found.add(float(chinese_number(token[:-1])))
    return found


def test_every_target_value_stands_in_its_source_text(catalogue):
    """A typing slip in targets.csv (95 typed as 59) fails here."""
    for t in catalogue.targets.itertuples():
        # These state no number of their own: 逐年增加, 通过验收, 每所…, 全部化解, 不低于; a project's stage
        # (竣工, 开工) and 补齐…缺口 (→ 0) neither (issue 19).
        if t.kind in ("trend", "milestone", "compliance", "relative", "project") or t.target_id in ("T83-1", "T35-1"):
            continue
        text = normalize(t.source_text)
        wanted = t.ratio_parts if t.kind == "ratio" else [t.target_value]
        assert set(wanted) <= numbers_in(text), t.target_id


def test_catalogue_problems_name_file_row_and_column(tmp_path):
    for name in (config.INDICATORS_FILE, config.NOT_TARGETS_FILE):
        (tmp_path / name).write_bytes((REFERENCE / name).read_bytes())
    lines = (REFERENCE / config.TARGETS_FILE).read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("HS_REGION_QUALITY", "NO_SUCH_CODE").replace("count_cumulative", "count_somehow")
    (tmp_path / config.TARGETS_FILE).write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_catalogue(Path(tmp_path))
    found = {(p.file, p.row, p.column) for p in exc.value.problems}
    assert (config.TARGETS_FILE, 2, "indicator_code") in found
    assert (config.TARGETS_FILE, 2, "kind") in found
