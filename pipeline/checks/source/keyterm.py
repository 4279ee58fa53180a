"""``key-term``: a term of the term base whose accepted English is missing from its sentence.

With the original: a term-base term in a Chinese sentence whose accepted English is missing
from the aligned English sentence (as Xbench's key-term check does).

The Chinese is scanned left to right, longest term first (新冠肺炎疫情 before 新冠肺炎).
An accepted rendering counts as present in any case, with ``’`` for ``'``, hyphens or
spaces between its words, a plural ending, and without its leading article ("the Belt
and Road Initiative" is found as "Belt and Road Initiative"); a name of two or more
capitalised words counts as present by its initials too, alone or opening a longer
acronym ("EU" for "European Union", "UNICEF" for the United Nations' 联合国儿童基金会).
Classifiers (一名, 人次) are not held against the English: their rendering is an article
or a numeral, whose absence is no error of meaning (``number-mismatch`` compares the
numbers). When one of the term's
known wrong renderings is in the sentence, ``calque`` reports it already, with the same
suggestion, so this check says nothing more there. The suggestion (the first accepted
rendering) is in the message and the evidence; there is no automatic repair, since where
in the sentence the term belongs is the translator's call.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache
from typing import Any

import regex

from pipeline.checks.base import register_source
from pipeline.checks.resources.glossary import shipped_glossary
from pipeline.checks.resources.termbase import TermEntry, load_termbase, shipped_termbase
from pipeline.checks.source.base import SourceCheck, aligned
from pipeline.core.findings import Finding, Severity
from pipeline.original.pair import SourcePair

_ARTICLE = regex.compile(r"^(?:the|a|an)\s+", flags=regex.I)
_SEP = regex.compile(r"[\s\-‐‑–]+")


@lru_cache(maxsize=4096)
def _rendering_pattern(rendering: str) -> regex.Pattern[str]:
    words = [regex.escape(w).replace("'", "['’]") for w in _SEP.split(_ARTICLE.sub("", rendering.strip(' "“”'))) if w]
    body = r"[\s\-‐‑–]+".join(words)
    return regex.compile(rf"(?<![\p{{L}}\p{{N}}]){body}(?:s|es)?(?![\p{{L}}\p{{N}}])", flags=regex.I)


_NAME_LINKS = {"of", "and", "for", "the", "on", "in"}  # small words inside a name ("Party of China")


@lru_cache(maxsize=4096)
def _acronym_pattern(rendering: str) -> regex.Pattern[str] | None:
    """Initials of a name of two or more capitalised words ("European Union" -> EU), as a word
    or opening a longer all-capital acronym (UNICEF); None for other renderings."""
    words = [w for w in _SEP.split(_ARTICLE.sub("", rendering.strip(' "“”'))) if w]
    capitals = [w[0] for w in words if w[0].isupper()]
    if len(capitals) < 2 or any(w[0].islower() and w not in _NAME_LINKS for w in words):
        return None
    return regex.compile(rf"(?<![\p{{L}}\p{{N}}]){''.join(capitals)}[A-Z]*s?(?![\p{{L}}\p{{N}}])")


def _present(renderings: Iterable[str], english: str) -> bool:
    return any(
        _rendering_pattern(r).search(english) or ((a := _acronym_pattern(r)) is not None and a.search(english))
        for r in renderings
    )


@register_source
class KeyTerm(SourceCheck):
    id = "key-term"
    severity = Severity.MINOR
    description = (
        "With the original: a term-base term in the Chinese whose accepted English is missing from its English sentence"
    )
    languages = ("zh", "ja")  # the term base is Chinese (Japanese shares its Han terms)
    options = {
        "shipped": True,  # the term base shipped in pipeline/checks/resources/data/terms.tsv
        "termbase": [],  # extra term bases (TSV/TBX); their entries override the shipped ones
        "skip_domains": ["classifier"],  # term-base domains whose absence says nothing of meaning
    }

    def __init__(self, severity: str | Severity | None = None, **options: Any) -> None:
        super().__init__(severity, **options)
        by_zh: dict[str, TermEntry] = {}
        for entry in [
            *(shipped_termbase() if self.config["shipped"] else ()),
            *(e for p in self.paths("termbase") for e in load_termbase(p)),
        ]:
            by_zh[entry.zh] = entry
        # the shipped glossary's calques of a term are its wrong renderings too
        extra: dict[str, list[str]] = {}
        for g in shipped_glossary() if self.config["shipped"] else ():
            extra.setdefault(g.source, []).append(g.phrase)
        by_zh = {zh: replace(e, wrong=(*e.wrong, *extra.get(zh, ()))) for zh, e in by_zh.items()}
        self._by_first: dict[str, list[TermEntry]] = {}
        for entry in sorted(by_zh.values(), key=lambda e: -len(e.zh)):
            self._by_first.setdefault(entry.zh[0], []).append(entry)
        # a batch's outputs of one original (or its repeated lines) share its sentences
        self._terms = lru_cache(maxsize=4096)(self._find_terms)

    def terms(self, zh: str) -> list[tuple[int, TermEntry]]:
        """(offset, entry) of every term in ``zh``, longest first at each place, not overlapping."""
        return list(self._terms(zh))

    def _find_terms(self, zh: str) -> tuple[tuple[int, TermEntry], ...]:
        found, i = [], 0
        by_first = self._by_first
        while i < len(zh):
            entries = by_first.get(zh[i])  # most characters open no term
            entry = next((e for e in entries if zh.startswith(e.zh, i)), None) if entries else None
            if entry is None:
                i += 1
                continue
            found.append((i, entry))
            i += len(entry.zh)
        return tuple(found)

    def find_pair(self, pair: SourcePair) -> Iterable[Finding]:
        skip = set(self.config["skip_domains"])
        for link, zh, english in aligned(pair):
            seen: set[str] = set()
            for offset, entry in self.terms(zh):
                if entry.domain in skip or entry.zh in seen:
                    continue
                if _present(entry.en, english) or _present(entry.wrong, english):
                    continue
                seen.add(entry.zh)
                yield self.finding(
                    link.en_span,
                    f'key term {entry.zh} is not rendered: expected "{entry.en[0]}"',
                    evidence={
                        "zh_term": entry.zh,
                        "suggestion": entry.en[0],
                        "accepted": list(entry.en),
                        "zh": zh,
                        "zh_start": link.zh_span.start + offset,
                        "zh_end": link.zh_span.start + offset + len(entry.zh),
                        "termbase": entry.origin,
                    },
                )
