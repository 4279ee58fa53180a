"""The side-by-side rows of the review page: text pieces tagged with the changes they show.

The word diff (read off the edits, see ``diff.EditDiff``) decides what is highlighted
(whole words, a Chinese passage as one unit);
the recorded changes decide what each highlight means. A highlighted piece names the
changes behind it (``c3``), every change gets one focusable chip after its last piece,
and a suggestion that was not applied is shown in place: its text marked on both sides
and the proposed text beside it in the cleaned column.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Any

from pipeline.core.edits import Edit
from pipeline.report.changes import APPLIED, SUGGESTION, Change
from pipeline.report.diff import EditDiff, Pair
from pipeline.report.json_report import landed_at

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
    label = " · ".join(
        x for x in (c.edit.check or "change", c.severity, c.edit.origin, f"MQM {signed(c.mqm_delta)}") if x
    )
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
        self.mark(
            "sugnew", c.edit.replacement, [c], f"suggested instead of «{c.edit.span.of(text)}»: {change_title(c)}"
        )


class _Rows:
    def __init__(self, text: str, cleaned: str, changes: list[Change], explained: bool, edits: list[Edit]) -> None:
        self.text, self.cleaned = text, cleaned
        self.diff = EditDiff(text, cleaned, edits)
        applied = [c for c in changes if c.kind == APPLIED]
        self.explained = explained
        # Where each applied change landed in the cleaned text: only meaningful when the
        # recorded edits explain the cleaned text.
        self.applied = (
            list(zip(applied, landed_at([c.edit for c in applied]))) if explained else [(c, None) for c in applied]
        )
        # Explained edits do not overlap, so their starts and ends are both sorted: a row
        # finds its changes by bisection, not by a scan (linear time over the document).
        self._a_starts = [c.edit.span.start for c, _ in self.applied]
        self._a_ends = [c.edit.span.end for c, _ in self.applied]
        self._b_starts = [at or 0 for _, at in self.applied]
        self._b_ends = [(at or 0) + len(c.edit.replacement) for c, at in self.applied]
        self.suggestions = [c for c in changes if c.kind == SUGGESTION]
        self._s_starts = [c.edit.span.start for c in self.suggestions]
        self._s_longest = max((len(c.edit.span) for c in self.suggestions), default=0)
        self.placed: set[str] = set()

    def applied_on(self, a: tuple[int, int], b: tuple[int, int] | None) -> list[Change]:
        if self.explained:
            hits = set(range(bisect_right(self._a_ends, a[0]), bisect_left(self._a_starts, a[1])))
            if b is not None:
                hits.update(range(bisect_right(self._b_ends, b[0]), bisect_left(self._b_starts, b[1])))
            return [self.applied[k][0] for k in sorted(hits) if self._on(k, a, b)]
        return [c for k, (c, _) in enumerate(self.applied) if self._on(k, a, b)]

    def _on(self, k: int, a: tuple[int, int], b: tuple[int, int] | None) -> bool:
        c, at = self.applied[k]
        span = c.edit.span
        on_a = span.start < a[1] and a[0] < span.end
        on_b = at is not None and b is not None and at < b[1] and b[0] < at + len(c.edit.replacement)
        return on_a or on_b

    def _suggestions_near(self, a0: int, a1: int) -> list[Change]:
        """Suggestions that may touch ``[a0, a1)``: those starting less than the longest one before it."""
        lo = bisect_left(self._s_starts, a0 - self._s_longest)
        return self.suggestions[lo : bisect_right(self._s_starts, a1)]

    def attach(self, side: _Side, a0: int, a1: int) -> None:
        """Proposals of suggestions touching ``[a0, a1)`` that could not be shown in place."""
        for c in self._suggestions_near(a0, a1):
            span = c.edit.span
            touches = span.start < a1 and a0 < span.end if span else a0 < span.start < a1
            if c.id not in self.placed and touches:
                side.proposal(c, self.text)
                self.placed.add(c.id)

    def equal(self, left: _Side, right: _Side, a0: int, text: str) -> None:
        """Unchanged text, with suggestions that lie wholly inside it marked in place."""
        end, cursor = a0 + len(text), a0
        for k in range(bisect_left(self._s_starts, a0), len(self.suggestions)):
            c = self.suggestions[k]
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
        chunks = self.diff.row(pair.a, pair.b)
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
    text: str, cleaned: str, pairs: list[Pair], changes: list[Change], explained: bool, edits: list[Edit]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Rows of pieces with a chip after each change's last piece, and the changes shown nowhere.

    A change is shown nowhere when its edit leaves the text as it was, lies in the blank
    lines between paragraphs, or (unexplained cleaned text) cannot be found in the diff.
    ``edits`` turn ``text`` into ``cleaned`` (``diff.display_edits``); the word diff is read off them.
    """
    builder = _Rows(text, cleaned, changes, explained, edits)
    rows = [builder.row(pair) for pair in pairs]
    last: dict[str, tuple[list[dict[str, Any]], int]] = {}
    for row in rows:
        for side in (row["left"], row["right"]):
            for i, piece in enumerate(side):
                for cid in piece.get("changes", "").split():
                    last[cid] = (side, i)
    chips: dict[int, dict[int, list[dict[str, Any]]]] = {}  # per side: piece index -> chips after it
    sides: dict[int, list[dict[str, Any]]] = {}
    elsewhere = []
    for c in changes:
        if c.id in last:
            side, i = last[c.id]
            sides[id(side)] = side
            chips.setdefault(id(side), {}).setdefault(i, []).append(chip(c))
        else:
            elsewhere.append({**chip(c), "text": c.edit.span.of(text), "replacement": c.edit.replacement})
    for key, after in chips.items():
        # Rebuilt in one pass (inserting one chip at a time would be quadratic in a long row).
        side = sides[key]
        pieces = [piece for i, old in enumerate(side) for piece in (old, *after.get(i, ()))]
        side[:] = pieces
    return rows, elsewhere
