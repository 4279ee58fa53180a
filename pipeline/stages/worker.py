"""The stages as an engine's workers run them: per-process state (``init_worker``, one thread
each with ``pin_threads``), then ``prepare_job`` and ``finish_job``, which turn any failure
into one line for the user instead of ending the batch."""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from pipeline.checks import build_checks
from pipeline.checks.scores import counted, thresholds
from pipeline.core.document import InputError
from pipeline.core.settings import Settings
from pipeline.review.ignore import load_ignore
from pipeline.stages.batch import Verdicts, add_verdicts
from pipeline.stages.finish import finish
from pipeline.stages.in_place import InPlaceRefused, write_in_place
from pipeline.stages.job import Job, Outcome, Prepared
from pipeline.stages.manifest import settings_hash
from pipeline.stages.prepare import prepare
from pipeline.translate.pool import Translations

UNGUARDED = "applied with --no-guard"  # notices counted separately in the terminal summary
GUARD_PREFIX = "translation rejected"  # how guard.judge_segments starts every rejection

_WORKER: dict[str, Any] = {}  # what init_worker built for this process


def pin_threads() -> None:
    """One thread per worker process: N workers each running torch's or BLAS's default
    thread pool on N cores spent 3-4x the CPU time (200 articles: 116-138 CPU-s against 36)."""
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[name] = "1"
    torch = sys.modules.get("torch")  # inherited through fork: pin it too; never import it here
    if torch is not None:
        torch.set_num_threads(1)


def init_worker(settings: Settings, out_dir: Path | None) -> None:
    """What the stage functions below need, built once per process (or per engine task)."""
    ignore = load_ignore(settings.ignore_file) if settings.ignore_file else None
    from pipeline.checks.runner import build_source_checks

    _WORKER.update(
        settings=settings,
        checks=build_checks(settings.checks),
        out_dir=out_dir,
        ignore=ignore,
        source_checks=build_source_checks(settings.checks),
        router=settings.router(),
    )


def prepare_job(job: Job) -> Prepared | str:
    if job.failure is not None:
        return job.failure
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
            job.record.context if job.record is not None else None,
        )
        prep.notices[:0] = warnings
        return prep
    except InputError as err:
        return str(err)
    except Exception as err:  # a bug must cost one file, not the batch; the reason is kept
        return f"internal error while checking: {type(err).__name__}: {err}"


def prepare_decided(job: Job, verdicts: Verdicts) -> Prepared | str:
    """``prepare_job``, with what the batch checks decided beforehand (the Ray engine's driver)."""
    prep = prepare_job(job)
    if isinstance(prep, Prepared):
        prep.signatures = {}  # measured on the driver already
        add_verdicts(prep, verdicts, [*_WORKER["checks"], *_WORKER["source_checks"]], _WORKER["ignore"])
    return prep


def finish_job(
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
            write_in_place(job.path, result, settings.follow_links)
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
    except Exception as err:  # see prepare_job
        return Outcome(job, error=f"internal error: {type(err).__name__}: {err}")
    # what --fail-on looks at: the findings left, but a check with a fail_threshold only where its score reaches it
    left = counted(result.findings_after, result.cleaned, thresholds(settings.checks))
    worst = max((f.severity for f in left), default=None, key=lambda s: s.rank)
    files = sorted(str(p.relative_to(_WORKER["out_dir"])) for p in outputs.values())
    remaining = Counter(f"{f.severity.value} {f.check}" for f in left)
    rejected = [s.reason for s in result.skipped if s.reason.startswith(GUARD_PREFIX)]
    wants_export = settings.reports is None or "export" in settings.reports
    stem = job.stem if wants_reports else ""  # no reports written: nothing to link to
    export = (
        rows_from_report({"findings": located(result.findings, result.doc.text)}, job.file, stem, job.record_id)
        if wants_export
        else []
    )
    return Outcome(
        job,
        summary_row(result, stem, job.file, job.record_id),
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
        job.source_hash(),
    )
