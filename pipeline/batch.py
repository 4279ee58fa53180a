"""Running the stages over many documents.

Documents go through in chunks: check and plan each one (in worker processes), send every
translation request of the chunk to the model together (deduplicated, one call), then
apply, verify, score and write the reports of each document (in the workers again), and
let it go. Memory is bounded by the chunk size, not by the number of documents. A
manifest records each finished article, so ``resume`` skips what is done.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from itertools import chain, islice
from pathlib import Path
from typing import Any

from . import __version__
from .atomic import remove_stale_temps, write_atomic
from .checks import Check, build_checks, run_checks
from .document import Document, InputError, load_document
from .edits import Edit, apply_edits, carry_span
from .findings import Finding, Severity, in_text_order
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
    retranslate: bool = True  # retranslate flagged sentences (from the original, else by round trip)
    round_trip_model: str = "Helsinki-NLP/opus-mt-en-zh"
    # How the run goes, not what it produces (left out of ``describe``):
    record_reports: bool = False  # per-record report files for corpus records (--reports)
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
            "retranslate": self.retranslate,
            "round_trip_model": self.round_trip_model if self.retranslate else None,
        }


def _ignore_digest(path: Path | None) -> str | None:
    """The ignore list's content decides the findings, so its hash belongs to the settings."""
    if path is None or not path.is_file():
        return None
    return file_hash(path)[:16]


@dataclass
class Prepared:
    doc: Document
    findings: list[Finding]
    plan: Plan
    pair: Any = None  # SourcePair, when the Chinese original is known
    retranslation: Any = None  # RetranslationResult, filled in by the main process
    notices: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Job:
    """One input of the batch and where its reports go: a text file, or one record of a
    corpus (``pipeline.io``) read from ``path``."""

    path: Path
    stem: str
    reference: str | None = None
    source: Path | None = None  # the Chinese original
    record: Any = None  # a ``pipeline.io.Record``

    @property
    def key(self) -> str:
        """The job's name in the manifest."""
        return str(self.path) if self.record is None else f"{self.path}#{self.record.id}"

    def input_hash(self) -> str | None:
        return _hash_or_none(self.path) if self.record is None else self.record.digest()

    def load(self) -> tuple[Document, Path | Document | None]:
        """The document and its original (a file, or the record's own field)."""
        if self.record is None:
            return load_document(self.path), self.source
        rec = self.record
        return Document.from_text(rec.text, self.key), Document.from_text(rec.source) if rec.source else None


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
    output: dict[str, Any] | None = None  # a record's cleaned text and ``tqa`` field


def prepare(
    doc: Document,
    checks: list[Check],
    apply: frozenset[str],
    ignore: IgnoreList | None = None,
    source: Path | Document | None = None,
    source_checks: list[Any] | None = None,
) -> Prepared:
    findings = run_checks(doc, checks)
    pair, notices = None, []
    if source is not None:
        from .source import SourceError, load_source, pair_documents, run_source_checks

        try:
            pair = pair_documents(doc, source if isinstance(source, Document) else load_source(source))
        except SourceError as err:
            notices.append(f"checked without its original: {err}")
        else:
            findings = in_text_order(findings + run_source_checks(pair, source_checks))
    findings = filter_findings(findings, doc.text, ignore)
    return Prepared(doc, findings, make_plan(doc, findings, apply), pair, notices=notices)


def finish(
    prep: Prepared,
    checks: list[Check],
    translations: dict[str, str] | None,
    settings: dict[str, Any],
    missing_model: str | None = None,
    reference: str | None = None,
    ignore: IgnoreList | None = None,
    guard: bool = True,
    source_checks: list[Any] | None = None,
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
    findings, suggestions, notices = list(prep.findings), list(plan.suggestions), list(prep.notices)
    retranslations: list[dict[str, Any]] = []
    if prep.retranslation is not None:
        from .retranslate import merge_edits

        rt = prep.retranslation
        findings = in_text_order(findings + filter_findings(rt.findings, doc.text, ignore))
        accepted, proposed = rt.edits()
        if "marian" in settings.get("apply", ()):
            edits, displaced = merge_edits(edits, accepted)
            suggestions += displaced
        else:
            suggestions += accepted
        suggestions = sorted(suggestions + proposed, key=lambda e: e.span)
        retranslations = rt.to_dict()
        notices += rt.notices
    cleaned = apply_edits(doc.text, edits)
    cleaned_doc = Document.from_text(cleaned)
    after = run_checks(cleaned_doc, checks)
    if prep.pair is not None:  # the original's checks again, on the cleaned text
        from .source import pair_documents, run_source_checks

        after = in_text_order(after + run_source_checks(pair_documents(cleaned_doc, prep.pair.zh), source_checks))
    after = filter_findings(after, cleaned, ignore)
    if prep.retranslation is not None:
        # model-made findings cannot be re-run on the cleaned text: carry over those no edit
        # touched, so the before/after scores count the same checks
        carried = [replace(f, span=span) for f in filter_findings(prep.retranslation.findings, doc.text, ignore)
                   if (span := carry_span(f.span, edits)) is not None]
        after = in_text_order(after + carried)
    if plan.requests and translations is None:
        notices.append(f"passages not retranslated: {missing_model}")
    return ArticleResult(
        doc=doc,
        findings=findings,
        applied=sorted(edits, key=lambda e: e.span),
        suggestions=suggestions,
        skipped=sorted(skipped, key=lambda s: s.span),
        cleaned=cleaned,
        findings_after=after,
        scores=compute_scores(doc.text, findings, cleaned, after, reference),
        settings=settings,
        notices=notices,
        output_encoding=settings.get("output_encoding"),
        retranslations=retranslations,
        source=prep.pair.to_dict() if prep.pair is not None else None,
    )


class TranslatorSlot:
    """Loads the translator on first use only, so runs without Chinese never import torch."""

    def __init__(self, settings: Settings, model: str | None = None) -> None:
        self.settings = settings
        self.model = model or settings.model
        self.translator: Any = None
        self.cache: Any = None
        self.error: str | None = None

    def get(self) -> Any:
        if self.translator is None and self.error is None:
            from .translate import ModelUnavailable, load_translator

            s = self.settings
            try:
                self.translator = load_translator(
                    self.model, backend=s.backend, device=s.device, num_beams=s.num_beams,
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


def _init_worker(settings: Settings, out_dir: Path | None, parent: int | None = None) -> None:
    if parent is not None:
        _exit_with(parent)
    ignore = load_ignore(settings.ignore_file) if settings.ignore_file else None
    from .source import build_source_checks

    _WORKER.update(settings=settings, checks=build_checks(settings.checks), out_dir=out_dir, ignore=ignore,
                   source_checks=build_source_checks(settings.checks))


def _prepare_job(job: Job) -> Prepared | str:
    try:
        doc, source = job.load()
        return prepare(doc, _WORKER["checks"], _WORKER["settings"].apply, _WORKER["ignore"], source, _WORKER["source_checks"])
    except InputError as err:
        return str(err)
    except Exception as err:  # a bug must cost one file, not the batch; the reason is kept
        return f"internal error while checking: {type(err).__name__}: {err}"


def _finish_job(job: Job, prep: Prepared, translations: dict[str, str] | None, run_settings: dict[str, Any], missing: str | None) -> Outcome:
    from .report import summary_row, write_article_reports

    settings: Settings = _WORKER["settings"]
    try:
        result = finish(
            prep, _WORKER["checks"], translations, run_settings, missing, job.reference, _WORKER["ignore"], settings.guard,
            _WORKER["source_checks"],
        )
        output = None
        if job.record is not None:
            from .io.corpus import record_output

            # the settings' digest as the manifest has it: the same whether or not this chunk loaded the model
            output = record_output(result, settings_hash({k: v for k, v in run_settings.items() if k != "translator"}))
        outputs = write_article_reports(result, _WORKER["out_dir"], job.stem) if job.record is None or settings.record_reports else {}
        written = _write_in_place(job.path, result) if settings.in_place and job.record is None else None
    except UnicodeEncodeError as err:
        return Outcome(job, error=f"the cleaned text cannot be written in {err.encoding}: {err.object[err.start:err.end]!r} at {err.start}; choose another --output-encoding")
    except (OSError, InputError) as err:
        return Outcome(job, error=f"cannot write reports: {err}")
    except Exception as err:  # see _prepare_job
        return Outcome(job, error=f"internal error: {type(err).__name__}: {err}")
    worst = max((f.severity for f in result.findings_after), default=None, key=lambda s: s.rank)
    files = sorted(str(p.relative_to(_WORKER["out_dir"])) for p in outputs.values())
    return Outcome(job, summary_row(result, job.stem), None, result.notices, worst, False, files,
                   written or result.doc.sha256 or job.input_hash(), output)


def _write_in_place(path: Path, result: ArticleResult) -> str:
    """Replace the input with the cleaned text, keeping the first original as ``NAME.orig``."""
    import hashlib

    data = result.doc.encode(result.cleaned, result.output_encoding)
    path = Path(os.path.realpath(path))  # a symlinked input: clean the file it points to, keep the link
    mode = path.stat().st_mode & 0o7777
    backup = path.with_name(path.name + ".orig")
    if not backup.exists():
        write_atomic(backup, path.read_bytes())
        os.chmod(backup, mode)
    if data != result.doc.encode():
        write_atomic(path, data)
        os.chmod(path, mode)  # the user's permissions, not the umask's
    return hashlib.sha256(data).hexdigest()


def _subset(translations: dict[str, str] | None, prep: Prepared) -> dict[str, str] | None:
    if translations is None:
        return None
    return {s: translations[s] for r in prep.plan.requests for s in r.segments}


class _Inline(Executor):
    """The executor for one job: runs in this process, no pickling."""

    def map(self, fn, *iterables, timeout=None, chunksize=1):  # type: ignore[no-untyped-def,override]
        return map(fn, *iterables)


def _executor(settings: Settings, out_dir: Path | None, inputs: int) -> Executor:
    """Worker processes for ``settings.jobs`` (no more than there are inputs), or this process."""
    workers = max(1, min(settings.jobs, inputs))
    if workers > 1:
        return ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(settings, out_dir, os.getpid()))
    _init_worker(settings, out_dir)
    return _Inline()


def check_batch(
    paths: list[Path], settings: Settings, sources: Callable[[Path], Path | None] = lambda _: None
) -> Iterator[tuple[Path, Prepared | str]]:
    """Check ``paths`` (in worker processes with ``settings.jobs``), in order: each input's
    prepared findings, or the one-line reason it could not be read."""
    jobs = (Job(p, p.name, None, sources(p)) for p in paths)
    for job, prep in check_jobs(jobs, settings, len(paths)):
        yield job.path, prep


def check_jobs(jobs: Iterable[Job], settings: Settings, count: int) -> Iterator[tuple[Job, Prepared | str]]:
    """``check_batch`` for any jobs (corpus records too), streamed chunk by chunk."""
    with _executor(settings, None, count) as executor:
        for chunk in _chunks(jobs, settings.chunk_size):
            yield from zip(chunk, executor.map(_prepare_job, chunk, chunksize=8))


def _chunks(items: Iterable[Job], size: int) -> Iterator[list[Job]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


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
) -> Iterator[Outcome]:
    """Process ``paths``, then the corpus ``records`` (``count`` of them), writing reports into
    ``out_dir``; yield each input's outcome as it is done, in input order.

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
    checks = build_checks(settings.checks)
    round_trip = TranslatorSlot(settings, settings.round_trip_model)
    # references are read chunk by chunk, like the inputs: memory follows the chunk
    jobs = chain((Job(p, stems[p], references(p), sources(p)) for p in paths), records)
    with _executor(settings, out_dir, len(paths) + count) as executor:
        for chunk in _chunks(jobs, settings.chunk_size):
            todo: list[Job] = []
            for job in chunk:
                entry = manifest.finished(job.key, job.input_hash(), fingerprint, job.stem) if resume else None
                if entry is not None:
                    yield Outcome(job, row=entry["row"], resumed=True, worst=_worst(entry), outputs=entry["outputs"],
                                  output=entry.get("record"))
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
            if settings.retranslate:
                retranslate_chunk(ready, checks, slot, round_trip)
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
                        "input": outcome.job.key,
                        "input_sha256": outcome.input_sha256,
                        "settings": fingerprint,
                        "outputs": outcome.outputs,
                        "worst": outcome.worst.value if outcome.worst else None,
                        "row": outcome.row,
                        **({"record": outcome.output} if outcome.output is not None else {}),
                    })
                yield outcome
                if outcome.error and fail_fast:
                    return


class ChunkMemo:
    """A translator that remembers its answers for one chunk.

    The chunk's sentences go to the model together first (one batched call per direction);
    the per-article retranslation steps then find their sentences here, with or without
    the persistent cache.
    """

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.memo: dict[str, str] = {}

    @property
    def signature(self) -> dict[str, Any]:
        return self.inner.signature

    def translate(self, texts: list[str]) -> list[str]:
        missing = [t for t in dict.fromkeys(texts) if t not in self.memo]
        if missing:
            self.memo.update(zip(missing, self.inner.translate(missing)))
        return [self.memo[t] for t in texts]


def retranslate_chunk(
    ready: list[tuple[Job, Prepared]], checks: list[Check], slot: TranslatorSlot, round_trip: TranslatorSlot
) -> None:
    """Flagged sentences of a chunk: proposals from the original or by round trip, each with
    its decision, stored on each ``Prepared``. Runs in the main process, which holds the
    models; a model loads only when a sentence needs it."""
    from .retranslate import ROUND_TRIP, SOURCE, plan_retranslations, retranslate
    from .retranslate import round_trip as translate_both_ways

    wanted = {id(prep): plan_retranslations(prep.doc, prep.findings, prep.pair) for _, prep in ready}
    todo = [(job, prep) for job, prep in ready if wanted[id(prep)] or prep.pair is not None]
    if not todo:
        return
    zh_en = slot.get()
    if zh_en is None:
        for _, prep in todo:
            if wanted[id(prep)]:
                prep.notices.append(f"flagged sentences not retranslated: {slot.error}")
        return
    zh_en = ChunkMemo(zh_en)
    requests = [r for _, prep in todo for r in wanted[id(prep)]]
    zh_en.translate(sorted({s for r in requests if r.mechanism == SOURCE for s in r.segments}, key=len))
    english = sorted({r.segments[0] for r in requests if r.mechanism == ROUND_TRIP}, key=len)
    en_zh = round_trip.get() if english else None
    if en_zh is not None:
        en_zh = ChunkMemo(en_zh)
        translate_both_ways(english, en_zh, zh_en)
    for job, prep in todo:
        prep.retranslation = retranslate(
            prep.doc, prep.findings, pair=prep.pair, zh_en=zh_en, en_zh=en_zh, checks=checks,
            reference=job.reference, edits=prep.plan.edits,
        )


def _hash_or_none(path: Path) -> str | None:
    try:
        return file_hash(path)
    except OSError:
        return None


def _worst(entry: dict[str, Any]) -> Severity | None:
    return Severity(entry["worst"]) if entry.get("worst") else None


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


