"""``Edit`` and ``apply_edits``: the only place where text changes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.core.spans import Span


class OverlappingEditsError(ValueError):
    """Two edits touch the same characters; applying both would be ambiguous."""


@dataclass(frozen=True)
class Edit:
    """Replace ``span`` of the original text with ``replacement``.

    ``check`` and ``reason`` name the finding it fixes (check id, human message);
    ``origin`` is where the replacement came from: ``rule``, ``glossary``, ``marian``, ``review``.
    """

    span: Span
    replacement: str
    reason: str
    origin: str
    check: str = ""


def check_overlaps(edits: Iterable[Edit]) -> list[Edit]:
    """Return the edits sorted by position; raise if any two overlap."""
    ordered = sorted(edits, key=lambda e: (e.span.start, e.span.end))
    for before, after in zip(ordered, ordered[1:]):
        if before.span.overlaps(after.span) or (
            # two insertions at the same point have no defined order
            before.span == after.span and not before.span
        ):
            raise OverlappingEditsError(
                f"edits overlap: {before.span.start}-{before.span.end} ({before.reason}) "
                f"and {after.span.start}-{after.span.end} ({after.reason})"
            )
    return ordered


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits; every character outside their spans is kept as is."""
    ordered = check_overlaps(edits)
    for edit in ordered:
        if edit.span.end > len(text):
            raise ValueError(f"edit {edit.span.start}-{edit.span.end} lies past the end of the text ({len(text)})")
    pieces: list[str] = []
    cursor = 0
    for edit in ordered:
        pieces.append(text[cursor : edit.span.start])
        pieces.append(edit.replacement)
        cursor = edit.span.end
    pieces.append(text[cursor:])
    return "".join(pieces)


def carry_span(span: Span, edits: Iterable[Edit]) -> Span | None:
    """Where ``span`` of the original lies in the edited text, or None if an edit touches it."""
    shift = 0
    for edit in sorted(edits, key=lambda e: (e.span.start, e.span.end)):
        if edit.span.overlaps(span) or (not edit.span and span.start < edit.span.start < span.end):
            return None
        if edit.span.end <= span.start:
            shift += len(edit.replacement) - len(edit.span)
    return Span(span.start + shift, span.end + shift)
