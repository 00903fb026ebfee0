"""上传本单位统计报表 in a real browser: an export uploaded, its mapping confirmed, checked and loaded."""

import re

import pytest

from tests import office_exports as ox
from tests.browser_support import (
    EXPORT_UPLOAD,
    chromium,
    copy_site,
    open_page,
    open_upload_signed_in,
    shoot,
    streamlit_server,
)
from tests.conftest import PASSWORDS

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(demo_base, accounts_file, tmp_path_factory):
    base = tmp_path_factory.mktemp("import_site")
    raw, db, accounts = copy_site(demo_base, accounts_file, base)
    with streamlit_server(db, raw, log=base / "streamlit.log", accounts=accounts) as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
        open_page(page, f"{url}/upload", "数据填报", charts=False)
        yield url, page, db
        page.close()


def test_an_export_is_uploaded_mapped_checked_and_loaded(site, tmp_path):
    url, page, db = site
    export = ox.kindergarten_table(tmp_path / "学前教育基本情况.xlsx")
    open_upload_signed_in(page, url, "edu", PASSWORDS["edu"])
    page.get_by_role("tab", name="上传本单位统计报表").click()
    page.locator(EXPORT_UPLOAD).set_input_files(str(export.path))
    page.get_by_text("第一次导入这种版式").wait_for(timeout=30_000)
    page.get_by_text("统计汇总表：工作表“学前教育”").wait_for(timeout=30_000)
    shoot(page, "10_import_proposed")
    page.get_by_role("button", name="确认对应关系").click()
    page.get_by_text("检查通过").first.wait_for(timeout=30_000)
    page.get_by_role("button", name=re.compile("^确认载入$")).click()
    page.get_by_text(re.compile("已载入“旗教育局_2025年度监测填报_由统计报表导入.xlsx”")).first.wait_for(timeout=30_000)
    shoot(page, "11_import_loaded")
