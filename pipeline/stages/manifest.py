"""The run manifest: which articles of a batch are finished, so ``--resume`` can skip them.

One JSON line per finished article, appended only after all its reports are in place
(each written atomically), so a line means "complete". A run killed mid-write leaves at
worst a torn last line, which is ignored when read.

A resumed run does not hold the earlier entries: a corpus record's entry carries its whole
output (cleaned text and findings), so 100,000 of them would be the corpus again in memory.
``load`` indexes where each article's last line starts, in a private temporary SQLite
database (memory bounded by its page cache, whatever the number of entries), and
``finished`` reads that one line back when the article comes up.

The helpers below are what an engine's loop does with it: open it (``open_manifest``), find
a job finished before (``resumed``, ``reread``) and record a chunk (``commit_chunk``).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pipeline.core.findings import Severity
from pipeline.stages.job import Job, Outcome
from pipeline.util.atomic import sync_folder
from pipeline.util.reading import path_text

MANIFEST = "manifest.jsonl"


def settings_hash(settings: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode()).hexdigest()[:16]


class Manifest:
    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / MANIFEST
        self._index: sqlite3.Connection | None = None  # input -> offset of its last complete line
        self._reader: Any = None
        self._torn = False  # the file ends without a newline: the last run was killed mid-line

    def load(self) -> Manifest:
        try:
            reader = open(self.path, "rb")
        except FileNotFoundError:
            return self
        self.close()
        self._reader = reader
        # "": a temporary database SQLite keeps in its page cache and spills to a file it removes
        self._index = sqlite3.connect("")
        self._index.execute("CREATE TABLE entry (input TEXT PRIMARY KEY, offset INTEGER)")
        offset, line, pending = 0, b"", []
        # binary lines end at b"\n" only: a name may hold U+2028 or U+0085, which splitlines() also breaks on
        for line in reader:
            entry = _parse(line)
            if entry is not None:
                pending.append((entry["input"], offset))
                if len(pending) >= 1024:
                    self._add(pending)
            offset += len(line)
        self._add(pending)
        self._torn = bool(line) and not line.endswith(b"\n")
        return self

    def _add(self, pending: list[tuple[str, int]]) -> None:
        assert self._index is not None
        # the later line of an input wins, as it did when entries were a dict
        self._index.executemany("INSERT OR REPLACE INTO entry VALUES (?, ?)", pending)
        pending.clear()

    def entry(self, key: str) -> dict[str, Any] | None:
        """The last complete line recorded for ``key`` by the runs before this one."""
        if self._index is None:
            return None
        try:
            found = self._index.execute("SELECT offset FROM entry WHERE input = ?", (key,)).fetchone()
        except UnicodeEncodeError:  # a name no line can hold (written as UTF-8)
            return None
        return None if found is None else self._line_at(found[0])

    def __len__(self) -> int:
        return 0 if self._index is None else self._index.execute("SELECT count(*) FROM entry").fetchone()[0]

    def entries(self) -> Iterator[dict[str, Any]]:
        """Every input's last entry, one at a time, in the order they were recorded."""
        if self._index is None:
            return
        for (offset,) in self._index.execute("SELECT offset FROM entry ORDER BY offset"):
            if (entry := self._line_at(offset)) is not None:
                yield entry

    def _line_at(self, offset: int) -> dict[str, Any] | None:
        self._reader.seek(offset)
        return _parse(self._reader.readline())

    def finished(self, path: Path, input_hash: str | None, settings: str, stem: str) -> dict[str, Any] | None:
        """The entry for ``path`` if it was finished with the same input, settings and
        report name (names shift when inputs are added) and its outputs exist."""
        entry = self.entry(path_text(path))
        if not entry or entry.get("input_sha256") != input_hash or entry.get("settings") != settings:
            return None
        if (entry.get("row") or {}).get("stem") != stem:
            return None
        out_dir = self.path.parent
        if not all((out_dir / name).exists() for name in entry.get("outputs", [])):
            return None
        return entry

    def record(self, entry: dict[str, Any]) -> None:
        self.record_all([entry])

    def record_all(self, entries: list[dict[str, Any]]) -> None:
        """Append the entries in one write and one fsync (a chunk's worth, after its reports are durable)."""
        # Not kept in memory: only the entries of earlier runs are looked up, and a batch
        # of any size must not grow this process.
        if not entries:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # key order kept: rows go back into the summary
        line = "".join(json.dumps(entry, ensure_ascii=False) + "\n" for entry in entries)
        if self._torn:
            line, self._torn = "\n" + line, False
        # one write() in append mode; fsync so "recorded" survives a crash
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(line)
            f.flush()
            os.fsync(f.fileno())

    def reset(self) -> None:
        """A run without --resume starts a fresh manifest."""
        self.close()
        self._torn = False
        self.path.unlink(missing_ok=True)

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
            self._reader.close()
        self._index = self._reader = None


def _parse(line: bytes) -> dict[str, Any] | None:
    """One manifest line, or None for a torn or foreign one (that article is simply redone)."""
    try:
        entry = json.loads(line.decode("utf-8", errors="replace"))
        return entry if isinstance(entry["input"], str) else None
    except (ValueError, KeyError, TypeError):
        return None


def open_manifest(out_dir: Path, resume: bool) -> Manifest:
    manifest = Manifest(out_dir)
    if resume:
        manifest.load()
    else:
        manifest.reset()
    return manifest


def resumed(manifest: Manifest, job: Job, fingerprint: str) -> Outcome | None:
    """The outcome the manifest holds for ``job`` when it is finished and unchanged, its original too."""
    entry = manifest.finished(job.key, job.input_hash(), fingerprint, job.stem)
    if entry is None and job.record is not None:  # a record written without reports has no report name
        entry = manifest.finished(job.key, job.input_hash(), fingerprint, "")
    if entry is not None and entry.get("source_sha256") != job.source_hash():
        return None  # the original changed (or appeared, or went): its findings may differ
    return None if entry is None else _resumed_outcome(job, entry)


def reread(manifest: Manifest, job: Job) -> Outcome:
    """The outcome of a job ``resumed`` found finished earlier in this run, read back from the
    manifest (an engine that looks ahead need not hold it meanwhile)."""
    return _resumed_outcome(job, manifest.entry(job.key))


def _resumed_outcome(job: Job, entry: dict[str, Any]) -> Outcome:
    return Outcome(
        job,
        row=entry["row"],
        resumed=True,
        worst=_worst(entry),
        outputs=entry["outputs"],
        output=entry.get("record"),
        source_sha256=entry.get("source_sha256"),
    )


def commit_chunk(done: list[Outcome], out_dir: Path, manifest: Manifest, fingerprint: str) -> None:
    """Make a chunk's reports durable with one sync, then record them in the manifest
    (one write, one fsync): reports are written without an fsync each."""
    if any(o.row is not None for o in done):
        sync_folder(out_dir)
    manifest.record_all(
        [
            {
                "input": o.job.key,
                "input_sha256": o.input_sha256,
                **({"source_sha256": o.source_sha256} if o.source_sha256 else {}),
                "settings": fingerprint,
                "outputs": o.outputs,
                "worst": o.worst.value if o.worst else None,
                "row": o.row,
                **({"record": o.output} if o.output is not None else {}),
            }
            for o in done
            if o.row is not None
        ]
    )


def _worst(entry: dict[str, Any]) -> Severity | None:
    return Severity(entry["worst"]) if entry.get("worst") else None
