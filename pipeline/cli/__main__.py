"""``python -m pipeline.cli``: the ``tqa`` command."""

from pipeline.cli.app import entry_point

entry_point()
