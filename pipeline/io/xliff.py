"""XLIFF 1.2 and 2.x (``.xlf``, ``.xliff``): each translated segment is a record.

A 1.2 ``<trans-unit>`` or a 2.x ``<segment>`` with a non-empty ``<target>`` is one record: its
text the target's text, its original the source's, its id the unit's id (2.x: with the
segment's id when a unit holds several; with the ``<file>``'s when a document holds several).
Inline codes are not text: the content of ``<ph>``, ``<bpt>``, ``<ept>``, ``<it>``, ``<x/>``,
``<bx/>``, ``<ex/>`` (1.2) and ``<ph/>``, ``<sc/>``, ``<ec/>`` (2.x) is left out; the text inside
``<g>``, ``<mrk>`` and ``<pc>`` is read. Each inline element of the target and the source (each
end of ``<g>``, ``<pc>`` and ``<mrk>``) is kept as an ``InlineCode`` at its text offset, with its
id: the record's ``codes`` and ``source_codes``, which the plan protects and ``tag-mismatch``
compares.

Written back by splicing into the file's bytes: a repair is written only where it lies inside
text the target holds contiguously and touches no inline element, comment or CDATA section
(the rest are left out and counted in a notice), so inline markup is never edited and the file
outside the repaired characters (declaration, namespaces, comments, entities, whitespace) stays
byte for byte. A segment with findings tqa did not resolve is marked for review (``Fields.markers``
off: not): 1.2 ``state="needs-review-translation"`` on the target; 2.x ``state="translated"`` and
``subState="tqa:needs-review"`` on the segment; both a ``<note>`` on the unit with the findings.

The stdlib's expat parser is used, not lxml's tree, because it reports the byte offset of
every event, which splicing needs; it expands no external entities.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.parsers import expat

from pipeline.core.protected import InlineCode
from pipeline.io.base import Fields, Malformed, Record, UnreadableInput, spliced
from pipeline.io.base import Writer as BaseWriter
from pipeline.io.html import Piece, raw_span
from pipeline.util.atomic import AtomicFile

NAMESPACES = {
    "urn:oasis:names:tc:xliff:document:1.2": 1,
    "urn:oasis:names:tc:xliff:document:1.1": 1,  # 1.2's elements, as older tools still write them
    "urn:oasis:names:tc:xliff:document:2.0": 2,  # 2.1 and 2.2 too
    "": 1,
}
CODES = frozenset({"ph", "bpt", "ept", "it", "x", "bx", "ex", "sc", "ec", "sm", "em", "cp"})  # no text of theirs
WRAPPERS = frozenset({"g", "pc", "mrk"})  # inline elements around text of the segment
OPENING = frozenset({"bpt", "bx", "sc", "sm"})  # the start of a pair whose end is another element
CLOSING = frozenset({"ept", "ex", "ec", "em"})
_ASCII_RUNS = re.compile(r"[\x00-\x7f]+|[^\x00-\x7f]")
_TAG_END = re.compile(rb"\"[^\"]*\"|'[^']*'|/?>")
REVIEW_1 = "needs-review-translation"
SUBSTATE = "tqa:needs-review"


class _Content:
    """The text of a ``<source>`` or ``<target>`` and where each piece of it is in the file."""

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


def _start_tag_end(data: bytes, at: int) -> int:
    """Where the start tag at ``data[at]`` ends (after its '>')."""
    for m in _TAG_END.finditer(data, at):
        if m.group().endswith(b">"):
            return m.end()
    return len(data)


class _Scanner:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.encoding = "utf-8"
        self.parser = expat.ParserCreate(namespace_separator=" ")
        p = self.parser
        p.XmlDeclHandler = self._decl
        p.StartElementHandler = self._start
        p.EndElementHandler = self._end
        p.CharacterDataHandler = self._data
        p.CommentHandler = lambda _: self._markup()
        p.ProcessingInstructionHandler = lambda *_: self._markup()
        p.StartCdataSectionHandler = lambda: self._markup(cdata=True)
        p.EndCdataSectionHandler = lambda: self._markup(cdata=False)
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.version = 0
        self.files = 0
        self.units: list[dict[str, Any]] = []
        self.unit: dict[str, Any] | None = None
        self.segment: dict[str, Any] | None = None
        self.content: _Content | None = None
        self.cdata = False
        self.skip = 0  # depth inside an inline code, whose content is not text
        self.file = ""

    def _decl(self, version: str, encoding: str | None, standalone: int) -> None:
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

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        at = self.parser.CurrentByteIndex
        ns, _, local = name.rpartition(" ")
        self._markup()
        parent = self.stack[-1][0] if self.stack else ""
        self.stack.append((local, attrs))
        if self.content is not None:
            if not self.skip and (local in CODES or local in WRAPPERS):
                ident = attrs.get("id") or attrs.get("startRef") or attrs.get("rid") or ""
                kind = (
                    "open" if local in WRAPPERS or local in OPENING else "close" if local in CLOSING else "standalone"
                )
                self.content.codes.append(InlineCode(self.content.length, local, ident, kind))
            if local in CODES or self.skip:
                self.skip += 1
            return
        if ns not in NAMESPACES:
            return
        if local == "xliff":
            self.version = 2 if attrs.get("version", "1.2").startswith("2") else NAMESPACES[ns]
        elif local == "file":
            self.files += 1
            self.file = attrs.get("original" if self.version == 1 else "id", str(self.files))
        elif not self.version:
            return
        elif local in ("trans-unit", "unit"):
            self.unit = {"id": attrs.get("id", ""), "file": self.file, "start": at, "segments": [], "attrs": attrs}
            self.unit["tag_end"] = _start_tag_end(self.data, at)
            self.units.append(self.unit)
            if self.version == 1:
                self.segment = {"attrs": attrs, "start": at}
                self.unit["segments"].append(self.segment)
        elif local == "segment" and self.unit is not None:
            self.segment = {"attrs": attrs, "start": at, "tag_end": _start_tag_end(self.data, at)}
            self.unit["segments"].append(self.segment)
            self.unit.setdefault("first_child", at)
        elif local == "notes" and parent == "unit" and self.unit is not None:
            self.unit["notes"] = True
        elif local in ("originalData", "segment", "ignorable") and self.unit is not None:
            self.unit.setdefault("first_child", at)
        if local in ("source", "target") and parent in ("trans-unit", "segment") and self.segment is not None:
            self.content = _Content(
                at, _start_tag_end(self.data, at), self.parser.CurrentLineNumber, placed=local == "target"
            )
            self.segment[local] = self.content
            self.segment[local + "_attrs"] = attrs

    def _end(self, name: str) -> None:
        at = self.parser.CurrentByteIndex
        local = self.stack.pop()[0]
        c = self.content
        if (
            c is not None
            and not self.skip
            and local in ("source", "target")
            and self.stack[-1][0]
            in (
                "trans-unit",
                "segment",
            )
        ):
            self._close_data(at)
            c.end = at
            self.content = None
            return
        self._markup()
        if self.skip:
            self.skip -= 1
            return
        if c is not None:
            if local in WRAPPERS:
                opened = next((k for k in reversed(c.codes) if k.name == local and k.kind == "open"), None)
                c.codes.append(InlineCode(c.length, local, opened.id if opened else "", "close"))
            return
        elif local == "notes" and self.unit is not None:
            self.unit["notes_end"] = at
        elif local in ("trans-unit", "unit"):
            self.unit = self.segment = None


def _scan(data: bytes) -> _Scanner:
    scanner = _Scanner(data)
    scanner.parser.Parse(data, True)
    return scanner


def read(path: Path, fields: Fields) -> Iterator[Record | Malformed]:
    try:
        data = path.read_bytes()
    except OSError as err:
        raise UnreadableInput(f"{path}: cannot be read: {err.strerror or err}") from None
    try:
        scanner = _scan(data)
    except expat.ExpatError as err:
        yield Malformed("file", f"not XML: {expat.errors.messages[err.code]} at line {err.lineno}", data)
        return
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or scanner.encoding.lower().replace("-", "").startswith(
        ("utf16", "utf32", "ucs")
    ):
        yield Malformed("file", f"{scanner.encoding} is not supported (UTF-8 and one-byte encodings are)", data)
        return
    if not scanner.version:
        yield Malformed("file", "not XLIFF: no <xliff> element in the XLIFF namespace", data)
        return
    for unit in scanner.units:
        if unit["attrs"].get("translate") == "no":
            continue
        segments = [s for s in unit["segments"] if "target" in s and "source" in s]
        for n, segment in enumerate(segments, 1):
            target: _Content = segment["target"]
            text = target.text()
            if not text.strip():
                continue
            rid = unit["id"] or f"line {target.line}"
            if len(segments) > 1:
                rid += "/" + segment["attrs"].get("id", str(n))
            if scanner.files > 1:
                rid = f"{unit['file']}:{rid}"
            place = {
                "version": scanner.version,
                "encoding": scanner.encoding,
                "unit": unit["start"],
                "pieces": target.pieces,
                "bounds": sorted(target.bounds),
                "segment": {k: v for k, v in segment.items() if k in ("start", "tag_end")},
                "target": {"start": target.start, "tag_end": target.tag_end, "end": target.end},
                "note_at": _note_place(unit, segment, target, scanner.version),
            }
            source = segment["source"].text()
            codes, source_codes = tuple(target.codes), tuple(segment["source"].codes)
            yield Record(rid, text, f"line {target.line}", place, source or None, f"s:{rid}", None, codes, source_codes)


def _note_place(unit: dict[str, Any], segment: dict[str, Any], target: _Content, version: int) -> list[Any]:
    """Where the unit's note goes and what wraps it: 1.2 after the target; 2.x at the end of
    the unit's ``<notes>``, or a new ``<notes>`` before its first segment."""
    if version == 1:
        return [target.end, target.start, "after"]
    if "notes_end" in unit:
        return [unit["notes_end"], unit["notes_end"], "in-notes"]
    first = unit.get("first_child", segment["start"])
    return [first, first, "new-notes"]


def _escape(text: str, attribute: bool = False) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;") if attribute else text


def _set_attribute(data: bytes, start: int, end: int, name: str, value: str) -> tuple[int, int, bytes]:
    """The splice that gives the start tag ``data[start:end]`` attribute ``name="value"``."""
    tag = data[start:end]
    m = re.search(rb"\s" + re.escape(name.encode()) + rb"\s*=\s*(\"[^\"]*\"|'[^']*')", tag)
    quoted = f'"{_escape(value, True)}"'.encode()
    if m:
        return start + m.start(1), start + m.end(1), quoted
    close = end - (2 if tag.endswith(b"/>") else 1)
    return close, close, b" " + name.encode() + b"=" + quoted


def _indent(data: bytes, at: int) -> bytes:
    line = data.rfind(b"\n", 0, at) + 1
    head = data[line:at]
    return b"\n" + head if not head.strip() and line else b""


def _prefix(data: bytes, tag_start: int) -> str:
    name = re.match(rb"</?([^\s/>]+)", data[tag_start:]).group(1).decode()  # type: ignore[union-attr]
    return name.rpartition(":")[0] + ":" if ":" in name else ""


class Writer(BaseWriter):
    """The document as read with the repairs and markers spliced in, written at ``commit``
    (a 2.x unit's segments come as separate records and share one note)."""

    def __init__(self, target: Path, fields: Fields, source: Path | None = None) -> None:
        self.fields = fields
        self.out = AtomicFile(target)
        self.data = source.read_bytes() if source is not None else b""
        self.edits: list[tuple[int, int, bytes]] = []
        self.notes: dict[int, tuple[dict[str, Any], list[str]]] = {}

    def write(self, record: Record, output: dict[str, Any]) -> list[str]:
        place, tqa = record.fields, output["tqa"]
        pieces = [tuple(p) for p in place["pieces"]]
        starts = [p[0] for p in pieces]
        bounds, done, refused = set(place["bounds"]), -1, []
        for edit in sorted(tqa.get("applied", []), key=lambda e: (e["start"], e["end"])):
            span = raw_span(pieces, starts, edit["start"], edit["end"])  # type: ignore[arg-type]
            if span is None or span[0] < done or any(edit["start"] <= b <= edit["end"] for b in bounds):
                refused.append(edit)
                continue
            text = _escape(edit["replacement"]).encode(place["encoding"], "xmlcharrefreplace")
            self.edits.append((span[0], span[1], text))
            done = span[1]
        findings = [f for f in tqa.get("findings_after", [])] + refused
        if "error" in tqa:
            findings.append({"check": "error", "message": str(tqa["error"])})
        if findings and self.fields.markers:
            self._mark(record, findings)
        return [f"{len(refused)} repair(s) not written back: they touch inline markup"] if refused else []

    def _mark(self, record: Record, findings: list[dict[str, Any]]) -> None:
        place = record.fields
        if place["version"] == 1:
            t = place["target"]
            self.edits.append(_set_attribute(self.data, t["start"], t["tag_end"], "state", REVIEW_1))
        else:
            s = place["segment"]
            state = re.search(rb"\sstate\s*=\s*[\"']initial[\"']", self.data[s["start"] : s["tag_end"]])
            if not state:
                self.edits.append(_set_attribute(self.data, s["start"], s["tag_end"], "state", "translated"))
            self.edits.append(_set_attribute(self.data, s["start"], s["tag_end"], "subState", SUBSTATE))
        lines = self.notes.setdefault(place["unit"], (place, []))[1]
        label = f"{record.id}: " if place["version"] == 2 else ""
        lines += [f"{label}{f['check']}: {f.get('message') or f.get('reason', '')}" for f in findings]

    def _note_edits(self) -> list[tuple[int, int, bytes]]:
        out = []
        for place, lines in self.notes.values():
            at, tag, how = place["note_at"]
            p = _prefix(self.data, tag)
            enc = place["encoding"]
            body = _escape("tqa: " + "; ".join(lines))
            if how == "after":
                note = f'<{p}note from="tqa">{body}</{p}note>'.encode(enc, "xmlcharrefreplace")
                out.append((at + len(f"</{p}target>"), at + len(f"</{p}target>"), _indent(self.data, tag) + note))
            else:
                note = f'<{p}note category="tqa">{body}</{p}note>'.encode(enc, "xmlcharrefreplace")
                if how == "new-notes":
                    wrapped = f"<{p}notes>".encode() + note + f"</{p}notes>".encode()
                    out.append((at, at, wrapped + (_indent(self.data, at) or b"")))
                else:
                    out.append((at, at, note + _indent(self.data, at)))
        return out

    def passthrough(self, item: Malformed) -> None:
        pass  # the whole document is written from its bytes at ``commit``

    def commit(self) -> Path:
        self.out.file.write(spliced(self.data, self.edits + self._note_edits()))
        return self.out.commit()

    def abort(self) -> None:
        self.out.abort()
