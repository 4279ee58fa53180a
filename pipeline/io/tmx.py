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
run replaces it, or removes it when the unit is clean.
"""

from __future__ import annotations

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
    start_tag_end,
)
from pipeline.util.atomic import AtomicFile

CODES = frozenset({"bpt", "ept", "it", "ph", "ut"})  # native codes: no text of theirs
WRAPPERS = frozenset({"hi"})  # highlighted text: its text is the segment's
PROP = "x-tqa"


def english(lang: str) -> bool:
    lang = lang.lower()
    return lang == "en" or lang.startswith(("en-", "en_"))


class _Scanner(TextScanner):
    def __init__(self, data: bytes, encoding: str | None = None) -> None:
        super().__init__(data, CODES, WRAPPERS, namespaces=False, encoding=encoding)
        self.stack: list[str] = []
        self.tmx = False
        self.srclang = ""
        self.units: list[dict[str, Any]] = []
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
            self.unit = {"start": at, "attrs": attrs, "tuvs": [], "number": len(self.units) + 1, "props": []}
            self.units.append(self.unit)
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
            self.content = Content(at, start_tag_end(self.data, at), line, placed=self.tuv["placed"])
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
                self.unit["props"].append((self.prop, element_end(self.data, at)))
                self.prop = None
            elif name == "tuv":
                self.tuv = None
            elif name == "tu":
                self.unit = None


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
        yield Malformed("file", f"{scanner.encoding} without a byte-order mark is not supported", data)
        return
    if not scanner.tmx:
        yield Malformed("file", "not TMX: no <tmx> element at the top", data)
        return
    for unit in scanner.units:
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


class Writer(BaseWriter):
    """The memory as read with the repairs and props spliced in, written at ``commit``."""

    def __init__(self, target: Path, fields: Fields, source: Path | None = None) -> None:
        self.fields = fields
        self.out = AtomicFile(target)
        self.data, self.codec = as_utf8(source.read_bytes() if source is not None else b"")
        self.edits: list[tuple[int, int, bytes]] = []

    def write(self, record: Record, output: dict[str, Any]) -> list[str]:
        place, tqa = record.fields, output["tqa"]
        edits, refused = repairs(place, tqa.get("applied", []), place["encoding"])
        self.edits += edits
        checks = {f["check"] for f in tqa.get("findings_after", [])} | {e["check"] for e in refused}
        if "error" in tqa:
            checks.add("error")
        if self.fields.markers:
            self.edits += self._marker(place, sorted(checks))
        return [f"{len(refused)} repair(s) not written back: they touch inline markup"] if refused else []

    def _marker(self, place: dict[str, Any], checks: list[str]) -> list[tuple[int, int, bytes]]:
        old = [tuple(p) for p in place["props"]]
        if not checks:  # clean now: an earlier run's prop goes
            return [removal(self.data, a, b) for a, b in old]
        prop = f'<prop type="{PROP}">{escape(", ".join(checks))}</prop>'.encode(place["encoding"], "xmlcharrefreplace")
        if old:
            return [(*old[0], prop), *(removal(self.data, a, b) for a, b in old[1:])]
        at = place["first_tuv"]
        return [(at, at, prop + indent(self.data, at))]

    def passthrough(self, item: Malformed) -> None:
        pass  # the whole memory is written from its bytes at ``commit``

    def commit(self) -> Path:
        data = spliced(self.data, self.edits)
        self.out.file.write(data.decode("utf-8").encode(self.codec) if self.codec else data)
        return self.out.commit()

    def abort(self) -> None:
        self.out.abort()
