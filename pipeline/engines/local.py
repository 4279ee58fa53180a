"""The local engine: worker processes on this machine, the documents in chunks.

Each chunk is checked and planned in the workers, its translation requests go to the model
in this process together (deduplicated, one call per model), then the workers apply,
verify, score and write each document's reports, and the chunk is let go: memory follows
the chunk size, not the number of documents. The loop around it (resume, commit,
fail-fast) is ``Engine.run``'s.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from pipeline.core.settings import Settings
from pipeline.engines.base import Engine, Launch, chunks
from pipeline.stages import worker
from pipeline.stages.batch import batch_index, mark_batch
from pipeline.stages.job import Job, Outcome, Prepared
from pipeline.stages.translate import Stages, TranslatorSlot


class LocalEngine(Engine):
    name = "local"

    @contextmanager
    def started(self, settings: Settings, out_dir: Path, count: int, slot: TranslatorSlot) -> Iterator[Launch]:
        stages = Stages(settings, slot)
        self.batch = batch = batch_index(settings.checks, count, settings.ignore_file)
        self.encoding = settings.encoding
        with _executor(settings, out_dir, count) as executor:

            def launch(todo: list[Job]) -> Iterator[Outcome]:
                """A chunk's outcomes: the inputs that failed their checks first, then the others."""
                prepared = list(executor.map(worker.prepare_job, todo, chunksize=8))
                mark_batch(batch, todo, prepared)  # here: the main process, in input order
                ready = [(job, prep) for job, prep in zip(todo, prepared) if isinstance(prep, Prepared)]
                for job, prep in zip(todo, prepared):
                    if isinstance(prep, str):
                        yield Outcome(job, error=prep)
                translations, run_settings = stages.translate(ready)
                yield from executor.map(
                    worker.finish_job,
                    [j for j, _ in ready],
                    [p for _, p in ready],
                    translations,
                    [run_settings] * len(ready),
                    [slot.error] * len(ready),
                )

            yield launch


def check(jobs: Iterable[Job], settings: Settings, count: int) -> Iterator[tuple[Job, Prepared | str]]:
    """Check and plan ``jobs`` (in worker processes with ``settings.jobs``), in order."""
    batch = batch_index(settings.checks, count, settings.ignore_file)
    with _executor(settings, None, count) as executor:
        for chunk in chunks(jobs, settings.chunk_size):
            prepared = list(executor.map(worker.prepare_job, chunk, chunksize=8))
            mark_batch(batch, chunk, prepared)
            yield from zip(chunk, prepared)


class _Inline(Executor):
    """The executor for one job: runs in this process, no pickling."""

    def map(self, fn, *iterables, timeout=None, chunksize=1):  # type: ignore[no-untyped-def,override]
        return map(fn, *iterables)


def _executor(settings: Settings, out_dir: Path | None, inputs: int) -> Executor:
    """Worker processes for ``settings.jobs`` (no more than there are inputs), or this process."""
    workers = max(1, min(settings.jobs, inputs))
    if workers > 1:
        return ProcessPoolExecutor(workers, initializer=_init_process, initargs=(settings, out_dir, os.getpid()))
    worker.init_worker(settings, out_dir)
    return _Inline()


def _init_process(settings: Settings, out_dir: Path | None, parent: int) -> None:
    _exit_with(parent)
    worker.pin_threads()
    worker.init_worker(settings, out_dir)


def _exit_with(parent: int) -> None:
    """End this worker when the main process is gone (even by SIGKILL), instead of lingering."""
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()
