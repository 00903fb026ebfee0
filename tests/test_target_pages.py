"""Issue 19 on the pages: both texts and the ruling (指标, 任务台账, 数据质量), the 管理 account's ruling form, the
interpretation lines, the typed targets and the body's deadlines."""

import shutil

import pytest
from streamlit.testing.v1 import AppTest

from pipelines.archive import read_log
from tests.books import filled, ingest_approved
from tests.test_app import APP, navigation_only, sign_in  # noqa: F401 (navigation_only is an autouse fixture)

BOTH = "尚未裁定，暂以附件为准"


@pytest.fixture(scope="module")
def pages_wh(empty_base, tmp_path_factory):
    """T65-1's share (40% in 2022, 51.2% in 2025) and a project's stage."""
    base = tmp_path_factory.mktemp("pages19")
    raw, db = base / "raw", base / "warehouse.duckdb"
    shutil.copytree(empty_base[0], raw)
    shutil.copy(empty_base[1], db)
    books = [("旗委宣传部", 2022, {"CU_GREEN_WARM_SHARE": 40}), ("旗委宣传部", 2025, {"CU_GREEN_WARM_SHARE": 51.2}),
             ("旗教育局", 2024, {"FAC_MS4": "在建"})]
    for i, (unit, year, values) in enumerate(books):
        assert ingest_approved(filled(db, base / f"{i}.xlsx", unit=unit, year=year, values=values), raw, db).outcome == "loaded"
    return raw, db


@pytest.fixture
def page(pages_wh, accounts, monkeypatch, tmp_path):
    raw, db = tmp_path / "raw", tmp_path / "w.duckdb"
    shutil.copytree(pages_wh[0], raw)
    shutil.copy(pages_wh[1], db)
    monkeypatch.setenv("MONITOR_DB", str(db))
    monkeypatch.setenv("MONITOR_RAW", str(raw))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.sidebar.selectbox(key="as_of").set_value(2025).run()
    return at, raw


def indicator(at, target_id: str):
    at.switch_page("pages/indicators.py").run()
    at.selectbox(key="indicator_target").set_value(target_id).run()
    assert not at.exception, at.exception
    return at


def test_the_indicator_page_shows_both_texts_and_the_ruling(page):
    at, _ = page
    indicator(at, "T65-1")
    assert {m.label: m.value for m in at.metric}["状态（按附件）"] == "逾期未达成"
    table = next(df.value for df in at.dataframe if "按此文本的状态" in df.value.columns).set_index("文本")
    assert table.loc["附件", ["目标值", "按此文本的状态", "差距", "计入"]].tolist() == ["60%以上", "逾期未达成", "8.8个百分点", "✔ 现行"]
    assert table.loc["正文", ["目标值", "按此文本的状态", "计入"]].tolist() == ["50%以上", "已达成", ""]
    assert table.loc["正文", "原文"] == "列入市级绿色校园、温馨校园达到50%以上"
    assert any(BOTH in w.value for w in at.warning)
    assert any("裁定由管理账号在此记录" in c.value for c in at.caption)  # no form without a 管理 account
    assert not [f for f in at.get("form") if "ruling" in str(f.proto.form_id)]


def test_a_managing_account_records_a_ruling_on_the_page(page):
    at, raw = page
    at.switch_page("pages/upload.py").run()
    sign_in(at, "edu")
    indicator(at, "T65-1")
    assert any("不是管理账号" in c.value for c in at.caption)  # a 填报 account sees no form
    at.sidebar.button(key="sign_out").click().run()
    at.switch_page("pages/upload.py").run()
    sign_in(at, "admin")
    indicator(at, "T65-1")
    at.radio(key="ruling_text").set_value("正文（50%以上）")
    at.button(key="FormSubmitter:ruling_T65-1-记录裁定").click().run()
    assert any("须写明理由" in e.value for e in at.error)  # a reason is required
    at.radio(key="ruling_text").set_value("正文（50%以上）")
    at.text_input(key="ruling_reason").input("2026年11月领导小组会议纪要")
    at.button(key="FormSubmitter:ruling_T65-1-记录裁定").click().run()
    assert not at.exception, at.exception
    assert {m.label: m.value for m in at.metric}["状态（按正文）"] == "已达成"
    assert any("已裁定以正文为准（admin，" in s.value and "2026年11月领导小组会议纪要" in s.value for s in at.success)
    assert [e["by"] for e in read_log(raw) if e.get("event") == "ruling"] == ["admin"]


def test_the_ledger_and_the_quality_page_show_both_statuses(page):
    at, _ = page
    at.switch_page("pages/ledger.py").run()
    ledger = at.dataframe[0].value.set_index("编号")
    assert BOTH in ledger.loc[65, "量化目标"] and "按正文（50%以上）：已达成" in ledger.loc[65, "量化目标"]
    assert "新惠第四中学建设项目进度：按期可达" in ledger.loc[88, "量化目标"]  # a project judged like the rest (在建 in 2024)
    assert "T88-2" not in ledger.loc[88, "量化目标"]  # by name, not by code (issue 21)
    assert ledger.loc[45, "完成时限"] == "长期坚持；正文：2025-08-31前完成"
    assert ledger.loc[45, "逾期依据"] == "正文时限"
    at.switch_page("pages/quality.py").run()
    substantive = at.dataframe[0].value
    row = substantive[substantive["任务"] == 65].iloc[0]
    assert BOTH in row["按两份文件的状态与裁定"]
    assert set(substantive.loc[substantive["任务"].isin([45, 90, 91]), "方面"]) == {"完成时限"}


@pytest.mark.parametrize(("target", "words"), [
    ("T31-3", "一般不少于"), ("T31-4", "一般不少于3年"), ("T92-1", "积极推进"), ("T92-2", "积极推进"),
    ("T44-1", "2025年8月"), ("T19-1", "职普比按在校生数计算"), ("T89-1", "规划新建"), ("T34-2", "分年度补齐"),
])
def test_each_interpretation_is_a_line_under_its_target(page, target, words):
    at, _ = page
    indicator(at, target)
    assert any(i.value.startswith("**口径解读**") and words in i.value for i in at.info), target


def test_a_project_on_the_indicator_page(page):
    at, _ = page
    indicator(at, "T88-2")
    values = {m.label: m.value for m in at.metric}
    assert values["状态"] == "按期可达" and values["目标（2025年）"] == "竣工" and values["最新值（2024年）"] == "在建"
    assert values["差距"] == "未竣工"
    data = next(df.value for df in at.dataframe if "年度" in df.value.columns)
    assert data.iloc[0, 1] == "在建"
    assert at.get("plotly_chart")
