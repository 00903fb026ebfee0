"""A corpus of bad and odd workbooks through `python -m pipelines ingest`: each refused with exit 1, a
Chinese message naming the file (and the cell), an audit line — and nothing else changed: every file
of the raw folder and every table of the warehouse as before, but for that one audit line."""

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines import config
from pipelines.__main__ import main
from pipelines.archive import read_log
from pipelines.audit import read_events
from tests import hostile_books as hb
from tests.books import copy_warehouse, filled, row_of
from tests.consistency import assert_rebuild_equals

ENGLISH_EXCEPTION = re.compile(r"\b\w*(Error|Exception|BadZipFile)\b|Traceback|Errno|decompressing")


@pytest.fixture(scope="module")
def with_data(empty_base, tmp_path_factory):
    """The plan and one accepted workbook, so that "nothing changed" compares real rows."""
    base = tmp_path_factory.mktemp("hostile")
    raw, db = copy_warehouse(*empty_base, base)
    good = filled(db, base / "good.xlsx", values={"KG_ENROLLED": 10000, "HS_GER": 95.1, "VE_LAND": 63},
                  progress={1: ("推进中", "")})
    assert main(["ingest", str(good), "--raw", str(raw), "--db", str(db)]) == 0
    return raw, db


@pytest.fixture
def site(with_data, tmp_path):
    raw, db = copy_warehouse(*with_data, tmp_path / "site")
    folder = tmp_path / "books"
    folder.mkdir()
    return raw, db, folder


def snapshot(raw: Path, db: Path) -> tuple[dict, dict]:
    """Every raw file's hash and every table's rows."""
    files = {p.relative_to(raw).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted(raw.rglob("*")) if p.is_file()}
    with duckdb.connect(str(db), read_only=True) as con:
        tables = [t for (t,) in con.execute(
            "select table_name from information_schema.tables where table_type = 'BASE TABLE' order by 1").fetchall()]
        rows = {t: con.execute("select * from query_table(?) order by all", [t]).fetchall() for t in tables}
    return files, rows


def ingest(capsys, raw, db, path) -> tuple[int, str]:
    code = main(["ingest", str(path), "--raw", str(raw), "--db", str(db)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


AUDIT_LOG = f"{config.AUDIT_DIR}/{config.AUDIT_LOG}"

# maker, what the message must say (besides the file's name)
CASES = [
    (hb.nines, ["工作表“指标数据”", "E列（数值）", "数字过大，不是有效的数值"]),
    (hb.huge_count, ["E列（数值）", "数值1e+308所超出合理范围"]),
    (hb.huge_area, ["E列（数值）", "数值1e+308亩超出合理范围"]),
    (hb.people_beyond_the_banner, ["E列（数值）", "在园幼儿总数不应超过1,000,000人"]),
    (hb.gross_rate_beyond_ceiling, ["E列（数值）", "高中阶段毛入学率不应超过150%"]),
    (hb.share_from_parts_beyond_100, ["E列（数值）", "计算得到的在园幼儿入公办园率为110.0%，占比不能超过100%"]),
    (hb.wage_beyond_ceiling, ["E列（数值）", "不应超过10,000,000元"]),
    (hb.rank_beyond_ceiling, ["E列（数值）", "不应超过100位"]),
    (hb.nan_in_the_xml, ["E列（数值）", "不是有效的数字"]),
    (hb.infinity_in_the_xml, ["E列（数值）", "不是有效的数字"]),
    (hb.not_a_number_in_the_xml, ["工作表“指标数据”", "E列", "单元格中的数字“12abc”无效"]),
    (hb.error_value, ["E列（数值）", "无法识别为数字：“#DIV/0!”"]),
    (hb.boolean_in_a_count, ["E列（数值）", "应填写数字，不是逻辑值"]),
    (hb.date_in_a_count, ["E列（数值）", "单元格中是日期或时间"]),
    (hb.text_in_a_rate, ["E列（数值）", "无法识别为数字：“约九成”"]),
    (hb.formula_without_result, ["工作表“指标数据”", "E列", "单元格是公式且没有保存计算结果"]),
    (hb.cell_far_below, ["工作表“指标数据”", "第200000行", "超出填报工作簿的范围"]),
    (hb.cell_far_right, ["工作表“指标数据”", "超出填报工作簿的范围"]),
    (hb.missing_shared_string, ["工作表“指标数据”", "E列", "引用了不存在的共享文本"]),
    (hb.two_values_in_one_cell, ["工作表“指标数据”", "E列", "同一个单元格在文件中出现了两次"]),
    (hb.missing_values_sheet, ["缺少工作表“指标数据”"]),
    (hb.changed_header, ["工作表“指标数据”", "缺少“数值”列"]),
    (hb.wrong_year, ["填报年度 2035 不在方案范围"]),
    (hb.truncated, ["文件已损坏或不是完整的工作簿"]),
    (hb.corrupted_compressed_data, ["文件已损坏或不是完整的工作簿"]),
    (hb.entity_after_a_long_comment, ["含有 XML 实体声明"]),
    (hb.encrypted, ["设置了打开密码"]),
    (hb.xlsx_named_ods, ["可能是改了扩展名的 .xlsx 文件"]),
    (hb.xlsx_named_xls, ["可能是改了扩展名的 .xlsx 或 .ods 文件"]),
    (hb.empty, ["文件为空"]),
    (hb.not_a_workbook, ["report.xlsx", "不是工作簿"]),
    (hb.zip_bomb, ["疑似压缩炸弹"]),
    (hb.sparse_600_mb, ["文件过大（600.0 MB）"]),
    (hb.macro, ["含有宏"]),
]


@pytest.mark.parametrize("maker, expected", CASES, ids=[m.__name__ for m, _ in CASES])
def test_a_hostile_workbook_is_refused_and_changes_nothing(site, capsys, maker, expected):
    raw, db, folder = site
    path = maker(db, folder)
    files, rows = snapshot(raw, db)
    code, said = ingest(capsys, raw, db, path)

    assert code == 1, said
    assert f"文件“{path.name}”" in said and f"“{path.name}”未载入" in said
    for part in expected:
        assert part in said, said
    assert not ENGLISH_EXCEPTION.search(said), said
    # Nothing changed but the audit line of the refusal.
    files_after, rows_after = snapshot(raw, db)
    assert {k: v for k, v in files_after.items() if k != AUDIT_LOG} == {k: v for k, v in files.items() if k != AUDIT_LOG}
    assert {t: r for t, r in rows_after.items() if t != "audit"} == {t: r for t, r in rows.items() if t != "audit"}
    assert len(rows_after["audit"]) == len(rows["audit"]) + 1
    new = [r for r in rows_after["audit"] if r not in rows["audit"]]
    assert [(r[1], r[4]) for r in new] == [("refusal", path.name)]
    events = read_events(raw)
    assert list(events.iloc[-1][["event", "file_name"]]) == ["refusal", path.name]
    assert len(events) == len(rows["audit"]) + 1


def test_a_large_file_is_refused_before_it_is_read(with_data, tmp_path):
    """600 MB on disk: the command refuses it from its size, without reading it into memory."""
    raw, db = copy_warehouse(*with_data, tmp_path / "site")
    path = hb.sparse_600_mb(db, tmp_path)
    # VmHWM: the command's own peak (a child's rusage would count the test process it was forked from)
    script = ("import sys\nfrom pipelines.__main__ import main\ncode = main(sys.argv[1:])\n"
              "print(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')), file=sys.stderr)\nsys.exit(code)")
    done = subprocess.run([sys.executable, "-c", script, "ingest", str(path), "--raw", str(raw), "--db", str(db)],
                          cwd=config.ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(config.ROOT)})
    assert done.returncode == 1
    assert "文件过大（600.0 MB）" in done.stderr
    peak_kb = int(re.search(r"VmHWM:\s+(\d+) kB", done.stderr).group(1))
    assert peak_kb < 300 * 1024, f"peak {peak_kb / 1024:.0f} MB"  # the interpreter and its libraries: about 180 MB


# Odd but good: loaded, and loaded right.


def latest(db, code, year=2025):
    """The value the latest loaded workbook gave (read as loaded: whether a reviewer has approved it is not the
    question here)."""
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("select value from observations where indicator_code = ? and year = ? "
                           "order by submission_id desc limit 1", [code, year]).fetchall()
    return rows[0][0] if rows else None


def test_a_stale_sheet_dimension_is_not_trusted(site, capsys):
    """Some tools leave <dimension ref="A1:G7"/> when rows are added: every filled row is still read."""
    raw, db, folder = site
    values = {"KG_ENROLLED": 10100, "SE_ENROLLED": 478, "SA_BANNER_SAFE": 40, "HS_GER": 95.9}
    base = filled(db, folder / "base.xlsx", values=values)
    path = hb.patched(base, folder / "stale.xlsx", hb.VALUES_SHEET,
                      lambda xml: re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:G7"/>', xml))
    code, said = ingest(capsys, raw, db, path)
    assert code == 0, said
    assert "数值 4 个" in said
    assert {c: latest(db, c) for c in values} == values


def test_a_long_chinese_file_name_is_archived_cut_by_bytes(site, capsys):
    raw, db, folder = site
    # 87 characters, 251 bytes, a name the file system takes; the archive adds its time and fingerprint.
    name = "敖汉旗教育局" + "关于报送二〇二五年度教育高质量发展监测指标数据的函" * 3 + "附.xlsx"
    assert len(name) >= 75 and 240 < len(name.encode()) <= 255
    path = filled(db, folder / "short.xlsx", values={"KG_ENROLLED": 10100})
    path = path.rename(folder / name)
    code, said = ingest(capsys, raw, db, path)
    assert code == 0, said
    entry = read_log(raw)[-1]
    archived = raw / config.SUBMISSIONS_DIR / entry["path"]
    assert entry["file_name"] == name and archived.exists()
    assert len(archived.name.encode()) <= 255 - len(".partial") and archived.name.endswith(".xlsx")


@pytest.fixture(scope="module")
def saved_by_libreoffice(empty_base, tmp_path_factory):
    """One filled workbook, its rates typed as Excel keeps them (0.645 shown as 64.5%), saved again by
    LibreOffice as .xls and as .ods."""
    folder = tmp_path_factory.mktemp("libreoffice")
    db = empty_base[1]

    def percents(wb):
        sheet = wb[config.SHEET_VALUES]
        for code, value in (("KG_PUBLIC_RATE", 0.645), ("HS_GER", 0.959)):
            cell = sheet.cell(row_of(wb, code), 5)
            cell.value, cell.number_format = value, "0.0%"

    source = filled(db, folder / "旗教育局_2025.xlsx", values={"KG_ENROLLED": 10100, "VE_LAND": 63}, edit=percents)
    for kind in ("xls", "ods"):
        subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{folder}/profile", "--convert-to", kind,
                        "--outdir", str(folder), str(source)], check=True, capture_output=True, timeout=120)
    return {kind: folder / f"旗教育局_2025.{kind}" for kind in ("xlsx", "xls", "ods")}


@pytest.mark.parametrize("kind", ["xlsx", "xls", "ods"])
def test_percent_cells_are_read_in_every_file_type(site, capsys, saved_by_libreoffice, kind, tmp_path):
    raw, db, _ = site
    code, said = ingest(capsys, raw, db, saved_by_libreoffice[kind])
    assert code == 0, said
    assert latest(db, "KG_PUBLIC_RATE") == pytest.approx(64.5)
    assert latest(db, "HS_GER") == pytest.approx(95.9)
    assert latest(db, "KG_ENROLLED") == 10100 and latest(db, "VE_LAND") == 63
    assert_rebuild_equals(raw, db, tmp_path)  # the archived .xls/.ods replays to the same values

