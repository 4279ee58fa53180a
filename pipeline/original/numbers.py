"""Numbers in a text (``Number``) and the English number parser, shared by every original's rules.

The alignment uses numbers found on both sides as anchors, and the number-mismatch check
compares the same values: digits with separators ("1,500", "1.5 billion", "5bn"), English
number words ("thirty", "twenty-five", "two hundred and fifty"), percentages ("5 percent"),
ordinals and month names (lenient: they only recognise a number of the other side). Each
original's own numbers are parsed by its language's rules (``pipeline.original.zh`` for
Chinese and Japanese, ``pipeline.original.rules`` for the others).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import regex

from pipeline.core.spans import Span


@dataclass(frozen=True)
class Number:
    """A number mentioned in a text: its value, where it is, and how it was written.

    ``strict`` numbers are unambiguous (digits, multi-character Chinese numerals, English
    number words from ten up); the others (a lone 一/两/五, 双, "two", "first", a month name)
    only serve to recognise a strict number of the other side.
    """

    value: float
    span: Span
    text: str
    kind: str = "number"  # number, percent, ordinal, month, year
    strict: bool = True

    @property
    def key(self) -> float:
        return number_key(self.value)


def number_key(value: float) -> float:
    """Values compared at six significant digits (1.5亿 == 150 million == 150,000,000)."""
    return float(f"{value:.6g}")


_EN_ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
_EN_SMALL = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_EN_SCALE = {
    "hundred": 100,
    "thousand": 1000,
    "million": 10**6,
    "billion": 10**9,
    "trillion": 10**12,
    "mn": 10**6,
    "bn": 10**9,
}
_EN_ORDINAL = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "twentieth": 20,
    "thirtieth": 30,
    "fortieth": 40,
    "fiftieth": 50,
    "hundredth": 100,
}
_EN_MONTH = {
    m: i + 1
    for i, names in enumerate(
        (
            "january jan",
            "february feb",
            "march mar",
            "april apr",
            "may",
            "june jun",
            "july jul",
            "august aug",
            "september sep sept",
            "october oct",
            "november nov",
            "december dec",
        )
    )
    for m in names.split()
}
_SMALL = "|".join(sorted(_EN_SMALL, key=len, reverse=True))
_MONTHS = "January|February|March|April|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec"
_SCALE = "hundred|thousand|million|billion|trillion"
# "two hundred and fifty": "and" joins only after a scale word
_JOIN = rf"(?:[\s-]+|(?<=(?:{_SCALE}))\s+and\s+)"
_WORD_NUMBER = (
    rf"(?:{_SMALL})\s+and\s+a\s+half\s+(?:{_SCALE})"  # "two and a half million"
    rf"|(?:{_SMALL})(?:{_JOIN}(?:{_SMALL}|{_SCALE}))*|(?:a\s+)?(?:{_SCALE})"
)
_PERCENT = r"(?P<pct>\s*(?:%|per\s?cent\b|percent\b|percentage\s+points?\b))?"
# Digits after a hyphen that follows a capitalised or short word are part of a name
# ("COVID-19", "Su-27", "G-20", "utf-8"); after a longer lower-case word the hyphen stands
# for a dash ("closer-40000 years ago", "robots-8-foot"), except in the lower-case "covid-19".
_NOT_A_NAME = (
    r"(?-i:(?<!(?<!\p{L})\p{L}*\p{Lu}\p{L}*[-‐])(?<!(?<!\p{L})\p{L}{1,3}[-‐])(?<!covid[-‐]))"  # case matters here
)
# Every match starts with a digit or with the first letter of a number word, ordinal, scale or
# month (a b d e f h j m n o s t z); the lookaheads let the engine skip other positions before
# trying the lookbehinds (a non-ASCII letter is let through: its case folding may begin with
# one of them). The same matches, in half the time.
_STARTS = r"(?=[\dabdefhjmnostz]|[^\x00-\x7f])"
_EN_NUMBER = regex.compile(
    rf"{_STARTS}(?:(?=\d)(?<![\p{{L}}\d.,]){_NOT_A_NAME}(?P<arabic>{_EN_ARABIC})(?P<suffix>st|nd|rd|th|s|bn|mn|k)?(?![\p{{L}}\d])"
    rf"(?:\s*-?\s*(?P<scale>{_SCALE})\b)?{_PERCENT}"
    rf"|(?<!\w)(?P<words>{_WORD_NUMBER})(?!\w){_PERCENT}"
    rf"|(?<!\w)(?P<ordinal>{'|'.join(_EN_ORDINAL)})(?!\w)"
    rf"|(?<!\w)(?P<month>(?:{_MONTHS})\.?|May(?=\s+\d|\s*,?\s*\d))(?!\w))",
    flags=regex.V1 | regex.IGNORECASE,
)
# A sentence holds a match of _EN_NUMBER only if it holds a digit or, as a word of its own, a
# word some branch opens with (a number, scale, ordinal or month word); most sentences hold
# neither, and looking costs a fraction of the pattern's search. Only for text without a
# non-ASCII letter or digit (curly quotes and dashes are fine): there lowercasing is the full
# case folding _EN_NUMBER matches by (ﬁ is fi, K is k), and a letters-only run is a word.
_FOLDABLE = re.compile(r"[^\W\x00-\x7f]")
_DIGIT = re.compile(r"\d")
_LETTERS = re.compile(r"[a-z]+")
_OPENERS = frozenset(
    [*_EN_SMALL, *_SCALE.split("|"), *_EN_ORDINAL, *_MONTHS.replace("Sept?", "Sep|Sept").lower().split("|"), "may"]
)


def _may_hold_a_number(text: str) -> bool:
    if _DIGIT.search(text) or _FOLDABLE.search(text):
        return True
    return not _OPENERS.isdisjoint(_LETTERS.findall(text.lower()))


_TOKEN = re.compile(r"[a-z]+|\d+")
_OPENS_A_MATCH = _OPENERS | {"a"}  # "a hundred"


def _number_matches(text: str) -> Iterator[regex.Match[str]]:
    """``_EN_NUMBER.finditer(text)``'s matches. In text without a non-ASCII letter or digit, a
    match starts where a run of digits or a word of ``_OPENS_A_MATCH`` does (see
    ``_may_hold_a_number``), so the pattern is tried there alone, anchored (its lookbehinds
    still see the text before), left to right, each after the last match's end: the same
    matches, in a third of the time the search takes trying every place."""
    if _FOLDABLE.search(text):
        yield from _EN_NUMBER.finditer(text)
        return
    end = 0
    for token in _TOKEN.finditer(text.lower()):  # ASCII letters lowercase in place
        word = token.group()
        if token.start() < end or not (word[0].isdigit() or word in _OPENS_A_MATCH):
            continue
        if (found := _EN_NUMBER.match(text, token.start())) is not None:
            end = found.end()
            yield found


_SUFFIX_SCALE = {"bn": 10**9, "mn": 10**6, "k": 1000}


def _words_value(words: str) -> float | None:
    if half := regex.fullmatch(r"(?i)(\w+)\s+and\s+a\s+half\s+(\w+)", words):
        whole = _EN_SMALL.get(half[1].casefold())
        return None if whole is None else (whole + 0.5) * _EN_SCALE[half[2].casefold()]
    total, current, seen = 0, 0, False
    for token in regex.split(r"[\s-]+", words.casefold()):
        if token in ("and", "a", ""):
            continue
        if token in _EN_SMALL:
            current += _EN_SMALL[token]
            seen = True
        elif token in _EN_SCALE:
            scale = _EN_SCALE[token]
            current = max(current, 1) * scale
            seen = True
            if scale >= 1000:
                total, current = total + current, 0
        else:
            return None
    return float(total + current) if seen else None


def en_numbers(text: str) -> list[Number]:
    """Numbers in English text, strict and lenient (see ``Number``); spans into ``text``.

    Digits fused to letters are names, not quantities ("COVID-19", "G20", "5G").
    """
    return list(_en_numbers(text))


# the aligner and number-mismatch read the same sentences, and the pattern is the costlier part
@lru_cache(maxsize=4096)
def _en_numbers(text: str) -> tuple[Number, ...]:
    if not _may_hold_a_number(text):
        return ()
    found: list[Number] = []
    for m in _number_matches(text):
        span = Span(m.start(), m.end())
        pct = bool(m["pct"] and m["pct"].strip())
        kind = "percent" if pct else "number"
        if m["arabic"] is not None:
            suffix = (m["suffix"] or "").casefold()
            digits = m["arabic"].replace(",", "")
            if suffix == "s" and not (len(digits) in (2, 4) and digits.endswith("0")):
                continue  # "5s" is not a number; "1990s" and "the 80s" are decades
            value = float(digits)
            if suffix == "s" and len(digits) == 2:
                value += 1900
            elif not suffix and len(digits) == 2 and text[max(m.start() - 1, 0) : m.start()] in ("'", "’"):
                value += 1900 if value > 30 else 2000  # '92: a year by its last two digits
            value *= _SUFFIX_SCALE.get(suffix, 1)
            if m["scale"]:
                value *= _EN_SCALE[m["scale"].casefold()]
            if suffix in ("st", "nd", "rd", "th"):
                kind = "ordinal"
            found.append(Number(value, span, m.group().strip(), kind, True))
        elif m["words"] is not None:
            value = _words_value(m["words"])
            if value is None:
                continue
            # Small number words are often idiom, not quantity ("the two sides" for 双方,
            # "one of"); from ten up ("thirty stands") they are held against the Chinese.
            strict = value >= 10 and not regex.fullmatch(r"(?i)(?:a\s+)?(?:" + _SCALE + ")", m["words"])
            found.append(Number(value, span, m.group().strip(), kind, strict))
        elif m["ordinal"] is not None:
            found.append(Number(float(_EN_ORDINAL[m["ordinal"].casefold()]), span, m.group(), "ordinal", False))
        elif m["month"] is not None:
            name = m["month"].casefold().rstrip(".")
            found.append(Number(float(_EN_MONTH[name]), span, m.group(), "month", False))
    return tuple(found)
