"""Corpora through the batch runner: records in as jobs, finished records out in order."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from pipeline.core.result import ArticleResult
from pipeline.io import CorpusError, Fields, Malformed, Record, UnreadableInput, format_of, module
from pipeline.report.json_report import edit_dict, landed_at
from pipeline.report.names import BATCH_FILES
from pipeline.stages.job import Job, Outcome
from pipeline.util.storage import location

_UNSAFE = re.compile(r"[^\w.-]+")


class MissingField(CorpusError):
    """A corpus whose first record lacks a field the options name."""


class Corpus:
    def __init__(self, path: Path, fmt: str, fields: Fields) -> None:
        self.path, self.fmt, self.fields = path, fmt, fields
        self.count = 0  # records found by ``scan`` (for progress)
        self.yielded = 0  # records handed to the batch by ``jobs``
        self.complete = False  # ``jobs`` read to the end of the file

    def read(self) -> Iterator[Record | Malformed]:
        return module(self.fmt).read(self.path, self.fields)

    def scan(self) -> Corpus:
        """Count the records; a field the first record lacks, a column of the wrong type or
        duplicate ids are an error naming what is there; ``UnreadableInput`` for a file
        that cannot be read to its end."""
        self._check_fields()
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
            else ((i.key, i.where) for i in self.read() if isinstance(i, Record))
        )
        for key, where in items:
            self.count += 1
            try:
                seen.execute("INSERT INTO seen VALUES (?, ?)", (key.encode("utf-8", "surrogatepass"), where))
            except sqlite3.IntegrityError:
                n_clashes += 1
                if len(clashes) < 5:
                    first = seen.execute(
                        "SELECT at FROM seen WHERE id = ?", (key.encode("utf-8", "surrogatepass"),)
                    ).fetchone()[0]
                    rid = key[2:] if key[0] == "i" else repr(key[2:])
                    clashes.append(f"id {rid} at {first} and {where}")
        seen.close()
        if clashes:
            more = f" (and {n_clashes - 5} more)" if n_clashes > 5 else ""
            raise CorpusError(f"{self.path}: duplicate ids: {'; '.join(clashes)}{more}")
        return self

    def _check_fields(self) -> None:
        fmt = module(self.fmt)
        if hasattr(fmt, "check"):  # a column that exists with a type tqa cannot write
            fmt.check(self.path, self.fields)
        names = fmt.first_fields(self.path) if hasattr(fmt, "first_fields") else None
        if names is None:
            return
        wanted = [("--text-field", self.fields.text), ("--source-field", self.fields.source)]
        if self.fields.id != Fields.id:  # the default id field may be absent: records are numbered
            wanted.append(("--id-field", self.fields.id))
        for option, name in wanted:
            if name is not None and name not in names:
                has = ", ".join(repr(n) for n in names[:20]) + (
                    f" (and {len(names) - 20} more)" if len(names) > 20 else ""
                )
                raise MissingField(
                    f"{self.path}: {option} {name!r}: the first records have no such field; they have {has or 'none'}"
                )

    def jobs(self, on_malformed: Callable[[Corpus, Malformed], None]) -> Iterator[Job]:
        stem = _UNSAFE.sub("_", self.path.name) + "-reports"  # beside OUT/<name>, the cleaned corpus
        try:
            for item in self.read():
                if isinstance(item, Malformed):
                    on_malformed(self, item)
                else:
                    self.yielded += 1
                    yield Job(self.path, f"{stem}/{_safe(item.id, item.key)}", record=item)
            self.complete = True
        except CorpusError as err:  # it was read whole by ``scan``: changed since; its output is not written
            on_malformed(self, Malformed("the rest of the file", str(err)))


# A report name's bytes at most: with the longest suffix a report adds and the hash, a file
# name stays well under the 255 bytes file systems allow.
NAME_BYTES = 120


def _safe(rid: str, key: str = "") -> str:
    """A report name for a record id; ids that had to change get a hash, so names stay
    unique (a string id of digits too: the integer id 1 is named 1)."""
    name = _UNSAFE.sub("_", rid)
    cut = name.encode("utf-8", "surrogatepass")[:NAME_BYTES].decode("utf-8", "ignore").strip(".") or "_"
    if cut == rid and not (key.startswith("s:") and rid.isdigit()):
        return cut
    return f"{cut}-{hashlib.sha256((key or rid).encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"


def split_inputs(
    files: Iterable[Path], input_format: str | None, fields: Fields, named: Iterable[Path] | None = None
) -> tuple[list[Path], list[Corpus], list[str]]:
    """(text files, corpora, each scanned, and a line for each corpus that cannot be read:
    it is left out); ``CorpusError`` for one that cannot be used as given. ``named``: the
    paths the command line gave; a file found in a folder that lacks the fields is not
    taken for a corpus (a term list, a table), but left out with a line too."""
    given = {location(p) for p in named} if named is not None else None
    texts: list[Path] = []
    corpora: list[Corpus] = []
    unreadable: list[str] = []
    for path in files:
        fmt = format_of(path, input_format)
        if fmt is None:
            texts.append(path)
            continue
        try:
            corpora.append(Corpus(path, fmt, fields).scan())
        except UnreadableInput as err:
            unreadable.append(str(err))
        except MissingField as err:
            if given is None or path in given:
                raise
            unreadable.append(f"{err} (not a corpus?)")
    return texts, corpora, unreadable


def record_output(result: ArticleResult, settings_digest: str) -> dict[str, Any]:
    """What a record gets back: its cleaned text, and the ``tqa`` field. Offsets named
    ``start``/``end`` index the original text, ``cleaned_start``/``cleaned_end`` the
    cleaned text (null where the text they cover was removed, or was not there before)."""
    text = result.doc.text
    edits = sorted(result.applied, key=lambda e: (e.span.start, e.span.end))
    forward = [(e.span.start, e.span.end, len(e.replacement)) for e in edits]
    back, delta = [], 0
    for e in edits:
        at = e.span.start + delta
        back.append((at, at + len(e.replacement), len(e.span)))
        delta += len(e.replacement) - len(e.span)

    def placed(
        d: dict[str, Any], start: int, end: int, moves: list[tuple[int, int, int]], names: tuple[str, str]
    ) -> dict[str, Any]:
        a, b = map_span(moves, start, end)
        return {**d, names[0]: a, names[1]: b}

    return {
        "cleaned": result.cleaned,
        "tqa": {
            "findings": [
                placed(f.to_dict(text), f.span.start, f.span.end, forward, ("cleaned_start", "cleaned_end"))
                for f in result.findings
            ],
            "applied": [edit_dict(e, text, at) for e, at in zip(edits, landed_at(edits))],
            "skipped": [
                placed(
                    {"start": s.span.start, "end": s.span.end, "reason": s.reason},
                    s.span.start,
                    s.span.end,
                    forward,
                    ("cleaned_start", "cleaned_end"),
                )
                for s in result.skipped
            ],
            "findings_after": [
                {
                    **placed(f.to_dict(result.cleaned), f.span.start, f.span.end, back, ("start", "end")),
                    "cleaned_start": f.span.start,
                    "cleaned_end": f.span.end,
                }
                for f in result.findings_after
            ],
            "scores": {
                "mqm_before": result.scores.before.penalty,
                "mqm_after": result.scores.after.penalty,
                "words": result.scores.before.words,
                "checks": result.scores.before.checks,  # each check's figures before repair
            },
            "settings": settings_digest,
        },
    }


def map_span(moves: list[tuple[int, int, int]], start: int, end: int) -> tuple[int | None, int | None]:
    """Where [start, end) of one text is in the other, ``moves`` being the edits between them,
    sorted: (start, end, length of what replaces it). A span inside a replaced part maps to
    the replacement; one whose every character was removed maps to (None, None)."""

    def point(p: int, is_end: bool) -> int:
        delta = 0
        for s, e, n in moves:
            if e < p or (e == p and (s < e or not is_end)):  # wholly before p (an insertion at p: before a start)
                delta += n - (e - s)
            elif s < p or (s == p and not is_end and s < e):  # p inside the replaced part
                return s + delta + (n if is_end else 0)
            else:
                break
        return p + delta

    a, b = point(start, False), point(end, True)
    if end > start and b <= a:
        return None, None
    return a, max(a, b)


COPY = "duplicate-record"  # a later copy of an earlier input: left out with --drop-duplicates


class CorpusWriters:
    """One writer per corpus, fed outcomes in input order; the files appear on ``commit``."""

    def __init__(self, corpora: list[Corpus], out_dir: Path, drop_duplicates: bool = False) -> None:
        self.corpora = {c.path: c for c in corpora}
        self.out_dir = out_dir
        self.drop_duplicates = drop_duplicates
        self.dropped = 0  # later copies left out (``--drop-duplicates``)
        self.taken = dict.fromkeys(self.corpora, 0)
        self.writers: dict[Path, Any] = {}
        self.failures: list[tuple[Path, str]] = []  # (target, reason) of corpora ``commit`` could not write
        # items read but not processed (malformed records, blank lines), each after the
        # number of records read before it: written back in their place
        self.held: dict[Path, list[tuple[int, Malformed]]] = {path: [] for path in self.corpora}
        names: dict[str, Path] = {}
        for corpus in corpora:
            target = out_dir / corpus.path.name
            if target.resolve() == corpus.path.resolve():
                raise CorpusError(f"{corpus.path}: --out would overwrite the input; choose another folder")
            if corpus.path.name.lower() in BATCH_FILES:
                raise CorpusError(f"{corpus.path}: would be written over by the batch's {target}; rename it")
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

    def hold(self, corpus: Corpus, item: Malformed) -> None:
        """An item ``corpus.jobs`` read and did not hand on: written back before the next record."""
        if corpus.path in self.held:
            self.held[corpus.path].append((corpus.yielded, item))

    def _release(self, path: Path, upto: int | None) -> None:
        held = self.held[path]
        n = 0
        while n < len(held) and (upto is None or held[n][0] <= upto):
            self._writer(path).passthrough(held[n][1])
            n += 1
        del held[:n]

    def take(self, outcome: Outcome) -> list[str]:
        """Write one finished record (a failed one goes back unchanged, with its error)."""
        job = outcome.job
        output = outcome.output or {"cleaned": job.record.text, "tqa": {"error": outcome.error}}
        self._release(job.path, self.taken[job.path])
        self.taken[job.path] += 1
        if self.drop_duplicates and any(f["check"] == COPY for f in output["tqa"].get("findings", ())):
            self.dropped += 1
            return []
        return self._writer(job.path).write(job.record, output)

    def commit(self) -> tuple[list[Path], list[Path]]:
        """(written, left out): a corpus is written only when every record of it came back.
        One that cannot be written (a full disk) goes to ``failures`` and the others are written."""
        written, left = [], []
        for path, corpus in self.corpora.items():
            if corpus.complete and self.taken[path] == corpus.yielded:
                try:
                    self._release(path, None)
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
