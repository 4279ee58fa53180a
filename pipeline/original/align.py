"""Sentence alignment of a Chinese original with its English translation (Gale–Church).

The aligner is the length-based dynamic programme of Gale & Church (1993): a bead links
0–2 Chinese sentences with 0–2 English ones (1-1, 1-0, 0-1, 2-1, 1-2), and costs
``-log P(bead type) - log P(length match)``, where the length match is
``delta = (l_zh * c - l_en) / sqrt(s2 * (l_zh + l_en / c) / 2)`` under a standard normal
(two-tailed); a bead with one side empty costs its prior only (see ``length_cost``: the
formula would make every long omitted sentence cheaper to merge into a neighbour than to
leave unlinked). ``c`` (English characters per Chinese character) and ``s2`` (the variance
per character) are estimated from the document pair itself, not taken from a language
table: a first pass uses ``c`` = total English / total Chinese length and a prior
``s2 = 2 c²``; a second pass re-estimates both from the 1-1 links of the first.

Lengths: a Han character counts 1 on the Chinese side, any other non-space character
1/3 (digits and Latin letters carry over to English about one for one, while a Han
character becomes about three English characters); on the English side every non-space
character counts 1, and a Han character left in the English (an untranslated sentence)
counts ``c``, so a sentence copied through still aligns with its original.

Two optional signals sharpen the costs: numbers found on both sides of a bead (anchors,
``ANCHOR_WEIGHT`` nats each, in favour when they match and against when they do not) and,
when the translation model has translated the Chinese sentences, the chrF of that
translation against the English (``SIMILARITY_WEIGHT`` times the gain over the
document's typical chrF between unrelated sentences). Multi-sentence beads never cross a
paragraph boundary on either side.

The numbers used as anchors are parsed here too (``zh_numbers``, ``en_numbers``), since
the number-mismatch check in ``pipeline.original.source`` compares the same values: digits with
separators and Chinese scale characters (5万 = 50,000, 1.5亿 = 150,000,000), Chinese
numerals (三十 = 30, 二〇二二年 = 2022), percentages (百分之五 = 5% = "5 percent") and
English number words ("thirty", "twenty-five", "1.5 billion").
"""

from __future__ import annotations

import math
import unicodedata
from array import array
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import regex

from pipeline.core.document import Document, split_paragraphs
from pipeline.core.spans import Span, trimmed

# --- Chinese sentences ------------------------------------------------------------------

# A sentence ends at 。！？； (or their ASCII forms, or an ellipsis), with any closing
# quotes or brackets that follow it; a line break ends one too (titles, datelines).
_ZH_SENTENCE = regex.compile(
    r"(?:[^。！？；!?;…\n]|…(?![…”’」』）)\"'\s]|$))+(?:(?:[。！？；!?;]|…+)+[”’」』）)\"']*)?|(?:[。！？；!?;]|…+)+[”’」』）)\"']*"
)
_HAN = regex.compile(r"\p{Han}")
_NOT_SPACE = regex.compile(r"\S")


def split_zh_sentences(text: str) -> list[Span]:
    """Sentence spans of Chinese text: at 。！？；… (kept with the sentence) and at line breaks."""
    spans: list[Span] = []
    for paragraph in split_paragraphs(text):
        spans.extend(_zh_sentences_in(text, paragraph))
    return spans


def _zh_sentences_in(text: str, paragraph: Span) -> list[Span]:
    spans = []
    for m in _ZH_SENTENCE.finditer(text, paragraph.start, paragraph.end):
        if (span := trimmed(text, m.start(), m.end())) is not None:
            spans.append(span)
    # a sentence that is only punctuation (a stray "。") belongs to the one before it
    merged: list[Span] = []
    for span in spans:
        if (
            merged
            and not regex.search(r"[\p{L}\p{N}]", span.of(text))
            and text[merged[-1].end : span.start].strip() == ""
        ):
            merged[-1] = Span(merged[-1].start, span.end)
        else:
            merged.append(span)
    return merged


def zh_length(sentence: str) -> float:
    """Han characters count 1, other non-space characters 1/3 (see the module docstring)."""
    han = len(_HAN.findall(sentence))
    other = len(_NOT_SPACE.findall(sentence)) - han
    return han + other / 3


def en_length(sentence: str, ratio: float = 3.0) -> float:
    """Non-space characters; a Han character (left untranslated) counts ``ratio``."""
    han = len(_HAN.findall(sentence))
    return len(_NOT_SPACE.findall(sentence)) - han + ratio * han


# --- numbers ----------------------------------------------------------------------------


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


_ZH_DIGIT = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_ZH_UNIT = {"十": 10, "百": 100, "千": 1000}
_ZH_SCALE = {"十": 10, "百": 100, "千": 1000, "万": 10**4, "亿": 10**8, "兆": 10**12}
_ZH_NUMERAL = "零〇○一二两三四五六七八九十百千万亿"
_DIGITS = r"[0-9０-９]"
# Thousands separators are ASCII commas (and full stops for decimals): "，" is a clause break.
_ZH_ARABIC = rf"{_DIGITS}+(?:,{_DIGITS}{{3}})*(?:[.．]{_DIGITS}+)?"
_EN_ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
# A Chinese number: 百分之 + numeral; digits with optional scale characters; or numerals.
_ZH_NUMBER = regex.compile(
    rf"(?P<pct>百分之)?(?:(?P<arabic>(?<![\p{{Latin}}0-9０-９.．\-]){_ZH_ARABIC}(?![\p{{Latin}}0-9０-９]|[\-‐][\p{{Latin}}]))(?P<scale>[十百千万亿兆]*)"
    rf"|(?P<numeral>[{_ZH_NUMERAL}]+(?:点[零〇○一二三四五六七八九]+)?))(?P<sign>[%％])?(?P<nian>年)?",
    flags=regex.V1,
)


def _zh_int(s: str) -> int | None:
    """Value of a Chinese integer numeral (三十五 = 35, 一亿二千万 = 120,000,000), or None."""
    for char, scale in (("亿", 10**8), ("万", 10**4)):
        if char in s:
            hi, _, lo = s.rpartition(char)
            high = _zh_int(hi) if hi else 1
            low = _zh_int(lo) if lo else 0
            if high is None or low is None:
                return None
            return high * scale + low
    total, digit = 0, None
    for ch in s:
        if ch in _ZH_DIGIT:
            if digit not in (None, 0) and _ZH_DIGIT[ch] != 0:
                return None  # two digits in a row: "三四" (three or four) is not one number
            digit = _ZH_DIGIT[ch]
        elif ch in _ZH_UNIT:
            total += (1 if not digit else digit) * _ZH_UNIT[ch]
            digit = None
        else:
            return None
    return total + (digit or 0)


def _zh_numeral_value(s: str) -> float | None:
    whole, _, frac = s.partition("点")
    value = _zh_int(whole) if whole else None
    if value is None:
        return None
    if frac:
        return float(f"{value}." + "".join(str(_ZH_DIGIT[c]) for c in frac))
    return float(value)


def _digit_string(s: str) -> int | None:
    """二〇二二 -> 2022: numerals read digit by digit (years)."""
    if all(c in _ZH_DIGIT and c != "两" for c in s):
        return int("".join(str(_ZH_DIGIT[c]) for c in s))
    return None


_ZH_LENIENT = regex.compile(r"[双俩半]")
_ZH_LENIENT_VALUE = {"双": 2.0, "俩": 2.0, "半": 0.5}


# Japanese (and traditional) forms of the scale characters; one character for one, so spans hold.
_SCALE_FORMS = str.maketrans({"億": "亿", "萬": "万", "兩": "两"})


def zh_numbers(text: str) -> list[Number]:
    """Numbers in Chinese (or Japanese) text, strict and lenient (see ``Number``); spans into ``text``."""
    text = text.translate(_SCALE_FORMS)
    found: list[Number] = [
        Number(_ZH_LENIENT_VALUE[m.group()], Span(m.start(), m.end()), m.group(), "number", False)
        for m in _ZH_LENIENT.finditer(text)
    ]
    for m in _ZH_NUMBER.finditer(text):
        pct = bool(m["pct"] or m["sign"])
        kind = "percent" if pct else "number"
        span = Span(m.start(), m.end())
        if m["arabic"]:
            digits = unicodedata.normalize("NFKC", m["arabic"]).replace(",", "").replace("，", "")
            value = float(digits)
            for ch in m["scale"]:
                value *= _ZH_SCALE[ch]
            if m["nian"] and not m["scale"] and not pct and len(digits) == 4:
                kind = "year"
            found.append(Number(value, span, m.group(), kind, True))
            continue
        numeral = m["numeral"]
        if m["nian"] and (year := _digit_string(numeral)) is not None and len(numeral) == 4:
            found.append(Number(float(year), span, m.group(), "year", True))
            continue
        value = _zh_numeral_value(numeral)
        if value is None:  # "三四" (three or four), "一一": each numeral counts, leniently
            for i, ch in enumerate(numeral):
                if ch in _ZH_DIGIT:
                    at = m.start("numeral") + i
                    found.append(Number(float(_ZH_DIGIT[ch]), Span(at, at + 1), ch, "number", False))
            continue
        # One character (一, 两, 五, 十) is too often part of a word (一起, 统一, 十分) to be
        # held against the English; a numeral starting with a scale (万一, 千万) is a word.
        strict = pct or (len(numeral) >= 2 and numeral[0] not in "百千万亿") or ("点" in numeral)
        if numeral[0] in "百千万亿" and not pct:
            continue
        found.append(Number(value, span, m.group(), kind, strict))
    return sorted(found, key=lambda n: n.span)


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
_SCALE = "hundred|thousand|million|billion|trillion"
# "two hundred and fifty": "and" joins only after a scale word
_JOIN = rf"(?:[\s-]+|(?<=(?:{_SCALE}))\s+and\s+)"
_WORD_NUMBER = rf"(?:{_SMALL})(?:{_JOIN}(?:{_SMALL}|{_SCALE}))*|(?:a\s+)?(?:{_SCALE})"
_PERCENT = r"(?P<pct>\s*(?:%|per\s?cent\b|percent\b|percentage\s+points?\b))?"
_EN_NUMBER = regex.compile(
    rf"(?<![\p{{L}}\d.,]|\p{{L}}[-‐])(?P<arabic>{_EN_ARABIC})(?P<suffix>st|nd|rd|th|s|bn|mn|k)?(?![\p{{L}}\d])"
    rf"(?:\s*-?\s*(?P<scale>{_SCALE})\b)?{_PERCENT}"
    rf"|(?<!\w)(?P<words>{_WORD_NUMBER})(?!\w){_PERCENT}"
    rf"|(?<!\w)(?P<ordinal>{'|'.join(_EN_ORDINAL)})(?!\w)"
    rf"|(?<!\w)(?P<month>(?:January|February|March|April|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?|May(?=\s+\d|\s*,?\s*\d))(?!\w)",
    flags=regex.V1 | regex.IGNORECASE,
)
_SUFFIX_SCALE = {"bn": 10**9, "mn": 10**6, "k": 1000}


def _words_value(words: str) -> float | None:
    total, current, seen = 0, 0, False
    for token in regex.split(r"[\s-]+", words.lower()):
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
    found: list[Number] = []
    for m in _EN_NUMBER.finditer(text):
        span = Span(m.start(), m.end())
        pct = bool(m["pct"] and m["pct"].strip())
        kind = "percent" if pct else "number"
        if m["arabic"] is not None:
            suffix = (m["suffix"] or "").lower()
            digits = m["arabic"].replace(",", "")
            if suffix == "s" and not (len(digits) == 4 and digits.endswith("0")):
                continue  # "5s" is not a number; "1990s" is a decade
            value = float(digits)
            value *= _SUFFIX_SCALE.get(suffix, 1)
            if m["scale"]:
                value *= _EN_SCALE[m["scale"].lower()]
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
            found.append(Number(float(_EN_ORDINAL[m["ordinal"].lower()]), span, m.group(), "ordinal", False))
        elif m["month"] is not None:
            name = m["month"].lower().rstrip(".")
            found.append(Number(float(_EN_MONTH[name]), span, m.group(), "month", False))
    return found


# --- the aligner ------------------------------------------------------------------------

# Bead priors of Gale & Church (1993), Table 5: 1-1 .89, 1-0/0-1 .0099, 2-1/1-2 .089.
PRIORS: dict[tuple[int, int], float] = {(1, 1): 0.89, (1, 0): 0.0099, (0, 1): 0.0099, (2, 1): 0.089, (1, 2): 0.089}
ANCHOR_WEIGHT = 1.5  # nats per number matched (-) or unmatched (+) in a bead
MAX_ANCHORS = 3  # numbers counted per bead, so a table of figures cannot swamp the lengths
SIMILARITY_WEIGHT = 6.0  # nats per unit of chrF/100 above the document's unrelated-pair chrF
FULL_TABLE = 400 * 400  # cells searched whole; beyond, a beam (ordinary articles are far below)
BEAM = 50  # cells either side of the path so far on long documents: the longest detour followed
MIN_LINKS_TO_ESTIMATE = 4  # fewer confident 1-1 links: keep the first pass's estimates
_LOG_PRIOR = {bead: -math.log(p) for bead, p in PRIORS.items()}


@dataclass(frozen=True)
class Link:
    """A bead: Chinese sentence indexes, English sentence indexes, and their spans.

    An empty side has an empty span at the place where its sentences would be: for an
    omission (no English), the point in the English text where the translation is missing.
    """

    zh: tuple[int, ...]
    en: tuple[int, ...]
    zh_span: Span
    en_span: Span
    cost: float = 0.0
    similarity: float | None = None  # chrF/100 of the model's translation, when there was one

    @property
    def kind(self) -> str:
        return f"{len(self.zh)}-{len(self.en)}"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "zh": list(self.zh),
            "en": list(self.en),
            "zh_span": [self.zh_span.start, self.zh_span.end],
            "en_span": [self.en_span.start, self.en_span.end],
            "cost": round(self.cost, 3),
        }
        if self.similarity is not None:
            out["similarity"] = round(self.similarity, 3)
        return out


@dataclass(frozen=True)
class Alignment:
    """The links of a Chinese text and its English, with the estimates that produced them."""

    links: tuple[Link, ...]
    zh_sentences: tuple[Span, ...]
    en_sentences: tuple[Span, ...]
    ratio: float  # English characters per Chinese character (c)
    variance: float  # s2, per Chinese character
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def signature(self) -> str:
        """``gale-church|ratio:3.05|var:18.2|anchors:yes|sim:chrF`` — enough to redo the alignment."""
        parts = [f"gale-church|ratio:{self.ratio:.3f}|var:{self.variance:.2f}"]
        parts.append(f"anchors:{'yes' if self.settings.get('anchors') else 'no'}")
        parts.append(f"sim:{'chrF' if self.settings.get('similarity') else 'none'}")
        return "|".join(parts)

    def link_of_en(self, index: int) -> Link | None:
        return self._link_by_sentence[1].get(index)

    def link_of_zh(self, index: int) -> Link | None:
        return self._link_by_sentence[0].get(index)

    @cached_property
    def _link_by_sentence(self) -> tuple[dict[int, Link], dict[int, Link]]:
        # built once: a lookup per flagged sentence must not scan every link
        return ({i: link for link in self.links for i in link.zh}, {j: link for link in self.links for j in link.en})

    def pairs(self) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
        return [(link.zh, link.en) for link in self.links]

    def to_dict(self) -> dict[str, Any]:
        return {"signature": self.signature, "links": [link.to_dict() for link in self.links]}


def _log_two_tail(x: float) -> float:
    """log P(|Z| >= x) for a standard normal Z, stable far into the tail."""
    y = x / math.sqrt(2.0)
    tail = math.erfc(y)
    if tail > 1e-300:
        return math.log(tail)
    return -y * y - math.log(y * math.sqrt(math.pi))  # asymptotic expansion of erfc


def length_cost(l_zh: float, l_en: float, ratio: float, variance: float) -> float:
    """``-log P(length match)`` of Gale & Church for a bead of these lengths.

    A bead with one side empty has no translation whose length could match: it costs
    nothing here, only its prior. (Gale & Church's formula would charge it for the
    "mismatch" of its whole length, which grows with the sentence, so that any long
    omitted sentence is cheaper to merge into a neighbour's 2-1 bead than to leave
    unlinked, and omissions, which this aligner exists to find, are never found.)
    """
    if l_zh == 0 or l_en == 0:
        return 0.0
    mean = (l_zh + l_en / ratio) / 2
    delta = (l_zh * ratio - l_en) / math.sqrt(max(mean, 1e-9) * variance)
    return -_log_two_tail(abs(delta))


@dataclass
class Side:
    """One side of an alignment: a length per unit (sentence, paragraph) and its paragraph."""

    lengths: list[float]
    paragraphs: list[int]  # paragraph index of each sentence


def default_band(n: int, m: int, band: int | None = None) -> int | None:
    """``band`` if given; else the whole table of ``n x m`` cells when it is small, a beam when not."""
    if band is None and n * m > FULL_TABLE:
        return BEAM
    return band


# The beads in the order they are tried (ties go to the first): (zh sentences, en sentences, -log prior).
_BEADS = tuple((di, dj, _LOG_PRIOR[(di, dj)]) for di, dj in ((1, 1), (1, 0), (0, 1), (2, 1), (1, 2)))
_NO_BEAD = 255


def _bead_lengths(lengths: list[float], paragraphs: list[int], k: int) -> tuple[float | None, ...]:
    """Length of the 0, 1 and 2 sentences ending before ``k`` (None: no such bead side)."""
    one = lengths[k - 1] if k >= 1 else None
    two = lengths[k - 2] + lengths[k - 1] if k >= 2 and paragraphs[k - 2] == paragraphs[k - 1] else None
    return (0.0, one, two)


def align_lengths(
    zh: Side,
    en: Side,
    ratio: float,
    variance: float,
    extra_cost: Callable[[int, int, int, int], float] | None = None,
    band: int | None = None,
) -> list[tuple[tuple[int, ...], tuple[int, ...], float]]:
    """The cheapest monotone sequence of beads covering both sides (dynamic programming).

    ``extra_cost(i0, i1, j0, j1)`` adds to the cost of the bead of zh[i0:i1] and en[j0:j1].
    ``band`` (default: none up to ``FULL_TABLE`` cells, else ``BEAM``) makes the search a beam: row ``i`` searches only the
    ``band`` cells either side of row ``i - 1``'s cheapest cell (the last row reaches to
    ``m``). The beam follows the alignment wherever it goes (an omitted paragraph, sides
    that split sentences differently), so ``band`` needs to cover only a local detour, and
    the work is at most ``n x (2 band + 1)`` cells, linear in the document, where a band
    around the diagonal had to widen with the difference in sentence counts.
    Memory: a row of costs (8 bytes a cell) and back pointers (1 byte) per searched cell.
    """
    n, m = len(zh.lengths), len(en.lengths)
    band = default_band(n, m, band)
    inf = math.inf
    # Row i holds cells lo[i] .. lo[i] + len(cost[i]) - 1; back[i] the bead that reached each.
    lows: list[int] = []
    costs: list[array[float]] = []
    backs: list[bytearray] = []
    best_j = 0
    en_beads = [_bead_lengths(en.lengths, en.paragraphs, j) for j in range(m + 1)]
    for i in range(n + 1):
        if band is None:
            lo, hi = 0, m
        else:
            lo, hi = max(0, best_j - band), (m if i == n else min(m, best_j + band))
        zl = _bead_lengths(zh.lengths, zh.paragraphs, i)
        row: list[float] = []
        back = bytearray()
        # the rows a bead of di Chinese sentences starts in (di = 0 is this row, as it fills)
        starts = (
            (row, lo),
            (costs[i - 1], lows[i - 1]) if i >= 1 else None,
            (costs[i - 2], lows[i - 2]) if i >= 2 else None,
        )
        for j in range(lo, hi + 1):
            if i == 0 and j == 0:
                row.append(0.0)
                back.append(_NO_BEAD)
                continue
            el = en_beads[j]
            best, arg = inf, _NO_BEAD
            for k, (di, dj, prior) in enumerate(_BEADS):
                l_zh, l_en, start = zl[di], el[dj], starts[di]
                if l_zh is None or l_en is None or start is None:
                    continue
                prev_row, prev_lo = start
                at = j - dj - prev_lo
                if at < 0 or at >= len(prev_row):
                    continue
                c = prev_row[at]
                if c == inf:
                    continue
                c = c + prior + (length_cost(l_zh, l_en, ratio, variance) if l_zh and l_en else 0.0)
                if extra_cost is not None:
                    c += extra_cost(i - di, i, j - dj, j)
                if c < best:
                    best, arg = c, k
            row.append(best)
            back.append(arg)
        lows.append(lo)
        costs.append(array("d", row))
        backs.append(back)
        best_j = lo + min(range(len(row)), key=row.__getitem__)
    if costs[n][m - lows[n]] == inf:  # the last row always reaches m; a cell can still be unreachable
        raise RuntimeError("align_lengths: no alignment within the band; widen it")
    beads = []
    i, j = n, m
    while (i, j) != (0, 0):
        di, dj, _ = _BEADS[backs[i][j - lows[i]]]
        i0, j0 = i - di, j - dj
        beads.append((tuple(range(i0, i)), tuple(range(j0, j)), costs[i][j - lows[i]] - costs[i0][j0 - lows[i0]]))
        i, j = i0, j0
    return beads[::-1]


def paragraph_index(paragraphs: Sequence[Span], sentences: Sequence[Span]) -> list[int]:
    """The index of the paragraph each sentence lies in (both in text order)."""
    out, p = [], 0
    for s in sentences:
        while p + 1 < len(paragraphs) and paragraphs[p].end <= s.start:
            p += 1
        out.append(p)
    return out


def _anchor_cost(
    zh: Sequence[frozenset[float]], en: Sequence[frozenset[float]]
) -> Callable[[int, int, int, int], float]:
    empty: frozenset[float] = frozenset()

    def cost(i0: int, i1: int, j0: int, j1: int) -> float:
        # beads hold 0-2 sentences a side; most sentences have no number (the fast path)
        a = zh[i0] if i1 - i0 == 1 else (empty if i1 == i0 else zh[i0] | zh[i0 + 1])
        b = en[j0] if j1 - j0 == 1 else (empty if j1 == j0 else en[j0] | en[j0 + 1])
        if not a and not b:
            return 0.0
        matched = min(len(a & b), MAX_ANCHORS)
        unmatched = min(len(a ^ b), MAX_ANCHORS)
        return ANCHOR_WEIGHT * (unmatched - matched)

    return cost


def _similarity_cost(
    zh_texts: Sequence[str], en_texts: Sequence[str], translations: Mapping[str, str]
) -> tuple[Callable[[int, int, int, int], float], dict[tuple[int, int, int, int], float]]:
    from sacrebleu.metrics import CHRF

    chrf = CHRF()
    memo: dict[tuple[int, int, int, int], float] = {}

    def sim(i0: int, i1: int, j0: int, j1: int) -> float:
        key = (i0, i1, j0, j1)
        if key not in memo:
            hyp = " ".join(translations.get(zh_texts[i], "") for i in range(i0, i1))
            ref = " ".join(en_texts[j0:j1])
            memo[key] = chrf.sentence_score(hyp, [ref]).score / 100 if hyp.strip() and ref.strip() else 0.0
        return memo[key]

    # The typical chrF of unrelated sentences: the median over each Chinese sentence's
    # candidates near the diagonal, most of which are not its translation.
    n, m = len(zh_texts), len(en_texts)
    width = 6  # a sample, whatever the band: n x 13 chrF scores
    samples = []
    for i in range(n):
        centre = int(i * m / n) if n else 0
        samples.extend(sim(i, i + 1, j, j + 1) for j in range(max(0, centre - width), min(m, centre + width + 1)))
    samples.sort()
    baseline = samples[len(samples) // 2] if samples else 0.0

    def cost(i0: int, i1: int, j0: int, j1: int) -> float:
        if i0 == i1 or j0 == j1:
            return 0.0
        return SIMILARITY_WEIGHT * (baseline - sim(i0, i1, j0, j1))

    return cost, memo


def align_texts(
    src: Sequence[str],
    tgt: Sequence[str],
    src_paragraphs: Sequence[int],
    tgt_paragraphs: Sequence[int],
    *,
    src_length: Callable[[str], float] = zh_length,
    tgt_length: Callable[[str, float], float] = en_length,
    extra: Callable[[int, int, int, int], float] | None = None,
    band: int | None = None,
) -> tuple[list[tuple[tuple[int, ...], tuple[int, ...], float]], float, float]:
    """Beads of two lists of sentences, with the length ratio and variance they were found with.

    ``tgt_length(text, ratio)`` may use the ratio (a Han character left in English counts
    ``ratio``). Two passes: the first with ``c`` from the totals and the prior ``s2 = 2 c²``,
    the second with both re-estimated from the first pass's 1-1 beads (``s2`` kept within
    [0.5 c², 10 c²]), when there are at least ``MIN_LINKS_TO_ESTIMATE`` of them.
    """
    src_len = [src_length(t) for t in src]
    plain = [tgt_length(t, 0.0) for t in tgt]
    ratio = (sum(plain) / sum(src_len)) if sum(src_len) > 0 and sum(plain) > 0 else 3.0
    variance = 2.0 * ratio * ratio
    src_side = Side(src_len, list(src_paragraphs))
    beads: list[tuple[tuple[int, ...], tuple[int, ...], float]] = []
    for _ in range(2):
        tgt_side = Side([tgt_length(t, ratio) for t in tgt], list(tgt_paragraphs))
        beads = align_lengths(src_side, tgt_side, ratio, variance, extra, band)
        ones = [(src_len[a[0]], tgt_side.lengths[b[0]]) for a, b, _ in beads if len(a) == 1 and len(b) == 1]
        ones = [(a, b) for a, b in ones if a > 0 and b > 0]
        if len(ones) < MIN_LINKS_TO_ESTIMATE:
            break
        ratio = sum(b for _, b in ones) / sum(a for a, _ in ones)
        s2 = sum((a * ratio - b) ** 2 / ((a + b / ratio) / 2) for a, b in ones) / len(ones)
        variance = min(max(s2, 0.5 * ratio * ratio), 10.0 * ratio * ratio)
    return beads, ratio, variance


def align(
    zh_text: str,
    en: Document | str,
    *,
    anchors: bool = True,
    translations: Mapping[str, str] | None = None,
    zh_sentences: Sequence[Span] | None = None,
    band: int | None = None,
    src_length: Callable[[str], float] = zh_length,
    src_numbers: Callable[[str], list[Number]] = zh_numbers,
) -> Alignment:
    """Align the sentences of a Chinese text with those of its English translation.

    ``en`` is the English ``Document`` (its ``sentences`` are used) or its text.
    ``translations`` maps Chinese sentence texts to the model's English for them (from
    ``Translator.translate``); when given, chrF between that and the English sharpens the
    costs. ``band`` makes the search a beam of that many sentences either side of the
    path found so far (see ``align_lengths``); by default the whole table is searched up to
    ``FULL_TABLE`` cells, beyond that a beam of ``BEAM``, so a long document costs time
    linear in its length. An original in another language passes its sentences, length
    and number parser (``pipeline.original.rules``).
    """
    doc = en if isinstance(en, Document) else Document.from_text(en)
    zh_spans = list(zh_sentences) if zh_sentences is not None else split_zh_sentences(zh_text)
    en_spans = list(doc.sentences)
    zh_texts = [s.of(zh_text) for s in zh_spans]
    en_texts = [s.of(doc.text) for s in en_spans]
    n, m = len(zh_spans), len(en_spans)
    band = default_band(n, m, band)

    zh_paragraphs = paragraph_index(split_paragraphs(zh_text), zh_spans)
    zh_numbers_ = [frozenset(x.key for x in src_numbers(t) if x.strict) for t in zh_texts]
    en_numbers_ = [frozenset(x.key for x in en_numbers(t) if x.strict) for t in en_texts]

    extras: list[Callable[[int, int, int, int], float]] = []
    if anchors:
        extras.append(_anchor_cost(zh_numbers_, en_numbers_))
    memo: dict[tuple[int, int, int, int], float] = {}
    if translations:
        sim_cost, memo = _similarity_cost(zh_texts, en_texts, translations)
        extras.append(sim_cost)

    def extra(i0: int, i1: int, j0: int, j1: int) -> float:
        return sum(f(i0, i1, j0, j1) for f in extras)

    beads, ratio, variance = align_texts(
        zh_texts,
        en_texts,
        zh_paragraphs,
        paragraph_index(doc.paragraphs, en_spans),
        src_length=src_length,
        extra=(extras[0] if len(extras) == 1 else extra) if extras else None,
        band=band,
    )
    links = _links(beads, zh_spans, en_spans, zh_paragraphs, memo)
    settings = {"anchors": anchors, "similarity": bool(translations), "band": band}
    return Alignment(tuple(links), tuple(zh_spans), tuple(en_spans), ratio, variance, settings)


def _links(
    beads: list[tuple[tuple[int, ...], tuple[int, ...], float]],
    zh_spans: list[Span],
    en_spans: list[Span],
    zh_paragraphs: list[int],
    memo: Mapping[tuple[int, int, int, int], float],
) -> list[Link]:
    links = []
    zh_at, en_at = 0, 0  # where the previous bead ended on each side
    # the start of the first English sentence after each bead (a run of omissions is not rescanned)
    following_at: list[int | None] = [None] * len(beads)
    for k in range(len(beads) - 2, -1, -1):
        ei = beads[k + 1][1]
        following_at[k] = en_spans[ei[0]].start if ei else following_at[k + 1]
    for k, (zi, ei, cost) in enumerate(beads):
        zh_span = Span(zh_spans[zi[0]].start, zh_spans[zi[-1]].end) if zi else Span(zh_at, zh_at)
        if ei:
            en_span = Span(en_spans[ei[0]].start, en_spans[ei[-1]].end)
        else:
            # Missing English goes after the previous English sentence, unless the Chinese
            # sentence opens a paragraph: then before the next English sentence.
            opens = zi and (zi[0] == 0 or zh_paragraphs[zi[0]] != zh_paragraphs[zi[0] - 1])
            following = following_at[k]
            point = (
                following if opens and following is not None else (en_at if en_at or following is None else following)
            )
            en_span = Span(point, point)
        similarity = memo.get((zi[0], zi[-1] + 1, ei[0], ei[-1] + 1)) if zi and ei else None
        links.append(Link(zi, ei, zh_span, en_span, cost, similarity))
        zh_at, en_at = zh_span.end, en_span.end
    return links
