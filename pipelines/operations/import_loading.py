"""An import's standard workbook checked, or loaded through ingest_file (the same checks, archive, audit and
review), with the export, the mapping and each value's source cells archived beside it. Problems of the
standard workbook are said at the export's own cells."""

import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..core import config
from ..core.problems import Problem, ordered
from ..imports import mappings
from ..imports.apply import Extract
from ..imports.book import Made
from ..imports.mappings import Mapping
from ..imports.prepared import Prepared
from ..imports.run import extract, make, mapping_csv
from ..records.accounts import Account
from ..records.archive import Origin
from ..records.import_origin import sources_csv
from ..warehouse.connection import connect
from ..workbooks.results import IngestResult
from .ingest import check_file, ingest_file


def translate(problems: list[Problem], made: Made) -> list[Problem]:
    """The standard workbook's problems said at the export's cells (or rows) the value came from."""
    said = []
    for p in problems:
        if p.sheet == config.SHEET_RECTIFICATION and p.severity == "warning":  # a sheet no export carries
            said.append(Problem("", f"统计报表中没有整改说明（{p.reason.split('：')[0]}）：导入的数值不受影响；整改说明请在"
                                    "“数据填报”页下载本单位工作簿填写后上传，或在线填报", severity="warning"))
            continue
        sources = made.placed.get((p.sheet, p.row, p.column))
        record = made.rows.get((p.sheet, p.row))
        where = f"（写入标准工作簿“{p.sheet}”第{p.row}行“{p.column}”）" if p.sheet and p.row else ""
        if sources and sources[0].cell:
            said.append(sources[0].problem(p.reason + where, p.severity, p.subject))
        elif record is not None:
            reason = (f"{p.column}：" if p.column else "") + p.reason + where
            said.append(record.where.problem(reason, p.severity, p.subject or record.get("school.name")))
        else:
            said.append(p)
    return said


@dataclass
class Imported:
    result: IngestResult
    made: Made | None = None
    found: Extract | None = None


def _refused(prepared: Prepared, problems: list[Problem]) -> Imported:
    name = prepared.received.sent[0].name if prepared.received.sent else ""
    errors = [p for p in problems if p.severity == "error"]
    return Imported(IngestResult(name, "rejected", ordered(problems), prepared.unit, prepared.year,
                                 message=f"{prepared.files}未载入：{len(errors)} 个问题"))


def _made(con, prepared: Prepared) -> tuple[Extract, Made]:
    """The values read and the standard workbook made of those that could be read (a value in error left out, so
    that the workbook's own check still says every other problem)."""
    found = extract(prepared)
    return found, make(con, prepared, found)


def _check_made(con, made: Made, actor: Account | None) -> IngestResult:
    with tempfile.TemporaryDirectory(prefix="import_") as tmp:
        path = Path(tmp) / "made.xlsx"
        path.write_bytes(made.data)
        return check_file(con, path, made.name, actor)


def _all_problems(con, found: Extract, made: Made, actor: Account | None) -> tuple[IngestResult | None, list[Problem]]:
    """Every problem at once: the mapping's and the export's, then what the standard workbook's check finds."""
    problems = [*found.problems, *made.errors, *made.warnings]
    if made.errors:
        return None, problems
    result = _check_made(con, made, actor)
    return result, [*problems, *translate(result.problems, made)]


def _has_errors(found: Extract, made: Made) -> bool:
    return bool(made.errors) or any(p.severity == "error" for p in found.problems)


def check(prepared: Prepared, db_path: Path, actor: Account | None = None) -> Imported:
    """The standard workbook made and checked as an upload is (nothing changed)."""
    with connect(db_path, read_only=True) as con:
        found, made = _made(con, prepared)
        result, problems = _all_problems(con, found, made, actor)
    if result is None or _has_errors(found, made):
        return _refused(prepared, problems)
    result.problems = problems
    return Imported(result, made, found)


def load(prepared: Prepared, raw_dir: Path, db_path: Path, actor: Account | None = None, account: str | None = None,
         source: str = "命令行", say=None) -> Imported:
    """Make the standard workbook and load it through ingest_file, with the export and mapping beside it."""
    with connect(db_path, read_only=True) as con:
        found, made = _made(con, prepared)
        if _has_errors(found, made):  # refused: with what the workbook's check finds too
            return _refused(prepared, _all_problems(con, found, made, actor)[1])
    warnings = [*found.problems, *made.warnings]
    origin = Origin([(s.name, s.data) for s in prepared.received.sent], mapping_csv(prepared), sources_csv(made.sources),
                    [g.fingerprint for g in prepared.groups], [p.as_dict() for p in warnings],
                    lambda: _save(prepared, raw_dir))
    with tempfile.TemporaryDirectory(prefix="import_") as tmp:
        path = Path(tmp) / "made.xlsx"
        path.write_bytes(made.data)
        result = ingest_file(path, raw_dir, db_path, file=made.name, account=account, actor=actor, source=source,
                             say=say, origin=origin)
    result.problems = [*warnings, *translate(result.problems, made)]
    return Imported(result, made, found)


def _save(prepared: Prepared, raw_dir: Path) -> list[str]:
    """A mapping a person gave (or confirmed on the page) saved for the unit and each layout."""
    when = datetime.now().replace(microsecond=0)
    return [mappings.save(raw_dir, prepared.unit, Mapping(g.fingerprint, g.rules), prepared.fields, when)
            for g in prepared.groups if g.state == "given"]
