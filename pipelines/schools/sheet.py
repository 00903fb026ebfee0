"""A table of the school workbook being checked, and the small readers its checks share (text, numbers, the
statistics system's words, notes), in one place for the register and the counts."""

import re

from ..problems import Problem
from ..statistics_words import canonical
from ..text import cell_text, fold, over_limit
from ..values import parse_value
from ..workbook_read import Table
from . import settings as s

ID_RE = re.compile(s.ID_PATTERN)
SEPARATORS = re.compile(r"[、,，;；\s]+")
LABELS = {column: header for _, column, header in (*s.SCHOOL_FIELDS, *s.GRADE_FIELDS)}
KG_LABELS = {column: header for _, column, header in s.KG_FIELDS}


def rows_text(rows: list[int], most: int = 12) -> str:
    """第5、7、9行 … as 5、7、9 (the first ones and 等 when there are many)."""
    shown = "、".join(str(r) for r in rows[:most])
    return shown + ("等" if len(rows) > most else "")


class Sheet:
    """A table of the workbook and the problems found in it."""

    def __init__(self, file: str, table: Table, problems: list[Problem]):
        self.file, self.table, self.problems = file, table, problems
        self.read_as: dict[tuple[str, str, str], list[int]] = {}  # (column, as typed, platform's word) -> rows
        self.renamed: dict[tuple[str, str], list[int]] = {}  # (former 苏木乡镇, its current name) -> rows

    def word(self, r: int, cells, column: str, code_list: str) -> str:
        """The cell's text in the platform's words: the statistics system's 初级中学, 教育部门办, 全校 or 城乡代码
        121 are read as 初中, 公办, 全校共用, 镇区 (a note says so, once per word); other text as typed."""
        text = self.text(cells, column)
        word = canonical(code_list, text)
        if word and word != text:
            self.read_as.setdefault((column, text, word), []).append(r)
            return word
        return text

    def township(self, r: int, cells, division) -> str:
        """The 苏木乡镇 as typed, or the current name of a renamed one (牛古吐乡 → 牛古吐镇: a note says so)."""
        text = self.text(cells, s.TOWNSHIP)
        now = division.renamed.get(text)
        if now:
            self.renamed.setdefault((text, now), []).append(r)
            return now
        return text

    def notes(self) -> None:
        """One note per word read as another: where, and how many rows."""
        for (column, typed, word), rows in self.read_as.items():
            self.problems.append(self.table.problem(
                self.file, rows[0], column, f"“{typed}”按“{word}”读取（统计系统的写法，共{len(rows)}行：第{rows_text(rows)}行）",
                "warning", kind="note"))
        for (typed, now), rows in self.renamed.items():
            self.problems.append(self.table.problem(
                self.file, rows[0], s.TOWNSHIP, f"“{typed}”已更名为“{now}”，按现名读取（现行区划，共{len(rows)}行："
                f"第{rows_text(rows)}行）：请改填“{now}”", "warning", kind="note"))

    def error(self, row: int, column: str, reason: str) -> None:
        self.problems.append(self.table.problem(self.file, row, column, reason))

    def warning(self, row: int, column: str, reason: str) -> None:
        self.problems.append(self.table.problem(self.file, row, column, reason, "warning"))

    def text(self, cells, column: str) -> str:
        return fold(cell_text(cells[column].value)).strip() if column in cells else ""

    def note(self, r: int, cells) -> str | None:
        """The row's 备注 as typed (None when blank); refused past its length limit (config.TEXT_LIMITS)."""
        text = self.text(cells, s.NOTE)
        if reason := over_limit(s.NOTE, text):
            self.error(r, s.NOTE, reason)
        return text or None

    def number(self, r: int, cells, header: str, kind: str) -> float | None:
        cell = cells[header]
        parsed = parse_value(cell.value, "count" if kind == "year" else kind, cell.percent)  # a year: a whole number
        if parsed.error:
            self.error(r, header, parsed.error)
            return None
        return parsed.value


def read_counts(sheet: Sheet, r: int, cells, fields) -> dict | None:
    """The row's counts, or None when one cannot be read (each such cell said)."""
    before = len(sheet.problems)
    values = {column: sheet.number(r, cells, header, kind) for kind, column, header in fields}
    return values if len(sheet.problems) == before else None


def within_bounds(sheet: Sheet, r: int, values: dict, labels: dict) -> bool:
    ok = True
    for column, limit in (("students", s.MAX_STUDENTS), ("children", s.MAX_STUDENTS), ("teaching_area", s.MAX_AREA),
                          ("sports_area", s.MAX_AREA), ("equipment_value", s.MAX_EQUIPMENT),
                          *((c, s.MAX_ROOM_AREA) for c in s.ROOM_AREA_FIELDS), *((c, s.MAX_AREA) for c in s.KG_PREMISES)):
        value = values.get(column) if column in labels else None
        if value is not None and value > limit:
            sheet.error(r, labels[column], f"{value:,.0f}超出一所学校可能的范围（上限{limit:,.0f}），请检查是否多输了位数")
            ok = False
    return ok
