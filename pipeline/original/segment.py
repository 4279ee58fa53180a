"""Chinese words, by jieba: tqa's one tokenizer of a process, loaded on first use.

jieba (MIT) is the segmenter every check that reads Chinese words shares (``name-mismatch``
tags them, ``uncovered-source`` looks them up in CC-CEDICT), so its dictionary is read at
most once per process, and only when a check needs words. ``cut`` gives the words of jieba's
precise mode, ``words`` the same sentence cut by its tagger with each name's part of speech;
both run on tqa's own jieba tokenizer, so they share its dictionary, and jieba's default
tokenizer and tagger stay as jieba makes them for any other user in the process.

Loading: jieba builds its prefix dictionary (every word of its dict.txt and every opening of
one, ~500,000 entries) by reading dict.txt line by line, keeps it in the temporary folder and
reads it back through a file object (~0.6 CPU-s). tqa builds the same entries with jieba's
own ``gen_pfdict`` once, keeps them in tqa's cache folder (``pipeline.util.cache``) by their
first two characters (``pipeline.util.shelf``), and reads those a text can look up when a
text comes (``admit``; ~0.04 CPU-s to open, ~0.04 for the ~41,000 entries the 455 MQM
documents look up). The tagger (``jieba.posseg``) reads dict.txt's tag of every word at
import (~0.5 CPU-s); tqa asks it for names only, so its tagger gets the name tags alone, from
the same cache and by the same pieces, and the tagger's own model still tags the words it
finds in no dictionary.
"""

from __future__ import annotations

import importlib.util
import io
import os
from array import array
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from pipeline.util.cache import cached
from pipeline.util.shelf import Packed, Shelf, pack_strings, shelve, unpack_strings

# jieba's tags of names (ICTCLAS-style): nr a person (nrfg, nrt: other person names), ns a
# place, nt an organisation, nz another proper noun. ``words`` reports these and no others.
NAME_FLAGS = ("nr", "ns", "nt", "nz")
_VERSION = "7"  # bump when what is cached from jieba's dictionary changes


def available() -> bool:
    return importlib.util.find_spec("jieba") is not None


def _dictionary() -> tuple[Any, str]:
    """jieba's module and the path of its default dictionary (dict.txt)."""
    import jieba

    return jieba, os.path.join(os.path.dirname(jieba.__file__), jieba.DEFAULT_DICT_NAME)


def _pack(entries: dict[str, int]) -> tuple[str, bytes]:
    """Words joined by newlines, counts as 64-bit integers: faster to read than a dict."""
    return "\n".join(entries), array("q", entries.values()).tobytes()


def _unpack(packed: tuple[str, bytes]) -> Iterable[tuple[str, int]]:
    words, counts = packed
    numbers = array("q")
    numbers.frombytes(counts)
    return zip(words.split("\n"), numbers)


def _shelved(jieba: Any) -> tuple[int, Packed]:
    """(total count, the entries shelved): jieba's own reading of dict.txt (``gen_pfdict``), so
    the same entries."""
    freq, total = jieba.Tokenizer.gen_pfdict(jieba.dt.get_dict_file())
    return total, shelve(freq, _pack)


@lru_cache(maxsize=1)
def _loaded() -> tuple[Any, Shelf]:
    import logging

    jieba, path = _dictionary()
    jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict" lines on stderr
    total, packed = cached("jieba-prefix-dict", [path], lambda: _shelved(jieba), f"{_VERSION}|jieba {_version(jieba)}")
    # tqa's own tokenizer, not jieba's default one, whose dictionary stays whole for any other user
    own = jieba.Tokenizer()
    shelf = Shelf(packed, _unpack)
    own.FREQ, own.total, own.initialized = shelf.table, total, True
    return own, shelf


def tokenizer() -> Any:
    """tqa's jieba tokenizer (raises ImportError without jieba): jieba's dictionary and counts,
    its ``FREQ`` holding the entries the texts seen so far can look up (``admit``)."""
    return _loaded()[0]


def admit(text: str) -> None:
    """Make sure the dictionary holds every entry a cut of ``text`` can look up."""
    _loaded()[1].admit(text)


def _version(jieba: Any) -> str:
    return str(getattr(jieba, "__version__", "?"))


@lru_cache(maxsize=1)
def _name_tags() -> Shelf:
    """dict.txt's words tagged as a name, with their tag, shelved (read by the texts' pieces)."""
    jieba, path = _dictionary()

    def build() -> Packed:
        tags = {}
        with open(path, "rb") as f:
            for line in f:
                parts = line.decode("utf-8").split()
                if len(parts) == 3 and parts[2].startswith(NAME_FLAGS):
                    tags[parts[0]] = parts[2]
        return shelve(tags, pack_strings)

    return Shelf(cached("jieba-name-tags", [path], build, f"{_VERSION}|jieba {_version(jieba)}"), unpack_strings)


class _WholeTable(dict):  # type: ignore[type-arg]
    """jieba.posseg's own tagger's tags, read from dict.txt when that tagger is first used
    (jieba.posseg builds it at import, reading every tag: ~0.5 CPU-s tqa does not need)."""

    def __init__(self, jieba: Any) -> None:
        super().__init__()
        self._jieba: Any = jieba

    def get(self, key: Any, default: Any = None) -> Any:
        if self._jieba is not None:
            jieba, self._jieba = self._jieba, None
            for line in jieba.dt.get_dict_file():
                word, _, tag = line.strip().decode("utf-8").split(" ")
                self.setdefault(word, tag)
        return super().get(key, default)


@lru_cache(maxsize=1)
def _tagger() -> Any:
    import sys

    own = tokenizer()
    jieba, _ = _dictionary()
    if "jieba.posseg" not in sys.modules:
        # its default tagger reads every tag of dict.txt at import: give it none to read now,
        # and the whole table when someone uses it
        jieba.dt.get_dict_file = lambda: io.BytesIO()
        try:
            import jieba.posseg
        finally:
            del jieba.dt.get_dict_file
        jieba.posseg.dt.word_tag_tab = _WholeTable(jieba)
    import jieba.posseg

    # tqa's tagger, on its own tokenizer, with the name tags alone: the tagger's cuts never
    # depend on its tags, and only the tags of dictionary words that are no name differ
    own.get_dict_file = lambda: io.BytesIO()
    try:
        tagger = jieba.posseg.POSTokenizer(own)
    finally:
        del own.get_dict_file
    tagger.word_tag_tab = _name_tags().table
    return tagger


@lru_cache(maxsize=4096)
def _words(text: str) -> tuple[tuple[str, str], ...]:
    admit(text)
    tagger = _tagger()
    _name_tags().admit(text)  # the tags a word of ``text`` can have
    return tuple((pair.word, pair.flag if pair.flag.startswith(NAME_FLAGS) else "") for pair in tagger.cut(text))


def words(text: str) -> list[tuple[str, str]]:
    """``text`` cut by jieba's tagger into words, in order (their lengths sum to ``len(text)``),
    each with its flag when it names something (``NAME_FLAGS``: ``nr`` a person, ``ns`` a place,
    ...; jieba's dictionary tag, or its tagger's for a word no dictionary has), else ''."""
    return list(_words(text))


@lru_cache(maxsize=4096)
def cut(text: str, hmm: bool = True) -> tuple[str, ...]:
    """``text`` cut into words by jieba's precise mode (``hmm``: its HMM joins characters the
    dictionary lacks into words); their lengths sum to ``len(text)``."""
    admit(text)
    return tuple(tokenizer().cut(text, HMM=hmm))


def frequency(word: str) -> float:
    """How common ``word`` is in Chinese: occurrences per million words (jieba's dictionary counts)."""
    admit(word)
    t = tokenizer()
    return t.FREQ.get(word, 0) * 1e6 / t.total
