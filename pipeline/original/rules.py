"""The table of each original language's rules, and the Korean, Russian, French and German ones.

The rules of a language are its sentences, lengths and numbers.

An original (``--source``) is Chinese, Japanese, Korean, Russian, French or German. Its
language decides three things the alignment and the checks need: where its sentences end
(。！？ for Chinese and Japanese; ``. ! ?`` before a capital elsewhere, not after the
language's common abbreviations), how long a sentence is (a Han or Hangul letter counts
1 and other characters 1/3, as in ``zh.zh_length``; in alphabetic languages every
character counts 1: the aligner estimates the ratio to English from the pair itself), and
how numbers are written (Chinese numerals and 万/亿; Korean 만/억/조; ``1 500,5`` in French
and Russian, ``1.500,5`` in German, with their words for million, billion and percent).
The script tells which letters an untranslated copy of the original would leave in the
English: none for French and German, whose letters are English ones.

Chinese and Japanese rules are in ``pipeline.original.zh``; the rules here follow the same
three parts (sentences, lengths, numbers), and ``RULES`` names each language's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache

import regex

from pipeline.core.document import split_paragraphs
from pipeline.core.languages import SHARED_SCRIPTS, identify, name
from pipeline.core.spans import Span, trimmed
from pipeline.original.numbers import Number
from pipeline.original.zh import split_zh_sentences, zh_length, zh_numbers


@dataclass(frozen=True)
class Rules:
    """What the source checks need to know about an original's language."""

    language: str
    split: Callable[[str], list[Span]]
    length: Callable[[str], float]
    numbers: Callable[[str], list[Number]]
    letters: str | None  # the script an untranslated copy leaves in English; None: Latin
    size_unit: str  # "letters" (counted for omission in CJK scripts) or "words"

    def size(self, sentence: str) -> int:
        """Letters of the original's script (CJK) or words (alphabetic): omission's threshold."""
        if self.size_unit == "letters":
            return len(regex.findall(rf"\p{{{self.letters}}}", sentence))
        return len(regex.findall(r"\p{L}+", sentence))


# --- sentences (alphabetic originals and Korean) ----------------------------------------

# Words after which a full stop does not end a sentence (lower-cased, without the stop).
_ABBREVIATIONS = {
    "de": {
        "z",
        "b",
        "d",
        "h",
        "bzw",
        "usw",
        "vgl",
        "nr",
        "dr",
        "prof",
        "ca",
        "mio",
        "mrd",
        "etc",
        "st",
        "u",
        "a",
        "s",
        "jh",
    },
    "fr": {"m", "mm", "mme", "mlle", "dr", "etc", "p", "ex", "av", "apr", "j.-c", "n°", "st", "cf", "env"},
    "ru": {"т", "е", "д", "п", "г", "гг", "др", "млн", "млрд", "тыс", "руб", "им", "ул", "см", "с", "проф", "в", "вв"},
    "ko": set(),
}
# German ordinals ("am 3. Oktober") end with a full stop too.
_DE_MONTHS = (
    "januar",
    "februar",
    "märz",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "dezember",
)
_END = regex.compile(r"(?:[.!?…]+|[。！？])[\"'»“”’」)\]]*(?=\s|$)|[。！？]")
_WORD_BEFORE = regex.compile(r"([\p{L}\d][\p{L}\d.\-]*)$")
_NEXT_WORD = regex.compile(r"\s*[«„“\"'(]*(\S+)")


def _splitter(language: str) -> Callable[[str], list[Span]]:
    abbreviations = _ABBREVIATIONS[language]

    def ends_here(text: str, stop: regex.Match[str]) -> bool:
        if not stop.group().startswith("."):
            return True
        word = _WORD_BEFORE.search(text, 0, stop.start())
        if word is None:
            return True
        before = word.group(1).lower()
        if before.split(".")[-1] in abbreviations:
            return False
        nxt = _NEXT_WORD.match(text, stop.end())
        if nxt is None:
            return True
        following = nxt.group(1)
        if language == "de" and before.isdigit() and following.lower().strip(".,") in _DE_MONTHS:
            return False
        # A sentence starts with a capital, a digit or a quote: "etc. in" runs on.
        return not following[0].islower() if language != "ko" else True

    def split(text: str) -> list[Span]:
        spans: list[Span] = []
        for paragraph in split_paragraphs(text):
            start = paragraph.start
            for stop in _END.finditer(text, paragraph.start, paragraph.end):
                if ends_here(text, stop):
                    spans.append(Span(start, stop.end()))
                    start = stop.end()
            spans.append(Span(start, paragraph.end))
        return [t for span in spans if (t := trimmed(text, span.start, span.end)) is not None]

    return split


# --- length ------------------------------------------------------------------------------

_HANGUL_OR_HAN = regex.compile(r"[\p{Hangul}\p{Han}]")
_NOT_SPACE = regex.compile(r"\S")


def ko_length(sentence: str) -> float:
    """A Hangul syllable (or Hanja) counts 1, other non-space characters 1/3, as for Chinese."""
    letters = len(_HANGUL_OR_HAN.findall(sentence))
    return letters + (len(_NOT_SPACE.findall(sentence)) - letters) / 3


def alphabetic_length(sentence: str) -> float:
    return float(len(_NOT_SPACE.findall(sentence)))


# --- numbers -----------------------------------------------------------------------------

_SPACES = "\u0020\u00a0\u202f\u2009"
# Thousands separator and decimal mark per language: French and Russian group with
# (no-break) spaces and write a decimal comma; German groups with full stops.
_GROUPING = {"fr": (f"[{_SPACES}]", ","), "ru": (f"[{_SPACES}]", ","), "de": (r"\.", ","), "ko": (",", r"\.")}
_SCALE_WORDS = {
    "fr": {"million": 10**6, "millions": 10**6, "milliard": 10**9, "milliards": 10**9, "mille": 1000},
    "de": {
        "million": 10**6,
        "millionen": 10**6,
        "mio": 10**6,
        "milliarde": 10**9,
        "milliarden": 10**9,
        "mrd": 10**9,
        "tausend": 1000,
        "billion": 10**12,
        "billionen": 10**12,
    },
    "ru": {
        "тыс": 1000,
        "тысяча": 1000,
        "тысячи": 1000,
        "тысяч": 1000,
        "млн": 10**6,
        "миллион": 10**6,
        "миллиона": 10**6,
        "миллионов": 10**6,
        "млрд": 10**9,
        "миллиард": 10**9,
        "миллиарда": 10**9,
        "миллиардов": 10**9,
        "трлн": 10**12,
        "триллион": 10**12,
        "триллиона": 10**12,
        "триллионов": 10**12,
    },
    "ko": {"천": 1000, "만": 10**4, "억": 10**8, "조": 10**12},
}
_PERCENT_WORDS = {"fr": r"pour\s?cent|%", "de": r"prozent|%", "ru": r"процент\w*|%", "ko": r"퍼센트|%"}


@cache
def _number_pattern(language: str) -> regex.Pattern[str]:
    group, decimal = _GROUPING[language]
    scales = "|".join(sorted(map(regex.escape, _SCALE_WORDS[language]), key=len, reverse=True))
    # Korean scale characters follow the digits directly and stack (3억5천만 is read per part).
    # (Hangul particles and counters follow a number directly: 5만명, 2022년에.)
    gap, repeat, word_end = (r"\s*", "+", "") if language == "ko" else (r"\s+", "", r"(?!\p{L})")
    return regex.compile(
        rf"(?<![\p{{L}}\d.,\-])(?P<digits>\d{{1,3}}(?:{group}\d{{3}})+|\d+)(?:{decimal}(?P<frac>\d+))?(?!\d|[.,]\d){word_end}"
        rf"(?:{gap}(?P<scale>{scales}){repeat}\.?{word_end})?(?P<pct>\s*(?:{_PERCENT_WORDS[language]}))?",
        flags=regex.IGNORECASE | regex.V1,
    )


def _numbers(language: str) -> Callable[[str], list[Number]]:
    def numbers(text: str) -> list[Number]:
        found = []
        for m in _number_pattern(language).finditer(text):
            value = float(regex.sub(r"\D", "", m["digits"]) + (f".{m['frac']}" if m["frac"] else ""))
            for scale in m.captures("scale") if language == "ko" else [m["scale"]] if m["scale"] else []:
                value *= _SCALE_WORDS[language][scale.lower()]
            kind = "percent" if m["pct"] else "number"
            found.append(Number(value, Span(m.start(), m.end()), m.group().strip(), kind, True))
        return found

    return numbers


# --- the languages -----------------------------------------------------------------------

RULES = {
    "zh": Rules("zh", split_zh_sentences, zh_length, zh_numbers, "Han", "letters"),
    "ja": Rules("ja", split_zh_sentences, zh_length, zh_numbers, "Han", "letters"),
    "ko": Rules("ko", _splitter("ko"), ko_length, _numbers("ko"), "Hangul", "letters"),
    "ru": Rules("ru", _splitter("ru"), alphabetic_length, _numbers("ru"), "Cyrillic", "words"),
    "fr": Rules("fr", _splitter("fr"), alphabetic_length, _numbers("fr"), None, "words"),
    "de": Rules("de", _splitter("de"), alphabetic_length, _numbers("de"), None, "words"),
}
ORIGINAL_LANGUAGES = tuple(RULES)


def rules_for(language: str) -> Rules:
    return RULES[language]


_SCRIPTS = {
    "Han": r"\p{Han}",
    "Kana": r"[\p{Hiragana}\p{Katakana}]",
    "Hangul": r"\p{Hangul}",
    "Cyrillic": r"\p{Cyrillic}",
    "Latin": r"\p{Latin}",
}


@lru_cache(maxsize=64)  # loading an original and pairing it each ask of the same text
def detect(text: str) -> tuple[str | None, str]:
    """(language, why) of an original: Kana is Japanese, Hangul (more than Han) Korean, Han
    Chinese; Cyrillic or Latin text asks langdetect (English is a candidate, so an English
    file given as the original is named as such). ``why`` is a one-line reason when the
    language is not one the checks support (language None)."""
    counts = {script: len(regex.findall(pattern, text[:200_000])) for script, pattern in _SCRIPTS.items()}
    cjk = counts["Han"] + counts["Kana"] + counts["Hangul"]
    if cjk and cjk * 3 >= counts["Latin"] + counts["Cyrillic"]:  # a Han letter carries about 3 Latin ones
        if counts["Kana"]:
            return "ja", ""
        return ("ko", "") if counts["Hangul"] > counts["Han"] else ("zh", "")
    script = "Cyrillic" if counts["Cyrillic"] > counts["Latin"] else "Latin"
    if not counts[script]:
        return None, "holds no text in a language the source checks read"
    candidates = (*SHARED_SCRIPTS[script], "en")
    guess = identify(text[:20_000], candidates)
    lang = guess[0] if guess else None
    if lang in RULES:
        return lang, ""
    if lang == "en":
        return None, "holds no Chinese, Japanese, Korean, Russian, French or German text (it is English)"
    return None, f"is in {name(lang)}; the source checks read originals in {', '.join(ORIGINAL_LANGUAGES)}"
