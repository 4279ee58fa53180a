"""Start-up: `tqa check` loads only what checking needs."""

from __future__ import annotations

import subprocess
import sys

from tests.support import REPO_ROOT

PROBE = """
import runpy, sys
sys.argv = ["tqa", "check", sys.argv[1]]
try:
    runpy.run_module("pipeline.cli", run_name="__main__")
except SystemExit:
    pass
print("LOADED", " ".join(m for m in ("jinja2", "wordfreq", "torch", "transformers", "pyarrow") if m in sys.modules))
"""


def test_tqa_check_does_not_load_the_report_templates_or_a_model_library() -> None:
    article = REPO_ROOT / "tests" / "data" / "clean" / "01_summit.txt"
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(article)],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env={"PYTHONPATH": str(REPO_ROOT), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    loaded = [line for line in proc.stdout.splitlines() if line.startswith("LOADED")]
    assert loaded == ["LOADED "], proc.stdout[-2000:] + proc.stderr[-2000:]


def test_the_word_table_read_directly_is_wordfreqs_own() -> None:
    from wordfreq import get_frequency_dict

    from pipeline.checks.resources.wordfreq_en import _read_table

    assert _read_table() == get_frequency_dict("en", wordlist="best")
