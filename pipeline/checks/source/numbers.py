"""``number-mismatch``: a number that differs between an original's sentence and its English.

A number of the original's sentence that its English lacks, or an English number the
original does not have (digits and Chinese numerals compared by value:
三十 = 30, 5万 = 50,000, 百分之五 = 5%, 2022年 = 2022)."""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.checks.base import register_source
from pipeline.checks.source.base import SourceCheck
from pipeline.core.findings import Finding, Severity
from pipeline.core.spans import Span
from pipeline.original.numbers import en_numbers
from pipeline.original.pair import SourcePair


@register_source
class NumberMismatch(SourceCheck):
    id = "number-mismatch"
    severity = Severity.MAJOR
    description = (
        "A number differs between the Chinese original and its English (digits and Chinese numerals compared by value)"
    )

    def find_pair(self, pair: SourcePair) -> Iterable[Finding]:
        en_text, original_text = pair.en.text, pair.original.text
        for link in pair.alignment.links:
            if not link.zh or not link.en:
                continue
            original = pair.rules.numbers(link.zh_span.of(original_text))
            en = [
                (n, Span(link.en_span.start + n.span.start, link.en_span.start + n.span.end))
                for n in en_numbers(link.en_span.of(en_text))
            ]
            original_all = {n.key for n in original}
            en_all = {n.key for n, _ in en}
            missing = [n for n in original if n.strict and n.key not in en_all]
            extra = [(n, span) for n, span in en if n.strict and n.key not in original_all]
            missing = list({n.key: n for n in missing}.values())  # each value once
            shown = ", ".join(n.text for n in missing)
            evidence_base = {
                "zh": link.zh_span.of(original_text),
                "zh_start": link.zh_span.start,
                "zh_end": link.zh_span.end,
            }
            for n, span in extra:
                message = f"{n.text} is not in the Chinese original" + (f", which has {shown}" if missing else "")
                yield self.finding(
                    span,
                    message,
                    evidence={
                        **evidence_base,
                        "en_number": n.text,
                        "value": n.value,
                        "zh_numbers": [m.text for m in missing],
                    },
                )
            if missing and not extra:
                yield self.finding(
                    link.en_span,
                    f"the Chinese original has {shown}, which the English lacks",
                    evidence={
                        **evidence_base,
                        "zh_numbers": [m.text for m in missing],
                        "values": [m.value for m in missing],
                    },
                )
