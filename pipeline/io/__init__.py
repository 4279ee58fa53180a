"""Corpora: reading records from JSONL, CSV/TSV, Parquet, HTML, the bilingual PO, XLIFF and TMX, and parallel text, and writing them back.

A reader yields ``Record``s (id, text, the record's other fields, an optional original,
where it sits for messages) or ``Malformed`` for a record it cannot use; a writer takes
finished records in input order and writes the input's format back into a temporary file
that is moved into place when complete (the seam: ``base``). One module per format; the
registry below picks one by file name, ``--input-format`` overrides it. A plain text file
is the one-record case and is read as a document (``stages.job.Job`` with a file).
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import Any

from pipeline.io.base import CorpusError, Fields, Malformed, Reader, Record, UnreadableInput, Writer, make_record

__all__ = [
    "CorpusError",
    "Fields",
    "Malformed",
    "Reader",
    "Record",
    "UnreadableInput",
    "Writer",
    "format_of",
    "make_record",
    "module",
]


# format name -> module in this package; suffixes are matched longest first
FORMATS = {
    "jsonl": "jsonl",
    "csv": "delimited",
    "tsv": "delimited",
    "parquet": "parquet",
    "html": "html",
    "po": "po",
    "xliff": "xliff",
    "tmx": "tmx",
    "parallel": "parallel",
}
SUFFIXES = {
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".jsonl.gz": "jsonl", ".jsonl.zst": "jsonl",
    ".csv": "csv", ".tsv": "tsv", ".parquet": "parquet", ".html": "html", ".htm": "html",
    ".po": "po", ".xlf": "xliff", ".xliff": "xliff", ".tmx": "tmx",
    ".en": "parallel",  # Moses' naming: corpus.en beside corpus.zh
}  # fmt: skip


def format_of(path: Path, override: str | None = None) -> str | None:
    """The corpus format of ``path``, or None for a text file (the one-record case)."""
    if override:
        if override not in FORMATS and override != "text":
            raise CorpusError(
                f"--input-format: unknown format {override!r}; choose from {', '.join([*FORMATS, 'text'])}"
            )
        return None if override == "text" else override
    name = path.name.lower()
    for suffix in sorted(SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix):
            return SUFFIXES[suffix]
    return None


def module(fmt: str) -> Any:
    return import_module(f".{FORMATS[fmt]}", __name__)
