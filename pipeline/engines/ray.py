"""The Ray engine: the same stage functions as the local engine, on a Ray cluster (Ray Data).

    work list (driver) ─► check + plan ─► translate ─────────────► apply, verify, score, write
    id + pickled job      map_batches     map_batches, a callable   map_batches (CPU tasks)
    (a file's path, or    (CPU tasks)     class on an actor pool:   ─► outcomes, streamed back
     a corpus record)                     the model loads once      to the driver in input order
                                          per actor

Blocks are chunks of ``settings.chunk_size`` jobs, and every stage keeps them whole, so the
translator sees the same chunks as on the local engine and the outputs are the same bytes.
The driver runs ``Engine.run``'s loop: it keeps tqa's manifest (``--resume`` skips what it
lists), launches a window of the rest as one dataset and hands each outcome on as its chunk
is committed; the CLI writes the batch-wide files from those outcomes, as with the local
engine. Reports are written by the tasks into ``--out``, which every node must see (a
shared folder).
"""

from __future__ import annotations

import pickle
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pipeline.core.settings import Settings
from pipeline.engines.base import Engine, Launch
from pipeline.stages import worker
from pipeline.stages.batch import Verdicts
from pipeline.stages.job import Job, Outcome, Prepared
from pipeline.stages.translate import Stages, TranslatorSlot

# jobs handed to Ray per dataset: the driver holds at most this many (a corpus's records);
# each is a dataset of its own, so the actors load the models once per window
WINDOW = 16384
# a translator actor's own resource request, beside its CPUs: the model's memory. Being
# different from the CPU tasks' request also keeps Ray from fusing them into the actor.
ACTOR_MEMORY = 1 << 30


class RayEngine(Engine):
    name = "ray"

    def __init__(
        self, address: str | None = None, actors: tuple[int, int] = (1, 1), gpus_per_actor: float = 0.0
    ) -> None:
        self.address, self.actors, self.gpus_per_actor = address, actors, gpus_per_actor

    def window(self, settings: Settings) -> int:
        return WINDOW

    @contextmanager
    def started(self, settings: Settings, out_dir: Path, count: int, slot: TranslatorSlot) -> Iterator[Launch]:
        import ray

        from pipeline.stages.batch import batch_index

        # decided on the driver, in input order, before a window is launched (the tasks check
        # in any order and finish without coming back): the ignore list is applied in the tasks
        self.batch, self.encoding = batch_index(settings.checks, count), settings.encoding
        started = not ray.is_initialized()
        if started:
            context = ray.init(address=self.address, log_to_driver=False)
            url = getattr(context, "dashboard_url", None)
            if url:
                print(f"tqa: Ray dashboard at http://{url}", file=sys.stderr)
        cache = _DriverCache(settings)
        try:
            yield lambda todo: self._outcomes(list(enumerate(todo)), settings, out_dir, cache)
        finally:
            cache.close()
            if started:
                ray.shutdown()

    def _outcomes(
        self, todo: list[tuple[int, Job]], settings: Settings, out_dir: Path, cache: _DriverCache
    ) -> Iterator[Outcome]:
        """The outcomes of ``todo``, in its order, computed on the cluster."""
        import ray.data
        from ray.data import ActorPoolStrategy, DataContext

        ctx = DataContext.get_current()
        ctx.execution_options.preserve_order = True  # outcomes come back in input order
        ctx.enable_progress_bars = sys.stderr.isatty()
        size = settings.chunk_size
        verdicts = self._verdicts(todo, settings)
        work = [(i, (job, found)) for (i, job), found in zip(todo, verdicts)]
        blocks = [_table(work[k : k + size]) for k in range(0, len(work), size)]
        lo, hi = self.actors
        ds = (
            ray.data.from_arrow(blocks)
            .map_batches(
                _check_and_plan, batch_format="pyarrow", batch_size=size, num_cpus=1, fn_kwargs={"settings": settings}
            )
            .map_batches(
                _Translate,
                batch_format="pyarrow",
                batch_size=size,
                fn_constructor_kwargs={"settings": settings},
                compute=ActorPoolStrategy(min_size=lo, max_size=hi),
                num_cpus=settings.threads,
                num_gpus=self.gpus_per_actor,
                memory=ACTOR_MEMORY,
            )
            .map_batches(
                _finish,
                batch_format="pyarrow",
                batch_size=size,
                num_cpus=1,
                fn_kwargs={"settings": settings, "out_dir": out_dir},
            )
        )
        expected = 0
        for table in ds.iter_batches(batch_format="pyarrow", batch_size=None):
            cache.merge(table)
            for i, blob in zip(table["i"].to_pylist(), table["work"].to_pylist()):
                if i != todo[expected][0]:
                    raise RuntimeError(f"ray engine: outcome {i} arrived where {todo[expected][0]} was due")
                expected += 1
                yield pickle.loads(blob)

    def _verdicts(self, todo: list[tuple[int, Job]], settings: Settings) -> list[Verdicts]:
        """What the batch checks say of each input: the tasks measure the signatures, each
        reading its own input (a text file's path travels, not its bytes), and the driver
        decides in input order. A first pass over the window, so no task waits for another:
        the inputs are read twice, by the tasks, and never by the driver."""
        if self.batch is None:
            return [{} for _ in todo]
        import ray.data

        size = settings.chunk_size
        blocks = [_table(todo[k : k + size]) for k in range(0, len(todo), size)]
        kwargs = {"checks": self.batch.checks, "encoding": settings.encoding}
        ds = ray.data.from_arrow(blocks).map_batches(
            _sign, batch_format="pyarrow", batch_size=size, num_cpus=1, fn_kwargs=kwargs
        )
        signatures = dict(
            pair for table in ds.iter_batches(batch_format="pyarrow", batch_size=None) for pair in _rows(table)
        )
        return [self.batch.add(job.key, signatures.get(i, {})) for i, job in todo]


def _sign(table: Any, checks: list[Any], encoding: str | None) -> Any:
    from pipeline.stages.batch import measure_job

    return _table([(i, measure_job(checks, job, encoding)) for i, job in _rows(table)])


def _table(rows: list[tuple[int, Any]]) -> Any:
    import pyarrow as pa

    return pa.table(
        {
            "i": pa.array([i for i, _ in rows], pa.int64()),
            "work": pa.array([pickle.dumps(w, pickle.HIGHEST_PROTOCOL) for _, w in rows], pa.binary()),
        }
    )


def _rows(table: Any) -> list[tuple[int, Any]]:
    return [(i, pickle.loads(b)) for i, b in zip(table["i"].to_pylist(), table["work"].to_pylist())]


_READY: dict[str, Any] = {}


def _worker(settings: Settings, out_dir: Path | None) -> None:
    """Build the stage functions' state once per Ray worker process, with one thread each."""
    key = repr((settings, out_dir))  # by value: the same settings in another pickle are the same
    if _READY.get("key") != key:
        worker.pin_threads()
        worker.init_worker(settings, out_dir)
        _READY["key"] = key


def _check_and_plan(table: Any, settings: Settings) -> Any:
    _worker(settings, None)
    return _table([(i, (job, worker.prepare_decided(job, found))) for i, (job, found) in _rows(table)])


class _Translate:
    """The translation actor: holds the models (loaded on first use, once per actor)."""

    def __init__(self, settings: Settings) -> None:
        self.stages = Stages(settings, TranslatorSlot(settings))
        if settings.use_cache:
            from pipeline.translate.cache import start_journal

            start_journal()  # the pairs go back to the driver with the results (see _DriverCache)

    def __call__(self, table: Any) -> Any:
        rows = _rows(table)
        ready = [(job, prep) for _, (job, prep) in rows if isinstance(prep, Prepared)]
        translations, run_settings = self.stages.translate(ready)
        by_job = {id(prep): t for (_, prep), t in zip(ready, translations)}
        missing = self.stages.slot.error
        return _with_pairs(
            _table([(i, (job, prep, by_job.get(id(prep)), run_settings, missing)) for i, (job, prep) in rows])
        )


def _finish(table: Any, settings: Settings, out_dir: Path) -> Any:
    _worker(settings, out_dir)
    outcomes = []
    for i, (job, prep, translations, run_settings, missing) in _rows(table):
        if isinstance(prep, str):
            outcomes.append((i, Outcome(job, error=prep)))
        else:
            outcomes.append((i, worker.finish_job(job, prep, translations, run_settings, missing)))
    return _carry_pairs(table, _table(outcomes))


# --- the translation cache across nodes ----------------------------------------------------
# Each node's SQLite cache stays on that node; an actor's journal of the pairs its cache
# answered or stored rides back to the driver in a "pairs" column (on a batch's first row),
# and the driver stores them in the user's cache as the results arrive.


def _with_pairs(table: Any) -> Any:
    import pyarrow as pa

    from pipeline.translate.cache import take_journal

    journal = take_journal()
    cells = [b""] * table.num_rows
    if journal and cells:
        cells[0] = pickle.dumps(journal, pickle.HIGHEST_PROTOCOL)
    return table.append_column("pairs", pa.array(cells, pa.binary()))


def _carry_pairs(source: Any, table: Any) -> Any:
    if "pairs" not in source.column_names:
        return table
    return table.append_column("pairs", source["pairs"])


class _DriverCache:
    """The user's cache on the driver, filled from the actors' journals (with --no-cache: nothing)."""

    def __init__(self, settings: Settings) -> None:
        self.settings, self.cache, self.count = settings, None, 0

    def merge(self, table: Any) -> None:
        if not self.settings.use_cache or "pairs" not in table.column_names:
            return
        from pipeline.translate.cache import TranslationCache, merge_pairs

        for cell in table["pairs"].to_pylist():
            if cell:
                if self.cache is None:
                    self.cache = TranslationCache.in_dir(self.settings.cache_dir)
                self.count += merge_pairs(self.cache, pickle.loads(cell))

    def close(self) -> None:
        if self.cache is None:
            return
        self.cache.close()
        state = (
            f"{self.count} translation(s) from the cluster stored" if self.cache.enabled else f"off: {self.cache.error}"
        )
        print(f"tqa: translation cache {state} ({self.cache.path})", file=sys.stderr)
