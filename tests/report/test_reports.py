"""Reports: every per-article and batch file is written, parses, and shows untrusted text safely."""

from __future__ import annotations

import codecs
import csv
import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.core.document import Document
from pipeline.core.edits import Edit, apply_edits
from pipeline.core.findings import Finding, Severity
from pipeline.core.result import ArticleResult, Skipped
from pipeline.core.spans import Span
from pipeline.report import error_row, summary_row, summary_table, write_article_reports, write_summary
from pipeline.report.diff import align_paragraphs, tokenize, word_diff
from pipeline.report.unified import split_lines, unified_diff
from pipeline.stages.score import compute_scores
from pipeline.util.atomic import write_atomic

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


def make_result(
    text: str = TEXT, *, bom: bytes = b"", path: str | None = "news/article one.txt", reference: str | None = None
) -> ArticleResult:
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
    result = make_result(
        reference="Pipeline news\n\nThe construction of the sub-natural gas pipeline D is good-neighborly work."
    )
    paths = write_article_reports(result, tmp_path, "article-one")
    assert {k: p.name for k, p in paths.items()} == {
        "cleaned": "article-one.cleaned.txt",
        "findings": "article-one.findings.json",
        "diff": "article-one.diff",
        "html": "article-one.html",
    }
    assert paths["cleaned"].read_text(encoding="utf-8") == result.cleaned

    data = json.loads(paths["findings"].read_text(encoding="utf-8"))
    assert list(data) == [
        "schema",
        "document",
        "findings",
        "applied",
        "suggestions",
        "skipped",
        "findings_after",
        "scores",
        "settings",
        "notices",
    ]
    assert data["document"]["path"] == "news/article one.txt"
    assert data["document"]["words"] == result.doc.word_count
    assert data["document"]["newline"] == "LF"
    untranslated = next(f for f in data["findings"] if f["check"] == "untranslated")
    assert TEXT[untranslated["start"] : untranslated["end"]] == untranslated["text"] == CHINESE
    assert untranslated["evidence"] == {"script": "Han"}
    for edit in data["applied"]:  # where each change landed in the cleaned text
        assert result.cleaned[edit["cleaned_start"] : edit["cleaned_end"]] == edit["replacement"]
        assert TEXT[edit["start"] : edit["end"]] == edit["text"]
    assert data["skipped"] == [
        {"start": untranslated["start"], "end": untranslated["end"], "text": CHINESE, "reason": "no translation model"}
    ]
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
    # Every change has a chip: id, check, severity, origin and the score change it brought.
    minor = f"MQM \u2212{1000 / result.doc.word_count:.2f}"
    assert f"hyphen-spacing · minor · rule · {minor}" in html and "duplicate-line · minor · rule" in html
    assert "space before a hyphen" in html  # the reason, in the title attribute
    assert "tqa models pull" in html and CHINESE in html  # the skipped passage, in the notice box
    assert "Central-Asian" in html and "glossary term" in html  # the suggestion not applied
    assert re.search(
        r'<span class="sug is-reject" data-changes="c\d+" [^>]*>Central Asia</span><span class="sugnew is-reject"[^>]*>Central-Asian</span>',
        html,
    )
    assert "nrefs:1|case:mixed" in html  # reference scores carry their signatures
    assert "Helsinki-NLP/opus-mt-zh-en" in html  # settings in the footer
    assert "http://" not in html and "https://" not in html  # self-contained: nothing to fetch
    assert re.findall(r"<script[^>]*>", html) == ['<script type="application/json" id="tqa-review">', "<script>"]
    assert "@media print" in html and 'id="help"' in html


def test_duplicate_paragraph_rows_name_the_removed_copy(tmp_path: Path) -> None:
    result = make_result()
    pairs = align_paragraphs(result.doc.text, result.cleaned, result.applied)
    # Row 1 is the kept title, row 2 the removed copy (the edit removed the second one).
    assert pairs[0].a is not None and pairs[0].a.start == 0 and pairs[0].b is not None
    assert pairs[1].b is None and pairs[1].a is not None and pairs[1].a.start == TEXT.index(TITLE, 1)
    assert all(p.a is not None and p.b is not None for p in pairs[2:])
    html = write_article_reports(result, tmp_path, "a")["html"].read_text(encoding="utf-8")
    assert re.search(
        rf'<tr class="row-deleted"><td class="text"><del [^>]*title="duplicate-line \[minor\] \(rule\): repeats the line above">{TITLE}</del>',
        html,
    )


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
    assert "data-changes=" not in html and 'class="chip' not in html
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
    edits = [Edit(edit_span, "<b>NEWS</b>", 'reason with <i>markup</i> & "quotes"', "rule", "case<x>")]
    finding = Finding("case<x>", edit_span, Severity.MINOR, "message <u>", "<b>NEWS</b>", "rule")
    cleaned = apply_edits(HOSTILE, edits)
    result = ArticleResult(
        doc,
        [finding],
        edits,
        [],
        [Skipped(span_of(HOSTILE, "{{ 7*7 }}"), "<script>x</script>")],
        cleaned,
        [],
        compute_scores(HOSTILE, [finding], cleaned, []),
        {"model": "</textarea>"},
        ["notice <script>alert(4)</script>"],
    )
    html = write_article_reports(result, tmp_path, "hostile")["html"].read_text(encoding="utf-8")
    # The page's own two scripts (the review data and the code) and nothing else.
    assert re.findall(r"<script[^>]*>", html, re.I) == ['<script type="application/json" id="tqa-review">', "<script>"]
    assert html.lower().count("</script") == 2
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "</textarea>" not in html and "&lt;/textarea&gt;" in html
    assert "<img" not in html and "<b>NEWS" not in html and "<i>markup" not in html and "<u>" not in html
    assert "{{ 7*7 }}" in html and not re.search(r"(?<![\w.])49(?![\w.])", html)  # shown, not evaluated
    assert "{% raw %}" in html
    assert "&amp;amp; &amp;lt;b&amp;gt;" in html  # entities are shown as typed, not decoded
    assert "\u202e" not in html and "U+202E" in html  # the override is a visible mark, not applied
    assert "U+200F" in html
    assert 'title="case&lt;x&gt; [minor] (rule): reason with &lt;i&gt;markup&lt;/i&gt; &amp; &#34;quotes&#34;"' in html
    # The review data is JSON that cannot close its script element, and reads back intact.
    raw = re.search(r'<script type="application/json" id="tqa-review">(.*?)</script>', html, re.S).group(1)
    assert "<" not in raw and ">" not in raw and "&" not in raw
    data = json.loads(raw)
    assert data["input"]["path"] == "<script>alert(3)</script>.txt"
    assert data["items"][0]["replacement"] == "<b>NEWS</b>" and data["items"][0]["reason"].startswith("reason with <i>")
    # The script sets text and classes only.
    script = html[html.rindex("<script>") :]
    assert (
        "innerHTML" not in script
        and "outerHTML" not in script
        and "insertAdjacentHTML" not in script
        and "document.write" not in script
    )


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


TRANSLATION = 'Speed up line D of the China–Central Asia gas pipeline <&> "quoted".'


def make_translated(path: str, text: str = TEXT) -> ArticleResult:
    """Like ``make_result``, but the Chinese passage was retranslated (origin marian)."""
    base = make_result(text, path=path)
    han = span_of(text, CHINESE)
    applied = sorted(
        [*base.applied, Edit(han, TRANSLATION, "Chinese passage", "marian", "untranslated")], key=lambda e: e.span
    )
    cleaned = apply_edits(text, applied)
    settings = {**base.settings, "translator": {"model": "opus-mt-zh-en", "revision": "abc123"}}
    return ArticleResult(
        base.doc,
        base.findings,
        applied,
        base.suggestions,
        [],
        cleaned,
        [],
        compute_scores(text, base.findings, cleaned, []),
        settings,
        [],
    )


def test_summary_json_jsonl_csv_markdown_and_index(tmp_path: Path) -> None:
    result = make_result(reference="Pipeline news")
    rows = [summary_row(result, "news/article one"), error_row("bad.bin", "bad", "looks binary <b>")]
    paths = write_summary(rows, tmp_path)
    assert {k: p.name for k, p in paths.items()} == {
        "json": "summary.json", "jsonl": "summary.jsonl", "csv": "summary.csv", "markdown": "summary.md",
        "index": "index.html", "tmx": "retranslations.tmx",
    }  # fmt: skip

    data = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert data["schema"] == "tqa-summary/1"
    assert data["totals"]["articles"] == 2 and data["totals"]["error"] == 1
    ok = data["articles"][0]
    assert ok["status"] == "ok" and ok["findings_before"] == 4 and ok["findings_after"] == 1
    assert ok["n_hyphen-spacing"] == 2 and ok["major_before"] == 1
    assert ok["mqm_before"] > ok["mqm_after"]
    assert ok["chrf_after"] is not None and ok["bleu_after"] is not None and ok["ter_before"] is not None

    lines = paths["jsonl"].read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == data["articles"]  # one article per line, same rows

    with paths["csv"].open(encoding="utf-8", newline="") as fh:
        table = list(csv.DictReader(fh))
    assert [r["status"] for r in table] == ["ok", "error"]
    assert table[0]["n_untranslated"] == "1" and table[0]["n_duplicate-line"] == "1"
    assert table[1]["error"] == "looks binary <b>" and table[1]["words"] == "" and table[1]["n_untranslated"] == ""

    md = paths["markdown"].read_text(encoding="utf-8")
    assert md.startswith("# tqa summary\n")
    assert "2 article(s): 1 processed, 1 failed" in md
    assert "| `hyphen-spacing` | 2 | 1 |" in md
    assert "[news/article one.txt](news/article%20one.html)" in md
    assert "looks binary \\<b\\>" in md  # raw HTML in an error shows as text

    index = paths["index"].read_text(encoding="utf-8")
    assert 'href="news/article%20one.html"' in index and 'href="news/article%20one.findings.json"' in index
    assert "bad.bin" in index and "looks binary &lt;b&gt;" in index
    assert "bad.html" not in index  # no link to a report that does not exist
    headers = re.findall(
        r'<th scope="col" aria-sort="none" data-type="(num|text)"[^>]*><button type="button" class="sort">', index
    )
    assert len(headers) == index.count("<th ") and "text" in headers and "num" in headers  # every header sorts
    assert "BLEU after" in index and "chrF before" in index  # reference scores, when there are any
    bars = re.findall(r'<rect [^>]*class="bar"><title>([^<]+)</title>', index)
    assert sorted(bars) == ["duplicate-line: 1", "hyphen-spacing: 2", "untranslated: 1"]
    assert re.findall(r"<script[^>]*>", index) == ["<script>"] and "http" not in index.replace('href="', "")


def test_index_without_references_has_no_reference_columns(tmp_path: Path) -> None:
    index = write_summary([summary_row(make_result(), "a")], tmp_path)["index"].read_text(encoding="utf-8")
    assert "BLEU" not in index and "chrF" not in index


def test_tmx_holds_the_retranslated_passages(tmp_path: Path) -> None:
    other = TEXT.replace("A quiet closing paragraph.", "A quiet closing paragraph.\n\n本报讯\x0b记者")
    results = {
        "one": make_translated("news/one.txt"),
        "two": make_translated("news/two.txt"),
        "three": make_result(other, path="three.txt"),
    }
    results["three"].applied.append(
        Edit(span_of(other, "本报讯\x0b记者"), "Our reporter", "Chinese passage", "marian", "untranslated")
    )
    rows = []
    for stem, result in results.items():
        write_article_reports(result, tmp_path, stem)
        rows.append(summary_row(result, stem))
    rows.append(error_row("bad.txt", "bad", "unreadable"))
    path = write_summary(rows, tmp_path)["tmx"]

    root = ET.parse(path).getroot()  # well-formed XML
    assert root.tag == "tmx" and root.get("version") == "1.4"
    header = root.find("header")
    assert header is not None
    for attribute in ("creationtool", "creationtoolversion", "segtype", "o-tmf", "adminlang", "srclang", "datatype"):
        assert header.get(attribute), attribute  # required by TMX 1.4
    assert header.get("srclang") == "zh"
    units = root.findall("body/tu")
    assert len(units) == 2  # the same passage and translation in two articles is one unit
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    pairs = [{tuv.get(lang): tuv.findtext("seg") for tuv in tu.findall("tuv")} for tu in units]
    assert pairs[0] == {"zh": CHINESE, "en": TRANSLATION}
    assert pairs[1] == {"zh": "本报讯\ufffd记者", "en": "Our reporter"}  # a control character XML cannot hold
    props = {p.get("type"): p.text for p in units[0].findall("prop")}
    assert (
        props["x-tqa-occurrences"] == "2"
        and props["x-tqa-document"] == "news/one.txt"
        and props["x-tqa-model"] == "opus-mt-zh-en abc123"
    )
    assert [child.tag for child in units[0]] == ["prop"] * 4 + ["tuv", "tuv"]  # TMX order: props before tuvs

    tmx = pytest.importorskip("translate.storage.tmx")  # a CAT-tool library reads it too
    store = tmx.tmxfile.parsefile(str(path))
    assert [(u.source, u.target) for u in store.units] == [(CHINESE, TRANSLATION), ("本报讯\ufffd记者", "Our reporter")]


def test_summary_table_for_the_terminal() -> None:
    from rich.console import Console

    rows = [
        summary_row(make_result(reference="Pipeline news"), "a"),
        error_row("[red]evil[/red].txt", "b", "no such [bold]file"),
    ]
    rows[0]["input"] = "news/[b]one[/b].txt"
    console = Console(record=True, width=200, color_system=None)
    console.print(summary_table(rows))
    out = console.export_text()
    assert (
        "news/[b]one[/b].txt" in out and "[red]evil[/red].txt" in out and "no such [bold]file" in out
    )  # markup shown as typed
    assert "4 → 1" in out and f"{rows[0]['mqm_before']:g} → {rows[0]['mqm_after']:g}" in out
    assert "1 of 2 ok" in out and "chrF" in out


def test_markdown_escapes_what_markdown_would_render() -> None:
    from pipeline.report.markdown import md_escape

    assert (
        md_escape("a|b *c* _d_ [e](f) <script> `g` &amp;")
        == "a\\|b \\*c\\* \\_d\\_ \\[e\\](f) \\<script\\> \\`g\\` \\&amp;"
    )
    assert md_escape("two\nlines") == "two lines"


def test_summary_tolerates_a_hand_made_error_row(tmp_path: Path) -> None:
    paths = write_summary([{"input": "x.txt", "status": "error", "error": "no such file"}], tmp_path)
    with paths["csv"].open(encoding="utf-8", newline="") as fh:
        assert list(csv.DictReader(fh))[0]["error"] == "no such file"
    assert "no such file" in paths["index"].read_text(encoding="utf-8")


def test_summary_row_streams_from_a_result() -> None:
    row = summary_row(make_result(), "s")
    assert json.loads(json.dumps(row)) == row  # plain data: safe to keep after the result is dropped
    assert row["applied"] == 3 and row["skipped"] == 1 and row["suggestions"] == 1
    assert row["bleu_after"] is None and row["ter_before"] is None


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


# --- review changes and the review page -------------------------------------------------


def test_review_changes_are_numbered_in_text_order_with_defaults_and_scores() -> None:
    from pipeline.report.changes import review_changes

    result = make_result()
    changes = review_changes(result)
    assert [c.id for c in changes] == [f"c{i}" for i in range(1, len(changes) + 1)]
    assert [c.edit.span.start for c in changes] == sorted(c.edit.span.start for c in changes)
    assert {c.kind: c.default for c in changes} == {"applied": "accept", "suggestion": "reject"}
    words = result.doc.word_count
    hyphen = next(c for c in changes if c.edit.check == "hyphen-spacing")
    assert hyphen.severity == "minor" and hyphen.mqm_delta == -round(1000 / words, 2)
    # Removing every finding the applied changes fix takes the penalty down by their deltas.
    fixed = sum(c.mqm_delta for c in changes if c.kind == "applied")
    assert result.scores.before.penalty + fixed == pytest.approx(
        1000 * 5 / words, abs=0.05
    )  # the untranslated passage is left


def test_a_suggestion_inside_an_applied_change_conflicts_and_is_shown_beside_it(tmp_path: Path) -> None:
    from pipeline.report.changes import review_changes

    result = make_result()
    inside = span_of(TEXT, "sub -natural")
    result.suggestions.append(Edit(inside, "subnatural", "spelling", "glossary", "calque"))
    result.suggestions.append(
        Edit(Span(TEXT.index("quiet"), TEXT.index("quiet")), "very ", "an insertion", "glossary", "calque")
    )
    listed = review_changes(result)
    changes = {c.edit.replacement: c for c in listed}
    hyphen = next(c for c in listed if c.edit.span == Span(inside.start + 3, inside.start + 5))
    assert changes["subnatural"].conflicts == (hyphen.id,) and changes["subnatural"].id in hyphen.conflicts
    html = write_article_reports(result, tmp_path, "s")["html"].read_text(encoding="utf-8")
    sid = changes["subnatural"].id
    # Not markable in place (the text there changed): its proposal follows the change.
    assert re.search(
        rf'<ins [^>]*>sub-natural</ins><button [^>]*id="{hyphen.id}"[^>]*>.*?</button><span class="sugnew is-reject" data-changes="{sid}"[^>]*>subnatural</span><button [^>]*id="{sid}"',
        html,
    )
    assert f'<span class="sug is-reject caret" data-changes="{changes["very "].id}"' in html  # an insertion point
    data = json.loads(re.search(r'id="tqa-review">(.*?)</script>', html, re.S).group(1))
    assert next(c for c in data["items"] if c["dom"] == sid)["conflicts"] == [hyphen.key]  # by stable id


def test_a_change_with_no_visible_effect_is_still_listed(tmp_path: Path) -> None:
    result = make_result()
    same = span_of(TEXT, "quiet")
    result.applied.append(Edit(same, "quiet", "no-op", "rule", "case"))
    html = write_article_reports(result, tmp_path, "n")["html"].read_text(encoding="utf-8")
    assert "Changes not visible in the text above" in html
    assert html.count('class="chip') - html.count('class="chip finding') == len(result.applied) + len(
        result.suggestions
    )


def test_findings_json_matches_its_schema(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from pipeline.report.json_report import FINDINGS_SCHEMA_FILE

    schema = json.loads(FINDINGS_SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    for result in (
        make_result(reference="Pipeline news\n\nOther"),
        make_translated("a.txt"),
        make_result(HOSTILE, path=None),
    ):
        path = write_article_reports(result, tmp_path, "x")["findings"]
        data = json.loads(path.read_text(encoding="utf-8"))
        jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
        assert data["document"]["chars"] == len(result.doc.text)
        ids = [c["id"] for c in data["applied"] + data["suggestions"]]
        assert sorted(ids, key=lambda i: int(i[1:])) == [f"c{i}" for i in range(1, len(ids) + 1)]


@st.composite
def edited_texts(draw: st.DrawFn) -> tuple[str, list[Edit], list[Edit]]:
    text = draw(st.text(alphabet="ab -\n中文。", max_size=40))
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=8)))
    applied, last = [], -1
    for start, end in zip(cuts[::2], cuts[1::2]):
        if start > last and (start, end) != (last, last):
            applied.append(Edit(Span(start, end), draw(st.text(alphabet="xy -\n", max_size=4)), "r", "rule", "k"))
            last = end
    suggestions = [
        Edit(Span(min(a, b), max(a, b)), draw(st.text(alphabet="zq ", max_size=3)), "s", "glossary", "g")
        for a, b in draw(st.lists(st.tuples(st.integers(0, len(text)), st.integers(0, len(text))), max_size=3))
    ]
    return text, applied, suggestions


@given(edited_texts())
def test_review_rows_show_both_texts_whole_and_every_change_once(case: tuple[str, list[Edit], list[Edit]]) -> None:
    from pipeline.report.html import article_view

    text, applied, suggestions = case
    doc = Document.from_text(text)
    cleaned = apply_edits(text, applied)
    result = ArticleResult(doc, [], applied, suggestions, [], cleaned, [], compute_scores(text, [], cleaned, []))
    view = article_view(result, "x")
    chips = [
        p["id"] for row in view["rows"] for side in (row["left"], row["right"]) for p in side if p["kind"] == "chip"
    ]
    chips += [c["id"] for c in view["elsewhere"]]
    assert sorted(chips) == sorted(f"c{i}" for i in range(1, len(applied) + len(suggestions) + 1))
    left = "".join(p["text"] for row in view["rows"] for p in row["left"] if p["kind"] in ("text", "del", "sug"))
    right = "".join(p["text"] for row in view["rows"] for p in row["right"] if p["kind"] in ("text", "ins", "sug"))
    # Rows hold the paragraphs, not the blank lines between them: compare all but whitespace.
    assert "".join(left.split()) == "".join(text.split())
    assert "".join(right.split()) == "".join(cleaned.split())


def test_summary_and_export_carry_the_file_and_the_record_id(tmp_path: Path) -> None:
    from pipeline.report.export import COLUMNS as EXPORT_COLUMNS
    from pipeline.report.export import rows_from_report

    row = summary_row(make_result(), "ui.po-reports/greeting", "ui.po", "greeting")
    assert (row["file"], row["record"]) == ("ui.po", "greeting")
    assert list(row)[:3] == ["input", "file", "record"]
    plain = summary_row(make_result(), "a")
    assert plain["file"] == plain["input"] and plain["record"] == ""  # a text file
    failed = error_row("ui.po", "s", "unreadable", "ui.po", "greeting")
    assert (failed["file"], failed["record"]) == ("ui.po", "greeting")
    header = next(csv.reader(write_summary([row, failed], tmp_path)["csv"].open(encoding="utf-8")))
    assert header[:3] == ["input", "file", "record"]
    payload = {"findings": [{"check": "c", "severity": "minor", "line": 1, "column": 1, "text": "x"}]}
    (exported,) = rows_from_report(payload, "ui.po", "s", "greeting")
    assert (exported["file"], exported["record"]) == ("ui.po", "greeting") and EXPORT_COLUMNS[:2] == ("file", "record")
