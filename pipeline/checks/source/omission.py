"""``omission``: a sentence of the original with no English counterpart.

The span is empty, at the place in the English where the translation is missing, and the original is in evidence."""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.checks.base import register_source
from pipeline.checks.source.base import SourceCheck, short
from pipeline.core.findings import Finding, Severity
from pipeline.original.pair import SourcePair


@register_source
class Omission(SourceCheck):
    id = "omission"
    severity = Severity.MAJOR
    description = "A sentence of the original has no English translation (an empty span where it is missing)"
    # shorter sentences ("（完）", a byline) are not worth a finding: letters of a Chinese,
    # Japanese or Korean original, words of a Russian, French or German one
    options = {"min_han": 4, "min_words": 3}

    def find_pair(self, pair: SourcePair) -> Iterable[Finding]:
        for link in pair.alignment.links:
            if not link.zh or link.en:
                continue
            original = link.zh_span.of(pair.original.text)
            rules = pair.rules
            if rules.size(original) < self.config["min_han" if rules.size_unit == "letters" else "min_words"]:
                continue
            yield self.finding(
                link.en_span,
                f"not translated: 「{short(original)}」",
                evidence={
                    "zh": original,
                    "zh_start": link.zh_span.start,
                    "zh_end": link.zh_span.end,
                    "zh_sentences": list(link.zh),
                },
            )
