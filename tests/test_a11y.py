"""The HTML in a real browser: axe-core in headless Chromium (Selenium), at desktop and phone widths,
on the default briefing and every edition of editions/editions.yaml; and what a phone reader needs:
tables as stacked, labelled rows, no text under 12 px, every chart opening full size on a tap.

Needs Debian's chromium and chromium-driver (.ci/run installs them; `make look` checks them)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

WIDTHS = (1280, 390)
BLOCKING = {"serious", "critical"}


def _chromium() -> tuple[str, str] | None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    driver = shutil.which("chromedriver") or ("/usr/bin/chromedriver" if Path("/usr/bin/chromedriver").exists() else None)
    return (browser, driver) if browser and driver else None


@pytest.fixture(scope="module")
def browser():
    found = _chromium()
    if not found:
        # never skipped: a machine without the browser fails here with what to install (make check-look names it too)
        pytest.fail("headless Chromium is missing: apt-get install chromium chromium-driver (Debian; .ci/run does it)")
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = found[0]
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(found[1]), options=options)
    yield driver
    driver.quit()


def open_at(driver, html: Path, width: int) -> None:
    driver.set_window_size(width, 900)
    driver.get(html.as_uri())
    # the viewport, not the window: the window has a frame around it in some builds
    inner = driver.execute_script("return window.innerWidth")
    if inner != width:
        driver.set_window_size(width + (width - inner), 900)
        driver.get(html.as_uri())


def axe_violations(driver) -> list[dict]:
    from axe_selenium_python import Axe

    axe = Axe(driver)
    axe.inject()
    result = axe.run()
    return [v for v in result["violations"] if v.get("impact") in BLOCKING]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])} elements)")
        for node in v["nodes"][:3]:
            lines.append(f"    {node['target']}: {node.get('failureSummary', '').splitlines()[-1].strip()[:160]}")
    return "\n".join(lines)


SMALLEST_TEXT = """
const out = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  const node = walker.currentNode;
  if (!node.textContent.trim()) continue;
  const el = node.parentElement;
  if (!el.getClientRects().length) continue;
  const style = getComputedStyle(el);
  if (style.visibility === 'hidden' || style.display === 'none') continue;
  const size = parseFloat(style.fontSize);
  if (size < 12) out.push([size, node.textContent.trim().slice(0, 50), el.tagName + '.' + el.className]);
}
for (const el of document.querySelectorAll('td[data-label]')) {
  const before = getComputedStyle(el, '::before');
  if (before.content && before.content !== 'none' && el.getClientRects().length && parseFloat(before.fontSize) < 12)
    out.push([parseFloat(before.fontSize), el.dataset.label, 'td::before']);
}
return out;
"""


def _pages(editions: dict[str, Path], built: Path) -> list[tuple[str, Path]]:
    return [("default", built / "briefing.html")] + [(name, folder / "briefing.html") for name, folder in sorted(editions.items())]


@pytest.fixture(scope="module")
def editions(layout_editions: dict[str, Path]) -> dict[str, Path]:
    return layout_editions  # built once per session (tests/layout_builds.py)


def test_axe_no_serious_or_critical_violation(browser, built: Path, editions: dict[str, Path]):
    failures = []
    for name, html in _pages(editions, built):
        for width in WIDTHS:
            open_at(browser, html, width)
            found = axe_violations(browser)
            if found:
                failures.append(f"{name} at {width} px:\n{describe(found)}")
    assert not failures, "\n" + "\n".join(failures)


def test_phone_width_text_tables_and_charts(browser, built: Path):
    html = built / "briefing.html"
    open_at(browser, html, 390)
    small = browser.execute_script(SMALLEST_TEXT)
    assert not small, f"text under 12 px at 390 px: {small[:10]}"
    # tables: stacked rows, each value labelled by its column header, nothing wider than the screen
    tables = browser.execute_script("""
      return [...document.querySelectorAll('table.data')].map(t => {
        const cells = [...t.querySelectorAll('tbody td')];
        return {display: getComputedStyle(t.querySelector('tbody tr') || t).display, width: t.getBoundingClientRect().width,
                labelled: cells.filter(c => c.dataset.label).length, cells: t.tHead ? cells.length : 0,
                caption: (t.caption ? t.caption.textContent : '').trim().slice(0, 40)};
      });""")
    assert tables
    viewport = browser.execute_script("return document.documentElement.clientWidth")
    for table in tables:
        assert table["display"] == "block", table
        assert table["width"] <= viewport, table
        assert table["labelled"] >= 0.8 * table["cells"], table
    assert browser.execute_script("return document.documentElement.scrollWidth") <= viewport + 1
    # every chart opens full size: a link around the image, to the chart's own file published beside the
    # HTML (figures/...svg), or to the image itself, which CSS then shows over the page
    charts = browser.find_elements("css selector", "figure.chart img")
    assert charts
    overlays = []
    for img in charts:
        link = img.find_element("xpath", "..")
        assert link.tag_name == "a", img.get_attribute("alt")
        href = link.get_attribute("href")
        if href.endswith("#" + (link.get_attribute("id") or "-")):
            overlays.append(img)
        else:
            assert href.startswith("file://") and Path(href[len("file://"):].split("#")[0]).is_file(), href
    if overlays:
        browser.execute_script("arguments[0].scrollIntoView()", overlays[0])
        overlays[0].click()
        opened = browser.execute_script("""
          const img = document.querySelector(':target img');
          return img && {width: img.getBoundingClientRect().width, position: getComputedStyle(img.parentElement).position};""")
        assert opened and opened["position"] == "fixed" and opened["width"] >= 900, opened


def test_desktop_width_links_to_the_pdf(browser, built: Path):
    open_at(browser, built / "briefing.html", 1280)
    link = browser.find_element("css selector", 'a[href="briefing.pdf"]')
    assert link.is_displayed()
