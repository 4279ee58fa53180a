"""Spoken style, which transcripts keep and machine translation does not make.

Measured on public-domain transcripts (``tests/data/transcripts``): speakers restart a
phrase after a comma ("if we, if we get this done", "I think, I think"), count and
repeat numbers ("number one, number one"), and captions cut a quotation at a cue
boundary (“the Constitution makes / us not rivals ...”). Machine translation's doubled
phrases start with content words ("reduce poverty reduction, reduce poverty reduction")
and its quotes do not straddle a paragraph break, so:

- ``spoken_restart``: a comma-separated repeat of a phrase that opens with one of these
  words is a restart: a minor finding with no repair (``repeated-phrase``);
- ``drop_split_quotations``: a quote mark left open at the end of a paragraph and one
  closing at the start of the next are one quotation cut in two, not two unpaired marks
  (``unpaired-punctuation``).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

import regex

from pipeline.core.findings import Finding
from pipeline.core.spans import Span

# Words a spoken restart opens with: pronouns, conjunctions and subordinators, auxiliaries,
# discourse words, and number words (counting).
RESTART_WORDS = frozenset(
    """i we you he she it they there this that these those if and but so because when what where why how who which
    as or then now well look let let's i'm we're you're it's that's there's i've we've i'll we'll you'll they're
    is are was were do does did have has had will would can could should may might must to in on at for of with
    the a an my our your their number one two three four five six seven eight nine ten first second third""".split()
)
_QUOTES = regex.compile(r'["“”]')


def spoken_restart(first_word: str) -> bool:
    """A phrase repeated after a comma that opens with ``first_word`` (lower case) is spoken style."""
    return first_word in RESTART_WORDS


def drop_split_quotations(findings: Sequence[Finding], text: str, paragraphs: Sequence[Span]) -> list[Finding]:
    """``findings`` (unpaired marks, in text order) less each quotation cut at a paragraph break:
    an opening mark that is the last quote mark of its paragraph, paired with a closing
    mark that is the first quote mark of the next paragraph."""
    unpaired = {f.span.start: f for f in findings}
    # only a paragraph holding one of the findings, followed by another, can hold such a pair
    starts = [p.start for p in paragraphs]
    holding = {bisect_right(starts, at) - 1 for at in unpaired}
    dropped: set[int] = set()
    for n in sorted(holding):
        if n < 0 or n + 1 not in holding:
            continue
        para, following = paragraphs[n], paragraphs[n + 1]
        last = _last_quote(text, para)
        first = _first_quote(text, following)
        if last is None or first is None or last not in unpaired or first not in unpaired:
            continue
        opening, closing = text[last], text[first]
        if opening in '"“' and closing in '"”' and _closes(text, first):
            dropped.update((last, first))
    return [f for f in findings if f.span.start not in dropped]


def _last_quote(text: str, para: Span) -> int | None:
    at = None
    for m in _QUOTES.finditer(text, para.start, para.end):
        at = m.start()
    return at


def _first_quote(text: str, para: Span) -> int | None:
    m = _QUOTES.search(text, para.start, para.end)
    return m.start() if m else None


def _closes(text: str, at: int) -> bool:
    """A curly closing quote, or a straight one after a word (not before one)."""
    if text[at] == "”":
        return True
    return at > 0 and not text[at - 1].isspace() and (at + 1 == len(text) or not text[at + 1].isalnum())
