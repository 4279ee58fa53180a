"""Spoken style in transcripts: restarts and quotations cut at a cue are not MT errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.checks import build_checks, run_checks
from pipeline.core.document import Document, load_document
from pipeline.core.findings import Severity
from tests.support import TEST_DATA

TRANSCRIPTS = sorted((TEST_DATA / "transcripts").glob("*.txt"))


def found(text: str, check: str):
    return [f for f in run_checks(Document.from_text(text), build_checks()) if f.check == check]


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=lambda p: p.name)
def test_real_transcripts_raise_no_repetition_or_quotation_findings(path: Path) -> None:
    findings = run_checks(load_document(path), build_checks())
    assert [f for f in findings if f.check in ("repeated-phrase", "unpaired-punctuation")] == []


def test_a_quotation_cut_at_a_cue_boundary_is_one_quotation() -> None:
    cues = "John F. Kennedy declared\nto this chamber that “the Constitution makes\n\nus not rivals for power but partners for progress.”\n(Applause.)"
    assert found(cues, "unpaired-punctuation") == []
    straight = 'He said "we will\n\nbe there" and left.'
    assert found(straight, "unpaired-punctuation") == []


def test_quote_marks_unpaired_across_paragraphs_in_other_ways_are_still_found() -> None:
    # the next paragraph's first quote opens a quotation of its own: nothing closes the first
    text = "He said “we will be there.\n\nShe replied “no” and left."
    assert [f.span.of(text) for f in found(text, "unpaired-punctuation")] == ["“"]
    # a closing mark two paragraphs later is not the same quotation
    text = "He said “we will.\n\nThey left.\n\nBe there” was all."
    assert len(found(text, "unpaired-punctuation")) == 2


@pytest.mark.parametrize(
    "text, phrase",
    [
        ("And if we, if we get this done, we will be fine.", "if we, if we"),
        ("I think, I think that is right.", "I think, I think"),
        ("Number one, number one is jobs.", "Number one, number one"),
    ],
)
def test_a_spoken_restart_after_a_comma_is_minor_and_not_repaired(text: str, phrase: str) -> None:
    [finding] = found(text, "repeated-phrase")
    assert finding.span.of(text) == phrase
    assert finding.severity is Severity.MINOR and finding.replacement is None
    assert finding.evidence["kind"] == "restart"


@pytest.mark.parametrize(
    "text, phrase",
    [
        (
            "We must reduce poverty reduction, reduce poverty reduction in rural areas.",
            "reduce poverty reduction, reduce poverty reduction",
        ),
        ("And if we if we get this done, we will be fine.", "if we if we"),  # no comma: MT doubling
    ],
)
def test_mt_doubling_stays_major_with_its_repair(text: str, phrase: str) -> None:
    [finding] = found(text, "repeated-phrase")
    assert finding.span.of(text) == phrase
    assert finding.severity is Severity.MAJOR and finding.replacement is not None
