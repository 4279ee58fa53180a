"""Chinese words, by jieba: the one tokenizer of a process, loaded on first use.

jieba (MIT) is the segmenter every check that reads Chinese words shares (``name-mismatch``
tags them, ``uncovered-source`` looks them up in CC-CEDICT), so its dictionary is read at
most once per process, and only when a check needs words. ``cut`` gives the words of jieba's
precise mode, ``words`` the same sentence cut by its tagger with each name's part of speech;
both run on jieba's default tokenizer, so they share its dictionary.

Loading: jieba builds its prefix dictionary (every word of its dict.txt and every opening of
one, ~500,000 entries) by reading dict.txt line by line, and keeps it in the temporary folder,
read back through a file object (~0.6 CPU-s). tqa builds the same dictionary with jieba's own
``gen_pfdict`` once and keeps it in tqa's cache folder (``pipeline.util.cache``), read back
from bytes (~0.2 CPU-s). The tagger (``jieba.posseg``) reads dict.txt's tag of every word at
import (~0.5 CPU-s); tqa asks it for names only, so it gets the name tags alone, from the same
cache (~0.03 CPU-s), and the tagger's own model still tags the words it finds in no dictionary.
"""

from __future__ import annotations

import importlib.util
import io
import os
from functools import lru_cache
from typing import Any

from pipeline.util.cache import cached

# jieba's tags of names (ICTCLAS-style): nr a person (nrfg, nrt: other person names), ns a
# place, nt an organisation, nz another proper noun. ``words`` reports these and no others.
NAME_FLAGS = ("nr", "ns", "nt", "nz")
_VERSION = "1"  # bump when what is cached from jieba's dictionary changes


def available() -> bool:
    return importlib.util.find_spec("jieba") is not None


def _dictionary() -> tuple[Any, str]:
    """jieba's module and the path of its default dictionary (dict.txt)."""
    import jieba

    return jieba, os.path.join(os.path.dirname(jieba.__file__), jieba.DEFAULT_DICT_NAME)


@lru_cache(maxsize=1)
def tokenizer() -> Any:
    """jieba's default tokenizer, its dictionary loaded (raises ImportError without jieba)."""
    import logging

    jieba, path = _dictionary()
    jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict" lines on stderr
    dt = jieba.dt
    with dt.lock:
        if not dt.initialized and dt.dictionary == jieba.DEFAULT_DICT:
            version = f"{_VERSION}|jieba {getattr(jieba, '__version__', '?')}"
            freq, total = cached("jieba-prefix-dict", [path], lambda: _prefix_dict(jieba), version)
            dt.FREQ, dt.total, dt.initialized = freq, total, True
    dt.initialize()  # nothing when loaded above; jieba's own loading otherwise (another dictionary)
    return dt


def _prefix_dict(jieba: Any) -> tuple[dict[str, int], int]:
    freq, total = jieba.Tokenizer.gen_pfdict(jieba.dt.get_dict_file())  # jieba's own reading, so the same entries
    return freq, total


def _name_tags() -> dict[str, str]:
    """dict.txt's words tagged as a name, with their tag."""
    jieba, path = _dictionary()

    def build() -> dict[str, str]:
        tags = {}
        with open(path, "rb") as f:
            for line in f:
                parts = line.decode("utf-8").split()
                if len(parts) == 3 and parts[2].startswith(NAME_FLAGS):
                    tags[parts[0]] = parts[2]
        return tags

    return cached("jieba-name-tags", [path], build, f"{_VERSION}|jieba {getattr(jieba, '__version__', '?')}")


@lru_cache(maxsize=1)
def _tagger() -> Any:
    import sys

    dt = tokenizer()
    if "jieba.posseg" in sys.modules:  # imported elsewhere: its tagger has every tag already
        return sys.modules["jieba.posseg"].dt
    # jieba.posseg builds its tagger at import, reading every tag of dict.txt; give it an empty
    # dictionary to read, then the name tags. Only the tags of dictionary words differ, and
    # only for words that are no name: the tagger's cuts never depend on its tags.
    dt.get_dict_file = lambda: io.BytesIO()
    try:
        import jieba.posseg
    finally:
        del dt.get_dict_file
    tagger = jieba.posseg.dt
    tagger.word_tag_tab = _name_tags()
    return tagger


@lru_cache(maxsize=4096)
def _words(text: str) -> tuple[tuple[str, str], ...]:
    return tuple((pair.word, pair.flag if pair.flag.startswith(NAME_FLAGS) else "") for pair in _tagger().cut(text))


def words(text: str) -> list[tuple[str, str]]:
    """``text`` cut by jieba's tagger into words, in order (their lengths sum to ``len(text)``),
    each with its flag when it names something (``NAME_FLAGS``: ``nr`` a person, ``ns`` a place,
    ...; jieba's dictionary tag, or its tagger's for a word no dictionary has), else ''."""
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
