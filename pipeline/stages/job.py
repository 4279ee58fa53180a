"""The batch's data: a ``Job`` (one input), its ``Prepared`` findings and plan, its ``Outcome``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.core.document import Document
from pipeline.core.findings import Finding, Severity
from pipeline.core.protected import syntax_of
from pipeline.stages.plan import Plan
from pipeline.util.digest import file_hash
from pipeline.util.reading import path_text


@dataclass
class Prepared:
    doc: Document
    findings: list[Finding]
    plan: Plan
    pair: Any = None  # SourcePair, when the Chinese original is known
    retranslation: Any = None  # RetranslationResult, filled in by the main process
    notices: list[str] = field(default_factory=list)
    hidden: int = 0  # findings the ignore list covered
    # what each batch check (duplicate-record, the consistency checks) measured, by check id,
    # until the batch's index has seen it (pipeline.stages.batch)
    signatures: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Job:
    """One input of the batch and where its reports go: a text file, or one record of a
    corpus (``pipeline.io``) read from ``path``."""

    path: Path
    stem: str
    reference: str | None = None
    source: Path | None = None  # the Chinese original
    record: Any = None  # a ``pipeline.io.Record``
    data: bytes | None = None  # the input's bytes when they do not come from ``path`` (``tqa check -``)
    # why this input fails before it is read: its --ref could not be read (one input's failure,
    # as an unreadable input is, not the batch's)
    failure: str | None = None

    @property
    def key(self) -> str:
        """The job's name in the manifest (and the findings export)."""
        return path_text(self.path) if self.record is None else f"{path_text(self.path)}#{self.record.id}"

    @property
    def file(self) -> str:
        """The file the input was read from (a corpus's, for a record)."""
        return path_text(self.path)

    @property
    def record_id(self) -> str:
        """The record's id in its corpus (a PO message, an XLIFF unit); empty for a text file."""
        return "" if self.record is None else str(self.record.id)

    def input_hash(self) -> str | None:
        return _hash_or_none(self.path) if self.record is None else self.record.digest()

    def source_hash(self) -> str | None:
        """The hash of a text file's original file (None without one; a record's original is
        part of ``record.digest()``): ``--resume`` redoes an article whose original changed."""
        return _hash_or_none(self.source) if self.record is None and self.source is not None else None

    def load(self, encoding: str | None = None) -> tuple[Document, Path | Document | None, list[str]]:
        """The document, its original (a file, or the record's own field) and warnings about
        the decoding (``encoding``: --encoding for files; a record is text already)."""
        if self.record is None:
            from pipeline.io.encoding import read_document

            doc, warnings = read_document(self.path, encoding, data=self.data)
            return doc, self.source, warnings
        rec = self.record
        syntax = syntax_of(rec.formats)  # the texts of one segment share their format
        source = Document.from_text(rec.source, codes=rec.source_codes, syntax=syntax) if rec.source else None
        return Document.from_text(rec.text, self.key, codes=rec.codes, syntax=syntax), source, []


@dataclass
class Outcome:
    """One input's end: its summary row, or the one-line reason it failed."""

    job: Job
    row: dict[str, Any] | None = None
    error: str | None = None
    notices: list[str] = field(default_factory=list)
    worst: Severity | None = None  # the worst finding left in the cleaned text that counts (a check's threshold)
    resumed: bool = False
    outputs: list[str] = field(default_factory=list)  # report files, relative to the output folder
    input_sha256: str | None = None  # of the input file as tqa left it (changed by --in-place)
    hidden: int = 0  # findings the ignore list covered
    remaining: dict[str, int] = field(default_factory=dict)  # "severity check" -> count left that counts, as ``worst``
    guard_rejected: list[str] = field(default_factory=list)  # one reason per translation the guard rejected
    unguarded: list[str] = field(default_factory=list)  # with --no-guard: reasons the guard would have rejected
    export: list[dict[str, Any]] = field(default_factory=list)  # rows of the batch's findings export
    output: dict[str, Any] | None = None  # a record's cleaned text and ``tqa`` field
    source_sha256: str | None = None  # of a text file's original file, when it has one


def _hash_or_none(path: Path) -> str | None:
    if not path.is_file():
        return None  # a FIFO would block the hash; load_document refuses it with its reason
    try:
        return file_hash(path)
    except OSError:
        return None
