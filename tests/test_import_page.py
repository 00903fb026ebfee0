"""数据填报 → 上传本单位统计报表, and 指标 saying which file, sheet and cell a value came from (AppTest)."""

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from tests import office_exports as ox
from tests.books import approve_all
from tests.test_app import APP, navigation_only, sign_in  # noqa: F401 (navigation_only: a fixture used here)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def page(wh, accounts, monkeypatch):
    raw, db = wh
    monkeypatch.setenv("MONITOR_DB", str(db))
    monkeypatch.setenv("MONITOR_RAW", str(raw))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/upload.py").run()
    sign_in(at, "edu")
    assert not at.exception, at.exception
    return at


def button(at, label: str):
    return next(b for b in at.button if b.label == label)


def upload(at, *files):
    at.file_uploader(key="import_files").set_value([(p.name, p.read_bytes(), XLSX) for p in files]).run()
    assert not at.exception, at.exception


def q(db, sql):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_an_export_is_mapped_checked_and_loaded_on_the_page(page, wh, tmp_path):
    raw, db = wh
    export = ox.kindergarten_table(tmp_path / "学前.xlsx")
    upload(page, export.path)
    assert any("第一次导入这种版式" in w.value for w in page.warning)
    assert any("统计汇总表：工作表“学前教育”" in m.value for m in page.markdown)
    editor = next(d for d in page.dataframe if "来源" in d.value.columns)
    shown = editor.value.set_index("字段代码")
    assert shown.loc["KG_PUBLIC_ENROLLED", "读出的值"] == str(export.expected["KG_PUBLIC_ENROLLED"])
    button(page, "确认对应关系").click().run()
    assert not page.exception, page.exception
    assert any("检查通过" in s.value for s in page.success)
    assert q(db, "select count(*) from submissions") == [(0,)]  # nothing loaded before 确认载入
    button(page, "确认载入").click().run()
    assert not page.exception, page.exception
    assert dict(q(db, "select indicator_code, value from observations")) == {
        c: float(v) for c, v in export.expected.items()}
    assert q(db, "select account from submissions") == [("edu",)]
    assert len(list((raw / "mappings" / "旗教育局").rglob("*.csv"))) == 1  # confirmed once, saved for the layout
    assert any("待审核" in s.value for s in page.success)


def test_a_saved_mapping_is_used_by_itself_and_said(page, wh, tmp_path):
    export = ox.county_summary(tmp_path / "2025.xlsx")
    upload(page, export.path)
    button(page, "确认对应关系").click().run()
    button(page, "确认载入").click().run()
    page.selectbox(key="upload_year").set_value(2026).run()
    upload(page, ox.county_summary(tmp_path / "2026.xlsx", year=2026, scale=1.02).path)
    assert any("导入时确认的对应关系读取" in i.value for i in page.info)


def test_an_export_of_another_year_is_refused_on_the_page(page, tmp_path):
    upload(page, ox.county_summary(tmp_path / "2026.xlsx", year=2026).path)  # the page's year is 2025
    assert any("统计报表未能读取" in e.value for e in page.error)
    said = next(t.value for t in page.table)
    assert said["原因"].str.contains("文件写的是2026年").any()


def test_an_unreadable_upload_is_said_in_chinese(page, tmp_path):
    (tmp_path / "坏.xlsx").write_bytes(b"not a workbook")
    upload(page, tmp_path / "坏.xlsx")
    assert any("统计报表未能读取" in e.value for e in page.error)
    assert not page.exception


def test_the_indicator_page_says_which_file_sheet_and_cell_a_value_came_from(page, wh, tmp_path):
    raw, db = wh
    export = ox.kindergarten_table(tmp_path / "学前.xlsx")
    upload(page, export.path)
    button(page, "确认对应关系").click().run()
    button(page, "确认载入").click().run()
    approve_all(raw, db)
    page.switch_page("pages/indicators.py").run()
    next(b for b in page.sidebar.selectbox if b.label == "评估年度").set_value(2025).run()
    page.selectbox(key="indicator_target").set_value("T10-5").run()  # 在园幼儿入公办园率, from its parts
    assert not page.exception, page.exception
    table = next(d.value for d in page.dataframe if "来源单元格" in d.value.columns)
    said = table["来源单元格"].iloc[-1]
    assert "公办幼儿园在园幼儿数：文件“学前.xlsx”，工作表“学前教育”，单元格 F6、F7、F8" in said
    assert "在园幼儿总数：文件“学前.xlsx”，工作表“学前教育”，单元格 F4" in said
    assert any("来源：" in m.value and "学前.xlsx" in m.value for m in page.markdown)


def test_the_indicator_page_says_where_a_structures_parts_came_from(page, wh, tmp_path):
    raw, db = wh
    export = ox.county_summary(tmp_path / "基本情况.xlsx")
    upload(page, export.path)
    button(page, "确认对应关系").click().run()
    button(page, "确认载入").click().run()
    approve_all(raw, db)
    page.switch_page("pages/indicators.py").run()
    next(b for b in page.sidebar.selectbox if b.label == "评估年度").set_value(2025).run()
    page.selectbox(key="indicator_target").set_value("T19-1").run()  # 职普比, from 中职 and 普通高中 在校生数
    assert not page.exception, page.exception
    said = " ".join(m.value for m in page.markdown)
    assert "**2025年**" in said and "中等职业学校在校生数：文件“基本情况.xlsx”" in said and "普通高中在校生数：" in said


def test_the_editor_says_why_a_proposal_needs_a_look_and_the_history_names_the_export(page, wh, tmp_path):
    export = ox.county_summary(tmp_path / "基本情况.xlsx")
    upload(page, export.path)
    editor = next(d for d in page.dataframe if "来源" in d.value.columns).value.set_index("字段代码")
    assert "口径不同" in editor.loc["JH_GRADUATES", "说明"] and editor.loc["JH_GRADUATES", "可信度"] == "0.80（请核对）"
    button(page, "确认对应关系").click().run()
    button(page, "确认载入").click().run()
    assert not page.exception, page.exception
    history = next(d.value for d in page.dataframe if "提交人" in d.value.columns)
    assert history["文件"].iloc[0] == "旗教育局_2025年度监测填报_由统计报表导入.xlsx（导入自“基本情况.xlsx”）"
