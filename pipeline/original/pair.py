"""An English document paired with its original, their sentence alignment, and whether
the original fits the English at all (``misfit``).

An original that is not the English's (a truncated file, another article, a field holding
a title) would only give false source findings: an omission for every English sentence it
lacks, numbers that "mismatch", key terms "mistranslated". ``misfit`` measures two things
against bounds taken from real pairs (``bench/source_fit.py`` prints them; docs/languages.md
has the figures): how much of the English the original's length accounts for, and the
share of sentences the aligner left without a partner.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pipeline.core.document import Document
from pipeline.original import MISFIT
from pipeline.original.align import Alignment, Link, align, en_length
from pipeline.original.rules import Rules, detect, rules_for


@dataclass(frozen=True)
class SourcePair:
    """An English document, its original (in any of ``ORIGINAL_LANGUAGES``), and their alignment."""

    en: Document
    original: Document
    alignment: Alignment
    language: str = "zh"  # the original's language, one of ORIGINAL_LANGUAGES

    @property
    def rules(self) -> Rules:
        return rules_for(self.language)

    def original_text(self, link: Link) -> str:
        return link.zh_span.of(self.original.text)

    def en_text(self, link: Link) -> str:
        return link.en_span.of(self.en.text)

    def original_sentences(self, link: Link) -> tuple[str, ...]:
        return tuple(self.alignment.zh_sentences[i].of(self.original.text) for i in link.zh)

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.original.path, "encoding": self.original.encoding, **self.alignment.to_dict()}


def pair_documents(
    en: Document, original: Document, translations: Mapping[str, str] | None = None, anchors: bool = True
) -> SourcePair:
    """Align ``original`` with ``en`` by its language's rules; ``translations``
    (original sentence -> model English) sharpen it."""
    language = detect(original.text)[0] or "zh"
    rules = rules_for(language)
    alignment = align(
        original.text,
        en,
        anchors=anchors,
        translations=translations,
        zh_sentences=rules.split(original.text),
        src_length=rules.length,
        src_numbers=rules.numbers,
    )
    return SourcePair(en, original, alignment, language)


# English length (``align.en_length``) per unit of the original's length (``Rules.length``)
# in a faithful translation. zh: the median over the 455 documents of the WMT zh→en MQM
# development split (2.6-4.8 from the 1st to the 99th percentile); ko, ru, fr, de: the
# port pair in tests/data/originals; ja: estimated (kana count 1/3 like any non-Han
# character, so a unit holds more English than in Chinese), with no pair to measure.
EXPECTED_RATIO = {"zh": 3.6, "ja": 4.5, "ko": 2.4, "ru": 0.9, "fr": 0.8, "de": 0.85}
# The original's expected English length over the English's (its coverage). Real pairs:
# the 455 MQM documents 0.34-1.40 (1st-99th percentile 0.76-1.38), its 2,747 segments over
# MIN_FIT_LENGTH 0.69-1.84 from the 1st to the 99th percentile, the only two outside these
# bounds being outputs that translate something else (0.14: a "Bern, Bern, ..." loop; 4.56:
# another sentence); the pairs in tests/data 0.85-1.18. An original cut to its first tenth: 0.08.
MIN_COVERAGE = 0.25
MAX_COVERAGE = 4.0
# More than this share of all sentences (both sides) in links with one side empty: the
# aligner found no translation for most of them (MQM documents: at most 0.29, segments 0.40).
MAX_UNALIGNED = 0.5
# Below this many characters (the English, or the original's expected English if longer),
# one short sentence's ratio is noise: "买贵退差价！" and its English differ 3x; not judged.
MIN_FIT_LENGTH = 100


def coverage(en_text: str, original_text: str, language: str) -> tuple[float, float]:
    """How much of the English the original's length accounts for (1.0: as a translation
    would), and the longer of the two lengths in English characters."""
    expected = EXPECTED_RATIO.get(language, EXPECTED_RATIO["zh"])
    original = rules_for(language).length(original_text) * expected
    english = en_length(en_text, expected)
    if english <= 0:
        return (float("inf") if original > 0 else 1.0), original
    return original / english, max(original, english)


def unaligned_share(alignment: Alignment) -> float:
    """Sentences of either side in a link whose other side is empty, over all sentences."""
    alone = sum(len(link.zh) + len(link.en) for link in alignment.links if not link.zh or not link.en)
    return alone / max(1, len(alignment.zh_sentences) + len(alignment.en_sentences))


def misfit(pair: SourcePair) -> str | None:
    """Why ``pair``'s original does not fit its English (one line, starting ``MISFIT``), or None."""
    name = f"the original {pair.original.path}" if pair.original.path else "the original"
    share, longer = coverage(pair.en.text, pair.original.text, pair.language)
    if longer < MIN_FIT_LENGTH:
        return None
    if share < MIN_COVERAGE:
        return f"{MISFIT}{name} covers ~{_percent(share)} of the English"
    if share > MAX_COVERAGE:
        return f"{MISFIT}the English covers ~{_percent(1 / share)} of {name}"
    alone = unaligned_share(pair.alignment)
    if alone > MAX_UNALIGNED:
        return f"{MISFIT}{_percent(alone)} of the sentences of {name} and the English are unaligned"
    return None


def _percent(x: float) -> str:
    return f"{x * 100:.0f}%" if x >= 0.01 else "<1%"
