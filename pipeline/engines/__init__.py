"""Engines run the stages of ``pipeline.stages.batch`` over many inputs.

An engine has one method, ``run(jobs, count, settings, out_dir, resume, fail_fast, slot)``,
that yields each job's ``Outcome`` in input order; ``tqa run`` holds the output lock
around it and turns the outcomes into the batch-wide files. ``local`` runs
worker processes on this machine; ``ray`` runs the same stage functions on a Ray cluster
(``pip install "tqa[ray]"``). Same inputs and settings, same bytes out.
"""

from __future__ import annotations

from typing import Any

ENGINES = ("local", "ray")


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
