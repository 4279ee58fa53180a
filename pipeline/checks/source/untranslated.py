"""``untranslated-source``: text in the English copied from the aligned original.

That is, a sentence (or part of one) left untranslated."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import regex

from pipeline.checks.base import covered, register_source
from pipeline.checks.source.base import SourceCheck
from pipeline.core.findings import Finding, Severity
from pipeline.core.spans import Span
from pipeline.original.pair import SourcePair

_HAN = regex.compile(r"\p{Han}")
_HAN_RUN = regex.compile(
    r"\p{Han}(?:[\p{Han}\p{P}\p{N}\p{Zs}]*\p{Han})?[\p{InCJK_Symbols_and_Punctuation}\p{InHalfwidth_and_Fullwidth_Forms}”’」』》）]*"
)


@register_source
class UntranslatedSource(SourceCheck):
    id = "untranslated-source"
    severity = Severity.CRITICAL
    description = "Text of the original copied into the English: a sentence, or part of one, left untranslated"
    languages = ("zh", "ja", "ko", "ru")  # a French or German copy is in English's own letters
    options = {"min_copied": 0.6}  # share of the passage's Han characters found in the original
    score_name = "share of the text copied from the original"

    @classmethod
    def score(cls, findings: Sequence[Finding], text: str, words: int) -> float:
        return covered(findings, text)

    def find_pair(self, pair: SourcePair) -> Iterable[Finding]:
        en_text = pair.en.text
        letter, run = _letter_patterns(pair.rules.letters or "Han")
        for link in pair.alignment.links:
            if not link.en or not link.zh:
                continue
            original = link.zh_span.of(pair.original.text)
            have = Counter(letter.findall(original))
            for m in run.finditer(en_text, link.en_span.start, link.en_span.end):
                han = letter.findall(m.group())
                copied = sum((Counter(han) & have).values()) / len(han)
                if copied < self.config["min_copied"]:
                    continue
                whole = m.start() == link.en_span.start and m.end() >= link.en_span.end - 1
                yield self.finding(
                    Span(m.start(), m.end()),
                    ("sentence left untranslated" if whole else f"{len(han)} Chinese characters left untranslated")
                    + " (copied from the original)",
                    evidence={
                        "zh": original,
                        "zh_start": link.zh_span.start,
                        "zh_end": link.zh_span.end,
                        "copied": round(copied, 3),
                        "language": pair.language,
                    },
                )


def _letter_patterns(script: str) -> tuple[regex.Pattern[str], regex.Pattern[str]]:
    """Letters of ``script`` and a run of them (with the punctuation and spaces inside it)."""
    if script == "Han":
        return _HAN, _HAN_RUN
    letter = rf"\p{{{script}}}"
    return regex.compile(letter), regex.compile(rf"{letter}+(?:[\p{{P}}\p{{N}}\p{{Zs}}]*{letter}+)*[.!?»”]*")
