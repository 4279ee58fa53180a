"""A TMX 1.4 translation memory of the passages the model retranslated, for CAT tools.

The batch index is written from summary rows, and articles are processed in worker
processes (or skipped on ``--resume``), so the memory is read back from each article's
findings JSON: its applied changes of origin ``marian`` are the retranslations. Once an
article is reviewed (its ``<stem>.decisions.json`` beside, made on the same text), the
retranslations the reviewer undid are left out, and the reviewer's own text for a
retranslated or untranslated passage is a unit too (``x-tqa-origin`` reviewer).

Written with the standard library's ElementTree, which escapes text and attributes; the
one thing it does not do is refuse characters XML 1.0 forbids (most C0 controls), so
those become U+FFFD here. translate-toolkit's ``tmx`` store would also fit, but it is
GPL-licensed and pulls in lxml for a file this simple; the tests read our output with it.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import regex

from pipeline import __version__
from pipeline.core.result import ArticleResult
from pipeline.util.atomic import write_atomic

# Everything outside XML 1.0's Char production.
_NOT_XML = regex.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def model_name(settings: dict[str, Any]) -> str:
    """The model that made the translations, as recorded in a report's settings."""
    translator = settings.get("translator")
    if isinstance(translator, dict):
        return " ".join(str(translator[k]) for k in ("model", "revision") if translator.get(k))
    return str(translator or settings.get("model") or "")


def language_model(settings: dict[str, Any], language: str | None) -> str:
    """The model that translated passages in ``language`` (another language than Chinese:
    its entry in ``translators``, by the settings' model table or the opus-mt default)."""
    if language in (None, "", "zh"):
        return model_name(settings)
    from pipeline.core.languages import Router

    translators = settings.get("translators") or {}
    model = Router(settings.get("models") or {}).model_for(language) or ""
    found = translators.get(model) or translators.get(settings.get("fallback_model"))
    return model_name({"translator": found}) if found else model


def xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


@dataclass
class Unit:
    source: str
    target: str
    document: str
    start: int
    end: int
    model: str
    occurrences: int = 1
    language: str = ""  # the source language; empty: the memory's srclang
    origin: str = ""  # "reviewer" for a reviewer's own text


class TranslationMemory:
    """Collects retranslated passages across a batch; identical pairs are kept once, counted."""

    def __init__(self, srclang: str = "zh", tgtlang: str = "en", origin: str = "marian") -> None:
        self.srclang, self.tgtlang, self.origin = srclang, tgtlang, origin
        self.units: dict[tuple[str, str], Unit] = {}

    def __len__(self) -> int:
        return len(self.units)

    def add_pair(
        self,
        source: str,
        target: str,
        document: str,
        start: int,
        end: int,
        model: str = "",
        language: str = "",
        origin: str = "",
    ) -> bool:
        # The replacement carries spacing that fits it into the English around it.
        source, target = source.strip(), target.strip()
        if not source or not target:
            return False
        unit = self.units.get((source, target))
        if unit is not None:
            unit.occurrences += 1
        else:
            self.units[(source, target)] = Unit(
                source, target, document, start, end, model, language=language, origin=origin
            )
        return True

    def add(self, result: ArticleResult) -> int:
        """Take the applied retranslations of one article; return how many it had."""
        langs = {(f.span.start, f.span.end): str(f.evidence.get("language") or "") for f in result.findings}
        pairs = [
            (e.span.of(result.doc.text), e.replacement, e.span.start, e.span.end)
            for e in result.applied
            if e.origin == self.origin
        ]
        return self._add_all(pairs, langs, result.settings or {}, result.doc.path or result.doc.name)

    def add_report(self, payload: dict[str, Any], decisions: dict[str, Any] | None = None) -> int:
        """The same from a findings JSON (``json_report.findings_payload``), as reviewed in
        ``decisions`` (a ``tqa-decisions/2`` file) when given."""
        document = str((payload.get("document") or {}).get("path") or (payload.get("document") or {}).get("name") or "")
        langs = {
            (f.get("start"), f.get("end")): str((f.get("evidence") or {}).get("language") or "")
            for f in payload.get("findings") or []
            if isinstance(f, dict)
        }
        items = {i.get("id"): i for i in (decisions or {}).get("items") or [] if isinstance(i, dict)}
        undone = {
            (i.get("start"), i.get("end"))
            for i in items.values()
            if i.get("kind") == "applied" and i.get("applied") is False
        }
        pairs = [
            (str(e.get("text", "")), str(e.get("replacement", "")), int(e.get("start", 0)), int(e.get("end", 0)))
            for e in payload.get("applied") or []
            if e.get("origin") == self.origin and (e.get("start"), e.get("end")) not in undone
        ]
        added = self._add_all(pairs, langs, payload.get("settings") or {}, document)
        for i in items.values():
            translated = i.get("origin") == self.origin or i.get("check") == "untranslated"
            if (
                translated
                and i.get("state") == "fixed"
                and isinstance(i.get("fix"), str)
                and isinstance(i.get("start"), int)
            ):
                lang = langs.get((i["start"], i.get("end")), "")
                added += self.add_pair(
                    str(i.get("text") or ""), i["fix"], document, i["start"], int(i.get("end", 0)), "", lang, "reviewer"
                )
        return added

    def _add_all(
        self, pairs: list[tuple[str, str, int, int]], langs: dict[Any, str], settings: dict[str, Any], document: str
    ) -> int:
        """Each pair with the language of the finding at its span, and that language's model."""
        added = 0
        for source, target, start, end in pairs:
            lang = langs.get((start, end), "")
            added += self.add_pair(source, target, document, start, end, language_model(settings, lang), lang)
        return added

    @classmethod
    def from_reports(cls, out_dir: Path, stems: Iterable[str]) -> TranslationMemory:
        """Read ``{stem}.findings.json`` of each article, and its decisions when it was
        reviewed; a missing or unreadable one is passed over."""
        memory = cls()
        for stem in stems:
            try:
                payload = json.loads((Path(out_dir) / f"{stem}.findings.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(payload, dict):
                memory.add_report(payload, _decisions(Path(out_dir) / f"{stem}.decisions.json", payload))
        return memory

    def to_xml(self) -> bytes:
        root = ET.Element("tmx", version="1.4")
        ET.SubElement(
            root,
            "header",
            {
                "creationtool": "tqa",
                "creationtoolversion": __version__,
                "segtype": "block",  # a passage: part of a sentence, a sentence or several
                "o-tmf": "tqa",
                "adminlang": "en",
                "srclang": self._header_srclang(),
                "datatype": "plaintext",
            },
        )
        body = ET.SubElement(root, "body")
        for i, unit in enumerate(self.units.values(), 1):
            source_lang = unit.language or self.srclang
            tu = ET.SubElement(body, "tu", tuid=str(i), srclang=source_lang)
            props = {
                "x-tqa-document": unit.document,
                "x-tqa-span": f"{unit.start}-{unit.end}",
                "x-tqa-occurrences": str(unit.occurrences),
                "x-tqa-model": unit.model,
                "x-tqa-origin": unit.origin,
            }
            for kind, value in props.items():
                if value:
                    ET.SubElement(tu, "prop", type=kind).text = xml_text(value)
            for lang, text in ((source_lang, unit.source), (self.tgtlang, unit.target)):
                tuv = ET.SubElement(tu, "tuv", {XML_LANG: lang})
                ET.SubElement(tuv, "seg").text = xml_text(text)
        ET.indent(root)
        return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"

    def _header_srclang(self) -> str:
        """One source language for the file, or ``*all*`` (TMX 1.4) when the units have several."""
        langs = {u.language or self.srclang for u in self.units.values()}
        return "*all*" if len(langs) > 1 else next(iter(langs), self.srclang)

    def write(self, path: Path) -> Path:
        return write_atomic(path, self.to_xml())


def _decisions(path: Path, payload: dict[str, Any]) -> dict[str, Any] | None:
    """A review's decisions on this very text (same hash), else None."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    same = (
        isinstance(data, dict)
        and data.get("schema") == "tqa-decisions/2"
        and (data.get("input") or {}).get("text_sha256") == (payload.get("document") or {}).get("text_sha256")
    )
    return data if same else None
