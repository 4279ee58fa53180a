"""CSV and TSV with a header row: one record a row, named by the header."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pipeline.core.document import MAX_BYTES
from pipeline.io.base import CorpusError, Fields, Malformed, Record, make_record
from pipeline.io.base import Writer as BaseWriter
from pipeline.util.atomic import AtomicFile

csv.field_size_limit(max(csv.field_size_limit(), MAX_BYTES))  # an article is one field; the default is 128 KiB


def _delimiter(path: Path) -> str:
    return "\t" if path.name.lower().endswith(".tsv") else ","


def read(path: Path, fields: Fields, delimiter: str | None = None) -> Iterator[Record | Malformed]:
    try:
        f = open(path, "rb")
    except OSError as err:
        raise CorpusError(f"{path}: cannot be read: {err.strerror or err}") from None
    # surrogateescape: one undecodable row is reported, not the end of the file
    with io.TextIOWrapper(f, encoding="utf-8-sig", errors="surrogateescape", newline="") as text:
        rows = csv.reader(text, delimiter=delimiter or _delimiter(path))
        try:
            header = next(rows)
        except StopIteration:
            return
        except csv.Error as err:
            raise CorpusError(f"{path}: no header row: {err}") from None
        number = 0
        while True:
            number += 1
            try:
                values = next(rows)
            except StopIteration:
                return
            except csv.Error as err:
                yield Malformed(f"row {number}", f"not valid CSV: {err}")
                continue
            if not values:
                number -= 1
                continue
            if len(values) != len(header):
                yield Malformed(f"row {number}", f"has {len(values)} fields, the header has {len(header)}")
                continue
            yield make_record(dict(zip(header, values)), number, "row", fields)


class Writer(BaseWriter):
    """The header as read (plus the cleaned field and ``tqa``, JSON text, when new), then
    every row in order."""

    def __init__(self, target: Path, fields: Fields, source: Path | None = None) -> None:
        self.fields = fields
        self.out = AtomicFile(target)
        self.text = io.TextIOWrapper(self.out.file, encoding="utf-8", newline="")
        self.rows = csv.writer(self.text, delimiter=_delimiter(target), lineterminator="\n")
        self.header: list[str] | None = None

    def write(self, record: Record, output: dict[str, Any]) -> list[str]:
        row = dict(record.fields)
        row[self.fields.cleaned or self.fields.text] = output["cleaned"]
        row["tqa"] = json.dumps(output["tqa"], ensure_ascii=False)
        if self.header is None:
            self.header = list(row)
            self.rows.writerow(self.header)
        self.rows.writerow([row[k] for k in self.header])
        return []

    def commit(self) -> Path:
        self.text.flush()
        self.text.detach()
        return self.out.commit()

    def abort(self) -> None:
        self.out.abort()
