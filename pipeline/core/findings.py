"""What a check reports: a ``Finding`` with its span, severity and evidence."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from pipeline.core.spans import Span


class Severity(str, Enum):
    """MQM-style severities, ordered; ``weight`` is the penalty of one finding."""

    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"

    @property
    def weight(self) -> int:
        return {"minor": 1, "major": 5, "critical": 10}[self.value]

    @property
    def rank(self) -> int:
        return ("minor", "major", "critical").index(self.value)

    def __ge__(self, other: Severity) -> bool:  # type: ignore[override]
        return self.rank >= Severity(other).rank

    def __gt__(self, other: Severity) -> bool:  # type: ignore[override]
        return self.rank > Severity(other).rank

    def __le__(self, other: Severity) -> bool:  # type: ignore[override]
        return self.rank <= Severity(other).rank

    def __lt__(self, other: Severity) -> bool:  # type: ignore[override]
        return self.rank < Severity(other).rank


@dataclass(frozen=True)
class Finding:
    """One defect found by one check.

    ``replacement`` is the check's proposed text for ``span`` (None: nothing to propose);
    ``origin`` says what kind of proposal it is (``rule``: safe and deterministic,
    ``glossary``: a terminology suggestion, ``marian``: needs the translation model).
    Whether a proposal is applied is decided later, in ``plan``.
    """

    check: str
    span: Span
    severity: Severity
    message: str
    replacement: str | None = None
    origin: str | None = None
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self, text: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "check": self.check,
            "severity": self.severity.value,
            "start": self.span.start,
            "end": self.span.end,
            "message": self.message,
        }
        if text is not None:
            out["text"] = self.span.of(text)
        if self.replacement is not None:
            out["replacement"] = self.replacement
            out["origin"] = self.origin
        if self.evidence:
            out["evidence"] = self.evidence
        return out


def in_text_order(findings: Iterable[Finding]) -> list[Finding]:
    """Findings sorted by position, then check id: the order every report uses."""
    return sorted(findings, key=lambda f: (f.span.start, f.span.end, f.check))


class CheckTally:
    """Findings per check over a batch, with a few distinct samples of each: what every
    check catches, at a glance (as OpusFilter's test command shows per filter)."""

    def __init__(self, samples: int = 3) -> None:
        self.samples = samples
        self.counts: dict[str, int] = {}
        self.examples: dict[str, list[str]] = {}

    def add(self, findings: Iterable[Finding], text: str) -> None:
        for f in findings:
            self.counts[f.check] = self.counts.get(f.check, 0) + 1
            seen = self.examples.setdefault(f.check, [])
            if len(seen) >= self.samples:
                continue  # enough samples of this check: no excerpt to make
            shown = f.evidence.get("text")  # a check may name more than its span: "good -neighborly" for " -"
            excerpt = " ".join((shown if isinstance(shown, str) else f.span.of(text)).split())[:60]
            if excerpt and excerpt not in seen:
                seen.append(excerpt)

    def to_dict(self) -> dict[str, dict[str, object]]:
        return {c: {"count": n, "samples": self.examples.get(c, [])} for c, n in sorted(self.counts.items())}
