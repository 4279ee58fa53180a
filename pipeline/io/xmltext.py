"""What the XML bilingual formats (XLIFF, TMX) share: an expat scan that keeps, for the text of
an element (a target, a segment), where each piece of it is in the file's bytes; the splice of a
repair into those bytes, refused where it would touch markup; and small helpers for the markers.

The stdlib's expat parser is used, not lxml's tree, because it reports the byte offset of every
event, which splicing needs; it expands no external entities. It is fed the file a chunk at a
time (``TextScanner.feed``), so a reader hands on each unit as soon as it is complete and holds
one unit's bytes, not the file's; a first pass without handlers (``well_formed``) makes sure the
whole file parses before any record is read from it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from xml.parsers import expat

from pipeline.core.protected import InlineCode
from pipeline.io.base import Malformed, UnreadableInput
from pipeline.io.html import Piece, raw_span
from pipeline.io.stream import utf16_codec, view

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


def start_tag_end(data: bytes, at: int, base: int = 0) -> int:
    """Where the start tag at ``at`` ends (after its '>'); ``data`` holds the file from ``base`` on."""
    for m in _TAG_END.finditer(data, at - base):
        if m.group().endswith(b">"):
            return base + m.end()
    return base + len(data)


class TextScanner:
    """The expat handlers that read a ``Content``: a subclass opens one (``self.content``) in
    its ``_start`` and closes it in its ``_end``; inside, the elements named in ``codes`` are
    inline codes whose content is not text, those in ``wrappers`` surround text of the
    content, and every other tag, comment, processing instruction or CDATA boundary is a
    place an edit may not touch. Each code and each end of a wrapper is kept as an
    ``InlineCode`` at its text offset (the record's ``codes``, which the plan protects and
    ``tag-mismatch`` compares). ``encoding``: the bytes are in it whatever the declaration
    says (a UTF-16 file read as UTF-8, see ``codec_of``). The file comes a chunk at a time
    (``feed``); a subclass sets ``hold`` to where its open unit starts, so that its bytes are
    kept until the unit is complete, and puts each complete unit in ``done``."""

    def __init__(
        self,
        codes: frozenset[str],
        wrappers: frozenset[str],
        namespaces: bool,
        encoding: str | None = None,
    ) -> None:
        self.buf, self.base = b"", 0  # the bytes from ``base`` on that events may still need
        self.hold: int | None = None  # where the open unit starts
        self.done: list[dict[str, Any]] = []  # units complete and not yet handed on
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

    def feed(self, chunk: bytes, final: bool = False) -> None:
        self.buf += chunk
        self.parser.Parse(chunk, final)
        keep = self.parser.CurrentByteIndex  # outside a handler: just past the last event
        if self.hold is not None:
            keep = min(keep, self.hold)
        if keep > self.base:
            self.buf, self.base = self.buf[keep - self.base :], keep

    def bytes(self, start: int, end: int) -> bytes:
        return self.buf[start - self.base : end - self.base]

    def tag_end(self, at: int) -> int:
        return start_tag_end(self.buf, at, self.base)

    def element_end(self, end_tag: int) -> int:
        return element_end(self.buf, end_tag, self.base)

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
            raw = self.bytes(start, at)
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
        if c.open is not None and self._run(c.open, text, at):
            c.open[0] += text  # a run of text cut where a chunk ended: one piece, as in one read
            return
        self._close_data(at)  # one piece per event: an entity's is its own, so the text around stays literal
        c.open = [text, at, self.cdata]

    def _run(self, open_: list[Any], text: str, at: int) -> bool:
        """Whether ``text`` at ``at`` goes on the open text: expat reports a run of characters
        whole when it has the whole run, and in two where a chunk ends inside it; a line break
        and a reference (outside CDATA) are always events of their own."""
        if "\n" in text or "\n" in open_[0] or open_[2] != self.cdata:
            return False
        return self.cdata or b"&" not in (self.bytes(at, at + 1), self.bytes(open_[1], open_[1] + 1))

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


def set_attribute(data: bytes, start: int, end: int, name: str, value: str, base: int = 0) -> tuple[int, int, bytes]:
    """The splice that gives the start tag between ``start`` and ``end`` attribute ``name="value"``
    (``data``: the file from ``base`` on, as in the helpers below)."""
    tag = data[start - base : end - base]
    m = re.search(rb"\s" + re.escape(name.encode()) + rb"\s*=\s*(\"[^\"]*\"|'[^']*')", tag)
    quoted = f'"{escape(value, True)}"'.encode()
    if m:
        return start + m.start(1), start + m.end(1), quoted
    close = end - (2 if tag.endswith(b"/>") else 1)
    return close, close, b" " + name.encode() + b"=" + quoted


def indent(data: bytes, at: int, base: int = 0) -> bytes:
    """A newline and the indentation of the line ``at`` starts on, when only whitespace
    comes before it there: what a new element before ``at`` is followed by."""
    line = data.rfind(b"\n", 0, at - base) + 1
    head = data[line : at - base]
    return b"\n" + head if not head.strip() and line else b""


def element_end(data: bytes, end_tag: int, base: int = 0) -> int:
    """After the '>' of the end tag at ``end_tag`` (``</x>``, ``</x >``)."""
    return data.index(b">", end_tag - base) + 1 + base


def removal(data: bytes, start: int, end: int, after: bool = False, base: int = 0) -> tuple[int, int, bytes]:
    """The splice that removes the bytes from ``start`` to ``end`` (an element tqa added) with
    the line break and indentation that came with it: before it, or ``after`` it."""
    if after:
        return start, base + _WS_AFTER.match(data, end - base).end(), b""  # type: ignore[union-attr]
    at = start - base
    while at and data[at - 1] in b" \t":
        at -= 1
    if at and data[at - 1] == 0x0A:  # "\n"
        at -= 2 if at > 1 and data[at - 2] == 0x0D else 1
    return base + at, end, b""


def codec_of(path: Path) -> str | None:
    """The codec to read the file in and write it back in, or None when it is scanned as it
    is: a UTF-16 file (TMX exports from Trados are) is scanned and spliced in UTF-8, decoded a
    chunk at a time, and written back in UTF-16, byte for byte where nothing changed."""
    with open(path, "rb") as f:
        return utf16_codec(f.read(4))


def well_formed(path: Path, codec: str | None, namespaces: bool, on_start: Any = None) -> str:
    """The encoding the file's declaration names (UTF-8 without one) once the whole file has
    parsed, fed as a scanner is but with no handler but ``on_start`` (cheap: expat alone);
    ``ExpatError``, or ``UnicodeDecodeError`` for UTF-16 that is not (which wins, as it
    would if the file were decoded first)."""
    sep = {"namespace_separator": " "} if namespaces else {}
    p = expat.ParserCreate("utf-8" if codec else None, **sep)
    declared = ["utf-8"]

    def decl(version: str, enc: str | None, standalone: int) -> None:
        declared[0] = enc or "utf-8"

    p.XmlDeclHandler = decl
    if on_start is not None:
        p.StartElementHandler = on_start
    chunks = view(path, codec)
    try:
        for chunk in chunks:
            p.Parse(chunk, False)
        p.Parse(b"", True)
    except expat.ExpatError:
        if codec:
            for _ in chunks:  # a decoding error further on is the one to tell
                pass
        raise
    return declared[0]


def first_pass(path: Path, namespaces: bool, on_start: Any, unsupported: str) -> tuple[str | None, Malformed | None]:
    """The whole file parsed once (``well_formed``, ``on_start`` seeing every start tag): the
    codec to scan it in (``codec_of``), or why it is no XML tqa reads (a ``Malformed`` for
    the file: broken XML, UTF-16 that is not, a 16- or 32-bit encoding with no byte-order
    mark, which ``unsupported`` words after its name)."""
    try:
        codec = codec_of(path)
        declared = well_formed(path, codec, namespaces, on_start)
    except OSError as err:
        raise UnreadableInput(f"{path}: cannot be read: {err.strerror or err}") from None
    except UnicodeDecodeError as err:
        return None, Malformed("file", f"not UTF-16 as its first bytes say: {err.reason}")
    except expat.ExpatError as err:
        return None, Malformed("file", f"not XML: {expat.errors.messages[err.code]} at line {err.lineno}")
    encoding = "utf-8" if codec else declared  # UTF-16 is read as UTF-8, whatever it declares
    if encoding.lower().replace("-", "").startswith(("utf16", "utf32", "ucs")):
        return None, Malformed("file", f"{encoding} {unsupported}")
    return codec, None
