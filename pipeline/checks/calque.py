"""``calque``: literal translations listed in the glossary ("community of destiny").

All phrases go into one token trie (``phrase_trie``), so matching takes time linear in the
text whatever the glossary's size; at one place the longest phrase wins ("community of
common destiny" over "community of destiny"), wildcard phrases last. A hyphen in a phrase
also matches a space or a spaced hyphen, so "anti -epidemic" (a tokenizer artefact) is
still recognised. The replacement is a ``glossary`` suggestion:
not applied unless the user asks for glossary repairs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import regex

from pipeline.checks.base import Check, register
from pipeline.checks.resources.glossary import GlossaryEntry, load_glossary, shipped_glossary
from pipeline.checks.resources.termbase import as_glossary, load_termbase, shipped_termbase
from pipeline.checks.resources.trie import PhraseTrie
from pipeline.checks.resources.words import word_index
from pipeline.core.document import Document
from pipeline.core.findings import Finding, Severity
from pipeline.core.spans import Span

_SPACED_HYPHEN = regex.compile(r"\s*-\s*")


@register
class Calque(Check):
    id = "calque"
    severity = Severity.MINOR
    description = (
        'Literal translation listed in the glossary: "community of destiny" -> "community with a shared future"'
    )
    options = {
        "glossary": [],  # extra glossary files (TSV/CSV); their entries override the shipped ones
        "shipped": True,  # use the glossary and term base shipped in pipeline/checks/resources/data/
        "termbase": [],  # extra term bases (TSV/TBX): their wrong renderings are calques too
    }

    def __init__(self, severity: str | Severity | None = None, **options: Any) -> None:
        super().__init__(severity, **options)
        paths = self.paths("glossary")
        terms = [
            *(shipped_termbase() if self.config["shipped"] else ()),
            *(e for p in self.paths("termbase") for e in load_termbase(p)),
        ]
        by_phrase: dict[str, GlossaryEntry] = {}
        for entry in [
            *as_glossary(terms),
            *(shipped_glossary() if self.config["shipped"] else ()),
            *(e for p in paths for e in load_glossary(p)),
        ]:
            by_phrase[entry.phrase.casefold()] = entry  # later files win; glossaries over term bases
        self.entries = list(by_phrase.values())
        self._trie = PhraseTrie([e.phrase for e in self.entries])

    def find(self, doc: Document) -> Iterable[Finding]:
        found = []
        text = doc.text
        for m in self._trie.finditer(text, word_index(doc)):
            entry = self.entries[m.index]
            matched = text[m.start : m.end]
            replacement = _render(entry.rendering, text[slice(*m.wildcard)] if m.wildcard else None, matched)
            of = f" of {entry.source}" if entry.source else ""
            better = f'; better: "{replacement}"' if replacement else f"; {entry.note}"
            evidence = {"phrase": entry.phrase, "rendering": entry.rendering, "glossary": entry.origin}
            if entry.source:
                evidence["source"] = entry.source
            if entry.note:
                evidence["note"] = entry.note
            found.append(
                self.finding(
                    Span(m.start, m.end),
                    f'literal translation{of}: "{matched}"{better}',
                    replacement=replacement,
                    origin="glossary" if replacement else None,
                    evidence=evidence,
                )
            )
        return found


def _render(rendering: str, wildcard: str | None, matched: str) -> str | None:
    if not rendering:
        return None
    if wildcard is not None:
        rendering = rendering.replace("*", _SPACED_HYPHEN.sub("-", " ".join(wildcard.split())))
    if "’" in matched:  # keep the text's apostrophe style
        rendering = rendering.replace("'", "’")
    if matched[:1].isupper() and rendering[:1].islower():
        rendering = rendering[0].upper() + rendering[1:]
    return rendering
