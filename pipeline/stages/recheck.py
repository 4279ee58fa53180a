"""After repair, check again only the paragraphs an edit touched.

A paragraph no edit touched reads the same before and after, so a check whose findings
depend on the paragraph alone (``LOCAL``) finds there what it found before: those
findings are carried over, shifted, and its sentence spans too (sentence segmentation
is the other half of the cost of checking). Checks that look across paragraphs
(a duplicate line, a quotation running on into the next paragraph) and any check not
known to be local run on the whole cleaned text. Wherever the premise is in doubt (a
finding or an edit crossing a paragraph boundary) the whole text is checked again.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import replace

from pipeline.checks import Check
from pipeline.checks.runner import run_checks
from pipeline.core.document import Document, newline_style, split_paragraphs, split_sentences
from pipeline.core.edits import Edit, check_overlaps
from pipeline.core.findings import Finding, in_text_order
from pipeline.core.spans import Span

_NOT_BREAK = re.compile(r"[^\r\n]")
LOCAL = frozenset(
    {
        "untranslated",
        "calque",
        "repeated-phrase",
        "hyphen-spacing",
        "space-before-punctuation",
        "missing-space",
        "ordinal-spacing",
        "cjk-punctuation",
    }
)


def _within_one(spans: Sequence[Span], starts: Sequence[int], span: Span) -> int | None:
    """The index of the paragraph holding all of ``span``, if one does."""
    k = bisect_right(starts, span.start) - 1
    if k >= 0 and spans[k].start <= span.start and span.end <= spans[k].end:
        return k
    return None


def recheck(
    doc: Document, before: list[Finding], cleaned: str, edits: list[Edit], checks: list[Check]
) -> tuple[Document, list[Finding]]:
    """The cleaned text as a ``Document`` and the findings of ``checks`` on it, as
    ``run_checks(Document.from_text(cleaned), checks)`` gives them; ``before`` are the
    findings of the same checks on ``doc`` (unfiltered)."""
    ordered = check_overlaps(edits)
    paras = split_paragraphs(cleaned)
    # Where each edit's replacement landed, and the shift after it.
    landed, shifts, delta = [], [], 0
    for e in ordered:
        landed.append((e.span.start + delta, e.span.start + delta + len(e.replacement)))
        delta += len(e.replacement) - len(e.span)
        shifts.append(delta)
    old_starts = [p.start for p in doc.paragraphs]
    old_by_start = {p.start: k for k, p in enumerate(doc.paragraphs)}
    sentence_starts = [s.start for s in doc.sentences]
    origin: list[int | None] = []  # per cleaned paragraph: the untouched original paragraph it is
    sentences: list[Span] = []
    for p in paras:
        k = bisect_left(landed, (p.start, -1))
        # touched: a replacement landed inside it or at its edge (a deletion right after it)
        touched = (k < len(landed) and landed[k][0] <= p.end) or (k > 0 and landed[k - 1][1] >= p.start)
        shift = shifts[k - 1] if k else 0
        old = None if touched else old_by_start.get(p.start - shift)
        if old is not None and len(doc.paragraphs[old]) != len(p):
            old = None
        origin.append(old)
        if old is None:
            sentences.extend(split_sentences(cleaned, p))
            continue
        o = doc.paragraphs[old]
        for s in doc.sentences[bisect_left(sentence_starts, o.start) : bisect_left(sentence_starts, o.end)]:
            sentences.append(Span(s.start + shift, s.end + shift))
    cleaned_doc = Document(cleaned, newline=newline_style(cleaned), paragraphs=tuple(paras), sentences=tuple(sentences))
    local = [c for c in checks if c.id in LOCAL]
    others = [c for c in checks if c.id not in LOCAL]
    carried = _carried(doc, before, {c.id for c in local}, origin, paras, old_starts)
    fresh = _fresh(cleaned_doc, local, origin) if carried is not None else None
    if carried is None or fresh is None:  # the premise failed somewhere: check everything
        # in the order found, not text order: the order the reports of this path have always shown
        return cleaned_doc, run_checks(cleaned_doc, checks, text_order=False)
    return cleaned_doc, in_text_order(carried + fresh + run_checks(cleaned_doc, others, text_order=False))


def _carried(
    doc: Document,
    before: list[Finding],
    ids: set[str],
    origin: list[int | None],
    paras: list[Span],
    old_starts: list[int],
) -> list[Finding] | None:
    """The local checks' findings of untouched paragraphs, moved to the cleaned offsets."""
    new_of_old = {old: k for k, old in enumerate(origin) if old is not None}
    out = []
    for f in before:
        if f.check not in ids:
            continue
        old = _within_one(doc.paragraphs, old_starts, f.span)
        if old is None:
            return None
        k = new_of_old.get(old)
        if k is not None:
            shift = paras[k].start - doc.paragraphs[old].start
            out.append(replace(f, span=Span(f.span.start + shift, f.span.end + shift)))
    return out


def _fresh(cleaned_doc: Document, local: list[Check], origin: list[int | None]) -> list[Finding] | None:
    """The local checks on the touched paragraphs only: the rest of the text blanked out
    (same offsets, same line breaks), so no check reads it."""
    text = cleaned_doc.text
    touched = [p for p, old in zip(cleaned_doc.paragraphs, origin) if old is None]
    if not touched:
        return []
    pieces, cursor = [], 0
    for p in touched:
        pieces.append(_blank(text[cursor : p.start]))
        pieces.append(text[p.start : p.end])
        cursor = p.end
    pieces.append(_blank(text[cursor:]))
    starts = [p.start for p in touched]
    sentences = tuple(s for s in cleaned_doc.sentences if _within_one(touched, starts, s) is not None)
    window = replace(cleaned_doc, text="".join(pieces), paragraphs=tuple(touched), sentences=sentences)
    found = run_checks(window, local, text_order=False)
    if any(_within_one(touched, starts, f.span) is None for f in found):
        return None
    return found


def _blank(text: str) -> str:
    """Spaces for everything but line breaks, so lines and paragraphs keep their places."""
    return _NOT_BREAK.sub(" ", text)
