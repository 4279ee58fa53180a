"""Running the stages over many documents.

Documents go through in chunks: check and plan each one (in worker processes), send every
translation request of the chunk to the model together (deduplicated, one call), then
apply, verify, score and write the reports of each document (in the workers again), and
let it go. Memory is bounded by the chunk size, not by the number of documents. A
manifest records each finished article, so ``resume`` skips what is done.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .atomic import remove_stale_temps, write_atomic
from .checks import Check, build_checks, run_checks
from .document import Document, InputError, load_document
from .edits import Edit, apply_edits
from .findings import Finding, Severity
from .guard import judge_segments
from .ignore import IgnoreList, filter_findings, load_ignore
from .manifest import Manifest, file_hash, settings_hash
from .plan import DEFAULT_APPLY, Plan, join_translation, make_plan
from .result import ArticleResult, Skipped
from .score import compute_scores


@dataclass
class Settings:
    """Everything that decides a run's output (recorded in every report and the manifest)."""

    apply: frozenset[str] = DEFAULT_APPLY
    model: str = "Helsinki-NLP/opus-mt-zh-en"
    backend: str = "transformers"
    device: str = "auto"
    num_beams: int = 4
    max_length: int = 512
    batch_size: int = 16
    checks: dict[str, dict[str, Any]] = field(default_factory=dict)
    output_encoding: str | None = None
    ignore_file: Path | None = None  # accepted findings (review memory), not reported again
    guard: bool = True  # reject model output that is worse than the passage it replaces
    # How the run goes, not what it produces (left out of ``describe``):
    jobs: int = 1
    chunk_size: int = 64
    in_place: bool = False
    use_cache: bool = True
    cache_dir: Path | None = None  # None: $TQA_CACHE_DIR or the user cache folder

    def describe(self) -> dict[str, Any]:
        return {
            "tqa": __version__,
            "apply": sorted(self.apply),
            "model": self.model,
            "backend": self.backend,
            "num_beams": self.num_beams,
            "max_length": self.max_length,
            "checks": self.checks,
            "output_encoding": self.output_encoding,
            "ignore": _ignore_digest(self.ignore_file),
            "guard": self.guard,
        }


def _ignore_digest(path: Path | None) -> str | None:
    """The ignore list's content decides the findings, so its hash belongs to the settings."""
    if path is None or not path.is_file():
        return None
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


@dataclass
class Prepared:
    doc: Document
    findings: list[Finding]
    plan: Plan


@dataclass(frozen=True)
class Job:
    """One input of the batch and where its reports go."""

    path: Path
    stem: str
    reference: str | None = None


@dataclass
class Outcome:
    """One input's end: its summary row, or the one-line reason it failed."""

    job: Job
    row: dict[str, Any] | None = None
    error: str | None = None
    notices: list[str] = field(default_factory=list)
    worst: Severity | None = None  # the worst finding left in the cleaned text
    resumed: bool = False
    outputs: list[str] = field(default_factory=list)  # report files, relative to the output folder
    input_sha256: str | None = None  # of the input file as tqa left it (changed by --in-place)


def prepare(doc: Document, checks: list[Check], apply: frozenset[str], ignore: IgnoreList | None = None) -> Prepared:
    findings = filter_findings(run_checks(doc, checks), doc.text, ignore)
    return Prepared(doc, findings, make_plan(doc, findings, apply))


def finish(
    prep: Prepared,
    checks: list[Check],
    translations: dict[str, str] | None,
    settings: dict[str, Any],
    missing_model: str | None = None,
    reference: str | None = None,
    ignore: IgnoreList | None = None,
    guard: bool = True,
) -> ArticleResult:
    """Apply the plan (with the model's translations when there are any), verify and score."""
    doc, plan = prep.doc, prep.plan
    edits: list[Edit] = list(plan.edits)
    skipped = [Skipped(span, reason) for span, reason in plan.untranslatable]
    for request in plan.requests:
        if translations is None:
            skipped.append(Skipped(request.span, missing_model or "no translation model"))
            continue
        outputs = [translations[s] for s in request.segments]
        rejected = judge_segments(request.segments, outputs, checks) if guard else None
        if rejected:
            skipped.append(Skipped(request.span, rejected))
            continue
        replacement = join_translation(doc, request, outputs)
        edits.append(Edit(request.span, replacement, request.reason, "marian", "untranslated"))
    cleaned = apply_edits(doc.text, edits)
    after = filter_findings(run_checks(Document.from_text(cleaned), checks), cleaned, ignore)
    notices = []
    if plan.requests and translations is None:
        notices.append(f"passages not retranslated: {missing_model}")
    return ArticleResult(
        doc=doc,
        findings=prep.findings,
        applied=sorted(edits, key=lambda e: e.span),
        suggestions=plan.suggestions,
        skipped=sorted(skipped, key=lambda s: s.span),
        cleaned=cleaned,
        findings_after=after,
        scores=compute_scores(doc.text, prep.findings, cleaned, after, reference),
        settings=settings,
        notices=notices,
        output_encoding=settings.get("output_encoding"),
    )


class TranslatorSlot:
    """Loads the translator on first use only, so runs without Chinese never import torch."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.translator: Any = None
        self.cache: Any = None
        self.error: str | None = None

    def get(self) -> Any:
        if self.translator is None and self.error is None:
            from .translate import ModelUnavailable, load_translator

            s = self.settings
            try:
                self.translator = load_translator(
                    s.model, backend=s.backend, device=s.device, num_beams=s.num_beams,
                    max_length=s.max_length, batch_size=s.batch_size,
                )
            except (ModelUnavailable, ValueError) as err:
                self.error = str(err)
                return None
            if s.use_cache:
                from .translate.cache import CachedTranslator, TranslationCache

                self.cache = TranslationCache.in_dir(s.cache_dir)
                self.translator = CachedTranslator(self.translator, self.cache)
        return self.translator


def translate_chunk(preps: list[Prepared], slot: TranslatorSlot) -> dict[str, str] | None:
    """Translate every distinct segment of the chunk in one call; None when there is no model."""
    segments = sorted({s for p in preps for r in p.plan.requests for s in r.segments}, key=len)
    if not segments:
        return {}
    translator = slot.get()
    if translator is None:
        return None
    return dict(zip(segments, translator.translate(segments)))


# --- work done in the worker processes (or inline with one job) --------------------------

_WORKER: dict[str, Any] = {}


def _exit_with(parent: int) -> None:
    """End this worker when the main process is gone (even by SIGKILL), instead of lingering."""
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _init_worker(settings: Settings, out_dir: Path, parent: int | None = None) -> None:
    if parent is not None:
        _exit_with(parent)
    ignore = load_ignore(settings.ignore_file) if settings.ignore_file else None
    _WORKER.update(settings=settings, checks=build_checks(settings.checks), out_dir=out_dir, ignore=ignore)


def _prepare_job(job: Job) -> Prepared | str:
    try:
        return prepare(load_document(job.path), _WORKER["checks"], _WORKER["settings"].apply, _WORKER["ignore"])
    except InputError as err:
        return str(err)
    except Exception as err:  # a bug must cost one file, not the batch; the reason is kept
        return f"internal error while checking: {type(err).__name__}: {err}"


def _finish_job(job: Job, prep: Prepared, translations: dict[str, str] | None, run_settings: dict[str, Any], missing: str | None) -> Outcome:
    from .report import summary_row, write_article_reports

    settings: Settings = _WORKER["settings"]
    try:
        result = finish(
            prep, _WORKER["checks"], translations, run_settings, missing, job.reference, _WORKER["ignore"], settings.guard
        )
        outputs = write_article_reports(result, _WORKER["out_dir"], job.stem)
        written = _write_in_place(job.path, result) if settings.in_place else None
    except (OSError, InputError) as err:
        return Outcome(job, error=f"cannot write reports: {err}")
    except Exception as err:  # see _prepare_job
        return Outcome(job, error=f"internal error: {type(err).__name__}: {err}")
    worst = max((f.severity for f in result.findings_after), default=None, key=lambda s: s.rank)
    files = sorted(str(p.relative_to(_WORKER["out_dir"])) for p in outputs.values())
    return Outcome(job, summary_row(result, job.stem), None, result.notices, worst, False, files, written or result.doc.sha256)


def _write_in_place(path: Path, result: ArticleResult) -> str:
    """Replace the input with the cleaned text, keeping the first original as ``NAME.orig``."""
    import hashlib

    data = result.doc.encode(result.cleaned, result.output_encoding)
    backup = path.with_name(path.name + ".orig")
    if not backup.exists():
        write_atomic(backup, path.read_bytes())
    if data != result.doc.encode():
        write_atomic(path, data)
    return hashlib.sha256(data).hexdigest()


def _subset(translations: dict[str, str] | None, prep: Prepared) -> dict[str, str] | None:
    if translations is None:
        return None
    return {s: translations[s] for r in prep.plan.requests for s in r.segments}


class _Inline(Executor):
    """The executor for one job: runs in this process, no pickling."""

    def map(self, fn, *iterables, timeout=None, chunksize=1):  # type: ignore[no-untyped-def,override]
        return map(fn, *iterables)


def _chunks(items: list[Job], size: int) -> Iterator[list[Job]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def run_batch(
    paths: list[Path],
    stems: dict[Path, str],
    settings: Settings,
    out_dir: Path,
    references: Callable[[Path], str | None] = lambda _: None,
    resume: bool = False,
    fail_fast: bool = False,
    slot: TranslatorSlot | None = None,
) -> Iterator[Outcome]:
    """Process ``paths``, writing reports into ``out_dir``; yield each input's outcome as it is done.

    Pass a ``slot`` to see the translator (and its cache statistics) afterwards.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(out_dir)
    manifest = Manifest(out_dir)
    if resume:
        manifest.load()
    else:
        manifest.reset()
    described = settings.describe()
    fingerprint = settings_hash(described)
    slot = slot or TranslatorSlot(settings)
    jobs = [Job(p, stems[p], references(p)) for p in paths]
    workers = max(1, min(settings.jobs, len(jobs)))
    executor: Executor
    if workers > 1:
        executor = ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(settings, out_dir, os.getpid()))
    else:
        _init_worker(settings, out_dir)
        executor = _Inline()
    with executor:
        for chunk in _chunks(jobs, settings.chunk_size):
            todo: list[Job] = []
            for job in chunk:
                entry = manifest.finished(job.path, _hash_or_none(job.path), fingerprint) if resume else None
                if entry is not None:
                    yield Outcome(job, row=entry["row"], resumed=True, worst=_worst(entry), outputs=entry["outputs"])
                else:
                    todo.append(job)
            prepared = list(executor.map(_prepare_job, todo, chunksize=8))
            ready = [(job, prep) for job, prep in zip(todo, prepared) if isinstance(prep, Prepared)]
            for job, prep in zip(todo, prepared):
                if isinstance(prep, str):
                    yield Outcome(job, error=prep)
                    if fail_fast:
                        return
            translations = translate_chunk([p for _, p in ready], slot)
            run_settings = dict(described)
            if slot.translator is not None:
                run_settings["translator"] = slot.translator.signature
            outcomes = executor.map(
                _finish_job,
                [j for j, _ in ready],
                [p for _, p in ready],
                [_subset(translations, p) for _, p in ready],
                [run_settings] * len(ready),
                [slot.error] * len(ready),
            )
            for outcome in outcomes:
                if outcome.row is not None:
                    manifest.record({
                        "input": str(outcome.job.path),
                        "input_sha256": outcome.input_sha256,
                        "settings": fingerprint,
                        "outputs": outcome.outputs,
                        "worst": outcome.worst.value if outcome.worst else None,
                        "row": outcome.row,
                    })
                yield outcome
                if outcome.error and fail_fast:
                    return


def _hash_or_none(path: Path) -> str | None:
    try:
        return file_hash(path)
    except OSError:
        return None


def _worst(entry: dict[str, Any]) -> Severity | None:
    return Severity(entry["worst"]) if entry.get("worst") else None


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


