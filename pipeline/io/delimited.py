"""CSV and TSV with a header row: one record a row, named by the header.

Rows are read as the bytes they are and split here, so that writing back can keep every
cell tqa did not change as it was: its quoting, the delimiter, a byte-order mark and each
row's line ending. CSV quotes as RFC 4180 does; TSV has no quoting at all (a ``"`` is a
character like any other; a cell cannot hold a tab or a line break). A header naming a
column twice keeps both (the last is the one a record's field is read from).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pipeline.io.base import CorpusError, Fields, Malformed, Record, UnreadableInput, flat_columns, make_record
from pipeline.io.base import Writer as BaseWriter
from pipeline.util.atomic import AtomicFile
from pipeline.util.storage import open_binary

BOM = b"\xef\xbb\xbf"


def _delimiter(path: Path) -> str:
    return "\t" if path.name.lower().endswith(".tsv") else ","


def _raw_rows(path: Path, quoting: bool) -> Iterator[bytes]:
    """Each row's bytes, its line ending included; a CSV row runs on while a quote is open."""
    try:
        f = open_binary(path)
    except OSError as err:
        raise UnreadableInput(f"{path}: cannot be read: {err.strerror or err}") from None
    with f:
        row = b""
        for line in f:
            row += line
            if not quoting or row.count(b'"') % 2 == 0:
                yield row
                row = b""
        if row:
            yield row


def _body(raw: bytes) -> tuple[str, str]:
    """(the row without its line ending, decoded; the line ending)."""
    end = len(raw.rstrip(b"\r\n")) if raw.endswith(b"\n") or raw.endswith(b"\r") else len(raw)
    return raw[:end].decode("utf-8", "surrogateescape"), raw[end:].decode("ascii")


def split(body: str, delimiter: str, quoting: bool) -> list[str] | None:
    """The raw cells of a row (quotes kept); None for a quote that does not close."""
    if not quoting:
        return body.split(delimiter)
    cells, i, n = [], 0, len(body)
    while True:
        if i < n and body[i] == '"':
            j = i + 1
            while True:
                j = body.find('"', j)
                if j < 0:
                    return None
                if body.startswith('""', j):
                    j += 2
                    continue
                break
            k = body.find(delimiter, j + 1)
            k = n if k < 0 else k
        else:
            k = body.find(delimiter, i)
            k = n if k < 0 else k
        cells.append(body[i:k])
        if k >= n:
            return cells
        i = k + 1


def value(cell: str, quoting: bool) -> str:
    if quoting and cell.startswith('"'):
        close = cell.rfind('"')
        return cell[1:close].replace('""', '"') + cell[close + 1 :] if close > 0 else cell[1:]
    return cell


def quote(text: str, delimiter: str, quoting: bool, force: bool = False) -> str:
    if not quoting:
        return text
    if force or any(c in text for c in (delimiter, '"', "\n", "\r")):
        return '"' + text.replace('"', '""') + '"'
    return text


def read(path: Path, fields: Fields, delimiter: str | None = None) -> Iterator[Record | Malformed]:
    delimiter = delimiter or _delimiter(path)
    quoting = delimiter != "\t"
    rows = _raw_rows(path, quoting)
    header = _header(path, rows, delimiter, quoting)
    if header is None:
        return
    yield Malformed("header", "the header row", header[1], quiet=True)
    names = header[0]
    for number, raw in enumerate(rows, 1):
        where = f"row {number}"
        body, _ = _body(raw)
        if not body:
            yield Malformed(where, "blank", raw, quiet=True)
            continue
        cells = split(body, delimiter, quoting)
        if cells is None:
            yield Malformed(where, "not valid CSV: a quote that does not close", raw)
            continue
        if len(cells) != len(names):
            yield Malformed(where, f"has {len(cells)} fields, the header has {len(names)}", raw)
            continue
        values = [value(c, quoting) for c in cells]  # bytes that are not UTF-8 kept as surrogate escapes
        yield make_record(dict(zip(names, values)), number, "row", fields, raw)


def _header(path: Path, rows: Iterator[bytes], delimiter: str, quoting: bool) -> tuple[list[str], bytes] | None:
    raw = next(rows, None)
    if raw is None:
        return None
    body, _ = _body(raw.removeprefix(BOM))
    cells = split(body, delimiter, quoting)
    if cells is None:
        raise CorpusError(f"{path}: no header row: a quote that does not close")
    return [value(c, quoting) for c in cells], raw


def first_fields(path: Path) -> list[str] | None:
    delimiter = _delimiter(path)
    try:
        header = _header(path, _raw_rows(path, delimiter != "\t"), delimiter, delimiter != "\t")
    except CorpusError:
        return None
    return None if header is None else header[0]


class Writer(BaseWriter):
    """Every row back in order, as read but for the cleaned cell, with ``tqa`` (JSON text)
    and flat typed columns added (or replaced, where the header has them already)."""

    def __init__(self, target: Path, fields: Fields, source: Path | None = None) -> None:
        self.fields = fields
        self.out = AtomicFile(target)
        self.delimiter = _delimiter(target)
        self.quoting = self.delimiter != "\t"
        self.header: tuple[list[str], bytes] | None = None
        if source is not None:
            self.header = _header(source, _raw_rows(source, self.quoting), self.delimiter, self.quoting)
        self.started = False
        self.added: list[str] = []  # the columns tqa adds at the end of each row

    def _start(self) -> None:
        if self.started or self.header is None:
            return
        self.started = True
        names, raw = self.header
        body, newline = _body(raw)
        wanted = ["tqa", *flat_columns({})]
        self.added = [c for c in wanted if c not in names]
        if self.fields.cleaned and self.fields.cleaned not in names:
            self.added.insert(0, self.fields.cleaned)
        cells = [quote(c, self.delimiter, self.quoting) for c in self.added]
        self.out.file.write(
            (body + "".join(self.delimiter + c for c in cells) + (newline)).encode("utf-8", "surrogateescape")
        )

    def write(self, record: Record, output: dict[str, Any]) -> list[str]:
        self._start()
        assert self.header is not None and record.raw is not None
        names = self.header[0]
        body, newline = _body(record.raw)
        cells = split(body, self.delimiter, self.quoting) or []
        notices = []
        cleaned = output["cleaned"]
        if not self.quoting and any(c in cleaned for c in "\t\r\n"):
            cleaned = " ".join(cleaned.replace("\t", " ").splitlines())
            notices.append("a tab or line break in the cleaned text written as a space (TSV cannot hold it)")
        tqa = output["tqa"]
        new = {
            self.fields.cleaned or self.fields.text: cleaned,
            "tqa": json.dumps(tqa, ensure_ascii=False),
            **{
                k: "" if v is None else str(v).lower() if isinstance(v, bool) else str(v)
                for k, v in flat_columns(tqa).items()
            },
        }
        target = self.fields.cleaned or self.fields.text
        index = {name: i for i, name in enumerate(names)}  # the last of duplicate names
        for name, text in new.items():
            if name in index:
                i = index[name]
                if name == target and value(cells[i], self.quoting) == text:
                    continue  # unchanged: kept as it was spelled
                cells[i] = quote(text, self.delimiter, self.quoting, cells[i].startswith('"'))
        cells += [quote(new[name], self.delimiter, self.quoting) for name in self.added]
        self.out.file.write((self.delimiter.join(cells) + (newline)).encode("utf-8", "surrogateescape"))
        return notices

    def passthrough(self, item: Malformed) -> None:
        if item.where == "header" or item.raw is None:
            return  # written by ``_start``, with the columns tqa adds
        self._start()
        self.out.file.write(item.raw)

    def commit(self) -> Path:
        if not self.started and self.header is not None:  # a header and no rows: the header as it was
            self.out.file.write(self.header[1])
        return self.out.commit()

    def abort(self) -> None:
        self.out.abort()
