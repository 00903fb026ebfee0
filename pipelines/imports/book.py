"""What an import makes: the standard workbook, filled by the same code as a person's typing, and where each
value came from.

A unit's workbook (指标数据) gets its indicators' values, each with its source in 备注; 旗教育局's 学校与幼儿园
workbook starts from the template as `template --schools` writes it (the latest real register, and the year's
counts where the year was loaded) and the export's schools are laid over it: matched by 学校标识码, else by name;
a school the register lacks and the export gives no code for gets a fixed code made from its name (said).
Every value written keeps its source cells: the standard workbook's problems are said at the export's cells,
and the 指标 page can say which file, sheet and cell a value came from.
"""

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import openpyxl

from .. import config
from ..problems import Problem
from ..schools import settings as ss
from ..schools.template import fill_school_book, filled_rows, make_school_template
from ..template import VALUE_HEADER_ROW, fill, make_template, template_file_name
from .apply import Extract, Record, Value
from .fields import CRITERION_COUNTS, SCHOOL_FIELDS, by_code
from .provenance import SOURCE_COLUMNS

SCHOOL_COLUMN = {f.code: f.column for f in SCHOOL_FIELDS}
HEADERS = {**{c: h for _, c, h in ss.SCHOOL_FIELDS}, **{c: h for _, c, h in ss.KG_FIELDS}}


@dataclass
class Made:
    name: str
    data: bytes = b""
    placed: dict = field(default_factory=dict)  # (sheet, row, header) -> [SourceCell]
    rows: dict = field(default_factory=dict)  # (sheet, row) -> (Record, name)
    sources: list[dict] = field(default_factory=list)  # SOURCE_COLUMNS
    warnings: list[Problem] = field(default_factory=list)


def made_name(unit: str, year: int, schools: bool) -> str:
    base = f"{ss.SCHOOL_UNIT}_{year}年度学校与幼儿园填报.xlsx" if schools else template_file_name(unit, year)
    return base.replace(".xlsx", "_由统计报表导入.xlsx")


def _note(value: Value) -> str:
    cells = "、".join(f"“{c.file}” {c}" if c.file else str(c) for c in value.sources)
    return f"导入自{cells}" + (f"；{value.note}" if value.note else "")


def indicator_book(con: duckdb.DuckDBPyConnection, unit: str, year: int, extract: Extract, files: str) -> Made:
    wb = make_template(con, unit, year)
    _say_origin(wb, files)
    made = Made(made_name(unit, year, False))
    values = {code: _typed(v.value) for code, v in extract.indicators.items() if v.value is not None}
    notes = {code: _note(extract.indicators[code]) for code in values}
    sheet = wb[config.SHEET_VALUES]
    for r in range(VALUE_HEADER_ROW + 1, sheet.max_row + 1):
        code = sheet.cell(r, 1).value
        if code in values:
            made.placed[config.SHEET_VALUES, r, "数值"] = extract.indicators[code].sources
            made.sources += _source_rows(extract.indicators[code], "indicator", config.SHEET_VALUES, f"E{r}",
                                         indicator_code=code)
    made.data = steady(fill(wb, values, notes, {}), year)
    return made


def _typed(value):
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _say_origin(wb: openpyxl.Workbook, files: str) -> None:
    """The guide says where the workbook came from (instead of the time it was made: the same import, the same file)."""
    guide = wb[config.SHEET_GUIDE]
    for r in range(1, guide.max_row + 1):
        if guide.cell(r, 1).value == "生成时间":
            guide.cell(r, 1).value = "来源"
            guide.cell(r, 2).value = f"由本单位统计报表导入：{files}"


def _source_rows(value: Value, target: str, sheet: str, cell: str, **keys) -> list[dict]:
    return [{**dict.fromkeys(SOURCE_COLUMNS), **keys, "target": target, "workbook_sheet": sheet, "workbook_cell": cell,
             "source_file": c.file or "（对应关系中的固定值）", "sheet": c.sheet, "cell": c.cell,
             "raw_value": None if c.raw is None else str(c.raw), "note": value.note or None} for c in value.sources]


def steady(data: bytes, year: int) -> bytes:
    """The same workbook, byte for byte, every time it is made: the zip's times and the document's dates fixed."""
    when = datetime(year, 12, 31).strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + when.encode(), content)
            target.writestr(zipfile.ZipInfo(info.filename, (1980, 1, 1, 0, 0, 0)), content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


# -- the school and kindergarten workbook -----------------------------------------------------------------------


@dataclass
class SchoolRows:
    register: list[dict]
    schools: list[dict]
    kindergartens: list[dict]
    county: dict
    made: Made
    touched: set = field(default_factory=set)  # school ids the export gave
    origin: dict = field(default_factory=dict)  # id(row) -> the Record it was written from


def school_book(con: duckdb.DuckDBPyConnection, year: int, extract: Extract, files: str) -> Made:
    wb = make_school_template(con, year)
    _say_origin(wb, files)
    rows = SchoolRows(*filled_rows(wb), Made(made_name(ss.SCHOOL_UNIT, year, True)))
    for record in extract.records:
        (_kindergarten if record.kindergarten else _school)(rows, record)
    _unlisted(rows)
    _unjudged(rows)
    made = rows.made
    _locate(rows)
    made.data = steady(fill_school_book(wb, rows.register, rows.schools, rows.kindergartens, rows.county), year)
    return made


def _key(name) -> str:
    return re.sub(r"[\s（）()·・]", "", str(name or ""))


def made_id(name: str) -> str:
    """A fixed code for a school the export names but gives no 学校标识码 (the same name, the same code)."""
    return "ZD" + hashlib.sha1(_key(name).encode()).hexdigest()[:8].upper()


def _find(rows: list[dict], id_header: str, name_header: str, school_id, name) -> dict | None:
    if school_id:
        return next((r for r in rows if str(r.get(id_header) or "") == str(school_id)), None)
    return next((r for r in rows if _key(r.get(name_header)) == _key(name)), None)


def _identity(rows: SchoolRows, record: Record, prefix: str, id_header: str, name_header: str, register: list[dict]):
    school_id, name = record.get(f"{prefix}.id"), record.get(f"{prefix}.name")
    found = _find(register, id_header, name_header, school_id, name)
    if found is None and not school_id and name:
        school_id = made_id(name)
        found = _find(register, id_header, name_header, school_id, None)
        if found is None:
            rows.made.warnings.append(record.where.problem(
                f"“{name}”不在学校名录中，文件中也没有学校标识码：按名称编号为 {school_id}（名称不变，编号逐年不变）；"
                "有全国统一的10位学校标识码的，请在学校名录中改用", "warning", subject=name))
    if found is None and (school_id or name):
        found = {id_header: school_id, name_header: name}
        register.append(found)
    return found


def _register_values(record: Record, target: dict, prefix: str, columns: dict[str, str]) -> None:
    for code, header in columns.items():
        value = record.values.get(f"{prefix}.{code}")
        if value is not None and value.value not in (None, ""):
            target[header] = value.value


REGISTER_CODES = {"name": ss.NAME, "township": ss.TOWNSHIP, "area": ss.AREA, "type": ss.SCHOOL_TYPE, "owner": ss.OWNER}


def _school(rows: SchoolRows, record: Record) -> None:
    school = _identity(rows, record, "school", ss.ID, ss.NAME, rows.register)
    if school is None:
        rows.made.warnings.append(record.where.problem("这一行没有学校名称或学校标识码，未导入", "warning"))
        return
    _register_values(record, school, "school", REGISTER_CODES)
    rows.touched.add(school[ss.ID])
    rows.origin[id(school)] = record
    stages = ss.SCHOOL_TYPES.get(school.get(ss.SCHOOL_TYPE), ())
    for code, value in record.values.items():
        column = SCHOOL_COLUMN.get(code)
        if column in (None, "stage") or code.removeprefix("school.") in REGISTER_CODES or code == "school.id":
            continue
        stage = _stage_for(column, record, stages)
        if stage is None:
            if value.value is not None:
                rows.made.warnings.append(record.where.problem(
                    f"{school[ss.NAME]}（{school.get(ss.SCHOOL_TYPE) or '办学类型不详'}）这一行没有注明学段，"
                    f"{HEADERS[column]}未导入", "warning", subject=school[ss.NAME]))
            continue
        _put(rows, school, stage, column, value, record)


def _stage_for(column: str, record: Record, stages: tuple) -> str | None:
    """The 学段 row a count goes on: the row's own (a table by 学段); a one-stage school's; a multi-stage school's
    shared facilities on 全校共用, its other counts on the 学段 its forms name."""
    explicit = record.stage or record.get("school.stage")
    if explicit or len(stages) == 1:
        return explicit or stages[0]
    if column in ss.SHARED_FIELDS and stages:
        return ss.SHARED_STAGE
    return record.hint if record.hint in stages else None


def _put(rows: SchoolRows, school: dict, stage: str, column: str, value: Value, record: Record) -> None:
    row = next((r for r in rows.schools if r.get(ss.ID) == school[ss.ID] and r.get(ss.STAGE) == stage), None)
    if row is None:
        row = {ss.ID: school[ss.ID], ss.NAME: school.get(ss.NAME), ss.STAGE: stage}
        rows.schools.append(row)
    row[ss.NAME] = school.get(ss.NAME)
    row[HEADERS[column]] = _typed(value.value)
    rows.made.placed[id(row), HEADERS[column]] = value
    rows.origin[id(row)] = record


def _kindergarten(rows: SchoolRows, record: Record) -> None:
    kg = _identity(rows, record, "kg", ss.KG_ID, ss.KG_NAME, rows.kindergartens)
    if kg is None:
        return
    _register_values(record, kg, "kg", {"name": ss.KG_NAME, "township": ss.TOWNSHIP, "area": ss.AREA,
                                        "owner": ss.KG_OWNER})
    rows.origin[id(kg)] = record
    for code, value in record.values.items():
        column = code.split(".", 1)[1]
        if column in HEADERS and code.startswith("kg."):
            kg[HEADERS[column]] = _typed(value.value)
            rows.made.placed[id(kg), HEADERS[column]] = value


def _unlisted(rows: SchoolRows) -> None:
    """Schools of the register that the export does not list: kept (the register says they are open), said."""
    if not rows.touched:
        return
    left = [r for r in rows.register if r.get(ss.ID) not in rows.touched]
    if left:
        names = "、".join(str(r.get(ss.NAME)) for r in left[:10]) + (f" 等 {len(left)} 所" if len(left) > 10 else "")
        rows.made.warnings.append(Problem("", f"学校名录中的 {len(left)} 所学校不在导入的文件中：{names}。它们仍列在名录中"
                                              "（没有本年数据）；已撤并的学校请在学校名录中删去"))


def _unjudged(rows: SchoolRows) -> None:
    """A count the export does not give leaves its criterion unjudged for every school: said once per count."""
    by = by_code(SCHOOL_FIELDS)
    judged = [r for r in rows.schools if r.get(ss.STAGE) in ss.JUDGED_STAGES and r.get(ss.ID) in rows.touched]
    for column, criterion in CRITERION_COUNTS.items():
        header = HEADERS[column]
        missing = [r for r in judged if r.get(header) is None and not _shared_has(rows, r, column)]
        if missing:
            rows.made.warnings.append(Problem("", f"{len(missing)} 所学校（学段）的“{header}”文件中没有，也未曾填报："
                                                  f"这些学校的“{by['school.' + column].name}”一项（{criterion}）无法判断，"
                                                  "请另行补填"))


def _shared_has(rows: SchoolRows, row: dict, column: str) -> bool:
    shared = next((r for r in rows.schools if r.get(ss.ID) == row.get(ss.ID) and r.get(ss.STAGE) == ss.SHARED_STAGE), None)
    return shared is not None and shared.get(HEADERS[column]) is not None


def _locate(rows: SchoolRows) -> None:
    """Sheet rows of what was written (fill_school_book writes the lists in order under the header row)."""
    made = rows.made
    placed, made.placed = made.placed, {}
    for sheet, listed, columns in ((ss.SHEET_REGISTER, rows.register, ss.REGISTER_COLUMNS),
                                   (ss.SHEET_SCHOOLS, rows.schools, ss.SCHOOL_COLUMNS),
                                   (ss.SHEET_KINDERGARTENS, rows.kindergartens, ss.KG_COLUMNS)):
        for i, row in enumerate(listed):
            r = ss.HEADER_ROW + 1 + i
            if id(row) in rows.origin:
                made.rows[sheet, r] = rows.origin[id(row)]
            for header in columns:
                value = placed.get((id(row), header))
                if value is None:
                    continue
                made.placed[sheet, r, header] = value.sources
                letter = openpyxl.utils.get_column_letter(columns.index(header) + 1)
                made.sources += _source_rows(value, "school" if sheet == ss.SHEET_SCHOOLS else "kindergarten", sheet,
                                             f"{letter}{r}", school_id=row.get(ss.ID, row.get(ss.KG_ID)),
                                             stage=row.get(ss.STAGE), field=header)
