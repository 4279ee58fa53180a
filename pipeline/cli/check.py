"""``tqa check`` (find defects, change nothing) and ``tqa checks`` (list them)."""

from __future__ import annotations

import os
import sys
from collections import Counter
from typing import IO, Annotated, Any, Optional

import typer

from pipeline.cli.app import (
    EXIT_FAILED,
    EXIT_FINDINGS,
)
from pipeline.cli.options import (
    ConfigOpt,
    EncodingOpt,
    GlossaryOpt,
    IdFieldOpt,
    IgnoreChecksOpt,
    IgnoreOpt,
    InputFormatOpt,
    JobsOpt,
    OutputFormat,
    PathsArg,
    PathsFromOpt,
    SelectOpt,
    SourceFieldOpt,
    SourceOpt,
    StorageOpt,
    TextFieldOpt,
    encoding_option,
    ignore_list,
    report_malformed,
    report_unreadable,
    run_config,
    storage_options,
    usage_errors,
)
from pipeline.core.findings import Severity
from pipeline.stages.job_list import (
    job_list,
    list_files,
    reads_stdin,
    stdin_jobs,
)
from pipeline.util.reading import path_text
from pipeline.util.terminal import printable


def check(
    paths: PathsArg = None,
    fmt: Annotated[
        OutputFormat,
        typer.Option(
            "--format",
            "-f",
            help="Output: text lines, or one JSON document (streamed file by file).",
        ),
    ] = OutputFormat.text,
    fail_on: Annotated[
        Optional[Severity],
        typer.Option(
            "--fail-on",
            rich_help_panel="Output",
            case_sensitive=False,
            help="Exit with status 1 when a finding of this severity or worse remains. Default: minor, so any "
            "finding gives status 1, as ruff and flake8 do (or tqa.toml's fail-on); --exit-zero turns it off.",
        ),
    ] = None,
    exit_zero: Annotated[
        bool,
        typer.Option("--exit-zero", rich_help_panel="Output", help="Exit with status 0 even when findings remain."),
    ] = False,
    select: SelectOpt = None,
    skip: IgnoreChecksOpt = None,
    source: SourceOpt = None,
    encoding: EncodingOpt = None,
    paths_from: PathsFromOpt = None,
    jobs: JobsOpt = 0,
    config: ConfigOpt = None,
    glossary: GlossaryOpt = None,
    ignore: IgnoreOpt = None,
    input_format: InputFormatOpt = None,
    text_field: TextFieldOpt = "text",
    id_field: IdFieldOpt = "id",
    source_field: SourceFieldOpt = None,
    storage: StorageOpt = None,
) -> None:
    """Find defects and print them; change nothing. `tqa check -` checks text on standard input.

    Exits 1 when findings remain (see --fail-on), like ruff and flake8."""
    from pipeline.checks.scores import counted, thresholds
    from pipeline.core.settings import Settings
    from pipeline.engines import check_jobs, default_jobs
    from pipeline.io import Fields
    from pipeline.original import MISFIT
    from pipeline.report.check_output import JsonOutput, TextOutput
    from pipeline.report.run_summary import fail_on_line, misfit_line

    storage_options(storage)
    cfg = run_config(config, glossary, ignore, select, skip)
    ignore_list(cfg.ignore_file)  # a broken ignore list is a usage error, before any work
    fail_on = None if exit_zero else fail_on or cfg.fail_on or Severity.MINOR
    limits = thresholds(cfg.checks)
    encoding = encoding_option(encoding, "--encoding")
    output = (JsonOutput if fmt is OutputFormat.json else TextOutput)(QuietPipe(sys.stdout))
    remaining, hidden, worst, misfits = Counter(), 0, None, 0

    def take(path: str, prep, record: dict | None = None) -> None:  # type: ignore[no-untyped-def]
        nonlocal hidden, worst, misfits
        misfits += any(n.startswith(MISFIT) for n in prep.notices)
        for notice in prep.notices:
            typer.echo(
                printable(f"{path}{'#' + record['id'] if record else ''}: {notice}"),
                err=True,
            )
        output.add(path, prep.doc, prep.findings, record)
        hidden += prep.hidden
        for f in counted(
            prep.findings, prep.doc.text, limits
        ):  # a check with a fail_threshold: when its score reaches it
            worst = f.severity if worst is None or f.severity > worst else worst
            if fail_on is not None and f.severity >= fail_on:
                remaining[f"{f.severity.value} {f.check}"] += 1

    malformed = [0]
    if reads_stdin(paths, paths_from):
        inputs = usage_errors(stdin_jobs)(sys.stdin.buffer, source, input_format)
    else:
        inputs = usage_errors(job_list)(
            usage_errors(list_files)(paths, paths_from=paths_from),
            source,
            input_format,
            Fields(text_field, id_field, source_field),
            named=None if paths_from is not None else (paths or []),
        )
    unreadable = report_unreadable(inputs)
    settings = Settings(
        apply=frozenset(),
        checks=cfg.checks,
        ignore_file=cfg.ignore_file,
        jobs=jobs or default_jobs(inputs.count),
        encoding=encoding,
    )
    output.begin()
    for job, prep in check_jobs(inputs.jobs(report_malformed(malformed)), settings, inputs.count):
        # a corpus record: its id and line/row beside the corpus's path; offsets are into its text
        record = {"id": job.record.id, "where": job.record.where} if job.record is not None else None
        if isinstance(prep, str):
            output.error(path_text(job.path), prep, record)
            typer.echo(printable(f"{job.key}: error: {prep}"), err=True)
        else:
            take(path_text(job.path), prep, record)
    output.end()
    output.stream.flush()  # here, not at the interpreter's exit: a closed pipe is quiet
    if hidden:
        typer.echo(f"tqa: {hidden} finding(s) hidden by the ignore list", err=True)
    if misfits:  # each named above with its figure
        typer.echo(f"tqa: {misfit_line(misfits, 'document')}", err=True)
    if malformed[0]:
        typer.echo(f"tqa: {malformed[0]} malformed record(s) skipped", err=True)
    if output.errors or malformed[0] or unreadable:
        raise typer.Exit(EXIT_FAILED)
    if fail_on is not None and worst is not None and worst >= fail_on:
        typer.echo(fail_on_line(fail_on, remaining), err=True)
        raise typer.Exit(EXIT_FINDINGS)


class QuietPipe:
    """Standard output that a reader may close early (``tqa check | head -1``): from then on
    what is written goes nowhere, the check runs to its end and the exit status is the one
    its findings give, every time, with no traceback."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream, self.closed_by_reader = stream, False

    def _closed(self) -> None:
        self.closed_by_reader = True
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:  # so that the interpreter's last flush at exit finds nothing to complain about
            os.dup2(devnull, self.stream.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        finally:
            os.close(devnull)

    def write(self, text: str) -> int:
        if not self.closed_by_reader:
            try:
                self.stream.write(text)
            except BrokenPipeError:
                self._closed()
        return len(text)

    def flush(self) -> None:
        if not self.closed_by_reader:
            try:
                self.stream.flush()
            except BrokenPipeError:
                self._closed()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def list_checks() -> None:
    """List every check: its id, default severity, description and score.

    A score is the findings per 1,000 words unless the list names another figure; tqa.toml's fail_threshold is on it."""
    from pipeline.checks.base import PER_1000W
    from pipeline.checks.catalog import catalog

    for info in catalog().values():
        needs = f" (needs {info.needs})" if info.needs else ""
        score = f"; score: {info.score}" if info.score != PER_1000W else ""
        typer.echo(f"{info.id:<24} {info.severity:<9} {info.description}{needs}{score}")
