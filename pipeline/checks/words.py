"""The words of a document, found once and shared by the checks.

Each check used to scan the text for words itself (about ten scans per article, with
Python work per word). ``WordIndex`` splits the text once into runs of word characters
(``\\w+``: the unit every ``\\b`` of a regex is about) and the gaps between them, in C;
a check asks for what it needs (the lower-case words, the distinct words, the places of
given words) and does its Python work per distinct word where it can, so that work
follows the vocabulary of an article, not its length.

The index is cached on the document while the checks run (``run_checks`` drops it after
them): it costs about as much memory as the words themselves.
"""

from __future__ import annotations

import re
from collections.abc import Container
from functools import cached_property
from itertools import accumulate, compress, count
from typing import Any

_RUN = re.compile(r"(\w+)")
_ATTRIBUTE = "_tqa_word_index"
_LATIN = re.compile(r"[A-Za-z]+")


def _not_ascii_letters(word: str) -> bool:
    return not (word.isascii() and word.isalpha())


class WordIndex:
    """``words[k]`` is the k-th run of word characters, ``gaps[k]`` the text before it
    (``gaps[-1]`` what follows the last word); ``starts``/``ends`` their offsets."""

    def __init__(self, text: str) -> None:
        parts = _RUN.split(text)
        self.text = text
        self.words: list[str] = parts[1::2]
        self.gaps: list[str] = parts[0::2]
        bounds = list(accumulate(map(len, parts)))
        self.starts: list[int] = bounds[0:-1:2]
        self.ends: list[int] = bounds[1::2]

    def __len__(self) -> int:
        return len(self.words)

    @cached_property
    def lower(self) -> list[str]:
        return list(map(str.lower, self.words))

    @cached_property
    def casefolded(self) -> list[str]:
        return list(map(str.casefold, self.words))

    @cached_property
    def distinct(self) -> frozenset[str]:
        return frozenset(self.words)

    @cached_property
    def latin(self) -> tuple[list[str], list[int], list[int]]:
        """The runs of ASCII letters (``[A-Za-z]+``) with their starts and ends: most words
        are one already; the others (numbers, "COVID19", "café") are split further."""
        words, starts, ends = [], [], []
        done = 0
        mixed = compress(count(), map(_not_ascii_letters, self.words))
        for k in mixed:
            words += self.words[done:k]
            starts += self.starts[done:k]
            ends += self.ends[done:k]
            for m in _LATIN.finditer(self.words[k]):
                words.append(m.group())
                starts.append(self.starts[k] + m.start())
                ends.append(self.starts[k] + m.end())
            done = k + 1
        words += self.words[done:]
        starts += self.starts[done:]
        ends += self.ends[done:]
        return words, starts, ends

    def where(self, words: Container[str], lower: bool = False) -> list[int]:
        """Indices of the words (their lower-case forms with ``lower``) that are in ``words``, in text order."""
        return list(compress(count(), map(words.__contains__, self.lower if lower else self.words)))

    def where_gap(self, gaps: Container[str]) -> list[int]:
        """Indices k of the gaps (``gaps[k]`` precedes word k) that are in ``gaps``, in text order."""
        return list(compress(count(), map(gaps.__contains__, self.gaps)))


def word_index(doc: Any) -> WordIndex:
    """The index of ``doc``'s text, built on first use and kept on the document."""
    index = doc.__dict__.get(_ATTRIBUTE)
    if index is None or index.text is not doc.text:
        index = WordIndex(doc.text)
        object.__setattr__(doc, _ATTRIBUTE, index)  # documents are frozen; the index is not one of their fields
    return index


def forget(doc: Any) -> None:
    """Drop ``doc``'s index (after the checks: its memory is not needed for the reports)."""
    doc.__dict__.pop(_ATTRIBUTE, None)
