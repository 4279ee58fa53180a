"""``number-mismatch``: a number that differs between an original's sentence and its English.

A number of the original's sentence that its English lacks, or an English number the
original does not have (digits and Chinese numerals compared by value:
三十 = 30, 5万 = 50,000, 百分之五 = 5%, 2022年 = 2022). With a Chinese original, also a
date read as a duration: 11日 (the 11th) or 3月 (March) rendered "11 days", "3 months",
where the Chinese has no such duration (11天, 3个月, 3日内); the evidence has both.
"""

from __future__ import annotations

from collections.abc import Iterable

import regex

from pipeline.checks.base import register_source
from pipeline.checks.source.base import SourceCheck
from pipeline.core.findings import Finding, Severity
from pipeline.core.spans import Span
from pipeline.original.numbers import en_numbers
from pipeline.original.pair import SourcePair

# A day or month of a date (11日, 3月), not a count (3个月) nor a span (3日内, 5月份以来)
_ZH_DATE = regex.compile(r"(?<![0-9０-９个])([0-9]{1,2})(日|月)(?!份?[以之内前后来])")


def _dates_as_durations(zh: str, english: str) -> list[tuple[str, regex.Match[str]]]:
    """(the Chinese date part, the English duration) for each date of ``zh`` that ``english`` reads as a duration."""
    found = []
    for m in _ZH_DATE.finditer(zh):
        number, unit = m.groups()
        word = "days?" if unit == "日" else "months?"
        if regex.search(rf"{number}(?:天|个月|日内|日之内)", zh):
            continue
        if duration := regex.search(rf"(?<![\d.,]){number}\s+{word}\b", english):
            found.append((m.group(), duration))
    return found


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
            if pair.language == "zh":
                for date, duration in _dates_as_durations(evidence_base["zh"], link.en_span.of(en_text)):
                    start = link.en_span.start + duration.start()
                    yield self.finding(
                        Span(start, start + len(duration.group())),
                        f'"{duration.group()}" is a duration; the Chinese {date} is a date',
                        evidence={**evidence_base, "en_number": duration.group(), "zh_date": date},
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
