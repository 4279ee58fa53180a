"""Find many glossary phrases in a text in one pass: a trie over word tokens.

One regex alternation of every phrase costs time and memory that grow with the glossary
(a 100,000-entry term base took 80 s and 1.3 GB per article); walking a token trie from
each word of the text costs time linear in the text (times the longest phrase), whatever
the glossary's size.

Tokens are words (letters, digits and marks, with inner apostrophes: "people's") and
single punctuation marks; hyphens and whitespace are what lies between them. Matching
is case-insensitive and treats ``’`` as ``'``. Between two phrase tokens a space needs
whitespace in the text, nothing needs nothing, and a hyphen accepts a hyphen with or
without spaces ("anti -epidemic") or plain whitespace. A phrase token ``*`` (standing
alone between spaces) matches one to three words; a ``*`` inside a token is an ordinary
character. A match never starts or ends inside a hyphenated or apostrophised word.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import compress, count
from typing import NamedTuple

import regex

from pipeline.checks.resources.words import WordIndex

# The standard library's engine is faster at this; [^\W_] is a letter or digit.
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*|[^\s\w-]|_")
_PLAIN = regex.compile(r"[\p{L}\p{N}\p{M}]+(?: [\p{L}\p{N}\p{M}]+)*")  # most phrases: no tokenizing needed
_WORD = re.compile(r"[^\W_]+")
_APOSTROPHE = re.compile(r"['’]")
_WILD = "\x00*"  # the trie key of a wildcard: no text token can equal it
MAX_WILDCARD_WORDS = 3


class Token(NamedTuple):
    text: str  # casefolded, ’ as '
    start: int
    end: int
    sep: str  # the text between the previous token and this one ("" for the first)


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    tokens: list[Token] = []
    last = start
    for m in _TOKEN.finditer(text, start, len(text) if end is None else end):
        s, e = m.span()
        tokens.append(Token(m.group().casefold().replace("’", "'"), s, e, text[last:s]))
        last = e
    return tokens


_new_tuple = tuple.__new__


class _Tokens:
    """The tokens of ``text`` from ``start``, read only as far as a walk asks."""

    def __init__(self, text: str, start: int) -> None:
        self.text, self.items, self.last = text, [], start
        self._iter = _TOKEN.finditer(text, start)

    def get(self, i: int) -> Token | None:
        while i >= len(self.items):
            m = next(self._iter, None)
            if m is None:
                return None
            s, e = m.span()
            # tuple.__new__: a NamedTuple's own constructor is a Python function, called per token
            self.items.append(
                _new_tuple(Token, (m.group().casefold().replace("’", "'"), s, e, self.text[self.last : s]))
            )
            self.last = e
        return self.items[i]


def _sep_kind(sep: str) -> str:
    """ "" (adjacent), " " (whitespace only) or "-" (contains a hyphen)."""
    if not sep:
        return ""
    return "-" if "-" in sep else " "


def phrase_keys(phrase: str) -> list[tuple[str, str]]:
    """(separator kind, token) pairs of a phrase; the first separator is ""."""
    if _PLAIN.fullmatch(phrase):
        words = phrase.casefold().split(" ")
        return [("", words[0]), *((" ", w) for w in words[1:])]
    keys = []
    for i, tok in enumerate(tokenize(phrase)):
        kind = _sep_kind(tok.sep) if i else ""
        if tok.text == "*" and (i == 0 or kind == " ") and (tok.end == len(phrase) or phrase[tok.end].isspace()):
            keys.append((kind, _WILD))
        else:
            keys.append((kind, tok.text))
    return keys


# The phrase separators a text separator satisfies: a phrase's hyphen also takes
# whitespace; a text hyphen (with or without spaces) only a phrase's hyphen.
_FITTING = {"": ("",), " ": (" ", "-"), "-": ("-",)}


@dataclass(frozen=True)
class Match:
    index: int  # the phrase's position in the list given to PhraseTrie
    start: int
    end: int
    wildcard: tuple[int, int] | None  # character span of the words a ``*`` matched


class PhraseTrie:
    """Phrases (given in order) found left to right, without overlaps. At one position
    the preferred match is a phrase without a wildcard, then the longest phrase, then
    the one given first; a wildcard takes as many words as it can."""

    def __init__(self, phrases: Sequence[str]) -> None:
        self.root: dict = {}
        self.rank: list[tuple[bool, int, int]] = []
        for index, phrase in enumerate(phrases):
            keys = phrase_keys(phrase)
            self.rank.append((any(k[1] == _WILD for k in keys), -len(phrase), index))
            node = self.root
            for key in keys:
                node = node.setdefault(key, {})
            node.setdefault(None, index)  # the first of two equal phrases wins
        # Where a match can start: the leading letters of each phrase's first token. Only
        # there is the text tokenized, and only as far as the trie goes.
        firsts = [key[1].split("'")[0] for key in self.root]
        self._firsts = None if any(not f[:1].isalnum() for f in firsts) else frozenset(firsts)
        # and, per first word, the words that can follow it (None: anything may)
        self._seconds: dict[str, frozenset[str] | None] = {}
        for (_, first), child in self.root.items():
            seconds = [key[1].split("'")[0] for key in child if key is not None]
            ok = None not in child and all(s[:1].isalnum() for s in seconds)
            self._seconds[first] = frozenset(seconds) if ok else None
        # the same, as sets a word index is looked up in (in C): first words anything may
        # follow, and the pairs (first, second) the others need
        self._open = frozenset(first for first, seconds in self._seconds.items() if seconds is None)
        # ... and the triples (first, second, third) where no phrase ends at its second word and
        # every third is a word: "in the new era" need not be tried at every "in the"
        pairs, triples = set(), set()
        for (_, first), child in self.root.items():
            if self._seconds[first] is None:
                continue
            for key, grandchild in child.items():
                second = key[1].split("'")[0]
                thirds = [k[1] for k in grandchild if k is not None]
                if None in grandchild or "'" in key[1] or not all(t[:1].isalnum() for t in thirds):
                    pairs.add((first, second))  # a word index's next two words may not be the tokens
                else:
                    triples.update((first, second, t.split("'")[0]) for t in thirds)
        self._pairs, self._triples = frozenset(pairs), frozenset(triples)
        self._heads = self._pairs | {t[:2] for t in triples}  # the first two words of either

    def __bool__(self) -> bool:
        return bool(self.root)

    def finditer(self, text: str, index: WordIndex | None = None) -> Iterator[Match]:
        """``index``: the word index of ``text``, if the caller has one (``words.word_index``)."""
        if not self.root:
            return
        if self._firsts is None:  # a phrase starts with a wildcard or a mark: try every token
            starts: Iterable[int] = (t.start for t in tokenize(text))
        elif index is not None and "_" not in text:  # without "_" the index's words are _WORD's
            starts = self._starts(index)
        else:
            starts = (
                m.start()
                for m in _WORD.finditer(text)
                if m.group().casefold() in self._firsts and self._may_follow(text, m)
            )
        done = 0
        for pos in starts:
            if pos < done or not _can_start(text, pos):
                continue
            tokens = _Tokens(text, pos)
            best = None
            for index, last, wild in self._walk(self.root, tokens, 0, True, None):
                if not _can_end(text, tokens.items[last].end):
                    continue
                key = (self.rank[index], -last)
                if best is None or key < best[0]:
                    best = (key, index, last, wild)
            if best is None:
                continue
            _, index, last, wild = best
            span = (tokens.items[wild[0]].start, tokens.items[wild[1]].end) if wild else None
            done = tokens.items[last].end
            yield Match(index, pos, done, span)

    def _starts(self, index: WordIndex) -> list[int]:
        """Where ``_may_follow`` holds, found with set lookups over the index's words."""
        words = index.casefolded
        ks = set(compress(count(), map(self._open.__contains__, words)))
        pairs, triples, last = self._pairs, self._triples, len(words) - 3
        for k in compress(count(), map(self._heads.__contains__, zip(words, words[1:]))):  # few: a loop will do
            if (words[k], words[k + 1]) in pairs or (k <= last and (words[k], words[k + 1], words[k + 2]) in triples):
                ks.add(k)
        # "people's": the first token is longer than the word; apostrophes are few, so they are
        # found in the text and each is matched to the word that ends there
        ends = index.ends
        for m in _APOSTROPHE.finditer(index.text):
            k = bisect_left(ends, m.start())
            if k < len(ends) and ends[k] == m.start() and words[k] in self._firsts:
                ks.add(k)
        starts = index.starts
        return [starts[k] for k in sorted(ks)]

    def _may_follow(self, text: str, word: re.Match[str]) -> bool:
        """A cheap look at the next word, which rules out most candidates."""
        if text[word.end() : word.end() + 1] in ("'", "’"):
            return True  # "people's": the first token is longer than the word
        key = ("", word.group().casefold())
        if key not in self.root:
            return False
        seconds = self._seconds[key[1]]
        if seconds is None:
            return True
        after = _WORD.search(text, word.end())
        return after is not None and after.group().casefold() in seconds

    def _walk(self, node: dict, tokens: _Tokens, i: int, first: bool, wild: tuple[int, int] | None):
        """(entry, last token, wildcard token span) for every phrase that matches from token i."""
        tok = tokens.get(i)
        if tok is None:
            return
        for kind in ("",) if first else _FITTING[_sep_kind(tok.sep)] if tok.sep.strip() in ("", "-") else ():
            child = node.get((kind, tok.text))
            if child is not None:
                if None in child:
                    yield child[None], i, wild
                yield from self._walk(child, tokens, i + 1, False, wild)
            wild_child = node.get((kind, _WILD))
            if wild_child is not None:
                yield from self._wildcard(wild_child, tokens, i, wild)

    def _wildcard(self, node: dict, tokens: _Tokens, i: int, wild: tuple[int, int] | None):
        words, j = 0, i
        while (tok := tokens.get(j)) is not None and tok.text[0].isalnum():
            if j > i and (not tok.sep or tok.sep.strip() not in ("", "-")):
                break
            if j == i or any(c.isspace() for c in tok.sep):
                words += 1
                if words > MAX_WILDCARD_WORDS:
                    break
            span = wild or (i, j)
            if None in node:
                yield node[None], j, span
            yield from self._walk(node, tokens, j + 1, False, span)
            j += 1


def _can_start(text: str, pos: int) -> bool:
    """Not inside a word: "non-community" has no "community" of its own."""
    return not (pos >= 2 and text[pos - 1] in "-'’" and text[pos - 2].isalnum())


def _can_end(text: str, end: int) -> bool:
    return not (end + 1 < len(text) and text[end] in "-'’" and text[end + 1].isalnum())
