"""``duplicate-line``: a line or paragraph that repeats an earlier one.

Scrapers and MT pipelines duplicate whole units (a title three times at the top of an
article). The comparison ignores differences in whitespace and quote style, since a copy
that went through a different path often differs only there.

The repair drops each later copy and keeps the first. Its span takes the separator
*before* the copy with it (the blank line, or the line break inside a paragraph), so
removing it leaves the text as tidy as if the copy had never been there, and spans of
consecutive copies touch but never overlap.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import regex

from pipeline.checks.base import Check, ConfigurationError, covered, register
from pipeline.core.document import Document, word_count
from pipeline.core.findings import Finding, Severity
from pipeline.core.spans import Span

_QUOTES = str.maketrans({c: '"' for c in "“”„‟«»「」『』＂"} | {c: "'" for c in "‘’‚‛′＇"})
_QUOTE_MARKS = [(chr(c), plain) for c, plain in _QUOTES.items()]
_LINE = regex.compile(r"[^\r\n]+")


def normalise(text: str, marks: list[tuple[str, str]] = _QUOTE_MARKS) -> str:
    """Whitespace collapsed, curly quotes made straight; ``marks``: the quote marks that may
    occur (those of the whole document: not looked for again in each of its lines)."""
    return " ".join(_plain_quotes(text, marks).split())


def _plain_quotes(text: str, marks: list[tuple[str, str]]) -> str:
    """``text.translate(_QUOTES)``, with one fast ``replace`` per quote mark present: the
    translation looks each character up in a table, the dominant cost of this check."""
    for mark, plain in marks:
        if mark in text:
            text = text.replace(mark, plain)
    return text


@register
class DuplicateLine(Check):
    id = "duplicate-line"
    severity = Severity.MAJOR
    description = "Line or paragraph repeating an earlier one (after whitespace and quote normalisation)"
    options = {"min_words": 3}  # shorter lines ("Photo: Xinhua", "***") repeat legitimately
    score_name = "share of the text in repeated lines"

    @classmethod
    def score(cls, findings: Sequence[Finding], text: str, words: int) -> float:
        return covered(findings, text)

    def __init__(self, severity: str | Severity | None = None, **options: Any) -> None:
        super().__init__(severity, **options)
        n = self.config["min_words"]
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise ConfigurationError(f"{type(self).__name__}: min_words must be a positive integer, got {n!r}")

    def find(self, doc: Document) -> Iterable[Finding]:
        text = doc.text
        seen: dict[str, Span] = {}
        copies: list[tuple[Span, str]] = []  # (removal span, key)

        def long_enough(key: str) -> bool:
            return word_count(key) >= self.config["min_words"]

        whole: set[str] = set()  # keys first seen as a paragraph of their own
        paragraphs = doc.paragraphs
        marks = [(mark, plain) for mark, plain in _QUOTE_MARKS if mark in text]
        for i, para in enumerate(paragraphs):
            body = para.of(text)
            key = normalise(body, marks)
            if key in seen and long_enough(key):
                copies.append((Span(paragraphs[i - 1].end, para.end), key))
                continue
            if "\n" in body or "\r" in body:
                lines = [Span(para.start + m.start(), para.start + m.end()) for m in _LINE.finditer(body)]
                copies.extend(
                    self._repeated_lines(
                        text, lines, seen, whole, long_enough, paragraphs[i - 1].end if i else None, marks
                    )
                )
            # Short units are registered too (cheaper than counting words); they are never reported.
            if key not in seen:
                seen[key] = para
                whole.add(key)
        return self._findings(text, seen, copies)

    @staticmethod
    def _repeated_lines(
        text: str,
        lines: list[Span],
        seen: dict[str, Span],
        whole: set[str],
        long_enough: Callable[[str], bool],
        previous_end: int | None,
        marks: list[tuple[str, str]],
    ) -> list[tuple[Span, str]]:
        """Runs of repeated lines inside one multi-line paragraph, each as one removal span.

        A line counts as a copy when it repeats a line right above it or a unit that stood
        on its own (a title); two equal lines of hard-wrapped prose in different paragraphs
        are a coincidence of the wrapping, not a duplicate.
        """
        keys = [normalise(line.of(text), marks) for line in lines]
        repeated = []
        for k, (line, key) in enumerate(zip(lines, keys)):
            dup = key in seen and long_enough(key) and (key in whole or (k > 0 and keys[k - 1] == key))
            repeated.append(dup)
            if key not in seen:
                seen[key] = line
        out = []
        i = 0
        while i < len(lines):
            if not repeated[i]:
                i += 1
                continue
            j = i
            while j + 1 < len(lines) and repeated[j + 1]:
                j += 1
            if i > 0:  # take the line break before the run
                span = Span(lines[i - 1].end, lines[j].end)
            elif j + 1 < len(lines):  # the run opens the paragraph: take the break after it
                span = Span(lines[i].start, lines[j + 1].start)
            elif previous_end is not None:  # the whole paragraph, line by line
                span = Span(previous_end, lines[j].end)
            else:
                span = Span(lines[i].start, lines[j].end)
            out.append((span, keys[i]))
            i = j + 1
        return out

    def _findings(self, text: str, seen: dict[str, Span], copies: list[tuple[Span, str]]) -> list[Finding]:
        totals: dict[str, int] = {}
        for _, key in copies:
            totals[key] = totals.get(key, 1) + 1
        nth: dict[str, int] = {}
        found = []
        for span, key in copies:
            first = seen[key]
            nth[key] = nth.get(key, 1) + 1
            line_no = text.count("\n", 0, first.start) + 1
            found.append(
                self.finding(
                    span,
                    f"repeats line {line_no} (copy {nth[key]} of {totals[key]}); the first copy is kept",
                    replacement="",
                    origin="rule",
                    evidence={
                        "first": [first.start, first.end],
                        "first_line": line_no,
                        "copy": nth[key],
                        "copies": totals[key],
                    },
                )
            )
        return found
