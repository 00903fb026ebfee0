"""指标, 责任单位 and 验收准备 on a 390 × 844 phone (issue 21, item 7), in a real browser: nothing wider than the
screen, charts laid out for the width (horizontal year labels that do not touch, the legend under the chart, every
word inside it), 责任单位's matrix a table whose headings stay in view, a table's toolbar over no heading.
Screenshots are kept in artifacts/phone/ to look at."""

import shutil

import pytest

from pipelines.core import config
from tests.browser_support import chromium, open_page, streamlit_server

pytestmark = pytest.mark.browser
ARTIFACTS = config.ROOT / "artifacts" / "phone"
PHONE = {"width": 390, "height": 844}

CHARTS = """() => {
  // Each chart on show: its year labels horizontal and apart, its legend under the plot, every text inside it.
  const found = [];
  const plots = [...document.querySelectorAll('.js-plotly-plot')].filter(p => p.getBoundingClientRect().width > 0);
  for (const plot of plots) {
    const box = plot.querySelector('.main-svg').getBoundingClientRect();
    const ticks = [...plot.querySelectorAll('.xtick text')].map(t => ({t, r: t.getBoundingClientRect()}))
      .filter(x => x.r.width > 0);
    for (const {t} of ticks) {
      const turn = (t.getAttribute('transform') || '').match(/rotate\\(([-\\d.]+)/);
      if (turn && Math.abs(parseFloat(turn[1])) > 0.1) found.push('rotated: ' + t.textContent);
    }
    for (let i = 0; i < ticks.length; i++) for (let j = i + 1; j < ticks.length; j++) {
      const a = ticks[i].r, b = ticks[j].r;
      if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1)
        found.push('overlap: ' + ticks[i].t.textContent + ' / ' + ticks[j].t.textContent);
    }
    const legend = plot.querySelector('.legend');
    if (legend && legend.getBoundingClientRect().height > 0) {
      const bottom = Math.max(...[...plot.querySelectorAll('.xtick text, .xtitle, .x2title')]
        .map(t => t.getBoundingClientRect().bottom).filter(v => v > 0));
      if (legend.getBoundingClientRect().top < bottom - 1) found.push('legend above the axis: ' + legend.textContent.slice(0, 20));
      const l = legend.querySelector('.bg').getBoundingClientRect();
      for (const t of plot.querySelectorAll('.annotation-text')) {
        const r = t.getBoundingClientRect();
        if (r.width > 0 && r.left < l.right - 1 && l.left < r.right - 1 && r.top < l.bottom - 1 && l.top < r.bottom - 1)
          found.push('under the legend: ' + t.textContent.slice(0, 20));
      }
    }
    for (const t of plot.querySelectorAll('.annotation-text, .xtick text, .ytick text, .legendtext, .bartext, .textpoint text')) {
      const r = t.getBoundingClientRect();
      if (r.width === 0) continue;
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)
        found.push('outside: ' + t.textContent.slice(0, 20));
    }
  }
  // A table's grid (drawn on canvases) inside the table's box, whether or not the table has a set height: its last
  // rows never drawn over what follows.
  for (const table of document.querySelectorAll('[data-testid="stDataFrame"]')) {
    const bottoms = [...table.querySelectorAll('canvas')].map(c => c.getBoundingClientRect().bottom);
    if (bottoms.length && Math.max(...bottoms) > table.getBoundingClientRect().bottom + 1)
      found.push('table past its box: ' + table.textContent.slice(0, 20));
  }
  return {charts: plots.length, found, scroll: document.documentElement.scrollWidth - window.innerWidth};
}"""


@pytest.fixture(scope="module")
def phone(demo_base, tmp_path_factory):
    base = tmp_path_factory.mktemp("phone_site")
    raw, db = base / "raw", base / "warehouse.duckdb"
    shutil.copytree(demo_base[0], raw)
    shutil.copy(demo_base[1], db)
    with streamlit_server(db, raw, log=base / "streamlit.log") as url, chromium() as browser:
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
        yield url, context.new_page()
        context.close()


def laid_out(page, name: str) -> dict:
    """Every chart of the page drawn (a tall window), its findings, and a screenshot of the whole page."""
    page.set_viewport_size({"width": PHONE["width"], "height": 7000})
    page.wait_for_timeout(2500)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    found = page.evaluate(CHARTS)
    page.set_viewport_size(PHONE)
    return found


@pytest.mark.parametrize("target", ["T10-5", "T10-2", "T36-1", "T19-1", "T03-8", "T16-1"])
def test_the_indicator_page_on_a_phone(phone, target):
    url, page = phone
    open_page(page, f"{url}/indicators?target={target}", "指标")
    found = laid_out(page, f"indicator_{target}")
    assert found["charts"] == 1 and found["found"] == [] and found["scroll"] <= 0, found
    # The phone's layout is the one on show, the laptop's is not displayed.
    assert page.locator(".st-key-narrow_indicator .js-plotly-plot").is_visible()
    assert not page.locator(".st-key-wide_indicator").is_visible()
    # The four cards two a row, not one a screen.
    cards = [page.locator('[data-testid="stMetric"]').nth(i).bounding_box() for i in range(4)]
    assert abs(cards[0]["y"] - cards[1]["y"]) < 2 and cards[2]["y"] > cards[0]["y"] + cards[0]["height"] - 2


def test_the_year_labels_keep_the_target_year(phone):
    url, page = phone
    open_page(page, f"{url}/indicators?target=T10-5", "指标")
    page.set_viewport_size({"width": PHONE["width"], "height": 3000})
    page.wait_for_timeout(1500)
    ticks = page.locator(".st-key-narrow_indicator .xtick text").evaluate_all("ts => ts.map(t => t.textContent)")
    page.set_viewport_size(PHONE)
    assert ticks == ["2022", "2025目标年", "2028", "2030"]


def test_the_readiness_page_on_a_phone(phone):
    url, page = phone
    for scheme in ("优质均衡", "普及普惠"):
        open_page(page, f"{url}/readiness?scheme={scheme}", "验收准备")
        found = laid_out(page, f"readiness_{scheme}")
        assert found["charts"] >= 1 and found["found"] == [] and found["scroll"] <= 0, (scheme, found)
    open_page(page, f"{url}/readiness?scheme=优质均衡", "验收准备")
    page.set_viewport_size({"width": PHONE["width"], "height": 7000})
    page.wait_for_timeout(2000)
    chart = page.locator(".st-key-narrow_readiness_dispersion .js-plotly-plot")
    primary, secondary = (chart.locator(f".draglayer .{p} .nsewdrag").first.bounding_box() for p in ("xy", "x2y2"))
    page.set_viewport_size(PHONE)
    # 小学 above 初中, each the width of the phone: not two squeezed panels side by side.
    assert secondary["y"] > primary["y"] + primary["height"] and primary["width"] > 250 and secondary["width"] > 250


def test_the_units_page_on_a_phone(phone):
    url, page = phone
    open_page(page, f"{url}/units", "责任单位")
    found = laid_out(page, "units")
    assert found["found"] == [] and found["scroll"] <= 0, found
    assert not page.locator(".st-key-wide_matrix").is_visible()
    box = page.locator(".units-matrix")
    box.scroll_into_view_if_needed()
    frame = box.bounding_box()
    assert frame["width"] <= PHONE["width"]
    # Scrolled right and down inside its box, the units and the key tasks stay in view.
    box.evaluate("e => { e.scrollLeft = 600; e.scrollTop = 300; }")
    page.wait_for_timeout(300)
    unit = page.locator(".units-matrix tbody th").nth(12).bounding_box()
    heading = page.locator(".units-matrix thead th").nth(20).bounding_box()
    assert abs(unit["x"] - frame["x"]) < 3, (unit, frame)
    assert abs(heading["y"] - frame["y"]) < 3, (heading, frame)
    assert page.locator(".units-matrix td.lead").first.inner_text() == "牵"


def test_a_tables_toolbar_covers_no_heading(phone):
    url, page = phone
    open_page(page, f"{url}/units", "责任单位")
    table = page.locator('[data-testid="stDataFrame"]').first
    table.scroll_into_view_if_needed()
    table.tap()
    toolbar = page.locator('[data-testid="stElementToolbar"]').first
    toolbar.wait_for(timeout=10_000)
    bar = toolbar.bounding_box()
    covered = page.evaluate("""(bar) => [...document.querySelectorAll(
        '[data-testid="stHeading"], [data-testid="stMarkdownContainer"], [data-testid="stAlert"], [data-testid="stCaptionContainer"]')]
      .filter(e => { const r = e.getBoundingClientRect();
        return r.width > 0 && r.left < bar.x + bar.width && bar.x < r.right && r.top < bar.y + bar.height && bar.y < r.bottom; })
      .map(e => e.textContent.slice(0, 30))""", bar)
    assert covered == [], covered
