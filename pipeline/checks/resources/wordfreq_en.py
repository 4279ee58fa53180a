"""English word frequencies (Zipf scale) from wordfreq, loaded once per process on first use.

wordfreq is maintained, covers ~320,000 English word forms from many corpora, and
answers "is this a word people write?" for the glued-word and pinyin checks; looking up
its frequency table directly is many times faster than ``zipf_frequency`` per word.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def _table() -> dict[str, float]:
    try:
        return _read_table()
    except Exception:  # noqa: BLE001 - a wordfreq that stores its data otherwise: ask it
        from wordfreq import get_frequency_dict

        return get_frequency_dict("en", wordlist="best")


def _read_table() -> dict[str, float]:
    """What ``wordfreq.get_frequency_dict("en", "best")`` returns, read from the same file
    (``large_en``, a gzipped msgpack list of frequency buckets, one per centibel), without
    importing wordfreq: its import (langcodes, ftfy) cost ~0.2 CPU-s in every process for
    a table lookup. tests/end_to_end/test_startup.py checks that both give the same table."""
    import gzip
    import importlib.util

    import msgpack  # wordfreq's own dependency

    spec = importlib.util.find_spec("wordfreq")
    if spec is None or not spec.submodule_search_locations:
        raise LookupError("wordfreq is not installed")
    with gzip.open(Path(spec.submodule_search_locations[0]) / "data" / "large_en.msgpack.gz", "rb") as handle:
        header, *buckets = msgpack.load(handle, raw=False)
    if not isinstance(header, dict) or header.get("format") != "cB" or header.get("version") != 1:
        raise ValueError(f"unexpected wordfreq header {header!r}")
    table: dict[str, float] = {}
    for index, bucket in enumerate(buckets):  # a bucket at a time, in C: a comprehension took 0.12 CPU-s
        table.update(dict.fromkeys(bucket, 10 ** (-index / 100)))
    return table


def zipf(word: str) -> float:
    """log10 of the frequency per billion words (the "Zipf" scale: 7 for "the", 0 unknown)."""
    freq = _table().get(word.lower(), 0.0)
    return math.log10(freq) + 9 if freq > 0 else 0.0


_SUFFIXES = ("ments", "ment", "ness", "ings", "ing", "ers", "er", "ed", "es", "s", "ly")
_PREFIXES = ("re", "un", "pre", "de", "dis", "non", "over", "under", "here", "there", "where")


def derived(word: str, threshold: float = 3.0) -> bool:
    """Whether ``word`` is an English word with an affix ("formatters", "relicensing",
    "hereunder") though wordfreq has the form itself rarely: its stem is common."""
    word = word.lower()
    if _suffixed(word, threshold):
        return True
    for prefix in _PREFIXES:
        rest = word[len(prefix) :]
        if word.startswith(prefix) and len(rest) >= 2 and (zipf(rest) >= threshold or _suffixed(rest, threshold)):
            return True
    return False


def _suffixed(word: str, threshold: float) -> bool:
    for suffix in _SUFFIXES:
        stem = word[: -len(suffix)]
        if not word.endswith(suffix) or len(stem) < 3:
            continue
        stems = [stem, stem + "e"] + ([stem[:-1]] if stem[-1] == stem[-2] else [])  # "formatt-ers", "licens-ing"
        if max(zipf(s) for s in stems) >= threshold:
            return True
    return False
