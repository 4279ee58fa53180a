"""The local engine: worker processes on this machine, the documents in chunks.

Each chunk is checked and planned in the workers, its translation requests go to the model
in this process together (deduplicated, one call per model), then the workers apply,
verify, score and write each document's reports, and the chunk is let go: memory follows
the chunk size, not the number of documents.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from itertools import islice
from pathlib import Path

from pipeline.stages import batch
from pipeline.stages.batch import Job, Outcome, Prepared, Settings, Stages, TranslatorSlot


class LocalEngine:
    name = "local"

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
        stages = Stages(settings, slot)
        manifest = batch.open_manifest(out_dir, resume)
        with _executor(settings, out_dir, count) as executor:
            for chunk in _chunks(jobs, settings.chunk_size):
                todo: list[Job] = []
                for job in chunk:
                    done_before = batch.resumed(manifest, job, stages.fingerprint) if resume else None
                    if done_before is not None:
                        yield done_before
                    else:
                        todo.append(job)
                prepared = list(executor.map(batch._prepare_job, todo, chunksize=8))
                ready = [(job, prep) for job, prep in zip(todo, prepared) if isinstance(prep, Prepared)]
                for job, prep in zip(todo, prepared):
                    if isinstance(prep, str):
                        yield Outcome(job, error=prep)
                        if fail_fast:
                            return
                translations, run_settings = stages.translate(ready)
                outcomes = executor.map(
                    batch._finish_job,
                    [j for j, _ in ready],
                    [p for _, p in ready],
                    translations,
                    [run_settings] * len(ready),
                    [slot.error] * len(ready),
                )
                done: list[Outcome] = []
                for outcome in outcomes:
                    done.append(outcome)
                    if outcome.error and fail_fast:
                        break
                batch.commit_chunk(done, out_dir, manifest, stages.fingerprint)
                for outcome in done:
                    yield outcome
                    if outcome.error and fail_fast:
                        return


def check(jobs: Iterable[Job], settings: Settings, count: int) -> Iterator[tuple[Job, Prepared | str]]:
    """Check and plan ``jobs`` (in worker processes with ``settings.jobs``), in order."""
    with _executor(settings, None, count) as executor:
        for chunk in _chunks(jobs, settings.chunk_size):
            yield from zip(chunk, executor.map(batch._prepare_job, chunk, chunksize=8))


def _chunks(items: Iterable[Job], size: int) -> Iterator[list[Job]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


class _Inline(Executor):
    """The executor for one job: runs in this process, no pickling."""

    def map(self, fn, *iterables, timeout=None, chunksize=1):  # type: ignore[no-untyped-def,override]
        return map(fn, *iterables)


def _executor(settings: Settings, out_dir: Path | None, inputs: int) -> Executor:
    """Worker processes for ``settings.jobs`` (no more than there are inputs), or this process."""
    workers = max(1, min(settings.jobs, inputs))
    if workers > 1:
        return ProcessPoolExecutor(workers, initializer=_init_process, initargs=(settings, out_dir, os.getpid()))
    batch._init_worker(settings, out_dir)
    return _Inline()


def _init_process(settings: Settings, out_dir: Path | None, parent: int) -> None:
    _exit_with(parent)
    batch._pin_threads()
    batch._init_worker(settings, out_dir)


def _exit_with(parent: int) -> None:
    """End this worker when the main process is gone (even by SIGKILL), instead of lingering."""
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()
