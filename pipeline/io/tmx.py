"""TMX 1.4b translation memories (``.tmx``): each translation unit with English in it is a record.

A ``<tu>`` with a ``<tuv>`` in English (``xml:lang`` ``en``, ``en-US``, ``EN-GB``...; TMX 1.1's
``lang`` too) and one in another language is one record: its text the English ``<seg>``, its
original the ``<seg>`` in the source language (the ``tu``'s ``srclang``, else the header's; when
that is English or ``*all*``, the first other ``<tuv>``), its id the ``tuid`` or the unit's
number in the file. Inline codes are not text: the content of ``<bpt>``, ``<ept>``, ``<it>``,
``<ph>`` and ``<ut>`` is left out; the text inside ``<hi>`` is read. Entities are decoded.

Written back as XLIFF is (``xmltext``): only the repaired characters of an English ``<seg>``
change, a repair touching inline markup is left out and counted, and everything else stays byte
for byte (a UTF-16 memory, as Trados writes them, stays UTF-16). A unit with findings tqa did
not resolve gets ``<prop type="x-tqa">check ids</prop>`` before its first ``<tuv>`` (the DTD's
order: notes and props, then tuvs); ``Fields.markers`` off: not. The prop is tqa's own: a later
run replaces it, or removes it when the unit is clean. Both ways stream, as XLIFF's do: a unit's record comes
as soon as its ``</tu>`` is read, and the writer copies the memory from one edit to the next.
"""

from __future__ import annotations

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
)

CODES = frozenset({"bpt", "ept", "it", "ph", "ut"})  # native codes: no text of theirs
WRAPPERS = frozenset({"hi"})  # highlighted text: its text is the segment's
PROP = "x-tqa"


def english(lang: str) -> bool:
    lang = lang.lower()
    return lang == "en" or lang.startswith(("en-", "en_"))


class _Scanner(TextScanner):
    def __init__(self, encoding: str | None = None) -> None:
        super().__init__(CODES, WRAPPERS, namespaces=False, encoding=encoding)
        self.stack: list[str] = []
        self.tmx = False
        self.srclang = ""
        self.units = 0
        self.unit: dict[str, Any] | None = None
        self.tuv: dict[str, Any] | None = None
        self.prop: int | None = None  # where tqa's own prop starts, while it is read

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        at = self.parser.CurrentByteIndex
        parent = self.stack[-1] if self.stack else ""
        self.stack.append(name)
        if self._enter(name, attrs):
            return
        if name == "tmx" and not parent:
            self.tmx = True
        elif name == "header" and parent == "tmx":
            self.srclang = attrs.get("srclang", "")
        elif name == "tu" and parent == "body":
            self.units += 1
            self.unit = {"start": at, "attrs": attrs, "tuvs": [], "number": self.units, "props": []}
            self.hold = at
        elif self.unit is None:
            return
        elif name == "prop" and parent == "tu" and attrs.get("type") == PROP:
            self.prop = at
        elif name == "tuv" and parent == "tu":
            self.unit.setdefault("first_tuv", at)
            lang = attrs.get("xml:lang", attrs.get("lang", ""))
            mine = english(lang) and not any(english(t["lang"]) for t in self.unit["tuvs"])
            self.tuv = {"lang": lang, "placed": mine}
            self.unit["tuvs"].append(self.tuv)
        elif name == "seg" and parent == "tuv" and self.tuv is not None:
            line = self.parser.CurrentLineNumber
            self.content = Content(at, self.tag_end(at), line, placed=self.tuv["placed"])
            self.tuv["seg"] = self.content

    def _end(self, name: str) -> None:
        at = self.parser.CurrentByteIndex
        self.stack.pop()
        c = self.content
        if c is not None and not self.skip and name == "seg":
            self._close_data(at)
            c.end = at
            self.content = None
            return
        if not self._leave(name) and self.unit is not None:
            if name == "prop" and self.prop is not None:
                self.unit["props"].append((self.prop, self.element_end(at)))
                self.prop = None
            elif name == "tuv":
                self.tuv = None
            elif name == "tu":
                self.done.append(self.unit)
                self.unit = self.hold = None


def _source(unit: dict[str, Any], srclang: str) -> dict[str, Any] | None:
    """The ``<tuv>`` of the original: in the unit's (or the header's) source language when
    that is not English, else the first one in another language than English."""
    others = [t for t in unit["tuvs"] if not english(t["lang"]) and "seg" in t]
    lang = unit["attrs"].get("srclang", srclang).lower()
    if lang and lang != "*all*" and not english(lang):
        for same in (lambda t: t["lang"].lower() == lang, lambda t: t["lang"].lower().split("-")[0] == lang[:2]):
            found = [t for t in others if same(t)]
            if found:
                return found[0]
    return others[0] if others else None


def read(path: Path, fields: Fields) -> Iterator[Record | Malformed]:
    roots: list[str] = []

    def on_start(name: str, attrs: dict[str, str]) -> None:
        if not roots:
            roots.append(name)

    codec, problem = first_pass(path, False, on_start, "without a byte-order mark is not supported")
    if problem is not None:
        yield problem
        return
    if roots[:1] != ["tmx"]:
        yield Malformed("file", "not TMX: no <tmx> element at the top")
        return
    scanner = _Scanner("utf-8" if codec else None)
    try:
        for chunk in view(path, codec):
            scanner.feed(chunk)
            yield from _records(scanner)
        scanner.feed(b"", True)
        yield from _records(scanner)
    except (OSError, UnicodeDecodeError, expat.ExpatError) as err:  # it parsed a moment ago
        raise CorpusError(f"{path}: changed while it was read: {err}") from None


def _records(scanner: _Scanner) -> Iterator[Record]:
    """The records of the units ``scanner`` has completed."""
    done, scanner.done = scanner.done, []
    for unit in done:
        target = next((t for t in unit["tuvs"] if t["placed"] and "seg" in t), None)
        source = _source(unit, scanner.srclang)
        if target is None or source is None:
            continue  # not a pair with English in it
        seg: Content = target["seg"]
        text = seg.text()
        if not text.strip():
            continue
        rid = unit["attrs"].get("tuid") or str(unit["number"])
        place = {
            "encoding": scanner.encoding,
            **placed(seg),
            "first_tuv": unit["first_tuv"],
            "props": unit["props"],  # tqa's own, from an earlier run
        }
        codes, source_codes = tuple(seg.codes), tuple(source["seg"].codes)
        original = source["seg"].text() or None
        yield Record(rid, text, f"line {seg.line}", place, original, f"s:{rid}", None, codes, source_codes)


class Writer(SplicingWriter):
    """The memory as read with the repairs and props spliced in, a unit at a time."""

    def __init__(self, target: Path, fields: Fields, source: Path | None = None) -> None:
        super().__init__(target, fields, source, codec_of(source) if source is not None else None)

    def write(self, record: Record, output: dict[str, Any]) -> list[str]:
        place, tqa = record.fields, output["tqa"]
        # the unit's bytes: from its first <prop> or <tuv> to past its English <seg>
        lo = min([place["first_tuv"], *(p[0] for p in place["props"])])
        hi = max([place["first_tuv"], *(p[1] for p in place["props"]), *(p[3] for p in place["pieces"])])
        data, base = self.splicer.reach(lo, hi + 1024)
        edits, refused = repairs(place, tqa.get("applied", []), place["encoding"])
        checks = {f["check"] for f in tqa.get("findings_after", [])} | {e["check"] for e in refused}
        if "error" in tqa:
            checks.add("error")
        if self.fields.markers:
            edits += self._marker(place, sorted(checks), data, base)
        self.splicer.put(edits)
        return [f"{len(refused)} repair(s) not written back: they touch inline markup"] if refused else []

    def _marker(self, place: dict[str, Any], checks: list[str], data: bytes, base: int) -> list[tuple[int, int, bytes]]:
        old = [tuple(p) for p in place["props"]]
        if not checks:  # clean now: an earlier run's prop goes
            return [removal(data, a, b, base=base) for a, b in old]
        prop = f'<prop type="{PROP}">{escape(", ".join(checks))}</prop>'.encode(place["encoding"], "xmlcharrefreplace")
        if old:
            return [(*old[0], prop), *(removal(data, a, b, base=base) for a, b in old[1:])]
        at = place["first_tuv"]
        return [(at, at, prop + indent(data, at, base))]
