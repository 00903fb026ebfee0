"""School and kindergarten workbooks for tests, made by the real template and typed into as a person would."""

from pathlib import Path

import duckdb
import openpyxl

from pipelines.core import school_settings as s
from pipelines.schools.school_template import fill_school_book, make_school_template
from tests.books import written

ID, NAME, STAGE = s.ID, s.NAME, s.STAGE


def school(school_id, name, school_type, township="新惠镇", area="城区", owner="公办", change=None, merged=None):
    return {ID: school_id, NAME: name, s.TOWNSHIP: township, s.AREA: area, s.SCHOOL_TYPE: school_type, s.OWNER: owner,
            s.CHANGE: change, s.MERGED_FROM: merged}


def counts(school_id, name, stage, students, **typed):
    """A 学校 row: typed by header word (students and, by keyword, any other count)."""
    row = {ID: school_id, NAME: name, STAGE: stage}
    if students is not None:
        row["在校生数"] = students
    headers = {column: header for _, column, header in s.SCHOOL_FIELDS}
    row.update({headers[k]: v for k, v in typed.items()})
    return row


def full(students, qualified, backbone, pe_art, teaching, sports, equipment, multimedia, **more):
    """The 7 indicators' counts of a stage row, in the order of the criteria."""
    return dict(students=students, qualified_teachers=qualified, backbone_teachers=backbone, pe_art_teachers=pe_art,
                teaching_area=teaching, sports_area=sports, equipment_value=equipment, multimedia_rooms=multimedia,
                **more)


def kindergarten(kg_id, name, owner, children, classes=None, oversize=None, teachers=None, certified=None, staff=None,
                 township="新惠镇", area="城区", change=None, **typed):
    """A 幼儿园 row; typed: any other count by its column (is_centre="是", heads=1, design_year=2019, outdoor_area=…)."""
    row = {s.KG_ID: kg_id, s.KG_NAME: name, s.TOWNSHIP: township, s.AREA: area, s.KG_OWNER: owner, s.CHANGE: change,
           "在园幼儿数": children}
    for header, value in (("班数", classes), ("超过规定班额的班数", oversize), ("专任教师数", teachers),
                          ("持证专任教师数", certified), ("教职工数", staff)):
        if value is not None:
            row[header] = value
    headers = {column: header for _, column, header in s.KG_FIELDS}
    row.update({headers[k]: v for k, v in typed.items()})
    return row


# A small county: a 小学 meeting 6 of 7 (sports ground at 93%), a 初中 meeting all, a 九年一贯制 school with
# shared facilities, a 教学点 under 50 students, three kindergartens.
REGISTER = [
    school("SL001", "新惠示例小学", "小学"),
    school("SL002", "四家子示例初级中学", "初中", "四家子镇", "镇区"),
    school("SL003", "贝子府示例学校", "九年一贯制", "贝子府镇", "镇区"),
    school("SL004", "示例教学点", "教学点", "长胜镇", "乡村"),
]
SCHOOLS = [
    counts("SL001", "新惠示例小学", "小学", **full(1000, 50, 12, 10, 5000, 7000, 250, 25),
           classes=22, max_class=46, music_rooms=2, art_rooms=2),
    counts("SL002", "四家子示例初级中学", "初中", **full(600, 36, 8, 7, 4000, 7000, 160, 16),
           classes=12, max_class=50, music_rooms=1, art_rooms=1, graduates=190, cohort_entrants=200),
    counts("SL003", "贝子府示例学校", "小学", 300, qualified_teachers=15, backbone_teachers=4, pe_art_teachers=3,
           classes=8, max_class=40),
    counts("SL003", "贝子府示例学校", "初中", 200, qualified_teachers=12, backbone_teachers=3, pe_art_teachers=2,
           classes=5, max_class=42, graduates=65, cohort_entrants=70),
    counts("SL003", "贝子府示例学校", s.SHARED_STAGE, None, teaching_area=3000, sports_area=6000, equipment_value=120,
           multimedia_rooms=12, music_rooms=1, art_rooms=1),
    counts("SL004", "示例教学点", "小学", **full(30, 2, 0, 0, 200, 600, 5, 1), classes=3, max_class=12),
]
KINDERGARTENS = [
    kindergarten("YE001", "新惠示例幼儿园", "公办", 200, 8, 1, 14, 14, 24),
    kindergarten("YE002", "示例普惠幼儿园", "普惠性民办", 100, 4, 1, 6, 5, 10),
    kindergarten("YE003", "示例民办幼儿园", "非普惠民办", 50, 2, 0, 3, 3, 5),
]
COUNTY = {"YZ_S01": "88%", "YZ_G06": "是"}  # (the 3—5 population is KG_AGE_POP of the unit's workbook)


def school_template(db: Path, year: int) -> openpyxl.Workbook:
    with duckdb.connect(str(db), read_only=True) as con:
        return make_school_template(con, year)


def school_book(db: Path, path: Path, year: int = 2025, register=None, schools=None, kindergartens=None, county=None,
                edit=None) -> Path:
    """A filled school workbook (the small county unless told); edit(wb) may change anything after typing."""
    wb = school_template(db, year)
    data = fill_school_book(wb, REGISTER if register is None else register, SCHOOLS if schools is None else schools,
                            KINDERGARTENS if kindergartens is None else kindergartens,
                            COUNTY if county is None else county)
    return written(data, path, edit)


def row_with(ws, first_cell, stage=None) -> int:
    """The sheet row whose first cell is first_cell (and whose 学段 is stage, on 学校)."""
    for r in range(s.HEADER_ROW + 1, ws.max_row + 1):
        if ws.cell(r, 1).value == first_cell and (stage is None or ws.cell(r, 3).value == stage):
            return r
    raise KeyError(first_cell)


def column_of(ws, header: str) -> int:
    for c in range(1, ws.max_column + 1):
        if ws.cell(s.HEADER_ROW, c).value == header:
            return c
    raise KeyError(header)
