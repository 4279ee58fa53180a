"""``length-mismatch``: an aligned sentence whose English is far shorter or far longer than its original.

A sentence that lost a clause in translation (or gained one) still aligns with its original,
so ``omission`` says nothing; its length gives it away. The original's length (its language's
rules: for Chinese a Han character 1, any other character 1/3) times the English characters
per original unit gives the English length a faithful translation would have; the sentence is
reported when its English is below ``min_ratio`` of that and short by ``min_chars`` characters
or more (an omission: at least a clause's worth), or above ``max_ratio`` and long by
``min_chars`` or more (an addition).

The characters per unit come from the document itself, shrunk towards the language's typical
ratio (``pipeline.original.pair.EXPECTED_RATIO``) with the weight of ``PRIOR_UNITS`` units of
the original: a long article sets its own ratio (a translator's style), a single sentence is
measured against the language's. The thresholds are learnt on the tune half of the MQM
development split by ``bench/tune_coverage.py``, which prints its choices. On that data the
longer side carries the signal and the shorter does not: a translation 10% longer than its
original predicts is more often one with a major accuracy error (a sentence said twice, an
explanation added), while English shorter than predicted is as common in error-free
translations, so the omission bound learnt is low. The finding is minor: a length is a clue
for the reviewer, who reads the sentence to decide.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.checks.base import register_source
from pipeline.checks.source.base import SourceCheck, short
from pipeline.core.findings import Finding, Severity
from pipeline.original.align import Link, en_length
from pipeline.original.pair import EXPECTED_RATIO, SourcePair

PRIOR_UNITS = 300.0  # the language's ratio counts as this many units of the original
# Learnt by bench/tune_coverage.py on the tune half (its printed choice).
MIN_RATIO = 0.6
MAX_RATIO = 1.1
MIN_CHARS = 55


@dataclass(frozen=True)
class Measure:
    """One link's English length against the length its original predicts."""

    link: Link
    original: float  # the original's length (its language's units)
    expected: float  # English characters a faithful translation would have
    english: float  # English characters it has

    @property
    def ratio(self) -> float:
        return self.english / self.expected if self.expected else float("inf")


def measures(pair: SourcePair) -> list[Measure]:
    """Every link with both sides, measured (see the module docstring)."""
    links = [link for link in pair.alignment.links if link.zh and link.en]
    prior = EXPECTED_RATIO.get(pair.language, EXPECTED_RATIO["zh"])
    lengths = []
    for link in links:
        original = pair.rules.length(link.zh_span.of(pair.original.text))
        lengths.append((link, original, en_length(link.en_span.of(pair.en.text), prior)))
    total_original = sum(o for _, o, _ in lengths)
    total_english = sum(e for _, _, e in lengths)
    ratio = (prior * PRIOR_UNITS + total_english) / (PRIOR_UNITS + total_original)
    return [Measure(link, o, o * ratio, e) for link, o, e in lengths]


def judge(m: Measure, min_ratio: float, max_ratio: float, min_chars: float) -> str | None:
    """``"omission"``, ``"addition"`` or None for one measured link."""
    if m.ratio < min_ratio and m.expected - m.english >= min_chars:
        return "omission"
    if m.ratio > max_ratio and m.english - m.expected >= min_chars:
        return "addition"
    return None


@register_source
class LengthMismatch(SourceCheck):
    id = "length-mismatch"
    # a length is a clue, not an error: the reviewer reads the sentence to decide
    severity = Severity.MINOR
    description = (
        "With the original: an aligned sentence whose English is far shorter (a clause left out) or far longer "
        "(something added) than its original predicts"
    )
    options = {"min_ratio": MIN_RATIO, "max_ratio": MAX_RATIO, "min_chars": MIN_CHARS}

    def find_pair(self, pair: SourcePair) -> Iterable[Finding]:
        for m in measures(pair):
            kind = judge(m, self.config["min_ratio"], self.config["max_ratio"], self.config["min_chars"])
            if kind is None:
                continue
            zh = m.link.zh_span.of(pair.original.text)
            percent = round(100 * m.ratio)
            message = (
                f"the English is {percent}% of the length its original 「{short(zh)}」 predicts: a clause may be missing"
                if kind == "omission"
                else f"the English is {percent}% of the length its original 「{short(zh)}」 predicts: "
                "something may be added"
            )
            yield self.finding(
                m.link.en_span,
                message,
                evidence={
                    "zh": zh,
                    "zh_start": m.link.zh_span.start,
                    "zh_end": m.link.zh_span.end,
                    "kind": kind,
                    "english_chars": round(m.english, 1),
                    "expected_chars": round(m.expected, 1),
                    "ratio": round(m.ratio, 3),
                },
            )
