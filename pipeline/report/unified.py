"""The unified line diff (the ``.diff`` report): hunks read off the edit list, as ``diff -u`` prints them."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Sequence

import regex

from pipeline.core.edits import Edit
from pipeline.report.diff import edit_opcodes

_LINE = regex.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def split_lines(text: str) -> list[str]:
    """Lines with their endings; only CR, LF and CRLF end a line (not U+2028 and friends)."""
    return _LINE.findall(text)


def unified_diff(a: str, b: str, name: str, context: int = 3, edits: Iterable[Edit] | None = None) -> str:
    """``diff -u`` of two texts with ``a/name`` and ``b/name`` headers; empty when equal.

    Lines keep their own endings (a CRLF file gives CRLF content lines), and a last line
    without one gets the ``\\ No newline at end of file`` marker so ``patch`` can apply it.
    With ``edits`` (``b = apply_edits(a, edits)``) the changed lines are read off them in
    linear time; without, difflib compares the whole texts.
    """
    if a == b:
        return ""
    la, lb = split_lines(a), split_lines(b)
    if edits is None:
        ops = difflib.SequenceMatcher(None, la, lb).get_opcodes()
    else:
        ops = edit_opcodes(la, lb, edits)
    out = [f"--- a/{name}\n", f"+++ b/{name}\n"]
    for group in _hunks(ops, context):
        first, last = group[0], group[-1]
        out.append(f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out.extend(_marked(" ", la[i1:i2]))
                continue
            out.extend(_marked("-", la[i1:i2]))
            out.extend(_marked("+", lb[j1:j2]))
    return "".join(out)


def _marked(tag: str, lines: Sequence[str]) -> Iterator[str]:
    for line in lines:
        yield tag + line
        if not line.endswith(("\n", "\r")):
            yield "\n\\ No newline at end of file\n"


def _range(start: int, stop: int) -> str:
    """A hunk header's range, as ``diff -u`` (and difflib) write it."""
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"


def _hunks(ops: list[tuple[str, int, int, int, int]], n: int) -> Iterator[list[tuple[str, int, int, int, int]]]:
    """The changes with ``n`` lines of context, grouped into hunks (difflib's ``get_grouped_opcodes``)."""
    ops = [op for op in ops if op[1] < op[2] or op[3] < op[4]]
    if not ops:
        return
    if ops[0][0] == "equal":
        tag, i1, i2, j1, j2 = ops[0]
        ops[0] = (tag, max(i1, i2 - n), i2, max(j1, j2 - n), j2)
    if ops[-1][0] == "equal":
        tag, i1, i2, j1, j2 = ops[-1]
        ops[-1] = (tag, i1, min(i2, i1 + n), j1, min(j2, j1 + n))
    group: list[tuple[str, int, int, int, int]] = []
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal" and i2 - i1 > 2 * n:
            group.append((tag, i1, min(i2, i1 + n), j1, min(j2, j1 + n)))
            yield group
            group = []
            i1, j1 = max(i1, i2 - n), max(j1, j2 - n)
        group.append((tag, i1, i2, j1, j2))
    if group and not (len(group) == 1 and group[0][0] == "equal"):
        yield group
