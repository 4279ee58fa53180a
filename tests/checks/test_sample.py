"""The quality bar on the sample article: every planted defect is found, at exact offsets."""

from __future__ import annotations

import pytest

from pipeline.checks import build_checks
from pipeline.core.document import load_document
from pipeline.core.edits import Edit, apply_edits
from tests.support import REPO_ROOT

SAMPLE = REPO_ROOT / "seeds" / "000_0e67fac1f9dc59aa.txt"
MINE = (
    "calque",
    "cjk-punctuation",
    "duplicate-line",
    "hyphen-spacing",
    "missing-space",
    "ordinal-spacing",
    "repeated-phrase",
    "space-before-punctuation",
    "unpaired-punctuation",
)


@pytest.fixture(scope="module")
def doc():
    return load_document(SAMPLE)


@pytest.fixture(scope="module")
def found(doc):
    checks = [c for c in build_checks() if c.id in MINE]
    return {c.id: list(c.find(doc)) for c in checks}


def texts(doc, findings):
    return [f.span.of(doc.text) for f in findings]


def test_title_copies_found_and_removable(doc, found):
    dups = found["duplicate-line"]
    assert [(f.span.start, f.span.end) for f in dups] == [(114, 230), (230, 346)]
    title = doc.text[:114]
    assert all(f.span.of(doc.text) == "\n\n" + title for f in dups)
    cleaned = apply_edits(doc.text, [Edit(f.span, f.replacement, f.message, f.origin) for f in dups])
    assert cleaned.count(title) == 1 and cleaned.startswith(title + "\n\n  On January 25")


def test_repetitions_found(doc, found):
    assert texts(doc, found["repeated-phrase"]) == [
        "the Fate of the Fate",
        "fruits and fruits",
        "reduce poverty reduction, reduce poverty reduction",
    ]
    fruits = found["repeated-phrase"][1]
    assert (fruits.span.start, fruits.span.end, fruits.replacement, fruits.origin) == (2880, 2897, "fruits", "rule")


def test_every_spaced_hyphen_found(doc, found):
    expected = doc.text.count(" -")  # every " -" in the sample is an artefact
    hits = found["hyphen-spacing"]
    assert len(hits) == expected == 18
    before = {doc.text[: f.span.start].split()[-1] for f in hits}
    assert before == {"Five", "good", "China", "high", "e", "sub", "low", "counter", "anti", "large"}
    first = hits[0]
    assert (first.span.start, first.span.end, first.replacement) == (464, 466, "-")
    assert doc.text[460:470] == "Five -King"


def test_calques_flagged(doc, found):
    flagged = {f.evidence["phrase"] for f in found["calque"]}
    for phrase in (
        "community of destiny",
        "thirty stands",
        "lip and teeth",
        "first square",
        "three forces",
        "people's livelihood",
        "community of human destiny",
        "community of * destiny",
        "earth village",
        "special effects drugs",
        "sanitary health",
        "humanities exchange",
        "endogenous motivation",
    ):
        assert phrase in flagged, phrase
    destiny = next(f for f in found["calque"] if f.evidence["phrase"] == "community of * destiny")
    assert destiny.span.of(doc.text) == "community of China -Central Asian destiny"
    assert destiny.replacement == "China-Central Asian community with a shared future"
    assert all(f.origin == "glossary" for f in found["calque"] if f.replacement)


def test_no_false_alarms_on_sample(found):
    # The sample's Chinese passage uses ASCII commas and curly quotes; its brackets pair up.
    for check in (
        "cjk-punctuation",
        "missing-space",
        "ordinal-spacing",
        "space-before-punctuation",
        "unpaired-punctuation",
    ):
        assert found[check] == [], check


def test_rule_repairs_of_each_check_apply_cleanly(doc, found):
    for findings in found.values():
        edits = [Edit(f.span, f.replacement, f.message, f.origin) for f in findings if f.origin == "rule"]
        apply_edits(doc.text, edits)  # raises on overlaps
