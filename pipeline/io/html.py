"""HTML pages: the checks see the visible text; repairs go back into the text nodes.

A page is one record. Its visible text is the character data outside ``HIDDEN`` elements
(scripts, styles, navigation, the head, ...), entities decoded, each run of whitespace one
space as a browser shows it, and a blank line at each block element, so paragraphs stay
paragraphs. Every piece of that text remembers where it came from in the page source;
an edit is written back only where it lies inside text the page holds contiguously (no
tag, comment or block break inside it), and the page outside the edited characters is
kept byte for byte. An edit that crosses markup is left out and said so.

The stdlib's ``html.parser`` is used because it reports the source position of every
token; lxml and selectolax build a tree but do not say where a text node's characters
were, which byte-for-byte writing back needs.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from pipeline.core.document import InputError, decode
from pipeline.io.base import Fields, Malformed, Record, UnreadableInput
from pipeline.io.base import Writer as BaseWriter
from pipeline.util.atomic import AtomicFile

HIDDEN = frozenset(
    {
        "script",
        "style",
        "nav",
        "head",
        "template",
        "noscript",
        "svg",
        "math",
        "iframe",
        "object",
        "code",
        "select",
        "textarea",
    }
)
BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "body", "dd", "details", "div", "dl", "dt", "fieldset", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "html", "li", "main", "ol", "p",
    "pre", "section", "summary", "table", "td", "th", "tr", "ul",
})  # fmt: skip
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
_RUNS = re.compile(r"[ \t\n\r\f]+|[^ \t\n\r\f]+")
# (start, end) in the visible text, (raw_start, raw_end) in the page source (-1: a break tqa
# added), literal: characters map one to one (else an entity or collapsed whitespace,
# edited whole or not at all)
Piece = tuple[int, int, int, int, bool]


class _Scanner(HTMLParser):
    def __init__(self, raw: str) -> None:
        super().__init__(convert_charrefs=False)
        self.raw = raw
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", raw)]
        self.hidden: list[str] = []
        self.parts: list[str] = []
        self.pieces: list[Piece] = []
        self.length = 0

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def _add(self, text: str, raw_start: int, raw_end: int, literal: bool) -> None:
        self.parts.append(text)
        self.pieces.append((self.length, self.length + len(text), raw_start, raw_end, literal))
        self.length += len(text)

    def _ends_with_space(self) -> bool:
        return not self.parts or self.parts[-1][-1] in " \n"

    def _break(self, sep: str) -> None:
        if self.parts and self.parts[-1] == " ":  # whitespace before a block's end shows as nothing
            self.parts.pop()
            self.pieces.pop()
            self.length -= 1
        if self.parts and not self.parts[-1].endswith(sep):
            self._add(sep, -1, -1, False)

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in HIDDEN and tag not in VOID:
            self.hidden.append(tag)
        self._block(tag)

    def handle_startendtag(self, tag: str, attrs: Any) -> None:
        self._block(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.hidden:
            while self.hidden.pop() != tag:
                pass
        self._block(tag)

    def _block(self, tag: str) -> None:
        if not self.hidden:
            if tag == "br":
                self._break("\n")
            elif tag in BLOCKS:
                self._break("\n\n")

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        at = self._offset()
        for m in _RUNS.finditer(data):
            run, start = m.group(), at + m.start()
            if run[0] not in " \t\n\r\f":
                self._add(run, start, start + len(run), True)
            elif not self._ends_with_space():
                self._add(" ", start, start + len(run), run == " ")

    def _reference(self, head: str) -> None:
        if self.hidden:
            return
        start = self._offset()
        end = start + len(head)
        if self.raw.startswith(";", end):
            end += 1
        self._add(html.unescape(self.raw[start:end]), start, end, False)

    def handle_entityref(self, name: str) -> None:
        self._reference("&" + name)

    def handle_charref(self, name: str) -> None:
        self._reference("&#" + name)


def read(path: Path, fields: Fields) -> Iterator[Record | Malformed]:
    try:
        data = path.read_bytes()
    except OSError as err:
        raise UnreadableInput(f"{path}: cannot be read: {err.strerror or err}") from None
    try:
        raw, encoding, bom = decode(data)
    except InputError as err:
        yield Malformed("page", str(err), data)
        return
    scanner = _Scanner(raw)
    scanner.feed(raw)
    scanner.close()
    scanner._break("")  # drop a trailing space
    text = "".join(scanner.parts).rstrip("\n")
    page = {"raw": raw, "encoding": encoding, "bom": bom.hex(), "pieces": scanner.pieces}
    yield Record(path.stem, text, "page", page)


def write_back(page: dict[str, Any], edits: list[dict[str, Any]]) -> tuple[str, int]:
    """The page source with each edit that lies inside contiguous text applied; and how
    many edits were left out because they cross markup."""
    pieces: list[Piece] = page["pieces"]
    starts = [p[0] for p in pieces]
    raw, out, cursor, refused = page["raw"], [], 0, 0
    for edit in sorted(edits, key=lambda e: (e["start"], e["end"])):
        span = raw_span(pieces, starts, edit["start"], edit["end"])
        if span is None or span[0] < cursor:
            refused += 1
            continue
        out += [raw[cursor : span[0]], html.escape(edit["replacement"], quote=False)]
        cursor = span[1]
    out.append(raw[cursor:])
    return "".join(out), refused


def raw_span(pieces: list[Piece], starts: list[int], start: int, end: int) -> tuple[int, int] | None:
    """Where the visible characters [start, end) are in the source, if they are there contiguously."""
    i = max(bisect.bisect_right(starts, start) - 1, 0)
    if start == end:  # an insertion: inside or at the end of a literal piece
        for p in pieces[i : i + 2]:
            if p[4] and p[0] <= start <= p[1]:
                return p[2] + start - p[0], p[2] + start - p[0]
        return None
    covered = []
    for p in pieces[i:]:
        if p[0] >= end:
            break
        covered.append(p)
    if not covered or any(p[2] < 0 for p in covered):
        return None
    if any(a[3] != b[2] for a, b in zip(covered, covered[1:])):
        return None  # a tag, a comment or hidden text between them
    first, last = covered[0], covered[-1]
    if not first[4] and start != first[0] or not last[4] and end != last[1]:
        return None  # part of an entity or of collapsed whitespace
    return first[2] + (start - first[0] if first[4] else 0), last[3] - (last[1] - end if last[4] else 0)


class Writer(BaseWriter):
    def __init__(self, target: Path, fields: Fields, source: Path | None = None) -> None:
        self.out = AtomicFile(target)

    def write(self, record: Record, output: dict[str, Any]) -> list[str]:
        page = record.fields
        text, refused = write_back(page, output["tqa"].get("applied", []))
        self.out.file.write(bytes.fromhex(page["bom"]) + text.encode(page["encoding"]))
        return [f"{refused} repair(s) not written back: they cross markup"] if refused else []

    def passthrough(self, item: Malformed) -> None:
        if item.raw is not None:  # a page tqa could not read: the same bytes, never an empty file
            self.out.file.write(item.raw)

    def commit(self) -> Path:
        return self.out.commit()

    def abort(self) -> None:
        self.out.abort()
