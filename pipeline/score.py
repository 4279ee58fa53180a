"""Scores: a reference-free MQM-style penalty always, sacrebleu metrics when a reference is given.

Every number carries what is needed to reproduce it: the MQM signature names the
severity weights and the normalisation, sacrebleu scores carry sacrebleu's signature.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from .document import split_paragraphs, word_count
from .findings import Finding, Severity

MQM_SIGNATURE = "mqm|weights:minor=1,major=5,critical=10|per:1000w|words:unicode-regex"


@dataclass(frozen=True)
class QualityScore:
    """Severity-weighted findings per 1,000 words (0 is clean; lower is better)."""

    words: int
    penalty: float
    counts: dict[str, int] = field(default_factory=dict)  # per check id
    severities: dict[str, int] = field(default_factory=dict)  # per severity


def quality_score(findings: Iterable[Finding], text: str) -> QualityScore:
    findings = list(findings)
    words = word_count(text)
    weight = sum(f.severity.weight for f in findings)
    penalty = round(1000.0 * weight / max(words, 1), 2)
    counts = dict(sorted(Counter(f.check for f in findings).items()))
    severities = {s.value: n for s in Severity if (n := sum(f.severity == s for f in findings))}
    return QualityScore(words, penalty, counts, severities)


def _paragraphs(text: str) -> list[str]:
    return [span.of(text) for span in split_paragraphs(text)]


def paragraph_pairs(hypothesis: str, reference: str) -> list[tuple[str, str]]:
    """Segments for the metrics: paragraphs paired 1-1 when both sides have as many;
    otherwise paired by a paragraph-level diff, so that a paragraph one side lacks (a
    removed duplicate title) makes one short segment, not a document-long one. TER's
    shift search grows much faster than linearly with segment length."""
    hyps, refs = _paragraphs(hypothesis), _paragraphs(reference)
    if len(hyps) == len(refs):
        return list(zip(hyps, refs))
    from difflib import SequenceMatcher

    pairs: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, hyps, refs, autojunk=False).get_opcodes():
        if op == "equal" or (op == "replace" and i2 - i1 == j2 - j1):
            pairs.extend(zip(hyps[i1:i2], refs[j1:j2]))
        else:
            pairs.append((" ".join(hyps[i1:i2]), " ".join(refs[j1:j2])))
    return pairs


def reference_scores(hypothesis: str, reference: str) -> dict[str, Any]:
    """BLEU, chrF and TER of ``hypothesis`` against ``reference``, each with its signature,
    corpus-level over paragraph segments (``paragraph_pairs``), and chrF per segment."""
    from sacrebleu.metrics import BLEU, CHRF, TER

    pairs = paragraph_pairs(hypothesis, reference) or [("", "")]
    hyps, refs = [h for h, _ in pairs], [r for _, r in pairs]
    out: dict[str, Any] = {"segments": len(pairs), "aligned_by": "paragraph"}
    for metric in (BLEU(), CHRF(), TER()):
        score = metric.corpus_score(hyps, [refs])
        out[score.name] = {"score": round(score.score, 2), "signature": str(metric.get_signature())}
    chrf = CHRF()
    out["chrF_segments"] = [round(chrf.sentence_score(h, [r]).score, 2) for h, r in pairs]
    return out


@dataclass(frozen=True)
class Scores:
    before: QualityScore
    after: QualityScore
    reference: dict[str, Any] | None = None  # {"before": reference_scores(...), "after": ...}
    signature: str = MQM_SIGNATURE

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def compute_scores(
    original: str,
    findings: Iterable[Finding],
    cleaned: str,
    findings_after: Iterable[Finding],
    reference: str | None = None,
) -> Scores:
    ref = None
    if reference is not None:
        ref = {"before": reference_scores(original, reference), "after": reference_scores(cleaned, reference)}
    return Scores(quality_score(findings, original), quality_score(findings_after, cleaned), ref)
