"""The notice's body: its 30 key tasks with their text, units and deadline as the body states them."""

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .deadlines import parse_deadline
from .problems import InputError, Problem
from .text import chinese_number
from .unit_names import split_units, unique

BODY_START = "二、重点任务"
BODY_END = "三、组织实施"
SECTION_LINE = re.compile(r"^[（(]([一二三四五六七八九十]+)[)）](.+)$")
KEY_TASK_LINE = re.compile(r"^(\d+)\.(.+)$")
# The closing bracket of a key task: （牵头单位：…。责任单位：…。完成时限：…。）
DUTIES = re.compile(r"[（(]((?:牵头单位|牵头部门|责任单位|责任部门)[:：].*?完成时限[:：].*?)[)）]\s*$")
LABELS = re.compile(r"(牵头单位|牵头部门|责任单位|责任部门|完成时限)[:：]")
FIELD_OF_LABEL = {"牵头单位": "lead", "牵头部门": "lead", "责任单位": "responsible", "责任部门": "responsible", "完成时限": "deadline"}


@dataclass
class Body:
    key_tasks: pd.DataFrame  # key_task_no, section_no, title, text, lead_text, responsible_text, deadline_text, ongoing
    units: pd.DataFrame  # key_task_no, unit, role
    deadlines: pd.DataFrame  # key_task_no, due_date, milestone, precision


def read_body(path: Path, unit_names: dict[str, str]) -> Body:
    """Parse the body's 重点任务 part of the notice; raises InputError naming the line."""
    name = Path(path).name
    lines, start, end = _body_part(Path(path))

    problems, rows, units, deadlines = [], [], [], []
    section_no = None
    for i in range(start + 1, end):
        line = lines[i].strip()
        if not line:
            continue
        if m := SECTION_LINE.match(line):
            section_no = chinese_number(m.group(1))
            continue
        m = KEY_TASK_LINE.match(line)
        duties = DUTIES.search(line)
        if not m or not duties:
            problems.append(Problem(name, "无法识别的重点任务段落：应以“1.”开头，以“（牵头单位：…完成时限：…）”结尾", row=i + 1))
            continue
        number = int(m.group(1))
        text = line[: duties.start()].strip()
        fields = _fields(duties.group(1))
        title = text.split("。", 1)[0]
        text = text[len(m.group(1)) + 1 :]
        try:
            deadline = parse_deadline(fields.get("deadline", ""))
        except ValueError as exc:
            problems.append(Problem(name, str(exc), row=i + 1))
            continue
        rows.append(
            {
                "key_task_no": number,
                "section_no": section_no,
                "title": title[len(m.group(1)) + 1 :],
                "text": text,
                "lead_text": fields.get("lead", ""),
                "responsible_text": fields.get("responsible", ""),
                "deadline_text": fields.get("deadline", ""),
                "ongoing": deadline.ongoing,
                "source_line": i + 1,
            }
        )
        units += _named_units(fields, number, unit_names, (name, i + 1), problems)
        for ms in deadline.milestones:
            deadlines.append({"key_task_no": number, "due_date": ms.due_date, "milestone": ms.text, "precision": ms.precision})
    if problems:
        raise InputError(problems)
    return Body(
        key_tasks=pd.DataFrame(rows),
        units=pd.DataFrame(units).drop_duplicates(["key_task_no", "unit", "role"], ignore_index=True),
        deadlines=pd.DataFrame(deadlines, columns=["key_task_no", "due_date", "milestone", "precision"]),
    )


def _body_part(path: Path) -> tuple[list[str], int, int]:
    """The notice's lines, and where its 重点任务 part starts and ends; InputError when it cannot be read or found."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Problem(path.name, f"无法读取通知正文（应为 UTF-8 文本）：{exc}")]) from exc
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == BODY_START)
        end = next(i for i, line in enumerate(lines) if line.strip().startswith(BODY_END) and i > start)
    except StopIteration:
        raise InputError([Problem(path.name, f"找不到正文的“{BODY_START}”至“{BODY_END}”部分")]) from None
    return lines, start, end


def _named_units(fields: dict[str, str], number: int, unit_names: dict[str, str], where: tuple[str, int],
                 problems: list[Problem]) -> list[dict]:
    """A key task's lead and responsible units by their canonical names; a name not known is a problem at `where`
    (the file and its line)."""
    units = []
    for role in ("lead", "responsible"):
        for written in unique(split_units(fields.get(role, ""))):
            canonical = unit_names.get(written)
            if canonical is None:
                problems.append(Problem(where[0], f"无法识别的单位“{written}”", row=where[1]))
            else:
                units.append({"key_task_no": number, "unit": canonical, "role": role, "written_as": written})
    return units


def _fields(duties: str) -> dict[str, str]:
    """`牵头单位：旗教育局。责任单位：…，完成时限：长期坚持。` → {'lead': '旗教育局', …}."""
    parts = LABELS.split(duties)
    fields: dict[str, str] = {}
    for label, value in zip(parts[1::2], parts[2::2]):
        key = FIELD_OF_LABEL[label]
        value = value.strip().rstrip("。，,；; ")
        fields[key] = f"{fields[key]}，{value}" if key in fields else value
    return fields
