"""Scores: a reference-free MQM-style penalty always, sacrebleu metrics when a reference is given.

Every number carries what is needed to reproduce it: the MQM signature names the
severity weights and the normalisation, sacrebleu scores carry sacrebleu's signature.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from pipeline.core.document import word_count
from pipeline.core.findings import Finding, Severity

MQM_SIGNATURE = "mqm|weights:minor=1,major=5,critical=10|per:1000w|words:unicode-regex|same-span:once"


@dataclass(frozen=True)
class QualityScore:
    """Severity-weighted findings per 1,000 words (0 is clean; lower is better)."""

    words: int
    penalty: float
    counts: dict[str, int] = field(default_factory=dict)  # per check id
    severities: dict[str, int] = field(default_factory=dict)  # per severity
    # per check id with findings: {"findings": n, "per_1000w": rate, "score": the check's own
    # figure} (``pipeline.checks.scores.check_scores``; the checks fill it, core cannot)
    checks: dict[str, dict[str, Any]] = field(default_factory=dict)


def quality_score(
    findings: Iterable[Finding], text: str, checks: dict[str, dict[str, Any]] | None = None, words: int | None = None
) -> QualityScore:
    findings = list(findings)
    words = word_count(text) if words is None else words
    penalty = round(1000.0 * error_weight(findings) / max(words, 1), 2)
    counts = dict(sorted(Counter(f.check for f in findings).items()))
    severities = {s.value: n for s in Severity if (n := sum(f.severity == s for f in findings))}
    return QualityScore(words, penalty, counts, severities, checks or {})


def error_weight(findings: Iterable[Finding]) -> int:
    """The severity weights of ``findings``, a text span counted once, at its most severe: two
    checks that flag the same words (``untranslated`` and ``untranslated-source`` on a passage
    copied from the original) found one error, as an MQM annotator marks it once. Findings at an
    empty span (an omission's insertion point) are one error each."""
    total = 0
    spans: dict[tuple[int, int], int] = {}
    for f in findings:
        if f.span.start == f.span.end:
            total += f.severity.weight
        else:
            key = (f.span.start, f.span.end)
            spans[key] = max(spans.get(key, 0), f.severity.weight)
    return total + sum(spans.values())


@dataclass(frozen=True)
class Scores:
    before: QualityScore
    after: QualityScore
    reference: dict[str, Any] | None = None  # {"before": reference_scores(...), "after": ...}
    signature: str = MQM_SIGNATURE

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
