"""The Typer app: the ``tqa`` entry point, exit statuses and how errors are printed."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from pipeline import __version__
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


def fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    typer.echo(f"tqa: error: {printable(message)}", err=True)
    return typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tqa {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    """tqa: find, repair and report defects in English text machine-translated from Chinese and other languages."""


def entry_point() -> None:
    """The ``tqa`` command. Typer's own usage errors (an unknown option or command, a bad
    value) come out as every other error does, one ``tqa: error:`` line, then where the help
    is; Typer would draw them in a box under the usage."""

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
