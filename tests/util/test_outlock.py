"""One owner of the output folder's lock: `tqa run`, from before the batch through the summary.
(The refused second run and forked workers closing their copy: tests/end_to_end/test_hostile_inputs.py.)"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.util.outlock import LOCK_NAME, OutputLocked, output_lock

fcntl = pytest.importorskip("fcntl")


def _held_by_someone(out: Path) -> bool:
    """Whether a lock on ``out`` is held, asked from a new open file (as another run would)."""
    fd = os.open(out / LOCK_NAME, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def test_the_lock_is_not_taken_twice_even_by_its_own_process(tmp_path):
    out = tmp_path / "out"
    with output_lock(out):
        with pytest.raises(OutputLocked, match=f"another tqa run \\(pid {os.getpid()}\\)"):
            with output_lock(out):
                pass
        assert _held_by_someone(out)  # the refused second take did not release the first
    assert not _held_by_someone(out) and (out / LOCK_NAME).read_bytes() == b""


def test_tqa_run_holds_the_lock_while_it_writes_the_summary(tmp_path, monkeypatch):
    import pipeline.report as report

    src = tmp_path / "a.txt"
    src.write_text("Trade grew .\n", encoding="utf-8")
    out = tmp_path / "out"
    seen = []
    write_summary = report.write_summary

    def watched(rows, folder, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append((_held_by_someone(folder), (folder / LOCK_NAME).read_text(encoding="ascii")))
        return write_summary(rows, folder, *args, **kwargs)

    monkeypatch.setattr(report, "write_summary", watched)
    result = CliRunner().invoke(
        app, ["run", str(src), "--out", str(out), "-j", "1", "--no-retranslate"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert seen == [(True, f"{os.getpid()}\n")]
    assert not _held_by_someone(out) and (out / LOCK_NAME).read_bytes() == b""  # released, no pid left
