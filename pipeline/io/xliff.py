"""XLIFF 1.2 and 2.x (``.xlf``, ``.xliff``): each translated segment is a record.

A 1.2 ``<trans-unit>`` or a 2.x ``<segment>`` with a non-empty ``<target>`` is one record: its
text the target's text, its original the source's, its id the unit's id (2.x: with the
segment's id when a unit holds several; with the ``<file>``'s when a document holds several).
Inline codes are not text: the content of ``<ph>``, ``<bpt>``, ``<ept>``, ``<it>``, ``<x/>``,
``<bx/>``, ``<ex/>`` (1.2) and ``<ph/>``, ``<sc/>``, ``<ec/>`` (2.x) is left out; the text inside
``<g>``, ``<mrk>`` and ``<pc>`` is read. Each inline element of the target and the source (each
end of ``<g>``, ``<pc>`` and ``<mrk>``) is kept as an ``InlineCode`` at its text offset, with its
id: the record's ``codes`` and ``source_codes``, which the plan protects and ``tag-mismatch``
compares. A unit's resource name (1.2 ``resname``, 2.x ``name``) is not the record's ``context``
as a PO ``msgctxt`` is: it is usually the string's key (a properties or ``.resx`` key), one per
unit, while a ``msgctxt`` exists to let one source take two translations; as context it would
keep ``inconsistent-target`` from comparing "Save" under two keys, the disagreement it is for.

Written back by splicing into the file's bytes: a repair is written only where it lies inside
text the target holds contiguously and touches no inline element, comment or CDATA section
(the rest are left out and counted in a notice), so inline markup is never edited and the file
outside the repaired characters (declaration, namespaces, comments, entities, whitespace) stays
byte for byte. A segment with findings tqa did not resolve is marked for review (``Fields.markers``
off: not): 1.2 ``state="needs-review-translation"`` on the target; 2.x ``state="translated"`` and
``subState="tqa:needs-review"`` on the segment; both a ``<note>`` on the unit with the findings.
The note is tqa's own (``from="tqa"``, 2.x ``category="tqa"``): a later run replaces it, or
removes it when the unit is clean (and 2.x's ``subState``), rather than adding another. A UTF-16 document is read and
written back in UTF-16 (``xmltext.codec_of``); the shared scanning is in ``xmltext``. Both ways stream: a unit's
records come as soon as its end tag is read, and the writer copies the file from its last edit up to the next
(``stream.Splicer``), so memory holds a unit, not the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.parsers import expat

from pipeline.io.base import CorpusError, Fields, Malformed, Record
from pipeline.io.stream import SplicingWriter, view
from pipeline.io.xmltext import (
    Content,
    TextScanner,
    codec_of,
    escape,
    first_pass,
    indent,
    placed,
    removal,
    repairs,
    set_attribute,
)

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
    def __init__(self, encoding: str | None = None) -> None:
        super().__init__(CODES, WRAPPERS, namespaces=True, encoding=encoding)
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.version = 0
        self.files = 0
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
            self.unit.update(tag_end=self.tag_end(at), tqa_notes=[], other_notes=0)
            self.hold = at
            if self.version == 1:
                self.segment = {"attrs": attrs, "start": at}
                self.unit["segments"].append(self.segment)
        elif local == "segment" and self.unit is not None:
            self.segment = {"attrs": attrs, "start": at, "tag_end": self.tag_end(at)}
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
            self.content = Content(at, self.tag_end(at), line, placed=local == "target")
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
            self.unit["notes_span"] = (self.unit["notes"], self.element_end(at))
        elif local == "note" and self.note is not None:
            self.unit["tqa_notes"].append((self.note, self.element_end(at)))
            self.note = None
        elif local in ("trans-unit", "unit"):
            self.done.append(self.unit)
            self.unit = self.segment = self.hold = None


def read(path: Path, fields: Fields) -> Iterator[Record | Malformed]:
    versions, files = [], [0]

    def count(name: str, attrs: dict[str, str]) -> None:
        ns, _, local = name.rpartition(" ")
        if ns in NAMESPACES and local == "xliff":
            versions.append(attrs)
        elif ns in NAMESPACES and local == "file":
            files[0] += 1  # ids name their <file> when a document holds several

    codec, problem = first_pass(path, True, count, "is not supported (UTF-8, UTF-16 and one-byte encodings are)")
    if problem is not None:
        yield problem
        return
    if not versions:
        yield Malformed("file", "not XLIFF: no <xliff> element in the XLIFF namespace")
        return
    scanner = _Scanner("utf-8" if codec else None)
    try:
        for chunk in view(path, codec):
            scanner.feed(chunk)
            yield from _records(scanner, files[0])
        scanner.feed(b"", True)
        yield from _records(scanner, files[0])
    except (OSError, UnicodeDecodeError, expat.ExpatError) as err:  # it parsed a moment ago
        raise CorpusError(f"{path}: changed while it was read: {err}") from None


def _records(scanner: _Scanner, files: int) -> Iterator[Record]:
    """The records of the units ``scanner`` has completed."""
    done, scanner.done = scanner.done, []
    for unit in done:
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
            if files > 1:
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


def _prefix(data: bytes, tag_start: int, base: int = 0) -> str:
    name = re.match(rb"</?([^\s/>]+)", data[tag_start - base : tag_start - base + 1024]).group(1).decode()  # type: ignore[union-attr]
    return name.rpartition(":")[0] + ":" if ":" in name else ""


def _extent(place: Any) -> int:
    """The furthest offset a record's ``fields`` name: where its unit's bytes certainly end, give or take an end tag."""
    if isinstance(place, dict):
        place = list(place.values())
    if isinstance(place, (list, tuple)):
        return max((_extent(p) for p in place), default=0)
    return place if isinstance(place, int) and not isinstance(place, bool) else 0


class Writer(SplicingWriter):
    """The document as read with the repairs and markers spliced in, a unit at a time as its
    records come (a 2.x unit's segments come as separate records and share one note)."""

    def __init__(self, target: Path, fields: Fields, source: Path | None = None) -> None:
        super().__init__(target, fields, source, codec_of(source) if source is not None else None)
        self.unit: int | None = None  # the unit whose edits wait for its last record
        self.hi = 0
        self.edits: list[tuple[int, int, bytes]] = []
        self.notes: dict[int, tuple[dict[str, Any], list[str]]] = {}
        self.stale: dict[int, dict[str, Any]] = {}  # units with a note of an earlier run

    def write(self, record: Record, output: dict[str, Any]) -> list[str]:
        place, tqa = record.fields, output["tqa"]
        if place["unit"] != self.unit:
            self._flush()
            self.unit = place["unit"]
        self.hi = max(self.hi, _extent(place) + 1024)
        data, base = self.splicer.reach(place["unit"], self.hi)
        edits, refused = repairs(place, tqa.get("applied", []), place["encoding"])
        self.edits += edits
        findings = [f for f in tqa.get("findings_after", [])] + refused
        if "error" in tqa:
            findings.append({"check": "error", "message": str(tqa["error"])})
        if findings and self.fields.markers:
            self._mark(record, findings, data, base)
        elif self.fields.markers and place["version"] == 2:  # clean now: an earlier run's subState goes
            s = place["segment"]
            mine = _SUBSTATE.search(data, s["start"] - base, s["tag_end"] - base)
            if mine:
                self.edits.append((base + mine.start(), base + mine.end(), b""))
        if place["tqa_notes"] and self.fields.markers:
            self.stale[place["unit"]] = place
        return [f"{len(refused)} repair(s) not written back: they touch inline markup"] if refused else []

    def _mark(self, record: Record, findings: list[dict[str, Any]], data: bytes, base: int) -> None:
        place = record.fields
        if place["version"] == 1:
            t = place["target"]
            self.edits.append(set_attribute(data, t["start"], t["tag_end"], "state", REVIEW_1, base))
        else:
            s = place["segment"]
            state = re.search(rb"\sstate\s*=\s*[\"']initial[\"']", data[s["start"] - base : s["tag_end"] - base])
            if not state:
                self.edits.append(set_attribute(data, s["start"], s["tag_end"], "state", "translated", base))
            self.edits.append(set_attribute(data, s["start"], s["tag_end"], "subState", SUBSTATE, base))
        lines = self.notes.setdefault(place["unit"], (place, []))[1]
        label = f"{record.id}: " if place["version"] == 2 else ""
        lines += [f"{label}{f['check']}: {f.get('message') or f.get('reason', '')}" for f in findings]

    def _note_edits(self, data: bytes, base: int) -> list[tuple[int, int, bytes]]:
        out = []
        for place, lines in self.notes.values():
            at, tag, how = place["note_at"]
            p = _prefix(data, tag, base)
            enc = place["encoding"]
            body = escape("tqa: " + "; ".join(lines))
            if place["tqa_notes"]:  # an earlier run's note: this one takes its place
                start, end = place["tqa_notes"][0]
                attribute = 'from="tqa"' if place["version"] == 1 else 'category="tqa"'
                out.append((start, end, f"<{p}note {attribute}>{body}</{p}note>".encode(enc, "xmlcharrefreplace")))
                out += [removal(data, a, b, base=base) for a, b in place["tqa_notes"][1:]]
            elif how == "after":
                note = f'<{p}note from="tqa">{body}</{p}note>'.encode(enc, "xmlcharrefreplace")
                out.append((at + len(f"</{p}target>"), at + len(f"</{p}target>"), indent(data, tag, base) + note))
            else:
                note = f'<{p}note category="tqa">{body}</{p}note>'.encode(enc, "xmlcharrefreplace")
                if how == "new-notes":
                    wrapped = f"<{p}notes>".encode() + note + f"</{p}notes>".encode()
                    out.append((at, at, wrapped + (indent(data, at, base) or b"")))
                else:
                    out.append((at, at, note + indent(data, at, base)))
        for unit, place in self.stale.items():
            if unit in self.notes:
                continue
            if place["notes_span"]:  # a <notes> of tqa's notes alone: it was added with them
                out.append(removal(data, *place["notes_span"], after=True, base=base))
            else:
                out += [removal(data, a, b, base=base) for a, b in place["tqa_notes"]]
        return out

    def _flush(self) -> None:
        """Write the pending unit's edits and notes."""
        if self.unit is None:
            return
        data, base = self.splicer.reach(self.unit, self.hi)
        self.splicer.put(self.edits + self._note_edits(data, base))
        self.edits, self.notes, self.stale, self.unit, self.hi = [], {}, {}, None, 0
