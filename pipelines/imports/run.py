"""`import`, for the command line and 数据填报: the files read, mapped, and the standard workbook made.

prepare(): the files read (an export of another year refused), their layouts grouped by fingerprint, and for
each layout its mapping (choose.py: a person's, the last approved or pending import's, or a proposal).
extract() and make(): the mapping applied and the standard workbook made. loading.py checks it or loads it.
"""

import hashlib
import json
from pathlib import Path

import duckdb

from ..core import school_settings as ss
from ..core.problems import InputError, Problem
from ..records.accounts import Account
from ..schools.division import Division
from ..workbooks.template import check_request
from . import mappings
from .apply import Extract, Reader, form_record, summary_values, table_records
from .book import Made, indicator_book
from .candidates import read_layout
from .choose import choose
from .fields import KINDERGARTEN_FIELDS, SCHOOL_FIELDS, indicator_fields
from .mappings import Row
from .prepared import Group, Prepared
from .propose import Rule
from .school_book import school_book
from .settings import CONSTANT_PREFIX
from .source import Received, Workbook, receive
from .years import wrong_year


def prepare(con: duckdb.DuckDBPyConnection, raw_dir: Path, files: list[tuple[str, Path]], unit: str, year: int,
            given: tuple[str, bytes] | None = None, actor: Account | None = None) -> Prepared:
    """Read the files and find each layout's mapping; InputError (nothing changed) for what cannot be done."""
    check_request(con, unit, year)
    if actor is not None and not actor.may_report_for(unit):
        raise InputError([Problem("", f"账号{actor.label()}不能导入{unit}的数据" + (
            f"，只能导入本单位（{actor.unit}）的" if actor.role == "填报" else ""))])
    received = receive(files)
    groups = _groups(received.workbooks)
    other_year = [p for g in groups for book, layout in g.books if (p := wrong_year(book, layout, year))]
    if other_year:
        raise InputError(other_year)
    kinds = {g.layout.kind for g in groups}
    schools = bool(kinds - {"summary"})
    _check_target(received, groups, kinds, unit)
    for group in groups:
        group.fields = (indicator_fields(con, unit) if not schools else
                        list(KINDERGARTEN_FIELDS if group.layout.kindergarten else SCHOOL_FIELDS))
    if not schools and not groups[0].fields:
        raise InputError([Problem(received.sent[0].name, f"{unit}没有需要填报的指标数值，不必导入统计报表")])
    fields = {f.code: f for g in groups for f in g.fields}
    townships = Division.from_warehouse(con).names  # the current ones (a former name is the check's to say)
    prepared = Prepared(unit, year, received, groups, fields, townships, schools)
    choose(con, prepared, raw_dir, given)
    return prepared


def _groups(workbooks: list[Workbook]) -> list[Group]:
    groups: dict[str, Group] = {}
    problems = []
    for book in workbooks:
        layout = read_layout(book)
        if layout.kind != "forms" and not layout.tables:
            problems.append(Problem(book.name, "找不到统计表：没有一个工作表在表头下有数字行（应为统计系统导出的汇总表、"
                                               "逐校表或基层报表）"))
            continue
        groups.setdefault(layout.fingerprint, Group(layout.fingerprint, [], [])).books.append((book, layout))
    if problems:
        raise InputError(problems)
    return list(groups.values())


def _check_target(received: Received, groups: list[Group], kinds: set[str], unit: str) -> None:
    if "summary" in kinds and len(kinds) > 1:
        raise InputError([Problem(received.sent[0].name, "统计汇总表与逐校表（或基层报表）请分两次导入：前者载入本单位的指标数据，"
                                                         "后者载入学校与幼儿园工作簿")])
    if kinds - {"summary"} and unit != ss.SCHOOL_UNIT:
        raise InputError([Problem(received.sent[0].name, f"逐校表和基层报表载入学校与幼儿园工作簿，由{ss.SCHOOL_UNIT}导入，"
                                                         f"不是{unit}")])


def _found_rules(prepared: Prepared, group: Group, problems: list[Problem]) -> dict[str, Rule]:
    """The rules that name a source, without the sources the file lacks (each said once, at the mapping)."""
    rules = {}
    for f in group.fields:
        rule = group.rules[f.code]
        refs = [ref for ref in rule.refs if ref.startswith(CONSTANT_PREFIX) or group.layout.find(ref)]
        for ref in (r for r in rule.refs if r not in refs):
            problems.append(Problem(prepared.mapping_name, f"来源“{ref}”在“{group.books[0][0].name}”中找不到（请对照文件改正，"
                                                           "或留空：文件中没有）", column="来源", subject=f.name))
        if refs:
            rules[f.code] = Rule(f.code, refs, rule.convert, rule.confidence, rule.note)
    return rules


def mapping_rows(prepared: Prepared, only_unconfirmed: bool = False) -> list[Row]:
    """The mapping file's rows: every field of every layout, with the value it reads from the first file."""
    rows = []
    for group in prepared.groups:
        if only_unconfirmed and group.confirmed:
            continue
        shown = preview(prepared, group)
        rows += [Row(group.fingerprint, f, group.rules[f.code], shown.get(f.code, "")) for f in group.fields]
    return rows


def mapping_csv(prepared: Prepared, only_unconfirmed: bool = False) -> bytes:
    return mappings.to_csv(mapping_rows(prepared, only_unconfirmed))


def _shown(value) -> str:
    if value is None:
        return ""
    return f"{value:,.4g}" if isinstance(value, float) and not value.is_integer() else (
        f"{int(value)}" if isinstance(value, float) else str(value))


def preview(prepared: Prepared, group: Group) -> dict[str, str]:
    """What each field reads from the layout's first file (the first school of a per-school table)."""
    reader = Reader(prepared.fields, prepared.townships)
    book, layout = group.books[0]
    rules = {c: r for c, r in group.rules.items() if r.refs}
    if layout.kind == "summary":
        return {c: _shown(v.value) for c, v in summary_values(reader, book, layout, rules).items()}
    records = table_records(reader, book, layout, rules) if layout.kind == "records" else [
        form_record(reader, b, lay, rules) for b, lay in group.books]
    shown = {}
    for code in rules:  # the first school that gives the field (one may have left it blank)
        record = next((r for r in records if r.get(code) not in (None, "")), records[0] if records else None)
        if record is not None and code in record.values:
            named = record.get("school.name") or record.get("kg.name") or ""
            more = f"（{named}；共 {len(records)} {'行' if layout.kind == 'records' else '所'}）"
            shown[code] = _shown(record.get(code)) + more
    return shown


def extract(prepared: Prepared) -> Extract:
    """Every value the mappings read, with its source cells; problems where a value cannot be read."""
    reader = Reader(prepared.fields, prepared.townships, prepared.mapping_name)
    reader.problems += [*prepared.received.warnings, *prepared.problems]
    found = Extract()
    for group in prepared.groups:
        rules = _found_rules(prepared, group, reader.problems)
        if group.layout.kind != "summary" and not ({"school.name", "school.id", "kg.name", "kg.id"} & set(rules)):
            reader.problems.append(Problem(group.books[0][0].name, "对应关系中没有学校名称或学校标识码的来源，无法分清是哪所学校"))
            continue
        for book, layout in group.books:
            if layout.kind == "summary":
                _add_indicators(found, summary_values(reader, book, layout, rules), book.name, reader)
            elif layout.kind == "records":
                found.records += table_records(reader, book, layout, rules)
            else:
                found.records.append(form_record(reader, book, layout, rules))
    found.problems = reader.problems
    return found


def _add_indicators(found: Extract, values: dict, file: str, reader: Reader) -> None:
    for code, value in values.items():
        if value.value is None:
            continue
        if code in found.indicators and found.indicators[code].value != value.value:
            reader.problems.append(value.sources[0].problem(
                f"{reader.fields[code].name}在“{found.indicator_files[code]}”中为 {_shown(found.indicators[code].value)}，"
                f"这里为 {_shown(value.value)}：以前者为准", "warning"))
            continue
        found.indicators.setdefault(code, value)
        found.indicator_files.setdefault(code, file)


def make(con: duckdb.DuckDBPyConnection, prepared: Prepared, found: Extract) -> Made:
    """The standard workbook; its guide names the export and the mapping read (the same export read through
    another mapping is another workbook: a returned import may be sent again with its mapping corrected)."""
    origin = f"{prepared.files}（对应关系 {mapping_digest(prepared)}）"
    if prepared.schools:
        return school_book(con, prepared.year, found, origin, prepared.townships)
    return indicator_book(con, prepared.unit, prepared.year, found, origin)


def mapping_digest(prepared: Prepared) -> str:
    """A short digest of what the mappings read (sources and conversions), not of how the file shows them."""
    rules = sorted((g.fingerprint, code, rule.refs, rule.convert) for g in prepared.groups for code, rule in g.rules.items()
                   if rule.refs)
    return hashlib.sha256(json.dumps(rules, ensure_ascii=False).encode()).hexdigest()[:8]
