"""``mistranslation``: a sentence whose English and original say different things, word for word.

Read both ways through CC-CEDICT (``pipeline.original.lexicon``): the rare content words of the
Chinese sentence that nothing in the English renders (``lexicon.coverage``), and the English
content words that nothing in the Chinese translates (``pipeline.original.grounding``). Either
alone is common in a faithful translation: a translator paraphrases, and the dictionary misses
senses. Both at once, several words on each side, is what a mistranslated term or clause leaves:
the original's words went somewhere, and the English words came from somewhere else. A
sentence is reported when it has ``min_chinese`` or more uncovered Chinese words no more common
than ``max_frequency`` per million, and ``min_english`` or more ungrounded English words.

The thresholds are learnt on the tune half of the MQM development split by
``bench/tune_coverage.py`` (its printed choice); the evidence lists both sides' words, the
Chinese with their dictionary definitions, the English with the headwords the dictionary would
have expected in the original.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pipeline.checks.base import register_source
from pipeline.checks.source.base import LexiconCheck, aligned, dictionary_entry, short, where
from pipeline.core.findings import Finding, Severity
from pipeline.original import lexicon
from pipeline.original.grounding import Ungrounded, explained, ungrounded
from pipeline.original.lexicon import ZH_FUNCTION_WORDS, Word, coverage
from pipeline.original.pair import SourcePair

# Learnt by bench/tune_coverage.py on the tune half (its printed choice).
MIN_CHINESE = 3
MIN_ENGLISH = 2
MAX_FREQUENCY = 10.0


# Chinese numerals: a number's rendering is ``number-mismatch``'s business, not a word's.
_NUMERALS = frozenset("零〇一二两三四五六七八九十百千万亿几多个余")


def rare_words(words: list[Word], max_frequency: float) -> list[Word]:
    """The words that count: known to the dictionary, no more common than ``max_frequency`` per
    million, and neither a numeral nor made only of function words (将会: 将 + 会)."""
    return [
        w
        for w in words
        if w.known
        and w.frequency <= max_frequency
        and not all(ch in _NUMERALS or ch.isdigit() for ch in w.text)
        and not all(ch in ZH_FUNCTION_WORDS for ch in w.text)
    ]


def _enough_uncovered(words: list[Word], needed: int) -> bool:
    """Whether ``needed`` of ``words`` are uncovered, matching no more of them than it takes to tell."""
    uncovered = 0
    for i, w in enumerate(words):
        uncovered += not w.covered
        if uncovered >= needed:
            return True
        if uncovered + len(words) - i - 1 < needed:
            return False
    return needed <= 0


def judge(
    words: list[Word], english_words: list[Ungrounded], min_chinese: int, min_english: int, max_frequency: float
) -> tuple[list[Word], list[Ungrounded]] | None:
    """The uncovered rare Chinese words and the ungrounded English ones, when both reach their thresholds."""
    if len(english_words) < min_english:
        return None
    rare = [w for w in rare_words(words, max_frequency) if not w.covered]
    if len(rare) < min_chinese:
        return None
    return rare, english_words


@register_source
class Mistranslation(LexiconCheck):
    id = "mistranslation"
    severity = Severity.MAJOR
    description = (
        "With the original: a sentence where several rare Chinese words have nothing in the English and several "
        "English words have nothing in the Chinese (CC-CEDICT both ways): the two may say different things"
    )
    options = {"min_chinese": MIN_CHINESE, "min_english": MIN_ENGLISH, "max_frequency": MAX_FREQUENCY}

    def find_pair(self, pair: SourcePair) -> Iterable[Finding]:
        c = self.config
        for link, zh, english in aligned(pair):
            # Cheapest filter first; each only removes words, so the order changes no finding.
            words = coverage(zh, english)
            rare = rare_words(words, c["max_frequency"])
            if len(rare) < c["min_chinese"]:
                continue  # too few rare words: most sentences stop here, before any lookup
            if not _enough_uncovered(rare, c["min_chinese"]):
                continue
            english_words = ungrounded(zh, english, capitalised=True)
            if len(english_words) < c["min_english"]:
                continue  # the reverse lookup alone grounds the English: the other words need no matching
            glossed = frozenset().union(*(lexicon.gloss(w.text).stems for w in words))
            english_words = explained(english_words, glossed)
            found = judge(words, english_words, c["min_chinese"], c["min_english"], c["max_frequency"])
            if found is None:
                continue
            rare, extra = found
            message = (
                f"「{short(zh)}」: {len(rare)} of its words have nothing in the English ("
                + ", ".join(w.text for w in rare[:4])
                + f"), and {len(extra)} English words have nothing in it ("
                + ", ".join(e.text for e in extra[:4])
                + "): the English may say something else"
            )
            yield self.finding(
                link.en_span,
                message,
                evidence={
                    **where(link, zh),
                    "uncovered": [dictionary_entry(w) for w in rare],
                    "ungrounded": [_english(e, link.en_span.start) for e in extra],
                    "dictionary": "CC-CEDICT",
                },
            )


def _english(e: Ungrounded, offset: int) -> dict[str, Any]:
    return {"word": e.text, "start": offset + e.start, "end": offset + e.end, "expected": list(e.headwords)}
