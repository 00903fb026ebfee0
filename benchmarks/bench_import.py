"""Time `import` on the statistics office's own exports, and count the cells a person types, before and after.

Times (medians): propose (read the files, find the layout, propose the mapping) and apply (read the values
through the mapping, make the standard workbook), then the whole load (check, archive, load into a fresh copy
of a warehouse), for a 优质均衡 table of 300 schools and a folder of 37 per-school form workbooks.

Cells (issue 18's measure): for a 37-school 优质均衡 table and a county summary, the cells an analyst fills by
hand in the standard workbooks (before: pasted from the export, computed by hand from per-student figures or
sums, words of the statistics system retyped, register cells typed) against what import asks of them (after:
the mapping's sources corrected or typed; every other value is read). The exports are tests/office_exports.py's.

    .venv/bin/python benchmarks/bench_import.py [RUNS]
"""

import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import report, timed
from pipelines.core import config
from pipelines.imports import run as imports
from pipelines.imports.headings import display
from pipelines.operations import import_loading as loading
from pipelines.operations.build import build
from pipelines.warehouse.connection import connect
from tests import office_exports as ox

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
CONSTANTS = {"school.area": "值：乡村", "school.owner": "值：公办"}  # what a 优质均衡 table does not hold


def plan_site(tmp: Path) -> tuple[Path, Path]:
    raw = tmp / "raw"
    raw.mkdir()
    for name in (config.PLAN_FILE, config.TASKLIST_FILE):
        shutil.copy(config.RAW_DIR / name, raw / name)
    shutil.copytree(config.RAW_DIR / config.REFERENCE_DIR, raw / config.REFERENCE_DIR)
    build(raw, tmp / "base.duckdb", include_demo=False)
    return raw, tmp / "base.duckdb"


def prepared(raw: Path, db: Path, files: list[tuple[str, Path]], confirm: dict[str, str] | None = None):
    with connect(db, read_only=True) as con:
        found = imports.prepare(con, raw, files, "旗教育局", 2025)
    for group in found.groups:
        for code, ref in (confirm or {}).items():
            if code in group.rules:
                group.rules[code].refs = [ref]
        group.state = "given"
    return found


def time_import(tmp: Path, raw: Path, db: Path, label: str, files: list[tuple[str, Path]]) -> None:
    report(f"{label}：读取并建议对应关系", timed(lambda: prepared(raw, db, files), RUNS))
    ready = prepared(raw, db, files, CONSTANTS)

    def apply() -> None:
        with connect(db, read_only=True) as con:
            made = imports.make(con, ready, imports.extract(ready))
        assert not made.errors, made.errors

    report(f"{label}：按对应关系读取数值并生成标准工作簿", timed(apply, RUNS))

    def load(n=[0]) -> None:  # noqa: B006 (a counter across runs)
        n[0] += 1
        run = tmp / f"{label}{n[0]}"
        shutil.copytree(raw, run / "raw")
        shutil.copy(db, run / "w.duckdb")
        result = loading.load(ready, run / "raw", run / "w.duckdb").result
        assert result.outcome == "loaded", [str(p) for p in result.problems[:3]]

    report(f"{label}：生成、检查、归档并载入（全过程）", timed(load, RUNS))


def cells(raw: Path, db: Path, files: list[tuple[str, Path]], confirm: dict[str, str]) -> dict[str, int]:
    """What the standard workbook made from the export holds, by how a person would have filled it."""
    ready = prepared(raw, db, files, confirm)
    with connect(db, read_only=True) as con:
        made = imports.make(con, ready, imports.extract(ready))
    counts = {"pasted": 0, "computed": 0, "words": 0, "typed": 0}
    seen = set()
    for row in made.sources:
        key = (row["workbook_sheet"], row["workbook_cell"])
        if key in seen:
            continue
        seen.add(key)
        parts = [r for r in made.sources if (r["workbook_sheet"], r["workbook_cell"]) == key]
        if row["note"] or len(parts) > 1:
            counts["computed"] += 1
        elif row["source_file"].startswith("（"):
            counts["typed"] += 1
        else:
            counts["pasted"] += 1
    register = _register_cells(made, ready)
    for kind, n in register.items():
        counts[kind] += n
    proposed = prepared(raw, db, files)
    counts["after"] = sum(1 for g in proposed.groups for code, ref in confirm.items()
                          if code in g.rules and g.rules[code].refs != [ref])
    return counts


def _register_cells(made, ready) -> dict[str, int]:
    """学校名录 cells: the name pasted, the type's words retyped where the statistics system writes them otherwise
    (初级中学), the code, 苏木乡镇, 城乡类型 and 举办者 typed (none of them in a 优质均衡 table)."""
    if not ready.schools:
        return {}
    import io

    import openpyxl

    from pipelines.core import school_settings as ss

    found = {"pasted": 0, "words": 0, "typed": 0}
    ws = openpyxl.load_workbook(io.BytesIO(made.data))[ss.SHEET_REGISTER]
    types = {display(v) for book, layout in ready.groups[0].books for t in layout.tables
             for v in (t.sheet.value(r.index, c.index) for r in t.rows for c in t.columns if c.text == "学校类型") if v}
    for r in range(ss.HEADER_ROW + 1, ws.max_row + 1):
        if not ws.cell(r, 1).value:
            continue
        found["pasted"] += 1  # 学校名称
        found["typed"] += 4  # 学校标识码, 苏木乡镇, 城乡类型, 举办者
        found["words" if ws.cell(r, 5).value not in types else "pasted"] += 1  # 办学类型
    return found


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench_import_") as tmp:
        tmp = Path(tmp)
        raw, db = plan_site(tmp)
        table = ox.balance_table(tmp / "优质均衡_300.xlsx", ox.balance_schools(300)).path
        time_import(tmp, raw, db, "优质均衡逐校表 300 所", [(table.name, table)])
        ox.form_folder(tmp / "基层报表", ox.form_schools(37))
        time_import(tmp, raw, db, "基层报表 37 个工作簿", [("基层报表", tmp / "基层报表")])

        small = ox.balance_table(tmp / "优质均衡_37.xlsx", ox.balance_schools(37)).path
        summary = ox.county_summary(tmp / "基本情况.xlsx").path
        print("\n一名分析员要手工填写的单元格（之前：按标准工作簿手工填；之后：导入时只核对、改正对应关系）：")
        for label, path, confirm in (("优质均衡逐校表 37 所", small, CONSTANTS), ("教育事业基本情况汇总表", summary, {})):
            n = cells(raw, db, [(path.name, path)], confirm)
            before = n["pasted"] + n["computed"] + n["words"] + n["typed"]
            print(f"  {label}：之前 {before} 个（粘贴 {n['pasted']}，手算 {n['computed']}，改写统计口径用词 {n['words']}，"
                  f"录入 {n['typed']}）；之后 {n['after']} 个（对应关系中要改正或填写的来源），其余确认一次；"
                  "次年同版式 0 个")


if __name__ == "__main__":
    main()
