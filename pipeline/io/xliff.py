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
The note is tqa's own (``from="tqa"``, 2.x ``category="tqa"``): a later run replaces it, or
removes it when the unit is clean (and 2.x's ``subState``), rather than adding another. A UTF-16 document is read and
written back in UTF-16 (``xmltext.as_utf8``); the shared scanning is in ``xmltext``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.parsers import expat

from pipeline.io.base import Fields, Malformed, Record, UnreadableInput, spliced
from pipeline.io.base import Writer as BaseWriter
from pipeline.io.xmltext import (
    Content,
    TextScanner,
    as_utf8,
    element_end,
    escape,
    indent,
    placed,
    removal,
    repairs,
    set_attribute,
    start_tag_end,
)
from pipeline.util.atomic import AtomicFile

NAMESPACES = {
    "urn:oasis:names:tc:xliff:document:1.2": 1,
    "urn:oasis:names:tc:xliff:document:1.1": 1,  # 1.2's elements, as older tools still write them
    "urn:oasis:names:tc:xliff:document:2.0": 2,  # 2.1 and 2.2 too
    "": 1,
}
CODES = frozenset({"ph", "bpt", "ept", "it", "x", "bx", "ex", "sc", "ec", "sm", "em", "cp"})  # no text of theirs
WRAPPERS = frozenset({"g", "pc", "mrk"})  # inline elements around text of the segment
REVIEW_1 = "needs-review-translation"
SUBSTATE = "tqa:needs-review"
_SUBSTATE = re.compile(rb"\s+subState\s*=\s*[\"']tqa:needs-review[\"']")


class _Scanner(TextScanner):
    def __init__(self, data: bytes, encoding: str | None = None) -> None:
        super().__init__(data, CODES, WRAPPERS, namespaces=True, encoding=encoding)
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.version = 0
        self.files = 0
        self.units: list[dict[str, Any]] = []
        self.unit: dict[str, Any] | None = None
        self.segment: dict[str, Any] | None = None
        self.file = ""
        self.note: int | None = None  # where a note of tqa's own starts, while it is read

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        at = self.parser.CurrentByteIndex
        ns, _, local = name.rpartition(" ")
        parent = self.stack[-1][0] if self.stack else ""
        self.stack.append((local, attrs))
        if self._enter(local, attrs) or ns not in NAMESPACES:
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
            self.unit.update(tag_end=start_tag_end(self.data, at), tqa_notes=[], other_notes=0)
            self.units.append(self.unit)
            if self.version == 1:
                self.segment = {"attrs": attrs, "start": at}
                self.unit["segments"].append(self.segment)
        elif local == "segment" and self.unit is not None:
            self.segment = {"attrs": attrs, "start": at, "tag_end": start_tag_end(self.data, at)}
            self.unit["segments"].append(self.segment)
            self.unit.setdefault("first_child", at)
        elif local == "notes" and parent == "unit" and self.unit is not None:
            self.unit["notes"] = at
        elif local == "note" and parent in ("trans-unit", "notes") and self.unit is not None:
            mine = attrs.get("from" if self.version == 1 else "category") == "tqa"
            if mine:
                self.note = at
            else:
                self.unit["other_notes"] += 1
        elif local in ("originalData", "segment", "ignorable") and self.unit is not None:
            self.unit.setdefault("first_child", at)
        if local in ("source", "target") and parent in ("trans-unit", "segment") and self.segment is not None:
            line = self.parser.CurrentLineNumber
            self.content = Content(at, start_tag_end(self.data, at), line, placed=local == "target")
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
            and self.stack[-1][0] in ("trans-unit", "segment")
        ):
            self._close_data(at)
            c.end = at
            self.content = None
            return
        if self._leave(local) or self.unit is None:
            return
        if local == "notes":
            self.unit["notes_end"] = at
            self.unit["notes_span"] = (self.unit["notes"], element_end(self.data, at))
        elif local == "note" and self.note is not None:
            self.unit["tqa_notes"].append((self.note, element_end(self.data, at)))
            self.note = None
        elif local in ("trans-unit", "unit"):
            self.unit = self.segment = None


def read(path: Path, fields: Fields) -> Iterator[Record | Malformed]:
    try:
        data = path.read_bytes()
    except OSError as err:
        raise UnreadableInput(f"{path}: cannot be read: {err.strerror or err}") from None
    try:
        data, codec = as_utf8(data)
        scanner = _Scanner(data, "utf-8" if codec else None)
        scanner.parse()
    except UnicodeDecodeError as err:
        yield Malformed("file", f"not UTF-16 as its first bytes say: {err.reason}", data)
        return
    except expat.ExpatError as err:
        yield Malformed("file", f"not XML: {expat.errors.messages[err.code]} at line {err.lineno}", data)
        return
    if scanner.encoding.lower().replace("-", "").startswith(("utf16", "utf32", "ucs")):
        yield Malformed("file", f"{scanner.encoding} is not supported (UTF-8, UTF-16 and one-byte encodings are)", data)
        return
    if not scanner.version:
        yield Malformed("file", "not XLIFF: no <xliff> element in the XLIFF namespace", data)
        return
    for unit in scanner.units:
        if unit["attrs"].get("translate") == "no":
            continue
        segments = [s for s in unit["segments"] if "target" in s and "source" in s]
        for n, segment in enumerate(segments, 1):
            target: Content = segment["target"]
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
                **placed(target),
                "segment": {k: v for k, v in segment.items() if k in ("start", "tag_end")},
                "target": {"start": target.start, "tag_end": target.tag_end, "end": target.end},
                "note_at": _note_place(unit, segment, target, scanner.version),
                "tqa_notes": unit["tqa_notes"],
                # a <notes> that holds tqa's notes alone goes with them: tqa added it
                "notes_span": unit.get("notes_span") if not unit["other_notes"] else None,
            }
            source = segment["source"].text()
            codes, source_codes = tuple(target.codes), tuple(segment["source"].codes)
            yield Record(rid, text, f"line {target.line}", place, source or None, f"s:{rid}", None, codes, source_codes)


def _note_place(unit: dict[str, Any], segment: dict[str, Any], target: Content, version: int) -> list[Any]:
    """Where the unit's note goes and what wraps it: 1.2 after the target; 2.x at the end of
    the unit's ``<notes>``, or a new ``<notes>`` before its first segment."""
    if version == 1:
        return [target.end, target.start, "after"]
    if "notes_end" in unit:
        return [unit["notes_end"], unit["notes_end"], "in-notes"]
    first = unit.get("first_child", segment["start"])
    return [first, first, "new-notes"]


def _prefix(data: bytes, tag_start: int) -> str:
    name = re.match(rb"</?([^\s/>]+)", data[tag_start:]).group(1).decode()  # type: ignore[union-attr]
    return name.rpartition(":")[0] + ":" if ":" in name else ""


class Writer(BaseWriter):
    """The document as read with the repairs and markers spliced in, written at ``commit``
    (a 2.x unit's segments come as separate records and share one note)."""

    def __init__(self, target: Path, fields: Fields, source: Path | None = None) -> None:
        self.fields = fields
        self.out = AtomicFile(target)
        self.data, self.codec = as_utf8(source.read_bytes() if source is not None else b"")
        self.edits: list[tuple[int, int, bytes]] = []
        self.notes: dict[int, tuple[dict[str, Any], list[str]]] = {}
        self.stale: dict[int, dict[str, Any]] = {}  # units with a note of an earlier run

    def write(self, record: Record, output: dict[str, Any]) -> list[str]:
        place, tqa = record.fields, output["tqa"]
        edits, refused = repairs(place, tqa.get("applied", []), place["encoding"])
        self.edits += edits
        findings = [f for f in tqa.get("findings_after", [])] + refused
        if "error" in tqa:
            findings.append({"check": "error", "message": str(tqa["error"])})
        if findings and self.fields.markers:
            self._mark(record, findings)
        elif self.fields.markers and place["version"] == 2:  # clean now: an earlier run's subState goes
            s = place["segment"]
            mine = _SUBSTATE.search(self.data, s["start"], s["tag_end"])
            if mine:
                self.edits.append((mine.start(), mine.end(), b""))
        if place["tqa_notes"] and self.fields.markers:
            self.stale[place["unit"]] = place
        return [f"{len(refused)} repair(s) not written back: they touch inline markup"] if refused else []

    def _mark(self, record: Record, findings: list[dict[str, Any]]) -> None:
        place = record.fields
        if place["version"] == 1:
            t = place["target"]
            self.edits.append(set_attribute(self.data, t["start"], t["tag_end"], "state", REVIEW_1))
        else:
            s = place["segment"]
            state = re.search(rb"\sstate\s*=\s*[\"']initial[\"']", self.data[s["start"] : s["tag_end"]])
            if not state:
                self.edits.append(set_attribute(self.data, s["start"], s["tag_end"], "state", "translated"))
            self.edits.append(set_attribute(self.data, s["start"], s["tag_end"], "subState", SUBSTATE))
        lines = self.notes.setdefault(place["unit"], (place, []))[1]
        label = f"{record.id}: " if place["version"] == 2 else ""
        lines += [f"{label}{f['check']}: {f.get('message') or f.get('reason', '')}" for f in findings]

    def _note_edits(self) -> list[tuple[int, int, bytes]]:
        out = []
        for place, lines in self.notes.values():
            at, tag, how = place["note_at"]
            p = _prefix(self.data, tag)
            enc = place["encoding"]
            body = escape("tqa: " + "; ".join(lines))
            if place["tqa_notes"]:  # an earlier run's note: this one takes its place
                start, end = place["tqa_notes"][0]
                attribute = 'from="tqa"' if place["version"] == 1 else 'category="tqa"'
                out.append((start, end, f"<{p}note {attribute}>{body}</{p}note>".encode(enc, "xmlcharrefreplace")))
                out += [removal(self.data, a, b) for a, b in place["tqa_notes"][1:]]
            elif how == "after":
                note = f'<{p}note from="tqa">{body}</{p}note>'.encode(enc, "xmlcharrefreplace")
                out.append((at + len(f"</{p}target>"), at + len(f"</{p}target>"), indent(self.data, tag) + note))
            else:
                note = f'<{p}note category="tqa">{body}</{p}note>'.encode(enc, "xmlcharrefreplace")
                if how == "new-notes":
                    wrapped = f"<{p}notes>".encode() + note + f"</{p}notes>".encode()
                    out.append((at, at, wrapped + (indent(self.data, at) or b"")))
                else:
                    out.append((at, at, note + indent(self.data, at)))
        for unit, place in self.stale.items():
            if unit in self.notes:
                continue
            if place["notes_span"]:  # a <notes> of tqa's notes alone: it was added with them
                out.append(removal(self.data, *place["notes_span"], after=True))
            else:
                out += [removal(self.data, a, b) for a, b in place["tqa_notes"]]
        return out

    def passthrough(self, item: Malformed) -> None:
        pass  # the whole document is written from its bytes at ``commit``

    def commit(self) -> Path:
        data = spliced(self.data, self.edits + self._note_edits())
        self.out.file.write(data.decode("utf-8").encode(self.codec) if self.codec else data)
        return self.out.commit()

    def abort(self) -> None:
        self.out.abort()
