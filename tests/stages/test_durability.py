"""Reports are made durable once per chunk, not with an fsync per file; every file stays atomic
and a manifest line still means "all its reports are on disk"."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.core.settings import Settings
from pipeline.engines import run_batch
from pipeline.stages import manifest
from pipeline.stages.manifest import Manifest
from pipeline.util import atomic


def test_a_chunk_costs_one_sync_not_an_fsync_per_report(
    tmp_path: Path, sample_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    text = sample_path.read_text(encoding="utf-8")
    paths = []
    for k in range(12):
        path = inputs / f"a{k:02}.txt"
        path.write_text(text.replace("January", f"January {k}"), encoding="utf-8")
        paths.append(path)
    fsyncs: list[int] = []
    syncs: list[tuple[Path, int]] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: fsyncs.append(fd) or real_fsync(fd))
    out = tmp_path / "out"

    def sync(folder: Path) -> None:
        # when the chunk is synced, every report of it is already in place, and not yet in the manifest
        syncs.append((folder, len(Manifest(out).load())))
        atomic.sync_folder(folder)

    monkeypatch.setattr(manifest, "sync_folder", sync)
    settings = Settings(retranslate=False, chunk_size=5, jobs=1)
    outcomes = list(run_batch(paths, {p: p.stem for p in paths}, settings, out))
    assert all(o.row is not None for o in outcomes)
    assert syncs == [(out, 0), (out, 5), (out, 10)]  # three chunks: 5, 5, 2
    assert len(fsyncs) == 3  # one per chunk, for its manifest lines (48 report files: 192 fsyncs before)
    entries = list(Manifest(out).load().entries())
    assert len(entries) == 12 and all((out / name).is_file() for e in entries for name in e["outputs"])
    assert not list(out.glob(".*.tmp"))


def test_sync_folder_makes_files_durable_without_error(tmp_path: Path) -> None:
    atomic.write_atomic(tmp_path / "x.txt", "data", durable=False)
    atomic.sync_folder(tmp_path)
    assert (tmp_path / "x.txt").read_text() == "data"
