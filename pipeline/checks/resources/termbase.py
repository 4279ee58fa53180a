"""The term base: Chinese terms, their accepted English and the wrong renderings MT makes.

It feeds two checks: ``calque`` (each wrong rendering is a glossary phrase whose
suggestion is the first accepted rendering) and, with the original, ``key-term`` (a term
in the Chinese sentence whose accepted renderings are all missing from its English).

Two formats are read. TSV (UTF-8, a header row; ``#`` and blank lines skipped) with the
columns ``zh``, ``en`` (accepted renderings, ``|`` between them; required), ``wrong``
(``|`` between them), ``domain``, ``source`` and ``licence``. TBX (``.tbx``, the ISO
30042 exchange format of CAT tools; TBX-Basic 2 and TBX 3): one entry per
``termEntry``/``conceptEntry``, Chinese terms from ``zh*`` language sections, English
terms from ``en*`` ones; an English term whose administrative status or normative
authorization says deprecated, superseded or not recommended is a wrong rendering.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.checks.base import ConfigurationError
from pipeline.checks.resources.glossary import GlossaryEntry

SHIPPED = Path(__file__).resolve().parent / "data" / "terms.tsv"
COLUMNS = ("zh", "en", "wrong", "domain", "source", "licence")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_WRONG_STATUS = ("deprecated", "superseded", "notrecommended", "not recommended", "obsolete", "admitted-no")


@dataclass(frozen=True)
class TermEntry:
    zh: str
    en: tuple[str, ...]  # accepted renderings, preferred first
    wrong: tuple[str, ...] = ()
    domain: str = ""
    source: str = ""
    licence: str = ""
    origin: str = ""  # the file it came from


def load_termbase(path: str | Path) -> list[TermEntry]:
    """Entries of a TSV or TBX term base; a malformed file raises a one-line ConfigurationError."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigurationError(f"term base {path}: no such file") from None
    except OSError as err:
        raise ConfigurationError(f"term base {path}: {err.strerror or err}") from None
    if path.suffix.lower() == ".tbx":
        return _read_tbx(path, data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ConfigurationError(f"term base {path}: not UTF-8 text ({err.reason} at byte {err.start})") from None
    return _read_tsv(path, text)


def _split(cell: str) -> tuple[str, ...]:
    return tuple(" ".join(p.split()) for p in cell.split("|") if p.strip())


def _read_tsv(path: Path, text: str) -> list[TermEntry]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE, strict=True)
    header: list[str] | None = None
    entries = []
    try:
        for row in reader:
            if not any(c.strip() for c in row) or row[0].lstrip().startswith("#"):
                continue
            row = [c.strip() for c in row]
            if header is None:
                header = [h.lower() for h in row]
                if (
                    "zh" not in header
                    or "en" not in header
                    or any(h not in COLUMNS for h in header)
                    or len(set(header)) != len(header)
                ):
                    raise ConfigurationError(
                        f"term base {path}: line {reader.line_num}: header must name columns from {', '.join(COLUMNS)} "
                        f"(zh and en required, each once); got {', '.join(row)}"
                    )
                continue
            if len(row) > len(header):
                raise ConfigurationError(
                    f"term base {path}: line {reader.line_num}: {len(row)} fields, the header has {len(header)}"
                )
            f = dict(zip(header, row + [""] * (len(header) - len(row))))
            if not f["zh"] or not _split(f["en"]):
                raise ConfigurationError(
                    f"term base {path}: line {reader.line_num}: a Chinese term and an accepted rendering are required"
                )
            entries.append(
                TermEntry(
                    f["zh"],
                    _split(f["en"]),
                    _split(f.get("wrong", "")),
                    f.get("domain", ""),
                    f.get("source", ""),
                    f.get("licence", ""),
                    path.name,
                )
            )
    except csv.Error as err:
        raise ConfigurationError(f"term base {path}: line {reader.line_num}: {err}") from None
    if header is None:
        raise ConfigurationError(f"term base {path}: empty; expected a header row naming {', '.join(COLUMNS)}")
    return entries


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _read_tbx(path: Path, data: bytes) -> list[TermEntry]:
    if b"<!ENTITY" in data:  # entity expansion is how XML files attack their readers
        raise ConfigurationError(f"term base {path}: entity declarations are not accepted")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as err:
        raise ConfigurationError(f"term base {path}: not well-formed TBX ({err})") from None
    entries = []
    for concept in root.iter():
        if _local(concept.tag) not in ("termEntry", "conceptEntry"):
            continue
        zh: list[str] = []
        en: list[str] = []
        wrong: list[str] = []
        domain = ""
        for el in concept.iter():
            if _local(el.tag) in ("descrip", "descripGrp") and el.get("type") == "subjectField" and el.text:
                domain = el.text.strip()
        for lang_set in concept:
            if _local(lang_set.tag) not in ("langSet", "langSec"):
                continue
            lang = (lang_set.get(_XML_LANG) or lang_set.get("lang") or "").lower()
            for group in lang_set.iter():
                term = next((c for c in group if _local(c.tag) == "term"), None)
                if term is None or not "".join(term.itertext()).strip():
                    continue
                text = " ".join("".join(term.itertext()).split())
                notes = " ".join((n.text or "").lower() for n in group.iter() if _local(n.tag) == "termNote")
                if lang.startswith("zh"):
                    zh.append(text)
                elif lang.startswith("en"):
                    (wrong if any(s in notes for s in _WRONG_STATUS) else en).append(text)
        if zh and en:
            entries.extend(TermEntry(z, tuple(en), tuple(wrong), domain, "", "", path.name) for z in zh)
    if not entries:
        raise ConfigurationError(f"term base {path}: no entry with both a Chinese and an accepted English term")
    return entries


@lru_cache(maxsize=1)
def shipped_termbase() -> tuple[TermEntry, ...]:
    return tuple(load_termbase(SHIPPED))


def as_glossary(entries: Iterable[TermEntry]) -> list[GlossaryEntry]:
    """The wrong renderings as calque glossary entries."""
    return [
        GlossaryEntry(w, e.en[0], e.zh, f"{e.domain} term" if e.domain else "", e.origin)
        for e in entries
        for w in e.wrong
    ]
