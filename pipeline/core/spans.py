"""Character spans: the lingua franca between stages (offsets into an immutable text)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Span:
    """Half-open range ``[start, end)`` of character offsets into a document's text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"Span: need 0 <= start <= end, got ({self.start}, {self.end})")

    def __len__(self) -> int:
        return self.end - self.start

    def of(self, text: str) -> str:
        return text[self.start : self.end]

    def overlaps(self, other: Span) -> bool:
        """True when the spans share a character (an empty span overlaps a span it sits strictly inside)."""
        return self.start < other.end and other.start < self.end

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end


def trimmed(text: str, start: int, end: int) -> Span | None:
    """``text[start:end]`` without its leading and trailing whitespace; None when nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end) if start < end else None


def overlapping(spans: Sequence[Span], ends: Sequence[int], span: Span) -> list[int]:
    """Indexes of ``spans`` (in text order, not overlapping; ``ends`` their ends) that
    overlap ``span``, found by bisection: a scan per lookup is quadratic on a long document."""
    found = []
    i = bisect_right(ends, span.start)
    while i < len(spans) and spans[i].start <= span.end:
        if spans[i].overlaps(span):
            found.append(i)
        i += 1
    return found
