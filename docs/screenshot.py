"""Remake docs/report.png: the review page of the sample article, two changes reviewed.

    python docs/screenshot.py     # needs playwright and Debian's chromium, like tests/test_browser.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]


def main() -> None:
    sample = sorted((ROOT / "seeds").glob("*.txt"))[0]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "reports"
        subprocess.run([sys.executable, "-m", "pipeline.cli", "run", str(sample), "--out", str(out)], check=True, cwd=ROOT)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1100, "height": 640})
            page.goto((out / f"{sample.stem}.html").as_uri())
            for key in ("j", "j", "r", "j", "a", "j"):  # keep one duplicate title, accept a glossary term
                page.keyboard.press(key)
            page.evaluate("window.scrollTo(0, document.querySelector('table.sbs').offsetTop - 175)")
            page.screenshot(path=str(ROOT / "docs" / "report.png"))
            browser.close()
    print(f"docs/report.png: {(ROOT / 'docs' / 'report.png').stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
