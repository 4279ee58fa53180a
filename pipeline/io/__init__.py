"""Corpora: reading records from JSONL, CSV/TSV, Parquet and HTML, and writing them back.

A reader yields ``Record``s (id, text, the record's other fields, an optional Chinese
original, where it sits for messages) or ``Malformed`` for a record it cannot use; a
writer takes finished records in input order and writes the input's format back into a
temporary file that is moved into place when complete. One module per format; the
registry below picks one by file name, ``--input-format`` overrides it. A plain text file
is the one-record case and keeps its own, older path (``stages.job.Job`` with a file).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any


class CorpusError(Exception):
    """A corpus that cannot be read at all (or an unknown format); one line for the user."""


@dataclass(frozen=True)
class Fields:
    """Which fields of a record hold what (``--text-field`` and friends)."""

    text: str = "text"
    id: str = "id"
    source: str | None = None  # the Chinese original, stored beside the English
    cleaned: str | None = None  # write the cleaned text here and keep the text field as it was


@dataclass(frozen=True)
class Record:
    id: str
    text: str
    where: str  # "line 12", "row 3": for messages
    fields: Any  # what the format writes back: the record's fields, or an HTML page's text map
    source: str | None = None

    def digest(self) -> str:
        """Of everything that decides this record's output (for ``--resume``)."""
        payload = json.dumps([self.id, self.text, self.source, self.fields], sort_keys=True, default=str)
        return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Malformed:
    where: str
    reason: str


# format name -> module in this package; suffixes are matched longest first
FORMATS = {"jsonl": "jsonl", "csv": "delimited", "tsv": "delimited", "parquet": "parquet", "html": "html"}
SUFFIXES = {
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".jsonl.gz": "jsonl", ".jsonl.zst": "jsonl",
    ".csv": "csv", ".tsv": "tsv", ".parquet": "parquet", ".html": "html", ".htm": "html",
}  # fmt: skip


def format_of(path: Path, override: str | None = None) -> str | None:
    """The corpus format of ``path``, or None for a text file (the one-record case)."""
    if override:
        if override not in FORMATS and override != "text":
            raise CorpusError(f"--input-format: unknown format {override!r}; choose from {', '.join([*FORMATS, 'text'])}")
        return None if override == "text" else override
    name = path.name.lower()
    for suffix in sorted(SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix):
            return SUFFIXES[suffix]
    return None


def module(fmt: str) -> Any:
    return import_module(f".{FORMATS[fmt]}", __name__)


def make_record(row: dict[str, Any], number: int, unit: str, fields: Fields) -> Record | Malformed:
    """A record from one row of named fields (JSONL, CSV, Parquet); types checked here, once."""
    where = f"{unit} {number}"
    if fields.text not in row:
        return Malformed(where, f"no {fields.text!r} field")
    text = row[fields.text]
    if not isinstance(text, str):
        return Malformed(where, f"field {fields.text!r} is {_kind(text)}, not a string")
    rid = row.get(fields.id, number) if fields.id in row else number
    if isinstance(rid, bool) or not isinstance(rid, (str, int)) or rid == "":
        return Malformed(where, f"field {fields.id!r} is {_kind(rid)}, not a string or an integer")
    source = row.get(fields.source) if fields.source else None
    if source is not None and not isinstance(source, str):
        return Malformed(where, f"field {fields.source!r} is {_kind(source)}, not a string")
    if any(_unpaired(v) for v in (text, source) if v):
        return Malformed(where, "holds bytes that are not valid UTF-8")
    return Record(str(rid), text, where, row, source or None)


def _kind(value: Any) -> str:
    if value in (None, ""):
        return "empty"
    name = type(value).__name__
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def _unpaired(text: str) -> bool:
    # undecodable bytes read with surrogateescape, or a lone \ud800 escape in JSON
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
