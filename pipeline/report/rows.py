"""The side-by-side rows of the review page: text pieces tagged with the changes they show.

The word diff decides what is highlighted (whole words, a Chinese passage as one unit);
the recorded changes decide what each highlight means. A highlighted piece names the
changes behind it (``c3``), every change gets one focusable chip after its last piece,
and a suggestion that was not applied is shown in place: its text marked on both sides
and the proposed text beside it in the cleaned column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .changes import APPLIED, SUGGESTION, Change
from .diff import Pair, word_diff
from .json_report import landed_at

UNEXPLAINED = "change not explained by the recorded edits"


def signed(value: float) -> str:
    """``-0.99`` as ``−0.99`` (a real minus sign), ``0`` as ``±0``."""
    if not value:
        return "±0"
    return f"{value:+.2f}".replace("-", "\u2212")


def change_title(c: Change) -> str:
    severity = f" [{c.severity}]" if c.severity else ""
    return f"{c.edit.check or 'change'}{severity} ({c.edit.origin}): {c.edit.reason}"


def chip(c: Change) -> dict[str, Any]:
    label = " · ".join(x for x in (c.edit.check or "change", c.severity, c.edit.origin, f"MQM {signed(c.mqm_delta)}") if x)
    what = "suggested" if c.kind == SUGGESTION else "applied"
    return {
        "kind": "chip",
        "id": c.id,
        "change_kind": c.kind,
        "decision": c.default,
        "label": label,
        "title": f"{c.id} {what}: {change_title(c)}",
    }


@dataclass
class _Side:
    pieces: list[dict[str, Any]] = field(default_factory=list)

    def text(self, text: str) -> None:
        if text:
            self.pieces.append({"kind": "text", "text": text})

    def mark(self, kind: str, text: str, changes: list[Change], title: str = "") -> None:
        decisions = {c.default for c in changes}
        self.pieces.append(
            {
                "kind": kind,
                "text": text,
                "changes": " ".join(c.id for c in changes),
                "title": title or "; ".join(change_title(c) for c in changes) or UNEXPLAINED,
                "state": "" if not decisions else f"is-{decisions.pop()}" if len(decisions) == 1 else "is-mixed",
            }
        )

    def proposal(self, c: Change, text: str) -> None:
        self.mark("sugnew", c.edit.replacement, [c], f"suggested instead of «{c.edit.span.of(text)}»: {change_title(c)}")


class _Rows:
    def __init__(self, text: str, cleaned: str, changes: list[Change], explained: bool) -> None:
        self.text, self.cleaned = text, cleaned
        applied = [c for c in changes if c.kind == APPLIED]
        # Where each applied change landed in the cleaned text: only meaningful when the
        # recorded edits explain the cleaned text.
        self.applied = list(zip(applied, landed_at([c.edit for c in applied]))) if explained else [(c, None) for c in applied]
        self.suggestions = [c for c in changes if c.kind == SUGGESTION]
        self.placed: set[str] = set()

    def applied_on(self, a: tuple[int, int], b: tuple[int, int] | None) -> list[Change]:
        out = []
        for c, at in self.applied:
            span = c.edit.span
            on_a = span.start < a[1] and a[0] < span.end
            on_b = at is not None and b is not None and at < b[1] and b[0] < at + len(c.edit.replacement)
            if on_a or on_b:
                out.append(c)
        return out

    def attach(self, side: _Side, a0: int, a1: int) -> None:
        """Proposals of suggestions touching ``[a0, a1)`` that could not be shown in place."""
        for c in self.suggestions:
            span = c.edit.span
            touches = span.start < a1 and a0 < span.end if span else a0 < span.start < a1
            if c.id not in self.placed and touches:
                side.proposal(c, self.text)
                self.placed.add(c.id)

    def equal(self, left: _Side, right: _Side, a0: int, text: str) -> None:
        """Unchanged text, with suggestions that lie wholly inside it marked in place."""
        end, cursor = a0 + len(text), a0
        for c in self.suggestions:
            s, e = c.edit.span.start, c.edit.span.end
            if s > end:
                break
            if c.id in self.placed or s < a0 or e > end:
                continue
            self.placed.add(c.id)
            if s < cursor:  # overlaps a suggestion marked just before: show its proposal next to that one
                right.proposal(c, self.text)
                continue
            for side in (left, right):
                side.text(self.text[cursor:s])
                side.mark("sug", self.text[s:e], [c])
            right.proposal(c, self.text)
            cursor = e
        for side in (left, right):
            side.text(self.text[cursor:end])

    def row(self, pair: Pair) -> dict[str, Any]:
        left, right = _Side(), _Side()
        if pair.a is None or pair.b is None:
            if pair.a is not None:
                left.mark("del", pair.a.of(self.text), self.applied_on((pair.a.start, pair.a.end), None))
                self.attach(right, pair.a.start, pair.a.end)
            elif pair.b is not None:
                right.mark("ins", pair.b.of(self.cleaned), self.applied_on((0, 0), (pair.b.start, pair.b.end)))
            return {"kind": "deleted" if pair.a else "inserted", "left": left.pieces, "right": right.pieces}
        a_pos, b_pos = pair.a.start, pair.b.start
        chunks = word_diff(pair.a.of(self.text), pair.b.of(self.cleaned))
        for chunk in chunks:
            a_end, b_end = a_pos + len(chunk.a), b_pos + len(chunk.b)
            if chunk.op == "equal":
                self.equal(left, right, a_pos, chunk.a)
            else:
                behind = self.applied_on((a_pos, a_end), (b_pos, b_end))
                if chunk.a:
                    left.mark("del", chunk.a, behind)
                if chunk.b:
                    right.mark("ins", chunk.b, behind)
                self.attach(right, a_pos, a_end)
            a_pos, b_pos = a_end, b_end
        changed = any(c.op != "equal" for c in chunks) or any(p["kind"] != "text" for p in left.pieces + right.pieces)
        return {"kind": "changed" if changed else "same", "left": left.pieces, "right": right.pieces}


def build_rows(
    text: str, cleaned: str, pairs: list[Pair], changes: list[Change], explained: bool
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Rows of pieces with a chip after each change's last piece, and the changes shown nowhere.

    A change is shown nowhere when its edit leaves the text as it was, lies in the blank
    lines between paragraphs, or (unexplained cleaned text) cannot be found in the diff.
    """
    builder = _Rows(text, cleaned, changes, explained)
    rows = [builder.row(pair) for pair in pairs]
    last: dict[str, tuple[list[dict[str, Any]], int]] = {}
    for row in rows:
        for side in (row["left"], row["right"]):
            for i, piece in enumerate(side):
                for cid in piece.get("changes", "").split():
                    last[cid] = (side, i)
    inserts: dict[int, list[tuple[int, dict[str, Any]]]] = {}
    sides: dict[int, list[dict[str, Any]]] = {}
    elsewhere = []
    for c in changes:
        if c.id in last:
            side, i = last[c.id]
            sides[id(side)] = side
            inserts.setdefault(id(side), []).append((i, chip(c)))
        else:
            elsewhere.append({**chip(c), "text": c.edit.span.of(text), "replacement": c.edit.replacement})
    for key, items in inserts.items():
        side = sides[key]
        # From the back, so earlier positions stay valid; chips of one piece keep their order.
        for i, piece in sorted(items, key=lambda item: item[0], reverse=True):
            at = i + 1
            while at < len(side) and side[at]["kind"] == "chip":
                at += 1
            side.insert(at, piece)
    return rows, elsewhere

