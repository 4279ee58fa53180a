"""Chinese words, by jieba: the one tokenizer of a process, loaded on first use.

jieba (MIT) is the segmenter every check that reads Chinese words shares (``name-mismatch``
tags them, ``uncovered-source`` looks them up in CC-CEDICT), so its dictionary (~0.7 s to
load) is read at most once per process, and only when a check needs words. ``cut`` gives the
words of jieba's precise mode, ``words`` the same sentence cut by its tagger with each word's
part of speech; both run on jieba's default tokenizer, so they share its dictionary. The
flags are jieba's (ICTCLAS-style): ``nr`` a person's name, ``ns`` a place, ``nt`` an
organisation, ``n`` a noun, ``v`` a verb, ``x`` punctuation, ...
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from typing import Any


def available() -> bool:
    return importlib.util.find_spec("jieba") is not None


@lru_cache(maxsize=1)
def tokenizer() -> Any:
    """jieba's default tokenizer, its dictionary loaded (raises ImportError without jieba)."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict" lines on stderr
    jieba.dt.initialize()
    return jieba.dt


@lru_cache(maxsize=1)
def _tagger() -> Any:
    import jieba.posseg

    tokenizer()
    return jieba.posseg.dt  # wraps the default tokenizer: the same dictionary


@lru_cache(maxsize=4096)
def _words(text: str) -> tuple[tuple[str, str], ...]:
    return tuple((pair.word, pair.flag) for pair in _tagger().cut(text))


def words(text: str) -> list[tuple[str, str]]:
    """``text`` cut into words, each with its part-of-speech flag, in order (their lengths sum to ``len(text)``)."""
    return list(_words(text))


@lru_cache(maxsize=4096)
def cut(text: str, hmm: bool = True) -> tuple[str, ...]:
    """``text`` cut into words by jieba's precise mode (``hmm``: its HMM joins characters the
    dictionary lacks into words); their lengths sum to ``len(text)``."""
    return tuple(tokenizer().cut(text, HMM=hmm))


def frequency(word: str) -> float:
    """How common ``word`` is in Chinese: occurrences per million words (jieba's dictionary counts)."""
    t = tokenizer()
    return t.FREQ.get(word, 0) * 1e6 / t.total
