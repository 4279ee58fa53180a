"""``Engine``: the loop every engine shares (chunks, resume, commit, fail-fast); a subclass launches work.

An engine fills in ``started``, a context that sets the engine up (worker processes, a
Ray session) and yields a ``launch`` function: given the jobs of a window that are not
finished yet, it yields one ``Outcome`` per job, computed wherever the engine likes. The
loop here is the same for every engine, so what a run writes does not depend on it:

- the jobs go in windows of ``window(settings)`` (a chunk on the local engine); the
  manifest says which are finished, and the others of the window are launched together;
- each chunk of the window is committed once its launched outcomes are in (reports
  synced, then recorded in the manifest), then yields every outcome in input order: the
  manifest's (read back as its turn comes, never held) and the launched ones, whatever
  order ``launch`` gave them in (the local engine: failed checks first);
- with ``fail_fast``, the first failure ends the run: what finished before it is
  committed, and the launch is closed, so nothing more is started.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from itertools import islice
from pathlib import Path
from typing import TypeVar

from pipeline.core.settings import Settings
from pipeline.stages.batch import BatchIndex, remember
from pipeline.stages.job import Job, Outcome
from pipeline.stages.manifest import commit_chunk, open_manifest, reread, resumed, settings_hash
from pipeline.stages.translate import TranslatorSlot

Launch = Callable[[list[Job]], Iterator[Outcome]]
T = TypeVar("T")


class Engine:
    """Runs the stages over many inputs; subclasses only launch work (see the module's docstring)."""

    name = "engine"
    # the batch's index (duplicate-record, the consistency checks), which ``started`` sets
    # up: it lives in the main process
    batch: BatchIndex | None = None
    encoding: str | None = None  # --encoding, to measure resumed files again

    def window(self, settings: Settings) -> int:
        """Jobs handed to one ``launch``: a chunk, unless the engine looks further ahead."""
        return settings.chunk_size

    def started(
        self, settings: Settings, out_dir: Path, count: int, slot: TranslatorSlot
    ) -> AbstractContextManager[Launch]:
        """The engine set up for a run of ``count`` jobs writing into ``out_dir``; its ``launch``."""
        raise NotImplementedError

    def run(
        self,
        jobs: Iterable[Job],
        count: int,
        settings: Settings,
        out_dir: Path,
        resume: bool,
        fail_fast: bool,
        slot: TranslatorSlot,
    ) -> Iterator[Outcome]:
        """Each job's outcome, chunk by chunk, recording finished ones in the manifest of ``out_dir``."""
        fingerprint = settings_hash(settings.describe())
        with self.started(settings, out_dir, count, slot) as launch:
            manifest = open_manifest(out_dir, resume)
            for window in chunks(jobs, self.window(settings)):
                # which are finished, not their outcomes: each is read back when its turn comes
                # (a finished corpus record's outcome holds its whole cleaned text)
                done_before = [resume and resumed(manifest, job, fingerprint) is not None for job in window]
                todo = [job for job, done in zip(window, done_before) if not done]
                # the inputs --resume skips are the earlier inputs of what follows (the batch checks)
                remember(self.batch, [job for job, done in zip(window, done_before) if done], self.encoding)
                launched = launch(todo) if todo else iter(())
                try:
                    for start in range(0, len(window), settings.chunk_size):
                        chunk = range(start, min(start + settings.chunk_size, len(window)))
                        pending: list[Outcome] = []
                        for _ in range(sum(not done_before[i] for i in chunk)):
                            outcome = next(launched, None)
                            if outcome is None:
                                raise RuntimeError(f"{self.name} engine: fewer outcomes than inputs")
                            pending.append(outcome)
                            if outcome.error and fail_fast:
                                break
                        commit_chunk(pending, out_dir, manifest, fingerprint)
                        # in input order, whatever order the engine finished them in: a corpus is
                        # written back record by record as they come
                        arrived: dict[str, list[Outcome]] = {}
                        for outcome in pending:
                            arrived.setdefault(outcome.job.key, []).append(outcome)
                        for i in chunk:
                            if done_before[i]:
                                yield reread(manifest, window[i])
                            elif arrived.get(window[i].key):
                                outcome = arrived[window[i].key].pop(0)
                                yield outcome
                                if outcome.error and fail_fast:
                                    return
                    if next(launched, None) is not None:
                        raise RuntimeError(f"{self.name} engine: more outcomes than inputs")
                finally:
                    close = getattr(launched, "close", None)
                    if close is not None:
                        close()  # ends the engine's work on the window (Ray: the dataset and its actors), also on an early stop


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk
