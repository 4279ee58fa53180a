"""Threads and backends: one intra-op thread by default, --threads to change it, workers pinned,
CTranslate2 picked on a CPU when it is installed and the model is converted."""

from __future__ import annotations

import os
import sys
import types
from pathlib import Path

import pytest

from pipeline.translate import auto_backend, load_translator


def test_the_model_runs_on_one_thread_unless_told(tiny_model_dir: Path) -> None:
    import torch

    before = torch.get_num_threads()
    try:
        load_translator(str(tiny_model_dir), backend="transformers", device="cpu")
        assert torch.get_num_threads() == 1
        load_translator(str(tiny_model_dir), backend="transformers", device="cpu", threads=2)
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)
    with pytest.raises(ValueError, match="threads must be a positive integer"):
        load_translator(str(tiny_model_dir), threads=0)


def test_ct2_gets_the_threads_too(tiny_ct2_dir: Path) -> None:
    translator = load_translator(str(tiny_ct2_dir), backend="ct2", device="cpu", threads=2, max_length=32)
    assert translator.threads == 2 and translator.translate(["中国"])  # type: ignore[attr-defined]


def test_worker_processes_pin_every_thread_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.stages import worker

    calls: list[int] = []
    monkeypatch.setitem(sys.modules, "torch", types.SimpleNamespace(set_num_threads=calls.append))
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        monkeypatch.delenv(name, raising=False)
    worker.pin_threads()
    assert calls == [1] and os.environ["OMP_NUM_THREADS"] == os.environ["MKL_NUM_THREADS"] == "1"


def test_auto_backend_prefers_ct2_on_a_cpu_when_converted(tiny_model_dir: Path, tiny_ct2_dir: Path) -> None:
    assert auto_backend(str(tiny_ct2_dir), "cpu") == "ct2"
    assert load_translator(str(tiny_ct2_dir), backend="auto", device="cpu").signature["backend"] == "ct2"
    assert auto_backend(str(tiny_model_dir), "cpu") == "transformers"  # not converted: the fallback
    assert auto_backend(str(tiny_ct2_dir), "cuda") == "transformers"  # the GPU default


def test_default_jobs_start_workers_only_for_batches_that_repay_them(monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline import engines

    monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0, 1}, raising=False)
    assert [engines.default_jobs(n) for n in (1, 64, 399, 400, 10_000)] == [1, 1, 1, 1, 1]  # 2 cores: -j 2 was slower
    assert engines.default_jobs() == 2
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0, 1, 2, 3}, raising=False)
    assert [engines.default_jobs(n) for n in (1, 399, 400, 600, 10_000)] == [1, 1, 2, 3, 3]  # one core left
