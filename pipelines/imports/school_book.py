"""旗教育局's 学校与幼儿园 workbook made from a per-school table or per-school forms.

It starts from the template as `template --schools` writes it (the latest real register, and the year's
counts where the year was loaded) and lays the export's schools over it: matched by 学校标识码, else by name.
A school the register lacks and the export gives no code for gets a fixed code made from its name; its
苏木乡镇, when the export does not give it, is the one its name begins with (长胜中心小学 → 长胜镇). Each is said
once for all the schools concerned. A count goes on the school's 学段 row (the table's, or the school's only
one); a multi-stage school's shared facilities from its forms on 全校共用. What the export does not give for
any school (a criterion that therefore cannot be judged) is said, once per count.
"""

import hashlib
import os
import re
from dataclasses import dataclass, field

import duckdb
import openpyxl

from ..problems import Problem
from ..schools import settings as ss
from ..schools.template import fill_school_book, filled_rows, make_school_template
from . import settings as s
from .apply import Extract, Record, SourceCell, Value, township
from .book import Made, made_name, say_origin, source_rows, steady, typed
from .fields import CRITERION_COUNTS, SCHOOL

SCHOOL_COLUMN = {f.code: f.column for f in SCHOOL}  # the counts (学段 and the register columns are not counts)
# A school's 办学类型 from the 学段 of its rows (小学 and 初中 → 九年一贯制), the first type teaching exactly them.
TYPE_BY_STAGES = {}
for _type, _stages in ss.SCHOOL_TYPES.items():
    TYPE_BY_STAGES.setdefault(frozenset(_stages), _type)
HEADERS = {c: h for _, c, h in ss.SCHOOL_FIELDS}
KG_HEADERS = {c: h for _, c, h in ss.KG_FIELDS}
REGISTER_CODES = {"name": ss.NAME, "township": ss.TOWNSHIP, "area": ss.AREA, "type": ss.SCHOOL_TYPE, "owner": ss.OWNER}
KG_REGISTER_CODES = {"name": ss.KG_NAME, "township": ss.TOWNSHIP, "area": ss.AREA, "owner": ss.KG_OWNER}
SHOWN = 6  # schools named in one sentence


@dataclass
class SchoolRows:
    register: list[dict]
    schools: list[dict]
    kindergartens: list[dict]
    county: dict
    made: Made
    townships: set[str]
    touched: set = field(default_factory=set)  # school ids the export gave
    origin: dict = field(default_factory=dict)  # id(row) -> the Record it was written from
    new: list[tuple[dict, Record]] = field(default_factory=list)  # register rows the export added
    numbered: list[tuple[str, str, bool]] = field(default_factory=list)  # (name, code made from it, a kindergarten)
    unplaced: list[tuple[dict, Record]] = field(default_factory=list)  # rows whose 学段 cannot be told
    derived_before: set = field(default_factory=set)  # (id, 学段, header) of the year's values that were derived
    kept: list[str] = field(default_factory=list)  # exact counts kept over a figure turned back from a per-student one


def school_book(con: duckdb.DuckDBPyConnection, year: int, extract: Extract, files: str, townships: set[str]) -> Made:
    wb = make_school_template(con, year)
    say_origin(wb, files)
    rows = SchoolRows(*filled_rows(wb), Made(made_name(ss.SCHOOL_UNIT, year, True)), townships)
    rows.derived_before = _derived_before(con, year)
    for record in extract.records:
        (_kindergarten if record.kindergarten else _school)(rows, record)
    _numbered(rows)
    _kept(rows)
    _unplaced(rows)
    _complete(rows)
    _unlisted(rows)
    _unjudged(rows)
    _locate(rows)
    rows.made.data = steady(fill_school_book(wb, rows.register, rows.schools, rows.kindergartens, rows.county), year)
    return rows.made


def _names(names: list[str]) -> str:
    return "、".join(names[:SHOWN]) + (f" 等 {len(names)} 所" if len(names) > SHOWN else "")


def school_key(name) -> str:
    """A school's name as compared (spaces and brackets left out)."""
    return re.sub(r"[\s（）()·・]", "", str(name or ""))


def made_id(name: str) -> str:
    """A fixed code for a school the export names but gives no 学校标识码 (the same name, the same code)."""
    return "ZD" + hashlib.sha1(school_key(name).encode()).hexdigest()[:8].upper()


def _find(rows: list[dict], id_header: str, name_header: str, school_id, name) -> dict | None:
    if school_id:
        return next((r for r in rows if str(r.get(id_header) or "") == str(school_id)), None)
    return next((r for r in rows if school_key(r.get(name_header)) == school_key(name)), None)


def _identity(rows: SchoolRows, record: Record, prefix: str, id_header: str, name_header: str, listed: list[dict]):
    school_id, name = record.get(f"{prefix}.id"), record.get(f"{prefix}.name")
    found = _find(listed, id_header, name_header, school_id, name)
    if found is None and not school_id and name:
        school_id = made_id(name)
        found = _find(listed, id_header, name_header, school_id, None)
        if found is None:
            rows.numbered.append((name, school_id, record.kindergarten))
    if found is None and (school_id or name):
        found = {id_header: school_id, name_header: name}
        listed.append(found)
        rows.new.append((found, record))
    return found


def _register_values(record: Record, target: dict, prefix: str, columns: dict[str, str]) -> None:
    for code, header in columns.items():
        value = record.values.get(f"{prefix}.{code}")
        if value is not None and value.value not in (None, ""):
            target[header] = value.value


def _school(rows: SchoolRows, record: Record) -> None:
    school = _identity(rows, record, "school", ss.ID, ss.NAME, rows.register)
    if school is None:
        rows.made.warnings.append(record.where.problem("这一行没有学校名称或学校标识码，未导入", severity="warning"))
        return
    _register_values(record, school, "school", REGISTER_CODES)
    rows.touched.add(school[ss.ID])
    rows.origin[id(school)] = record
    stages = ss.SCHOOL_TYPES.get(school.get(ss.SCHOOL_TYPE) or type_from_name(school[ss.NAME]), ())
    unplaced = False
    for code, value in record.values.items():
        column = SCHOOL_COLUMN.get(code)
        if column is None or value.value is None:  # a blank neither makes a 学段 row nor erases a value
            continue
        stage = _stage_for(column, record, stages)
        if stage is None:
            unplaced = True
            continue
        _put(rows, school, stage, column, value, record)
    if unplaced:
        rows.unplaced.append((school, record))


def type_from_name(name) -> str | None:
    """The 办学类型 a school's name says (…九年一贯制学校, …教学点, …小学), or None (…中学 says too little)."""
    text = str(name or "")
    return next((kind for word, kind in s.TYPE_IN_NAME if word in text), None)


def _stage_for(column: str, record: Record, stages: tuple) -> str | None:
    """The 学段 row a count goes on: the row's own (a 学段 column, a table by 学段); a one-stage school's; a
    multi-stage school's shared facilities on 全校共用, its other counts on the 学段 its forms name."""
    explicit = record.get("school.stage") or record.stage
    if explicit or len(stages) == 1:
        return explicit or stages[0]
    if column in ss.SHARED_FIELDS and stages:
        return ss.SHARED_STAGE
    return record.hint if record.hint in stages else None


def _put(rows: SchoolRows, school: dict, stage: str, column: str, value: Value, record: Record) -> None:
    """The count on the school's 学段 row (made when the school has none yet)."""
    row = next((r for r in rows.schools if r.get(ss.ID) == school[ss.ID] and r.get(ss.STAGE) == stage), None)
    if row is None:
        row = {ss.ID: school[ss.ID], ss.NAME: school.get(ss.NAME), ss.STAGE: stage}
        rows.schools.append(row)
    row[ss.NAME] = school.get(ss.NAME)
    header = HEADERS[column]
    exact = row.get(header)
    if value.derived and exact is not None and (id(row), header) not in rows.made.placed \
            and (school[ss.ID], stage, header) not in rows.derived_before:
        if abs(float(exact) - float(value.value)) > 1e-9:  # the year's exact count stays: a rounded one never replaces it
            rows.kept.append(f"{school.get(ss.NAME)}（{stage}）{header} {typed(exact)}（换算得 {typed(value.value)}）")
        return
    row[header] = typed(value.value)
    rows.made.placed[id(row), HEADERS[column]] = value
    rows.origin[id(row)] = record


def _derived_before(con: duckdb.DuckDBPyConnection, year: int) -> set:
    """The year's loaded values that were turned back from per-student figures (an earlier import of a 优质均衡
    table): these, not exact counts, a later import may replace."""
    words = [w for w, _, per_student in s.CONVERSIONS.values() if per_student]
    found = con.execute(
        "select i.school_id, i.stage, i.field, i.note from import_sources i join school_books(false) b using (submission_id) "
        "where b.year = ? and i.target = 'school'", [year]).fetchall()
    return {(sid, stage, header) for sid, stage, header, note in found if any(f"按{w}换算" in (note or "") for w in words)}


def _kept(rows: SchoolRows) -> None:
    if rows.kept:
        rows.made.warnings.append(Problem("", f"{len(rows.kept)} 个数值由生均数（或每百名学生数）换算而来，与本年已载入的准确数不同："
                                              f"保留准确数（如基层报表读出的），不用换算的数：{_names(rows.kept)}",
                                          severity="warning"))


def _kindergarten(rows: SchoolRows, record: Record) -> None:
    kg = _identity(rows, record, "kg", ss.KG_ID, ss.KG_NAME, rows.kindergartens)
    if kg is None:
        return
    _register_values(record, kg, "kg", KG_REGISTER_CODES)
    rows.origin[id(kg)] = record
    for code, value in record.values.items():
        column = code.split(".", 1)[1]
        if column in KG_HEADERS and code.startswith("kg."):
            kg[KG_HEADERS[column]] = typed(value.value)
            rows.made.placed[id(kg), KG_HEADERS[column]] = value


def _numbered(rows: SchoolRows) -> None:
    if rows.numbered:
        name, code, _ = rows.numbered[0]
        what = "幼儿园" if all(kg for *_, kg in rows.numbered) else "学校"
        rows.made.warnings.append(Problem("", f"{len(rows.numbered)} 所{what}不在学校名录中，文件中也没有标识码："
                                              f"已按名称编号（如 {name} → {code}；名称不变，编号逐年不变）：{_names([n for n, *_ in rows.numbered])}。"
                                              "有全国统一的10位学校标识码的，请在学校名录中改用", severity="warning"))


def _where(records: list[Record]):
    """Where a sentence about several schools is said: their row when one, their file when they share it, else the
    folder or zip they came in (never one school's own file for all of them)."""
    files = {r.file for r in records}
    if len(records) == 1 or len(files) == 1 and records[0].row:
        return records[0].where
    common = os.path.commonpath(sorted(files)) if len(files) > 1 and all("/" in f for f in files) else ""
    return SourceCell(common if len(files) > 1 else records[0].file, None, None)


def _unplaced(rows: SchoolRows) -> None:
    """Rows of a school teaching several 学段 (or of an unknown type) that do not say their 学段: refused, all at
    once (their counts cannot be put on 小学 or 初中, and leaving them out would lose them unseen)."""
    if not rows.unplaced:
        return
    named: dict[str, list[str]] = {}
    for school, record in rows.unplaced:
        named.setdefault(str(school.get(ss.NAME)), []).append(f"第{record.row}行" if record.row else record.file)
    listed = [f"{name}（{'、'.join(where)}）" for name, where in named.items()]
    rows.made.errors.append(_where([r for _, r in rows.unplaced]).problem(
        f"{len(named)} 所学校的办学类型有不止一个学段（或办学类型不详），文件中没有注明这些行的学段，数值无法分到小学或初中："
        f"{_names(listed)}。请在对应关系中为“学段”指定文件中的列（如“学段”），或为“办学类型”指定列"))


def _complete(rows: SchoolRows) -> None:
    """Schools new to the register: 办学类型 from the name or the 学段 of their rows, 苏木乡镇 from the name, where the
    export has none (each said once); what is still missing said once for all of them (it refuses the workbook:
    the register needs it)."""
    _type_new_schools(rows)
    _place_new_schools(rows)
    lacking: dict[str, list[str]] = {}
    for school, record in rows.new:
        required = (ss.TOWNSHIP, ss.AREA, ss.KG_OWNER) if record.kindergarten else ss.REGISTER_REQUIRED[2:]
        for header in required:
            if not school.get(header):
                lacking.setdefault(header, []).append(str(school.get(ss.NAME) or school.get(ss.KG_NAME)))
    for header, names in lacking.items():
        if names:
            rows.made.errors.append(Problem(_where([r for _, r in rows.new]).file, (
                f"{len(names)} 所学校不在学校名录中，文件中也没有它们的“{header}”：{_names(names)}。请在对应关系中为“{header}”"
                f"指定文件中的列（全部相同时可填“值：…”，如“值：公办”），或先导入这些学校的基层报表（教基1001），"
                "或在学校与幼儿园工作簿的学校名录中登记")))


def _type_new_schools(rows: SchoolRows) -> None:
    """A new school's 办学类型, where the export has none, from its name or the 学段 of its rows (said once)."""
    typed = []
    for school, record in rows.new:
        if record.kindergarten or school.get(ss.SCHOOL_TYPE):
            continue
        stages = {r.get(ss.STAGE) for r in rows.schools if r.get(ss.ID) == school.get(ss.ID)} - {ss.SHARED_STAGE}
        found = type_from_name(school.get(ss.NAME)) or TYPE_BY_STAGES.get(frozenset(stages))
        if found:
            school[ss.SCHOOL_TYPE] = found
            typed.append(f"{school.get(ss.NAME)}（{found}）")
    if typed:
        rows.made.warnings.append(Problem("", f"{len(typed)} 所学校的办学类型按名称和学段推定：{_names(typed)}，请核对",
                                          severity="warning"))


def _place_new_schools(rows: SchoolRows) -> None:
    """A new school's 苏木乡镇, where the export has none, from its name (said once)."""
    guessed = []
    for school, _ in rows.new:
        name = str(school.get(ss.NAME) or school.get(ss.KG_NAME) or "")
        if not school.get(ss.TOWNSHIP) and township(name, rows.townships) in rows.townships:
            school[ss.TOWNSHIP] = township(name, rows.townships)
            guessed.append(f"{name}（{school[ss.TOWNSHIP]}）")
    if guessed:
        rows.made.warnings.append(Problem("", f"{len(guessed)} 所学校的苏木乡镇按名称推定：{_names(guessed)}，请核对", severity="warning"))


def _unlisted(rows: SchoolRows) -> None:
    """Schools of the register that the export does not list: kept (the register says they are open), said."""
    if not rows.touched:
        return
    left = [r for r in rows.register if r.get(ss.ID) not in rows.touched]
    if left:
        counted = {r.get(ss.ID) for r in rows.schools if any(r.get(h) is not None for h in HEADERS.values())}
        without = sum(r.get(ss.ID) not in counted for r in left)
        rows.made.warnings.append(Problem("", f"学校名录中的 {len(left)} 所学校不在导入的文件中：{_names([str(r.get(ss.NAME)) for r in left])}。"
                                              "它们仍列在名录中，本年已载入的数值保持不变" + (
                                                  f"（其中 {without} 所本年还没有数值）" if without else "")
                                              + "；已撤并的学校请在学校名录中删去", severity="warning"))


def _unjudged(rows: SchoolRows) -> None:
    """A count the export does not give leaves its criterion unjudged for every school: said once per count."""
    judged = [r for r in rows.schools if r.get(ss.STAGE) in ss.JUDGED_STAGES and r.get(ss.ID) in rows.touched]
    for column, criterion in CRITERION_COUNTS.items():
        header = HEADERS[column]
        missing = [r for r in judged if r.get(header) is None and not _shared_has(rows, r, column)]
        if missing:
            rows.made.warnings.append(Problem("", f"{len(missing)} 所学校（学段）的“{header}”文件中没有，也未曾填报："
                                                  f"这些学校的“{criterion}”一项无法判断，请另行补填（在学校与幼儿园工作簿中，"
                                                  "或导入有这一列的文件）", severity="warning"))


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
                made.sources += source_rows(value, "school" if sheet == ss.SHEET_SCHOOLS else "kindergarten", sheet,
                                            f"{letter}{r}", school_id=row.get(ss.ID, row.get(ss.KG_ID)),
                                            stage=row.get(ss.STAGE), field=header)
