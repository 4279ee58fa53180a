"""Parquet through pyarrow, read and written a bounded batch of rows at a time: never the
whole file, nor a whole row group (another tool may have written 100,000 rows in one)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pipeline.io.base import CorpusError, Fields, Malformed, Record, make_record
from pipeline.io.base import Writer as BaseWriter
from pipeline.util.atomic import AtomicFile

# Rows held as Python objects at a time, read or written: 256 seed-sized articles with
# their findings are a few MB, whatever the corpus's or its row groups' size.
ROWS_PER_BATCH = 256


def _file(path: Path) -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise CorpusError(f"{path}: Parquet needs pyarrow: pip install 'tqa[corpora]'") from None

    try:
        # pages read through a 1 MiB buffer, not a row group's column chunks all at once
        return pq.ParquetFile(path, buffer_size=1 << 20, pre_buffer=False)
    except Exception as err:  # ArrowInvalid, OSError: not a Parquet file, unreadable
        raise CorpusError(f"{path}: not a readable Parquet file: {err}") from None


def read(path: Path, fields: Fields) -> Iterator[Record | Malformed]:
    number = 0
    for batch in _batches(path):
        for row in batch.to_pylist():
            number += 1
            yield make_record(row, number, "row", fields)


def _batches(path: Path, columns: list[str] | None = None) -> Iterator[Any]:
    """``ROWS_PER_BATCH`` rows at a time, each decoded only when it is wanted."""
    batches = _file(path).iter_batches(batch_size=ROWS_PER_BATCH, columns=columns)
    read = 0
    while True:
        try:
            batch = next(batches)
        except StopIteration:
            return
        except Exception as err:  # ArrowInvalid, OSError: a corrupt page
            raise CorpusError(f"{path}: rows after row {read} cannot be read: {err}") from None
        read += batch.num_rows
        yield batch


def ids(path: Path, fields: Fields) -> Iterator[tuple[str, str]]:
    """(id, where) of each row, reading the id column only; rows without one are skipped
    (``read`` reports them)."""
    pf = _file(path)
    if pf.schema_arrow.get_field_index(fields.id) < 0:
        yield from ((str(n), f"row {n}") for n in range(1, pf.metadata.num_rows + 1))
        return
    number = 0
    for batch in _batches(path, [fields.id]):
        for rid in batch.column(0).to_pylist():
            number += 1
            if rid is not None and rid != "" and not isinstance(rid, bool):
                yield str(rid), f"row {number}"


def schema_of(path: Path) -> Any:
    return _file(path).schema_arrow


class Writer(BaseWriter):
    """The input's schema (metadata included) plus the cleaned column and ``tqa`` (JSON text)."""

    def __init__(self, target: Path, fields: Fields, source: Path) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.fields = fields
        schema = schema_of(source)
        for name in (fields.cleaned, "tqa"):
            if name and schema.get_field_index(name) < 0:
                schema = schema.append(pa.field(name, pa.string()))
        self.schema = schema
        self.out = AtomicFile(target)
        self.writer = pq.ParquetWriter(self.out.file, schema)
        self.rows: list[dict[str, Any]] = []

    def write(self, record: Record, output: dict[str, Any]) -> list[str]:
        row = dict(record.fields)
        row[self.fields.cleaned or self.fields.text] = output["cleaned"]
        row["tqa"] = json.dumps(output["tqa"], ensure_ascii=False)
        self.rows.append(row)
        if len(self.rows) >= ROWS_PER_BATCH:  # one row group
            self._flush()
        return []

    def _flush(self) -> None:
        import pyarrow as pa

        if self.rows:
            self.writer.write_table(pa.Table.from_pylist(self.rows, schema=self.schema))
            self.rows = []

    def commit(self) -> Path:
        self._flush()
        self.writer.close()
        return self.out.commit()

    def abort(self) -> None:
        self.writer.close()
        self.out.abort()
