"""Where the notice's body and its attachment disagree: targets, deadlines, units — found by comparing.

Each target phrase of the attachment is looked for in the body's text of its key task (fuzzy
alignment, so that a phrase that differs in a number or a word is still found and the difference
shown); each dated milestone of the attachment's tasks is compared with the body's 完成时限; the
lead and responsible units of each key task are compared as sets of canonical names.
"""

import re
from collections import Counter
from dataclasses import dataclass

import pandas as pd
from rapidfuzz import fuzz

from ..core.deadlines import DATE_PATTERN, format_month, parse_deadline
from .catalogue import Catalogue, normalize
from .notice import Body
from .tasklist import Plan

# A body phrase scoring at least this much against an attachment phrase is the same target.
ALIGN_MIN_SCORE = 80
# Words whose presence or order does not change what a target asks (以上 is in the comparator).
FILLER = re.compile(r"以上|力争|全部|确保|顺利|积极|到|的|和|、|,|“|”")
NUMBER = re.compile(r"\d+(?:\.\d+)?(?::\d+(?:\.\d+)?)*(?:%|所|个|名|人次|人|位|亩|平方米)?(?:以上)?")
CLAUSE_BREAK = ",;。、:"
DATES = re.compile(r"\d{4}年(?:\d{1,2}月)?(?:\d{1,2}日)?底?前?")
# A dated sentence of the body belongs to a task of the attachment when they align at least this well.
SENTENCE_MIN_SCORE = 80

# Substantive: the two documents ask for different things (a value, a date, a target only one states).
# Formal: they ask for the same in other words, or name the same units in other roles.
SUBSTANTIVE, FORMAL = "substantive", "formal"
SEVERITY_LABELS = {SUBSTANTIVE: "实质差异", FORMAL: "表述差异"}
FIELD_LABELS = {"target_value": "目标值", "target_wording": "目标表述", "target": "目标有无", "deadline": "完成时限",
                "lead_units": "牵头单位", "responsible_units": "责任单位"}

COLUMNS = [
    "task_no",
    "key_task_no",
    "field",
    "body_value",
    "attachment_value",
    "kind",
    "target_id",
    "body_text",
    "attachment_text",
    "note",
    "severity",
]


@dataclass
class Alignment:
    score: float
    start: int
    end: int  # span in the normalized body text, snapped to clause boundaries
    text: str  # the snapped span, for showing
    window: str  # the aligned window itself, for comparing


def align(phrase: str, text: str) -> Alignment:
    """Where in text (normalized) the phrase (normalized) stands best, and how well."""
    if not text:
        return Alignment(0.0, 0, 0, "", "")
    exact = text.find(phrase)
    if exact >= 0:
        return Alignment(100.0, exact, exact + len(phrase), phrase, phrase)
    found = fuzz.partial_ratio_alignment(phrase, text)
    start, end = found.dest_start, found.dest_end
    # A window as long as the phrase may reach over a clause break into the next clause: trim it.
    window = text[start:end]
    head = max((i for i, ch in enumerate(window[:3]) if ch in CLAUSE_BREAK), default=-1)
    tail = min((i for i, ch in enumerate(window) if ch in CLAUSE_BREAK and i >= len(window) - 3), default=len(window))
    window = window[head + 1 : tail]
    # Snap outwards to clause boundaries so that the body's own wording is shown whole.
    while start > 0 and text[start - 1] not in CLAUSE_BREAK and start > found.dest_start - 4:
        start -= 1
    while end < len(text) and text[end] not in CLAUSE_BREAK and end < found.dest_end + 4:
        end += 1
    return Alignment(found.score, start, end, text[start:end], window)


def numbers(text: str) -> list[str]:
    """The numbers of a phrase with their measure word and 以上, as a reader would quote them."""
    return NUMBER.findall(DATES.sub("", text))


def values(text: str) -> list[str]:
    """The numbers alone, for comparing (至少1个 and 1个以上 ask the same)."""
    return [re.match(r"[\d.:]+", n).group() for n in numbers(text)]


def same_wording(a: str, b: str) -> bool:
    """True when two phrases ask the same: the same characters once fillers are gone (order aside)."""
    return Counter(FILLER.sub("", a)) == Counter(FILLER.sub("", b))


def target_discrepancies(plan: Plan, body: Body, catalogue: Catalogue) -> tuple[pd.DataFrame, dict]:
    """Discrepancy rows for targets, and the body span each attachment target was found at."""
    body_text = {k.key_task_no: normalize(k.text) for k in body.key_tasks.itertuples()}
    key_of_task = dict(zip(plan.tasks["task_no"], plan.tasks["key_task_no"]))
    task_text = {t.task_no: normalize(t.text) for t in plan.tasks.itertuples()}
    rows, found_at = [], {}
    for t in catalogue.targets.itertuples():
        key = key_of_task[t.task_no]
        phrase = normalize(t.source_text)
        if t.source == "body":
            # A body target: does any task of its key task in the attachment state it?
            tasks_of_key = plan.tasks.loc[plan.tasks["key_task_no"] == key, "task_no"]
            best = max((align(phrase, task_text[n]) for n in tasks_of_key), key=lambda a: a.score)
            if best.score < ALIGN_MIN_SCORE:
                # The same words without the quantity stand in a task (完成新惠中学学生餐厅建设任务): the task is
                # in the attachment, the quantity only in the body.
                bare = FILLER.sub("", NUMBER.sub("", DATES.sub("", phrase)))
                stated = next((n for n in tasks_of_key if bare in FILLER.sub("", task_text[n])), None)
                if stated is not None:
                    best = Alignment(100.0, 0, 0, bare, "")
            if best.score < ALIGN_MIN_SCORE:
                rows.append(_row(t, key, "target", "、".join(numbers(phrase)), None, "only_in_body", phrase, None,
                                 "目标仅见于通知正文，附件任务清单未列"))
            elif values(best.window) != values(phrase):
                rows.append(_row(t, key, "target_value", "、".join(numbers(phrase)), "、".join(numbers(best.window)) or None,
                                 "value_differs", phrase, best.text,
                                 "正文给出的数量，附件的同一任务未列" if not values(best.window) else "正文与附件的目标值不同"))
            continue
        hit = align(phrase, body_text.get(key, ""))
        if hit.score < ALIGN_MIN_SCORE:
            rows.append(_row(t, key, "target", None, "、".join(numbers(phrase)), "only_in_attachment", None, phrase,
                             "目标仅见于附件任务清单，通知正文未列"))
            continue
        found_at[t.target_id] = (key, hit.start, hit.end)
        if hit.score == 100:
            continue
        if values(hit.window) != values(phrase):
            rows.append(_row(t, key, "target_value", "、".join(numbers(hit.window)), "、".join(numbers(phrase)),
                             "value_differs", hit.text, phrase, "正文与附件的目标值不同；以附件为准，除非另有决定"))
        elif not same_wording(hit.window, phrase):
            rows.append(_row(t, key, "target_wording", hit.window, phrase, "wording_differs", hit.text, phrase,
                             "正文与附件对同一目标的表述不同"))
    return pd.DataFrame(rows, columns=COLUMNS), found_at


def _row(t, key, field, body_value, attachment_value, kind, body_text, attachment_text, note) -> dict:
    return dict(
        task_no=t.task_no, key_task_no=key, field=field, body_value=body_value, attachment_value=attachment_value,
        kind=kind, target_id=t.target_id, body_text=body_text, attachment_text=attachment_text, note=note,
        severity=FORMAL if kind == "wording_differs" else SUBSTANTIVE,
    )


def _sets(frame: pd.DataFrame, keys: list[str], value: str) -> dict:
    """{key: set of values}, computed once instead of filtering a frame per row."""
    return frame.groupby(keys)[value].apply(set).to_dict() if len(frame) else {}


def sentence_dates(body_text: str, task_text: str) -> set:
    """The dates the body's own sentences give for a task: those of its dated sentences that state the task.

    The body often writes a date in the sentence (到2025年…, 确保2030年…, 2023年底前…) and 长期坚持 in its
    完成时限: both are the body's dates for that task.
    """
    task = normalize(task_text)
    found = set()
    for sentence in normalize(body_text).split("。"):
        if not DATE_PATTERN.search(sentence):
            continue
        if fuzz.partial_ratio(sentence, task) >= SENTENCE_MIN_SCORE:
            found.update(m.due_date for m in parse_deadline(sentence).milestones)
    return found


def deadline_discrepancies(plan: Plan, body: Body) -> pd.DataFrame:
    """Dated milestones of the attachment's tasks that the body gives neither in its 完成时限 nor in its text,
    and the other way: a date of the body's 完成时限 for a task the attachment dates not at all (issue 19)."""
    return pd.concat([_attachment_dates(plan, body), _undated_tasks(plan, body)], ignore_index=True)


def _undated_tasks(plan: Plan, body: Body) -> pd.DataFrame:
    """The body's 完成时限 dates a key task (2025年8月31日前完成并长期坚持) and a task of it says only 长期坚持 in the
    attachment (tasks 45, 90, 91): the body's date is a deadline the attachment does not give that task."""
    rows = []
    body_text = dict(zip(body.key_tasks["key_task_no"], body.key_tasks["deadline_text"]))
    body_dates = _sets(body.deadlines, ["key_task_no"], "due_date")
    dated = set(plan.task_deadlines["task_no"])
    for task in plan.tasks.itertuples():
        if task.task_no in dated:
            continue
        for due in sorted(body_dates.get(task.key_task_no, ())):
            said = task.deadline_text.replace("\n", "、") if task.deadline_text else "未写"
            rows.append(dict(task_no=task.task_no, key_task_no=task.key_task_no, field="deadline",
                             body_value=due.isoformat(), attachment_value=None, kind=UNDATED_IN_ATTACHMENT,
                             target_id=None, body_text=body_text[task.key_task_no], attachment_text=task.deadline_text,
                             note=f"正文要求{format_month(due)}前完成（重点任务{task.key_task_no}），附件本项任务的完成时限"
                                  f"只写“{said}”：台账按正文的时限判断是否逾期", severity=SUBSTANTIVE))
    return pd.DataFrame(rows, columns=COLUMNS)


# A deadline row whose body date stands for a task that the attachment leaves undated: the ledger takes it as
# that task's milestone (load_plan.body_milestones), marked as the body's.
UNDATED_IN_ATTACHMENT = "undated_in_attachment"


def _attachment_dates(plan: Plan, body: Body) -> pd.DataFrame:
    """Dated milestones of the attachment's tasks that the body gives neither in its 完成时限 nor in its text."""
    rows = []
    body_text = dict(zip(body.key_tasks["key_task_no"], body.key_tasks["deadline_text"]))
    body_words = dict(zip(body.key_tasks["key_task_no"], body.key_tasks["text"]))
    body_dates = _sets(body.deadlines, ["key_task_no"], "due_date")
    task_dates = _sets(plan.task_deadlines, ["task_no"], "due_date")
    tasks_of_key = _sets(plan.tasks, ["key_task_no"], "task_no")
    for task in plan.tasks.itertuples():
        key = task.key_task_no
        if key not in body_text:
            continue
        ours = body_dates.get(key, set())
        theirs = task_dates.get(task.task_no, set())
        in_text = sentence_dates(body_words[key], task.text) if theirs - ours else set()
        for due in sorted(theirs - ours - in_text):
            conflict = next((d for d in ours if (d.year, d.month) == (due.year, due.month)), None)
            if conflict is not None:
                kind, body_value = "date_conflict", conflict.isoformat()
                note = f"正文要求{format_month(conflict)}前完成，附件为{format_month(due)}"
            else:
                kind, body_value = "only_in_attachment", None
                note = f"附件另设完成时限{format_month(due)}，正文为“{body_text[key]}”"
            rows.append(dict(task_no=task.task_no, key_task_no=key, field="deadline", body_value=body_value,
                             attachment_value=due.isoformat(), kind=kind, target_id=None,
                             body_text=body_text[key], attachment_text=task.deadline_text, note=note,
                             severity=SUBSTANTIVE))
        if task.task_no != min(tasks_of_key[key]):
            continue
        # A body date that no task of the key task carries (nor its month): one row, on the first task.
        all_theirs = set().union(*(task_dates.get(n, set()) for n in tasks_of_key[key]))
        for due in sorted(ours - all_theirs):
            if not any((d.year, d.month) == (due.year, due.month) for d in all_theirs):
                rows.append(dict(task_no=task.task_no, key_task_no=key, field="deadline", body_value=due.isoformat(),
                                 attachment_value=None, kind="only_in_body", target_id=None,
                                 body_text=body_text[key], attachment_text=task.deadline_text,
                                 note=f"正文要求{format_month(due)}前完成，附件各项任务未列此时限", severity=SUBSTANTIVE))
    return pd.DataFrame(rows, columns=COLUMNS)


ROLE_FIELDS = {"lead": ("lead_units", "牵头单位"), "responsible": ("responsible_units", "责任单位")}


def unit_discrepancies(plan: Plan, body: Body) -> pd.DataFrame:
    """Lead and responsible units that the body and the attachment name differently, per task.

    Formal when both name the same units and only the roles differ (the body names no 牵头单位 and the
    attachment makes its 责任单位 lead); substantive when a unit stands in one document only.
    """
    rows = []
    body_units = _sets(body.units, ["key_task_no", "role"], "unit")
    task_units = _sets(plan.task_units, ["task_no", "role"], "unit")
    body_all = _sets(body.units, ["key_task_no"], "unit")
    task_all = _sets(plan.task_units, ["task_no"], "unit")
    body_keys = set(body.key_tasks["key_task_no"])
    for task in plan.tasks.itertuples():
        if task.key_task_no not in body_keys:
            continue
        for role, (field, label) in ROLE_FIELDS.items():
            ours = body_units.get((task.key_task_no, role), set())
            theirs = task_units.get((task.task_no, role), set())
            if ours == theirs:
                continue
            parts = []
            if ours - theirs:
                parts.append(f"正文另列{'、'.join(sorted(ours - theirs))}")
            if theirs - ours:
                parts.append(f"附件另列{'、'.join(sorted(theirs - ours))}")
            same_units = body_all.get(task.key_task_no, set()) == task_all.get(task.task_no, set())
            if same_units:
                parts.append("两者所列单位相同，仅角色不同")
            rows.append(dict(task_no=task.task_no, key_task_no=task.key_task_no, field=field,
                             body_value="、".join(sorted(ours)) or "（未列）",
                             attachment_value="、".join(sorted(theirs)) or "（未列）",
                             kind="roles_differ" if same_units else "units_differ", target_id=None, body_text=None,
                             attachment_text=None, note=f"{label}不一致：{'；'.join(parts)}",
                             severity=FORMAL if same_units else SUBSTANTIVE))
    return pd.DataFrame(rows, columns=COLUMNS)


def find_discrepancies(plan: Plan, body: Body, catalogue: Catalogue) -> tuple[pd.DataFrame, dict]:
    targets, found_at = target_discrepancies(plan, body, catalogue)
    frames = [f for f in (targets, deadline_discrepancies(plan, body), unit_discrepancies(plan, body)) if not f.empty]
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
    return table.sort_values(["task_no", "field"], kind="stable", ignore_index=True), found_at
