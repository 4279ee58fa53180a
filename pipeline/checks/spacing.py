"""Tokenizer artefacts: spacing that machine translation leaves around punctuation.

MT systems tokenize ("good-neighborly" -> "good @-@ neighborly") and detokenize
imperfectly; what comes out is a space on the wrong side of a mark. Each artefact is its
own check id so it can be switched off alone:

- ``hyphen-spacing``: "good -neighborly", "e -commerce", "COVID -19", "anti - terrorism"
- ``space-before-punctuation``: "China , Central Asia", "the end .", "China 's"
- ``missing-space``: "cooperation.The", "trade,and"
- ``ordinal-spacing``: "the 30 th anniversary"

Every repair only moves or removes spaces, so all are ``rule`` repairs. The patterns
demand letters on both sides (Latin letters for ``missing-space``), which keeps numbers,
ranges, URLs, abbreviations ("U.S.") and Chinese text out of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import Any

import regex

from pipeline.checks.base import PatternCheck, register
from pipeline.core.document import Document
from pipeline.core.findings import Severity
from pipeline.core.spans import Span

# Every hyphen with spaces on either side; which of them are artefacts is decided per
# match below, since they are few and a Python test there is cheaper than lookbehinds
# evaluated at every position of the text.
_HYPHEN = regex.compile(r"([ \t]*)-([ \t]*)(?=[\p{L}\p{N}])")
_WORD_BEFORE = regex.compile(r"[\p{L}\p{N}]+\Z")


def _spaced_hyphens(text: str) -> Iterator[regex.Match[str]]:
    """The matches of ``_HYPHEN.finditer(text)`` with a space or tab beside the hyphen, found
    from the hyphens (``str.find``) instead of trying the pattern at every character. A
    match starts at the first of the spaces before its hyphen, or at the hyphen; one
    without spaces holds only its hyphen, so leaving those out changes no other match."""
    done = 0
    at = text.find("-")
    while at >= 0:
        start = at
        while start > done and text[start - 1] in " \t":
            start -= 1
        if start < at or text[at + 1 : at + 2] in (" ", "\t"):
            m = _HYPHEN.match(text, start)
            if m is not None:
                yield m
                done = m.end()
        at = text.find("-", max(at + 1, done))


_WORD_AFTER = regex.compile(r"\p{Ll}+\b")
_NEXT_WORD = regex.compile(r"[\p{L}\p{N}]+")
# "word -word": a space before the hyphen and none after is never a dash in edited prose.
# Digits may follow only an acronym ("COVID -19"): "3 -1" is a score, "to -10" a negative
# number. Spaced on both sides ("Beijing - China's ...", "high - the highest") or after
# ("short- and long-term") it may be a dash or a suspended hyphen, so only after a bound
# prefix that never ends a phrase.
_PREFIXES = frozenset(
    "anti counter co cross e ex inter mid multi non post pre pro self semi sub super trans ultra vice".split()
)
_CONJUNCTIONS = frozenset({"and", "or", "to", "but", "nor"})

# A space before , . ; : ? ! (ending a word run: followed by space, end, or a closing
# quote/bracket, so ".45 calibre", ".com" and "..." stay out), before a closing bracket,
# or before a split-off possessive ("China 's").
_SPACE_BEFORE = regex.compile(
    r"[ \t]+(?:(?P<punct>[,;:?!]|\.(?!\.))(?=$|\s|[\"”’)\]])|(?P<close>[)\]])|(?P<poss>['’]s\b))", flags=regex.M
)
_SPACE_THEN_MARK = re.compile(r"[ \t][,;:?!.)\]'’]")  # the end of every match of _SPACE_BEFORE


def _spaced_marks(text: str) -> Iterator[regex.Match[str]]:
    """What ``_SPACE_BEFORE.finditer(text)`` finds, trying the pattern only at the spaces
    before a mark (a match starts at the first space of the run before its mark)."""
    done = 0
    for candidate in _SPACE_THEN_MARK.finditer(text):
        start = candidate.start()
        if start < done:
            continue
        while start > done and text[start - 1] in " \t":
            start -= 1
        m = _SPACE_BEFORE.match(text, start)
        if m is not None:
            yield m
            done = m.end()


_SPACE_AFTER_OPEN = regex.compile(r"[(\[][ \t]+(?=[\p{L}\p{N}])")
_WORD_END = frozenset('"”’)]')

# ".The" needs a lowercase word of 2+ letters before it, which leaves out initials
# ("J.K."), "U.S." and most domain names; ",and" needs Latin letters on both sides, which
# leaves out "1,000" and Chinese text with ASCII commas.
_MISSING_SPACE = regex.compile(
    r"[.?!](?<=\p{Ll}\p{Ll}.)(?=\p{Lu}\p{Ll})|[,;](?<=\p{Latin}\p{Latin}.)(?=\p{Latin}\p{Latin})"
)

_ORDINAL = regex.compile(r"\b(\d+)([ \t]+)(st|nd|rd|th)\b")


def _ordinal_suffix(number: str) -> str:
    n = int(number[-2:])
    if 10 <= n % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def _strip(s: str) -> str:
    return "".join(s.split())


@register
class HyphenSpacing(PatternCheck):
    id = "hyphen-spacing"
    severity = Severity.MINOR
    description = 'Space inside a hyphenated compound, a tokenizer artefact: "good -neighborly", "e -commerce"'

    def matches(self, doc: Document) -> Iterable[regex.Match[str]]:
        return _spaced_hyphens(doc.text)

    def keep(self, m: regex.Match[str], doc: Document) -> bool:
        text = doc.text
        before, after = m.group(1), m.group(2)
        if not before and not after:
            return False  # an ordinary compound
        word = _WORD_BEFORE.search(text, max(0, m.start() - 20), m.start())
        if word is None or not word.group()[-1].isalpha():
            return False
        if text[m.end()].isdigit() and not (after == "" and word.group().isupper()):
            return False
        if after:  # "anti - terrorism", "anti- terrorism": only after a known prefix
            following = _WORD_AFTER.match(text, m.end())
            if word.group().lower() not in _PREFIXES or following is None or following.group() in _CONJUNCTIONS:
                return False
            if not before and len(following.group()) < 3:
                return False
        return True

    def message(self, m: regex.Match[str], doc: Document) -> str:
        return f'space inside a hyphenated compound: "{_compound(doc.text, m)}"'

    def replacement(self, m: regex.Match[str], doc: Document) -> str:
        return "-"

    def evidence(self, m: regex.Match[str], doc: Document) -> dict[str, Any]:
        return {"text": _compound(doc.text, m)}


def _compound(text: str, m: regex.Match[str]) -> str:
    """The compound around a kept spaced hyphen: the word before, the hyphen with its spaces, the word after."""
    word = _WORD_BEFORE.search(text, max(0, m.start() - 20), m.start())
    following = _NEXT_WORD.match(text, m.end())
    return f"{word.group()}{m.group()}{following.group() if following else ''}"  # type: ignore[union-attr]


@register
class SpaceBeforePunctuation(PatternCheck):
    id = "space-before-punctuation"
    severity = Severity.MINOR
    description = (
        'Space before a comma, full stop, colon, closing bracket or possessive: "China , Central Asia", "China \'s"'
    )
    by_span = True

    def matches(self, doc: Document) -> Iterable[regex.Match[str]]:
        return chain(_spaced_marks(doc.text), _SPACE_AFTER_OPEN.finditer(doc.text))

    def keep(self, m: regex.Match[str], doc: Document) -> bool:
        if m.re is _SPACE_AFTER_OPEN:
            return True
        text = doc.text
        prev = text[m.start() - 1] if m.start() else ""
        if not (prev.isalnum() or prev in _WORD_END) or (m.group("poss") and not prev.isalpha()):
            return False
        return not (m.group("punct") and m.group("punct") == ":" and prev.isdigit())  # a ratio or score: "3 : 1"

    def message(self, m: regex.Match[str], doc: Document) -> str:
        if m.re is _SPACE_AFTER_OPEN:
            return "space after an opening bracket"
        what = (
            "a split-off possessive" if m.group("poss") else "a closing bracket" if m.group("close") else "punctuation"
        )
        return f"space before {what}"

    def replacement(self, m: regex.Match[str], doc: Document) -> str:
        return _strip(m.group())


@register
class MissingSpace(PatternCheck):
    id = "missing-space"
    severity = Severity.MINOR
    description = 'No space after sentence punctuation or a comma: "cooperation.The", "trade,and"'
    pattern = _MISSING_SPACE

    def message(self, m: regex.Match[str], doc: Document) -> str:
        return f"no space after {m.group()!r}"

    def replacement(self, m: regex.Match[str], doc: Document) -> str:
        return m.group() + " "

    def evidence(self, m: regex.Match[str], doc: Document) -> dict[str, Any]:
        return {"text": doc.text[max(0, m.start() - 10) : m.end() + 10]}


@register
class OrdinalSpacing(PatternCheck):
    id = "ordinal-spacing"
    severity = Severity.MINOR
    description = 'Space inside an ordinal number: "the 30 th anniversary"'
    pattern = _ORDINAL

    def keep(self, m: regex.Match[str], doc: Document) -> bool:
        # "12 st" (stone) is a unit, not a split "12th": only the number's own suffix counts
        return m.group(3) == _ordinal_suffix(m.group(1))

    def span(self, m: regex.Match[str], doc: Document) -> Span:
        return Span(m.start(2), m.end(3))

    def message(self, m: regex.Match[str], doc: Document) -> str:
        return "space inside an ordinal number"

    def replacement(self, m: regex.Match[str], doc: Document) -> str:
        return m.group(3)
