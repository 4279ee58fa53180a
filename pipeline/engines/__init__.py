"""Engines run the stages (``pipeline.stages``) over many inputs; ``run_batch`` is the way in.

The seam: ``Engine.run(jobs, count, settings, out_dir, resume, fail_fast, slot)`` in
``engines/base.py`` owns the loop every engine shares: windows and chunks of jobs, the
manifest (``--resume`` skips what it lists), one commit per chunk (reports synced, then
recorded), fail-fast, and the order of the outcomes it yields. An engine only launches
work: its ``started`` context yields a ``launch(todo)`` that computes one ``Outcome`` per
job with the stage functions of ``pipeline.stages.worker`` (``prepare_job``, then
``finish_job``) and ``pipeline.stages.translate.Stages`` (the chunk's translations).
``local`` runs worker processes on this machine, a chunk at a time; ``ray`` runs the same
functions on a Ray cluster (``pip install "tqa[ray]"``), a window of chunks per dataset.
Same inputs and settings, same bytes out. ``tqa run`` holds the output lock around
``run_batch`` and turns the outcomes into the batch-wide files.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.core.settings import ENGINES

if TYPE_CHECKING:
    from pipeline.core.settings import Settings
    from pipeline.stages.job import Job, Outcome, Prepared
    from pipeline.stages.translate import TranslatorSlot

# Inputs per worker process before another one pays for its start (forking, building the
# checks, loading language profiles: about half a CPU-second) on a busy machine.
INPUTS_PER_WORKER = 200


class EngineUnavailable(Exception):
    """An engine that cannot run here (not installed, bad options); one line for the user."""


def engine_for(
    name: str = "local", address: str | None = None, actors: tuple[int, int] = (1, 1), gpus_per_actor: float = 0.0
) -> Any:
    if name == "local":
        from pipeline.engines.local import LocalEngine

        return LocalEngine()
    if name != "ray":
        raise EngineUnavailable(f"--engine: unknown engine {name!r}; choose from {', '.join(ENGINES)}")
    try:
        import ray  # noqa: F401
        import ray.data  # noqa: F401
    except ImportError:
        raise EngineUnavailable('--engine ray needs Ray Data: pip install "tqa[ray]"') from None
    lo, hi = actors
    if lo < 1 or hi < lo:
        raise EngineUnavailable(f"--actors {lo}:{hi}: MIN must be at least 1 and MAX at least MIN")
    if gpus_per_actor < 0:
        raise EngineUnavailable(f"--gpus-per-actor {gpus_per_actor}: must not be negative")
    from pipeline.engines.ray import RayEngine

    return RayEngine(address, actors, gpus_per_actor)


def parse_actors(value: str) -> tuple[int, int]:
    """``MIN:MAX`` or ``N`` (a fixed pool)."""
    lo, _, hi = value.partition(":")
    try:
        pair = (int(lo), int(hi or lo))
    except ValueError:
        raise EngineUnavailable(f"--actors {value}: expected MIN:MAX (e.g. 1:4) or N") from None
    return pair


def run_batch(
    paths: list[Path],
    stems: dict[Path, str],
    settings: Settings,
    out_dir: Path,
    references: Callable[[Path], str | None] = lambda _: None,
    resume: bool = False,
    fail_fast: bool = False,
    slot: TranslatorSlot | None = None,
    sources: Callable[[Path], Path | None] = lambda _: None,
    records: Iterable[Job] = (),
    count: int = 0,
    engine: Any = None,
) -> Iterator[Outcome]:
    """Process ``paths``, then the corpus ``records`` (``count`` of them), writing reports into
    ``out_dir``; yield each input's outcome as it is done, chunk by chunk in input order.

    ``engine`` runs the stages (default: the local one). Pass a ``slot`` to see the
    translator (and its cache statistics) afterwards. The caller holds
    ``outlock.output_lock(out_dir)`` for as long as it writes there (``tqa run`` does,
    through the summary): stale temporary files are removed here on that understanding.
    """
    from pipeline.stages.job import Job
    from pipeline.stages.job_list import InputListError
    from pipeline.stages.translate import TranslatorSlot
    from pipeline.util.atomic import remove_stale_temps

    if engine is None:
        from pipeline.engines.local import LocalEngine

        engine = LocalEngine()
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(out_dir)

    def job(path: Path) -> Job:
        try:
            return Job(path, stems[path], references(path), sources(path))
        except InputListError as err:  # an unreadable reference fails its input alone
            return Job(path, stems[path], None, sources(path), failure=str(err))

    # references are read chunk by chunk, like the inputs: memory follows the chunk
    jobs = chain((job(p) for p in paths), records)
    yield from engine.run(
        jobs, len(paths) + count, settings, out_dir, resume, fail_fast, slot or TranslatorSlot(settings)
    )


def check_jobs(jobs: Iterable[Job], settings: Settings, count: int) -> Iterator[tuple[Job, Prepared | str]]:
    """Check and plan ``jobs`` (text files and corpus records) on the local engine, in order,
    chunk by chunk: each job with its prepared findings or the one-line reason it failed."""
    from pipeline.engines.local import check

    return check(jobs, settings, count)


def default_jobs(inputs: int | None = None) -> int:
    """Worker processes when ``--jobs`` is not given: one per ``INPUTS_PER_WORKER`` inputs,
    one core left to the main process and the system, so the default is never slower than
    ``-j 1``: on 2 busy cores, ``-j 2`` took 1.17x the wall time of ``-j 1`` for `tqa check`
    and `tqa run` alike (bench/jobs.py), so there it is one."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if inputs is None:
        return cores
    return max(1, min(cores - 1, inputs // INPUTS_PER_WORKER))
