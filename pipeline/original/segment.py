"""Chinese words and their parts of speech, by jieba's tagger, loaded once per process on first use.

jieba (MIT) is the segmenter every check that reads Chinese words shares, so its dictionary
(~0.7 s to load) is read at most once per process, and only when a check needs words. The
flags are jieba's (ICTCLAS-style): ``nr`` a person's name, ``ns`` a place, ``nt`` an
organisation, ``n`` a noun, ``v`` a verb, ``x`` punctuation, ...
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _tagger() -> Any:
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict" lines on stderr
    return jieba.posseg.dt  # the default tokenizer: its dictionary cache is shared with jieba.cut


@lru_cache(maxsize=4096)
def _words(text: str) -> tuple[tuple[str, str], ...]:
    return tuple((pair.word, pair.flag) for pair in _tagger().cut(text))


def words(text: str) -> list[tuple[str, str]]:
    """``text`` cut into words, each with its part-of-speech flag, in order (their lengths sum to ``len(text)``)."""
    return list(_words(text))
