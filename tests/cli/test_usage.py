"""What `--help` shows a user: argument and option names, not Python types."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from tests.support import REPO_ROOT


@pytest.mark.parametrize(
    "command, usage, metavars",
    [
        (["accept"], "REPORT", ["TEXT"]),
        (["apply"], "DECISIONS", ["FILE"]),
        (["review"], "OUT", ["PORT"]),
        (["models", "pull"], "[MODEL]", ["LANG,..."]),
        (["models", "convert"], "[MODEL]", ["DIR", "TYPE"]),
    ],
)
def test_arguments_and_options_are_named_in_help(command, usage, metavars):
    result = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0
    assert usage in result.stdout.split("Usage:")[1].splitlines()[0]
    assert all(f" {m} " in result.stdout for m in metavars)
    options = [line for line in result.stdout.splitlines() if "│ --" in line]
    assert not [line for line in options if "<path>" in line or "<str>" in line]
    # (the Arguments panel still shows <path>/<str> in its type column: Typer 0.29 has no override)


@pytest.mark.parametrize(
    "args, message, help_of",
    [
        (["check", "--bogus"], "No such option: --bogus", "tqa check"),
        (["chek"], "No such command 'chek'", "tqa"),
        (["check", "--jobs", "x"], "Invalid value for '--jobs'", "tqa check"),
    ],
)
def test_usage_errors_are_one_error_line_and_where_the_help_is(args, message, help_of):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"tqa: error: {message}") and lines[1:] == [f"(see: {help_of} --help)"]


def test_the_tqa_command_is_the_entry_point_that_words_usage_errors_so():
    import tomllib

    scripts = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["tqa"] == "pipeline.cli:entry_point"
