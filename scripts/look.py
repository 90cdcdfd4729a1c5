"""`make look`: what a person looks at before a release, in build/look/: the PDF's pages as PNG
(pdftoppm) and the HTML in headless Chromium at 1280 and 390 px (full-page screenshots)."""

from __future__ import annotations

import base64
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    report = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "report"
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "build" / "look"
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(report / "briefing.pdf"), str(out / "page")], check=True)
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = shutil.which("chromium") or shutil.which("chromium-browser") or ""
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
    try:
        for width in (1280, 390):
            driver.set_window_size(width, 900)
            driver.get((report / "briefing.html").resolve().as_uri())
            height = driver.execute_script("return document.documentElement.scrollHeight")
            shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
                "format": "png", "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
            (out / f"html-{width}.png").write_bytes(base64.b64decode(shot["data"]))
    finally:
        driver.quit()
    pages = sorted(out.glob("page-*.png"))
    print(f"{out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}: {len(pages)} PDF pages (page-NN.png), html-1280.png, html-390.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
