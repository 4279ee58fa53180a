"""What the XML bilingual formats (XLIFF, TMX) share: an expat scan that keeps, for the text of
an element (a target, a segment), where each piece of it is in the file's bytes; the splice of a
repair into those bytes, refused where it would touch markup; and small helpers for the markers.

The stdlib's expat parser is used, not lxml's tree, because it reports the byte offset of every
event, which splicing needs; it expands no external entities.
"""

from __future__ import annotations

import re
from typing import Any
from xml.parsers import expat

from pipeline.core.protected import InlineCode
from pipeline.io.html import Piece, raw_span

_ASCII_RUNS = re.compile(r"[\x00-\x7f]+|[^\x00-\x7f]")
_TAG_END = re.compile(rb"\"[^\"]*\"|'[^']*'|/?>")
_WS_AFTER = re.compile(rb"\r?\n?[ \t]*")
OPENING = frozenset({"bpt", "bx", "sc", "sm"})  # the start of a pair whose end is another element
CLOSING = frozenset({"ept", "ex", "ec", "em"})


class Content:
    """The text of an element tqa reads and where each piece of it is in the file."""

    def __init__(self, start: int, tag_end: int, line: int, placed: bool = True) -> None:
        self.start, self.tag_end, self.line = start, tag_end, line  # its start tag: '<' and after '>'
        self.placed = placed  # keep where its pieces are (a target's: a source is never written)
        self.parts: list[str] = []
        self.pieces: list[Piece] = []
        self.bounds: set[int] = set()  # text offsets where markup sits: edits may not touch them
        self.codes: list[InlineCode] = []  # its inline elements, where they sit in the text
        self.length = 0
        self.end = -1  # '</' of its end tag
        self.open: list[Any] | None = None  # the character data still being read: [text, byte start, cdata]

    def text(self) -> str:
        return "".join(self.parts)


def start_tag_end(data: bytes, at: int) -> int:
    """Where the start tag at ``data[at]`` ends (after its '>')."""
    for m in _TAG_END.finditer(data, at):
        if m.group().endswith(b">"):
            return m.end()
    return len(data)


class TextScanner:
    """The expat handlers that read a ``Content``: a subclass opens one (``self.content``) in
    its ``_start`` and closes it in its ``_end``; inside, the elements named in ``codes`` are
    inline codes whose content is not text, those in ``wrappers`` surround text of the
    content, and every other tag, comment, processing instruction or CDATA boundary is a
    place an edit may not touch. Each code and each end of a wrapper is kept as an
    ``InlineCode`` at its text offset (the record's ``codes``, which the plan protects and
    ``tag-mismatch`` compares). ``encoding``: the bytes are in it whatever the declaration
    says (a UTF-16 file read as UTF-8, see ``as_utf8``)."""

    def __init__(
        self,
        data: bytes,
        codes: frozenset[str],
        wrappers: frozenset[str],
        namespaces: bool,
        encoding: str | None = None,
    ) -> None:
        self.data = data
        self.codes, self.wrappers = codes, wrappers
        self.encoding = encoding or "utf-8"
        self.forced = encoding is not None
        p = self.parser = (
            expat.ParserCreate(encoding, namespace_separator=" ") if namespaces else expat.ParserCreate(encoding)
        )
        p.XmlDeclHandler = self._decl
        p.StartElementHandler = self._start
        p.EndElementHandler = self._end
        p.CharacterDataHandler = self._data
        p.CommentHandler = lambda _: self._markup()
        p.ProcessingInstructionHandler = lambda *_: self._markup()
        p.StartCdataSectionHandler = lambda: self._markup(cdata=True)
        p.EndCdataSectionHandler = lambda: self._markup(cdata=False)
        self.content: Content | None = None
        self.cdata = False
        self.skip = 0  # depth inside an inline code, whose content is not text

    def parse(self) -> None:
        self.parser.Parse(self.data, True)

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        raise NotImplementedError

    def _end(self, name: str) -> None:
        raise NotImplementedError

    def _decl(self, version: str, encoding: str | None, standalone: int) -> None:
        if not self.forced:
            self.encoding = encoding or "utf-8"

    def _close_data(self, at: int) -> None:
        c = self.content
        if c is not None and c.open is not None:
            text, start, cdata = c.open
            if not c.placed:
                c.parts.append(text)
                c.length += len(text)  # where its inline codes sit
                c.open = None
                return
            raw = self.data[start:at]
            try:
                literal = not cdata and raw.decode(self.encoding) == text
            except (UnicodeDecodeError, LookupError):
                literal = False
            c.parts.append(text)
            if literal and not text.isascii():
                # pieces index bytes: a literal piece must be one byte a character, so each
                # other character is a piece of its own, edited whole or not at all
                for m in _ASCII_RUNS.finditer(text):
                    ascii_run, size = m.group().isascii(), len(m.group().encode(self.encoding))
                    c.pieces.append((c.length, c.length + len(m.group()), start, start + size, ascii_run))
                    c.length, start = c.length + len(m.group()), start + size
            else:
                c.pieces.append((c.length, c.length + len(text), start, at, literal))
                c.length += len(text)
            c.open = None

    def _markup(self, cdata: bool | None = None) -> None:
        at = self.parser.CurrentByteIndex
        self._close_data(at)
        if cdata is not None:
            self.cdata = cdata
        if self.content is not None:
            self.content.bounds.add(self.content.length)

    def _data(self, text: str) -> None:
        c = self.content
        if c is None or self.skip:
            return
        at = self.parser.CurrentByteIndex
        self._close_data(at)  # one piece per event: an entity's is its own, so the text around stays literal
        c.open = [text, at, self.cdata]

    def _enter(self, name: str, attrs: dict[str, str]) -> bool:
        """At a start tag: True when it is inside the open content (an inline element), which
        is all a scanner does with it."""
        self._markup()
        c = self.content
        if c is None:
            return False
        if not self.skip and (name in self.codes or name in self.wrappers):
            # XLIFF names a code by id (2.x: startRef for an end), TMX by i (a pair) or x
            ident = next((attrs[k] for k in ("id", "startRef", "rid", "i", "x") if attrs.get(k)), "")
            kind = "open" if name in self.wrappers or name in OPENING else "close" if name in CLOSING else "standalone"
            c.codes.append(InlineCode(c.length, name, ident, kind))
        if name in self.codes or self.skip:
            self.skip += 1
        return True

    def _leave(self, name: str) -> bool:
        """At an end tag that does not close the content: True when it was inside the content."""
        self._markup()
        if self.skip:
            self.skip -= 1
            return True
        c = self.content
        if c is None:
            return False
        if name in self.wrappers:
            opened = next((k for k in reversed(c.codes) if k.name == name and k.kind == "open"), None)
            c.codes.append(InlineCode(c.length, name, opened.id if opened else "", "close"))
        return True


def placed(content: Content) -> dict[str, Any]:
    """What a writer needs of a content it may repair (a record's ``fields`` keep it)."""
    return {"pieces": content.pieces, "bounds": sorted(content.bounds)}


def repairs(place: dict[str, Any], applied: list[dict[str, Any]], encoding: str) -> tuple[list[Any], list[Any]]:
    """(the splices that write ``applied`` into the content ``place`` describes, the repairs
    left out): a repair is written only where its characters lie in text the element holds
    contiguously and touch no inline element, comment or CDATA section."""
    pieces = [tuple(p) for p in place["pieces"]]
    starts = [p[0] for p in pieces]
    bounds, done = set(place["bounds"]), -1
    edits: list[tuple[int, int, bytes]] = []
    refused: list[dict[str, Any]] = []
    for edit in sorted(applied, key=lambda e: (e["start"], e["end"])):
        span = raw_span(pieces, starts, edit["start"], edit["end"])  # type: ignore[arg-type]
        if span is None or span[0] < done or any(edit["start"] <= b <= edit["end"] for b in bounds):
            refused.append(edit)
            continue
        text = escape(edit["replacement"]).encode(encoding, "xmlcharrefreplace")
        edits.append((span[0], span[1], text))
        done = span[1]
    return edits, refused


def escape(text: str, attribute: bool = False) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;") if attribute else text


def set_attribute(data: bytes, start: int, end: int, name: str, value: str) -> tuple[int, int, bytes]:
    """The splice that gives the start tag ``data[start:end]`` attribute ``name="value"``."""
    tag = data[start:end]
    m = re.search(rb"\s" + re.escape(name.encode()) + rb"\s*=\s*(\"[^\"]*\"|'[^']*')", tag)
    quoted = f'"{escape(value, True)}"'.encode()
    if m:
        return start + m.start(1), start + m.end(1), quoted
    close = end - (2 if tag.endswith(b"/>") else 1)
    return close, close, b" " + name.encode() + b"=" + quoted


def indent(data: bytes, at: int) -> bytes:
    """A newline and the indentation of the line ``data[at]`` starts on, when only whitespace
    comes before it there: what a new element before ``at`` is followed by."""
    line = data.rfind(b"\n", 0, at) + 1
    head = data[line:at]
    return b"\n" + head if not head.strip() and line else b""


def element_end(data: bytes, end_tag: int) -> int:
    """After the '>' of the end tag at ``data[end_tag]`` (``</x>``, ``</x >``)."""
    return data.index(b">", end_tag) + 1


def removal(data: bytes, start: int, end: int, after: bool = False) -> tuple[int, int, bytes]:
    """The splice that removes ``data[start:end]`` (an element tqa added) with the line break
    and indentation that came with it: before it, or ``after`` it."""
    if after:
        return start, _WS_AFTER.match(data, end).end(), b""  # type: ignore[union-attr]
    at = start
    while at and data[at - 1] in b" \t":
        at -= 1
    if at and data[at - 1] == 0x0A:  # "\n"
        at -= 2 if at > 1 and data[at - 2] == 0x0D else 1
    return at, end, b""


def as_utf8(data: bytes) -> tuple[bytes, str | None]:
    """(the document as UTF-8 bytes, the codec to write them back in, or None when it was
    read as it is): a UTF-16 file (TMX exports from Trados are) is scanned and spliced in UTF-8
    and written back in UTF-16, byte for byte where nothing changed. ``UnicodeDecodeError`` for
    UTF-16 that is not."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[:4] in (b"<\x00?\x00", b"\x00<\x00?"):
        codec = "utf-16-le" if data[:2] in (b"\xff\xfe", b"<\x00") else "utf-16-be"
        return data.decode(codec).encode("utf-8"), codec  # a byte-order mark is kept as U+FEFF
    return data, None
