"""``tqa run``: check, retranslate, repair, score and write the reports of each input.

Over 400 lines because ``tqa run`` takes 45 options, each declared with its help text where
Typer reads it; the work itself is the engines' and the stages'."""

from __future__ import annotations

import shlex
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Optional

import typer

from pipeline.cli.app import (
    EXIT_FAILED,
    EXIT_FINDINGS,
    fail,
)
from pipeline.cli.options import (
    DEFAULT_OUT,
    Backend,
    ConfigOpt,
    Device,
    EncodingOpt,
    EngineName,
    FailOn,
    GlossaryOpt,
    IdFieldOpt,
    IgnoreChecksOpt,
    IgnoreOpt,
    InputFormatOpt,
    JobsOpt,
    PathsArg,
    PathsFromOpt,
    SelectOpt,
    SourceFieldOpt,
    SourceOpt,
    StorageOpt,
    TextFieldOpt,
    apply_option,
    encoding_option,
    ignore_list,
    report_malformed,
    report_unreadable,
    run_config,
    storage_options,
    usage_errors,
)
from pipeline.core.settings import BATCH_SIZE, CHUNK_SIZE, DEFAULT_MODEL, MAX_LENGTH, NUM_BEAMS, ROUND_TRIP_MODEL
from pipeline.stages.job_list import (
    DEFAULT_INPUT,
    job_list,
    list_files,
)
from pipeline.stages.job_list import references as reference_texts
from pipeline.util.reading import path_text
from pipeline.util.terminal import printable


def run(
    paths: PathsArg = None,
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            rich_help_panel="Output",
            metavar="DIR",
            help="Folder for the reports.",
        ),
    ] = DEFAULT_OUT,
    model: Annotated[
        Optional[list[str]],
        typer.Option(
            rich_help_panel="Model",
            metavar="[LANG=]ID|DIR",
            help="Translation model: a folder or Hugging Face id for Chinese, LANG=MODEL for another language (ja=DIR), fallback=MODEL for languages without their own (Helsinki-NLP/opus-mt-mul-en). Repeatable. Default: Helsinki-NLP/opus-mt-{lang}-en (when absent, passages are reported, not retranslated).",
            show_default=False,
        ),
    ] = None,
    backend: Annotated[
        Backend,
        typer.Option(
            rich_help_panel="Model",
            help="Translation backend: transformers (MarianMT) or ct2 (CTranslate2, `pip install 'tqa\\[ct2]'`); auto: ct2 on a CPU when installed and the model is converted, else transformers.",
        ),
    ] = Backend.auto,
    threads: Annotated[
        int,
        typer.Option(
            min=1,
            rich_help_panel="Model",
            metavar="N",
            help="Intra-op threads of the translation model on a CPU.",
        ),
    ] = 1,
    batch_size: Annotated[
        int,
        typer.Option(
            min=1,
            rich_help_panel="Model",
            metavar="N",
            help="Segments per model call (sorted by length across the chunk).",
        ),
    ] = BATCH_SIZE,
    device: Annotated[
        Device,
        typer.Option(
            rich_help_panel="Model",
            help="Where the model runs; auto: CUDA, then Apple MPS, then CPU.",
        ),
    ] = Device.auto,
    beams: Annotated[
        int,
        typer.Option(
            min=1,
            rich_help_panel="Model",
            metavar="N",
            help="Beam size for translation.",
        ),
    ] = NUM_BEAMS,
    max_length: Annotated[
        int,
        typer.Option(
            min=1,
            rich_help_panel="Model",
            metavar="N",
            help="Maximum tokens generated per segment.",
        ),
    ] = MAX_LENGTH,
    apply: Annotated[
        Optional[str],
        typer.Option(
            rich_help_panel="Repair",
            metavar="ORIGIN,...",
            help="Which repairs to apply: any of rules, glossary, marian (comma-separated), or none. Default: rules,marian (or the config's).",
        ),
    ] = None,
    ref: Annotated[
        Optional[Path],
        typer.Option(
            rich_help_panel="Input",
            metavar="FILE|DIR",
            help="Reference translation: a file (one input) or a folder of files named like the inputs, local or a URL (s3://bucket/ref/).",
        ),
    ] = None,
    jobs: JobsOpt = 0,
    resume: Annotated[
        bool,
        typer.Option(
            rich_help_panel="Batch",
            help="Skip articles the manifest in --out says are finished with the same input and settings.",
        ),
    ] = False,
    fail_fast: Annotated[
        bool,
        typer.Option(
            rich_help_panel="Batch",
            help="Stop at the first file that fails (default: list it and go on).",
        ),
    ] = False,
    drop_duplicates: Annotated[
        bool,
        typer.Option(
            "--drop-duplicates",
            rich_help_panel="Output",
            help="Leave later copies (duplicate-record findings) out of the written corpora; counted at the end.",
        ),
    ] = False,
    in_place: Annotated[
        bool,
        typer.Option(
            rich_help_panel="Output",
            help="Also overwrite each input with its cleaned text, keeping the original as NAME.orig.",
        ),
    ] = False,
    follow_links: Annotated[
        bool,
        typer.Option(
            "--follow-links",
            rich_help_panel="Output",
            help="With --in-place, also rewrite files that symlinked inputs point to outside their folder.",
        ),
    ] = False,
    output_encoding: Annotated[
        Optional[str],
        typer.Option(
            rich_help_panel="Output",
            metavar="ENC",
            help="Encoding of the cleaned text (default: the input's).",
        ),
    ] = None,
    cache: Annotated[
        Optional[Path],
        typer.Option(
            rich_help_panel="Model",
            metavar="DIR",
            help="Folder of the translation cache (default: $TQA_CACHE_DIR or the user cache folder).",
        ),
    ] = None,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            rich_help_panel="Model",
            help="Translate everything again; neither read nor write the cache.",
        ),
    ] = False,
    guard: Annotated[
        bool,
        typer.Option(
            rich_help_panel="Repair",
            help="Reject model output that is worse than the passage (empty, a loop, script left, absurd length).",
        ),
    ] = True,
    source: SourceOpt = None,
    retranslate: Annotated[
        bool,
        typer.Option(
            rich_help_panel="Repair",
            help="Retranslate flagged sentences: from the original when there is one, else by round trip (suggestions).",
        ),
    ] = True,
    round_trip_model: Annotated[
        Optional[str],
        typer.Option(
            rich_help_panel="Model",
            metavar="ID|DIR",
            help=f"English-to-Chinese model for round trips. Default: {ROUND_TRIP_MODEL}.",
            show_default=False,
        ),
    ] = None,
    fail_on: FailOn = None,
    select: SelectOpt = None,
    skip: IgnoreChecksOpt = None,
    encoding: EncodingOpt = None,
    paths_from: PathsFromOpt = None,
    reports: Annotated[
        Optional[str],
        typer.Option(
            "--reports",
            metavar="KIND,...",
            rich_help_panel="Output",
            help="What to write: any of txt (cleaned text), json, diff, html, export (findings.jsonl/.csv for the batch). Default: all for text files; for a corpus its cleaned copy and the export, and a record's own reports only when named here.",
            show_default=False,
        ),
    ] = None,
    config: ConfigOpt = None,
    glossary: GlossaryOpt = None,
    ignore: IgnoreOpt = None,
    input_format: InputFormatOpt = None,
    text_field: TextFieldOpt = "text",
    id_field: IdFieldOpt = "id",
    source_field: SourceFieldOpt = None,
    storage: StorageOpt = None,
    cleaned_field: Annotated[
        Optional[str],
        typer.Option(
            "--cleaned-field",
            rich_help_panel="Output",
            metavar="FIELD",
            help="Write a corpus's cleaned text into this field and keep --text-field as it was.",
            show_default=False,
        ),
    ] = None,
    markers: Annotated[
        bool,
        typer.Option(
            "--markers/--no-markers",
            rich_help_panel="Output",
            help="Bilingual files (PO, XLIFF): mark segments with findings left for a translator to see "
            "(PO: fuzzy and a comment; XLIFF: a review state and a note).",
        ),
    ] = True,
    engine: Annotated[
        EngineName,
        typer.Option(
            rich_help_panel="Batch",
            help="What runs the stages: local (worker processes) or ray (a Ray cluster, `pip install 'tqa\\[ray]'`).",
        ),
    ] = EngineName.local,
    address: Annotated[
        Optional[str],
        typer.Option(
            rich_help_panel="Batch",
            metavar="auto|HOST:PORT",
            help="--engine ray: the cluster to join (default: a local Ray on this machine).",
            show_default=False,
        ),
    ] = None,
    actors: Annotated[
        str,
        typer.Option(
            rich_help_panel="Batch",
            metavar="MIN:MAX",
            help="--engine ray: size of the translator actor pool (each loads the model once).",
        ),
    ] = "1:1",
    chunk_size: Annotated[
        int,
        typer.Option(
            min=1,
            rich_help_panel="Batch",
            metavar="N",
            help="Inputs per chunk: the translator gets a chunk's passages together; memory follows the chunk.",
        ),
    ] = CHUNK_SIZE,
    gpus_per_actor: Annotated[
        float,
        typer.Option(
            min=0,
            rich_help_panel="Batch",
            metavar="N",
            help="--engine ray: GPUs each translator actor asks for (fractions share a GPU).",
        ),
    ] = 0.0,
) -> None:
    """Check, retranslate, repair, score and write reports for each input."""
    from contextlib import ExitStack

    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from pipeline.core.settings import Settings
    from pipeline.engines import default_jobs, run_batch
    from pipeline.original import MISFIT
    from pipeline.report import error_row, summary_table, write_summary
    from pipeline.report.export import FindingsExport
    from pipeline.report.names import mirrored_stems
    from pipeline.report.rowspool import RowSpool
    from pipeline.report.run_summary import RunTally
    from pipeline.report.summary import SummaryNotWritten, plain_summary
    from pipeline.stages.manifest import MANIFEST
    from pipeline.stages.translate import TranslatorSlot
    from pipeline.util.outlock import OutputLocked, output_lock
    from pipeline.util.progress import PlainProgress

    output_encoding, encoding = (
        encoding_option(output_encoding, "--output-encoding"),
        encoding_option(encoding, "--encoding"),
    )
    storage_options(storage)
    cfg = run_config(config, glossary, ignore, select, skip)
    models = _model_table(model, cfg.models, backend.value, device.value)  # a named model that is absent: exit 2
    _preflight(
        models.get("zh"),
        backend.value,
        device.value,
        round_trip_model if retranslate else None,
    )
    if drop_duplicates and not cfg.checks.get("duplicate-record", {}).get("enabled", True):
        raise fail("--drop-duplicates needs the duplicate-record check, which --ignore/--select or tqa.toml turned off")
    report_kinds = _reports(reports)
    runner = _engine(engine.value, address, actors, gpus_per_actor)
    ignore_list(cfg.ignore_file)  # a broken ignore list is a usage error, before any work
    # a URL (s3://...) is written in a local staging folder and uploaded at the end; a
    # local --out is that folder itself
    place = _output_place(out, resume)
    target, out = place.target, place.local
    if out.exists() and not out.is_dir():
        raise fail(f"--out {out}: exists and is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise fail(f"--out {out}: cannot create the folder: {err.strerror or err}") from None
    fail_on = fail_on or cfg.fail_on
    from pipeline.io import Fields

    inputs = usage_errors(job_list)(
        usage_errors(list_files)(paths, exclude=[target], paths_from=paths_from),
        source,
        input_format,
        Fields(text_field, id_field, source_field, cleaned_field, markers),
        in_place,
        named=None if paths_from is not None else (paths or []),
    )
    files, corpora, count = inputs.files, inputs.corpora, inputs.record_count
    unreadable = report_unreadable(inputs)
    # a --ref that cannot be used stops here (exit 2); one reference that cannot be read fails its input alone
    references = usage_errors(reference_texts)(ref, files)
    settings = Settings(
        apply=cfg.apply if apply is None else apply_option(apply),
        model=models.pop("zh", DEFAULT_MODEL),
        fallback_model=models.pop("fallback", None),
        models=models,
        backend=backend.value,
        device=device.value,
        num_beams=beams,
        max_length=max_length,
        checks=cfg.checks,
        threads=threads,
        batch_size=batch_size,
        chunk_size=chunk_size,
        output_encoding=output_encoding,
        ignore_file=cfg.ignore_file,
        guard=guard,
        jobs=jobs or default_jobs(len(files) + count),
        in_place=in_place,
        follow_links=follow_links,
        use_cache=not no_cache,
        cache_dir=cache,
        retranslate=retranslate,
        encoding=encoding,
        reports=report_kinds,
        record_reports=report_kinds is not None,
    )  # a corpus record's own reports only when asked
    settings = replace(settings, round_trip_model=round_trip_model or settings.round_trip_model)
    slot = TranslatorSlot(settings)
    stems = mirrored_stems(files, [*(paths or [DEFAULT_INPUT])])
    rows, failed, resumed, worst, notices, tally, malformed = (
        RowSpool(),
        0,
        0,
        None,
        Counter(),
        RunTally(),
        [0],
    )
    position = {path_text(path): i for i, path in enumerate(files)}  # summaries list the inputs in this order
    writers = _corpus_writers(corpora, out, drop_duplicates)
    report = report_malformed(malformed, "written back unprocessed")

    def passed(corpus, item) -> None:  # type: ignore[no-untyped-def]
        writers.hold(corpus, item)  # in the written corpus as it was read, in its place
        report(corpus, item)

    records = inputs.records(passed)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    console = Console(stderr=True, soft_wrap=True, highlight=False)
    terminal = sys.stderr.isatty()
    plain = None if terminal else PlainProgress(len(files) + count, sys.stderr)  # log lines for CI and nohup
    export = FindingsExport(out) if settings.reports is None or "export" in settings.reports else None
    lock = ExitStack()  # held until the summary is written: a second run on --out is refused
    lock.callback(place.close)
    try:
        lock.enter_context(output_lock(out))
        lock.enter_context(place.lock())
    except (OutputLocked, OSError) as err:
        lock.close()
        raise fail(str(err), EXIT_FAILED) from None
    summary_error, written = None, []
    with (
        lock,
        Progress(*columns, console=console, transient=True, disable=not terminal) as progress,
    ):
        task = progress.add_task("tqa run", total=len(files) + count)
        for outcome in run_batch(
            files,
            stems,
            settings,
            out,
            references,
            resume,
            fail_fast,
            slot,
            inputs.originals,
            records,
            count,
            runner,
        ):
            progress.advance(task)
            if plain is not None:
                plain.advance()
            if outcome.job.record is not None:
                notices.update(writers.take(outcome))
            if export is not None:
                if outcome.resumed:
                    record = outcome.job.record
                    export.add_resumed(
                        out,
                        outcome.job.stem if record is None or settings.record_reports else "",  # no reports: no name
                        outcome.job.file,
                        record and record.text,
                        outcome.output,
                        outcome.job.record_id,
                    )
                else:
                    export.add(outcome.export)
            if outcome.row is None:
                failed += 1
                console.print(
                    printable(f"{outcome.job.path}: error: {outcome.error}"),
                    markup=False,
                )
                rows.add(
                    error_row(
                        path_text(outcome.job.path),
                        outcome.job.stem,
                        outcome.error or "failed",
                        outcome.job.file,
                        outcome.job.record_id,
                    ),
                    position.get(path_text(outcome.job.path), len(position)),
                )
                continue
            rows.add(outcome.row, position.get(str(outcome.row.get("input")), len(position)))
            resumed += outcome.resumed
            notices.update(n for n in outcome.notices if not n.startswith(MISFIT))  # tallied apart
            tally.add(outcome, fail_on)
            if outcome.worst is not None and (worst is None or outcome.worst > worst):
                worst = outcome.worst
        rows.sort()  # in input order, however the chunks finished (failures first, resumed ones early)
        # a full disk, a folder squatting on a name: each file that cannot be written is named
        # on one line, and does not keep the others from being written
        written, left_out = writers.commit()  # the cleaned corpora, complete or not at all
        if drop_duplicates:
            typer.echo(f"tqa: {writers.dropped} duplicate record(s) left out of the written corpora", err=True)
        for path in left_out:
            typer.echo(
                printable(f"tqa: {path}: not written to {target}/, the run stopped before its last record"),
                err=True,
            )
        unwritten = list(writers.failures)
        try:
            if export is not None:
                export.close()
        except SummaryNotWritten as err:
            unwritten += err.failures
        try:
            write_summary(rows, out, settings.reports)
        except SummaryNotWritten as err:
            unwritten += err.failures
        unwritten += place.publish(last=[MANIFEST])  # a remote --out: the manifest after what it lists
        for path, reason in unwritten:
            summary_error = f"tqa: error: cannot write {path}: {reason}"
            console.print(printable(summary_error), markup=False)
    table = summary_table(rows, text=printable)
    if sys.stdout.isatty():
        Console(soft_wrap=False).print(table)
    else:  # a log or a pipe: whole names, one line each
        sys.stdout.write(plain_summary(table))
    rows.close()
    for notice, n in sorted(notices.items()):
        typer.echo(f"tqa: {n} article(s) with {printable(notice)}", err=True)
    for line in tally.lines(fail_on):
        typer.echo(printable(line), err=True)
    if (cache_line := slot.tally.line()) is not None:  # every model's lookups
        typer.echo(f"tqa: {cache_line}", err=True)
    done = len(rows) - failed
    extra = f" ({resumed} unchanged since the last run)" if resumed else ""
    typer.echo(printable(f"tqa: {done} article(s) processed{extra}, {failed} failed; reports in {target}/"))
    for path in written:
        typer.echo(printable(f"tqa: cleaned corpus in {target / path.relative_to(out) if place.remote else path}"))
    if (
        not place.remote
        and (out / "index.html").is_file()
        and next(Path(out).glob("**/*.findings.json"), None) is not None
    ):
        typer.echo(printable(f"tqa: review: tqa review {shlex.quote(str(out))}"))
    if malformed[0]:
        typer.echo(f"tqa: {malformed[0]} malformed record(s) written back unprocessed", err=True)
    if failed or summary_error or malformed[0] or unreadable:
        raise typer.Exit(EXIT_FAILED)
    if fail_on is not None and worst is not None and worst >= fail_on:
        raise typer.Exit(EXIT_FINDINGS)


def _model_table(values: list[str] | None, configured: dict[str, str], backend: str, device: str) -> dict[str, str]:
    """The models named on the command line or in tqa.toml; exits 2 when one is not on this
    machine (a default model that is absent is only a notice, later)."""
    from pipeline.core.languages import model_table
    from pipeline.translate import ModelUnavailable, auto_backend, resolve_model

    try:
        table = model_table(values, configured)
    except ValueError as err:
        raise fail(f"--model {err}") from None
    for lang, name in table.items():
        try:
            resolve_model(name, auto_backend(name, device) if backend == "auto" else backend)
        except ModelUnavailable as err:
            named = name if lang == "zh" else f"{lang}={name}"  # a bare --model X means Chinese
            raise fail(f"--model {named}: {err}") from None
    return table


def _engine(name: str, address: str | None, actors: str, gpus_per_actor: float):  # type: ignore[no-untyped-def]
    from pipeline.engines import EngineUnavailable, engine_for, parse_actors

    try:
        return engine_for(name, address, parse_actors(actors), gpus_per_actor)
    except EngineUnavailable as err:
        raise fail(str(err)) from None


def _reports(value: str | None) -> frozenset[str] | None:
    from pipeline.report import parse_reports

    try:
        return None if value is None else parse_reports(value)
    except ValueError as err:
        raise fail(str(err)) from None


def _preflight(model: str | None, backend: str, device: str, round_trip_model: str | None) -> None:
    from pipeline.translate.preflight import PreflightError, check_translation_setup

    try:
        check_translation_setup(model, backend, device, DEFAULT_MODEL, round_trip_model)
    except PreflightError as err:
        raise fail(str(err)) from None


def _corpus_writers(corpora, out: Path, drop_duplicates: bool = False):  # type: ignore[no-untyped-def]
    from pipeline.io import CorpusError
    from pipeline.stages.corpus import CorpusWriters

    try:
        return CorpusWriters(corpora, out, drop_duplicates)
    except CorpusError as err:
        raise fail(str(err)) from None


def _output_place(out: Path, resume: bool):  # type: ignore[no-untyped-def]
    """``--out`` as ``pipeline.util.staging.OutputPlace``; a store that cannot be used: exit 2."""
    from pipeline.util.staging import OutputPlace
    from pipeline.util.storage import StorageError

    try:
        return OutputPlace(out, resume)
    except StorageError as err:
        raise fail(str(err)) from None
