"""Character offsets -> 1-based line:column, for every place a user is shown a finding.

A finding is located after any line breaks its span starts with: a duplicate line's span starts
with the blank line before it, which must not put it at the end of the line above. Line
starts are computed once and bisected, so locating n findings is linear in the text
plus n log(lines), not n times the text.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from pipeline.core.findings import Finding

_LINE_END = re.compile(r"\r\n|\r|\n")


class LineIndex:
    """Offsets -> (line, column), both 1-based; LF, CRLF and lone CR all end a line."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0, *map(re.Match.end, _LINE_END.finditer(text))]

    def locate(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1

    def position(self, finding: Finding) -> tuple[int, int]:
        """Where the finding's text begins: leading line breaks skipped (not spaces: a space
        before a comma is the finding itself)."""
        start, end = finding.span.start, finding.span.end
        while start < end and self.text[start] in "\r\n":
            start += 1
        return self.locate(start if start < end else finding.span.start)
