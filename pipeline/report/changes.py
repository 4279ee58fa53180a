"""The reviewable changes of an article: applied edits and suggestions, with stable ids.

One list feeds the findings JSON, the HTML review page and ``tqa apply``, so a change is
shown as ``c3`` everywhere; what a decision is kept under is its ``key``, the stable id of
the finding behind it (``fingerprints.finding_ids``), which neither a selection of checks
nor an edit elsewhere in the text changes. A change carries what a reviewer weighs it by: the finding's
severity and the score change it brings (the MQM penalty its finding adds, per 1,000
words of the original). Decisions default to accepting what was applied and rejecting
what was only suggested, which reproduces the cleaned text.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left
from dataclasses import dataclass

from pipeline.core.edits import Edit
from pipeline.core.findings import Finding, Severity
from pipeline.core.fingerprints import IdMaker, finding_ids
from pipeline.core.result import ArticleResult
from pipeline.core.spans import Span

APPLIED, SUGGESTION = "applied", "suggestion"
ACCEPT, REJECT = "accept", "reject"


@dataclass(frozen=True)
class Change:
    id: str  # "c1", "c2", ... in text order
    kind: str  # APPLIED or SUGGESTION
    edit: Edit  # span into the original text
    severity: str  # of the finding behind it; "" when none matches
    mqm_delta: float  # change of the MQM-style penalty when applied (negative: better)
    conflicts: tuple[str, ...] = ()  # ids of changes touching the same characters
    key: str = ""  # the stable id: its finding's, else one made from the change itself

    @property
    def default(self) -> str:
        return ACCEPT if self.kind == APPLIED else REJECT


def text_sha256(text: str) -> str:
    """The fingerprint a decisions file carries of the text its offsets point into."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class _Findings:
    """The finding behind an edit: same check and span, else same check overlapping, else
    same span; the first such in the findings' order. Indexed, so an article with
    thousands of edits and findings is matched in n·log n, not n²."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        self.exact: dict[tuple[str, Span], int] = {}
        self.at: dict[Span, int] = {}
        by_check: dict[str, list[tuple[int, int]]] = {}
        for k, f in enumerate(findings):
            self.exact.setdefault((f.check, f.span), k)
            self.at.setdefault(f.span, k)
            by_check.setdefault(f.check, []).append((f.span.start, k))
        self.starts = {check: sorted(items) for check, items in by_check.items()}
        self.longest = {check: max(len(findings[k].span) for _, k in items) for check, items in by_check.items()}

    def behind(self, edit: Edit) -> Finding | None:
        k = self.index_behind(edit)
        return None if k is None else self.findings[k]

    def index_behind(self, edit: Edit) -> int | None:
        k = self.exact.get((edit.check, edit.span))
        if k is None:
            k = self._overlapping(edit)
        if k is None:
            k = self.at.get(edit.span)
        return k

    def _overlapping(self, edit: Edit) -> int | None:
        items = self.starts.get(edit.check, [])
        lo = bisect_left(items, (edit.span.start - self.longest.get(edit.check, 0), -1))
        hi = bisect_left(items, (edit.span.end, -1))
        hits = [k for _, k in items[lo:hi] if self.findings[k].span.overlaps(edit.span)]
        return min(hits, default=None)


def mqm_delta(severity: Severity | None, words: int) -> float:
    """What removing one finding of ``severity`` does to the penalty (see ``score.quality_score``)."""
    return -round(1000.0 * severity.weight / max(words, 1), 2) if severity else 0.0


def _touch(a: Edit, b: Edit) -> bool:
    return a.span.overlaps(b.span) or (a.span == b.span)


def review_changes(result: ArticleResult, finding_keys: list[str] | None = None) -> list[Change]:
    """Applied edits and suggestions in text order (applied first at equal spans), numbered;
    ``finding_keys``: the findings' stable ids, when already made."""
    words = result.doc.word_count
    tagged = [(e, APPLIED) for e in result.applied] + [(e, SUGGESTION) for e in result.suggestions]
    tagged.sort(key=lambda pair: (pair[0].span.start, pair[0].span.end, pair[1] != APPLIED))
    ids = [f"c{i}" for i in range(1, len(tagged) + 1)]
    conflicts: list[list[str]] = [[] for _ in tagged]
    for i, (edit, _) in enumerate(tagged):
        # Sorted by start: only the changes that start before this one ends can touch it.
        for j in range(i + 1, len(tagged)):
            other = tagged[j][0]
            if other.span.start > edit.span.end:
                break
            if _touch(edit, other):
                conflicts[i].append(ids[j])
                conflicts[j].append(ids[i])
    changes = []
    index = _Findings(result.findings)
    keys = finding_keys if finding_keys is not None else finding_ids(result.findings, result.doc.text)
    used: set[str] = set()
    own = IdMaker(result.doc.text)
    for i, (edit, kind) in enumerate(tagged):
        k = index.index_behind(edit)
        finding = None if k is None else result.findings[k]
        severity = finding.severity if finding else None
        key = keys[k] if k is not None and keys[k] not in used else ""
        while not key or key in used:  # no finding, or a second change of one finding
            key = own("change:" + edit.check, edit.span.start, edit.span.end)
        used.add(key)
        changes.append(
            Change(
                ids[i],
                kind,
                edit,
                severity.value if severity else "",
                mqm_delta(severity, words),
                tuple(sorted(conflicts[i], key=lambda c: int(c[1:]))),
                key,
            )
        )
    return changes
