"""``tqa stats OUT``: each check's distributions over a run, to choose ``--fail-on`` or a threshold."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from pipeline.cli.app import fail
from pipeline.cli.options import ConfigOpt
from pipeline.util.terminal import printable, printable_json


def stats(
    out: Annotated[
        Path,
        typer.Argument(
            metavar="OUT", help="The --out folder of a `tqa run` (its summary.jsonl is read).", show_default=False
        ),
    ],
    plot_file: Annotated[
        Optional[Path],
        typer.Option(
            "--plot",
            metavar="FILE",
            help="Also write a PNG: a histogram of each check's score (needs matplotlib: `pip install 'tqa\\[stats]'`).",
        ),
    ] = None,
    only: Annotated[
        Optional[str],
        typer.Option("--check", metavar="ID,...", help="Only these checks (comma-separated ids)."),
    ] = None,
    bins: Annotated[int, typer.Option(metavar="N", min=2, max=100, help="Bins of the terminal histograms.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON instead of text.")] = False,
    config: ConfigOpt = None,
) -> None:
    """Per check: records flagged, the spread of its findings and score, and what a threshold would flag.

    Percentiles (p50, p90, p99, max) of findings per 1,000 words and of the score, a histogram of the score with what a threshold at each bin would flag, and what each fail_threshold of tqa.toml flags.

    Reads the run's summary only: nothing is checked again."""
    from pipeline.checks import ConfigurationError
    from pipeline.checks.catalog import catalog
    from pipeline.checks.scores import thresholds
    from pipeline.report.stats import NotAnOutput, plot, read_rows, run_stats, stats_text, summary_path
    from pipeline.stages.config import load_config

    try:
        limits = thresholds(load_config(config).checks)
    except ConfigurationError as err:
        raise fail(str(err)) from None
    if plot_file is not None:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            raise fail("--plot needs matplotlib: pip install 'tqa[stats]'") from None
        if plot_file.is_dir():
            raise fail(f"--plot {plot_file}: is a folder; name a .png file")
    try:
        figures = run_stats(read_rows(summary_path(out)))
    except NotAnOutput as err:
        raise fail(str(err)) from None
    names = {check: info.score for check, info in catalog().items()}
    if only is not None:
        wanted = {c.strip() for c in only.split(",") if c.strip()}
        unknown = sorted(wanted - set(names))
        if unknown:
            raise fail(f"--check: unknown check(s) {', '.join(unknown)}; known: {', '.join(sorted(names))}")
        figures.checks = {k: v for k, v in figures.checks.items() if k in wanted}
    if as_json:
        typer.echo(printable_json(json.dumps(figures.to_dict(limits), ensure_ascii=False, indent=2)))
    else:  # a line at a time: the check ids come from a file
        typer.echo("\n".join(map(printable, stats_text(figures, names, limits, bins).splitlines())))
    if plot_file is not None:
        try:
            plot(figures, plot_file, names, limits)
        except OSError as err:
            raise fail(f"--plot {plot_file}: cannot write: {err.strerror or err}") from None
        typer.echo(printable(f"tqa: plot written to {plot_file}"), err=True)
    sys.stdout.flush()
