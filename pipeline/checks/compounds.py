"""``missing-hyphen``: fixed compounds that MT writes as separate words.

"Sino Japanese" (Sino-X), "post pandemic era" (post-X era), "COVID 19", "win win",
"people to people exchanges", "state owned", "pandemic related deaths" (X-related before
a noun). The "related" case needs a word before it that is not an adverb or a verb
("closely related", "is related") and a word after it that is not a preposition
("related to"), which is where the hyphen is required. Repair: the hyphens (``rule``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from pipeline.checks.base import PatternCheck, register
from pipeline.checks.glued import FUNCTION_WORDS
from pipeline.checks.resources.words import WORDS_CACHED, WordIndex, word_index
from pipeline.core.document import Document
from pipeline.core.findings import Severity
from pipeline.core.spans import Span

_FIXED = re.compile(
    r"\b(?:(Sino) ([A-Z][a-z]+)"
    r"|(post) ([a-z]+|[A-Z]+(?: ?\d+)?) (era|period|age)"
    r"|(COVID) (19)\b"
    r"|(win) (win)\b"
    r"|(people) (to) (people)(?= (?:exchanges?|ties|bonds|contacts?|diplomacy|friendship|links)\b)"
    r"|(state) (owned)\b"
    r"|([a-z]{3,}) (related) (?=[a-z]{3,})"
    r")",
    re.I,
)
# Every match starts at a word that begins one of the shapes, or at the word before "related":
# the pattern is tried only there, and the text is not scanned at every position.
_FIRST = re.compile(r"sino|post|covid|win|people|state", re.I)
_RELATED = re.compile(r"related", re.I)
_BEFORE = re.compile(r"[a-z]{3,}", re.I)


@lru_cache(maxsize=WORDS_CACHED)
def _shape_start(word: str) -> bool:
    return 3 <= len(word) <= 6 and bool(_FIRST.fullmatch(word))


@lru_cache(maxsize=WORDS_CACHED)
def _related(word: str) -> bool:
    return len(word) == 7 and bool(_RELATED.fullmatch(word))


def _matches(text: str, index: WordIndex) -> Iterator[re.Match[str]]:
    """What ``_FIXED.finditer(text)`` finds, trying the pattern only where a match can start."""
    starts = set(index.where(_shape_start))
    starts.update(
        k - 1 for k in index.where(_related) if k and index.gaps[k] == " " and _BEFORE.fullmatch(index.words[k - 1])
    )
    done = 0
    for k in sorted(starts):
        if index.starts[k] >= done and (m := _FIXED.match(text, index.starts[k])):
            yield m
            done = m.end()


_NOT_BEFORE_RELATED = frozenset(
    "are were was been being become became becomes seem seems not also closely directly distantly indirectly "
    "highly strongly loosely mostly partly largely genetically causally inversely intimately well".split()
)
_NOT_AFTER_RELATED = frozenset("to with by and or in as but than at for from".split())


@register
class MissingHyphen(PatternCheck):
    id = "missing-hyphen"
    severity = Severity.MINOR
    description = 'A fixed compound without its hyphens: "Sino Japanese", "post pandemic era", "COVID 19", "pandemic related deaths"'

    def matches(self, doc: Document) -> Iterable[re.Match[str]]:
        return _matches(doc.text, word_index(doc))

    def keep(self, m: re.Match[str], doc: Document) -> bool:
        if m.group(16):  # "X related Y"
            after = re.match(r"[a-z]+", doc.text[m.end() :])
            x = m.group(15).lower()
            if (
                x in _NOT_BEFORE_RELATED
                or x in FUNCTION_WORDS
                or x.endswith("ly")
                or (after and after.group() in _NOT_AFTER_RELATED)
            ):
                return False
        # "post the era", "post office": not the prefix
        return not (
            m.group(3) and (m.group(4).lower() in FUNCTION_WORDS or m.group(4).lower() in ("office", "offices"))
        )

    def span(self, m: re.Match[str], doc: Document) -> Span:
        return Span(m.start(), m.start() + len(m.group().rstrip()))

    def message(self, m: re.Match[str], doc: Document) -> str:
        return f'a fixed compound without its hyphen: "{m.group().rstrip()}" -> "{self.replacement(m, doc)}"'

    def replacement(self, m: re.Match[str], doc: Document) -> str:
        words = [g for g in m.groups() if g]
        era = [m.group(5)] if m.group(5) else []
        return "-".join(w for w in words if w not in era) + (f" {era[0]}" if era else "")

    def evidence(self, m: re.Match[str], doc: Document) -> dict[str, Any]:
        return {"text": m.group().rstrip()}
