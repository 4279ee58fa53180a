"""``tqa check``'s exit status gates CI as ruff and flake8 do, the same on a closed pipe;
summaries off a terminal are plain lines with whole names."""

from __future__ import annotations

import os
import subprocess
import sys

from typer.testing import CliRunner

from tests.support import REPO_ROOT, tqa

runner = CliRunner()
ROOT = REPO_ROOT


def test_check_exits_1_when_a_finding_remains_and_0_when_told(tmp_path):
    (tmp_path / "a.txt").write_text("Relations are good -neighborly.\n", encoding="utf-8")
    assert tqa("check", tmp_path / "a.txt").exit_code == 1  # a minor finding: 1 by default
    assert tqa("check", tmp_path / "a.txt", "--fail-on", "major").exit_code == 0
    assert tqa("check", tmp_path / "a.txt", "--exit-zero").exit_code == 0
    (tmp_path / "b.txt").write_text("Trade grew by ten percent last year.\n", encoding="utf-8")
    assert tqa("check", tmp_path / "b.txt").exit_code == 0
    assert "--exit-zero" in tqa("check", "--help").output


def test_a_closed_pipe_ends_quietly_with_the_findings_status_every_time():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for _ in range(4):
        proc = subprocess.run(
            f"{sys.executable} -m pipeline.cli check seeds/ | head -1; exit ${{PIPESTATUS[0]}}",
            shell=True,
            executable="/bin/bash",
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == 1, proc.stderr
        assert (
            "Traceback" not in proc.stderr
            and "BrokenPipe" not in proc.stderr
            and "Exception ignored" not in proc.stderr
        )
        assert proc.stdout.count("\n") == 1


def test_the_run_summary_off_a_terminal_is_plain_lines_with_whole_names(tmp_path):
    name = "a-rather-long-article-name-that-a-table-would-fold-" + "x" * 80 + ".txt"
    (tmp_path / name).write_text("Relations are good -neighborly.\n", encoding="utf-8")
    result = tqa("run", tmp_path / name, "--out", tmp_path / "out", "-j", "1", "--no-retranslate")
    assert result.exit_code == 0, result.output
    assert name in result.stdout and "│" not in result.stdout and "┃" not in result.stdout
    assert any(line.startswith(str(tmp_path / name) + ": words ") for line in result.stdout.splitlines())
