"""Mappings as files a person reads and corrects, and the mappings saved per unit and layout.

The file (UTF-8 with a BOM, which Excel opens): one row per layout and template field — 版式 (the layout's
fingerprint), 字段代码, 字段名称, 来源 (" + " between sources summed; blank: not in this file; "值：公办" for a value
the file does not hold), 换算, 可信度 (已确认 for a person's), 读出的值 (from the file the proposal was made on),
说明. Saved mappings live under the raw folder, mappings/<unit>/<fingerprint>/<time>_<hash>.csv: a corrected
mapping is a new file beside the old one, never written over it (they seed the proposals for a changed layout).
The mapping reused for a layout is the one applied in its last import that is approved or awaiting review, as
archived beside that import (reused()); a 值： for a figure of the year is kept for neither.
"""

import csv
import hashlib
import io
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from ..core.problems import InputError, Problem
from ..records.archive import safe_file_name, submissions_dir
from . import settings as s
from .fields import Field
from .propose import Rule

CONFIRMED = "已确认"
STAMP = "%Y%m%dT%H%M%S"


@dataclass
class Mapping:
    fingerprint: str
    rules: dict[str, Rule] = field(default_factory=dict)
    example: str = ""  # the file it was made on
    saved_at: datetime | None = None
    path: str | None = None  # relative to the raw folder, once saved (a reused one: to the submissions folder)
    submission: int | None = None  # a reused mapping: the import it was applied in, and its review state
    status: str | None = None


@dataclass
class Row:
    """One line of the mapping file, as shown."""

    fingerprint: str
    field: Field
    rule: Rule
    preview: str = ""


def refs_text(rule: Rule) -> str:
    return s.SUM_SEPARATOR.join(rule.refs)


def confidence_text(rule: Rule) -> str:
    if not rule.refs:
        return ""
    if rule.confidence is None:
        return CONFIRMED
    return f"{rule.confidence:.2f}" + ("（请核对）" if rule.confidence < s.CONFIRM_BELOW else "")


def to_csv(rows: list[Row]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(s.MAPPING_COLUMNS)
    for row in rows:
        rule = row.rule
        writer.writerow([row.fingerprint, row.field.code, row.field.name, refs_text(rule),
                         s.CONVERSIONS[rule.convert][0], confidence_text(rule), _cell(row.preview), _cell(rule.note)])
    return out.getvalue().encode("utf-8-sig")


def _cell(text: str) -> str:
    """Words that Excel would take for a formula are written as words."""
    text = str(text or "")
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def from_csv(data: bytes, name: str, fields: dict[str, Field], strict: bool = True) -> dict[str, Mapping]:
    """The mappings a file holds, by fingerprint ('' when it has no 版式 column); InputError for what is wrong.

    strict: a field the template no longer has is an error (a person's file), else left out (a saved one).
    """
    mappings, problems = read_csv(data, name, fields, strict)
    if problems:
        raise InputError(problems)
    return mappings


def read_csv(data: bytes, name: str, fields: dict[str, Field], strict: bool = True) -> tuple[dict[str, Mapping], list]:
    """The mappings a file holds and the problems of its rows (a row in error left out, so that the export is
    still read and every problem said at once); InputError when it is no mapping file at all."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")  # saved again by Excel as "CSV" in a Chinese Windows
        except UnicodeDecodeError:
            raise InputError([Problem(name, "对应关系文件不是文本文件（应为 .csv，UTF-8 或 GBK 编码）")]) from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or "字段代码" not in rows[0] or "来源" not in rows[0]:
        raise InputError([Problem(name, "对应关系文件的第1行应为表头，至少有“字段代码”和“来源”两列（请使用平台写出的文件修改）",
                                  row=1)])
    header = rows[0]
    mappings: dict[str, Mapping] = {}
    problems = []
    for number, values in enumerate(rows[1:], start=2):
        line = dict(zip(header, [v.strip() for v in values]))
        if not strict and line.get("字段代码") not in fields:
            continue
        rule = _rule(line, name, number, fields, problems)
        if rule is not None:
            fingerprint = line.get("版式", "")
            mappings.setdefault(fingerprint, Mapping(fingerprint)).rules[rule.field] = rule
    return mappings, problems


def _rule(line: dict, name: str, number: int, fields: dict[str, Field], problems: list) -> Rule | None:
    code = line.get("字段代码", "")
    if not code and not line.get("来源"):
        return None
    if code not in fields:
        problems.append(Problem(name, f"字段代码“{code}”不是本单位模板中的字段", row=number, column="字段代码"))
        return None
    convert = s.CONVERSION_BY_WORDS.get(line.get("换算", "").lstrip("'"))
    if convert is None:
        choices = "、".join(w for w in s.CONVERSION_BY_WORDS if w)
        problems.append(Problem(name, f"换算“{line['换算']}”无法识别（可填：{choices}，或留空）", row=number, column="换算"))
        return None
    return Rule(code, source_refs(line.get("来源", "")), convert, None, line.get("说明", "").lstrip("'"))


def source_refs(text) -> list[str]:
    """The sources a 来源 cell names (" + " between sources summed); none for a blank or 不从本文件读取."""
    text = str(text or "").lstrip("'").strip()
    if not text or text == s.NOT_IN_FILE:
        return []
    return [r.strip() for r in text.split("+") if r.strip()]


# -- saved mappings ----------------------------------------------------------------------------------------------


def folder(raw_dir: Path, unit: str) -> Path:
    return Path(raw_dir) / s.MAPPINGS_DIR / safe_file_name(unit)


def year_constant(rule: Rule, f: Field) -> str | None:
    """A value written in the mapping for a figure of the year (值：5000 for 在园幼儿总数): for one import only."""
    if f.kind == "text":
        return None  # 值：公办, 值：乡村: a standing fact of the schools, kept (and said at every reuse)
    return next((r.removeprefix(s.CONSTANT_PREFIX) for r in rule.refs if r.startswith(s.CONSTANT_PREFIX)), None)


def standing(rules: dict[str, Rule], fields: dict[str, Field]) -> dict[str, Rule]:
    """The rules to keep for another import: without the constants of figures of the year."""
    kept = {}
    for code, rule in rules.items():
        f = fields.get(code)
        if f is not None and year_constant(rule, f) is not None:
            rule = Rule(code, [r for r in rule.refs if not r.startswith(s.CONSTANT_PREFIX)], rule.convert, rule.confidence,
                        rule.note)
        kept[code] = rule
    return kept


def save(raw_dir: Path, unit: str, mapping: Mapping, fields: dict[str, Field], when: datetime) -> str:
    """Write the mapping as confirmed for (unit, layout), without the constants of figures of the year; the path
    relative to the raw folder. Never overwrites."""
    rows = [Row(mapping.fingerprint, fields[code], Rule(code, rule.refs, rule.convert, None, rule.note))
            for code, rule in standing(mapping.rules, fields).items() if code in fields]
    data = to_csv(rows)
    digest = hashlib.sha256(data).hexdigest()[:8]
    same = sorted((folder(raw_dir, unit) / mapping.fingerprint).glob(f"*_{digest}{s.MAPPING_SUFFIX}"))
    if same and same[-1] == sorted((folder(raw_dir, unit) / mapping.fingerprint).glob(f"*{s.MAPPING_SUFFIX}"))[-1]:
        return same[-1].relative_to(raw_dir).as_posix()  # the newest already says the same: nothing to add
    path = folder(raw_dir, unit) / mapping.fingerprint / f"{when:{STAMP}}_{digest}{s.MAPPING_SUFFIX}"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        partial.write_bytes(data)
        partial.replace(path)
    return path.relative_to(raw_dir).as_posix()


def reused(con: duckdb.DuckDBPyConnection, raw_dir: Path, unit: str, fingerprint: str,
           fields: dict[str, Field]) -> Mapping | None:
    """The mapping applied in the last import of this layout that is approved or awaiting review (a returned or
    withdrawn import's mapping is not the one to read next year's file with), as archived beside it."""
    found = con.execute("""
        select o.archive_path, s.received_at, s.submission_id, s.review_status
        from import_origins o join submissions s using (submission_id)
        where o.role = 'mapping' and s.unit = ? and list_contains(o.fingerprints, ?)
          and s.review_status in ('approved', 'pending') and not s.withdrawn
        order by s.received_at desc, s.submission_id desc limit 1""", [unit, fingerprint]).fetchone()
    if found is None:
        return None
    path = submissions_dir(raw_dir) / found[0]
    try:
        mapping = from_csv(path.read_bytes(), path.name, fields, strict=False).get(fingerprint)
    except (OSError, InputError):
        return None  # an archive the catalogue no longer fits: proposed again
    if mapping is not None:
        mapping.saved_at, mapping.path, mapping.submission, mapping.status = found[1], found[0], found[2], found[3]
    return mapping


def latest(raw_dir: Path, unit: str, fingerprint: str, fields: dict[str, Field]) -> Mapping | None:
    """The newest mapping saved for this unit and layout."""
    files = sorted((folder(raw_dir, unit) / fingerprint).glob(f"*{s.MAPPING_SUFFIX}"))
    return _load(raw_dir, files[-1], fingerprint, fields) if files else None


def all_saved(raw_dir: Path, unit: str, fields: dict[str, Field]) -> list[Mapping]:
    """The newest mapping of every layout saved for this unit (to seed a proposal for a changed layout)."""
    base = folder(raw_dir, unit)
    found = []
    for layout in sorted(p for p in base.glob("*") if p.is_dir()) if base.is_dir() else []:
        mapping = latest(raw_dir, unit, layout.name, fields)
        if mapping is not None:
            found.append(mapping)
    return found


def _load(raw_dir: Path, path: Path, fingerprint: str, fields: dict[str, Field]) -> Mapping | None:
    try:
        mappings = from_csv(path.read_bytes(), path.name, fields, strict=False)
    except InputError:
        return None  # a saved mapping the catalogue no longer fits: proposed again
    mapping = mappings.get(fingerprint) or next(iter(mappings.values()), Mapping(fingerprint))
    mapping.fingerprint = fingerprint
    mapping.saved_at = datetime.strptime(path.name[:15], STAMP)
    mapping.path = path.relative_to(raw_dir).as_posix()
    return mapping
