"""Scoring an article before and after repair: the MQM-style penalty and each check's
figures always, sacrebleu's BLEU, chrF and TER against a reference when one is given
(paragraphs paired first)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pipeline.checks.scores import check_scores
from pipeline.core.document import split_paragraphs, word_count
from pipeline.core.edits import Edit
from pipeline.core.findings import Finding
from pipeline.core.scores import QualityScore, Scores, quality_score


def _paragraphs(text: str) -> list[str]:
    return [span.of(text) for span in split_paragraphs(text)]


_VARIANCE = 6.8  # Gale & Church's variance of character lengths


def paragraph_beads(hyps: list[str], refs: list[str]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Hypothesis paragraphs linked to reference paragraphs: 1-1 when both sides have as
    many, otherwise by Gale–Church length alignment (1-1, 1-0, 0-1, 2-1, 1-2 beads; the
    sentence aligner's ``align_lengths``, so linear in the paragraphs of a long document
    whatever the difference in their counts). A paragraph one side lacks (a removed
    duplicate title) is one short segment: TER's shift search on a whole document can
    take minutes."""
    n, m = len(hyps), len(refs)
    if n == m:
        return [((k,), (k,)) for k in range(n)]
    if not n or not m:
        return [(tuple(range(n)), tuple(range(m)))]
    from pipeline.original.align import Side, align_lengths

    beads = align_lengths(Side([len(h) for h in hyps], [0] * n), Side([len(r) for r in refs], [0] * m), 1.0, _VARIANCE)
    return [(a, b) for a, b, _ in beads]


def paragraph_pairs(hypothesis: str, reference: str) -> list[tuple[str, str]]:
    """Segments for the metrics: the paragraphs of each bead (``paragraph_beads``), joined."""
    hyps, refs = _paragraphs(hypothesis), _paragraphs(reference)
    return [(" ".join(hyps[k] for k in h), " ".join(refs[k] for k in r)) for h, r in paragraph_beads(hyps, refs)]


def segment_pairs(
    original: str, cleaned: str, reference: str, edits: Iterable[Edit] | None = None
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Segments before and after, cut the same way: the cleaned text's paragraphs are
    aligned with the reference's, and each paragraph of the original goes with the
    cleaned paragraph the edits made of it (a removed one with the segment before), so
    the before and after scores compare like with like."""
    from pipeline.report.diff import align_paragraphs, display_edits

    if edits is None:  # no record of the edits: read them off a diff
        edits, _ = display_edits(original, cleaned, [])
    a_spans, b_spans = split_paragraphs(original), split_paragraphs(cleaned)
    hyps, refs = [s.of(cleaned) for s in b_spans], _paragraphs(reference)
    beads = paragraph_beads(hyps, refs) or [((), ())]
    bead_of = {k: n for n, (h, _) in enumerate(beads) for k in h}
    a_index = {s.start: k for k, s in enumerate(a_spans)}
    b_index = {s.start: k for k, s in enumerate(b_spans)}
    a_ends = [s.end for s in a_spans]
    before: list[list[int]] = [[] for _ in beads]
    current = 0
    for pair in align_paragraphs(original, cleaned, list(edits)):
        if pair.b is not None:
            current = bead_of.get(b_index[pair.b.start], current)
        if pair.a is not None:
            first = a_index[pair.a.start]
            last = first
            while last + 1 < len(a_spans) and a_ends[last] < pair.a.end:
                last += 1
            before[current].extend(range(first, last + 1))
    olds = [s.of(original) for s in a_spans]
    after_pairs = [(" ".join(hyps[k] for k in h), " ".join(refs[k] for k in r)) for h, r in beads]
    before_pairs = [(" ".join(olds[k] for k in ks), ref) for ks, (_, ref) in zip(before, after_pairs)]
    return before_pairs, after_pairs


def reference_scores(hypothesis: str, reference: str, pairs: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    """BLEU, chrF and TER of ``hypothesis`` against ``reference``, each with its signature,
    corpus-level over paragraph segments (``pairs``, else ``paragraph_pairs``), and chrF per segment."""
    from sacrebleu.metrics import BLEU, CHRF, TER

    pairs = pairs or paragraph_pairs(hypothesis, reference) or [("", "")]
    hyps, refs = [h for h, _ in pairs], [r for _, r in pairs]
    out: dict[str, Any] = {"segments": len(pairs), "aligned_by": "paragraph"}
    for metric in (BLEU(), CHRF(), TER()):
        score = metric.corpus_score(hyps, [refs])
        out[score.name] = {"score": round(score.score, 2), "signature": str(metric.get_signature())}
    chrf = CHRF()
    out["chrF_segments"] = [round(chrf.sentence_score(h, [r]).score, 2) for h, r in pairs]
    return out


def compute_scores(
    original: str,
    findings: Iterable[Finding],
    cleaned: str,
    findings_after: Iterable[Finding],
    reference: str | None = None,
    edits: Iterable[Edit] | None = None,
) -> Scores:
    """``edits`` are those that made ``cleaned`` of ``original`` (read off a diff when not given)."""
    ref = None
    if reference is not None:
        before, after = segment_pairs(original, cleaned, reference, edits)
        ref = {
            "before": reference_scores(original, reference, before),
            "after": reference_scores(cleaned, reference, after),
        }
    return Scores(_quality(findings, original), _quality(findings_after, cleaned), ref)


def _quality(findings: Iterable[Finding], text: str) -> QualityScore:
    """The MQM penalty with each check's figures (``check_scores``) on ``text``."""
    findings, words = list(findings), word_count(text)
    return quality_score(findings, text, check_scores(findings, text, words), words)
