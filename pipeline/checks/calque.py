"""``calque``: literal translations listed in the glossary ("community of destiny").

All phrases are compiled into one case-insensitive alternation (longest phrase first, so
"community of common destiny" wins over "community of destiny"; wildcard phrases last).
A hyphen in a phrase also matches a space or a spaced hyphen, so "anti -epidemic" (a
tokenizer artefact) is still recognised. The replacement is a ``glossary`` suggestion:
not applied unless the user asks for glossary repairs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import regex

from ..document import Document
from ..findings import Finding, Severity
from ..spans import Span
from .base import Check, ConfigurationError, register
from .glossary import GlossaryEntry, load_glossary, shipped_glossary

_WORD = r"-?[\p{L}\p{N}][\p{L}\p{N}\p{M}'’-]*"
_WILDCARD = rf"{_WORD}(?:\s+{_WORD}){{0,2}}"
_START = r"(?<![\p{L}\p{N}\p{M}]|[\p{L}\p{N}]['’-])"
_END = r"(?![\p{L}\p{N}\p{M}]|['’-][\p{L}\p{N}])"
_SPACED_HYPHEN = regex.compile(r"\s*-\s*")
_FIRST_WORD = re.compile(r"\w+")  # the standard library's engine is faster at this


def _phrase_pattern(phrase: str, index: int) -> str:
    tokens = []
    for token in phrase.split():
        if token == "*":
            tokens.append(f"(?P<w{index}>{_WILDCARD})")
            continue
        pieces = []
        for c in token:
            if c in "'’":
                pieces.append("['’]")
            elif c == "-":
                pieces.append(r"(?:\s*-\s*|\s+)")
            else:
                pieces.append(regex.escape(c))
        tokens.append("".join(pieces))
    body = r"\s+".join(tokens)
    return rf"(?P<e{index}>{body})"


def compile_glossary(entries: Sequence[GlossaryEntry]) -> regex.Pattern[str] | None:
    if not entries:
        return None
    order = sorted(range(len(entries)), key=lambda i: ("*" in entries[i].phrase, -len(entries[i].phrase)))
    alternatives = "|".join(_phrase_pattern(entries[i].phrase, i) for i in order)
    return regex.compile(rf"{_START}(?:{alternatives}){_END}", flags=regex.I)


@register
class Calque(Check):
    id = "calque"
    severity = Severity.MINOR
    description = 'Literal translation listed in the glossary: "community of destiny" -> "community with a shared future"'
    options = {
        "glossary": [],  # extra glossary files (TSV/CSV); their entries override the shipped ones
        "shipped": True,  # use the glossary shipped in pipeline/data/glossary.tsv
    }

    def __init__(self, severity: str | Severity | None = None, **options: Any) -> None:
        super().__init__(severity, **options)
        paths = self.config["glossary"]
        if isinstance(paths, (str, Path)):
            paths = [paths]
        if not all(isinstance(p, (str, Path)) for p in paths):
            raise ConfigurationError(f"{type(self).__name__}: glossary must be a file path or a list of them, got {paths!r}")
        by_phrase: dict[str, GlossaryEntry] = {}
        for entry in [*(shipped_glossary() if self.config["shipped"] else ()), *(e for p in paths for e in load_glossary(p))]:
            by_phrase[entry.phrase.casefold()] = entry  # later files win
        self.entries = list(by_phrase.values())
        self._pattern = compile_glossary(self.entries)
        # Where a phrase can start: trying the big alternation only at these words is
        # many times faster than scanning the whole text with it.
        firsts = [_FIRST_WORD.match(e.phrase.lower()) for e in self.entries]
        self._firsts = None if None in firsts else frozenset(m.group() for m in firsts if m)

    def find(self, doc: Document) -> Iterable[Finding]:
        if self._pattern is None:
            return []
        found = []
        for m in self._matches(doc.text):
            index = int(m.lastgroup[1:])  # the entry's group closes last, after its wildcard
            entry = self.entries[index]
            matched = m.group()
            replacement = _render(entry.rendering, m.group(f"w{index}") if "*" in entry.phrase else None, matched)
            of = f" of {entry.source}" if entry.source else ""
            better = f'; better: "{replacement}"' if replacement else f"; {entry.note}"
            evidence = {"phrase": entry.phrase, "rendering": entry.rendering, "glossary": entry.origin}
            if entry.source:
                evidence["source"] = entry.source
            if entry.note:
                evidence["note"] = entry.note
            found.append(
                self.finding(
                    Span(m.start(), m.end()),
                    f'literal translation{of}: "{matched}"{better}',
                    replacement=replacement,
                    origin="glossary" if replacement else None,
                    evidence=evidence,
                )
            )
        return found


    def _matches(self, text: str) -> Iterable[regex.Match[str]]:
        assert self._pattern is not None
        if self._firsts is None:  # a phrase starts with a wildcard
            yield from self._pattern.finditer(text)
            return
        done = 0
        for word in _FIRST_WORD.finditer(text):
            if word.start() < done or word.group().lower() not in self._firsts:
                continue
            m = self._pattern.match(text, word.start())
            if m is not None:
                done = m.end()
                yield m


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
