"""The words of a document, found once and shared by the checks.

Each check used to scan the text for words itself (about ten scans per article, with
Python work per word). ``WordIndex`` splits the text once into runs of word characters
(``\\w+``: the unit every ``\\b`` of a regex is about) and the gaps between them, in C.
A check asks where the words are that pass a test of its own; the test is a function of
the word alone, cached with ``functools.lru_cache``, so a word already judged (most words
of an article: they are common) costs a lookup in C and no Python code. The Python work of
a check follows the new words it meets, not the length of the text.

The index is cached on the document while the checks run (``run_checks`` drops it after
them): it costs about as much memory as the words themselves.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Sequence
from functools import cached_property, lru_cache
from itertools import accumulate, compress, count
from typing import Any

import regex

_RUN = re.compile(r"(\w+)")
_ATTRIBUTE = "_tqa_word_index"
_LATIN = re.compile(r"[A-Za-z]+")
# words a check's test remembers (lru_cache, least recently used out): more than an article's
# distinct words, so the common ones stay; a corpus brings new names and numbers with every
# record, and at 65,536 a dozen such caches grew a worker by 20 MiB over 50,000 records
WORDS_CACHED = 1 << 12
# letters: no English word, two glued words or romanised Chinese word is longer; checks skip
# longer runs (trying every split or syllable of a 100 kB "word" was quadratic, or recursed)
LONGEST_WORD = 48


_JOINS = frozenset("-'’")  # ``document.word_count`` joins two runs across one of these
_RE_WORD_CHAR = re.compile(r"\w")
_REGEX_WORD_CHAR = regex.compile(r"\w")
_REGEX_LETTER = regex.compile(r"\p{L}")
_LETTERS = regex.compile(r"\p{L}+")


@lru_cache(maxsize=WORDS_CACHED)
def _same_char(char: str) -> bool:
    """``re`` (this index) and ``regex`` (``document.word_count``, untranslated's letters)
    agree on ``char``: a word character to both or neither (they part ways on marks, "²",
    "‿"), a letter to both or neither (Unicode versions may differ)."""
    return (_RE_WORD_CHAR.match(char) is None) == (_REGEX_WORD_CHAR.match(char) is None) and char.isalpha() == (
        _REGEX_LETTER.match(char) is not None
    )


@lru_cache(maxsize=WORDS_CACHED)
def _not_alpha(word: str) -> bool:
    return not word.isalpha()


_casefold = lru_cache(maxsize=WORDS_CACHED)(str.casefold)


@lru_cache(maxsize=WORDS_CACHED)
def _mixed(word: str) -> bool:
    """Not a run of ASCII letters alone ("2020", "COVID19", "café")."""
    return not (word.isascii() and word.isalpha())


class WordIndex:
    """``words[k]`` is the k-th run of word characters, ``gaps[k]`` the text before it
    (``gaps[-1]`` what follows the last word); ``starts``/``ends`` their offsets."""

    def __init__(self, text: str) -> None:
        parts = _RUN.split(text)
        self.text = text
        self.words: list[str] = parts[1::2]
        self.gaps: list[str] = parts[0::2]
        # offsets as machine integers: a list of int objects took 4.5x the memory on long texts
        bounds = array("q", accumulate(map(len, parts)))
        self.starts: Sequence[int] = bounds[0:-1:2]
        self.ends: Sequence[int] = bounds[1::2]

    def __len__(self) -> int:
        return len(self.words)

    def word_count(self) -> int | None:
        """``document.word_count(text)`` (runs joined across a lone -, ' or ’), counted
        from the runs; None if a character of the text is a word character to only one of
        ``re`` and ``regex`` (the runs would then differ from that count's)."""
        if not self.same_chars:
            return None
        return len(self.words) - sum(map(_JOINS.__contains__, self.gaps[1:-1]))

    def where(self, test: Callable[[str], object]) -> list[int]:
        """Indices of the words for which ``test`` is true, in text order. Give a cached
        test (or a set's ``__contains__``): on a hit it runs in C. Each distinct word is
        tested once, and most tests pass none, which ends the search there."""
        passed = set(compress(self.distinct, map(test, self.distinct)))
        if not passed:
            return []
        return list(compress(count(), map(passed.__contains__, self.words)))

    def where_gap(self, test: Callable[[str], object]) -> list[int]:
        """Indices k of the gaps (``gaps[k]`` precedes word k) for which ``test`` is true;
        as in ``where``, each distinct gap is tested once (a text has few: " ", ", ", ...)."""
        distinct = set(self.gaps)
        passed = set(compress(distinct, map(test, distinct)))
        if not passed:
            return []
        return list(compress(count(), map(passed.__contains__, self.gaps)))

    @cached_property
    def distinct(self) -> list[str]:
        return list(set(self.words))

    @cached_property
    def casefolded(self) -> list[str]:
        return list(map(_casefold, self.words))  # cached: one string per distinct word, not per occurrence

    @cached_property
    def same_chars(self) -> bool:
        """``_same_char`` holds for every character of the text (almost always)."""
        return all(map(_same_char, set(self.text)))

    @cached_property
    def latin(self) -> tuple[list[str], Sequence[int], Sequence[int]]:
        """The runs of ASCII letters (``[A-Za-z]+``) with their starts and ends: most words
        are one already; the others (numbers, "COVID19", "café") are split further."""
        return self._runs(_mixed, _LATIN)

    @cached_property
    def letters(self) -> tuple[list[str], Sequence[int], Sequence[int]] | None:
        """The runs of letters (``regex``'s ``\\p{L}+``) with their starts and ends, or None
        when ``re`` and ``regex`` disagree on a character (the runs could then differ)."""
        return self._runs(_not_alpha, _LETTERS) if self.same_chars else None

    def _runs(self, split: Callable[[str], bool], pattern: Any) -> tuple[list[str], Sequence[int], Sequence[int]]:
        """The words, each one for which ``split`` holds replaced by ``pattern``'s matches in it."""
        words: list[str] = []
        starts, ends = array("q"), array("q")
        done = 0
        for k in self.where(split):
            words += self.words[done:k]
            starts += self.starts[done:k]
            ends += self.ends[done:k]
            for m in pattern.finditer(self.words[k]):
                words.append(m.group())
                starts.append(self.starts[k] + m.start())
                ends.append(self.starts[k] + m.end())
            done = k + 1
        words += self.words[done:]
        starts += self.starts[done:]
        ends += self.ends[done:]
        return words, starts, ends


def word_index(doc: Any) -> WordIndex:
    """The index of ``doc``'s text, built on first use and kept on the document."""
    index = doc.__dict__.get(_ATTRIBUTE)
    if index is None or index.text is not doc.text:
        index = WordIndex(doc.text)
        object.__setattr__(doc, _ATTRIBUTE, index)  # documents are frozen; the index is not one of their fields
    return index


def forget(doc: Any) -> None:
    """Drop ``doc``'s index (after the checks: its memory is not needed for the reports),
    leaving the document's word count, which the reports need, counted from it."""
    index = doc.__dict__.pop(_ATTRIBUTE, None)
    if index is not None and index.text is doc.text and "word_count" not in doc.__dict__:
        count = index.word_count()
        if count is not None:
            doc.__dict__["word_count"] = count  # Document.word_count is a cached_property
