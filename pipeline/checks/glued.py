"""Glued text: words, numbers and brackets that lost the space between them.

- ``glued-words``: "ofthe", "developmentand", "inChina". A lower-case word that is rare
  in English (wordfreq) but splits into two words far more common than it, one of them a
  function word; or, with no function word, two common content words and a form
  wordfreq has never seen ("economicdevelopment"). A lower-case function word glued to a
  capitalised word ("inChina", "ofBeijing") is decided by the list of function words
  alone. Names and compounds are left alone: capitalised words are not split, and
  compounds people write ("within", "cannot", "thereof") are common enough in wordfreq.
- ``glued-number``: "in2020", "2020year", "5million": a preposition before digits, or
  digits before a common word of four or more letters that is not a unit or a suffix.
- ``glued-punctuation``: "China(Beijing)", "(Beijing)is", "said:the": a bracket or a colon
  with letters on both sides in running text; URLs, times and ratios keep their colons.

Every repair inserts one space (``rule``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from itertools import chain
from typing import Any

from pipeline.checks.base import Check, PatternCheck, register
from pipeline.checks.resources.wordfreq_en import derived, zipf
from pipeline.checks.resources.words import LONGEST_WORD, WORDS_CACHED, WordIndex, word_index
from pipeline.core.document import Document
from pipeline.core.findings import Finding, Severity
from pipeline.core.spans import Span

FUNCTION_WORDS = frozenset(
    "a an the of and or but in on at to for from with by as into onto over under about after before than that this "
    "these those its their our his her is are was were be been has have had will would can could should may might "
    "not which who whose when where while also such all any each other more most".split()
)
_CAMEL = re.compile(r"([a-z]{2,5})([A-Z][a-z]{2,})")  # a whole word
_NUMBER_AFTER = re.compile(
    r"(in|on|at|by|since|from|to|of|until|before|after|than|about)(\d{1,4})", re.I
)  # a whole word
_WORD_AFTER = re.compile(r"\b(\d[\d,.]*)([a-z]{4,})\b")
_DIGIT_WORD = re.compile(r"\d[a-z]{4,}$")
_WORD_START = re.compile(r"[a-z]{4}")


def _may_have_word_after(index: WordIndex, mixed: list[str]) -> bool:
    """Whether ``_WORD_AFTER`` can match: its letters follow a digit in one word ("5million"),
    or begin a word after a comma or stop that follows a digit ("1,000.million").
    ``mixed``: the distinct words with a letter next to a digit (those "5million" is among)."""
    if any(map(_digit_word, mixed)):
        return True
    words = index.words
    return any(
        0 < k < len(words) and words[k - 1][-1].isdecimal() and _WORD_START.match(words[k])
        for k in index.where_gap(_stops)
    )


@lru_cache(maxsize=WORDS_CACHED)
def _digit_word(word: str) -> bool:
    return not word.isalpha() and bool(_DIGIT_WORD.search(word))


@lru_cache(maxsize=WORDS_CACHED)
def _stops(gap: str) -> bool:
    """Only commas and full stops: "1,000.million" """
    return bool(gap) and not gap.strip(",.")


_LETTER_DIGIT = re.compile(r"[A-Za-z]\d|\d[a-z]")


@lru_cache(maxsize=WORDS_CACHED)
def _letter_digit(word: str) -> bool:
    return bool(_LETTER_DIGIT.search(word))


_UNITS = frozenset("hours mins secs days kmph mph kph years".split())  # "24hours" is common shorthand
_MARK = re.compile(r"[():]")  # few in any text: the letters around each are looked at in Python


def _glued_mark(text: str, i: int) -> bool:
    before, after, mark = text[max(0, i - 2) : i], text[i + 1 : i + 3], text[i]
    if len(before) < 2 or not (before.isascii() and before.isalpha() and before.islower()):
        return False
    if not (len(after) == 2 and after.isascii() and after.isalpha()):
        return False
    return mark == "(" or after.islower() and not (mark == ":" and text.startswith("//", i + 1))


_CODE = re.compile(r"[/@_=\\#]|\w\.\w|://")  # URLs, addresses, domains, identifiers, paths


_TOKEN_REACH = 200  # a URL or path longer than this on either side is still code within it


def _token_at(text: str, start: int, end: int) -> str:
    """The whitespace-delimited token around text[start:end], looked for within a bounded
    reach: an unbounded ``find`` would scan to the end of a text without line breaks for
    every match (quadratic)."""
    lo, hi = max(0, start - _TOKEN_REACH), min(len(text), end + _TOKEN_REACH)
    left = max(text.rfind(" ", lo, start), text.rfind("\n", lo, start), text.rfind("\t", lo, start), lo - 1) + 1
    right = min(
        (i for i in (text.find(" ", end, hi), text.find("\n", end, hi), text.find("\t", end, hi)) if i >= 0), default=hi
    )
    return text[left:right]


def _split(word: str) -> tuple[str, str] | None:
    """The split of ``word`` into two words that explains it best, if any."""
    if len(word) > LONGEST_WORD:
        return None  # no two words are this long; trying every split of a 100 kB "word" was quadratic
    glued = zipf(word)
    if glued >= 3.5 or derived(word):
        return None
    best: tuple[float, str, str] | None = None
    for i in range(2, len(word) - 1):
        left, right = word[:i], word[i:]
        function = left in FUNCTION_WORDS or right in FUNCTION_WORDS
        if function:
            other = right if left in FUNCTION_WORDS else left
            if len(other) < 3 or zipf(other) < 3.5:
                continue
        elif glued > 0 or len(left) < 4 or len(right) < 4:
            continue
        score = min(zipf(left), zipf(right))
        if score - glued < 3.0 or (not function and score < 4.5):
            continue
        if best is None or score > best[0]:
            best = (score, left, right)
    return (best[1], best[2]) if best else None


@lru_cache(maxsize=WORDS_CACHED)
def _glued(word: str) -> tuple[str, str] | None:
    """The two words a whole word of the text is glued from, if it is."""
    if not (word.isascii() and word.isalpha()):
        return None
    if word.islower():
        return _split(word) if len(word) >= 5 else None
    m = _CAMEL.fullmatch(word)
    return (m.group(1), m.group(2)) if m and m.group(1) in FUNCTION_WORDS else None


@lru_cache(maxsize=WORDS_CACHED)
def _number_glued(word: str) -> bool:
    return not word.isalpha() and bool(_NUMBER_AFTER.fullmatch(word))


@register
class GluedWords(Check):
    id = "glued-words"
    severity = Severity.MINOR
    description = (
        'Two words written without a space: "ofthe", "developmentand", "inChina" (decided with wordfreq frequencies)'
    )

    def find(self, doc: Document) -> Iterable[Finding]:
        # A match of ``\b[a-z]{5,}\b`` or of the camel-case pattern is a whole word of the
        # index: each word is judged once (``_glued``), and only the glued ones are looked at.
        index = word_index(doc)
        text, found = doc.text, []
        for k in index.where(_glued):
            start, end = index.starts[k], index.ends[k]
            if not _CODE.search(_token_at(text, start, end)):  # not a URL, an address or code
                found.append(self._finding(start, end, *_glued(index.words[k])))
        return found

    def _finding(self, start: int, end: int, left: str, right: str) -> Finding:
        return self.finding(
            Span(start, end),
            f'words glued together: "{left}{right}" -> "{left} {right}"',
            replacement=f"{left} {right}",
            origin="rule",
            evidence={"text": left + right},
        )


@register
class GluedNumber(PatternCheck):
    id = "glued-number"
    severity = Severity.MINOR
    description = 'A number glued to a word: "in2020", "2020year", "5million"'
    by_span = True

    def matches(self, doc: Document) -> Iterable[re.Match[str]]:
        text = doc.text
        index = word_index(doc)
        # A letter next to a digit is inside one word of the index (both are word characters):
        # each distinct word is tested once, not the text scanned; most articles have none but "30th".
        mixed = list(filter(_letter_digit, index.distinct))
        if not mixed:
            return ()
        # "in2020" is a whole word of the index: each distinct word is matched once
        glued = [_NUMBER_AFTER.fullmatch(text, index.starts[k], index.ends[k]) for k in index.where(_number_glued)]
        return chain(glued, _WORD_AFTER.finditer(text) if _may_have_word_after(index, mixed) else ())

    def keep(self, m: re.Match[str], doc: Document) -> bool:
        if m.re is not _WORD_AFTER:
            return True
        word = m.group(2)
        return not (word in _UNITS or zipf(word) < 4.0 or doc.text[m.start() - 1 : m.start()].isalpha())

    def message(self, m: re.Match[str], doc: Document) -> str:
        return f'a number glued to a word: "{m.group()}"'

    def replacement(self, m: re.Match[str], doc: Document) -> str:
        return f"{m.group(1)} {m.group(2)}"


@register
class GluedPunctuation(PatternCheck):
    id = "glued-punctuation"
    severity = Severity.MINOR
    description = (
        'No space outside a bracket or after a colon between words: "China(Beijing)", "(Beijing)is", "said:the"'
    )
    pattern = _MARK

    def keep(self, m: re.Match[str], doc: Document) -> bool:
        text = doc.text
        # not in a URL, an identifier or code
        return _glued_mark(text, m.start()) and not _CODE.search(_token_at(text, m.start(), m.end()))

    def message(self, m: re.Match[str], doc: Document) -> str:
        return f"no space {'before' if m.group() == '(' else 'after'} {m.group()!r}"

    def replacement(self, m: re.Match[str], doc: Document) -> str:
        return " (" if m.group() == "(" else m.group() + " "

    def evidence(self, m: re.Match[str], doc: Document) -> dict[str, Any]:
        return {"text": doc.text[max(0, m.start() - 12) : m.end() + 12]}
