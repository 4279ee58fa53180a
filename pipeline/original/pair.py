"""An English document paired with its original, and their sentence alignment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pipeline.core.document import Document
from pipeline.original.align import Alignment, Link, align
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
