"""Long documents: every report is read off the edit list, so its cost is linear in the text.

The old reports diffed whole paragraphs with difflib: one 173 KB article took over five
minutes and a 1 MB one never finished. The bound here is an operation count, not a
timing: no difflib comparison in the run may be larger than a few edits' neighbourhood.
"""

from __future__ import annotations

import difflib
import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.core.edits import Edit, apply_edits
from pipeline.core.spans import Span
from pipeline.report.diff import _LOCAL_DIFF_LIMIT, EditDiff, edit_opcodes, tokenize, word_diff
from pipeline.report.unified import unified_diff
from tests.report.test_reports import apply_unified_diff
from tests.support import REPO_ROOT


class _CountingMatcher(difflib.SequenceMatcher):
    sizes: list[int] = []

    def set_seqs(self, a, b):  # type: ignore[no-untyped-def]
        _CountingMatcher.sizes.append(len(a) * len(b))
        super().set_seqs(a, b)


def long_document(chars: int) -> str:
    """One paragraph (single newlines, as in a pasted dump) with a spacing artefact every 400 lines."""
    lines, size, i = [], 0, 0
    while size < chars:
        line = f"Report {i} says the new pipeline carries gas from the fields to the coast."
        if i % 400 == 7:
            line = f"Report {i} says the good -neighborly line carries gas to the coast."
        lines.append(line)
        size += len(line) + 1
        i += 1
    return "\n".join(lines) + "\n"


def test_a_1mb_document_runs_with_only_local_diffs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = long_document(1_000_000)
    (tmp_path / "long.txt").write_text(text, encoding="utf-8")
    _CountingMatcher.sizes = []
    monkeypatch.setattr(difflib, "SequenceMatcher", _CountingMatcher)
    result = CliRunner().invoke(
        app, ["run", str(tmp_path / "long.txt"), "--out", str(tmp_path / "out"), "--no-retranslate", "-j", "1"]
    )
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    cleaned = (out / "long.cleaned.txt").read_text(encoding="utf-8")
    fixes = text.count("good -neighborly")
    assert fixes == 33 and cleaned == text.replace("good -neighborly", "good-neighborly")
    # The old code compared the whole paragraph: about 200,000 × 200,000 tokens.
    assert _CountingMatcher.sizes and max(_CountingMatcher.sizes) <= _LOCAL_DIFF_LIMIT
    assert sum(_CountingMatcher.sizes) < 100 * fixes
    diff = (out / "long.diff").read_text(encoding="utf-8")
    assert diff.count("\n-Report") == fixes and apply_unified_diff(text, diff) == cleaned
    html = (out / "long.html").read_text(encoding="utf-8")
    assert html.count(">good -neighborly</del>") == fixes and html.count(">good-neighborly</ins>") == fixes
    assert len(json.loads((out / "long.findings.json").read_text(encoding="utf-8"))["applied"]) == fixes


def test_the_word_diff_names_the_copy_the_edit_removed() -> None:
    text = "We reduce poverty reduction, reduce poverty reduction, and more."
    at = text.index(", reduce")
    edit = Edit(Span(at, at + len(", reduce poverty reduction")), "", "repeated", "rule")
    cleaned = apply_edits(text, [edit])
    chunks = EditDiff(text, cleaned, [edit]).row(Span(0, len(text)), Span(0, len(cleaned)))
    assert [(c.op, c.a, c.b) for c in chunks] == [
        ("equal", "We reduce poverty reduction", "We reduce poverty reduction"),
        ("delete", ", reduce poverty reduction", ""),
        ("equal", ", and more.", ", and more."),
    ]


def test_a_change_inside_a_word_shows_the_whole_word() -> None:
    text = "the sub -natural gas and e -commerce"
    edits = [
        Edit(Span(text.index(" -n"), text.index(" -n") + 2), "-", "h", "rule"),
        Edit(Span(text.index(" -c"), text.index(" -c") + 2), "-", "h", "rule"),
    ]
    cleaned = apply_edits(text, edits)
    chunks = EditDiff(text, cleaned, edits).row(Span(0, len(text)), Span(0, len(cleaned)))
    assert [(c.a, c.b) for c in chunks if c.op != "equal"] == [
        ("sub -natural", "sub-natural"),
        ("e -commerce", "e-commerce"),
    ]
    assert chunks == word_diff(text, cleaned)


WORDS = st.sampled_from(["the", "gas", " ", "\n", "\n\n", "good", "-", ",", "加快", "D", "line", "\r\n", "."])


@st.composite
def texts_with_edits(draw):  # type: ignore[no-untyped-def]
    text = "".join(draw(st.lists(WORDS, max_size=30)))
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=8, unique=True)))
    edits, last = [], -1
    for a, b in zip(cuts[::2], cuts[1::2]):
        if a > last:
            edits.append(Edit(Span(a, b), "".join(draw(st.lists(WORDS, max_size=3))), "r", "rule"))
            last = b
    return text, [e for e in edits if e.span or e.replacement]


@given(texts_with_edits())
@settings(max_examples=300, deadline=None)
def test_edit_diffs_are_complete_and_apply(case) -> None:  # type: ignore[no-untyped-def]
    text, edits = case
    cleaned = apply_edits(text, edits)
    ta, tb = tokenize(text), tokenize(cleaned)
    ops = edit_opcodes(ta, tb, edits)
    # The opcodes cover both token lists in order, and "equal" means equal.
    i = j = 0
    for tag, i1, i2, j1, j2 in ops:
        assert (i1, j1) == (i, j)
        if tag == "equal":
            assert ta[i1:i2] == tb[j1:j2]
        i, j = i2, j2
    assert (i, j) == (len(ta), len(tb))
    diff = unified_diff(text, cleaned, "t.txt", edits=edits)
    assert bool(diff) == (text != cleaned)
    assert not diff or apply_unified_diff(text, diff) == cleaned
    chunks = EditDiff(text, cleaned, edits).row(Span(0, len(text)), Span(0, len(cleaned)))
    assert "".join(c.a for c in chunks) == text and "".join(c.b for c in chunks) == cleaned


def test_the_unified_diff_from_edits_matches_difflib_on_separate_changes() -> None:
    rng = random.Random(7)
    lines = [f"line {k} of the text\n" for k in range(60)]
    text = "".join(lines)
    edits = []
    for k in sorted(rng.sample(range(60), 6)):
        at = text.index(f"line {k} ") + 5
        edits.append(Edit(Span(at, at + len(str(k))), f"#{k}", "n", "rule"))
    cleaned = apply_edits(text, edits)
    assert unified_diff(text, cleaned, "t.txt", edits=edits) == unified_diff(text, cleaned, "t.txt")


def test_the_size_benchmark_prints_stages_and_growth(tmp_path: Path) -> None:
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, str(REPO_ROOT / "bench" / "sizes.py"), "--sizes", "3,6", "--json", str(tmp_path / "s.json")],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO_ROOT,
    ).stdout
    assert (
        "| size | findings | applied | load | check+plan | repair+recheck+score | reports | total | growth/doubling |"
        in out
    )
    rows = json.loads((tmp_path / "s.json").read_text())["rows"]
    assert [r["kb"] > 0 for r in rows] == [True, True] and rows[1]["chars"] > rows[0]["chars"]
    assert "check+plan" in out.splitlines()[-1]  # the larger size is compared with the smaller


def test_a_findings_sentence_is_found_by_bisection_as_a_scan_would() -> None:
    # The review page asks for the sentence of every finding; a scan of all sentences per
    # finding made a 10 MB document's reports quadratic.
    from pipeline.core.document import Document
    from pipeline.report.marks import sentence_of

    doc = Document.from_text(long_document(20_000) + "\nLast one. Two!\n\nNew paragraph here.")
    rng = random.Random(3)

    def scanned(start: int, end: int) -> str:
        spans = [s for s in doc.sentences if s.start <= end and start <= s.end] or [
            s for s in doc.paragraphs if s.start <= start <= s.end
        ]
        return " ".join(doc.text[spans[0].start : spans[-1].end].split())[:299] if spans else ""

    for _ in range(300):
        start = rng.randrange(len(doc.text) + 1)
        end = min(len(doc.text), start + rng.choice([0, 1, 5, 80, 400]))
        assert sentence_of(doc, start, end, limit=10_000)[:299] == scanned(start, end)
