"""What several test modules share: where the repository and the test data are, `tqa` run in
this process, what a check finds, a hard time limit, and a run killed part way (the tiny model
and the Ray runs have modules of their own)."""

from __future__ import annotations

import faulthandler
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from typer.testing import CliRunner

REPO_ROOT = Path(__file__).parent.parent.parent
TEST_DATA = REPO_ROOT / "tests" / "data"

runner = CliRunner()


def tqa(*args: object, **invoke: Any) -> Result:
    """``tqa ARGS...`` in this process, each argument as its str; an exception the command raises
    fails the test with its own traceback instead of becoming an exit code. ``invoke`` goes to
    ``CliRunner.invoke`` (``input=``, ``env=``)."""
    from pipeline.cli import app

    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False, **invoke)


def hits(check: Any, text: str, **options: Any) -> list[tuple[str, str | None]]:
    """What ``check`` finds in ``text``: each finding's text and its suggested replacement.
    ``check`` is a check class (made here with ``options``) or a check already made."""
    from pipeline.core.document import Document

    made = check(**options) if isinstance(check, type) else check
    return [(f.span.of(text), f.replacement) for f in made.find(Document.from_text(text))]


FAITHFUL_ARTICLES = ("rail", "summit")  # tests/data/parallel: faithful translations with their originals


def faithful_findings(name: str, *checks: str) -> list[Any]:
    """The findings of ``checks`` when every source check runs over the faithful article pair
    ``name`` of tests/data/parallel (``NAME.en.txt`` with ``NAME.zh.txt``)."""
    from pipeline.checks.runner import run_source_checks
    from pipeline.core.document import load_document
    from pipeline.original.files import load_source
    from pipeline.original.pair import pair_documents

    parallel = TEST_DATA / "parallel"
    pair = pair_documents(load_document(parallel / f"{name}.en.txt"), load_source(parallel / f"{name}.zh.txt"))
    return [f for f in run_source_checks(pair) if f.check in checks]


def hard_timeout(seconds: float) -> Callable[[], Iterator[None]]:
    """An autouse fixture for a module whose tests hang rather than fail when something breaks
    (a Ray run): past ``seconds`` faulthandler prints every thread's stack and ends the process."""

    @pytest.fixture(autouse=True)
    def _hard_timeout() -> Iterator[None]:
        faulthandler.dump_traceback_later(seconds, exit=True)
        yield
        faulthandler.cancel_dump_traceback_later()

    return _hard_timeout


def kill_part_way(command: list[str], out: Path, env: dict[str, str], after: int = 40, before_kill=None):  # type: ignore[no-untyped-def]
    """Start ``command --out out``, wait until its manifest lists ``after`` finished inputs
    (or it ends, or 10 minutes pass: generous, for a loaded machine), SIGKILL it; return what
    ``before_kill(proc)`` returned and the number of manifest lines at the kill (0: none yet).
    The resume tests of folders and corpora share it."""
    import signal
    import subprocess
    import time

    proc = subprocess.Popen(
        [*command, "--out", str(out)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    manifest = out / "manifest.jsonl"
    deadline = time.monotonic() + 600  # 60 s was too short at load 40: killed before its first line
    while time.monotonic() < deadline and proc.poll() is None:
        if manifest.exists() and manifest.read_text(encoding="utf-8").count("\n") >= after:
            break
        time.sleep(0.02)
    seen = before_kill(proc) if before_kill is not None else None
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return seen, manifest.read_text(encoding="utf-8").count("\n") if manifest.exists() else 0


def count_length_costs(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Count the length costs the sentence aligner computes (``calls["n"]``): one ``erfc`` each,
    since its loop inlines ``length_cost``. The measure of its work in the linear-time tests."""
    import math
    import types

    import pipeline.original.align as align_module

    calls = {"n": 0}

    def counted(x: float) -> float:
        calls["n"] += 1
        return math.erfc(x)

    counting_math = types.SimpleNamespace(
        **{name: getattr(math, name) for name in dir(math) if not name.startswith("_")}
    )
    counting_math.erfc = counted
    monkeypatch.setattr(align_module, "math", counting_math)
    return calls
