"""Diffs for people: a unified line diff, a word-level diff, and paragraph pairing.

The word diff works on tokens, not characters, so a reviewer sees ``<del>sub
-natural</del><ins>sub-natural</ins>`` rather than confetti of single letters, and a
Chinese passage that was retranslated is one change, not one change per character.
"""

from __future__ import annotations

import difflib
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import regex

from ..document import split_paragraphs
from ..edits import Edit, check_overlaps
from ..spans import Span

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
_LINE = regex.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


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


def word_diff(a: str, b: str) -> list[Chunk]:
    """Word-level diff of ``a`` and ``b``; the ``a`` parts join to ``a``, the ``b`` parts to ``b``.

    Changes separated only by whitespace are merged, so "x y" -> "p q" is one change
    rather than two with an unchanged space between them (sparse highlighting).
    """
    ta, tb = tokenize(a), tokenize(b)
    # autojunk would treat frequent tokens (spaces, "the") as junk in long paragraphs.
    matcher = difflib.SequenceMatcher(None, ta, tb, autojunk=False)
    out: list[Chunk] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        chunk = Chunk(tag, "".join(ta[i1:i2]), "".join(tb[j1:j2]))
        if chunk.op == "equal":
            out.append(chunk)
        elif out and out[-1].op != "equal":
            prev = out.pop()
            out.append(_change(prev.a + chunk.a, prev.b + chunk.b))
        elif len(out) >= 2 and out[-1].a.isspace() and out[-2].op != "equal":
            space, prev = out.pop(), out.pop()
            out.append(_change(prev.a + space.a + chunk.a, prev.b + space.b + chunk.b))
        else:
            out.append(chunk)
    return out


def edits_from_diff(a: str, b: str, reason: str, origin: str = "unknown") -> list[Edit]:
    """Edits that turn ``a`` into ``b``, read off the word diff (for changes nobody recorded)."""
    edits: list[Edit] = []
    pos = 0
    for chunk in word_diff(a, b):
        if chunk.op != "equal":
            edits.append(Edit(Span(pos, pos + len(chunk.a)), chunk.b, reason, origin))
        pos += len(chunk.a)
    return edits


def split_lines(text: str) -> list[str]:
    """Lines with their endings; only CR, LF and CRLF end a line (not U+2028 and friends)."""
    return _LINE.findall(text)


def unified_diff(a: str, b: str, name: str, context: int = 3) -> str:
    """``diff -u`` of two texts with ``a/name`` and ``b/name`` headers; empty when equal.

    Lines keep their own endings (a CRLF file gives CRLF content lines), and a last line
    without one gets the ``\\ No newline at end of file`` marker so ``patch`` can apply it.
    """
    if a == b:
        return ""
    out: list[str] = []
    for line in difflib.unified_diff(split_lines(a), split_lines(b), f"a/{name}", f"b/{name}", n=context, lineterm="\n"):
        out.append(line)
        if not line.endswith(("\n", "\r")):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)


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
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(node: tuple[str, int]) -> tuple[str, int]:
        while parent.get(node, node) != node:
            node = parent[node]
        return node

    def union(nodes: list[tuple[str, int]]) -> None:
        for node in nodes[1:]:
            parent[find(node)] = find(nodes[0])

    delta = cursor = 0
    ordered = check_overlaps(edits)
    for edit in [*ordered, Edit(Span(len(text), len(text)), "", "end", "")]:
        # Unedited text before this edit: linked to where it lands in the cleaned text.
        for i in _overlapping(*a_at, cursor, edit.span.start):
            x, y = max(cursor, a_paras[i].start), min(edit.span.start, a_paras[i].end)
            for j in _overlapping(*b_at, x + delta, y + delta):
                union([("a", i), ("b", j)])
        # The edit links what it replaced with what it put there.
        at = edit.span.start + delta
        union(
            [("a", i) for i in _overlapping(*a_at, edit.span.start, edit.span.end)]
            + [("b", j) for j in _overlapping(*b_at, at, at + len(edit.replacement))]
        )
        delta += len(edit.replacement) - len(edit.span)
        cursor = edit.span.end

    groups: dict[tuple[str, int], dict[str, list[int]]] = {}
    for side, paras in (("a", a_paras), ("b", b_paras)):
        for k in range(len(paras)):
            groups.setdefault(find((side, k)), {"a": [], "b": []})[side].append(k)

    def group(side: str, k: int) -> dict[str, list[int]]:
        return groups[find((side, k))]

    rows: list[Pair] = []
    i = j = 0
    while i < len(a_paras) or j < len(b_paras):
        if i < len(a_paras) and not group("a", i)["b"]:  # deleted: list deletions first, as diff does
            rows.append(Pair(a_paras[i], None))
            i += 1
        elif j < len(b_paras) and (i == len(a_paras) or not group("b", j)["a"]):  # inserted
            rows.append(Pair(None, b_paras[j]))
            j += 1
        else:
            # Grow the row until no paragraph in it has a partner outside it.
            a_hi, b_hi = i, j
            while True:
                members = [group("a", k) for k in range(i, a_hi + 1)] + [group("b", k) for k in range(j, b_hi + 1)]
                new_a = max(k for g in members for k in g["a"] or [a_hi])
                new_b = max(k for g in members for k in g["b"] or [b_hi])
                if (new_a, new_b) == (a_hi, b_hi):
                    break
                a_hi, b_hi = new_a, new_b
            rows.append(Pair(Span(a_paras[i].start, a_paras[a_hi].end), Span(b_paras[j].start, b_paras[b_hi].end)))
            i, j = a_hi + 1, b_hi + 1
    return rows
