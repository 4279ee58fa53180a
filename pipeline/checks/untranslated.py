"""``untranslated``: passages left in the source language.

Script detection leads: any letter of a non-Latin script in English text is suspect, and
it finds a language switch in the middle of a sentence, which a language identifier run
on the whole paragraph misses (langdetect calls the sample's mixed paragraph English with
probability 0.99999). langdetect is used only where it adds something: to name the
language of a passage that was found, and to flag whole sentences written in another
Latin-script language, after a cheap English function-word test has ruled English out.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from itertools import accumulate, product
from operator import itemgetter

import regex

from pipeline.checks.base import Check, ConfigurationError, covered, register
from pipeline.checks.resources.words import word_index
from pipeline.core.document import Document
from pipeline.core.findings import Finding, Severity
from pipeline.core.languages import LATIN_PROFILES, SHARED_SCRIPTS, identify, name, script_language
from pipeline.core.spans import Span

# Script groups: (name, letters, minimum letters for a passage). A single Han character
# is already a defect; a lone Greek letter is usually a symbol (beta-coronavirus).
_GROUPS = (
    ("Han", r"\p{Han}\p{Hiragana}\p{Katakana}\p{Bopomofo}\p{Hangul}", 1),
    ("Cyrillic", r"\p{Cyrillic}", 2),
    ("Greek", r"\p{Greek}", 3),
    ("Arabic", r"\p{Arabic}", 2),
    ("Hebrew", r"\p{Hebrew}", 2),
    ("Thai", r"\p{Thai}", 2),
    ("Devanagari", r"\p{Devanagari}", 2),
)
_KNOWN = "".join(letters for _, letters, _ in _GROUPS)
_OTHER = ("Other", rf"[\p{{L}}--[\p{{Latin}}{_KNOWN}]]", 2)
# What may sit between two pieces of one passage: punctuation, symbols, digits, spaces on
# the same line. Latin letters end a passage, so a switch to English mid-sentence ends it.
_GLUE = r"[\p{P}\p{S}\p{N}\p{Zs}\t]"
_OPENING = r"[“‘「『《〈（【〔\(\[]"
_CLOSING = r"[\p{InCJK_Symbols_and_Punctuation}\p{InHalfwidth_and_Fullwidth_Forms}”’」』》〉）】〕]"


def _passage_pattern(letters: str) -> regex.Pattern[str]:
    letter = letters if letters.startswith("[") else f"[{letters}]"
    return regex.compile(
        rf"{_OPENING}?{letter}+(?:{_GLUE}*{letter}+)*{_CLOSING}*",
        flags=regex.V1,
    )


_PATTERNS = [(name, _passage_pattern(letters), minimum) for name, letters, minimum in (*_GROUPS, _OTHER)]
# A script's passages hold at least one of its letters: the patterns of the scripts whose
# letters are absent need not scan the text (most articles have one foreign script or none).
_SCRIPT_LETTER = [
    regex.compile(letters if letters.startswith("[") else f"[{letters}]", flags=regex.V1)
    for _, letters, _ in (*_GROUPS, _OTHER)
]
_ANY_FOREIGN = regex.compile(r"[\p{L}--\p{Latin}]", flags=regex.V1)
_NOT_ASCII_LETTER = regex.compile(r"[\p{L}--[A-Za-z]]", flags=regex.V1)
_LETTER = regex.compile(r"\p{L}")
_WORDS = regex.compile(r"(\p{L}+)")
_HAN_SCRIPTS = {"ja": "Kana", "ko": "Hangul"}  # what the "Han" group's letters are, by language
IDENTIFY_CHARS = 400  # the identifier reads at most this much of a line's passages: enough, and bounded

# Frequent English function words: a sentence where they are common is English, and
# langdetect (slow: milliseconds a sentence) need not look at it.
_ENGLISH = frozenset(
    "a about after all also an and are as at be been but by can for from had has have he her his "
    "i if in into is it its more not of on or our over said she so than that the their there these "
    "they this to up was we were which while who will with would you".split()
)
# The same, in every case ("The", "THE", "tHe"): the words whose ``lower()`` is one of them,
# looked up without lowering each word of the text (only A-Z and the Kelvin sign lower to a-z).
_ENGLISH_ANY_CASE = frozenset(
    "".join(cased)
    for word in _ENGLISH
    for cased in product(*({c, c.upper(), *("\u212a" if c == "k" else "")} for c in word))
)
# Latin-script languages langdetect knows; a sentence detected as one of these is foreign text.
_LATIN_LANGS = frozenset(LATIN_PROFILES) - {"en"}


def detect_language(text: str) -> tuple[str, float] | None:
    """Most probable language of a Latin-script ``text`` and its probability
    (deterministic), or None: compared with the languages written in Latin letters only."""
    return identify(text, profiles=LATIN_PROFILES)


def _line_key(text: str, start: int) -> int:
    return text.rfind("\n", 0, start)


@register
class Untranslated(Check):
    id = "untranslated"
    severity = Severity.CRITICAL
    description = (
        "Passage left in another language (any; named by its script, else by langdetect): non-Latin script, "
        "or a whole sentence in another Latin-script language; retranslated by that language's model"
    )
    options = {
        "detect_latin": True,  # also flag whole sentences in another Latin-script language
        "min_words": 6,  # shorter sentences are too short for a reliable language guess
        "min_probability": 0.95,
        "max_english_ratio": 0.15,  # above this share of function words a sentence is English
    }
    score_name = "share of the text left untranslated"

    @classmethod
    def score(cls, findings: Sequence[Finding], text: str, words: int) -> float:
        return covered(findings, text)

    def __init__(self, severity: str | Severity | None = None, **options: object) -> None:
        super().__init__(severity, **options)
        c, name = self.config, type(self).__name__
        if not (isinstance(c["min_words"], int) and c["min_words"] >= 1):
            raise ConfigurationError(f"{name}: min_words must be a whole number >= 1, got {c['min_words']!r}")
        for key in ("min_probability", "max_english_ratio"):
            if not (isinstance(c[key], (int, float)) and 0 <= c[key] <= 1):
                raise ConfigurationError(f"{name}: {key} must be between 0 and 1, got {c[key]!r}")

    def find(self, doc: Document) -> Iterable[Finding]:
        text = doc.text
        found: list[Finding] = []
        plain = _NOT_ASCII_LETTER.search(text) is None  # most English articles: letters A-Z alone
        if not plain and _ANY_FOREIGN.search(text):
            found.extend(self._script_passages(text))
        if self.config["detect_latin"]:
            # a sentence is skipped when a passage overlaps it: of the passages starting before
            # it ends, the furthest end reaches past its start (bisection, not a scan of every
            # passage per sentence, which was quadratic on text switching script often)
            taken = sorted((f.span.start, f.span.end) for f in found)
            starts = [start for start, _ in taken]
            reach = list(accumulate((end for _, end in taken), max))
            # the words of ``\p{L}+``: with letters A-Z alone, the index's ``[A-Za-z]+``; else its
            # letter runs, unless re and regex disagree on a character of the text
            index = word_index(doc)
            runs = index.latin if plain else index.letters
            words = _Letters.of(text) if runs is None else _Letters(text, *runs)
            for sentence in doc.sentences:
                k = bisect_left(starts, sentence.end)
                if k and reach[k - 1] > sentence.start:
                    continue
                finding = self._latin_sentence(text, sentence, words)
                if finding is not None:
                    found.append(finding)
        return found

    def _script_passages(self, text: str) -> Iterable[Finding]:
        foreign = "".join(set(_ANY_FOREIGN.findall(text)))
        for (script, pattern, minimum), letter in zip(_PATTERNS, _SCRIPT_LETTER):
            if not letter.search(foreign):
                continue
            found = [
                (m, letters) for m in pattern.finditer(text) if (letters := len(_LETTER.findall(m.group()))) >= minimum
            ]
            # A shared script (Cyrillic: ru, uk, bg, ...) asks the identifier once per line,
            # on the line's passages together: one call however often the line switches script.
            guesses: dict[int, tuple[str, float] | None] = {}
            if script in SHARED_SCRIPTS or script == "Other":
                lines: dict[int, list[str]] = {}
                for m, _ in found:
                    lines.setdefault(_line_key(text, m.start()), []).append(m.group())
                guesses = {
                    key: identify(" ".join(parts)[:IDENTIFY_CHARS], SHARED_SCRIPTS.get(script))
                    for key, parts in lines.items()
                }
            for m, letters in found:
                language = script_language(script, m.group())
                shown = _HAN_SCRIPTS.get(language, script) if script == "Han" else script
                evidence: dict[str, object] = {"script": shown, "letters": letters}
                if language is not None:
                    evidence["language"], evidence["identified_by"] = language, "script"
                elif (guess := guesses.get(_line_key(text, m.start()))) is not None:
                    language = guess[0]
                    evidence["language"], evidence["identified_by"] = language, "langdetect"
                    evidence["langdetect"] = {"language": guess[0], "probability": guess[1]}
                what = name(language) if language else script
                yield self.finding(
                    Span(m.start(), m.end()),
                    f"{what}, {letters} letters left untranslated",
                    origin="marian",
                    evidence=evidence,
                )

    def _latin_sentence(self, text: str, sentence: Span, letters: _Letters) -> Finding | None:
        words, english, lower_first = letters.count(sentence)
        if words < self.config["min_words"]:
            return None
        if english / words > self.config["max_english_ratio"]:
            return None
        if lower_first * 2 < words:
            return None  # titles, headings and lists of names: too few ordinary words to judge
        guess = detect_language(sentence.of(text)[:IDENTIFY_CHARS])  # bounded: langdetect reads up to 10,000
        if guess is None:
            return None
        language, probability = guess
        if language not in _LATIN_LANGS or probability < self.config["min_probability"]:
            return None
        return self.finding(
            sentence,
            f"{name(language)} sentence, not English",
            severity=Severity.MAJOR,
            origin="marian",
            evidence={
                "script": "Latin",
                "language": language,
                "identified_by": "langdetect",
                "langdetect": {"language": language, "probability": probability},
            },
        )


class _Letters:
    """The runs of letters of a text, found once: per sentence, how many there are, how
    many are English function words and how many start in lower case (what a
    ``findall`` per sentence gave, with running sums instead of a scan per sentence)."""

    def __init__(self, text: str, words: list[str], starts: list[int], ends: list[int]) -> None:
        self.text, self.starts, self.ends = text, starts, ends
        self.english = list(accumulate(map(_ENGLISH_ANY_CASE.__contains__, words), initial=0))
        self.lower_first = list(accumulate(map(str.islower, map(itemgetter(0), words)), initial=0))

    @classmethod
    def of(cls, text: str) -> _Letters:
        parts = _WORDS.split(text)
        bounds = list(accumulate(map(len, parts)))
        return cls(text, parts[1::2], bounds[0:-1:2], bounds[1::2])

    def count(self, span: Span) -> tuple[int, int, int]:
        """(words, English function words, words starting in lower case) within ``span``;
        a word the span cuts counts as the part inside it, as a ``findall`` on the span sees it."""
        first = bisect_right(self.ends, span.start)  # the first word ending inside the span
        end = bisect_left(self.starts, span.end)  # past the last word starting inside it
        if first >= end or span.start >= span.end:
            return 0, 0, 0
        words = end - first
        english = self.english[end] - self.english[first]
        lower_first = self.lower_first[end] - self.lower_first[first]
        for k in {first, end - 1}:  # a word the span cuts: count its part instead
            start, stop = self.starts[k], self.ends[k]
            if start < span.start or stop > span.end:
                whole, part = self.text[start:stop], self.text[max(start, span.start) : min(stop, span.end)]
                english += (part.lower() in _ENGLISH) - (whole.lower() in _ENGLISH)
                lower_first += part[0].islower() - whole[0].islower()
        return words, english, lower_first
