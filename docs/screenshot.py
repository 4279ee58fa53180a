"""Remake the README's screenshots: docs/report.png (the review page of the sample article,
two changes reviewed), docs/report-source.png (a page with the Chinese original, --source)
and docs/index.png (the index of a small batch with a failed file).

    python docs/screenshot.py     # needs playwright and Debian's chromium, like tests/end_to_end/test_browser.py;
                                  # a CJK font (apt-get install fonts-wqy-microhei) for the Chinese
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main() -> None:
    sample = sorted((ROOT / "seeds").glob("*.txt"))[0]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "reports"
        subprocess.run(
            [sys.executable, "-m", "pipeline.cli", "run", str(sample), "--out", str(out)], check=True, cwd=ROOT
        )
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1100, "height": 640})
            page.goto((out / f"{sample.stem}.html").as_uri())
            for key in ("j", "j", "u", "j", "a", "j"):  # keep one duplicate title, apply a glossary term
                page.keyboard.press(key)
            page.evaluate("window.scrollTo(0, document.querySelector('table.sbs').offsetTop - 175)")
            page.screenshot(path=str(ROOT / "docs" / "report.png"))
            source_page(page, Path(tmp))
            index_page(page, Path(tmp), sample)
            browser.close()
    for name in ("report.png", "report-source.png", "index.png"):
        print(f"docs/{name}: {(ROOT / 'docs' / name).stat().st_size // 1024} KB")


def source_page(page, tmp: Path) -> None:  # type: ignore[no-untyped-def]
    data = ROOT / "tests" / "data" / "parallel"
    folder = tmp / "pair"
    folder.mkdir()
    for name in ("rail.en.txt", "rail.zh.txt"):
        shutil.copy(data / name, folder / name)
    out = tmp / "pair-reports"
    subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "run", str(folder / "rail.en.txt"), "--out", str(out)],
        check=True,
        cwd=ROOT,
    )
    page.set_viewport_size({"width": 1300, "height": 700})
    page.goto((out / "rail.en.html").as_uri())
    page.keyboard.press("j")
    page.evaluate("window.scrollTo(0, document.querySelector('table.sbs').offsetTop - 230)")
    page.screenshot(path=str(ROOT / "docs" / "report-source.png"))


def index_page(page, tmp: Path, sample: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp / "batch"
    (folder / "asia").mkdir(parents=True)
    shutil.copy(sample, folder / "asia" / "summit.txt")
    (folder / "asia" / "short.txt").write_text(
        "China and Kazakhstan signed the good -neighborly treaty .\n", encoding="utf-8"
    )
    (folder / "clean.txt").write_text("China and Kazakhstan signed an agreement on Tuesday.\n", encoding="utf-8")
    (folder / "scan.txt").write_bytes(b"\x00\x01" * 400)
    out = tmp / "batch-reports"
    subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "run", str(folder), "--out", str(out)], cwd=ROOT
    )  # exits 3: one file fails
    page.set_viewport_size({"width": 1300, "height": 760})
    page.goto((out / "index.html").as_uri())
    page.screenshot(path=str(ROOT / "docs" / "index.png"))


if __name__ == "__main__":
    main()
