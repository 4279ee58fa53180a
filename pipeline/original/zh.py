"""Chinese (and Japanese) rules of an original: sentences, length, numbers.

Sentences end at 。！？； (or their ASCII forms, or an ellipsis) and at line breaks. A
sentence's length counts a Han character 1 and any other non-space character 1/3 (digits
and Latin letters carry over to English about one for one, while a Han character becomes
about three English characters). Numbers: digits with separators and Chinese scale
characters (5万 = 50,000, 1.5亿 = 150,000,000), Chinese numerals (三十 = 30, 二〇二二年 =
2022) and percentages (百分之五 = 5%), compared by value with ``pipeline.original.numbers``.
Japanese shares these rules (its 億/萬 are read as 亿/万). The other languages' rules are in
``pipeline.original.rules``, in the same three parts.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import regex

from pipeline.core.document import split_paragraphs
from pipeline.core.spans import Span, trimmed
from pipeline.original.numbers import Number

# --- sentences --------------------------------------------------------------------------

# A sentence ends at 。！？； (or their ASCII forms, or an ellipsis), with any closing
# quotes or brackets that follow it; a line break ends one too (titles, datelines).
_ZH_SENTENCE = regex.compile(
    r"(?:[^。！？；!?;…\n]|…(?![…”’」』）)\"'\s]|$))+(?:(?:[。！？；!?;]|…+)+[”’」』）)\"']*)?|(?:[。！？；!?;]|…+)+[”’」』）)\"']*"
)
_HAN = regex.compile(r"\p{Han}")
_WORDLIKE = regex.compile(r"[\p{L}\p{N}]")  # compiled once: looked for in every sentence
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
        if merged and not _WORDLIKE.search(span.of(text)) and text[merged[-1].end : span.start].strip() == "":
            merged[-1] = Span(merged[-1].start, span.end)
        else:
            merged.append(span)
    return merged


# --- length -----------------------------------------------------------------------------


@lru_cache(maxsize=8192)  # the aligner, the fit test and length-mismatch measure the same sentences
def zh_length(sentence: str) -> float:
    """Han characters count 1, other non-space characters 1/3 (see the module docstring)."""
    han = len(_HAN.findall(sentence))
    other = len(_NOT_SPACE.findall(sentence)) - han
    return han + other / 3


# --- numbers ----------------------------------------------------------------------------

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
# A Chinese number: 百分之 + numeral; digits with optional scale characters (500余万: over five
# million, read as five million); or numerals. Digits after a hyphen count only in a range
# (25-54岁, 2023-2027年), not after a name (COVID-19).
_ZH_NUMBER = regex.compile(
    rf"(?P<pct>百分之)?(?:(?P<arabic>(?<![\p{{Latin}}0-9０-９.．]|(?<![0-9０-９])[\-]){_ZH_ARABIC}(?![\p{{Latin}}0-9０-９]|[\-‐][\p{{Latin}}]))(?P<more>[余多](?=[十百千万亿兆]))?(?P<scale>[十百千万亿兆]*)"
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


_APPROXIMATE = set("几数上")
_ZH_LENIENT = regex.compile(r"[双俩半]")
_ZH_LENIENT_VALUE = {"双": 2.0, "俩": 2.0, "半": 0.5}


# Japanese (and traditional) forms of the scale characters; one character for one, so spans hold.
_SCALE_FORMS = str.maketrans({"億": "亿", "萬": "万", "兩": "两"})


def zh_numbers(text: str) -> list[Number]:
    """Numbers in Chinese (or Japanese) text, strict and lenient (see ``Number``); spans into ``text``."""
    return list(_zh_numbers(text))


@lru_cache(maxsize=4096)  # the aligner and number-mismatch read the same sentences
def _zh_numbers(text: str) -> tuple[Number, ...]:
    text = text.translate(_SCALE_FORMS)
    found: list[Number] = [
        Number(_ZH_LENIENT_VALUE[m.group()], Span(m.start(), m.end()), m.group(), "number", False)
        for m in _ZH_LENIENT.finditer(text)
    ]
    for m in _ZH_NUMBER.finditer(text):
        pct = bool(m["pct"] or m["sign"])
        kind = "percent" if pct else "number"
        span = Span(m.start(), m.end())
        # 几十亿, 数百万, 上千: "billions", "millions", "thousands", not a count to hold the English to
        approximate = text[max(m.start() - 1, 0) : m.start()] in _APPROXIMATE
        if m["arabic"]:
            digits = unicodedata.normalize("NFKC", m["arabic"]).replace(",", "").replace("，", "")
            value = float(digits)
            for ch in m["scale"]:
                value *= _ZH_SCALE[ch]
            if m["nian"] and not m["scale"] and not pct and len(digits) == 4:
                kind = "year"
            if m["nian"] and text.startswith("代", m.end()) and not m["scale"] and len(digits) == 2:
                value, kind = float(1900 + int(digits)), "year"  # 80年代: the 1980s
            found.append(Number(value, span, m.group(), kind, not approximate))
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
            if len(numeral) == 2 and (short_year := _digit_string(numeral)) is not None:
                # 九二共识: the 1992 Consensus (a year by its last two digits)
                found.append(Number(float(1900 + short_year), span, numeral, "year", False))
            continue
        # One character (一, 两, 五, 十) is too often part of a word (一起, 统一, 十分) to be
        # held against the English; a numeral starting with a scale (万一, 千万) is a word.
        strict = not approximate and (pct or (len(numeral) >= 2 and numeral[0] not in "百千万亿") or ("点" in numeral))
        # 第三: an ordinal ("third", "3rd") is held against the English, but not 第一 ("first",
        # and also "top", "leading", "No. 1", 第一时间 "at once") nor 第二天, 第二年 ("the next
        # day", "the following year")
        ordinal = text[max(m.start() - 1, 0) : m.start()] == "第" and not text.startswith(("天", "年"), m.end())
        strict = strict or (ordinal and value >= 2 and not pct)
        if numeral[0] in "百千万亿" and not pct:
            continue
        found.append(Number(value, span, m.group(), kind, strict))
    return tuple(sorted(found, key=lambda n: n.span))
