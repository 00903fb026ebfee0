"""Briefing exports: one chart to PNG warm (kaleido's browser already running), the deck, the Word report,
the Excel report.

Budgets (issue 5): ≤ 0.5 s per PNG warm; ≤ 15 s for the deck on this 2-core machine (the Word report is held
to the same).
"""

import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import duckdb

from benchmarks.common import cli, report, timed
from pipelines.core import config
from pipelines.operations.build import build
from reports import gap_chart, images, queries
from reports.deck import build_deck
from reports.excel_report import build_workbook
from reports.word_report import build_document

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5

with tempfile.TemporaryDirectory() as tmp:
    raw, db = Path(tmp) / "raw", Path(tmp) / "warehouse.duckdb"
    shutil.copytree(config.RAW_DIR, raw)
    build(raw, db)
    with duckdb.connect(str(db), read_only=True) as con:
        with queries.reading(con):
            statuses = queries.statuses(queries.Filters(2025, None, None, True))
        title, part = gap_chart.gap_chunks(statuses)[0]
        figure = gap_chart.gap_chart(part, 2025, True, title)
        report("第一张 PNG（含启动浏览器）", timed(lambda: images.png(figure), 1))
        report("一张 PNG（预热后，1920×1080，18个目标的差距图）", timed(lambda: images.png(figure), RUNS * 2))
        report("汇报幻灯片 build_deck（进程内，浏览器已预热，31页23图，图按所占尺寸渲染）", timed(lambda: build_deck(con), RUNS))
        report("Word 监测报告 build_document（进程内，浏览器已预热，11图）", timed(lambda: build_document(con), RUNS))
        images.stop()
        report("Excel 报表 build_workbook（进程内）", timed(lambda: build_workbook(con), RUNS))
    report("python -m pipelines report --out deck.pptx（命令行，含启动浏览器）",
           timed(lambda: cli("report", "--out", Path(tmp) / "deck.pptx", "--db", db), RUNS))
    report("python -m pipelines report --out 监测报告.docx（命令行，含启动浏览器）",
           timed(lambda: cli("report", "--out", Path(tmp) / "监测报告.docx", "--db", db), RUNS))
    report("python -m pipelines report --out 报表.xlsx（命令行）",
           timed(lambda: cli("report", "--out", Path(tmp) / "报表.xlsx", "--db", db), RUNS))
