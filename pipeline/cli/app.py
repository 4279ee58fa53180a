"""The ``tqa`` command line: parses options, calls the stages, prints. No logic of its own."""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from pipeline import __version__
from pipeline.core.findings import Severity
from pipeline.core.settings import (
    BACKEND_CHOICES,
    BATCH_SIZE,
    CHUNK_SIZE,
    DEFAULT_MODEL,
    DEVICES,
    ENGINES,
    MAX_LENGTH,
    NUM_BEAMS,
    ROUND_TRIP_MODEL,
)
from pipeline.stages.job_list import DEFAULT_INPUT, InputListError, job_list, list_files, reads_stdin, stdin_jobs
from pipeline.stages.job_list import references as reference_texts
from pipeline.util.reading import path_text
from pipeline.util.terminal import printable

app = typer.Typer(
    help="tqa: find, repair and report defects in English text machine-translated from Chinese and other languages.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
models_app = typer.Typer(help="Get and list translation models.", no_args_is_help=True)
app.add_typer(models_app, name="models")

# Exit statuses (documented in the README).
EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_FAILED = 0, 1, 2, 3
DEFAULT_OUT = Path("reports")


# the choices of --backend, --engine and --device, from the one list of each
Backend = Enum("Backend", {b: b for b in BACKEND_CHOICES}, type=str)
EngineName = Enum("EngineName", {e: e for e in ENGINES}, type=str)
Device = Enum("Device", {d: d for d in DEVICES}, type=str)


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


def fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    typer.echo(f"tqa: error: {printable(message)}", err=True)
    return typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tqa {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")] = False,
) -> None:
    """tqa: find, repair and report defects in English text machine-translated from Chinese and other languages."""


PathsArg = Annotated[
    Optional[list[Path]],
    typer.Argument(metavar="PATH", help="Files, folders (searched for .txt/.md/.text files), or quoted globs (\"news/**/*.txt\"). Default: seeds/. `tqa check -` checks text on standard input; a list of paths comes with --paths-from.", show_default=False),
]
FailOn = Annotated[
    Optional[Severity],
    typer.Option("--fail-on", rich_help_panel="Output", help="Exit with status 1 when a finding of this severity or worse remains.", case_sensitive=False),
]


ConfigOpt = Annotated[Optional[Path], typer.Option("--config", rich_help_panel="Checks", metavar="FILE", help="Config file (default: tqa.toml in the working folder, if any).")]
GlossaryOpt = Annotated[Optional[list[Path]], typer.Option("--glossary", rich_help_panel="Checks", metavar="FILE", help="Extra glossary of calques (TSV or CSV; repeatable).")]
IgnoreOpt = Annotated[Optional[Path], typer.Option("--ignore-list", rich_help_panel="Checks", metavar="FILE", help="Ignore list of accepted findings (default: from the config, else .tqa-ignore.json if it exists).")]
SelectOpt = Annotated[Optional[str], typer.Option("--select", rich_help_panel="Checks", metavar="CHECK,...", help="Run only these checks (ids from `tqa checks`).")]
IgnoreChecksOpt = Annotated[Optional[str], typer.Option("--ignore", rich_help_panel="Checks", metavar="CHECK,...", help="Leave these checks out (ids from `tqa checks`; the ignore list is --ignore-list).")]
EncodingOpt = Annotated[Optional[str], typer.Option("--encoding", rich_help_panel="Input", metavar="ENC", help="Read every input in this encoding instead of detecting it.")]
PathsFromOpt = Annotated[Optional[Path], typer.Option("--paths-from", rich_help_panel="Input", metavar="FILE", help="Read input paths from FILE, one a line (- for standard input).")]


def _config(config: Path | None, glossary: list[Path] | None, ignore: Path | None,
            select: str | None = None, skip: str | None = None):  # type: ignore[no-untyped-def]
    """The run's configuration: config file, then command-line overrides; exits 2 on a bad one."""
    from pipeline.checks.selection import SelectionError, select_checks
    from pipeline.checks import ConfigurationError, build_checks
    from pipeline.stages.config import load_config
    from pipeline.review.ignore import DEFAULT_NAME

    try:
        cfg = load_config(config)
        if glossary:
            cfg = cfg.with_glossary(glossary)
        cfg = replace(cfg, checks=select_checks(cfg.checks, select, skip))
        build_checks(cfg.checks)  # validate options (and glossary files) before any work
    except (ConfigurationError, SelectionError) as err:
        raise fail(str(err)) from None
    ignore_file = ignore or cfg.ignore_file or (Path(DEFAULT_NAME) if Path(DEFAULT_NAME).is_file() else None)
    return replace(cfg, ignore_file=ignore_file)


def _load_ignore(path: Path | None):  # type: ignore[no-untyped-def]
    from pipeline.checks import ConfigurationError
    from pipeline.review.ignore import load_ignore

    if path is not None and not path.exists():
        # only a named list gets here (the default .tqa-ignore is used when it exists): a typo
        # would otherwise report every finding the user had accepted
        raise fail(f"ignore list {path}: no such file (tqa accept creates one)")
    try:
        return load_ignore(path) if path else None
    except ConfigurationError as err:
        raise fail(str(err)) from None


SourceOpt = Annotated[
    Optional[Path],
    typer.Option("--source", metavar="FILE|DIR", rich_help_panel="Input", help="The Chinese original: a file (one input) or a folder of originals named like the inputs "
                 "(article.zh.txt beside article.en.txt is found without it)."),
]


InputFormatOpt = Annotated[Optional[str], typer.Option("--input-format", rich_help_panel="Input", metavar="FORMAT", help="Read every input as: jsonl, csv, tsv, parquet, html or text (default: from the file name).", show_default=False)]
TextFieldOpt = Annotated[str, typer.Option("--text-field", rich_help_panel="Input", metavar="FIELD", help="Corpus field holding the English text.")]
IdFieldOpt = Annotated[str, typer.Option("--id-field", rich_help_panel="Input", metavar="FIELD", help="Corpus field holding the record id (absent: the line/row number).")]
SourceFieldOpt = Annotated[Optional[str], typer.Option("--source-field", rich_help_panel="Input", metavar="FIELD", help="Corpus field holding the Chinese original.", show_default=False)]


def _usage(call):  # type: ignore[no-untyped-def]
    """``call`` with an unusable input list as a one-line usage error (exit 2)."""
    def usage(*args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            return call(*args, **kwargs)
        except InputListError as err:
            raise fail(str(err)) from None

    return usage


def _malformed(counter: list[int]):  # type: ignore[no-untyped-def]
    """Report a malformed record on standard error (one line) and count it."""
    def report(corpus, item) -> None:  # type: ignore[no-untyped-def]
        counter[0] += 1
        typer.echo(printable(f"{corpus.path}: {item.where}: skipped: {item.reason}"), err=True)

    return report


@app.command()
def check(
    paths: PathsArg = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output: text lines, or one JSON document (streamed file by file).")] = OutputFormat.text,
    fail_on: FailOn = None,
    select: SelectOpt = None,
    skip: IgnoreChecksOpt = None,
    source: SourceOpt = None,
    encoding: EncodingOpt = None,
    paths_from: PathsFromOpt = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=0, metavar="N", help="Worker processes (0: one per 200 inputs, one core left free).")] = 0,
    config: ConfigOpt = None,
    glossary: GlossaryOpt = None,
    ignore: IgnoreOpt = None,
    input_format: InputFormatOpt = None,
    text_field: TextFieldOpt = "text",
    id_field: IdFieldOpt = "id",
    source_field: SourceFieldOpt = None,
) -> None:
    """Find defects and print them; change nothing. `tqa check -` checks text on standard input.

    Use --fail-on to gate a CI job."""
    from pipeline.core.settings import Settings
    from pipeline.engines import check_jobs, default_jobs
    from pipeline.report.check_output import JsonOutput, TextOutput
    from pipeline.io import Fields
    from pipeline.report.run_summary import fail_on_line

    cfg = _config(config, glossary, ignore, select, skip)
    _load_ignore(cfg.ignore_file)  # a broken ignore list is a usage error, before any work
    fail_on = fail_on or cfg.fail_on
    encoding = _encoding(encoding, "--encoding")
    output = (JsonOutput if fmt is OutputFormat.json else TextOutput)(sys.stdout)
    remaining, hidden, worst = Counter(), 0, None

    def take(path: str, prep, record: dict | None = None) -> None:  # type: ignore[no-untyped-def]
        nonlocal hidden, worst
        for notice in prep.notices:
            typer.echo(printable(f"{path}{'#' + record['id'] if record else ''}: {notice}"), err=True)
        output.add(path, prep.doc, prep.findings, record)
        hidden += prep.hidden
        for f in prep.findings:
            worst = f.severity if worst is None or f.severity > worst else worst
            if fail_on is not None and f.severity >= fail_on:
                remaining[f"{f.severity.value} {f.check}"] += 1

    malformed = [0]
    if reads_stdin(paths, paths_from):
        inputs = _usage(stdin_jobs)(sys.stdin.buffer, source, input_format)
    else:
        inputs = _usage(job_list)(_usage(list_files)(paths, paths_from=paths_from), source, input_format,
                                  Fields(text_field, id_field, source_field))
    settings = Settings(apply=frozenset(), checks=cfg.checks, ignore_file=cfg.ignore_file, jobs=jobs or default_jobs(inputs.count), encoding=encoding)
    output.begin()
    for job, prep in check_jobs(inputs.jobs(_malformed(malformed)), settings, inputs.count):
        # a corpus record: its id and line/row beside the corpus's path; offsets are into its text
        record = {"id": job.record.id, "where": job.record.where} if job.record is not None else None
        if isinstance(prep, str):
            output.error(path_text(job.path), prep, record)
            typer.echo(printable(f"{job.key}: error: {prep}"), err=True)
        else:
            take(path_text(job.path), prep, record)
    output.end()
    if hidden:
        typer.echo(f"tqa: {hidden} finding(s) hidden by the ignore list", err=True)
    if malformed[0]:
        typer.echo(f"tqa: {malformed[0]} malformed record(s) skipped", err=True)
    if output.errors or malformed[0]:
        raise typer.Exit(EXIT_FAILED)
    if fail_on is not None and worst is not None and worst >= fail_on:
        typer.echo(fail_on_line(fail_on, remaining), err=True)
        raise typer.Exit(EXIT_FINDINGS)


def _encoding(name: str | None, option: str) -> str | None:
    from pipeline.io.encoding import check_encoding

    if name is None:
        return None
    try:
        return check_encoding(name)
    except LookupError:
        raise fail(f"{option}: unknown encoding {name!r}") from None


@app.command("checks")
def list_checks() -> None:
    """List every check with its id, default severity and description."""
    from pipeline.checks.catalog import catalog

    for info in catalog().values():
        needs = f" (needs {info.needs})" if info.needs else ""
        typer.echo(f"{info.id:<24} {info.severity:<9} {info.description}{needs}")


@app.command()
def accept(
    report: Annotated[Path, typer.Argument(metavar="REPORT", help="A NAME.findings.json written by `tqa run`, or a NAME.decisions.json saved from its review page.", show_default=False)],
    finding: Annotated[Optional[list[int]], typer.Option("--finding", "-n", metavar="N", help="Number of a finding, as `tqa check` and the review page show it (#N; repeatable).")] = None,
    check_id: Annotated[Optional[list[str]], typer.Option("--check", metavar="CHECK", help="Accept every finding of this check (repeatable).")] = None,
    everything: Annotated[bool, typer.Option("--all", help="Accept every finding of the report, critical ones included.")] = False,
    note: Annotated[str, typer.Option(metavar="TEXT", help="Why it was accepted, kept in the ignore list.")] = "",
    input_file: Annotated[Optional[Path], typer.Option("--input", metavar="FILE", help="The article the report was made from, if it has moved.")] = None,
    config: ConfigOpt = None,
    ignore: IgnoreOpt = None,
) -> None:
    """Accept chosen findings of a report (--check, -n or --all) so later runs no longer report them.

    Given a decisions file saved from the review page, the changes the reviewer rejected
    are accepted (the text stays as it is)."""
    from pipeline.checks import ConfigurationError
    from pipeline.review.ignore import DEFAULT_NAME, accept_from_report

    cfg = _config(config, None, ignore)
    target = cfg.ignore_file or Path(DEFAULT_NAME)
    try:
        accepted = accept_from_report(report, target, check_id or (), finding or (), note, input_file, everything)
    except ConfigurationError as err:
        raise fail(str(err)) from None
    for a in accepted:
        text = a.text.replace("\n", "⏎")
        text = text if len(text) <= 60 else text[:57] + "..."
        typer.echo(printable(f"  {a.label} {a.severity} {a.check}: «{text}»" + ("" if a.new else " (already accepted)")))
    added = sum(a.new for a in accepted)
    typer.echo(printable(f"tqa: {added} finding(s) added to {target}") + (f", {len(accepted) - added} already there" if len(accepted) > added else ""))


def _parse_apply(value: str) -> frozenset[str]:
    from pipeline.checks import ConfigurationError
    from pipeline.stages.config import parse_apply

    try:
        return parse_apply(value)
    except ConfigurationError as err:
        raise fail(f"--{err}") from None


@app.command()
def run(
    paths: PathsArg = None,
    out: Annotated[Path, typer.Option("--out", "-o", rich_help_panel="Output", metavar="DIR", help="Folder for the reports.")] = DEFAULT_OUT,
    model: Annotated[Optional[list[str]], typer.Option(rich_help_panel="Model", metavar="[LANG=]ID|DIR", help="Translation model: a folder or Hugging Face id for Chinese, LANG=MODEL for another language (ja=DIR), fallback=MODEL for languages without their own (Helsinki-NLP/opus-mt-mul-en). Repeatable. Default: Helsinki-NLP/opus-mt-{lang}-en (when absent, passages are reported, not retranslated).", show_default=False)] = None,
    backend: Annotated[Backend, typer.Option(rich_help_panel="Model", help="Translation backend: transformers (MarianMT) or ct2 (CTranslate2, `pip install 'tqa\\[ct2]'`); auto: ct2 on a CPU when installed and the model is converted, else transformers.")] = Backend.auto,
    threads: Annotated[int, typer.Option(min=1, rich_help_panel="Model", metavar="N", help="Intra-op threads of the translation model on a CPU.")] = 1,
    batch_size: Annotated[int, typer.Option(min=1, rich_help_panel="Model", metavar="N", help="Segments per model call (sorted by length across the chunk).")] = BATCH_SIZE,
    device: Annotated[Device, typer.Option(rich_help_panel="Model", help="Where the model runs; auto: CUDA, then Apple MPS, then CPU.")] = Device.auto,
    beams: Annotated[int, typer.Option(min=1, rich_help_panel="Model", metavar="N", help="Beam size for translation.")] = NUM_BEAMS,
    max_length: Annotated[int, typer.Option(min=1, rich_help_panel="Model", metavar="N", help="Maximum tokens generated per segment.")] = MAX_LENGTH,
    apply: Annotated[Optional[str], typer.Option(rich_help_panel="Repair", metavar="ORIGIN,...", help="Which repairs to apply: any of rules, glossary, marian (comma-separated), or none. Default: rules,marian (or the config's).")] = None,
    ref: Annotated[Optional[Path], typer.Option(rich_help_panel="Input", metavar="FILE|DIR", help="Reference translation: a file (one input) or a folder of files named like the inputs.")] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=0, rich_help_panel="Batch", metavar="N", help="Worker processes for checking and reports (0: one per 200 inputs, one core left free).")] = 0,
    resume: Annotated[bool, typer.Option(rich_help_panel="Batch", help="Skip articles the manifest in --out says are finished with the same input and settings.")] = False,
    fail_fast: Annotated[bool, typer.Option(rich_help_panel="Batch", help="Stop at the first file that fails (default: list it and go on).")] = False,
    in_place: Annotated[bool, typer.Option(rich_help_panel="Output", help="Also overwrite each input with its cleaned text, keeping the original as NAME.orig.")] = False,
    follow_links: Annotated[bool, typer.Option("--follow-links", rich_help_panel="Output", help="With --in-place, also rewrite files that symlinked inputs point to outside their folder.")] = False,
    output_encoding: Annotated[Optional[str], typer.Option(rich_help_panel="Output", metavar="ENC", help="Encoding of the cleaned text (default: the input's).")] = None,
    cache: Annotated[Optional[Path], typer.Option(rich_help_panel="Model", metavar="DIR", help="Folder of the translation cache (default: $TQA_CACHE_DIR or the user cache folder).")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", rich_help_panel="Model", help="Translate everything again; neither read nor write the cache.")] = False,
    guard: Annotated[bool, typer.Option(rich_help_panel="Repair", help="Reject model output that is worse than the passage (empty, a loop, script left, absurd length).")] = True,
    source: SourceOpt = None,
    retranslate: Annotated[bool, typer.Option(rich_help_panel="Repair", help="Retranslate flagged sentences: from the original when there is one, else by round trip (suggestions).")] = True,
    round_trip_model: Annotated[Optional[str], typer.Option(rich_help_panel="Model", metavar="ID|DIR", help=f"English-to-Chinese model for round trips. Default: {ROUND_TRIP_MODEL}.", show_default=False)] = None,
    fail_on: FailOn = None,
    select: SelectOpt = None,
    skip: IgnoreChecksOpt = None,
    encoding: EncodingOpt = None,
    paths_from: PathsFromOpt = None,
    reports: Annotated[Optional[str], typer.Option("--reports", metavar="KIND,...", rich_help_panel="Output", help="What to write: any of txt (cleaned text), json, diff, html, export (findings.jsonl/.csv for the batch). Default: all for text files; for a corpus its cleaned copy and the export, and a record's own reports only when named here.", show_default=False)] = None,
    config: ConfigOpt = None,
    glossary: GlossaryOpt = None,
    ignore: IgnoreOpt = None,
    input_format: InputFormatOpt = None,
    text_field: TextFieldOpt = "text",
    id_field: IdFieldOpt = "id",
    source_field: SourceFieldOpt = None,
    cleaned_field: Annotated[Optional[str], typer.Option("--cleaned-field", rich_help_panel="Output", metavar="FIELD", help="Write a corpus's cleaned text into this field and keep --text-field as it was.", show_default=False)] = None,
    engine: Annotated[EngineName, typer.Option(rich_help_panel="Batch", help="What runs the stages: local (worker processes) or ray (a Ray cluster, `pip install 'tqa\\[ray]'`).")] = EngineName.local,
    address: Annotated[Optional[str], typer.Option(rich_help_panel="Batch", metavar="auto|HOST:PORT", help="--engine ray: the cluster to join (default: a local Ray on this machine).", show_default=False)] = None,
    actors: Annotated[str, typer.Option(rich_help_panel="Batch", metavar="MIN:MAX", help="--engine ray: size of the translator actor pool (each loads the model once).")] = "1:1",
    chunk_size: Annotated[int, typer.Option(min=1, rich_help_panel="Batch", metavar="N", help="Inputs per chunk: the translator gets a chunk's passages together; memory follows the chunk.")] = CHUNK_SIZE,
    gpus_per_actor: Annotated[float, typer.Option(min=0, rich_help_panel="Batch", metavar="N", help="--engine ray: GPUs each translator actor asks for (fractions share a GPU).")] = 0.0,
) -> None:
    """Check, retranslate, repair, score and write reports for each input."""
    from contextlib import ExitStack

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from pipeline.core.settings import Settings
    from pipeline.engines import default_jobs, run_batch
    from pipeline.stages.translate import TranslatorSlot
    from pipeline.util.outlock import OutputLocked, output_lock
    from pipeline.util.progress import PlainProgress
    from pipeline.report import error_row, summary_table, write_summary
    from pipeline.report.export import FindingsExport
    from pipeline.report.rowspool import RowSpool
    from pipeline.report.summary import SummaryNotWritten
    from pipeline.report.names import mirrored_stems
    from pipeline.report.run_summary import RunTally

    output_encoding, encoding = _encoding(output_encoding, "--output-encoding"), _encoding(encoding, "--encoding")
    cfg = _config(config, glossary, ignore, select, skip)
    models = _model_table(model, cfg.models, backend.value, device.value)  # a named model that is absent: exit 2
    _preflight(models.get("zh"), backend.value, device.value, round_trip_model if retranslate else None)
    report_kinds = _reports(reports)
    runner = _engine(engine.value, address, actors, gpus_per_actor)
    _load_ignore(cfg.ignore_file)  # a broken ignore list is a usage error, before any work
    if out.exists() and not out.is_dir():
        raise fail(f"--out {out}: exists and is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise fail(f"--out {out}: cannot create the folder: {err.strerror or err}") from None
    fail_on = fail_on or cfg.fail_on
    from pipeline.io import Fields

    inputs = _usage(job_list)(_usage(list_files)(paths, exclude=[out], paths_from=paths_from), source, input_format,
                              Fields(text_field, id_field, source_field, cleaned_field), in_place)
    files, corpora, count = inputs.files, inputs.corpora, inputs.record_count
    references = _usage(_usage(reference_texts)(ref, files))  # a reference is read when its input is
    settings = Settings(apply=cfg.apply if apply is None else _parse_apply(apply), model=models.pop("zh", DEFAULT_MODEL),
                        fallback_model=models.pop("fallback", None), models=models, backend=backend.value,
                        device=device.value, num_beams=beams, max_length=max_length, checks=cfg.checks,
                        threads=threads, batch_size=batch_size, chunk_size=chunk_size,
                        output_encoding=output_encoding, ignore_file=cfg.ignore_file, guard=guard,
                        jobs=jobs or default_jobs(len(files) + count), in_place=in_place, follow_links=follow_links, use_cache=not no_cache,
                        cache_dir=cache, retranslate=retranslate, encoding=encoding, reports=report_kinds,
                        record_reports=report_kinds is not None)  # a corpus record's own reports only when asked
    settings = replace(settings, round_trip_model=round_trip_model or settings.round_trip_model)
    slot = TranslatorSlot(settings)
    stems = mirrored_stems(files, [*(paths or [DEFAULT_INPUT])])
    rows, failed, resumed, worst, notices, tally, malformed = RowSpool(), 0, 0, None, Counter(), RunTally(), [0]
    position = {path_text(path): i for i, path in enumerate(files)}  # summaries list the inputs in this order
    writers = _corpus_writers(corpora, out)
    records = inputs.records(_malformed(malformed))
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    console = Console(stderr=True, soft_wrap=True, highlight=False)
    terminal = sys.stderr.isatty()
    plain = None if terminal else PlainProgress(len(files) + count, sys.stderr)  # log lines for CI and nohup
    export = FindingsExport(out) if settings.reports is None or "export" in settings.reports else None
    lock = ExitStack()  # held until the summary is written: a second run on --out is refused
    try:
        lock.enter_context(output_lock(out))
    except OutputLocked as err:
        raise fail(str(err), EXIT_FAILED) from None
    summary_error, written = None, []
    with lock, Progress(*columns, console=console, transient=True, disable=not terminal) as progress:
        task = progress.add_task("tqa run", total=len(files) + count)
        for outcome in run_batch(files, stems, settings, out, references, resume, fail_fast, slot, inputs.originals, records, count, runner):
            progress.advance(task)
            if plain is not None:
                plain.advance()
            if outcome.job.record is not None:
                notices.update(writers.take(outcome))
            if export is not None:
                if outcome.resumed:
                    record = outcome.job.record
                    export.add_resumed(out, outcome.job.stem, outcome.job.key, record and record.text, outcome.output)
                else:
                    export.add(outcome.export)
            if outcome.row is None:
                failed += 1
                console.print(printable(f"{outcome.job.path}: error: {outcome.error}"), markup=False)
                rows.add(error_row(path_text(outcome.job.path), outcome.job.stem, outcome.error or "failed"),
                         position.get(path_text(outcome.job.path), len(position)))
                continue
            rows.add(outcome.row, position.get(str(outcome.row.get("input")), len(position)))
            resumed += outcome.resumed
            notices.update(outcome.notices)
            tally.add(outcome, fail_on)
            if outcome.worst is not None and (worst is None or outcome.worst > worst):
                worst = outcome.worst
        rows.sort()  # in input order, however the chunks finished (failures first, resumed ones early)
        # a full disk, a folder squatting on a name: each file that cannot be written is named
        # on one line, and does not keep the others from being written
        written, left_out = writers.commit()  # the cleaned corpora, complete or not at all
        for path in left_out:
            typer.echo(printable(f"tqa: {path}: not written to {out}/, the run stopped before its last record"), err=True)
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
        for path, reason in unwritten:
            summary_error = f"tqa: error: cannot write {path}: {reason}"
            console.print(printable(summary_error), markup=False)
    Console(soft_wrap=False).print(summary_table(rows, text=printable))
    rows.close()
    for notice, n in sorted(notices.items()):
        typer.echo(f"tqa: {n} article(s) with {printable(notice)}", err=True)
    for line in tally.lines(fail_on):
        typer.echo(printable(line), err=True)
    if (cache_line := slot.tally.line()) is not None:  # every model's lookups
        typer.echo(f"tqa: {cache_line}", err=True)
    done = len(rows) - failed
    extra = f" ({resumed} unchanged since the last run)" if resumed else ""
    typer.echo(printable(f"tqa: {done} article(s) processed{extra}, {failed} failed; reports in {out}/"))
    for path in written:
        typer.echo(printable(f"tqa: cleaned corpus in {path}"))
    if malformed[0]:
        typer.echo(f"tqa: {malformed[0]} malformed record(s) skipped", err=True)
    if failed or summary_error or malformed[0]:
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


def _corpus_writers(corpora, out: Path):  # type: ignore[no-untyped-def]
    from pipeline.io import CorpusError
    from pipeline.stages.corpus import CorpusWriters

    try:
        return CorpusWriters(corpora, out)
    except CorpusError as err:
        raise fail(str(err)) from None


LangOpt = Annotated[Optional[str], typer.Option("--lang", metavar="LANG,...", help="Languages, comma-separated (ja,ko,ru): their models, from tqa.toml's \\[models] or Helsinki-NLP/opus-mt-{lang}-en.")]


def _router_and_languages(lang: str | None, config: Path | None):  # type: ignore[no-untyped-def]
    from pipeline.core.languages import Router, model_table

    cfg = _config(config, None, None)
    table = model_table(None, cfg.models)
    router = Router({"zh": DEFAULT_MODEL, **table}, table.get("fallback"))
    langs = [x.strip().lower() for x in (lang or "").split(",") if x.strip()]
    return router, langs, table


@models_app.command("pull")
def models_pull(
    model: Annotated[Optional[str], typer.Argument(metavar="MODEL", help="Hugging Face model id (default: the Chinese model, unless --lang).", show_default=False)] = None,
    lang: LangOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Download models into the Hugging Face cache ($HF_HOME) (needs network; refused when HF_HUB_OFFLINE is set)."""
    from pathlib import Path as _Path

    from pipeline.translate import ModelUnavailable
    from pipeline.translate.models import pull_model

    router, langs, _ = _router_and_languages(lang, config)
    wanted = ([model] if model else []) + [m for x in langs if (m := router.model_for(x))]
    for name in dict.fromkeys(wanted or [DEFAULT_MODEL]):
        if _Path(name).expanduser().is_dir():
            typer.echo(f"{name}: a local folder, nothing to pull")
            continue
        try:
            path = pull_model(name)
        except ModelUnavailable as err:
            raise fail(str(err)) from None
        typer.echo(f"{name}: saved in {path}")


@models_app.command("list")
def models_list(
    lang: LangOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Show the model each language would use and whether it is here, then every model in the caches."""
    import re

    from pipeline.translate.models import hf_cache_models, language_table, list_models, models_dir

    router, langs, table = _router_and_languages(lang, config)
    found = list_models() + hf_cache_models()
    cached = {m["name"] for m in found}
    # zh, the configured languages, those asked for, and those whose default model is cached
    defaults = sorted({m.group(1) for n in cached if (m := re.fullmatch(r"Helsinki-NLP/opus-mt-([a-z]{2,3})-en", n))})
    shown = list(dict.fromkeys(["zh", *(k for k in table if k != "fallback"), *langs, *defaults]))
    for row in language_table(router, shown):
        # a reverse (round-trip) entry such as en-ja is pulled by its model's name, not --lang
        how = f"--lang {row['language']}" if "-" not in row["language"] else row["model"]
        where = row["path"] or f"absent: tqa models pull {how}"
        typer.echo(f"{row['language']:<4} {row['model']:<40} {where}")
    if router.fallback:
        typer.echo(f"{'*':<4} {router.fallback:<40} (fallback for languages without a model)")
    if not found:
        typer.echo(f"no models in {models_dir()} or the Hugging Face cache; get one with `tqa models pull`")
        return
    typer.echo("\nmodels in the caches:")
    for m in found:
        typer.echo(f"{m['name']:<40} {m['backend']:<13} {m['size'] / 1e6:8.1f} MB  {m['path']}")


@models_app.command("convert")
def models_convert(
    model: Annotated[str, typer.Argument(metavar="MODEL", help="A model folder or a locally available model id.")] = DEFAULT_MODEL,
    out: Annotated[Optional[Path], typer.Option(metavar="DIR", help="Output folder (default: the model cache).")] = None,
    quantization: Annotated[str, typer.Option(metavar="TYPE", help="int8 (CPU), float16 (GPU), int8_float16, float32.")] = "int8",
) -> None:
    """Convert a Marian model for the fast CTranslate2 backend (`pip install 'tqa\\[ct2]'`)."""
    from pipeline.translate import ModelUnavailable
    from pipeline.translate.ct2 import convert_model

    try:
        path = convert_model(model, out, quantization=quantization)
    except (ModelUnavailable, ValueError) as err:
        raise fail(str(err)) from None
    typer.echo(f"{model}: converted ({quantization}) into {path}; use it with --backend ct2 --model {path}")


@app.command("apply")
def apply_decisions(
    decisions: Annotated[Path, typer.Argument(metavar="DECISIONS", help="A <stem>.decisions.json saved from a review page, or a <stem>.findings.json (= accept what was applied).", show_default=False)],
    out: Annotated[Optional[Path], typer.Option("--out", "-o", metavar="FILE", help="Where to write the final text (default: <stem>.final.txt beside the decisions).")] = None,
    input_file: Annotated[Optional[Path], typer.Option("--input", metavar="FILE", help="The original text, when it is no longer where the report says.")] = None,
) -> None:
    """Write the final text: the original input with exactly the accepted changes applied."""
    from pipeline.review.apply import ReviewError, apply_review

    try:
        done = apply_review(decisions, out, input_file)
    except ReviewError as err:
        raise fail(str(err)) from None
    typer.echo(printable(f"tqa: {done.accepted} change(s) accepted, {done.rejected} rejected; final text of {done.input} in {done.output}"))


def entry_point() -> None:
    """The ``tqa`` command. Typer's own usage errors (an unknown option or command, a bad
    value) come out as every other error does, one ``tqa: error:`` line, then where the help
    is; Typer would draw them in a box under the usage."""
    import sys

    try:
        status = app(standalone_mode=False, prog_name="tqa")
    except Exception as err:  # noqa: BLE001 - the framework's (vendored) usage error classes
        if not (hasattr(err, "format_message") and hasattr(err, "exit_code")):
            raise
        if type(err).__name__ != "NoArgsIsHelpError":  # a bare `tqa`: the help is shown already
            typer.echo(f"tqa: error: {printable(err.format_message())}", err=True)
            ctx = getattr(err, "ctx", None)
            if ctx is not None:
                typer.echo(f"(see: {ctx.command_path} --help)", err=True)
        sys.exit(err.exit_code)
    except typer.Abort:
        typer.echo("tqa: aborted", err=True)
        sys.exit(130)
    sys.exit(status if isinstance(status, int) else 0)

