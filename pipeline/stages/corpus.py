"""Corpora through the batch runner: records in as jobs, finished records out in order."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from pipeline.core.result import ArticleResult
from pipeline.io import CorpusError, Fields, Malformed, Record, format_of, module
from pipeline.report.json_report import edit_dict
from pipeline.stages.batch import Job, Outcome

_UNSAFE = re.compile(r"[^\w.-]+")


class Corpus:
    def __init__(self, path: Path, fmt: str, fields: Fields) -> None:
        self.path, self.fmt, self.fields = path, fmt, fields
        self.count = 0  # records found by ``scan`` (for progress)
        self.yielded = 0  # records handed to the batch by ``jobs``
        self.complete = False  # ``jobs`` read to the end of the file

    def read(self) -> Iterator[Record | Malformed]:
        return module(self.fmt).read(self.path, self.fields)

    def scan(self) -> Corpus:
        """Count the records; duplicate ids are an error naming where each one is."""
        # the ids seen, in a temporary SQLite table (its page cache, spilled to a file it
        # removes): memory stays flat in the number of records, as the rest of the run's
        seen = sqlite3.connect("")
        seen.execute("CREATE TABLE seen (id BLOB PRIMARY KEY, at TEXT)")
        clashes: list[str] = []  # the first five, and how many in all
        n_clashes = 0
        # a format that can list ids alone (Parquet: one column) need not read the texts twice
        listing = getattr(module(self.fmt), "ids", None)
        items = (
            listing(self.path, self.fields)
            if listing
            else ((i.id, i.where) for i in self.read() if isinstance(i, Record))
        )
        for rid, where in items:
            self.count += 1
            key = rid.encode("utf-8", "surrogatepass")  # an id may hold a lone surrogate (a JSON escape)
            try:
                seen.execute("INSERT INTO seen VALUES (?, ?)", (key, where))
            except sqlite3.IntegrityError:
                n_clashes += 1
                if len(clashes) < 5:
                    first = seen.execute("SELECT at FROM seen WHERE id = ?", (key,)).fetchone()[0]
                    clashes.append(f"id {rid!r} at {first} and {where}")
        seen.close()
        if clashes:
            more = f" (and {n_clashes - 5} more)" if n_clashes > 5 else ""
            raise CorpusError(f"{self.path}: duplicate ids: {'; '.join(clashes)}{more}")
        return self

    def jobs(self, on_malformed: Callable[[Corpus, Malformed], None]) -> Iterator[Job]:
        stem = _UNSAFE.sub("_", self.path.name) + "-reports"  # beside OUT/<name>, the cleaned corpus
        try:
            for item in self.read():
                if isinstance(item, Malformed):
                    on_malformed(self, item)
                else:
                    self.yielded += 1
                    yield Job(self.path, f"{stem}/{_safe(item.id)}", record=item)
            self.complete = True
        except CorpusError as err:  # it was read whole by ``scan``: changed since; its output is not written
            on_malformed(self, Malformed("the rest of the file", str(err)))


def _safe(rid: str) -> str:
    """A report name for a record id; ids that had to change get a hash, so names stay unique."""
    name = _UNSAFE.sub("_", rid)[:80].strip(".") or "_"
    return name if name == rid else f"{name}-{hashlib.sha256(rid.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"


def split_inputs(files: Iterable[Path], input_format: str | None, fields: Fields) -> tuple[list[Path], list[Corpus]]:
    """(text files, corpora, each scanned); ``CorpusError`` for one that cannot be used."""
    texts: list[Path] = []
    corpora: list[Corpus] = []
    for path in files:
        fmt = format_of(path, input_format)
        if fmt is None:
            texts.append(path)
        else:
            corpora.append(Corpus(path, fmt, fields).scan())
    return texts, corpora


def record_output(result: ArticleResult, settings_digest: str) -> dict[str, Any]:
    """What a record gets back: its cleaned text, and the ``tqa`` field."""
    text = result.doc.text
    return {
        "cleaned": result.cleaned,
        "tqa": {
            "findings": [f.to_dict(text) for f in result.findings],
            "applied": [edit_dict(e, text) for e in result.applied],
            "skipped": [{"start": s.span.start, "end": s.span.end, "reason": s.reason} for s in result.skipped],
            "findings_after": len(result.findings_after),
            "scores": {"mqm_before": result.scores.before.penalty, "mqm_after": result.scores.after.penalty},
            "settings": settings_digest,
        },
    }


class CorpusWriters:
    """One writer per corpus, fed outcomes in input order; the files appear on ``commit``."""

    def __init__(self, corpora: list[Corpus], out_dir: Path) -> None:
        self.corpora = {c.path: c for c in corpora}
        self.out_dir = out_dir
        self.taken = dict.fromkeys(self.corpora, 0)
        self.writers: dict[Path, Any] = {}
        self.failures: list[tuple[Path, str]] = []  # (target, reason) of corpora ``commit`` could not write
        names: dict[str, Path] = {}
        for corpus in corpora:
            target = out_dir / corpus.path.name
            if target.resolve() == corpus.path.resolve():
                raise CorpusError(f"{corpus.path}: --out would overwrite the input; choose another folder")
            if names.setdefault(corpus.path.name, corpus.path) != corpus.path:
                raise CorpusError(
                    f"{corpus.path} and {names[corpus.path.name]} would both be written to {target}; run them apart"
                )

    def _writer(self, path: Path) -> Any:
        # opened on the first record: the batch runner clears stale temporary files when it starts
        if path not in self.writers:
            corpus = self.corpora[path]
            self.writers[path] = module(corpus.fmt).Writer(self.out_dir / path.name, corpus.fields, path)
        return self.writers[path]

    def take(self, outcome: Outcome) -> list[str]:
        """Write one finished record (a failed one goes back unchanged, with its error)."""
        job = outcome.job
        output = outcome.output or {"cleaned": job.record.text, "tqa": {"error": outcome.error}}
        self.taken[job.path] += 1
        return self._writer(job.path).write(job.record, output)

    def commit(self) -> tuple[list[Path], list[Path]]:
        """(written, left out): a corpus is written only when every record of it came back.
        One that cannot be written (a full disk) goes to ``failures`` and the others are written."""
        written, left = [], []
        for path, corpus in self.corpora.items():
            if corpus.complete and self.taken[path] == corpus.yielded:
                try:
                    written.append(self._writer(path).commit())
                except (OSError, UnicodeError) as err:
                    self.writers[path].abort()
                    self.failures.append((self.out_dir / path.name, getattr(err, "strerror", None) or str(err)))
            else:
                if path in self.writers:
                    self.writers[path].abort()
                left.append(path)
        return written, left

    def abort(self) -> None:
        for writer in self.writers.values():
            writer.abort()
