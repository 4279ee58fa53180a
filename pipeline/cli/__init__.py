"""The ``tqa`` command line (Typer): the app, its shared option types, a module per command group."""

from pipeline.cli.app import app, entry_point

__all__ = ["app", "entry_point"]
