"""The reader/writer seam every corpus format implements, and the records it carries.

A format is a module of this package with a ``read(path, fields)`` function (the
``Reader`` protocol below: records in file order, ``Malformed`` for one it cannot use) and a
``Writer`` class (a subclass of ``Writer`` below: finished records back, in input order,
into a temporary file that ``commit`` moves into place). A format may add ``ids(path,
fields)`` when it can list the records' ids without reading their texts (Parquet).
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, AnyStr, Protocol

from pipeline.core.protected import InlineCode


class CorpusError(Exception):
    """A corpus that cannot be read at all (or an unknown format); one line for the user."""


@dataclass(frozen=True)
class Fields:
    """Which fields of a record hold what (``--text-field`` and friends)."""

    text: str = "text"
    id: str = "id"
    source: str | None = None  # the Chinese original, stored beside the English
    cleaned: str | None = None  # write the cleaned text here and keep the text field as it was
    markers: bool = True  # bilingual files: mark segments with findings the way the format does (--no-markers)
    original: Path | None = None  # parallel text: the original's file or folder (--source)


class UnreadableInput(CorpusError):
    """An input that cannot be read (a truncated ``.gz``, a corrupt Parquet file): it is named
    and left out, and the rest of the batch runs."""


@dataclass(frozen=True)
class Record:
    id: str
    text: str
    where: str  # "line 12", "row 3": for messages
    fields: Any  # what the format writes back: the record's fields, or an HTML page's text map
    source: str | None = None
    key: str = ""  # the id as the input wrote it, its type included: 1 and "1" differ
    raw: Any = None  # the record as read (a line's bytes, a one-row Arrow slice): written back around the edits
    # inline markup of a bilingual file's target and source (XLIFF): not in the texts, only where it sits
    codes: tuple[InlineCode, ...] = ()
    source_codes: tuple[InlineCode, ...] = ()
    # what tells two identical originals apart in the format (a PO message's msgctxt): the
    # consistency checks group segments by their original in its context
    context: str | None = None
    # the format flags the file gives the segment (a PO message's ``c-format``, ``no-c-format``):
    # which placeholder syntaxes its texts use, decided by ``pipeline.core.protected.syntax_of``
    formats: tuple[str, ...] = ()

    def digest(self) -> str:
        """Of everything that decides this record's output (for ``--resume``)."""
        raw = self.raw.hex() if isinstance(self.raw, bytes) else None
        parts = [self.id, self.text, self.source, self.fields, raw]
        if self.codes or self.source_codes:  # only where there are any: other records' digests stay as they were
            parts.append([self.codes, self.source_codes])
        if self.formats:  # likewise
            parts.append(list(self.formats))
        payload = json.dumps(parts, sort_keys=True, default=str)
        return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Malformed:
    """A record tqa cannot process; written back as it was read (``raw``), never dropped.
    ``quiet``: not a record at all (a blank line), passed through without a word."""

    where: str
    reason: str
    raw: Any = None
    quiet: bool = False


class Reader(Protocol):
    """``read`` of a format module."""

    def __call__(self, path: Path, fields: Fields) -> Iterator[Record | Malformed]: ...


class Writer(ABC):
    """Writes a corpus back in its own format, a finished record at a time, in input order."""

    @abstractmethod
    def __init__(self, target: Path, fields: Fields, source: Path | None = None) -> None:
        """``target``: the file to write; ``source``: the input it mirrors (its schema, its bytes)."""

    @abstractmethod
    def write(self, record: Record, output: dict[str, Any]) -> list[str]:
        """Write ``record`` with its ``output`` (the cleaned text and the ``tqa`` field);
        return notices about it for the user (one line each), usually none."""

    @abstractmethod
    def passthrough(self, item: Malformed) -> None:
        """Write an item tqa did not process exactly as it was read."""

    @abstractmethod
    def commit(self) -> Path:
        """Move the finished file into place; return its path."""

    @abstractmethod
    def abort(self) -> None:
        """Drop the temporary file: nothing of this corpus is written."""


def make_record(row: dict[str, Any], number: int, unit: str, fields: Fields, raw: Any = None) -> Record | Malformed:
    """A record from one row of named fields (JSONL, CSV, Parquet); types checked here, once."""
    where = f"{unit} {number}"
    if fields.text not in row:
        return Malformed(where, f"no {fields.text!r} field", raw)
    text = row[fields.text]
    if not isinstance(text, str):
        return Malformed(where, f"field {fields.text!r} is {_kind(text)}, not a string", raw)
    rid = row.get(fields.id, number) if fields.id in row else number
    if isinstance(rid, bool) or not isinstance(rid, (str, int)) or (isinstance(rid, str) and not rid.strip()):
        return Malformed(where, f"field {fields.id!r} is {_kind(rid)}, not a string or an integer", raw)
    source = row.get(fields.source) if fields.source else None
    if source is not None and not isinstance(source, str):
        return Malformed(where, f"field {fields.source!r} is {_kind(source)}, not a string", raw)
    if any(_unpaired(v) for v in (text, source) if v):
        return Malformed(where, "holds bytes that are not valid UTF-8 (or a lone surrogate escape)", raw)
    if isinstance(rid, str) and _unpaired(rid):
        return Malformed(
            where, f"field {fields.id!r} holds bytes that are not valid UTF-8 (or a lone surrogate escape)", raw
        )
    key = f"{'s' if isinstance(rid, str) else 'i'}:{rid}"
    return Record(str(rid), text, where, row, source or None, key, raw)


def _kind(value: Any) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
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


FLAT_COLUMNS = (
    "tqa_critical",
    "tqa_major",
    "tqa_minor",
    "tqa_mqm_before",
    "tqa_mqm_after",
    "tqa_changed",
    "tqa_duplicate_of",
)


def flat_columns(tqa: dict[str, Any]) -> dict[str, Any]:
    """The typed columns written beside ``tqa`` in CSV and Parquet, for filtering without
    parsing it: findings by severity (before cleaning), the scores, whether the text changed,
    and the earlier input a ``duplicate-record`` copies (empty for a first copy). All None for
    a record that failed (``tqa`` holds its error)."""
    if "findings" not in tqa:
        return dict.fromkeys(FLAT_COLUMNS)
    counts = {s: 0 for s in ("critical", "major", "minor")}
    for f in tqa["findings"]:
        if f.get("severity") in counts:
            counts[f["severity"]] += 1
    scores = tqa.get("scores") or {}
    copies = (f.get("evidence") or {} for f in tqa["findings"] if f.get("check") == "duplicate-record")
    return {
        "tqa_critical": counts["critical"],
        "tqa_major": counts["major"],
        "tqa_minor": counts["minor"],
        "tqa_mqm_before": scores.get("mqm_before"),
        "tqa_mqm_after": scores.get("mqm_after"),
        "tqa_changed": bool(tqa.get("applied")),
        "tqa_duplicate_of": next((e.get("first") for e in copies if isinstance(e, dict)), None),
    }


def spliced(data: AnyStr, edits: Iterable[tuple[int, int, AnyStr]]) -> AnyStr:
    """``data`` with each ``(start, end, new)`` put in place of ``data[start:end]``, and every
    other character or byte as it was: how a format writes its repairs back into what it
    read. Edits are taken by place; at one place, insertions keep their order and come before
    a replacement, so a replacement lands where its text was."""
    pieces, cursor = [], 0
    for start, end, new in sorted(edits, key=lambda e: (e[0], e[1])):
        pieces += [data[cursor:start], new]
        cursor = max(cursor, end)
    pieces.append(data[cursor:])
    return data[:0].join(pieces)
