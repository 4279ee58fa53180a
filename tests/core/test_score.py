"""Scores against a reference: before and after are cut into the same segments."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.core.document import split_paragraphs
from pipeline.core.edits import Edit, apply_edits
from pipeline.core.spans import Span
from pipeline.stages.score import compute_scores, paragraph_beads
from tests.support import count_length_costs


def _title_removed(sample: str) -> tuple[str, list[Edit]]:
    """The sample with its repeated title lines removed, as the duplicate-line rule does."""
    paras = split_paragraphs(sample)
    edits = [
        Edit(Span(paras[k - 1].end, p.end), "", "dup", "rule")
        for k, p in enumerate(paras)
        if k and p.of(sample) == paras[0].of(sample)
    ]
    return apply_edits(sample, edits), edits


def test_before_and_after_have_the_same_segments(sample_path: Path) -> None:
    sample = sample_path.read_text(encoding="utf-8")
    cleaned, edits = _title_removed(sample)
    assert len(split_paragraphs(sample)) == 17 and len(split_paragraphs(cleaned)) == 15
    # A reference worded differently in every paragraph (as a human translation is).
    reference = "\n\n".join("Indeed, " + p.of(cleaned) for p in split_paragraphs(cleaned))
    for given in (edits, None):
        ref = compute_scores(sample, [], cleaned, [], reference, given).reference
        assert ref is not None
        assert ref["before"]["segments"] == ref["after"]["segments"] == 15
        # The two removed titles are scored with the kept one, so the first segment differs only there.
        assert ref["before"]["chrF_segments"][1:] == ref["after"]["chrF_segments"][1:]
        assert ref["before"]["chrF_segments"][0] < ref["after"]["chrF_segments"][0]


def test_paragraph_alignment_pairs_by_length() -> None:
    hyps = ["a" * 200, "b" * 40, "c" * 300, "d" * 120]
    refs = ["A" * 210, "C" * 290, "D" * 125]
    beads = paragraph_beads(hyps, refs)
    # The short extra paragraph joins a neighbour; the long ones keep their partners.
    assert beads[1:] == [((2,), (1,)), ((3,), (2,))]
    assert sum(len(h) for h, _ in beads) == 4 and sum(len(r) for _, r in beads) == 3
    assert all(len(h) <= 2 and len(r) <= 2 for h, r in beads)
    assert paragraph_beads([], ["x"]) == [((), (0,))]


def test_paragraph_alignment_is_linear_in_paragraphs() -> None:
    # 1,000 paragraphs against 995: a full table would be a million cells; the band keeps
    # about 50 per paragraph.
    hyps = [f"paragraph {k} " * (3 + k % 7) for k in range(1000)]
    refs = hyps[:500] + hyps[505:]
    beads = paragraph_beads(hyps, refs)
    assert sum(len(h) for h, _ in beads) == 1000 and sum(len(r) for _, r in beads) == 995
    assert ((600,), (595,)) in beads


def test_paragraph_alignment_work_is_linear_when_counts_differ_widely(monkeypatch: pytest.MonkeyPatch) -> None:
    # Half the reference's paragraphs missing: the old band (20 + |n - m| around the
    # diagonal) grew with the difference, so twice the document took ~4x the cells.
    calls = count_length_costs(monkeypatch)
    work = {}
    for n in (600, 1200):
        hyps = [f"paragraph {k} " * (3 + k % 7) for k in range(n)]
        refs = [h for k, h in enumerate(hyps) if k % 4 < 2]  # two of every four
        calls["n"] = 0
        beads = paragraph_beads(hyps, refs)
        assert sum(len(h) for h, _ in beads) == n and sum(len(r) for _, r in beads) == n // 2
        work[n] = calls["n"]
    assert work[600] > 0 and work[1200] / work[600] < 2.2


def test_the_mqm_penalty_counts_a_span_once_at_its_most_severe_finding() -> None:
    """A passage copied from the original is one error, though untranslated and untranslated-source both say it."""
    from pipeline.core.findings import Finding, Severity
    from pipeline.core.scores import MQM_SIGNATURE, quality_score

    text = "The two sides will establish a fast track 人畅其行 and more."
    copied = Span(42, 46)
    one = [Finding("untranslated", copied, Severity.CRITICAL, "Chinese left untranslated")]
    both = [*one, Finding("untranslated-source", copied, Severity.CRITICAL, "copied from the original")]
    assert quality_score(both, text).penalty == quality_score(one, text).penalty > 0
    assert quality_score(both, text).counts == {"untranslated": 1, "untranslated-source": 1}  # both still listed
    # a lesser finding on the same words adds nothing; on other words, or at an empty span, it does
    minor_same = Finding("calque", copied, Severity.MINOR, "literal")
    minor_else = Finding("calque", Span(19, 28), Severity.MINOR, "literal")
    omitted = [Finding("omission", Span(0, 0), Severity.MAJOR, "not translated")] * 2
    assert quality_score([*one, minor_same], text).penalty == quality_score(one, text).penalty
    assert quality_score([*one, minor_else], text).penalty > quality_score(one, text).penalty
    assert quality_score(omitted, text).penalty == pytest.approx(2 * quality_score(omitted[:1], text).penalty, abs=0.01)
    assert MQM_SIGNATURE.endswith("|same-span:once")
