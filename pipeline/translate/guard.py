"""The output guard: is a model's translation better than leaving the passage as it was?

Marian and CTranslate2 models sometimes produce nothing, fall into a repetition loop,
copy the Chinese through, or stop after a word or ramble on. Each retranslation is
judged here before it is applied; ``judge`` returns the reason for rejecting it (shown
in the report) or None. It rejects only what is worse than the untranslated passage,
not every imperfection: a doubled phrase is left to the ``repeated-phrase`` check and
its rule repair after the translation is applied; a loop of three copies or more is not.

Length bounds are per *Han-equivalent* source character: a Han character counts 1, any
other non-space character (digits, Latin letters, punctuation) 1/3, since those carry
over to English about one for one while a Han character becomes about three English
characters. English for Chinese news runs about 2 to 5 characters per Han character
(names transliterate short: 哈萨克斯坦 -> Kazakhstan is 2; function-heavy clauses run
long: 中国是中亚最大的贸易伙伴 -> "China is the largest trading partner of Central Asia"
is 4.3). Outside [1, 8], with some slack for very short sources, the output is a
fragment or a ramble. By a rough estimate (not measured here: a sentence-level ratio of
about 3.3 with a log standard deviation of about 0.25), both bounds lie more than three
and a half standard deviations out, so a sound translation is almost never rejected for
its length; the bounds are there for "China." and for the run-on, not for fine judgement.

Other source languages weigh their letters by how much English one carries, relative to a
Han character (rough figures, from parallel news headlines, not measured here): a Hangul
syllable 0.6 (Korean runs about 1.7 syllables per Chinese character), Kana 0.5, and
alphabetic letters (Cyrillic, Latin, Arabic, ...) 1/3 like the digits and Latin letters
above, since they carry over to English about one for one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import regex

# Letters of scripts an English text should not hold. Han/Kana/Hangul count from one
# letter (what the untranslated check does); others from two (a lone "β" is a symbol).
_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Bopomofo}\p{Hangul}]+")
_OTHER_SCRIPT = regex.compile(
    r"[\p{L}--[\p{Latin}\p{Han}\p{Hiragana}\p{Katakana}\p{Bopomofo}\p{Hangul}]]{2,}", flags=regex.V1
)
_HAN = regex.compile(r"\p{Han}")
_WEIGHTED = ((regex.compile(r"\p{Hangul}"), 0.6), (regex.compile(r"[\p{Hiragana}\p{Katakana}]"), 0.5))
_LETTER_OR_DIGIT = regex.compile(r"[\p{L}\p{N}]")
# Tokens for the loop detector: numbers with their separators stay whole ("1,000,000"),
# words, and runs of one punctuation mark ("...", "--") count as one token.
_TOKEN = regex.compile(r"\p{N}+(?:[.,]\p{N}+)*|[\p{L}\p{M}\p{N}_]+(?:['’-][\p{L}\p{N}]+)*|([^\p{L}\p{N}\s])\1*")
_WORD = regex.compile(r"[\p{L}\p{N}]")

MIN_COPIES = 3  # an n-gram repeated this many times back to back is a loop
MAX_LOOP_N = 12  # longest n-gram looked for
DOMINANT_SHARE = 0.4  # a word making up more than this share of the words of ...
DOMINANT_MIN_WORDS = 12  # ... an output of at least this many words is a loop
LENGTH_RATIO = (1.0, 8.0)  # output characters per Han-equivalent source character
MIN_SOURCE_FOR_LOWER = 4.0  # shorter sources ("是" -> "Yes") are exempt from the lower bound
UPPER_SLACK = 24  # characters allowed beyond the upper bound (short sources, names)

_default_checks: list[Any] | None = None


def _checks(checks: Iterable[Any] | None) -> dict[str, Any]:
    global _default_checks
    if checks is None:
        if _default_checks is None:
            from pipeline.checks.runner import build_checks

            _default_checks = build_checks()
        checks = _default_checks
    return {c.id: c for c in checks}


def source_units(source: str) -> float:
    """Length of ``source`` in Han-equivalent characters (see the module docstring)."""
    units = float(len(_HAN.findall(source)))
    counted = int(units)
    for pattern, weight in _WEIGHTED:
        n = len(pattern.findall(source))
        units += weight * n
        counted += n
    other = sum(1 for ch in source if not ch.isspace()) - counted
    return units + other / 3


def length_reason(source: str, translation: str) -> str | None:
    units = source_units(source)
    if units <= 0:
        return None
    chars = len(translation.strip())
    low, high = LENGTH_RATIO
    ratio = chars / units
    if units >= MIN_SOURCE_FOR_LOWER and ratio < low:
        return f"output too short: {chars} characters for {units:g} source characters (ratio {ratio:.2f} < {low:g})"
    if chars > high * units + UPPER_SLACK:
        return f"output too long: {chars} characters for {units:g} source characters (ratio {ratio:.1f} > {high:g})"
    return None


def tokens(text: str) -> list[str]:
    """Lower-cased tokens of ``text`` for the loop detector."""
    return [m.group().lower() for m in _TOKEN.finditer(text)]


def find_loop(toks: Sequence[str], min_copies: int = MIN_COPIES, max_n: int = MAX_LOOP_N) -> tuple[str, int] | None:
    """The shortest n-gram repeated at least ``min_copies`` times back to back, and its copies.

    For each n, a run of ``(min_copies - 1) * n`` positions where ``toks[i] == toks[i + n]``
    means ``min_copies`` copies of the n-gram where the run starts.
    """
    total = len(toks)
    for n in range(1, min(max_n, total // min_copies) + 1):
        need = (min_copies - 1) * n
        run = 0
        for i in range(total - n):
            run = run + 1 if toks[i] == toks[i + n] else 0
            if run >= need:
                start = i - run + 1
                gram = list(toks[start : start + n])
                copies = 1
                while list(toks[start + copies * n : start + (copies + 1) * n]) == gram:
                    copies += 1
                return _show(gram), copies
    return None


def _show(toks: Sequence[str]) -> str:
    """Tokens back to text, without a space before punctuation: "flights," not "flights ,"."""
    out = ""
    for t in toks:
        out += t if not out or not _WORD.search(t) else " " + t
    return out


def loop_reason(translation: str) -> str | None:
    toks = tokens(translation)
    loop = find_loop(toks)
    if loop is not None:
        phrase, copies = loop
        return f'repetition loop: "{phrase}" {copies} times in a row'
    words = [t for t in toks if _WORD.search(t)]
    if len(words) >= DOMINANT_MIN_WORDS:
        word, count = Counter(words).most_common(1)[0]
        if count / len(words) > DOMINANT_SHARE:
            return f'repetition loop: "{word}" is {count} of {len(words)} words'
    return None


def _repeated_phrase_reason(translation: str, check: Any) -> str | None:
    """Three or more copies found by the ``repeated-phrase`` check (two is an ordinary defect)."""
    from pipeline.checks.runner import run_checks
    from pipeline.core.document import Document

    for f in run_checks(Document.from_text(translation), [check], text_order=False):
        copies = f.evidence.get("copies", 0)
        if isinstance(copies, int) and copies >= MIN_COPIES:
            return f"repetition loop: {f.message}"
    return None


def _script_reason(translation: str, check: Any | None, language: str | None = None) -> str | None:
    cjk = _CJK.search(translation)
    other = _OTHER_SCRIPT.search(translation)
    if cjk is None and other is None and not (language and check is not None):
        return None
    if check is not None:
        from pipeline.checks.runner import run_checks
        from pipeline.core.document import Document

        for f in run_checks(Document.from_text(translation), [check], text_order=False):
            # another script left, or (a Latin-script source) a sentence still in the source language
            if f.evidence.get("script", "Latin") != "Latin" or (language and f.evidence.get("language") == language):
                return f"untranslated script left: {f.message}: «{f.span.of(translation)}»"
        return None
    if cjk is None and other is None:
        return None
    found = (cjk or other).group()  # type: ignore[union-attr]
    return f"untranslated script left: «{found}»"


def judge(
    source: str, translation: str, checks: Iterable[Any] | None = None, language: str | None = None
) -> str | None:
    """Why ``translation`` of ``source`` should not be applied, or None when it may be.

    ``checks`` are the run's check instances (default: every registered check with its
    default options); ``untranslated`` and ``repeated-phrase`` are used when present.
    Only scripts other than Latin count as left untranslated: a short model output is
    too short for language identification to be trusted.
    """
    if not _LETTER_OR_DIGIT.search(translation):
        return "empty output" if not translation.strip() else f"no words in output: «{translation.strip()[:40]}»"
    by_id = _checks(checks)
    reason = _script_reason(translation, by_id.get("untranslated"), language if language != "zh" else None)
    if reason is None:
        reason = loop_reason(translation)
    if reason is None and "repeated-phrase" in by_id:
        reason = _repeated_phrase_reason(translation, by_id["repeated-phrase"])
    if reason is None:
        reason = length_reason(source, translation)
    return reason


def judge_segments(
    segments: Sequence[str], outputs: Sequence[str], checks: Iterable[Any] | None = None, language: str | None = None
) -> str | None:
    """The first rejection among a passage's segments, naming the segment; None: all pass.

    A passage is applied whole or not at all: half a translation beside half the Chinese
    reads worse than either.
    """
    checks = list(checks) if checks is not None else None
    for k, (source, output) in enumerate(zip(segments, outputs)):
        reason = judge(source, output, checks, language)
        if reason is not None:
            where = f"segment {k + 1} of {len(segments)}: " if len(segments) > 1 else ""
            return f"translation rejected ({where}{reason})"
    return None
