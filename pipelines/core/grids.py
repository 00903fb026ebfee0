"""Workbooks read as plain grids of cell values, merged cells filled from their top-left cell."""

from dataclasses import dataclass
from pathlib import Path

import python_calamine


@dataclass
class Grid:
    name: str
    rows: list[list]  # rows[r][c], 0-based, from A1

    def cell(self, r: int, c: int):
        row = self.rows[r] if r < len(self.rows) else []
        return row[c] if c < len(row) else None


def read_grids(path: Path, fill_merged: bool = True) -> list[Grid]:
    """Every sheet of a workbook (.xlsx, .xls, .ods) as a grid.

    Raises ValueError (Chinese message) when the file is not a readable workbook.
    """
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        grids = []
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            grids.append(_grid(name, sheet, fill_merged))
        return grids
    except Exception as exc:  # calamine raises several types for a file that is not a workbook
        raise ValueError("无法作为工作簿读取（文件已损坏，或不是 .xlsx、.xls、.ods 工作簿）") from exc


def _grid(name: str, sheet, fill_merged: bool) -> Grid:
    values = sheet.to_python(skip_empty_area=False)
    # calamine gives '' for an empty cell; keep None so that empty is one thing.
    rows = [[None if v == "" else v for v in row] for row in values]
    if fill_merged:
        for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or []:
            top_left = rows[r0][c0] if r0 < len(rows) and c0 < len(rows[r0]) else None
            for r in range(r0, r1 + 1):
                while len(rows) <= r:
                    rows.append([])
                row = rows[r]
                while len(row) <= c1:
                    row.append(None)
                for c in range(c0, c1 + 1):
                    row[c] = top_left
    return Grid(name, rows)
