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

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import regex

_TOKEN = regex.compile(r"[\p{L}\p{N}\p{M}]+(?:['’][\p{L}\p{N}\p{M}]+)*|[^\s\p{L}\p{N}\p{M}-]")
_PLAIN = regex.compile(r"[\p{L}\p{N}\p{M}]+(?: [\p{L}\p{N}\p{M}]+)*")  # most phrases: no tokenizing needed
_WILD = "\x00*"  # the trie key of a wildcard: no text token can equal it
MAX_WILDCARD_WORDS = 3


@dataclass(frozen=True)
class Token:
    text: str  # casefolded, ’ as '
    start: int
    end: int
    sep: str  # the text between the previous token and this one ("" for the first)


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    end = 0
    for m in _TOKEN.finditer(text):
        tokens.append(Token(m.group().casefold().replace("’", "'"), m.start(), m.end(), text[end : m.start()]))
        end = m.end()
    return tokens


def _sep_kind(sep: str) -> str:
    """"" (adjacent), " " (whitespace only) or "-" (contains a hyphen)."""
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


def _sep_fits(want: str, sep: str) -> bool:
    have = _sep_kind(sep)
    if want == "-":
        return have != "" and (have == " " or sep.strip() == "-")
    return have == want


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

    def __bool__(self) -> bool:
        return bool(self.root)

    def finditer(self, text: str) -> Iterator[Match]:
        tokens = tokenize(text)
        i = 0
        while i < len(tokens):
            if not _can_start(tokens, i):
                i += 1
                continue
            best = None
            for index, last, wild in self._walk(self.root, tokens, i, True, None):
                if not _can_end(tokens, last):
                    continue
                key = (self.rank[index], -last)
                if best is None or key < best[0]:
                    best = (key, index, last, wild)
            if best is None:
                i += 1
                continue
            _, index, last, wild = best
            span = (tokens[wild[0]].start, tokens[wild[1]].end) if wild else None
            yield Match(index, tokens[i].start, tokens[last].end, span)
            i = last + 1

    def _walk(self, node: dict, tokens: list[Token], i: int, first: bool, wild: tuple[int, int] | None):
        """(entry, last token, wildcard token span) for every phrase that matches from token i."""
        if i >= len(tokens):
            return
        tok = tokens[i]
        for kind in ("", " ", "-") if not first else ("",):
            if not first and not _sep_fits(kind, tok.sep):
                continue
            child = node.get((kind, tok.text))
            if child is not None:
                if None in child:
                    yield child[None], i, wild
                yield from self._walk(child, tokens, i + 1, False, wild)
            wild_child = node.get((kind, _WILD))
            if wild_child is not None:
                yield from self._wildcard(wild_child, tokens, i, wild)

    def _wildcard(self, node: dict, tokens: list[Token], i: int, wild: tuple[int, int] | None):
        words, j = 0, i
        while j < len(tokens) and tokens[j].text[0].isalnum():
            if j > i and (not tokens[j].sep or tokens[j].sep.strip() not in ("", "-")):
                break
            if j == i or any(c.isspace() for c in tokens[j].sep):
                words += 1
                if words > MAX_WILDCARD_WORDS:
                    break
            span = wild or (i, j)
            if None in node and _can_end(tokens, j):
                yield node[None], j, span
            yield from self._walk(node, tokens, j + 1, False, span)
            j += 1


def _can_start(tokens: list[Token], i: int) -> bool:
    """Not inside a word: "non-community" has no "community" of its own."""
    if i == 0:
        return True
    sep = tokens[i].sep
    return not (sep[:1] in ("-", "'", "’") and tokens[i - 1].text[-1:].isalnum())


def _can_end(tokens: list[Token], i: int) -> bool:
    if i + 1 >= len(tokens):
        return True
    sep = tokens[i + 1].sep
    return not (sep in ("-", "'", "’") and tokens[i + 1].text[:1].isalnum())
