"""Diffs for people: a word-level diff and paragraph pairing (the unified line diff is in ``unified``).

The word diff works on tokens, not characters, so a reviewer sees ``<del>sub
-natural</del><ins>sub-natural</ins>`` rather than confetti of single letters, and a
Chinese passage that was retranslated is one change, not one change per character.

Every diff a report shows is read off the edit list (``edit_opcodes``): text outside
the edits is equal by construction, so only the few tokens or lines around each edit
are compared, and the time is linear in the text. A whole-text diff (difflib, quadratic
in the worst case) is kept for the one case where no edits explain the cleaned text.
"""

from __future__ import annotations

import difflib
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate
from typing import NamedTuple

import regex

from pipeline.core.document import split_paragraphs
from pipeline.core.edits import Edit, apply_edits, check_overlaps
from pipeline.core.spans import Span

_SCRIPTS = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Bopomofo}"
_CJK = rf"[{_SCRIPTS}\u3000-\u303f\uff00-\uffef]"  # the scripts, CJK punctuation, full-width forms
_TOKEN = regex.compile(
    # A CJK passage is one token, even across inner punctuation, digits and spaces, and
    # Latin letters written inside it without spaces ("管道D线"): one retranslation, one change.
    rf"{_CJK}+(?:(?:[\p{{P}}\p{{S}}\d \t]+|[\p{{Latin}}\d]+){_CJK}+)*"
    # A word, keeping inner hyphens and apostrophes: "don't", "good-neighborly".
    rf"|[^\W{_SCRIPTS}\uff00-\uffef]+(?:['’-][^\W{_SCRIPTS}\uff00-\uffef]+)*"
    r"|\s+"
    r"|.",
    regex.DOTALL,
)
# Inside one edit's neighbourhood difflib compares tokens; beyond this many token pairs
# the neighbourhood is shown as one replacement (a long retranslated passage).
_LOCAL_DIFF_LIMIT = 250_000


class Chunk(NamedTuple):
    """One piece of a word diff: ``op`` is ``equal``, ``delete``, ``insert`` or ``replace``."""

    op: str
    a: str
    b: str


def tokenize(text: str) -> list[str]:
    """Words, CJK passages, whitespace runs and single other characters; they join back to ``text``."""
    return _TOKEN.findall(text)


def _change(a: str, b: str) -> Chunk:
    return Chunk("replace" if a and b else "delete" if a else "insert", a, b)


def _merged(chunks: Iterable[Chunk]) -> list[Chunk]:
    """Adjacent changes, and changes separated only by whitespace, become one change."""
    out: list[Chunk] = []
    for chunk in chunks:
        if chunk.op == "equal":
            if out and out[-1].op == "equal":
                out[-1] = Chunk("equal", out[-1].a + chunk.a, out[-1].b + chunk.b)
            elif chunk.a:
                out.append(chunk)
        elif out and out[-1].op != "equal":
            prev = out.pop()
            out.append(_change(prev.a + chunk.a, prev.b + chunk.b))
        elif len(out) >= 2 and out[-1].a.isspace() and out[-2].op != "equal":
            space, prev = out.pop(), out.pop()
            out.append(_change(prev.a + space.a + chunk.a, prev.b + space.b + chunk.b))
        elif chunk.a or chunk.b:
            out.append(_change(chunk.a, chunk.b))
    return out


def _common_ends(ta: Sequence[str], tb: Sequence[str]) -> tuple[int, int]:
    """Lengths of the common prefix and (not overlapping it) common suffix of two token lists."""
    n = min(len(ta), len(tb))
    head = 0
    while head < n and ta[head] == tb[head]:
        head += 1
    tail = 0
    while tail < n - head and ta[-1 - tail] == tb[-1 - tail]:
        tail += 1
    return head, tail


def _local_opcodes(ta: Sequence[str], tb: Sequence[str]) -> list[tuple[str, int, int, int, int]]:
    """difflib's opcodes for two token lists, the common ends trimmed first; one
    replacement when what is left is too large to compare token by token."""
    head, tail = _common_ends(ta, tb)
    n, m = len(ta), len(tb)
    ops: list[tuple[str, int, int, int, int]] = [("equal", 0, head, 0, head)] if head else []
    mid_a, mid_b = ta[head : n - tail], tb[head : m - tail]
    if len(mid_a) * len(mid_b) > _LOCAL_DIFF_LIMIT:
        ops.append(("replace", head, n - tail, head, m - tail))
    elif mid_a or mid_b:
        # autojunk would treat frequent tokens (spaces, "the") as junk in long paragraphs.
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, mid_a, mid_b, autojunk=False).get_opcodes():
            ops.append((tag, i1 + head, i2 + head, j1 + head, j2 + head))
    if tail:
        ops.append(("equal", n - tail, n, m - tail, m))
    return ops


def word_diff(a: str, b: str) -> list[Chunk]:
    """Word-level diff of ``a`` and ``b``; the ``a`` parts join to ``a``, the ``b`` parts to ``b``.

    Changes separated only by whitespace are merged, so "x y" -> "p q" is one change
    rather than two with an unchanged space between them (sparse highlighting).
    For texts whose edits are known, ``edit_chunks`` gives the same view in linear time.
    """
    ta, tb = tokenize(a), tokenize(b)
    return _merged(Chunk(tag, "".join(ta[i1:i2]), "".join(tb[j1:j2])) for tag, i1, i2, j1, j2 in _local_opcodes(ta, tb))


def _starts(tokens: Sequence[str]) -> list[int]:
    """Where each token starts, and the end of the text: the places a diff may cut."""
    return [0, *accumulate(map(len, tokens))]


def edit_opcodes(ta: Sequence[str], tb: Sequence[str], edits: Iterable[Edit]) -> list[tuple[str, int, int, int, int]]:
    """difflib-style opcodes (token indexes) turning ``ta`` into ``tb``, read off ``edits``.

    ``ta`` and ``tb`` are the tokens (words or lines) of a text and of
    ``apply_edits(text, edits)``. Around each edit the window grows to the nearest place
    that is a token boundary on both sides (after it, both texts are the same characters,
    so they tokenize alike); only the tokens inside a window are compared. Each boundary
    is looked at at most twice, so the time is linear in the number of tokens.
    """
    a_at, b_at = _starts(ta), _starts(tb)
    b_cut = set(b_at)
    ordered = check_overlaps(edits)
    windows: list[list[int]] = []  # [a0, a1, b0, b1] in characters
    last_a = 0  # end of the previous window, a boundary on both sides
    delta = 0  # offset of the cleaned text against the original, outside the edits
    k = 0
    while k < len(ordered):
        # Left: the last shared boundary at or before the edit (and not before the last window).
        i = bisect_right(a_at, ordered[k].span.start) - 1
        while a_at[i] > last_a and a_at[i] + delta not in b_cut:
            i -= 1
        left = max(a_at[i], last_a)
        left_b = left + delta
        while True:  # right: the first shared boundary after the edit, before the next one starts
            edit = ordered[k]
            delta += len(edit.replacement) - len(edit.span)
            limit = ordered[k + 1].span.start if k + 1 < len(ordered) else a_at[-1]
            i = bisect_left(a_at, edit.span.end)
            while i < len(a_at) and a_at[i] <= limit and a_at[i] + delta not in b_cut:
                i += 1
            k += 1
            if i < len(a_at) and a_at[i] <= limit:
                right = a_at[i]
                break
        if windows and windows[-1][1] == left:  # touching windows compare as one, as difflib would
            windows[-1][1], windows[-1][3] = right, right + delta
        else:
            windows.append([left, right, left_b, right + delta])
        last_a = right
    ops: list[tuple[str, int, int, int, int]] = []
    last_i = last_j = 0
    for a0, a1, b0, b1 in windows:
        ia0, ia1 = bisect_left(a_at, a0), bisect_left(a_at, a1)
        ib0, ib1 = bisect_left(b_at, b0), bisect_left(b_at, b1)
        ops.append(("equal", last_i, ia0, last_j, ib0))
        for tag, i1, i2, j1, j2 in _local_opcodes(ta[ia0:ia1], tb[ib0:ib1]):
            ops.append((tag, i1 + ia0, i2 + ia0, j1 + ib0, j2 + ib0))
        last_i, last_j = ia1, ib1
    ops.append(("equal", last_i, len(ta), last_j, len(tb)))
    return _coalesced(ops)


def _coalesced(ops: list[tuple[str, int, int, int, int]]) -> list[tuple[str, int, int, int, int]]:
    """Adjacent equal stretches as one, as difflib gives them (hunks are cut on their length)."""
    out: list[tuple[str, int, int, int, int]] = []
    for op in ops:
        if op[1] == op[2] and op[3] == op[4]:
            continue
        if out and op[0] == "equal" and out[-1][0] == "equal":
            out[-1] = ("equal", out[-1][1], op[2], out[-1][3], op[4])
        else:
            out.append(op)
    return out


class Piece(NamedTuple):
    """A stretch of a diff in character offsets: ``[a0, a1)`` of the original, ``[b0, b1)`` of the cleaned text."""

    op: str
    a0: int
    a1: int
    b0: int
    b1: int


class EditDiff:
    """The word diff of a text and its cleaned version, read off the edits, cut into rows."""

    def __init__(self, text: str, cleaned: str, edits: Iterable[Edit]) -> None:
        self.text, self.cleaned = text, cleaned
        ta, tb = tokenize(text), tokenize(cleaned)
        a_at, b_at = _starts(ta), _starts(tb)
        self.pieces = [
            Piece(op, a_at[i1], a_at[i2], b_at[j1], b_at[j2]) for op, i1, i2, j1, j2 in edit_opcodes(ta, tb, edits)
        ]
        self._a_ends = [p.a1 for p in self.pieces]
        self._b_ends = [p.b1 for p in self.pieces]

    def row(self, a: Span, b: Span) -> list[Chunk]:
        """The word diff of ``a`` of the text against ``b`` of the cleaned text (one side-by-side
        row); changes split only by whitespace merged as in ``word_diff``."""
        first = min(bisect_right(self._a_ends, a.start), bisect_right(self._b_ends, b.start))
        return _merged(self._clip(first, a, b))

    def _clip(self, first: int, a: Span, b: Span) -> Iterator[Chunk]:
        for k in range(first, len(self.pieces)):
            p = self.pieces[k]
            if p.a0 >= a.end and p.b0 >= b.end:
                break
            a0, a1 = max(p.a0, a.start), min(p.a1, a.end)
            b0, b1 = max(p.b0, b.start), min(p.b1, b.end)
            sa, sb = self.text[a0:a1] if a0 < a1 else "", self.cleaned[b0:b1] if b0 < b1 else ""
            if not sa and not sb:
                continue
            # A row boundary that cuts an equal stretch unevenly (an edit in the blank
            # lines between paragraphs) leaves unequal parts: show them as a change.
            yield Chunk("equal", sa, sb) if p.op == "equal" and sa == sb else _change(sa, sb)


def edits_from_diff(a: str, b: str, reason: str, origin: str = "unknown") -> list[Edit]:
    """Edits that turn ``a`` into ``b``, read off the word diff (for changes nobody recorded)."""
    edits: list[Edit] = []
    pos = 0
    for chunk in word_diff(a, b):
        if chunk.op != "equal":
            edits.append(Edit(Span(pos, pos + len(chunk.a)), chunk.b, reason, origin))
        pos += len(chunk.a)
    return edits


def display_edits(text: str, cleaned: str, applied: Iterable[Edit]) -> tuple[list[Edit], bool]:
    """The applied edits and True when they explain ``cleaned``; otherwise edits read off a
    whole-text diff, and False (the reports then show changes without their reasons)."""
    applied = list(applied)
    try:
        if apply_edits(text, applied) == cleaned:
            return check_overlaps(applied), True
    except ValueError:
        pass
    return edits_from_diff(text, cleaned, "not explained by the recorded edits"), False


class Pair(NamedTuple):
    """A row of the side-by-side view: a stretch of original and of cleaned paragraphs.

    ``a`` is None for a paragraph that only the cleaned text has, ``b`` for one that was
    deleted. A stretch is one paragraph except where an edit merged or split paragraphs.
    """

    a: Span | None
    b: Span | None


def _overlapping(starts: Sequence[int], ends: Sequence[int], start: int, end: int) -> range:
    """Indexes of the (sorted, disjoint) paragraphs sharing a character with ``[start, end)``."""
    if start >= end:
        return range(0)
    first = bisect_right(ends, start)
    return range(first, bisect_left(starts, end, lo=first))


def align_paragraphs(text: str, cleaned: str, edits: Iterable[Edit]) -> list[Pair]:
    """Pair the paragraphs of ``text`` with those of ``cleaned = apply_edits(text, edits)``.

    Pairing follows the edits, not the content: text outside every edit maps to a known
    place in the cleaned text. So when two of three identical title lines are removed,
    the rows say exactly which two (a content diff would guess).
    """
    a_paras, b_paras = split_paragraphs(text), split_paragraphs(cleaned)
    a_at = [p.start for p in a_paras], [p.end for p in a_paras]
    b_at = [p.start for p in b_paras], [p.end for p in b_paras]
    na = len(a_paras)
    parent = list(range(na + len(b_paras)))  # union-find over a-paragraphs, then b-paragraphs

    def find(node: int) -> int:
        root = node
        while parent[root] != root:
            root = parent[root]
        while parent[node] != root:  # path compression keeps every find near constant time
            parent[node], node = root, parent[node]
        return root

    def union(nodes: list[int]) -> None:
        for node in nodes[1:]:
            parent[find(node)] = find(nodes[0])

    delta = cursor = 0
    ordered = check_overlaps(edits)
    for edit in [*ordered, Edit(Span(len(text), len(text)), "", "end", "")]:
        # Unedited text before this edit: linked to where it lands in the cleaned text.
        for i in _overlapping(*a_at, cursor, edit.span.start):
            x, y = max(cursor, a_paras[i].start), min(edit.span.start, a_paras[i].end)
            for j in _overlapping(*b_at, x + delta, y + delta):
                union([i, na + j])
        # The edit links what it replaced with what it put there.
        at = edit.span.start + delta
        union(
            list(_overlapping(*a_at, edit.span.start, edit.span.end))
            + [na + j for j in _overlapping(*b_at, at, at + len(edit.replacement))]
        )
        delta += len(edit.replacement) - len(edit.span)
        cursor = edit.span.end

    # Per group: its last paragraph on each side (-1: none on that side).
    last_a: dict[int, int] = {}
    last_b: dict[int, int] = {}
    for k in range(len(parent)):
        side = last_a if k < na else last_b
        side[find(k)] = k if k < na else k - na
    rows: list[Pair] = []
    i = j = 0
    while i < na or j < len(b_paras):
        if i < na and find(i) not in last_b:  # deleted: list deletions first, as diff does
            rows.append(Pair(a_paras[i], None))
            i += 1
        elif j < len(b_paras) and (i == na or find(na + j) not in last_a):  # inserted
            rows.append(Pair(None, b_paras[j]))
            j += 1
        else:
            # Grow the row until no paragraph in it has a partner outside it; each
            # paragraph is looked at once.
            a_hi, b_hi, sa, sb = i, j, i, j
            while sa <= a_hi or sb <= b_hi:
                root = find(sa) if sa <= a_hi else find(na + sb)
                if sa <= a_hi:
                    sa += 1
                else:
                    sb += 1
                a_hi, b_hi = max(a_hi, last_a.get(root, -1)), max(b_hi, last_b.get(root, -1))
            rows.append(Pair(Span(a_paras[i].start, a_paras[a_hi].end), Span(b_paras[j].start, b_paras[b_hi].end)))
            i, j = a_hi + 1, b_hi + 1
    return rows
