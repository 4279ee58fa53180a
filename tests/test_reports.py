"""Reports: every per-article and batch file is written, parses, and shows untrusted text safely."""

from __future__ import annotations

import codecs
import csv
import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.atomic import write_atomic
from pipeline.document import Document
from pipeline.edits import Edit, apply_edits
from pipeline.findings import Finding, Severity
from pipeline.report import error_row, summary_row, write_article_reports, write_summary
from pipeline.report.diff import align_paragraphs, split_lines, tokenize, unified_diff, word_diff
from pipeline.result import ArticleResult, Skipped
from pipeline.score import compute_scores
from pipeline.spans import Span

TITLE = "Pipeline news"
CHINESE = "加快中国—中亚天然气管道D线建设"
TEXT = (
    f"{TITLE}\n\n{TITLE}\n\n"
    "The construction of the sub -natural gas pipeline D is good -neighborly work.\n\n"
    f"China and Central Asia agreed. {CHINESE} The line opens soon.\n\n"
    "A quiet closing paragraph.\n"
)


def span_of(text: str, piece: str, start: int = 0) -> Span:
    at = text.index(piece, start)
    return Span(at, at + len(piece))


def make_result(text: str = TEXT, *, bom: bytes = b"", path: str | None = "news/article one.txt", reference: str | None = None) -> ArticleResult:
    """A hand-built result: a duplicate title removed, two hyphens fixed, a Chinese passage skipped."""
    doc = Document.from_text(text, path=path, bom=bom)
    findings: list[Finding] = []
    applied: list[Edit] = []
    if text.count(TITLE) > 1:
        dup = Span(text.index(TITLE) + len(TITLE), text.index(TITLE, 1) + len(TITLE))  # "\n\n" + second title
        findings.append(Finding("duplicate-line", dup, Severity.MINOR, "repeats the line above", "", "rule"))
        applied.append(Edit(dup, "", "repeats the line above", "rule", "duplicate-line"))
    for bad in (" -natural", " -neighborly"):
        if bad in text:
            span = span_of(text, bad)
            span = Span(span.start, span.start + 2)  # " -"
            findings.append(Finding("hyphen-spacing", span, Severity.MINOR, "space before a hyphen", "-", "rule"))
            applied.append(Edit(span, "-", "space before a hyphen", "rule", "hyphen-spacing"))
    skipped, suggestions, notices = [], [], []
    if CHINESE in text:
        han = span_of(text, CHINESE)
        findings.append(Finding("untranslated", han, Severity.MAJOR, "Chinese passage", None, None, {"script": "Han"}))
        skipped.append(Skipped(han, "no translation model"))
        notices.append("1 passage was not retranslated: no model. Get it with `tqa models pull` or use --model DIR.")
    if "Central Asia" in text:
        suggestions.append(Edit(span_of(text, "Central Asia"), "Central-Asian", "glossary term", "glossary", "calque"))
    cleaned = apply_edits(text, applied)
    after = [Finding(f.check, f.span, f.severity, f.message) for f in findings if f.check == "untranslated"]
    if after:  # offsets into the cleaned text
        after = [Finding("untranslated", span_of(cleaned, CHINESE), Severity.MAJOR, "Chinese passage")]
    scores = compute_scores(text, findings, cleaned, after, reference=reference)
    settings = {"model": "Helsinki-NLP/opus-mt-zh-en", "versions": {"tqa": "0.1.0", "sacrebleu": "2.6.0"}, "beam": 4}
    return ArticleResult(doc, findings, applied, suggestions, skipped, cleaned, after, scores, settings, notices)


def apply_unified_diff(original: str, diff: str) -> str:
    """A small ``patch``: enough to prove the diff turns the original into the cleaned text."""
    lines = split_lines(original)
    out: list[str] = []
    cursor = 0
    diff_lines = split_lines(diff)
    assert diff_lines[0].startswith("--- a/") and diff_lines[1].startswith("+++ b/")
    body = diff_lines[2:]
    k = 0
    while k < len(body):
        m = re.match(r"@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@", body[k])
        assert m, body[k]
        start = int(m.group(1)) - (1 if m.group(2) != "0" else 0)
        out.extend(lines[cursor:start])
        cursor = start
        k += 1
        while k < len(body) and not body[k].startswith("@@"):
            tag, line = body[k][0], body[k][1:]
            if k + 1 < len(body) and body[k + 1].startswith("\\ No newline"):
                line = line[:-1]  # the marker says the newline before it is not content
                k += 1
            if tag in " -":
                assert lines[cursor] == line
                cursor += 1
            if tag in " +":
                out.append(line)
            k += 1
    out.extend(lines[cursor:])
    return "".join(out)


# --- per-article reports --------------------------------------------------------------


def test_every_article_report_is_written_and_parses(tmp_path: Path) -> None:
    result = make_result(reference="Pipeline news\n\nThe construction of the sub-natural gas pipeline D is good-neighborly work.")
    paths = write_article_reports(result, tmp_path, "article-one")
    assert {k: p.name for k, p in paths.items()} == {
        "cleaned": "article-one.cleaned.txt",
        "findings": "article-one.findings.json",
        "diff": "article-one.diff",
        "html": "article-one.html",
    }
    assert paths["cleaned"].read_text(encoding="utf-8") == result.cleaned

    data = json.loads(paths["findings"].read_text(encoding="utf-8"))
    assert list(data) == ["schema", "document", "findings", "applied", "suggestions", "skipped", "findings_after", "scores", "settings", "notices"]
    assert data["document"]["path"] == "news/article one.txt"
    assert data["document"]["words"] == result.doc.word_count
    assert data["document"]["newline"] == "LF"
    untranslated = next(f for f in data["findings"] if f["check"] == "untranslated")
    assert TEXT[untranslated["start"] : untranslated["end"]] == untranslated["text"] == CHINESE
    assert untranslated["evidence"] == {"script": "Han"}
    for edit in data["applied"]:  # where each change landed in the cleaned text
        assert result.cleaned[edit["cleaned_start"] : edit["cleaned_end"]] == edit["replacement"]
        assert TEXT[edit["start"] : edit["end"]] == edit["text"]
    assert data["skipped"] == [{"start": untranslated["start"], "end": untranslated["end"], "text": CHINESE, "reason": "no translation model"}]
    assert data["suggestions"][0]["replacement"] == "Central-Asian"
    assert data["findings_after"][0]["text"] == CHINESE
    assert data["scores"]["before"]["counts"] == {"duplicate-line": 1, "hyphen-spacing": 2, "untranslated": 1}
    assert data["scores"]["reference"]["after"]["BLEU"]["signature"].startswith("nrefs:1")
    assert data["settings"]["model"] == "Helsinki-NLP/opus-mt-zh-en"
    assert data["notices"] == result.notices

    diff = paths["diff"].read_text(encoding="utf-8")
    assert diff.startswith("--- a/article one.txt\n+++ b/article one.txt\n")
    assert "-The construction of the sub -natural gas pipeline D is good -neighborly work.\n" in diff
    assert "+The construction of the sub-natural gas pipeline D is good-neighborly work.\n" in diff
    assert apply_unified_diff(TEXT, diff) == result.cleaned

    html = paths["html"].read_text(encoding="utf-8")
    assert "<del" in html and "<ins" in html
    assert re.search(r"<del [^>]*>sub -natural</del>", html)
    assert re.search(r"<ins [^>]*>sub-natural</ins>", html)
    assert "hyphen-spacing · rule" in html and "duplicate-line" in html
    assert "space before a hyphen" in html  # the reason, in the title attribute
    assert "tqa models pull" in html and CHINESE in html  # the skipped passage, in the notice box
    assert "Central-Asian" in html and "glossary term" in html  # the suggestion not applied
    assert "nrefs:1|case:mixed" in html  # reference scores carry their signatures
    assert "Helsinki-NLP/opus-mt-zh-en" in html  # settings in the footer
    assert "http://" not in html and "https://" not in html and "<script" not in html  # self-contained


def test_duplicate_paragraph_rows_name_the_removed_copy(tmp_path: Path) -> None:
    result = make_result()
    pairs = align_paragraphs(result.doc.text, result.cleaned, result.applied)
    # Row 1 is the kept title, row 2 the removed copy (the edit removed the second one).
    assert pairs[0].a is not None and pairs[0].a.start == 0 and pairs[0].b is not None
    assert pairs[1].b is None and pairs[1].a is not None and pairs[1].a.start == TEXT.index(TITLE, 1)
    assert all(p.a is not None and p.b is not None for p in pairs[2:])
    html = write_article_reports(result, tmp_path, "a")["html"].read_text(encoding="utf-8")
    assert re.search(rf'<tr class="row-deleted"><td class="text"><del [^>]*title="duplicate-line \[minor\] \(rule\): repeats the line above">{TITLE}</del>', html)


def test_reports_are_deterministic(tmp_path: Path) -> None:
    first = write_article_reports(make_result(), tmp_path / "one", "x")
    second = write_article_reports(make_result(), tmp_path / "two", "x")
    for kind in first:
        assert first[kind].read_bytes() == second[kind].read_bytes(), kind


def test_cleaned_text_keeps_bom_and_crlf(tmp_path: Path) -> None:
    text = TEXT.replace("\n", "\r\n")
    result = make_result(text, bom=codecs.BOM_UTF8)
    assert result.doc.newline == "CRLF"
    paths = write_article_reports(result, tmp_path, "crlf")
    raw = paths["cleaned"].read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    assert raw == codecs.BOM_UTF8 + result.cleaned.encode("utf-8")
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    assert json.loads(paths["findings"].read_text(encoding="utf-8"))["document"]["bom"] is True
    diff = paths["diff"].read_bytes().decode("utf-8")
    assert "-The construction of the sub -natural gas pipeline D is good -neighborly work.\r\n" in diff
    assert apply_unified_diff(text, diff) == result.cleaned


def test_unchanged_article_gives_an_empty_diff(tmp_path: Path) -> None:
    doc = Document.from_text("Nothing to fix here.\n")
    scores = compute_scores(doc.text, [], doc.text, [])
    result = ArticleResult(doc, [], [], [], [], doc.text, [], scores)
    paths = write_article_reports(result, tmp_path, "clean")
    assert paths["diff"].read_bytes() == b""
    html = paths["html"].read_text(encoding="utf-8")
    assert "<del data-change" not in html and "<ins data-change" not in html
    assert "Not everything was repaired" not in html


def test_unified_diff_marks_a_missing_final_newline() -> None:
    diff = unified_diff("one\ntwo", "one\n2", "f.txt")
    assert "-two\n\\ No newline at end of file\n+2\n\\ No newline at end of file\n" in diff
    assert apply_unified_diff("one\ntwo", diff) == "one\n2"
    assert unified_diff("same", "same", "f.txt") == ""


def test_unexplained_cleaned_text_still_renders(tmp_path: Path) -> None:
    result = make_result()
    result.cleaned = result.cleaned.replace("quiet", "calm")  # a change no edit records
    html = write_article_reports(result, tmp_path, "odd")["html"].read_text(encoding="utf-8")
    assert re.search(r"<del [^>]*>quiet</del>", html) and re.search(r"<ins [^>]*>calm</ins>", html)
    assert "differs from the recorded edits" in html


@pytest.mark.parametrize("stem", ["", "../escape", "/abs/path", "a/../../b"])
def test_stem_must_stay_inside_the_output_folder(tmp_path: Path, stem: str) -> None:
    with pytest.raises(ValueError, match="write_article_reports"):
        write_article_reports(make_result(), tmp_path, stem)


# --- untrusted article text -----------------------------------------------------------

HOSTILE = (
    "Breaking <script>alert(1)</script> news.\n\n"
    "Close the box </textarea><img src=x onerror=alert(2)> and {{ 7*7 }} or {% raw %}.\n\n"
    "Entities &amp; &lt;b&gt; stay text; an override \u202eevil\u202c and a mark \u200f here.\n"
)


def test_hostile_article_is_shown_as_text(tmp_path: Path) -> None:
    doc = Document.from_text(HOSTILE, path="<script>alert(3)</script>.txt")
    edit_span = span_of(HOSTILE, "news")
    edits = [Edit(edit_span, "<b>NEWS</b>", "reason with <i>markup</i> & \"quotes\"", "rule", "case<x>")]
    finding = Finding("case<x>", edit_span, Severity.MINOR, "message <u>", "<b>NEWS</b>", "rule")
    cleaned = apply_edits(HOSTILE, edits)
    result = ArticleResult(
        doc, [finding], edits, [], [Skipped(span_of(HOSTILE, "{{ 7*7 }}"), "<script>x</script>")], cleaned, [],
        compute_scores(HOSTILE, [finding], cleaned, []), {"model": "</textarea>"}, ["notice <script>alert(4)</script>"],
    )
    html = write_article_reports(result, tmp_path, "hostile")["html"].read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "</textarea>" not in html and "&lt;/textarea&gt;" in html
    assert "<img" not in html and "<b>NEWS" not in html and "<i>markup" not in html and "<u>" not in html
    assert "{{ 7*7 }}" in html and "49" not in html  # shown, not evaluated
    assert "{% raw %}" in html
    assert "&amp;amp; &amp;lt;b&amp;gt;" in html  # entities are shown as typed, not decoded
    assert "\u202e" not in html and "U+202E" in html  # the override is a visible mark, not applied
    assert "U+200F" in html
    assert 'title="case&lt;x&gt; [minor] (rule): reason with &lt;i&gt;markup&lt;/i&gt; &amp; &#34;quotes&#34;"' in html


# --- word diff ------------------------------------------------------------------------


def test_word_diff_groups_words_not_characters() -> None:
    chunks = word_diff("The big dog sat on the mat.", "The small dog sat on a mat.")
    changes = [(c.a, c.b) for c in chunks if c.op != "equal"]
    assert changes == [("big", "small"), ("the", "a")]  # not "b"->"sm", "ig"->"all"


def test_word_diff_merges_changes_split_only_by_spaces() -> None:
    chunks = word_diff("one two three four", "one TWO THREE four")
    assert [(c.op, c.a, c.b) for c in chunks] == [
        ("equal", "one ", "one "),
        ("replace", "two three", "TWO THREE"),
        ("equal", " four", " four"),
    ]


def test_word_diff_keeps_a_chinese_passage_as_one_unit() -> None:
    assert tokenize(f"x {CHINESE}，中亚 y") == ["x", " ", f"{CHINESE}，中亚", " ", "y"]
    assert tokenize("中国 and 中亚") == ["中国", " ", "and", " ", "中亚"]  # English between passages splits them
    chunks = word_diff(f"We agreed. {CHINESE} The line", "We agreed. Speed up line D of the gas pipeline. The line")
    changes = [c for c in chunks if c.op != "equal"]
    assert len(changes) == 1 and changes[0].a.strip() == CHINESE


def test_word_diff_keeps_hyphenated_words_whole() -> None:
    changes = [c for c in word_diff("the sub -natural gas", "the sub-natural gas") if c.op != "equal"]
    assert [(c.a, c.b) for c in changes] == [("sub -natural", "sub-natural")]


@given(st.text(), st.text())
def test_word_diff_parts_join_back(a: str, b: str) -> None:
    chunks = word_diff(a, b)
    assert "".join(c.a for c in chunks) == a and "".join(c.b for c in chunks) == b
    assert all((c.a == c.b) == (c.op == "equal") for c in chunks)


# --- batch summary --------------------------------------------------------------------


def test_summary_json_csv_and_index(tmp_path: Path) -> None:
    result = make_result(reference="Pipeline news")
    rows = [summary_row(result, "news/article one"), error_row("bad.bin", "bad", "looks binary <b>")]
    paths = write_summary(rows, tmp_path)
    assert {p.name for p in paths.values()} == {"summary.json", "summary.csv", "index.html"}

    data = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert data["totals"]["articles"] == 2 and data["totals"]["error"] == 1
    ok = data["articles"][0]
    assert ok["status"] == "ok" and ok["findings_before"] == 4 and ok["findings_after"] == 1
    assert ok["n_hyphen-spacing"] == 2 and ok["major_before"] == 1
    assert ok["mqm_before"] > ok["mqm_after"]
    assert ok["chrf_after"] is not None and ok["bleu_after"] is not None

    with paths["csv"].open(encoding="utf-8", newline="") as fh:
        table = list(csv.DictReader(fh))
    assert [r["status"] for r in table] == ["ok", "error"]
    assert table[0]["n_untranslated"] == "1" and table[0]["n_duplicate-line"] == "1"
    assert table[1]["error"] == "looks binary <b>" and table[1]["words"] == "" and table[1]["n_untranslated"] == ""

    index = paths["index"].read_text(encoding="utf-8")
    assert 'href="news/article%20one.html"' in index
    assert "bad.bin" in index and "looks binary &lt;b&gt;" in index
    assert index.count("<a ") == 1  # no link to a report that does not exist


def test_summary_tolerates_a_hand_made_error_row(tmp_path: Path) -> None:
    paths = write_summary([{"input": "x.txt", "status": "error", "error": "no such file"}], tmp_path)
    with paths["csv"].open(encoding="utf-8", newline="") as fh:
        assert list(csv.DictReader(fh))[0]["error"] == "no such file"
    assert "no such file" in paths["index"].read_text(encoding="utf-8")


def test_summary_row_streams_from_a_result() -> None:
    row = summary_row(make_result(), "s")
    assert json.loads(json.dumps(row)) == row  # plain data: safe to keep after the result is dropped
    assert row["applied"] == 3 and row["skipped"] == 1 and row["suggestions"] == 1
    assert row["bleu_after"] is None


# --- atomic writing -------------------------------------------------------------------


def test_write_atomic_creates_folders_and_leaves_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "er" / "file.txt"
    write_atomic(target, "a\r\nb")
    assert target.read_bytes() == b"a\r\nb"
    write_atomic(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    assert os.listdir(target.parent) == ["file.txt"]
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_write_atomic_keeps_the_old_file_when_replace_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.json"
    target.write_text("old")

    def broken(*args: object) -> None:
        raise OSError("disk on fire")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError, match="disk on fire"):
        write_atomic(target, "new")
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["report.json"]


def test_write_atomic_cleans_up_after_an_interrupt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.html"
    target.write_text("old")

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "new")
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["report.html"]


def test_write_atomic_fails_before_touching_anything_on_bad_text(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(UnicodeEncodeError):
        write_atomic(target, "中文", encoding="ascii")
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["out.txt"]
