"""``tqa accept`` (findings into the ignore list) and ``tqa apply`` (decisions into the final text)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from pipeline.cli.app import EXIT_FAILED, fail
from pipeline.cli.options import ConfigOpt, IgnoreOpt, run_config
from pipeline.util.terminal import printable


def accept(
    report: Annotated[
        Path,
        typer.Argument(
            metavar="REPORT",
            help="A NAME.findings.json written by `tqa run`, or a NAME.decisions.json saved from its review page.",
            show_default=False,
        ),
    ],
    finding: Annotated[
        Optional[list[int]],
        typer.Option(
            "--finding",
            "-n",
            metavar="N",
            help="Position of a finding in the report (#N; repeatable); --id names one durably.",
        ),
    ] = None,
    finding_id: Annotated[
        Optional[list[str]],
        typer.Option(
            "--id",
            metavar="ID",
            help="Stable id of a finding, as `tqa check` and the review page show it (repeatable).",
        ),
    ] = None,
    check_id: Annotated[
        Optional[list[str]],
        typer.Option(
            "--check",
            metavar="CHECK",
            help="Accept every finding of this check (repeatable).",
        ),
    ] = None,
    everything: Annotated[
        bool,
        typer.Option("--all", help="Accept every finding of the report, critical ones included."),
    ] = False,
    note: Annotated[
        str,
        typer.Option(metavar="TEXT", help="Why it was accepted, kept in the ignore list."),
    ] = "",
    input_file: Annotated[
        Optional[Path],
        typer.Option(
            "--input",
            metavar="FILE",
            help="The article the report was made from, if it has moved.",
        ),
    ] = None,
    config: ConfigOpt = None,
    ignore: IgnoreOpt = None,
) -> None:
    """Accept chosen findings of a report (--id, --check, -n or --all) so later runs no longer report them.

    Given a decisions file saved from the review page, the findings the reviewer dismissed
    as false alarms are accepted; pending ones are left out."""
    from pipeline.checks import ConfigurationError
    from pipeline.review.ignore import DEFAULT_NAME, accept_from_report

    cfg = run_config(config, None, ignore)
    target = cfg.ignore_file or Path(DEFAULT_NAME)
    try:
        accepted = accept_from_report(
            report, target, check_id or (), finding or (), note, input_file, everything, finding_id or ()
        )
    except ConfigurationError as err:
        raise fail(str(err)) from None
    for a in accepted:
        text = a.text.replace("\n", "⏎")
        text = text if len(text) <= 60 else text[:57] + "..."
        typer.echo(
            printable(
                f"  {a.label} {a.severity} {a.check}: «{text}»"
                + (f" (id {a.id})" if a.id else "")
                + ("" if a.new else " (already accepted)")
            )
        )
    added = sum(a.new for a in accepted)
    typer.echo(
        printable(f"tqa: {added} finding(s) added to {target}")
        + (f", {len(accepted) - added} already there" if len(accepted) > added else "")
        + (
            f"; {accepted.pending} pending finding(s) left out (only dismissed ones are added)"
            if accepted.pending
            else ""
        )
    )


def apply_decisions(
    decisions: Annotated[
        Path,
        typer.Argument(
            metavar="DECISIONS",
            help="A <stem>.decisions.json saved from a review page, or a <stem>.findings.json (= accept what was applied).",
            show_default=False,
        ),
    ],
    out: Annotated[
        Optional[Path],
        typer.Option(
            "--out",
            "-o",
            metavar="FILE",
            help="Where to write the final text (default: <stem>.final.txt beside the decisions).",
        ),
    ] = None,
    input_file: Annotated[
        Optional[Path],
        typer.Option(
            "--input",
            metavar="FILE",
            help="The original text, when it is no longer where the report says.",
        ),
    ] = None,
) -> None:
    """Write the final text: the original input with exactly the accepted changes applied.

    A decisions file in a run's folder also brings the run's findings.jsonl and findings.csv
    in line with it."""
    from pipeline.review.apply import apply_review
    from pipeline.review.decisions import ReviewError
    from pipeline.review.refresh import after_apply

    try:
        done = apply_review(decisions, out, input_file)
    except ReviewError as err:
        raise fail(str(err)) from None
    if done.pending is None:  # a findings JSON or a first-version decisions file
        counts = f"{done.accepted} change(s) accepted, {done.rejected} rejected"
    else:
        counts = (
            f"{done.accepted} change(s) applied"
            + (f" ({done.own} the reviewer's own text)" if done.own else "")
            + f", {done.rejected} not; {done.pending} finding(s) still pending"
        )
    typer.echo(printable(f"tqa: {counts}; final text of {done.input} in {done.output}"))
    try:
        said = after_apply(decisions, done.output)
    except ValueError as err:  # the final text is written; the export is what failed, as a run's summaries can
        raise fail(f"{err}; the final text is written", EXIT_FAILED) from None
    if said:
        typer.echo(printable(f"tqa: {said}"))
