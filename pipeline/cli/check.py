"""``tqa check`` (find defects, change nothing) and ``tqa checks`` (list them)."""

from __future__ import annotations

import sys
from collections import Counter
from typing import Annotated

import typer

from pipeline.cli.app import (
    EXIT_FAILED,
    EXIT_FINDINGS,
)
from pipeline.cli.options import (
    ConfigOpt,
    EncodingOpt,
    FailOn,
    GlossaryOpt,
    IdFieldOpt,
    IgnoreChecksOpt,
    IgnoreOpt,
    InputFormatOpt,
    OutputFormat,
    PathsArg,
    PathsFromOpt,
    SelectOpt,
    SourceFieldOpt,
    SourceOpt,
    TextFieldOpt,
    encoding_option,
    ignore_list,
    report_malformed,
    report_unreadable,
    run_config,
    usage_errors,
)
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
    fail_on: FailOn = None,
    select: SelectOpt = None,
    skip: IgnoreChecksOpt = None,
    source: SourceOpt = None,
    encoding: EncodingOpt = None,
    paths_from: PathsFromOpt = None,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            "-j",
            min=0,
            metavar="N",
            help="Worker processes (0: one per 200 inputs, one core left free).",
        ),
    ] = 0,
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
    from pipeline.io import Fields
    from pipeline.report.check_output import JsonOutput, TextOutput
    from pipeline.report.run_summary import fail_on_line
    from pipeline.stages.batch import Settings, check_jobs, default_jobs

    cfg = run_config(config, glossary, ignore, select, skip)
    ignore_list(cfg.ignore_file)  # a broken ignore list is a usage error, before any work
    fail_on = fail_on or cfg.fail_on
    encoding = encoding_option(encoding, "--encoding")
    output = (JsonOutput if fmt is OutputFormat.json else TextOutput)(sys.stdout)
    remaining, hidden, worst = Counter(), 0, None

    def take(path: str, prep, record: dict | None = None) -> None:  # type: ignore[no-untyped-def]
        nonlocal hidden, worst
        for notice in prep.notices:
            typer.echo(
                printable(f"{path}{'#' + record['id'] if record else ''}: {notice}"),
                err=True,
            )
        output.add(path, prep.doc, prep.findings, record)
        hidden += prep.hidden
        for f in prep.findings:
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
    if hidden:
        typer.echo(f"tqa: {hidden} finding(s) hidden by the ignore list", err=True)
    if malformed[0]:
        typer.echo(f"tqa: {malformed[0]} malformed record(s) skipped", err=True)
    if output.errors or malformed[0] or unreadable:
        raise typer.Exit(EXIT_FAILED)
    if fail_on is not None and worst is not None and worst >= fail_on:
        typer.echo(fail_on_line(fail_on, remaining), err=True)
        raise typer.Exit(EXIT_FINDINGS)


def list_checks() -> None:
    """List every check with its id, default severity and description."""
    from pipeline.checks.catalog import catalog

    for info in catalog().values():
        needs = f" (needs {info.needs})" if info.needs else ""
        typer.echo(f"{info.id:<24} {info.severity:<9} {info.description}{needs}")
