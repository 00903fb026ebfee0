"""`python -m pipelines import FILE… --unit U --year Y [--mapping FILE] [--as ACCOUNT]`: what it prints, how it ends.

Exit 0 loaded (or the same files loaded before), 1 refused (every problem at its file, sheet, row and column;
nothing changed), 3 a mapping was proposed: written to a file whose path is printed, to be confirmed with
--mapping (exit 3 means nothing else).
"""

import re
import shlex
import sys
import tempfile
from pathlib import Path

from ..imports import mappings
from ..imports.choose import reuse_sentence
from ..imports.run import mapping_csv, mapping_rows, prepare
from ..operations.import_loading import load
from ..records.accounts import AccountStore
from ..warehouse.connection import connect

EXIT_OK, EXIT_REJECTED, EXIT_PROPOSED = 0, 1, 3


def run(args) -> int:
    actor = AccountStore().named(args.account)
    missing = [p for p in [*args.files, *([args.mapping] if args.mapping else [])] if not p.exists()]
    for path in missing:
        print(f"错误：文件“{path}”不存在", file=sys.stderr)
    if missing:
        return EXIT_REJECTED
    given = (args.mapping.name, args.mapping.read_bytes()) if args.mapping else None
    with connect(args.db, read_only=True) as con:
        prepared = prepare(con, args.raw, [(p.name, p) for p in args.files], args.unit, args.year, given, actor)
    for problem in prepared.received.warnings:
        print(f"  {problem}")
    for group in prepared.groups:
        print(f"版式 {group.fingerprint}：{group.describe()}")
        if group.state == "saved":
            print(f"  {reuse_sentence(group)}")
        for sentence in group.said:
            print(f"  注意：{sentence}")
    if not prepared.ready:
        return _propose(prepared, args)
    imported = load(prepared, args.raw, args.db, actor=actor, account=None if actor else "（命令行）")
    result = imported.result
    stream = sys.stderr if result.outcome == "rejected" else sys.stdout
    print(result.message, file=stream)
    for problem in result.problems:
        print(f"  {problem}", file=stream)
    return EXIT_REJECTED if result.outcome == "rejected" else EXIT_OK


def _propose(prepared, args) -> int:
    path = proposal_path(args.files[0])
    try:
        path.write_bytes(mapping_csv(prepared))
    except OSError:  # the export's folder is read-only (a CD, a share): the temporary folder instead
        path = Path(tempfile.gettempdir()) / path.name
        path.write_bytes(mapping_csv(prepared))
    rows = mapping_rows(prepared, only_unconfirmed=True)
    for row in (r for r in rows if r.rule.refs):
        print(f"  {row.field.code}（{row.field.name}）← {mappings.refs_text(row.rule)}，可信度 "
              f"{mappings.confidence_text(row.rule)}" + (f"，读出 {row.preview}" if row.preview else "")
              + (f"。{row.rule.note}" if row.rule.note not in ("", "相加") else ""))
    blank = [r.field.name for r in rows if not r.rule.refs]
    if blank:
        print(f"  文件中未找到的字段 {len(blank)} 个（留空，不导入）：{'、'.join(blank[:8])}" + ("等" if len(blank) > 8 else ""))
    print(f"已写出建议的对应关系：{path}\n请核对（可用 Excel 打开，改正“来源”列；留空表示文件中没有）后运行：\n"
          f"  {again(args, path)}")
    return EXIT_PROPOSED


def again(args, mapping: Path) -> str:
    """The command the person ran (every option kept: --as, --raw, --db), with --mapping the file written."""
    typed = list(getattr(args, "argv", None) or
                 ["import", *map(str, args.files), "--unit", args.unit, "--year", str(args.year)])
    kept, skip = [], False
    for word in typed:
        if skip or word.startswith("--mapping="):
            skip = False
            continue
        if word == "--mapping":
            skip = True
            continue
        kept.append(word)
    return "python -m pipelines " + " ".join(_quoted(w) for w in [*kept, "--mapping", str(mapping)])


def _quoted(word: str) -> str:
    return shlex.quote(word) if re.search(r"[\s'\"$`\\|&;<>()*?!#~]", word) else word


def proposal_path(first: Path) -> Path:
    """Beside the first file sent, never over an existing file (a person's corrected one may be there)."""
    folder = first.parent if first.parent.exists() else Path.cwd()
    stem = first.name if first.is_dir() else first.stem
    path = folder / f"{stem}_对应关系.csv"
    number = 2
    while path.exists():
        path = folder / f"{stem}_对应关系_{number}.csv"
        number += 1
    return path
