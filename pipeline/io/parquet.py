"""Parquet through pyarrow, read one row group at a time (never the whole file)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import CorpusError, Fields, Malformed, Record, make_record
from ..atomic import AtomicFile

ROWS_PER_GROUP = 1024  # rows buffered before a row group is written: memory stays flat


def _file(path: Path) -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise CorpusError(f"{path}: Parquet needs pyarrow: pip install 'tqa[corpora]'") from None

    try:
        return pq.ParquetFile(path)
    except Exception as err:  # ArrowInvalid, OSError: not a Parquet file, unreadable
        raise CorpusError(f"{path}: not a readable Parquet file: {err}") from None


def read(path: Path, fields: Fields) -> Iterator[Record | Malformed]:
    pf = _file(path)
    number = 0
    for group in range(pf.num_row_groups):
        try:
            rows = pf.read_row_group(group).to_pylist()
        except Exception as err:
            raise CorpusError(f"{path}: row group {group} cannot be read: {err}") from None
        for row in rows:
            number += 1
            yield make_record(row, number, "row", fields)


def ids(path: Path, fields: Fields) -> Iterator[tuple[str, str]]:
    """(id, where) of each row, reading the id column only; rows without one are skipped
    (``read`` reports them)."""
    pf = _file(path)
    if pf.schema_arrow.get_field_index(fields.id) < 0:
        yield from ((str(n), f"row {n}") for n in range(1, pf.metadata.num_rows + 1))
        return
    number = 0
    for group in range(pf.num_row_groups):
        try:
            column = pf.read_row_group(group, columns=[fields.id]).column(0).to_pylist()
        except Exception as err:
            raise CorpusError(f"{path}: row group {group} cannot be read: {err}") from None
        for rid in column:
            number += 1
            if rid is not None and rid != "" and not isinstance(rid, bool):
                yield str(rid), f"row {number}"


def schema_of(path: Path) -> Any:
    return _file(path).schema_arrow


class Writer:
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

    def write(self, record: Record, output: dict[str, Any]) -> None:
        row = dict(record.fields)
        row[self.fields.cleaned or self.fields.text] = output["cleaned"]
        row["tqa"] = json.dumps(output["tqa"], ensure_ascii=False)
        self.rows.append(row)
        if len(self.rows) >= ROWS_PER_GROUP:
            self._flush()

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
