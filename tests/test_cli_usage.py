"""What `--help` shows a user: argument and option names, not Python types."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from pipeline.cli import app


@pytest.mark.parametrize("command, usage, metavars", [
    (["accept"], "REPORT", ["TEXT"]),
    (["apply"], "DECISIONS", ["FILE"]),
    (["models", "pull"], "[MODEL]", ["LANG,..."]),
    (["models", "convert"], "[MODEL]", ["DIR", "TYPE"]),
])
def test_arguments_and_options_are_named_in_help(command, usage, metavars):
    result = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0
    assert usage in result.stdout.split("Usage:")[1].splitlines()[0]
    assert all(f" {m} " in result.stdout for m in metavars)
    options = [line for line in result.stdout.splitlines() if "│ --" in line]
    assert not [line for line in options if "<path>" in line or "<str>" in line]
    # (the Arguments panel still shows <path>/<str> in its type column: Typer 0.29 has no override)
