"""The findings export follows the review: a run's decisions files are the truth, the
``state``, ``fix`` and ``comment`` columns of ``findings.jsonl`` / ``findings.csv`` are
derived from them.

Rewriting the export costs time in proportion to the whole run (every row of every article),
so it is done once for many articles (``refresh_export``), never once per decision: the
review server marks an article as changed and ``ExportRefresher`` rewrites the export in
the background a moment after the last decision, and at once before the final text is
written and when the server stops; ``tqa apply`` refreshes it for the decisions file it
applied when that file lies in the run's folder.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.report import export
from pipeline.review.decisions import DECISIONS_SCHEMA
from pipeline.util.reading import loads_json, read_text_limited

DECISIONS_SUFFIX = ".decisions.json"
FINDINGS_SUFFIX = ".findings.json"


@dataclass(frozen=True)
class Refreshed:
    """What ``refresh_export`` did."""

    changed: int  # rows whose state, fix or comment changed
    skipped: tuple[str, ...] = ()  # articles whose decisions file could not be read: their rows as they were


def _states(path: Path) -> dict[str, dict[str, str]] | None:
    """Finding id -> state, fix and comment, from a decisions file; None when there is none;
    ValueError when it is not a readable ``tqa-decisions/2`` file."""
    try:
        data = loads_json(read_text_limited(path))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as err:
        raise ValueError(str(err)) from None
    items = data.get("items") if isinstance(data, dict) and data.get("schema") == DECISIONS_SCHEMA else None
    if not isinstance(items, list):
        raise ValueError(f"not a {DECISIONS_SCHEMA} file")
    return {
        i["id"]: {"state": str(i.get("state") or ""), "fix": i.get("fix") or "", "comment": i.get("comment") or ""}
        for i in items
        if isinstance(i, dict) and isinstance(i.get("id"), str)
    }


def refresh_export(out: str | Path, stems: Iterable[str]) -> Refreshed | None:
    """Bring the export of run folder ``out`` in line with the decisions files of ``stems``
    (``out/<stem>.decisions.json``; an article without one: every row pending), in one
    rewrite. None when the run wrote no export."""
    out = Path(out)
    states: dict[str, Any] = {}
    skipped = []
    for stem in dict.fromkeys(stems):
        try:
            states[stem] = _states(out / f"{stem}{DECISIONS_SUFFIX}")
        except ValueError:
            skipped.append(stem)  # an older page's file (tqa-decisions/1) records no states
    changed = export.rewrite_states(out, states) if states else 0
    return None if changed is None else Refreshed(changed, tuple(skipped))


def stale_stems(out: str | Path) -> list[str]:
    """The articles whose decisions file is as new as the export or newer: what a server
    stopped without its last refresh (killed) left behind."""
    out = Path(out)
    try:
        written = min((out / name).stat().st_mtime_ns for name in export.NAMES)
    except OSError:
        return [] if not (out / export.NAMES[0]).is_file() else _all(out)
    stale = []
    for path in out.rglob(f"*{DECISIONS_SUFFIX}"):
        try:
            if path.stat().st_mtime_ns >= written:
                stale.append(path.relative_to(out).as_posix()[: -len(DECISIONS_SUFFIX)])
        except OSError:
            continue
    return sorted(stale)


def _all(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix()[: -len(DECISIONS_SUFFIX)] for p in out.rglob(f"*{DECISIONS_SUFFIX}"))


class ExportRefresher:
    """Marks articles whose decisions changed; rewrites the export for all of them at once, in
    a thread of its own, ``delay`` seconds after the last mark (at most ``longest`` after the
    first, so steady clicking does not put it off for ever), and no sooner than ``spacing``
    times the last rewrite's duration after it ended (a large export at a reviewer's pace
    then takes a bounded share of a core). ``flush`` rewrites now and returns when the export
    says what the decisions files said when it was called; ``close`` flushes and stops the
    thread. A failed rewrite keeps its articles marked: the next mark, flush or close tries
    again, and ``on_error`` is told."""

    def __init__(
        self,
        out: str | Path,
        delay: float = 1.0,
        longest: float = 10.0,
        spacing: float = 4.0,
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        self.out = Path(out)
        self.delay, self.longest, self.spacing = delay, longest, spacing
        self.on_error = on_error
        self.rewrites = 0  # how many times the export was rewritten, for tests and benchmarks
        self._dirty: set[str] = set()
        self._first = self._last = 0.0
        self._rested = 0.0  # the thread starts no rewrite before this (monotonic time)
        self._marked = False  # a mark since the thread last took the marked articles
        self._closed = False
        self._cond = threading.Condition()
        self._writing = threading.Lock()  # one rewrite at a time; a flush waits for one under way
        self._thread: threading.Thread | None = None

    def mark(self, stem: str) -> None:
        with self._cond:
            now = time.monotonic()
            if not self._dirty:
                self._first = now
            self._dirty.add(stem)
            self._last, self._marked = now, True
            if self._thread is None and not self._closed:
                self._thread = threading.Thread(target=self._run, name="tqa-export", daemon=True)
                self._thread.start()
            self._cond.notify()

    def flush(self) -> Refreshed | None:
        """Rewrite the export for every marked article now; raises what the rewrite raised."""
        with self._writing:
            with self._cond:
                stems, self._dirty = self._dirty, set()
                self._marked = False
            if not stems:
                return Refreshed(0)
            started = time.monotonic()
            try:
                done = refresh_export(self.out, sorted(stems))
            except BaseException:
                with self._cond:
                    self._dirty |= stems
                raise
            ended = time.monotonic()
            self._rested = ended + self.spacing * (ended - started)
            self.rewrites += 1
            return done

    def close(self) -> Refreshed | None:
        """Stop the thread and flush what is left (the server's shutdown)."""
        with self._cond:
            self._closed = True
            self._cond.notify()
            thread = self._thread
        if thread is not None:
            thread.join()
        return self.flush()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._closed and not self._marked:
                    self._cond.wait()
                while not self._closed:
                    due = max(min(self._last + self.delay, self._first + self.longest), self._rested)
                    due -= time.monotonic()
                    if due <= 0 or not self._dirty:
                        break
                    self._cond.wait(due)
                if self._closed:
                    return  # close flushes
            self.try_flush()

    def try_flush(self) -> bool:
        """``flush``, telling ``on_error`` rather than raising: a full disk leaves the decisions
        files safe, and the export waits for the next try."""
        try:
            self.flush()
        except Exception as err:
            if self.on_error is not None:
                self.on_error(
                    f"{self.out / export.NAMES[0]} not brought up to date: {getattr(err, 'strerror', None) or err}"
                )
            return False
        return True


def _text_hash(path: Path, key: str) -> str | None:
    try:
        data = loads_json(read_text_limited(path))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    info = data.get(key) if isinstance(data, dict) else None
    return info.get("text_sha256") if isinstance(info, dict) else None


def run_of(folder: Path, name: str) -> tuple[Path, str] | None:
    """The run folder, with an export, that holds article ``name`` in ``folder`` (the run's own
    folder or one below it, as report names mirror the input tree), and its stem there."""
    folder = folder.resolve()
    for run in (folder, *folder.parents):
        if (run / export.NAMES[0]).is_file():
            stem = (folder / name).relative_to(run).as_posix()
            if (run / f"{stem}{FINDINGS_SUFFIX}").is_file():
                return run, stem
    return None


def after_apply(decisions: Path, target: Path) -> str | None:
    """After ``tqa apply`` of ``decisions``: bring the export of the run it belongs to in line,
    and say so in a line (None: nothing to say). A decisions file belongs to a run when it
    lies in the run's folder beside the findings JSON it was made from (the same text). One
    elsewhere (a download) changes no export, even with ``--out`` into a run: the export
    follows the run's own decisions file, which it would then contradict; the line says how
    to make that file the reviewed one. ``ValueError``: the export could not be rewritten."""
    name = decisions.name
    if not name.endswith(DECISIONS_SUFFIX) or len(name) == len(DECISIONS_SUFFIX):
        return None  # a findings JSON: what the run applied, which the export's rows already say
    name = name[: -len(DECISIONS_SUFFIX)]
    made_on = _text_hash(decisions, "input")
    found = run_of(decisions.parent, name)
    if found is None:
        into = run_of(target.parent, name)
        if into is None or _text_hash(into[0] / f"{into[1]}{FINDINGS_SUFFIX}", "document") != made_on:
            return None
        run, stem = into
        return (
            f"{run / export.NAMES[1]} follows {run / stem}{DECISIONS_SUFFIX}, not this file; copy it there "
            f"and run tqa apply on that copy (or tqa review {run}) to bring it in line"
        )
    run, stem = found
    if _text_hash(run / f"{stem}{FINDINGS_SUFFIX}", "document") != made_on:
        return f"{run / export.NAMES[1]} left as it is: {decisions.name} was not made on the text of {stem}{FINDINGS_SUFFIX}"
    try:
        done = refresh_export(run, [stem])
    except (OSError, ValueError) as err:
        raise ValueError(
            f"{run / export.NAMES[0]} not brought up to date: {getattr(err, 'strerror', None) or err}"
        ) from None
    if done is None:
        return None
    if done.skipped:
        return f"{run / export.NAMES[1]} left as it is: {decisions.name} records no states (an older page's file)"
    return f"{run / export.NAMES[0]} and {export.NAMES[1]}: {done.changed} row(s) of {stem} brought in line with its decisions"
