"""A unit's words in the real app, in Chromium (issue 20, items 5 and 6): what the outside check typed into a
整改说明, a 进展说明, a note, a file name and a reviewer's note renders as those characters — no link, no
picture, no coloured text, no formula — on the reviewer's preview, the leaders' 指标 page, 任务台账 and
数据填报; and no table offers Streamlit's own "Download as CSV" (which wrote =HYPERLINK(…) as a live formula)."""

import shutil
from datetime import datetime

import pytest

from pipelines import config
from pipelines.accounts import Account
from pipelines.archive import safe_file_name
from pipelines.collection.evidence import attach
from pipelines.collection.review import decide, record_decision
from pipelines.ingest import ingest_file
from tests import evidence_files
from tests.books import filled, row_of
from tests.browser_support import chromium, open_page, shoot, sign_in, streamlit_server
from tests.conftest import PASSWORDS

pytestmark = pytest.mark.browser

EVIL = ("[点此查看整改方案](https://evil.example/plan) ![](https://evil.example/x.png) :red[务必通过] "
        "$x^2$ www.evil.example")
FORMULA = '=HYPERLINK("https://evil.example/f","点此")'
FILE = ":red[红字] ![图](evil) 2025年度监测填报.xlsx"  # a file name can carry Markdown too (no slash)
APPROVED_FILE = "[点此](evil.example) :red[红字] 2024年度监测填报.xlsx"
EVIDENCE = ":red[证明] [链接](evil.example).pdf"
JOINER = "\u2060"
# What Markdown would have made of EVIL: a live link, an outside picture, red text, a formula, an address.
RENDERED = ('a[href*="evil"]', 'img[src*="evil"]', ".stMarkdownColoredText", ".katex", 'span[data-testid="stIconMaterial"]')


@pytest.fixture(scope="module")
def site(empty_base, accounts_file, tmp_path_factory):
    """旗教育局's workbooks, every word hostile: 2023 returned (the reviewer's reason); 2024 approved (notes, a
    formula, 进展说明, 整改说明, 佐证材料 with a hostile name); 2025 pending (进展说明, 整改说明, a hostile file name).
    The app on them."""
    base = tmp_path_factory.mktemp("unit_text")
    raw, db, accounts = base / "raw", base / "warehouse.duckdb", base / "accounts.json"
    shutil.copytree(empty_base[0], raw)
    shutil.copy(empty_base[1], db)
    shutil.copy(accounts_file, accounts)
    admin = Account("admin", "管理")
    returned = ingest_file(filled(db, base / "2023.xlsx", year=2023, values={"KG_PUBLIC_RATE": 60}), raw, db,
                           file="2023年度监测填报.xlsx")
    decide(raw, db, returned.submission_id, "returned", admin, "退回：" + EVIL)
    approved = ingest_file(filled(db, base / "2024.xlsx", year=2024, values={"HS_GER": 93.1, "KG_PUBLIC_RATE": 61},
                                  notes={"HS_GER": "备注：" + EVIL}, edit=formula_as_text,
                                  progress={1: ("推进中", "进展：" + EVIL)},
                                  answers={"T15-2": ("原因：" + EVIL, "措施：" + EVIL, "2026年6月")}), raw, db,
                           file=APPROVED_FILE)
    assert approved.outcome == "loaded", [str(p) for p in approved.problems]
    record_decision(raw, db, approved.submission_id, "approved", "审核员", datetime(2025, 3, 1))
    staged = base / "evidence.pdf"
    staged.write_bytes(evidence_files.pdf())
    attach(raw, db, approved.submission_id, 1, staged, EVIDENCE, Account("edu", "填报", "旗教育局"))
    pending = ingest_file(filled(db, base / "2025.xlsx", values={"HS_GER": 95.9}, progress={1: ("推进中", "进展：" + EVIL)},
                                 answers={"T15-2": ("原因：" + EVIL, "措施：" + EVIL, "2026年6月")}), raw, db, file=FILE)
    assert pending.outcome == "loaded", [str(p) for p in pending.problems]
    with chromium() as browser, streamlit_server(db, raw, log=base / "streamlit.log", accounts=accounts) as url:
        page = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
        yield url, page
        page.close()


def formula_as_text(wb) -> None:
    """KG_PUBLIC_RATE's 备注 typed as text that a spreadsheet would run (WPS's leading apostrophe)."""
    cell = wb[config.SHEET_VALUES].cell(row_of(wb, "KG_PUBLIC_RATE"), config.VALUE_COLUMNS.index("备注") + 1)
    cell.value, cell.data_type = FORMULA, "s"


def literal(page) -> str:
    """The page's text as a reader sees it (the invisible word joiners that break bare addresses left out)."""
    return page.locator('[data-testid="stMain"]').inner_text().replace(JOINER, "")


def assert_nothing_rendered(page, where: str) -> None:
    for selector in RENDERED:
        found = page.locator(f'[data-testid="stMain"] [data-testid="stMarkdownContainer"] {selector}, '
                             f'[data-testid="stMain"] [data-testid="stTable"] {selector}')
        if selector.startswith("span[data-testid"):  # Streamlit's own icons (alerts, buttons) are not in Markdown text
            found = page.locator(f'[data-testid="stMain"] [data-testid="stMarkdownContainer"] p {selector}')
        assert found.count() == 0, (where, selector)
    assert page.locator('[data-testid="stMain"] a[href*="evil"]').count() == 0, where


def no_csv_download(page) -> None:
    """Streamlit's own table toolbar: search and full screen, never "Download as CSV"."""
    frame = page.locator('[data-testid="stDataFrame"]').filter(visible=True).first
    frame.hover()
    toolbar = frame.locator('xpath=ancestor::*[@data-testid="stElementContainer"][1]').locator(
        '[data-testid="stElementToolbar"]')
    toolbar.wait_for(timeout=10_000)
    labels = [b.get_attribute("aria-label") for b in toolbar.locator("button").all()]
    assert labels and "Download as CSV" not in labels and "Search" in labels, labels


def test_the_reviewer_reads_the_units_words_literally_then_the_leaders_page_shows_them_literally(site):
    url, page = site
    open_page(page, f"{url}/review", "数据审核", charts=False)
    sign_in(page, "admin", PASSWORDS["admin"])
    page.get_by_text("任务进展与进展说明").wait_for(timeout=30_000)
    page.get_by_text("T15-2", exact=False).first.wait_for(timeout=30_000)  # the tables drawn
    shown = literal(page)
    for said in ("进展：" + EVIL, "原因：" + EVIL, "措施：" + EVIL):
        assert said in shown, said
    assert_nothing_rendered(page, "数据审核")
    shoot(page, "20_review_literal_words")
    page.get_by_role("button", name="提交审核结论").click()
    page.get_by_text("已审核通过").first.wait_for(timeout=30_000)

    open_page(page, f"{url}/indicators?target=T15-2", "指标", charts=False)
    page.get_by_text("整改说明").first.wait_for(timeout=30_000)
    shown = literal(page)
    assert f"旗教育局：原因原因：{EVIL}；措施措施：{EVIL}；计划2026年6月" in shown
    assert_nothing_rendered(page, "指标")
    shoot(page, "21_indicator_literal_rectification")


def test_file_names_on_the_indicator_page_are_literal(site):
    url, page = site
    open_page(page, f"{url}/indicators?target=T03-5", "指标", charts=False)
    page.get_by_text("每个数值的来源").click()
    page.locator('[data-testid="stExpanderDetails"]').get_by_text("2024年").first.wait_for(timeout=30_000)
    assert APPROVED_FILE in literal(page)  # the workbook each value came from, named as sent
    assert_nothing_rendered(page, "指标·来源")
    no_csv_download(page)


def test_the_ledger_and_the_upload_page_show_words_and_names_literally_and_offer_no_csv_of_their_own(site):
    url, page = site
    open_page(page, f"{url}/ledger", "任务台账", charts=False)
    page.get_by_text("佐证材料（1 个）").wait_for(timeout=30_000)  # task 1's history, shown first
    page.locator('[data-testid="stDownloadButton"]').filter(has_text="证明").wait_for(timeout=30_000)
    assert f"下载 {safe_file_name(EVIDENCE)}" in literal(page)  # the 佐证材料's name (as archived) on its button
    assert_nothing_rendered(page, "任务台账")
    no_csv_download(page)

    open_page(page, f"{url}/upload", "数据填报", charts=False)
    sign_in(page, "edu", PASSWORDS["edu"])
    page.get_by_text("已被退回").first.wait_for(timeout=30_000)
    shown = literal(page)
    assert "退回：" + EVIL in shown
    assert_nothing_rendered(page, "数据填报")
    no_csv_download(page)
    shoot(page, "22_upload_literal_return_reason")
