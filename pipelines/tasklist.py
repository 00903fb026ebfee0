"""The attachment's 工作任务清单: read any office's layout into tasks, units and deadlines."""

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import config
from .deadlines import parse_deadline
from .grids import Grid, read_grids
from .problems import InputError, Problem, raise_if_errors
from .text import cell_text, chinese_number, join_lines, squeeze
from .unit_names import split_units, unique

SECTION_PATTERN = re.compile(r"^\s*([一二三四五六七八九十]+)\s*[、.．]\s*(.*)$", re.S)
KEY_TASK_PATTERN = re.compile(r"^\s*[（(]\s*([一二三四五六七八九十]+)\s*[)）]\s*(.*)$", re.S)
TASK_NUMBER_PATTERN = re.compile(r"^\s*(\d+)\s*[.．、]\s*(.*)$", re.S)


@dataclass
class Header:
    sheet: Grid
    row: int  # 0-based index of the header's last row
    columns: dict  # role -> 0-based column index


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _role_of(text: str, taken: set) -> str | None:
    for role, words in config.TASKLIST_COLUMNS.items():
        if role in taken:
            continue
        for word in words:
            # 牵头单位（部门） is still 牵头单位: allow a bracketed remark after the word.
            if text == word or re.fullmatch(re.escape(word) + r"[(（].*[)）]", text):
                return role
    return None


def _columns_of(rows: list[list[str]]) -> dict:
    """Roles of the columns of a header made of these rows (the lowest row's words win)."""
    width = max(len(r) for r in rows)
    columns: dict = {}
    for c in range(width):
        for row in reversed(rows):
            text = row[c] if c < len(row) else ""
            role = _role_of(text, set(columns))
            if role:
                columns[role] = c
                break
    return columns


def find_header(grids: list[Grid]) -> Header | None:
    """The first sheet and row where the task list's header words stand (one or two rows)."""
    for grid in grids:
        texts = [[squeeze(v) for v in row] for row in grid.rows[: config.HEADER_SEARCH_ROWS + 1]]
        for r in range(min(len(texts), config.HEADER_SEARCH_ROWS)):
            for height in (1, 2):
                block = texts[r : r + height]
                if len(block) < height:
                    continue
                columns = _columns_of(block)
                if all(role in columns for role in config.TASKLIST_REQUIRED):
                    return Header(grid, r + height - 1, columns)
    return None


def _is_header_word(text: str) -> bool:
    return any(text in words for words in config.TASKLIST_COLUMNS.values())


def read_tasklist(path: Path) -> pd.DataFrame:
    """One row per numbered task, as written: the raw cells with their sheet row numbers.

    Raises InputError naming the file, sheet, row and column of every problem.
    """
    name = Path(path).name
    try:
        grids = read_grids(path)
    except ValueError as exc:
        raise InputError([Problem(name, str(exc))]) from exc
    header = find_header(grids)
    if header is None:
        words = "、".join(config.TASKLIST_COLUMN_LABELS[r] for r in config.TASKLIST_REQUIRED)
        sheets = "、".join(f"“{g.name}”" for g in grids)
        raise InputError([Problem(name, f"在工作表{sheets}的前{config.HEADER_SEARCH_ROWS}行中找不到任务清单的表头（应有{words}等列）")])

    cols = header.columns
    records = []
    section = key_task = None
    units_above = ("", "")
    for r in range(header.row + 1, len(header.sheet.rows)):
        cell = {role: cell_text(header.sheet.cell(r, c)) for role, c in cols.items()}
        task_cell = join_lines(cell["task"])
        if not task_cell or _is_header_word(squeeze(task_cell)) or _is_header_word(squeeze(cell["lead"])):
            continue  # a blank row, a repeated page header, or a merged block's tail
        section = cell["section"] or section
        if cell["key_task"] and cell["key_task"] != key_task:
            key_task, units_above = cell["key_task"], ("", "")
        # Offices that do not merge cells often write a block's units once: blank means "as above".
        lead = cell["lead"] or units_above[0]
        responsible = cell["responsible"] or units_above[1]
        units_above = (lead, responsible)
        records.append(
            {
                "row": r + 1,
                "number": cell.get("number", ""),
                "section_cell": join_lines(section or ""),
                "key_task_cell": join_lines(key_task or ""),
                "task_cell": task_cell,
                "lead_cell": lead,
                "responsible_cell": responsible,
                "deadline_cell": cell["deadline"],
            }
        )
    raw = pd.DataFrame.from_records(
        records,
        columns=["row", "number", "section_cell", "key_task_cell", "task_cell", "lead_cell", "responsible_cell", "deadline_cell"],
    )
    raw.attrs.update(file=name, sheet=header.sheet.name, columns={role: column_letter(c) for role, c in cols.items()})
    return raw


@dataclass
class Plan:
    tasks: pd.DataFrame
    task_units: pd.DataFrame
    task_deadlines: pd.DataFrame
    sections: pd.DataFrame
    key_tasks: pd.DataFrame


def tidy_tasklist(raw: pd.DataFrame, unit_names: dict[str, str]) -> Plan:
    """Tasks, their units and their dated milestones from the raw rows; checks every row.

    Raises InputError with every problem found (all rows, not the first only).
    """
    file, sheet, letters = raw.attrs["file"], raw.attrs["sheet"], raw.attrs["columns"]
    problems: list[Problem] = []

    def problem(row, role, reason):
        column = config.TASKLIST_COLUMN_LABELS[role] if role else None
        problems.append(Problem(file, reason, sheet, row, column, letter=letters.get(role) if role else None))

    if raw.empty:
        raise InputError([Problem(file, "表头下没有任何任务行", sheet)])

    tasks, units, deadlines, sections, key_tasks = [], [], [], {}, {}
    for rec in raw.itertuples(index=False):
        number, text = _task_number(rec.number, rec.task_cell)
        if number is None:
            problem(rec.row, "number" if rec.number else "task", "无法确定任务编号：应有“序号”列，或任务内容以“1.”这样的编号开头")
            continue
        section_match = SECTION_PATTERN.match(rec.section_cell)
        key_match = KEY_TASK_PATTERN.match(rec.key_task_cell)
        if not section_match:
            problem(rec.row, "section", f"无法识别重点任务“{rec.section_cell}”：应以“一、”这样的编号开头")
        if not key_match:
            problem(rec.row, "key_task", f"无法识别任务目标“{rec.key_task_cell}”：应以“（一）”这样的编号开头")
        if not (section_match and key_match):
            continue
        section_no = chinese_number(section_match.group(1))
        key_task_no = chinese_number(key_match.group(1))
        sections.setdefault(section_no, section_match.group(2).strip().rstrip("。"))
        key_tasks.setdefault(key_task_no, (section_no, key_match.group(2).strip().rstrip("。")))

        try:
            deadline = parse_deadline(rec.deadline_cell)
        except ValueError as exc:
            problem(rec.row, "deadline", str(exc))
            deadline = None

        units += _task_units(rec, number, unit_names, problem)

        tasks.append(
            {
                "task_no": number,
                "section_no": section_no,
                "key_task_no": key_task_no,
                "text": text,
                "lead_text": rec.lead_cell,
                "responsible_text": rec.responsible_cell,
                "deadline_text": rec.deadline_cell,
                "ongoing": bool(deadline and deadline.ongoing),
                "source_row": rec.row,
            }
        )
        for m in deadline.milestones if deadline else []:
            deadlines.append({"task_no": number, "due_date": m.due_date, "milestone": m.text, "precision": m.precision,
                              "source": "attachment"})

    _numbering(tasks, "number" if "number" in letters else "task", problem)
    raise_if_errors(problems)

    task_units = pd.DataFrame(units).drop_duplicates(["task_no", "unit", "role"])
    return Plan(
        tasks=pd.DataFrame(tasks).sort_values("task_no", ignore_index=True),
        task_units=task_units.reset_index(drop=True),
        task_deadlines=pd.DataFrame(deadlines, columns=["task_no", "due_date", "milestone", "precision", "source"]),
        sections=pd.DataFrame([{"section_no": k, "title": v} for k, v in sorted(sections.items())]),
        key_tasks=pd.DataFrame(
            [{"key_task_no": k, "section_no": s, "title": t} for k, (s, t) in sorted(key_tasks.items())]
        ),
    )


def _task_units(rec, number: int, unit_names: dict[str, str], problem) -> list[dict]:
    """A task's lead and responsible units by their canonical names (a lead is required); problem(row, role,
    reason) for a name not in the units' list."""
    units = []
    for role, cell in (("lead", rec.lead_cell), ("responsible", rec.responsible_cell)):
        names = split_units(cell)
        if role == "lead" and not names:
            problem(rec.row, "lead", "没有牵头单位")
        for written in unique(names):
            canonical = unit_names.get(written)
            if canonical is None:
                problem(rec.row, role, f"无法识别的单位“{written}”：不在单位名录（data/raw/reference/units.csv）中")
            else:
                units.append({"task_no": number, "unit": canonical, "role": role, "written_as": written})
    return units


def _numbering(tasks: list[dict], role: str, problem) -> None:
    """Task numbers are unique and run from 1 without a gap: problem(None, role, reason) for each that does not."""
    numbers = pd.Series([t["task_no"] for t in tasks], dtype="int64")
    rows = pd.Series([t["source_row"] for t in tasks], dtype="int64")
    for n in sorted(numbers[numbers.duplicated()].unique()):
        where = "、".join(f"第{r}行" for r in rows[numbers == n])
        problem(None, role, f"任务编号 {n} 重复出现（{where}）")
    if len(numbers):
        missing = sorted(set(range(1, int(numbers.max()) + 1)) - set(numbers))
        if missing:
            problem(None, role, f"缺少任务编号：{'、'.join(map(str, missing))}")


def _task_number(number_cell: str, text: str) -> tuple[int | None, str]:
    """The task's number (from 序号, else the text's leading `N.`) and its text without the number."""
    match = TASK_NUMBER_PATTERN.match(text)
    stripped = match.group(2).strip() if match else text.strip()
    if number_cell:
        try:
            return int(float(number_cell)), stripped
        except ValueError:
            return None, stripped
    if match:
        return int(match.group(1)), stripped
    return None, stripped


def load_plan(path: Path, unit_names: dict[str, str]) -> Plan:
    return tidy_tasklist(read_tasklist(path), unit_names)
