"""``tqa review OUT``: review a run's articles in the browser, each decision saved on disk as it is made."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pipeline.cli.app import fail
from pipeline.util.terminal import printable


def review(
    out: Annotated[
        Path,
        typer.Argument(metavar="OUT", help="The reports folder of a `tqa run` (its --out).", show_default=False),
    ],
    port: Annotated[
        int,
        typer.Option(metavar="PORT", help="Port on 127.0.0.1 (0: any free one).", min=0, max=65535),
    ] = 0,
) -> None:
    """Serve the review pages of a run on this machine; every decision is saved as it is made.

    Prints an address with a random token; open it in a browser. The decisions of an
    article go to OUT/<stem>.decisions.json (what `tqa apply` and `tqa accept` read), and
    the page writes OUT/<stem>.final.txt on request (w). findings.jsonl and findings.csv
    follow a second after the last decision, and when the server stops. Ctrl+C stops it."""
    if not out.is_dir():
        raise fail(f"{out}: not a folder; give the --out folder of a tqa run")
    if next(out.rglob("*.findings.json"), None) is None:
        raise fail(
            f"{out}: no findings JSON (NAME.findings.json) to review; run tqa run with --reports including json and html"
        )
    from pipeline.review.server import serve

    def announce(url: str) -> None:
        typer.echo(printable(f"tqa: reviewing {out}/ at {url}"))
        typer.echo("tqa: open that address in a browser (it holds the access token); Ctrl+C stops", err=True)

    def warn(message: str) -> None:
        typer.echo(printable(f"tqa: {message}"), err=True)

    try:
        serve(out, port, announce=announce, warn=warn)
    except OSError as err:
        raise fail(f"cannot listen on 127.0.0.1:{port}: {err.strerror or err}") from None
