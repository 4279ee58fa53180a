"""Findings with no change behind them, marked in the review page's text.

A critical untranslated passage when no model is present, an "X of the X" repeat, a
glossary note: no edit stands for them, yet a reviewer must see each one where it is and
reach it with j/k like a change. They are laid over the rows the diff made (only the
original column, whose pieces spell the original paragraph in order), as ``finding``
pieces with a chip ``fN`` (N: the finding's number, the one ``tqa accept -n`` takes), so
this works on whatever rows ``rows.build_rows`` produces.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Any

from pipeline.core.findings import Finding
from pipeline.report.changes import Change

FINDING = "finding"
_TEXT_KINDS = ("text", "del", "sug")  # left-column pieces that carry original text


def uncovered(findings: list[Finding], changes: list[Change]) -> list[tuple[int, Finding]]:
    """(number, finding) for the findings no change stands for (the same span, or the same
    check with a span that overlaps or starts at the same place).

    Per check, the changes sorted by start with a running maximum of their ends: a change
    overlapping ``f`` is one starting before ``f`` ends and ending after it starts, found
    by bisection (a scan of every change per finding was quadratic: 40 s on 1 MB)."""
    spans = {(c.edit.span.start, c.edit.span.end) for c in changes}
    by_check: dict[str, tuple[list[int], list[int], set[int]]] = {}
    for c in sorted(changes, key=lambda c: c.edit.span.start):
        starts, ends, at = by_check.setdefault(c.edit.check, ([], [], set()))
        starts.append(c.edit.span.start)
        ends.append(max(ends[-1], c.edit.span.end) if ends else c.edit.span.end)
        at.add(c.edit.span.start)
    out = []
    for number, f in enumerate(findings, 1):
        covered = (f.span.start, f.span.end) in spans
        if not covered and f.check in by_check:
            starts, ends, at = by_check[f.check]
            k = bisect_left(starts, f.span.end)  # the changes starting before f ends
            covered = f.span.start in at or (k > 0 and ends[k - 1] > f.span.start)
        if not covered:
            out.append((number, f))
    return out


def finding_id(number: int) -> str:
    return f"f{number}"


def _title(number: int, f: Finding) -> str:
    return f"#{number} {f.check} [{f.severity.value}]: {f.message}"


def chip(number: int, f: Finding) -> dict[str, Any]:
    return {
        "kind": "chip",
        "id": finding_id(number),
        "change_kind": FINDING,
        "decision": "open",
        "label": f"#{number} · {f.check} · {f.severity.value}",
        "title": _title(number, f),
    }


def _split(
    piece: dict[str, Any], start: int, marks: list[tuple[int, Finding]]
) -> list[tuple[dict[str, Any], list[int]]]:
    """A text piece cut at the findings' edges: (piece, numbers of the findings it shows)."""
    text, end = piece["text"], start + len(piece["text"])
    cuts = {start, end}
    for _, f in marks:
        cuts.update(x for x in (f.span.start, f.span.end) if start < x < end)
    bounds = sorted(cuts)
    out = []
    for lo, hi in zip(bounds, bounds[1:]):
        inside = [n for n, f in marks if f.span.start <= lo and hi <= f.span.end and f.span.start < f.span.end]
        chunk = text[lo - start : hi - start]
        if inside:
            titles = "; ".join(_title(n, f) for n, f in marks if n in inside)
            worst = max((f for n, f in marks if n in inside), key=lambda f: f.severity.rank).severity.value
            out.append(
                (
                    {
                        "kind": FINDING,
                        "text": chunk,
                        "changes": " ".join(finding_id(n) for n in inside),
                        "title": titles,
                        "state": f"sev-{worst}",
                    },
                    inside,
                )
            )
        else:
            out.append(({**piece, "text": chunk}, []))
    return out


def _caret(number: int, f: Finding) -> dict[str, Any]:
    return {
        "kind": FINDING,
        "text": "",
        "changes": finding_id(number),
        "title": _title(number, f),
        "state": f"sev-{f.severity.value} caret",
    }


def mark_rows(
    rows: list[dict[str, Any]], pairs: list[Any], marks: list[tuple[int, Finding]], text: str
) -> list[dict[str, Any]]:
    """Lay ``marks`` over the original column of ``rows`` (one per ``pairs`` entry), in place;
    return chips of the findings that fall in no row (between paragraphs)."""
    placed: set[int] = set()
    ordered = sorted(marks, key=lambda m: (m[1].span.start, m[0]))
    starts = [f.span.start for _, f in ordered]
    taken, carried = 0, []  # carried: findings running on past the previous paragraph
    for row, pair in zip(rows, pairs):
        if pair.a is None:
            continue
        a0, a1 = pair.a.start, pair.a.end
        # rows come in text order, so each finding is taken up once and carried while it
        # lasts: linear over the article, not rows x findings
        upto = bisect_right(starts, a1)
        candidates = carried + ordered[taken:upto]
        taken = max(taken, upto)
        here = [
            (n, f)
            for n, f in candidates
            if f.span.start < a1 and a0 < f.span.end or (f.span.start == f.span.end and a0 <= f.span.start <= a1)
        ]
        carried = [(n, f) for n, f in candidates if f.span.end > a1]
        if not here:
            continue
        pieces: list[dict[str, Any]] = []
        last: dict[int, int] = {}  # finding number -> index of the last piece showing it
        pos = a0
        for piece in row["left"]:
            if piece["kind"] not in _TEXT_KINDS:
                pieces.append(piece)
                continue
            end = pos + len(piece["text"])
            for n, f in here:  # empty findings (an omission) sit at a point
                if f.span.start == f.span.end and pos <= f.span.start < end and n not in last:
                    if f.span.start > pos and piece["kind"] == "text":
                        pieces.append({**piece, "text": piece["text"][: f.span.start - pos]})
                        piece, pos = {**piece, "text": piece["text"][f.span.start - pos :]}, f.span.start
                    pieces.append(_caret(n, f))
                    last[n] = len(pieces) - 1
            parts = (
                _split(piece, pos, here)
                if piece["kind"] == "text"
                else [(piece, [n for n, f in here if f.span.start < end and pos < f.span.end])]
            )
            for part, numbers in parts:
                pieces.append(part)
                for n in numbers:
                    last[n] = len(pieces) - 1
            pos = end
        for n, f in here:
            if n not in last and f.span.start == f.span.end:  # at the very end of the paragraph
                pieces.append(_caret(n, f))
                last[n] = len(pieces) - 1
        by_number = dict(here)
        for n, at in sorted(last.items(), key=lambda kv: kv[1], reverse=True):  # from the back: indexes stay valid
            if n in placed:  # a finding across paragraphs: one chip, after its first paragraph
                continue
            where = at + 1
            while where < len(pieces) and pieces[where]["kind"] == "chip":
                where += 1
            pieces.insert(where, chip(n, by_number[n]))
            placed.add(n)
        row["left"] = pieces
    return [{**chip(n, f), "text": f.span.of(text), "replacement": None} for n, f in marks if n not in placed]


def _start(span: Any) -> int:
    return span.start


def _end(span: Any) -> int:
    return span.end


def sentence_of(doc: Any, start: int, end: int, limit: int = 300) -> str:
    """The sentence(s) around ``[start, end)``: what a reviewer reads a finding in."""
    # spans are in text order and do not overlap: bisect, not a scan per finding (quadratic on a long document)
    sentences = doc.sentences[
        bisect_left(doc.sentences, start, key=_end) : bisect_right(doc.sentences, end, key=_start)
    ]
    spans = (
        sentences
        or doc.paragraphs[
            bisect_left(doc.paragraphs, start, key=_end) : bisect_right(doc.paragraphs, start, key=_start)
        ]
    )
    if not spans:
        return ""
    text = " ".join(doc.text[spans[0].start : spans[-1].end].split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
