"""The year an export says it is of: its titles, cover lines and sheet names (敖汉旗2026年各级各类学校基本情况).

An export of another year than the one imported is refused, at the cell that says its year: a 2026 table loaded
as 2025 would restate 2025 with the wrong figures and nobody would see it. Dates are not the data's year (报出日期：
2025年11月20日, 统计时点：2025年9月1日), and a school year names both of its years (2024-2025学年).
"""

import re

from ..core.problems import Problem
from . import headings as h
from .candidate import cell_name
from .candidates import Layout
from .source import Workbook

# A year said in a title: 2026年, 2026年度, 2025学年初, 2024-2025学年; not a date (2025年11月) nor the edition of a
# form or a rule (2020年版, 2019年修订).
TITLE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*(?:[-—–至~]\s*((?:19|20)?\d{2,4}))?\s*(?:学年度|学年|年度|年)"
                        r"(?!\s*\d{1,2}\s*月)(?!\s*(?:版|修订|修正|制定|颁布|印发))")
SHEET_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
COVER_ROWS = 10  # a sheet without a table: its first rows are its title and cover lines
FORM_TITLE_ROWS = 3  # a form's title (its other lines are the school's own values, dates among them)


def _years(match: re.Match) -> set[int]:
    first = int(match[1])
    if not match[2]:
        return {first}
    second = int(match[2]) if len(match[2]) == 4 else first // 100 * 100 + int(match[2][-2:])
    return {first, second}


def stated(book: Workbook, layout: Layout) -> list[tuple[set[int], Problem]]:
    """Each place the file says its year, with the years it says (a school year: two)."""
    title_rows = {t.sheet.name: t.header_rows[0] for t in layout.tables}
    found = []
    for sheet in book.sheets:
        for match in SHEET_YEAR.finditer(sheet.name):
            found.append(({int(match[1])}, Problem(book.name, f"工作表名称“{sheet.name}”", sheet.name)))
        rows = title_rows.get(sheet.name, FORM_TITLE_ROWS if layout.kind == "forms" else COVER_ROWS)
        for r in range(min(rows, sheet.height)):
            for c in range(sheet.width):
                text = h.display(sheet.value(r, c))
                for match in TITLE_YEAR.finditer(text):
                    letter = cell_name(r, c).rstrip("0123456789")
                    found.append((_years(match), Problem(book.name, f"“{text}”", sheet.name, r + 1, letter=letter)))
    return found


def wrong_year(book: Workbook, layout: Layout, year: int) -> Problem | None:
    """The place a file of another year says so (None when it names the year imported, or no year at all)."""
    found = stated(book, layout)
    if not found or any(year in years for years, _ in found):
        return None
    years, where = found[0]
    said = "、".join(f"{y}年" for y in sorted(years))
    return Problem(where.file, f"文件写的是{said}（{where.reason}），不是导入的{year}年：请核对导入的年度，或导入{year}年的报表"
                               "（文件中的年份写错了的，请改正后重新导入）", where.sheet, where.row, letter=where.letter)
