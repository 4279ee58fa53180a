"""Parquet through pyarrow, read and written a bounded batch of rows at a time: never the
whole file, nor a whole row group (another tool may have written 100,000 rows in one).

Written back from the rows as Arrow read them (never through Python values), so every
column keeps its type and its values exactly; the text column (or ``--cleaned-field``)
is replaced, and ``tqa`` (a struct) and flat typed columns are added or replaced.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pipeline.io.base import (
    FLAT_COLUMNS,
    CorpusError,
    Fields,
    Malformed,
    Record,
    UnreadableInput,
    flat_columns,
    make_record,
)
from pipeline.io.base import Writer as BaseWriter
from pipeline.util.atomic import AtomicFile
from pipeline.util.storage import is_remote

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
        source = path.open("rb") if is_remote(path) else path  # a store's file object, read as it goes
        return pq.ParquetFile(source, buffer_size=1 << 20, pre_buffer=False)
    except Exception as err:  # ArrowInvalid, OSError: not a Parquet file, unreadable
        raise UnreadableInput(f"{path}: not a readable Parquet file: {err}") from None


def read(path: Path, fields: Fields) -> Iterator[Record | Malformed]:
    number = 0
    for batch in _batches(path):
        for i, row in enumerate(batch.to_pylist()):
            number += 1
            yield make_record(row, number, "row", fields, batch.slice(i, 1))


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
            raise UnreadableInput(f"{path}: rows after row {read} cannot be read: {err}") from None
        read += batch.num_rows
        yield batch


def ids(path: Path, fields: Fields) -> Iterator[tuple[str, str]]:
    """(id key, where) of each row, reading the id column only; rows without one are
    skipped (``read`` reports them)."""
    pf = _file(path)
    if pf.schema_arrow.get_field_index(fields.id) < 0:
        yield from ((f"i:{n}", f"row {n}") for n in range(1, pf.metadata.num_rows + 1))
        return
    number = 0
    for batch in _batches(path, [fields.id]):
        for rid in batch.column(0).to_pylist():
            number += 1
            if isinstance(rid, (str, int)) and not isinstance(rid, bool) and str(rid).strip():
                yield f"{'s' if isinstance(rid, str) else 'i'}:{rid}", f"row {number}"


def schema_of(path: Path) -> Any:
    return _file(path).schema_arrow


def first_fields(path: Path) -> list[str] | None:
    return list(schema_of(path).names)


def tqa_type() -> Any:
    import pyarrow as pa

    offsets = [("start", pa.int64()), ("end", pa.int64()), ("cleaned_start", pa.int64()), ("cleaned_end", pa.int64())]
    finding = pa.struct(
        [
            ("check", pa.string()),
            ("severity", pa.string()),
            *offsets,
            ("message", pa.string()),
            ("text", pa.string()),
            ("replacement", pa.string()),
            ("origin", pa.string()),
            ("evidence", pa.string()),
        ]
    )  # evidence: JSON text, its shape is the check's
    edit = pa.struct(
        [
            ("check", pa.string()),
            ("origin", pa.string()),
            *offsets,
            ("text", pa.string()),
            ("replacement", pa.string()),
            ("reason", pa.string()),
        ]
    )
    skipped = pa.struct([*offsets, ("reason", pa.string())])
    return pa.struct([
        ("findings", pa.list_(finding)), ("applied", pa.list_(edit)), ("skipped", pa.list_(skipped)),
        ("findings_after", pa.list_(finding)),
        ("scores", pa.struct([
            ("mqm_before", pa.float64()), ("mqm_after", pa.float64()), ("words", pa.int64()),
            ("checks", pa.map_(pa.string(), pa.struct([
                ("findings", pa.int64()), ("per_1000w", pa.float64()), ("score", pa.float64()),
            ]))),
        ])),
        ("settings", pa.string()), ("error", pa.string()),
    ])  # fmt: skip


def _flat_types() -> dict[str, Any]:
    import pyarrow as pa

    return {
        "tqa_critical": pa.int64(),
        "tqa_major": pa.int64(),
        "tqa_minor": pa.int64(),
        "tqa_mqm_before": pa.float64(),
        "tqa_mqm_after": pa.float64(),
        "tqa_changed": pa.bool_(),
        "tqa_duplicate_of": pa.string(),
    }


def check(path: Path, fields: Fields) -> None:
    """Before any work: a ``tqa`` column of another type (a string from an older run is
    replaced), a cleaned or text column that is not text, are one-line errors."""
    import pyarrow as pa

    schema = schema_of(path)
    if "tqa" in schema.names:
        kind = schema.field("tqa").type
        if kind != tqa_type() and not pa.types.is_string(kind) and not pa.types.is_large_string(kind):
            raise CorpusError(
                f"{path}: has a 'tqa' column of type {kind}; tqa writes its own there: rename that column"
            )
    for option, name in (("--cleaned-field", fields.cleaned), ("--text-field", fields.text)):
        if name and name in schema.names:
            kind = schema.field(name).type
            if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
                raise CorpusError(f"{path}: {option} {name!r} is a column of type {kind}, not text")


def _struct_value(tqa: dict[str, Any]) -> dict[str, Any]:
    def finding(f: dict[str, Any]) -> dict[str, Any]:
        return {**f, "evidence": json.dumps(f["evidence"], ensure_ascii=False, default=str)} if "evidence" in f else f

    return (
        {
            **tqa,
            "findings": [finding(f) for f in tqa.get("findings", [])],
            "findings_after": [finding(f) for f in tqa.get("findings_after", [])],
        }
        if "findings" in tqa
        else tqa
    )


class Writer(BaseWriter):
    """The input's schema (metadata included) with the cleaned column, ``tqa`` and the flat
    columns; rows as read, a batch at a time."""

    def __init__(self, target: Path, fields: Fields, source: Path) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.fields = fields
        schema = schema_of(source)
        self.source_schema = schema
        added = {**({fields.cleaned: pa.string()} if fields.cleaned else {}), "tqa": tqa_type(), **_flat_types()}
        for name, kind in added.items():
            i = schema.get_field_index(name)
            if i < 0:
                schema = schema.append(pa.field(name, kind))
            elif name != fields.cleaned:
                schema = schema.set(i, pa.field(name, kind))
        self.schema = schema
        self.out = AtomicFile(target)
        self.writer = pq.ParquetWriter(self.out.file, schema)
        self.rows: list[tuple[Any, dict[str, Any] | None]] = []  # (one-row slice, its output)

    def write(self, record: Record, output: dict[str, Any]) -> list[str]:
        self._add(record.raw, output)
        return []

    def passthrough(self, item: Malformed) -> None:
        if item.raw is not None:
            self._add(item.raw, None)

    def _add(self, raw: Any, output: dict[str, Any] | None) -> None:
        self.rows.append((raw, output))
        if len(self.rows) >= ROWS_PER_BATCH:  # one row group
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        if not self.rows:
            return
        table = pa.Table.from_batches([raw for raw, _ in self.rows])
        outputs = [o for _, o in self.rows]
        target = self.fields.cleaned or self.fields.text
        columns: dict[str, Any] = {}
        if target in table.column_names:
            old = table.column(target).to_pylist()
            columns[target] = pa.array(
                [o["cleaned"] if o else v for o, v in zip(outputs, old)], type=table.schema.field(target).type
            )
        else:
            columns[target] = pa.array([o["cleaned"] if o else None for o in outputs], type=pa.string())
        columns["tqa"] = pa.array([_struct_value(o["tqa"]) if o else None for o in outputs], type=tqa_type())
        flats = [flat_columns(o["tqa"]) if o else dict.fromkeys(FLAT_COLUMNS) for o in outputs]
        for name, kind in _flat_types().items():
            columns[name] = pa.array([f[name] for f in flats], type=kind)
        for name, values in columns.items():
            i = table.schema.get_field_index(name)
            field = self.schema.field(name)
            table = table.set_column(i, field, values) if i >= 0 else table.append_column(field, values)
        self.writer.write_table(table.select(self.schema.names).cast(self.schema))
        self.rows = []

    def commit(self) -> Path:
        self._flush()
        self.writer.close()
        return self.out.commit()

    def abort(self) -> None:
        self.writer.close()
        self.out.abort()
