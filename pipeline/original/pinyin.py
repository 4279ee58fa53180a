"""Pinyin: the Mandarin readings of Chinese characters (pypinyin's table), and whether a romanised name reads a text.

``readings(text)`` gives every tone-less reading of each Han character (a name may use a
rare one: 单 Shan, 曾 Zeng, 尹 Yin); ``romanises(letters, readings)`` says whether a run of
lower-case letters ("wanghuning") spells consecutive characters of the text, one reading
each; ``is_pinyin_like(word)`` whether a word splits into Mandarin syllables at all;
``spelling(text)`` the usual reading of each character ("wang hu ning"). pypinyin (MIT) ships
the readings of ~40,000 characters, the usual one first, in its ``pinyin_dict`` module; tqa
reads that module alone, on first use: importing the package loads its phrase tables too
(~0.9 CPU-s against 0.03).
"""

from __future__ import annotations

import importlib.util
import unicodedata
from functools import lru_cache
from pathlib import Path

import regex

from pipeline.util.cache import cached

_HAN = regex.compile(r"\p{Han}")
_VERSION = "1"  # bump when what is cached from pypinyin's table changes


def _plain(reading: str) -> str:
    """ "zhōng" -> "zhong", "lǜ" -> "lv" (pypinyin's tone-less spelling of ü)."""
    decomposed = unicodedata.normalize("NFD", reading).replace("u\u0308", "v")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _table_path() -> Path:
    spec = importlib.util.find_spec("pypinyin")  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise LookupError("pypinyin is not installed")
    return Path(spec.submodule_search_locations[0]) / "pinyin_dict.py"


@lru_cache(maxsize=1)
def _table() -> dict[int, str]:
    """pypinyin's table: a character's code point -> its tone-marked readings, comma-separated,
    the usual first. Read from tqa's cache folder (``pipeline.util.cache``; executing the
    table's module costs ~0.04 CPU-s, reading it back ~0.01)."""
    path = _table_path()
    return cached("pinyin-table", [path], lambda: _read_table(path), _VERSION)


def _read_table(path: Path) -> dict[int, str]:
    module_spec = importlib.util.spec_from_file_location("_tqa_pinyin_dict", path)
    if module_spec is None or module_spec.loader is None:
        raise LookupError(f"pypinyin has no {path.name}")
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return dict(module.pinyin_dict)


@lru_cache(maxsize=1)
def syllables() -> frozenset[str]:
    """Every tone-less Mandarin syllable with a vowel that pypinyin knows (~410), with ü spelled
    v and u (kept in the cache folder with the table)."""
    return cached("pinyin-syllables", [_table_path()], _syllables, _VERSION)


def _syllables() -> frozenset[str]:
    marked = {r for value in _table().values() for r in value.split(",") if r}  # ~1,500 of 57,000 readings
    found = {_plain(r) for r in marked}
    found = {s for s in found if regex.search("[aeiouv]", s)}  # not the interjections m, n, ng, hm
    return frozenset(found | {s.replace("v", "u") for s in found})


@lru_cache(maxsize=8192)
def is_pinyin_like(word: str) -> bool:
    """``word`` (any case) splits entirely into Mandarin syllables ("Huning", "Li", "Jinping").

    Only the first syllable may start with a vowel: pinyin writes an apostrophe before a later
    one (Xi'an), so "Julio" (ju-li-o) and "Alocasia" are not pinyin."""
    word = word.lower()
    known = syllables()

    memo: dict[int, bool] = {}  # a dict, not functools.cache: a cache object per call costs more than the search

    def split(i: int) -> bool:
        if i in memo:
            return memo[i]
        if i == len(word):
            found = True
        elif i > 0 and word[i] in "aoe":
            found = False
        else:
            found = any(word[i:j] in known and split(j) for j in range(min(len(word), i + 6), i, -1))
        memo[i] = found
        return found

    return word.isascii() and word.isalpha() and split(0)


@lru_cache(maxsize=4096)
def readings(text: str) -> tuple[frozenset[str], ...]:
    """Each character's tone-less readings (ü as both v and u); empty for a character that is not Han."""
    table = _table()
    found: list[frozenset[str]] = []
    for char in text:
        plain = {_plain(r) for r in table.get(ord(char), "").split(",") if r} if _HAN.match(char) else set()
        found.append(frozenset(plain | {p.replace("v", "u") for p in plain}))
    return tuple(found)


def spelling(text: str) -> str:
    """The usual reading of each Han character of ``text``, space-separated ("王沪宁" -> "wang hu ning")."""
    table = _table()
    return " ".join(_plain(table[ord(c)].split(",")[0]) for c in text if _HAN.match(c) and ord(c) in table)


def romanises(letters: str, text_readings: tuple[frozenset[str], ...]) -> tuple[int, int] | None:
    """Where ``letters`` (lower case, no spaces) spells consecutive characters, one reading each:
    the (start, end) character offsets of the first such place, or None."""

    memo: dict[tuple[int, int], int | None] = {}  # as in is_pinyin_like: a dict, not functools.cache

    def spell(i: int, at: int) -> int | None:
        if (i, at) in memo:
            return memo[i, at]
        found = None
        if at == len(letters):
            found = i
        elif i < len(text_readings):
            for reading in text_readings[i]:
                if letters.startswith(reading, at) and (end := spell(i + 1, at + len(reading))) is not None:
                    found = end
                    break
        memo[i, at] = found
        return found

    for start in range(len(text_readings)):
        if text_readings[start] and (end := spell(start, 0)) is not None:
            return start, end
    return None
