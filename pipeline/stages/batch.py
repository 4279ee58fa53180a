"""The stages over many documents, and ``run_batch``, which hands them to an engine.

Documents go through in chunks: check and plan each one (``_prepare_job``), send every
translation request of the chunk to the model together (``Stages.translate``:
deduplicated, one call per model), then apply, verify, score and write the reports of each
document (``_finish_job``), and let it go. Memory is bounded by the chunk size, not by the
number of documents. A manifest records each finished article, so ``resume`` skips what
is done. Where each stage runs is the engine's business (``pipeline.engines``).
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import chain
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.checks import Check, build_checks, run_checks
from pipeline.core.document import Document, InputError
from pipeline.core.edits import Edit, apply_edits, carry_span
from pipeline.core.findings import Finding, Severity, in_text_order
from pipeline.core.languages import Router
from pipeline.core.result import ArticleResult, Skipped
from pipeline.review.ignore import IgnoreList, filter_findings, load_ignore
from pipeline.stages.manifest import Manifest, file_hash, settings_hash
from pipeline.stages.plan import DEFAULT_APPLY, Plan, join_translation, make_plan
from pipeline.stages.recheck import recheck
from pipeline.stages.score import compute_scores
from pipeline.translate.cache_tally import CacheTally
from pipeline.translate.guard import judge_segments
from pipeline.translate.pool import ModelPool, Translations
from pipeline.util.atomic import remove_stale_temps, sync_folder, write_atomic
from pipeline.util.reading import path_text

UNGUARDED = "applied with --no-guard"  # notices counted separately in the terminal summary
GUARD_PREFIX = "translation rejected"  # how guard.judge_segments starts every rejection


@dataclass
class Settings:
    """Everything that decides a run's output (recorded in every report and the manifest)."""

    apply: frozenset[str] = DEFAULT_APPLY
    model: str = "Helsinki-NLP/opus-mt-zh-en"  # the Chinese model
    models: dict[str, str] = field(default_factory=dict)  # other languages' models (default opus-mt-{lang}-en)
    fallback_model: str | None = None  # for a language whose own model is missing (opt-in: opus-mt-mul-en)
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
    encoding: str | None = None  # --encoding: read every input so (None: detect)
    reports: frozenset[str] | None = None  # --reports: what is written (None: everything)
    # How the run goes, not what it produces (left out of ``describe``):
    record_reports: bool = False  # per-record report files for corpus records (--reports)
    jobs: int = 1
    threads: int = 1  # intra-op threads of the model (workers always get one)
    chunk_size: int = 64
    in_place: bool = False
    follow_links: bool = False  # --in-place may rewrite what a symlink points to outside its folder
    use_cache: bool = True
    cache_dir: Path | None = None  # None: $TQA_CACHE_DIR or the user cache folder

    def router(self) -> Router:
        return Router({**self.models, "zh": self.model}, self.fallback_model)

    def describe(self) -> dict[str, Any]:
        routing = {"models": dict(sorted(self.models.items()))} if self.models else {}
        if self.fallback_model:
            routing["fallback_model"] = self.fallback_model
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
            **routing,  # only when set: the settings of a Chinese-only run are as before
            **({"encoding": self.encoding} if self.encoding else {}),
            **({"reports": sorted(self.reports)} if self.reports is not None else {}),
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
    hidden: int = 0  # findings the ignore list covered


@dataclass(frozen=True)
class Job:
    """One input of the batch and where its reports go: a text file, or one record of a
    corpus (``pipeline.io``) read from ``path``."""

    path: Path
    stem: str
    reference: str | None = None
    source: Path | None = None  # the Chinese original
    record: Any = None  # a ``pipeline.io.Record``
    data: bytes | None = None  # the input's bytes when they do not come from ``path`` (``tqa check -``)

    @property
    def key(self) -> str:
        """The job's name in the manifest (and the findings export)."""
        return path_text(self.path) if self.record is None else f"{path_text(self.path)}#{self.record.id}"

    def input_hash(self) -> str | None:
        return _hash_or_none(self.path) if self.record is None else self.record.digest()

    def load(self, encoding: str | None = None) -> tuple[Document, Path | Document | None, list[str]]:
        """The document, its original (a file, or the record's own field) and warnings about
        the decoding (``encoding``: --encoding for files; a record is text already)."""
        if self.record is None:
            from pipeline.io.encoding import read_document

            doc, warnings = read_document(self.path, encoding, data=self.data)
            return doc, self.source, warnings
        rec = self.record
        return Document.from_text(rec.text, self.key), Document.from_text(rec.source) if rec.source else None, []


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
    hidden: int = 0  # findings the ignore list covered
    remaining: dict[str, int] = field(default_factory=dict)  # "severity check" -> count left in the cleaned text
    guard_rejected: list[str] = field(default_factory=list)  # one reason per translation the guard rejected
    unguarded: list[str] = field(default_factory=list)  # with --no-guard: reasons the guard would have rejected
    export: list[dict[str, Any]] = field(default_factory=list)  # rows of the batch's findings export
    output: dict[str, Any] | None = None  # a record's cleaned text and ``tqa`` field


def prepare(
    doc: Document,
    checks: list[Check],
    apply: frozenset[str],
    ignore: IgnoreList | None = None,
    source: Path | Document | None = None,
    source_checks: list[Any] | None = None,
    router: Router | None = None,
) -> Prepared:
    findings = run_checks(doc, checks)
    pair, notices = None, []
    if doc.replaced:
        notices.append(f"{doc.replaced} byte sequence(s) not valid UTF-8, read as U+FFFD (the rest is UTF-8)")
    if source is not None:
        from pipeline.original.source import SourceError, load_source, pair_documents, run_source_checks

        try:
            pair = pair_documents(doc, source if isinstance(source, Document) else load_source(source))
        except SourceError as err:
            notices.append(f"checked without its original: {err}")
        else:
            findings = in_text_order(findings + run_source_checks(pair, source_checks))
    hidden = 0
    if ignore is not None and ignore.entries:
        findings, ignored = ignore.split(findings, doc.text)
        hidden = len(ignored)
    return Prepared(doc, findings, make_plan(doc, findings, apply, router), pair, notices=notices, hidden=hidden)


def finish(
    prep: Prepared,
    checks: list[Check],
    translations: Translations | None,
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
    not_translated: list[str] = []
    unguarded: list[str] = []
    for request in plan.requests:
        if translations is None:
            outputs: list[str] | str = missing_model or "no translation model"
        else:  # the outputs, or why this passage's model could not translate it
            outputs = translations.lookup(request.model, request.segments)
        if isinstance(outputs, str):
            skipped.append(Skipped(request.span, outputs))
            not_translated += [outputs] if outputs not in not_translated else []
            continue
        rejected = judge_segments(request.segments, outputs, checks, request.language)
        if rejected and guard:
            skipped.append(Skipped(request.span, rejected))
            continue
        if rejected:
            unguarded.append(rejected)
        replacement = join_translation(doc, request, outputs)
        model = translations.used.get(request.model, request.model) if translations is not None else request.model
        edits.append(Edit(request.span, replacement, f"{request.reason} ({model})", "marian", "untranslated"))
    findings, suggestions, notices = list(prep.findings), list(plan.suggestions), list(prep.notices)
    retranslations: list[dict[str, Any]] = []
    if prep.retranslation is not None:
        from pipeline.stages.retranslate import merge_edits

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
    cleaned_doc, after = recheck(doc, prep.findings, cleaned, edits, checks)
    if prep.pair is not None:  # the original's checks again, on the cleaned text
        from pipeline.original.source import pair_documents, run_source_checks

        after = in_text_order(after + run_source_checks(pair_documents(cleaned_doc, prep.pair.zh), source_checks))
    after = filter_findings(after, cleaned, ignore)
    if prep.retranslation is not None:
        # model-made findings cannot be re-run on the cleaned text: carry over those no edit
        # touched, so the before/after scores count the same checks
        carried = [
            replace(f, span=span)
            for f in filter_findings(prep.retranslation.findings, doc.text, ignore)
            if (span := carry_span(f.span, edits)) is not None
        ]
        after = in_text_order(after + carried)
    notices += [f"passages not retranslated: {reason}" for reason in not_translated]
    notices += [f"applied with --no-guard although the guard rejects it: {reason}" for reason in unguarded]
    return ArticleResult(
        doc=doc,
        findings=findings,
        applied=sorted(edits, key=lambda e: e.span),
        suggestions=suggestions,
        skipped=sorted(skipped, key=lambda s: s.span),
        cleaned=cleaned,
        findings_after=after,
        scores=compute_scores(doc.text, findings, cleaned, after, reference, edits),
        settings=settings,
        notices=notices,
        output_encoding=settings.get("output_encoding"),
        retranslations=retranslations,
        source=prep.pair.to_dict() if prep.pair is not None else None,
        source_text=prep.pair.zh.text if prep.pair is not None else None,
        unguarded=unguarded,
    )


class PooledModel:
    """A model of ``pool`` used like a ``TranslatorSlot``: loaded on the first ``get()``."""

    def __init__(self, pool: ModelPool, model: str) -> None:
        self.pool, self.model = pool, model

    def get(self) -> Any:
        return self.pool.get(self.model)


class TranslatorSlot:
    """Loads the translator on first use only, so runs without Chinese never import torch."""

    def __init__(self, settings: Settings, model: str | None = None, tally: CacheTally | None = None) -> None:
        self.settings = settings
        self.model = model or settings.model
        self.translator: Any = None
        self.cache: Any = None
        self.error: str | None = None
        self.tally = tally if tally is not None else CacheTally()  # shared by the run's slots

    def get(self) -> Any:
        if self.translator is None and self.error is None:
            from pipeline.translate import ModelUnavailable, load_translator

            s = self.settings
            try:
                self.translator = load_translator(
                    self.model,
                    backend=s.backend,
                    device=s.device,
                    num_beams=s.num_beams,
                    max_length=s.max_length,
                    batch_size=s.batch_size,
                    threads=s.threads,
                )
            except (ModelUnavailable, ValueError) as err:
                self.error = str(err)
                return None
            if s.use_cache:
                from pipeline.translate.cache import CachedTranslator, TranslationCache

                self.cache = TranslationCache.in_dir(s.cache_dir)
                self.translator = CachedTranslator(self.translator, self.cache)
                self.tally.count(self.model, self.translator)
        return self.translator


def model_pool(settings: Settings, slot: TranslatorSlot) -> ModelPool:
    """The run's models by language; ``slot`` (the Chinese model) is kept loaded throughout."""
    return ModelPool(
        lambda model: TranslatorSlot(settings, model, slot.tally),
        {slot.model: slot},
        fallback=settings.fallback_model,
        router=settings.router(),
    )


def translate_chunk(preps: list[Prepared], pool: ModelPool) -> Translations:
    """Translate every distinct segment of the chunk: one call per model."""
    return pool.translate(r for p in preps for r in p.plan.requests)


# --- work done in the worker processes (or inline with one job) --------------------------

_WORKER: dict[str, Any] = {}


def _pin_threads() -> None:
    """One thread per worker process: N workers each running torch's or BLAS's default
    thread pool on N cores spent 3-4x the CPU time (200 articles: 116-138 CPU-s against 36)."""
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[name] = "1"
    torch = sys.modules.get("torch")  # inherited through fork: pin it too; never import it here
    if torch is not None:
        torch.set_num_threads(1)


def _init_worker(settings: Settings, out_dir: Path | None) -> None:
    """What the stage functions below need, built once per process (or per engine task)."""
    ignore = load_ignore(settings.ignore_file) if settings.ignore_file else None
    from pipeline.original.source import build_source_checks

    _WORKER.update(
        settings=settings,
        checks=build_checks(settings.checks),
        out_dir=out_dir,
        ignore=ignore,
        source_checks=build_source_checks(settings.checks),
        router=settings.router(),
    )


def _prepare_job(job: Job) -> Prepared | str:
    try:
        doc, source, warnings = job.load(_WORKER["settings"].encoding)
        prep = prepare(
            doc,
            _WORKER["checks"],
            _WORKER["settings"].apply,
            _WORKER["ignore"],
            source,
            _WORKER["source_checks"],
            _WORKER["router"],
        )
        prep.notices[:0] = warnings
        return prep
    except InputError as err:
        return str(err)
    except Exception as err:  # a bug must cost one file, not the batch; the reason is kept
        return f"internal error while checking: {type(err).__name__}: {err}"


def _finish_job(
    job: Job, prep: Prepared, translations: Translations | None, run_settings: dict[str, Any], missing: str | None
) -> Outcome:
    from pipeline.report import summary_row, write_article_reports
    from pipeline.report.export import rows_from_report
    from pipeline.report.json_report import located

    settings: Settings = _WORKER["settings"]
    try:
        result = finish(
            prep,
            _WORKER["checks"],
            translations,
            run_settings,
            missing,
            job.reference,
            _WORKER["ignore"],
            settings.guard,
            _WORKER["source_checks"],
        )
        output = None
        if job.record is not None:
            from pipeline.stages.corpus import record_output

            # the settings' digest as the manifest has it: the same whether or not this chunk loaded the model
            output = record_output(result, settings_hash({k: v for k, v in run_settings.items() if k != "translator"}))
        wants_reports = job.record is None or settings.record_reports
        # synced per chunk, not per file
        outputs = (
            write_article_reports(result, _WORKER["out_dir"], job.stem, settings.reports, durable=False)
            if wants_reports
            else {}
        )
        written = (
            _write_in_place(job.path, result, settings.follow_links)
            if settings.in_place and job.record is None
            else None
        )
    except InPlaceRefused as err:
        return Outcome(job, error=str(err))
    except UnicodeEncodeError as err:
        return Outcome(
            job,
            error=f"the cleaned text cannot be written in {err.encoding}: {err.object[err.start : err.end]!r} at {err.start}; choose another --output-encoding",
        )
    except (OSError, InputError) as err:
        return Outcome(job, error=f"cannot write reports: {err}")
    except Exception as err:  # see _prepare_job
        return Outcome(job, error=f"internal error: {type(err).__name__}: {err}")
    worst = max((f.severity for f in result.findings_after), default=None, key=lambda s: s.rank)
    files = sorted(str(p.relative_to(_WORKER["out_dir"])) for p in outputs.values())
    remaining = Counter(f"{f.severity.value} {f.check}" for f in result.findings_after)
    rejected = [s.reason for s in result.skipped if s.reason.startswith(GUARD_PREFIX)]
    wants_export = settings.reports is None or "export" in settings.reports
    stem = job.stem if wants_reports else ""  # no reports written: nothing to link to
    export = (
        rows_from_report({"findings": located(result.findings, result.doc.text)}, job.key, stem) if wants_export else []
    )
    return Outcome(
        job,
        summary_row(result, stem),
        None,
        [n for n in result.notices if not n.startswith(UNGUARDED)],
        worst,
        False,
        files,
        written or result.doc.sha256 or job.input_hash(),
        prep.hidden,
        dict(remaining),
        rejected,
        result.unguarded,
        export,
        output,
    )


class InPlaceRefused(Exception):
    """--in-place will not rewrite this input; one line for the user."""


def _write_in_place(path: Path, result: ArticleResult, follow_links: bool = False) -> str:
    """Replace the input with the cleaned text, keeping the first original as ``NAME.orig``."""
    import hashlib

    data = result.doc.encode(result.cleaned, result.output_encoding)
    target = Path(os.path.realpath(path))  # a symlinked input: clean the file it points to, keep the link
    folder = Path(os.path.realpath(path.parent))
    if not follow_links and target.parent != folder and folder not in target.parents:
        # a link can point anywhere the user can write (~/.bashrc): not ours to rewrite unasked
        raise InPlaceRefused(
            f"--in-place: not rewritten, it is a symlink to {target}, outside its folder "
            "(reports are written; add --follow-links to rewrite link targets)"
        )
    path = target
    mode = path.stat().st_mode & 0o7777
    backup = path.with_name(path.name + ".orig")
    if not backup.exists():
        write_atomic(backup, path.read_bytes())
        os.chmod(backup, mode)
    if data != result.doc.encode():
        write_atomic(path, data)
        os.chmod(path, mode)  # the user's permissions, not the umask's
    return hashlib.sha256(data).hexdigest()


def _subset(translations: Translations, prep: Prepared) -> Translations:
    return translations.subset(prep.plan.requests)


def check_jobs(jobs: Iterable[Job], settings: Settings, count: int) -> Iterator[tuple[Job, Prepared | str]]:
    """Check and plan ``jobs`` (text files and corpus records) on the local engine, in order,
    chunk by chunk: each job with its prepared findings or the one-line reason it failed."""
    from pipeline.engines.local import check

    return check(jobs, settings, count)


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
    ``out_dir``; yield each input's outcome as it is done, in input order.

    ``engine`` runs the stages (``pipeline.engines``; default: the local one). Pass a ``slot``
    to see the translator (and its cache statistics) afterwards. The caller holds
    ``outlock.output_lock(out_dir)`` for as long as it writes there (``tqa run`` does,
    through the summary): stale temporary files are removed here on that understanding.
    """
    if engine is None:
        from pipeline.engines.local import LocalEngine

        engine = LocalEngine()
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(out_dir)
    # references are read chunk by chunk, like the inputs: memory follows the chunk
    jobs = chain((Job(p, stems[p], references(p), sources(p)) for p in paths), records)
    yield from engine.run(
        jobs, len(paths) + count, settings, out_dir, resume, fail_fast, slot or TranslatorSlot(settings)
    )


class Stages:
    """The run-wide pieces every engine's loop shares: the manifest, the settings' fingerprint,
    the models. An engine builds one where its translator runs (one per actor on Ray)."""

    def __init__(self, settings: Settings, slot: TranslatorSlot) -> None:
        self.settings = settings
        self.described = settings.describe()
        self.fingerprint = settings_hash(self.described)
        self.slot = slot
        self.pool = model_pool(settings, slot)
        self.checks = build_checks(settings.checks)
        self.round_trip = TranslatorSlot(settings, settings.round_trip_model, slot.tally)

    def translate(self, ready: list[tuple[Job, Prepared]]) -> tuple[list[Translations], dict[str, Any]]:
        """Translate a chunk's requests (one call per model), retranslate its flagged
        sentences; each article's translations, and the settings its reports record."""
        translations = translate_chunk([p for _, p in ready], self.pool)
        if self.settings.retranslate:
            retranslate_chunk(ready, self.checks, self.slot, self.round_trip, self.pool)
        run_settings = dict(self.described)
        if self.slot.translator is not None:
            run_settings["translator"] = self.slot.translator.signature
        others = {m: sig for m, sig in self.pool.signatures.items() if m != self.slot.model}
        if others:  # the other languages' models, only where some were used
            run_settings["translators"] = others
        return [_subset(translations, p) for _, p in ready], run_settings


def open_manifest(out_dir: Path, resume: bool) -> Manifest:
    manifest = Manifest(out_dir)
    if resume:
        manifest.load()
    else:
        manifest.reset()
    return manifest


def resumed(manifest: Manifest, job: Job, fingerprint: str) -> Outcome | None:
    """The outcome the manifest holds for ``job`` when it is finished and unchanged."""
    entry = manifest.finished(job.key, job.input_hash(), fingerprint, job.stem)
    if entry is None and job.record is not None:  # a record written without reports has no report name
        entry = manifest.finished(job.key, job.input_hash(), fingerprint, "")
    return None if entry is None else _resumed_outcome(job, entry)


def reread(manifest: Manifest, job: Job) -> Outcome:
    """The outcome of a job ``resumed`` found finished earlier in this run, read back from the
    manifest (an engine that looks ahead need not hold it meanwhile)."""
    return _resumed_outcome(job, manifest.entry(job.key))


def _resumed_outcome(job: Job, entry: dict[str, Any]) -> Outcome:
    return Outcome(
        job, row=entry["row"], resumed=True, worst=_worst(entry), outputs=entry["outputs"], output=entry.get("record")
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
    ready: list[tuple[Job, Prepared]],
    checks: list[Check],
    slot: TranslatorSlot,
    round_trip: TranslatorSlot,
    pool: ModelPool | None = None,
) -> None:
    """Flagged sentences of a chunk: proposals from the original or by round trip, each with
    its decision, stored on each ``Prepared``. Runs in the main process, which holds the
    models; a model loads only when a sentence needs it. An original in another language
    than Chinese (Japanese) is translated by that language's model from ``pool``, and its
    round trips go English -> that language (``Router.reverse_model_for``) and back."""
    from pipeline.stages.retranslate import plan_retranslations

    wanted = {id(prep): plan_retranslations(prep.doc, prep.findings, prep.pair) for _, prep in ready}
    todo = [(job, prep) for job, prep in ready if wanted[id(prep)] or prep.pair is not None]
    foreign = [(job, prep) for job, prep in todo if prep.pair is not None and prep.pair.language != "zh"]
    if pool is not None:
        for lang in sorted({prep.pair.language for _, prep in foreign}):
            group = [(job, prep) for job, prep in foreign if prep.pair.language == lang]
            model = pool.router.model_for(lang) or ""
            reverse = PooledModel(pool, pool.router.reverse_model_for(lang))
            _retranslate_group(group, wanted, checks, pool.get(model), pool.errors.get(model), reverse, lang)
        todo = [(job, prep) for job, prep in todo if prep.pair is None or prep.pair.language == "zh"]
    if todo:
        _retranslate_group(todo, wanted, checks, slot.get(), slot.error, round_trip)


def _retranslate_group(
    todo: list[tuple[Job, Prepared]],
    wanted: dict[int, list[Any]],
    checks: list[Check],
    translator: Any,
    error: str | None,
    round_trip: TranslatorSlot | PooledModel | None,
    language: str = "zh",
) -> None:
    """``retranslate_chunk`` for articles whose originals (if any) are in one language."""
    from pipeline.stages.retranslate import ROUND_TRIP, SOURCE, retranslate
    from pipeline.stages.retranslate import round_trip as translate_both_ways

    if translator is None:
        for _, prep in todo:
            if wanted[id(prep)]:
                prep.notices.append(f"flagged sentences not retranslated: {error}")
        return
    zh_en = ChunkMemo(translator)
    requests = [r for _, prep in todo for r in wanted[id(prep)]]
    zh_en.translate(sorted({s for r in requests if r.mechanism == SOURCE for s in r.segments}, key=len))
    english = sorted({r.segments[0] for r in requests if r.mechanism == ROUND_TRIP}, key=len)
    en_zh = round_trip.get() if english and round_trip is not None else None
    if en_zh is not None:
        en_zh = ChunkMemo(en_zh)
        translate_both_ways(english, en_zh, zh_en, language)
    reverse_model = round_trip.model if round_trip is not None else ""
    for job, prep in todo:
        prep.retranslation = retranslate(
            prep.doc,
            prep.findings,
            pair=prep.pair,
            zh_en=zh_en,
            en_zh=en_zh,
            checks=checks,
            reference=job.reference,
            edits=prep.plan.edits,
            language=language,
            reverse_model=reverse_model,
        )


def _hash_or_none(path: Path) -> str | None:
    if not path.is_file():
        return None  # a FIFO would block the hash; load_document refuses it with its reason
    try:
        return file_hash(path)
    except OSError:
        return None


def _worst(entry: dict[str, Any]) -> Severity | None:
    return Severity(entry["worst"]) if entry.get("worst") else None


# Inputs per worker process before another one pays for its start (forking, building the
# checks, loading language profiles: about half a CPU-second) on a busy machine.
INPUTS_PER_WORKER = 200


def default_jobs(inputs: int | None = None) -> int:
    """Worker processes when ``--jobs`` is not given: one per ``INPUTS_PER_WORKER`` inputs,
    one core left to the main process and the system, so the default is never slower than
    ``-j 1``: on 2 busy cores, ``-j 2`` took 1.17x the wall time of ``-j 1`` for `tqa check`
    and `tqa run` alike (bench/jobs.py), so there it is one."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if inputs is None:
        return cores
    return max(1, min(cores - 1, inputs // INPUTS_PER_WORKER))
