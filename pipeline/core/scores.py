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

MQM_SIGNATURE = "mqm|weights:minor=1,major=5,critical=10|per:1000w|words:unicode-regex"


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
    weight = sum(f.severity.weight for f in findings)
    penalty = round(1000.0 * weight / max(words, 1), 2)
    counts = dict(sorted(Counter(f.check for f in findings).items()))
    severities = {s.value: n for s in Severity if (n := sum(f.severity == s for f in findings))}
    return QualityScore(words, penalty, counts, severities, checks or {})


@dataclass(frozen=True)
class Scores:
    before: QualityScore
    after: QualityScore
    reference: dict[str, Any] | None = None  # {"before": reference_scores(...), "after": ...}
    signature: str = MQM_SIGNATURE

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
