"""Which mapping reads each layout of an import, and what the person must know of it.

A person's (--mapping, or the page's table), else the one applied in the last import of the unit and layout that
is approved or awaiting review (a returned import's never), else a proposal seeded from the nearest saved mapping.
Said with it: a value written for a figure of the year (值：5000, for one import only), a word written for every row
(值：公办, at every reuse), and with a per-school proposal the register columns its new schools need.
"""

from pathlib import Path

import duckdb

from ..core import config
from ..schools.school_template import known_rows
from . import mappings
from .apply import Reader, form_record, table_records
from .fields import NEEDED_FOR_NEW, NEEDED_FOR_NEW_KG, Field, by_code
from .prepared import Group, Prepared
from .propose import Rule, nearest, propose
from .school_book import school_key
from .settings import CONSTANT_PREFIX


def register_needs(con: duckdb.DuckDBPyConnection, prepared: Prepared, group: Group) -> list[str]:
    """Said with a proposal: the register columns the file lacks that its schools new to the register need (the
    import is refused without them, so the person should know before confirming)."""
    kg = group.layout.kindergarten
    needed = [f for f in group.fields if f.code in (NEEDED_FOR_NEW_KG if kg else NEEDED_FOR_NEW) and not group.rules[f.code].refs]
    if not needed:
        return []
    register = known_rows(con, prepared.year)["register"]
    ids = set(register["school_id"].astype(str)) if len(register) else set()
    names = {school_key(n) for n in register["name"]} if len(register) else set()
    prefix = "kg" if kg else "school"
    rules = {c: r for c, r in group.rules.items() if c in (f"{prefix}.id", f"{prefix}.name") and r.refs}
    reader = Reader(prepared.fields, prepared.townships)
    records = (table_records(reader, *group.books[0], rules) if group.layout.kind == "records" else
               [form_record(reader, b, lay, rules) for b, lay in group.books])
    new = [r for r in records if str(r.get(f"{prefix}.id") or "") not in ids and school_key(r.get(f"{prefix}.name")) not in names]
    if not new:
        return []
    named = "、".join(dict.fromkeys(str(r.get(f"{prefix}.name")) for r in new[:3]))
    return [f"文件中有 {len(new)} 行的学校不在学校名录中（如 {named}）：新学校须有"
            f"{'、'.join(f'“{f.name}”' for f in needed)}，文件中未找到。请在“来源”填文件中的列，或在全部相同时填“值：…”"
            "（如“值：公办”），否则确认后会被拒绝（苏木乡镇、办学类型可按学校名称推定的，会自动填写并提示核对）"]


def choose(con: duckdb.DuckDBPyConnection, prepared: Prepared, raw_dir: Path, given: tuple[str, bytes] | None) -> None:
    """Each layout's rules, state (given, saved, proposed) and what is said of them."""
    person = {}
    if given:  # a row in error is said with the export's problems, all at once (the import is refused)
        prepared.mapping_name = given[0]
        person, prepared.problems = mappings.read_csv(given[1], given[0], prepared.fields)
    for group in prepared.groups:
        codes = by_code(group.fields)
        chosen = person.get(group.fingerprint) or (next(iter(person.values())) if len(person) == 1 else None)
        if chosen is not None:
            group.rules = {f.code: chosen.rules.get(f.code, Rule(f.code, [])) for f in group.fields}
            group.state = "given"
            group.said = [f"“{f.name}”的固定值 {v} 只用于本次导入，不随对应关系保存（明年的文件须另行读取或填写）"
                          for f, v in _year_constants(group)]
            continue
        saved = mappings.reused(con, raw_dir, prepared.unit, group.fingerprint, codes)
        if saved is not None:
            group.rules = {f.code: saved.rules.get(f.code, Rule(f.code, [])) for f in group.fields}
            group.state, group.saved = "saved", saved
            group.said = [f"上次导入时“{f.name}”填的固定值 {v} 只用于那次导入，本次不沿用（留空：文件中没有）"
                          for f, v in _year_constants(group)]
            group.rules = mappings.standing(group.rules, codes)
            group.said += [f"沿用对应关系中填写的固定值：“{f.name}” = {v}（不是从文件中读出的，所有行相同）"
                           for f in group.fields for v in _constants(group.rules[f.code])]
            continue
        seed = nearest([m.rules for m in mappings.all_saved(raw_dir, prepared.unit, codes)], group.layout)
        group.rules = propose(group.fields, group.layout, seed)
        group.seeded = seed is not None
        if group.layout.kind != "summary":
            group.said += register_needs(con, prepared, group)


def reuse_sentence(group: Group) -> str:
    """Which import's mapping reads this file (the last of its layout approved or awaiting review)."""
    saved = group.saved
    return (f"按 {saved.saved_at:%Y-%m-%d} 导入时确认的对应关系读取（填报 #{saved.submission}，"
            f"{config.REVIEW_LABELS.get(saved.status, saved.status)}）")


def _constants(rule: Rule) -> list[str]:
    return [r.removeprefix(CONSTANT_PREFIX) for r in rule.refs if r.startswith(CONSTANT_PREFIX)]


def _year_constants(group: Group) -> list[tuple[Field, str]]:
    """The figures of the year a mapping gives as a value (值：5000): for one import only."""
    found = [(f, mappings.year_constant(group.rules[f.code], f)) for f in group.fields]
    return [(f, v) for f, v in found if v is not None]
