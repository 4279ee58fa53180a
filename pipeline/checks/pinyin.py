"""``pinyin``: romanised Chinese left untranslated ("the jiayou spirit", "zhengfu gongzuo baogao").

A lower-case word (capitalised ones are names) that segments entirely into Mandarin
syllables (the ~410 pypinyin knows: "fichier" is no fi-chi-er), has at least two of them,
is not an accepted rendering in the term base ("gaokao") and is not English by wordfreq:
next to another such word, Zipf below 1.8 (so "guanxi", "hukou" and "tofu" stay); alone,
never seen by wordfreq at all, and not an English word with an affix ("relicensing"). Tone
marks settle it. A run of such words is one finding. Reported as untranslated, minor, and
never repaired automatically: only a translator knows what the syllables stand for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache, lru_cache

from pipeline.checks.base import Check, register
from pipeline.checks.resources.termbase import shipped_termbase
from pipeline.checks.resources.wordfreq_en import derived, zipf
from pipeline.checks.resources.words import LONGEST_WORD, WORDS_CACHED, word_index
from pipeline.core.document import Document
from pipeline.core.findings import Finding, Severity
from pipeline.core.spans import Span
from pipeline.original.pinyin import syllables as mandarin_syllables

_LETTERS = "abcdefghijklmnopqrstuvwxyzāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"  # a word of only these
_JOINERS = ("'", "’", "-")  # not beside the word: "jiayou's", "zhong-guo" are not looked at
_SPACES = re.compile(r"[ \t]+")
_TONES = str.maketrans("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü", "aaaaeeeeiiiioooouuuuvvvvv")


def syllables(word: str) -> int:
    """How many Mandarin syllables ``word`` is made of (0: it is not pinyin). Prefers the
    longest syllable first, backing off where that leaves an impossible rest. A syllable is one
    Mandarin has (pypinyin's ~410, ``pipeline.original.pinyin``), not any initial before any
    final: "fichier" is not fi-chi-er, since no Mandarin syllable is "fi"."""
    known = mandarin_syllables()

    @cache
    def count(i: int) -> int:
        if i == len(word):
            return 0
        for j in range(min(len(word), i + 6), i, -1):
            if word[i:j] in known:
                rest = count(j)
                if rest >= 0:
                    return rest + 1
        return -1

    n = count(0)
    return max(n, 0)


@lru_cache(maxsize=1)
def _accepted() -> frozenset[str]:
    return frozenset(w.lower() for e in shipped_termbase() for r in e.en for w in r.split())


@lru_cache(maxsize=WORDS_CACHED)
def is_pinyin(word: str, alone: bool = True) -> bool:
    """``alone``: not next to another pinyin-like word, so wordfreq must never have seen it."""
    if len(word) > LONGEST_WORD:
        return (
            False  # no romanised word is this long; the syllable count recursed per syllable (a 100 kB "word" crashed)
        )
    plain = word.translate(_TONES)
    if plain != word:
        return syllables(plain) >= 1  # tone marks are never English
    if len(word) < 4 or zipf(plain) >= (0.1 if alone else 1.8):  # the cheap test first: most words are English
        return False
    return syllables(plain) >= 2 and plain not in _accepted() and not derived(plain, 2.5)


@lru_cache(maxsize=WORDS_CACHED)
def _candidate(word: str) -> bool:
    """Made of pinyin letters and pinyin-like beside another such word."""
    return len(word) >= 2 and not word.strip(_LETTERS) and is_pinyin(word, alone=False)


@register
class Pinyin(Check):
    id = "pinyin"
    severity = Severity.MINOR
    description = 'Romanised Chinese (pinyin) left untranslated: "the jiayou spirit"; never repaired automatically'

    def find(self, doc: Document) -> Iterable[Finding]:
        # A match of ``_WORD`` is a whole word of the index, made of its letters, with no
        # apostrophe or hyphen on either side: each distinct word is judged once.
        index = word_index(doc)
        found = index.where(_candidate)
        if not found:
            return []
        text = doc.text
        runs: list[list[int]] = []  # runs of such words, by their index
        for k in found:
            start, end = index.starts[k], index.ends[k]
            if text[start - 1 : start] in _JOINERS or text[end : end + 1] in _JOINERS:
                continue
            if runs and _SPACES.fullmatch(text, index.ends[runs[-1][-1]], start):
                runs[-1].append(k)
            else:
                runs.append([k])
        runs = [run for run in runs if len(run) > 1 or is_pinyin(index.words[run[0]])]
        return [
            self.finding(
                Span(index.starts[run[0]], index.ends[run[-1]]),
                f'romanised Chinese left untranslated: "{text[index.starts[run[0]] : index.ends[run[-1]]]}"',
                evidence={"language": "zh-Latn", "text": text[index.starts[run[0]] : index.ends[run[-1]]]},
            )
            for run in runs
        ]
