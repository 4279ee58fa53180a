"""The review page in a real browser: headless Chromium (Debian's), driven by Playwright.

Review two changes with the keyboard, save the decisions (the download is intercepted),
`tqa apply` them, and check the final text; and open an article made of HTML and script
tags to see that nothing in it runs. Skipped where Chromium or Playwright is missing,
except in CI (``CI`` set), where that is a failure: `.ci/run` installs both.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.report.json_report import DECISIONS_SCHEMA_FILE
from pipeline.review.decisions import decisions_from_report
from tests.support import TEST_DATA, tqa


class Watch:
    """A page with every dialog (alert, confirm, ...) and script error recorded."""

    def __init__(self, browser: object) -> None:
        self.context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))

    def focused(self) -> str:
        return self.page.evaluate("document.activeElement && document.activeElement.id")


@pytest.fixture()
def watch(browser: object) -> Iterator[Watch]:
    w = Watch(browser)
    yield w
    w.context.close()


def test_review_with_the_keyboard_then_apply(watch: Watch, tmp_path: Path, sample_path: Path) -> None:
    article = tmp_path / "in" / sample_path.name
    article.parent.mkdir()
    shutil.copy(sample_path, article)
    out = tmp_path / "reports"
    assert tqa("run", article, "--out", out).exit_code == 0
    stem = sample_path.stem
    payload = json.loads((out / f"{stem}.findings.json").read_text(encoding="utf-8"))
    first = payload["applied"][0]  # a duplicate title line, removed by the run
    assert first["check"] == "duplicate-line"
    suggestion = next(s for s in payload["suggestions"] if s["text"] == "video summit")

    page = watch.page
    page.goto((out / "index.html").as_uri())
    page.click(f'a[href="{stem}.html"]')  # the index links to the review page
    page.wait_for_load_state()
    assert page.url.endswith(f"{stem}.html")
    n_changes = len(payload["applied"]) + len(payload["suggestions"])
    assert page.locator("button.chip:not(.finding)").count() == n_changes  # every change has its chip
    assert page.locator("del[data-changes]").first.is_visible() and page.locator("ins[data-changes]").first.is_visible()
    assert (
        page.locator(f'.sugnew[data-changes="{suggestion["id"]}"]').inner_text() == "virtual summit"
    )  # shown in place
    assert page.locator("#toolbar").is_visible()

    page.keyboard.press("j")  # the first change
    assert watch.focused() == first["id"]
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"  # focus is visible
    assert "is-pending" in page.locator(f"#{first['id']}").get_attribute("class")  # nothing decided yet
    page.keyboard.press("u")  # undo the removal: the finding stays pending, the title stays
    assert "is-pending" in page.locator(f"#{first['id']}").get_attribute("class")
    assert "is-reject" in page.locator(f'del[data-changes~="{first["id"]}"]').first.get_attribute("class")
    assert (
        "[pending]" in page.locator("#current").inner_text() and "not applied" in page.locator("#current").inner_text()
    )
    for _ in range(page.locator("button.chip").count()):  # on to the suggestion, with j and the arrow key
        if watch.focused() == suggestion["id"]:
            break
        page.keyboard.press("ArrowDown" if _ % 2 else "j")
    assert watch.focused() == suggestion["id"]
    page.keyboard.press("k")
    page.keyboard.press("j")
    assert watch.focused() == suggestion["id"]
    page.keyboard.press("a")
    chip = page.locator(f"#{suggestion['id']}")
    assert "is-fixed" in chip.get_attribute("class") and "fixed" in chip.inner_text()  # the chip says the state
    assert "[fixed]" in page.locator("#current").inner_text()  # and so does the status line
    assert "is-accept" in page.locator(f'.sugnew[data-changes="{suggestion["id"]}"]').get_attribute("class")

    page.keyboard.press("?")
    assert page.locator("#help").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator("#help").is_visible()
    page.emulate_media(media="print")  # the print stylesheet drops the controls, keeps the decisions
    assert not page.locator("#toolbar").is_visible() and page.locator(f"#{suggestion['id']}").is_visible()
    page.emulate_media(media="screen")

    page.reload()  # decisions survive a reload (kept in the browser until saved)
    assert "Restored 2 decision(s)" in page.locator("#current").inner_text()
    assert "is-fixed" in page.locator(f"#{suggestion['id']}").get_attribute("class")
    assert "is-reject" in page.locator(f'del[data-changes~="{first["id"]}"]').first.get_attribute("class")
    page.locator(f"#{suggestion['id']}").focus()
    page.locator(f"#{suggestion['id']}").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "report.png"))  # look at it: tmp_path/report.png
    with page.expect_download() as info:
        page.keyboard.press("s")
    download = info.value
    assert download.suggested_filename == f"{stem}.decisions.json"
    saved = tmp_path / "downloads" / download.suggested_filename
    download.save_as(saved)

    decisions = json.loads(saved.read_text(encoding="utf-8"))
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(
        decisions, json.loads(DECISIONS_SCHEMA_FILE.read_text(encoding="utf-8")), cls=jsonschema.Draft202012Validator
    )
    wanted = decisions_from_report(payload, {first["id"]: "undo", suggestion["id"]: "apply"})
    assert decisions["items"] == wanted["items"] and decisions["input"] == wanted["input"]

    result = tqa("apply", saved)
    assert result.exit_code == 0, result.output
    final = (saved.parent / f"{stem}.final.txt").read_text(encoding="utf-8")
    title = first["text"].strip()
    assert final.count(title) == 2  # the undone removal: that copy of the title stays
    assert "virtual summit" in final and "video summit" not in final  # the applied suggestion
    assert "Five-King" in final  # the other applied changes are kept
    assert not watch.dialogs and not watch.errors
    assert all(url.startswith(("file:", "blob:", "data:")) for url in watch.requests)  # no network


HOSTILE = (
    "<script>window.__pwned = 1; alert('title')</script> \u202eTitle\n\n"
    "<script>window.__pwned = 1; alert('title')</script> \u202eTitle\n\n"
    'A sub -natural <img src=x onerror="window.__pwned=2;alert(2)"> line </textarea></script><script>window.__pwned=3</script>.\n\n'
    'Templates {{ 7*7 }} {% raw %} ${7*7} <svg onload=alert(4)></svg> <a href="javascript:alert(5)">x</a> and the good -neighborly &amp; &lt;b&gt; '
    '\u202eRTL override\u202c \u200f mark <!-- comment --> <iframe srcdoc="<script>parent.__pwned=6</script>"></iframe>.\n'
)


def test_j_visits_every_finding_and_change_in_text_order(
    watch: Watch, tmp_path: Path, sample_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv(
        "TQA_MODELS_DIR", str(tmp_path / "no-models")
    )  # no model: the untranslated passage has no change
    out = tmp_path / "reports"
    assert tqa("run", sample_path, "--out", out, "-j", "1").exit_code == 0
    payload = json.loads((out / f"{sample_path.stem}.findings.json").read_text(encoding="utf-8"))
    page = watch.page
    page.goto((out / f"{sample_path.stem}.html").as_uri())
    data = page.evaluate("JSON.parse(document.getElementById('tqa-review').textContent)")
    items = sorted(data["items"], key=lambda c: (c["start"], c["end"]))
    changes = [c for c in data["items"] if c["kind"] != "finding"]
    marks = {f["number"]: f for f in data["items"] if f["kind"] == "finding"}
    # every finding of the report is on the page: behind a change, or marked itself
    for n, f in enumerate(payload["findings"], 1):
        behind = any(
            c["check"] == f["check"]
            and c["start"] < max(f["end"], f["start"] + 1)
            and f["start"] < max(c["end"], c["start"] + 1)
            or (c["start"], c["end"]) == (f["start"], f["end"])
            for c in changes
        )
        assert behind or n in marks, f
    untranslated = next(f for f in marks.values() if f["check"] == "untranslated")
    assert untranslated["id"] == payload["findings"][untranslated["number"] - 1]["id"]  # the report's stable id
    assert (
        untranslated["severity"] == "critical"
        and page.locator(f'mark.finding[data-changes~="{untranslated["dom"]}"]').count() >= 1
    )
    assert any(
        f["check"] == "repeated-phrase" and "Fate" in f["text"] for f in marks.values()
    )  # "the Fate of the Fate": no repair
    visited = []
    for _ in items:
        page.keyboard.press("j")
        visited.append(watch.focused())
    assert visited == [c["dom"] for c in items]
    page.locator(f"#{untranslated['dom']}").focus()
    status = page.locator("#current").inner_text()
    assert (
        f"#{untranslated['number']} [pending] id {untranslated['id']} · finding untranslated [critical]" in status
        and "in: «" in status
    )
    page.keyboard.press("d")  # a false alarm
    assert "is-dismissed" in page.locator(f"#{untranslated['dom']}").get_attribute("class")
    assert page.locator(f'#findings tr[data-id="{untranslated["id"]}"] td.state').inner_text() == "dismissed"
    with page.expect_download() as info:
        page.keyboard.press("s")
    saved = tmp_path / f"{sample_path.stem}.decisions.json"
    info.value.save_as(saved)
    decisions = json.loads(saved.read_text(encoding="utf-8"))
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(
        decisions, json.loads(DECISIONS_SCHEMA_FILE.read_text(encoding="utf-8")), cls=jsonschema.Draft202012Validator
    )
    assert tqa("apply", saved).exit_code == 0  # a dismissal changes nothing
    monkeypatch.chdir(tmp_path)
    accepted = tqa("accept", saved)  # the dismissed finding, and only it, goes to the ignore list
    assert accepted.exit_code == 0 and f"#{untranslated['number']} critical untranslated" in accepted.stdout
    assert "1 finding(s) added" in accepted.stdout and "pending finding(s) left out" in accepted.stdout
    assert not watch.errors


def test_an_article_of_html_and_script_runs_nothing(watch: Watch, tmp_path: Path) -> None:
    article = tmp_path / "in" / "<img src=x onerror=alert(7)>.txt"
    article.parent.mkdir()
    article.write_text(HOSTILE, encoding="utf-8")
    out = tmp_path / "reports"
    result = tqa("run", article, "--out", out)
    assert result.exit_code == 0, result.output
    page = watch.page
    page.goto((out / "index.html").as_uri())
    assert page.evaluate("typeof window.__pwned") == "undefined"
    page.locator("a", has_text="onerror").first.click()
    page.wait_for_load_state()
    page.keyboard.press("j")  # the duplicate title, override and all
    status = page.locator("#current").inner_text()
    assert "<script>window.__pwned = 1;" in status and "[U+202E]" in status and "\u202e" not in status
    for key in ("a", "j", "r", "j", "a", "?", "Escape"):
        page.keyboard.press(key)
    with page.expect_download() as info:
        page.keyboard.press("s")
    saved = tmp_path / "d.decisions.json"
    info.value.save_as(saved)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("iframe, img, svg, textarea, a[href^='javascript']").count() == 0
    body = page.locator("table.sbs").inner_text()
    assert "<script>window.__pwned = 1; alert('title')</script>" in body and "{{ 7*7 }}" in body and "&amp;" in body
    assert "U+202E" in body and "\u202e" not in body  # the override is shown, not obeyed
    assert not watch.dialogs, watch.dialogs
    assert not watch.errors, watch.errors
    assert tqa("apply", saved).exit_code == 0


def test_the_index_sorts_from_the_keyboard(watch: Watch, tmp_path: Path, sample_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(sample_path, folder / "b-long.txt")
    (folder / "a-short.txt").write_text("China and Kazakhstan signed the good -neighborly treaty.\n", encoding="utf-8")
    (folder / "c-mid.txt").write_text("A sub -natural line. " * 20 + "\n", encoding="utf-8")
    out = tmp_path / "reports"
    assert tqa("run", folder, "--out", out).exit_code == 0
    page = watch.page
    page.goto((out / "index.html").as_uri())
    assert page.locator("svg rect.bar").count() >= 1  # the chart of findings per check

    def names() -> list[str]:
        return [
            t.split(" ")[0].rsplit("/", 1)[-1]
            for t in page.locator("#articles tbody tr td:first-child").all_inner_texts()
        ]

    words = page.locator("th", has_text="Words")
    words.locator("button").focus()
    page.keyboard.press("Enter")
    assert words.get_attribute("aria-sort") == "ascending"
    assert names() == ["a-short.txt", "c-mid.txt", "b-long.txt"]
    page.keyboard.press("Space")
    assert words.get_attribute("aria-sort") == "descending"
    assert names() == ["b-long.txt", "c-mid.txt", "a-short.txt"]
    assert "Sorted by Words, descending" in page.locator("#sort-status").inner_text()
    assert not watch.errors


def test_the_index_puts_failures_and_the_worst_first_and_filters(
    watch: Watch, tmp_path: Path, sample_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("TQA_MODELS_DIR", str(tmp_path / "no-models"))
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(sample_path, folder / "b-long.txt")
    (folder / "a-short.txt").write_text("China and Kazakhstan signed the good -neighborly treaty.\n", encoding="utf-8")
    (folder / "c-binary.txt").write_bytes(b"\x00\x01" * 400)
    out = tmp_path / "reports"
    assert tqa("run", folder, "--out", out, "-j", "1").exit_code == 3
    page = watch.page
    page.goto((out / "index.html").as_uri())
    rows = page.locator("#articles tbody tr")
    first = rows.nth(0).inner_text()
    assert "c-binary.txt" in first and "error: looks binary" in first  # the failure, on top, with its error
    assert "c-binary.txt" in page.locator(".failures").inner_text()
    assert "b-long.txt" in rows.nth(1).inner_text()  # then the worst article
    assert "Retranslation skipped" in page.locator(".banner").first.inner_text()
    total = page.locator("#articles tfoot tr").inner_text()
    assert total.startswith("Total") and "2 of 3 ok" in total
    assert page.locator('a[href="b-long.cleaned.txt"]').count() == 1
    page.locator("#filter").fill("short")
    assert [r.is_visible() for r in rows.all()] == [False, False, True]
    assert "1 of 3 shown" in page.locator("#filter-status").inner_text()
    assert not watch.errors


def test_bulk_keys_apply_or_undo_one_checks_changes_and_never_dismiss(
    watch: Watch, tmp_path: Path, sample_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("TQA_MODELS_DIR", str(tmp_path / "no-models"))
    out = tmp_path / "reports"
    assert tqa("run", sample_path, "--out", out, "-j", "1").exit_code == 0
    payload = json.loads((out / f"{sample_path.stem}.findings.json").read_text(encoding="utf-8"))
    changes = payload["applied"] + payload["suggestions"]
    hyphens = sorted((c["id"] for c in changes if c["check"] == "hyphen-spacing"), key=lambda i: int(i[1:]))
    assert len(hyphens) > 5
    page = watch.page
    page.goto((out / f"{sample_path.stem}.html").as_uri())
    page.locator(f"#{hyphens[2]}").focus()
    page.keyboard.press("Shift+U")  # every hyphen-spacing repair undone at once
    assert all("is-reject" in page.locator(f'[data-changes~="{i}"]').first.get_attribute("class") for i in hyphens)
    assert all("is-pending" in page.locator(f"#{i}").get_attribute("class") for i in hyphens)  # undone is not dismissed
    assert f"Undid all {len(hyphens)} change(s) of hyphen-spacing" in page.locator("#current").inner_text()
    others = [c["id"] for c in payload["applied"] if c["check"] != "hyphen-spacing"]
    assert all(
        "is-accept" in page.locator(f'[data-changes~="{i}"]').first.get_attribute("class") for i in others
    )  # the rest untouched
    page.keyboard.press("Shift+A")
    assert all("is-fixed" in page.locator(f"#{i}").get_attribute("class") for i in hyphens)
    # on a finding with no change (the garbled "the Fate of the Fate"), Shift+A leaves it pending
    data = page.evaluate("JSON.parse(document.getElementById('tqa-review').textContent)")
    fate = next(f for f in data["items"] if f["kind"] == "finding" and f["check"] == "repeated-phrase")
    page.locator(f"#{fate['dom']}").focus()
    page.keyboard.press("Shift+A")
    repeated = [f for f in data["items"] if f["check"] == "repeated-phrase"]
    assert all(
        "is-pending" in page.locator(f"#{f['dom']}").get_attribute("class") for f in repeated if f["kind"] == "finding"
    )
    with page.expect_download() as info:
        page.keyboard.press("s")
    saved = tmp_path / f"{sample_path.stem}.decisions.json"
    info.value.save_as(saved)
    decisions = json.loads(saved.read_text(encoding="utf-8"))
    assert not [i for i in decisions["items"] if i["state"] == "dismissed"]
    monkeypatch.chdir(tmp_path)
    accepted = tqa("accept", saved)
    assert accepted.exit_code == 0 and "0 finding(s) added" in accepted.stdout  # nothing reaches the ignore list
    assert not watch.errors


def test_a_page_saved_untouched_adds_nothing_to_the_ignore_list(
    watch: Watch, tmp_path: Path, sample_path: Path, monkeypatch
) -> None:
    out = tmp_path / "reports"
    assert tqa("run", sample_path, "--out", out, "-j", "1").exit_code == 0
    page = watch.page
    page.goto((out / f"{sample_path.stem}.html").as_uri())
    assert page.locator("button.chip.is-pending").count() == page.locator("button.chip").count()  # all pending
    assert page.locator("button.chip", has_text="rejected").count() == 0
    with page.expect_download() as info:
        page.keyboard.press("s")
    saved = tmp_path / f"{sample_path.stem}.decisions.json"
    info.value.save_as(saved)
    monkeypatch.chdir(tmp_path)
    result = tqa("accept", saved, "--ignore-list", tmp_path / "ign.json")
    assert (
        result.exit_code == 0
        and "0 finding(s) added" in result.stdout
        and "pending finding(s) left out" in result.stdout
    )
    assert not (tmp_path / "ign.json").exists()
    assert tqa("apply", saved).exit_code == 0  # and the text is what the run made
    assert (tmp_path / f"{sample_path.stem}.final.txt").read_bytes() == (
        out / f"{sample_path.stem}.cleaned.txt"
    ).read_bytes()


def test_the_reviewers_own_text_and_comment(watch: Watch, tmp_path: Path, sample_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TQA_MODELS_DIR", str(tmp_path / "no-models"))  # no model: the Chinese passage has no fix
    out = tmp_path / "reports"
    assert tqa("run", sample_path, "--out", out, "-j", "1").exit_code == 0
    page = watch.page
    page.goto((out / f"{sample_path.stem}.html").as_uri())
    data = page.evaluate("JSON.parse(document.getElementById('tqa-review').textContent)")
    untranslated = next(f for f in data["items"] if f["kind"] == "finding" and f["check"] == "untranslated")
    page.locator(f"#{untranslated['dom']}").focus()
    page.keyboard.press("e")
    assert page.locator("#entry-text").is_visible()
    page.locator("#entry-text").fill("the reviewer's own translation")
    page.keyboard.press("Enter")
    chip = page.locator(f"#{untranslated['dom']}")
    assert "is-fixed" in chip.get_attribute("class")
    assert "the reviewer's own translation" in page.locator(".own-fix").first.inner_text()
    page.keyboard.press("c")
    page.locator("#entry-text").fill("checked against the source")
    page.keyboard.press("Enter")
    assert "comment: checked against the source" in page.locator("#current").inner_text()
    with page.expect_download() as info:
        page.keyboard.press("s")
    saved = tmp_path / f"{sample_path.stem}.decisions.json"
    info.value.save_as(saved)
    item = next(i for i in json.loads(saved.read_text(encoding="utf-8"))["items"] if i["id"] == untranslated["id"])
    assert (item["state"], item["fix"], item["comment"]) == (
        "fixed",
        "the reviewer's own translation",
        "checked against the source",
    )
    assert tqa("apply", saved).exit_code == 0
    final = (tmp_path / f"{sample_path.stem}.final.txt").read_text(encoding="utf-8")
    assert "the reviewer's own translation" in final and untranslated["text"] not in final
    assert not watch.errors


def test_filters_and_the_findings_table(watch: Watch, tmp_path: Path, sample_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TQA_MODELS_DIR", str(tmp_path / "no-models"))
    out = tmp_path / "reports"
    assert tqa("run", sample_path, "--out", out, "-j", "1").exit_code == 0
    page = watch.page
    page.goto((out / f"{sample_path.stem}.html").as_uri())
    assert page.locator("#to-index").get_attribute("href") == "index.html"
    data = page.evaluate("JSON.parse(document.getElementById('tqa-review').textContent)")
    critical = [
        c["dom"] for c in sorted(data["items"], key=lambda c: (c["start"], c["end"])) if c["severity"] == "critical"
    ]
    assert critical and len(critical) < len(data["items"])
    page.select_option("#filter-severity", "critical")
    visited = []
    for _ in range(len(critical) + 1):
        page.keyboard.press("j")
        visited.append(watch.focused())
    assert visited[: len(critical)] == critical and visited[-1] == critical[-1]  # j stays within the filter
    rows = page.locator("#findings tbody tr")
    assert all(r.get_attribute("data-severity") == "critical" for r in rows.all() if r.is_visible())
    assert "finding(s) shown" in page.locator("#findings-status").inner_text()
    page.select_option("#filter-severity", "")
    page.select_option("#filter-check", "repeated-phrase")
    assert {r.get_attribute("data-check") for r in rows.all() if r.is_visible()} == {"repeated-phrase"}
    row = next(r for r in rows.all() if r.is_visible() and r.get_attribute("data-item"))
    row.locator("td").nth(5).click()  # a row jumps to its item in the text
    assert watch.focused() == row.get_attribute("data-item")
    banner = page.locator(".notice").inner_text()
    assert "`" not in banner  # commands are shown as code, not in backticks
    assert not watch.errors


def test_the_source_column_shows_the_chinese_beside_its_english(watch: Watch, tmp_path: Path) -> None:
    data = TEST_DATA / "parallel"
    for name in ("rail.en.txt", "rail.zh.txt"):
        shutil.copy(data / name, tmp_path / name)
    out = tmp_path / "reports"
    assert tqa("run", tmp_path / "rail.en.txt", "--out", out, "-j", "1").exit_code == 0
    page = watch.page
    page.goto((out / "rail.en.html").as_uri())
    assert page.locator("table.sbs thead th").all_inner_texts() == ["Source (Chinese)", "Original", "Cleaned"]
    assert "rail.zh.txt" in page.locator(".source-file").inner_text()
    first = page.locator("table.sbs tbody tr").first
    assert first.locator("td.zh").inner_text().startswith("中老铁路开通运营两周年之际")
    assert first.locator("td").nth(1).inner_text().startswith("As the China-Laos Railway marks two years")
    omitted = page.locator(".zh-sentence.omitted")
    assert omitted.count() == 1 and "磨憨站" in omitted.inner_text()  # shown where it belongs, marked
    font = page.evaluate("getComputedStyle(document.querySelector('td.zh')).fontFamily")
    assert "Noto Sans CJK SC" in font and "Microsoft YaHei" in font  # a CJK font stack is declared
    assert not watch.errors


def test_a_po_segments_page_shows_its_msgid_beside_its_english(watch: Watch, tmp_path: Path) -> None:
    po = tmp_path / "ui.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "会议在北京举行。"\nmsgstr "The meeting was held in in Beijing."\n',
        encoding="utf-8",
    )
    out = tmp_path / "reports"
    assert tqa("run", po, "--out", out, "-j", "1", "--no-retranslate", "--reports", "html").exit_code in (0, 1)
    (page_file,) = (out / "ui.po-reports").glob("*.html")
    page = watch.page
    page.goto(page_file.as_uri())
    assert page.locator("table.sbs thead th").all_inner_texts() == ["Source (Chinese)", "Original", "Cleaned"]
    assert "the segment's own" in page.locator(".source-file").inner_text()  # no file of its own
    first = page.locator("table.sbs tbody tr").first
    assert first.locator("td.zh").inner_text() == "会议在北京举行。"
    assert first.locator("td").nth(1).inner_text().startswith("The meeting was held")
    assert not watch.errors
