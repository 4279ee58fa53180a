"""Translators: one protocol, two backends (MarianMT via transformers, CTranslate2).

Importing this package stays cheap: torch, transformers and ctranslate2 are imported
only when a backend is loaded, so checking and reporting never pay for them.
"""

from __future__ import annotations

from typing import Any

from pipeline.core.settings import BACKENDS, BATCH_SIZE, DEFAULT_MODEL, DEVICES, MAX_LENGTH, NUM_BEAMS
from pipeline.translate.base import BaseTranslator, Translator, format_signature
from pipeline.translate.models import (
    ModelUnavailable,
    describe_model,
    list_models,
    models_dir,
    pull_model,
    resolve_model,
)

__all__ = [
    "BACKENDS",
    "DEFAULT_MODEL",
    "DEVICES",
    "BaseTranslator",
    "ModelUnavailable",
    "Translator",
    "describe_model",
    "format_signature",
    "list_models",
    "load_translator",
    "models_dir",
    "pull_model",
    "resolve_model",
]


def load_translator(
    model: str = DEFAULT_MODEL,
    backend: str = "transformers",
    device: str = "auto",
    num_beams: int = NUM_BEAMS,
    max_length: int = MAX_LENGTH,
    batch_size: int = BATCH_SIZE,
    threads: int = 1,
) -> Translator:
    """Load ``model`` (a folder or a model id found locally) with ``backend``.

    ``backend="auto"``: CTranslate2 on a CPU when it is installed and the model has been
    converted (`tqa models convert`), else transformers (and always transformers on a
    GPU). ``threads``: intra-op threads on a CPU; one by default, since torch's default
    (every core) was 4.4x slower here and oversubscribes cores next to worker processes.
    Raises ``ModelUnavailable`` (one line: how to get it) before any heavy import
    when the model is not on this machine.
    """
    if backend == "auto":
        backend = auto_backend(model, device)
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ValueError(f"load_translator: threads must be a positive integer, got {threads!r}")
    if backend not in BACKENDS:
        raise ValueError(f"load_translator: backend must be one of {', '.join(BACKENDS)}; got {backend!r}")
    if device not in DEVICES:
        raise ValueError(f"load_translator: device must be one of {', '.join(DEVICES)}; got {device!r}")
    options: dict[str, Any] = dict(
        device=device, num_beams=num_beams, max_length=max_length, batch_size=batch_size, threads=threads
    )
    if backend == "ct2":
        from pipeline.translate.ct2 import CT2Translator

        return CT2Translator(model, **options)
    from pipeline.translate.marian import MarianTranslator

    return MarianTranslator(model, **options)


def auto_backend(model: str, device: str = "auto") -> str:
    """``ct2`` when CTranslate2 is installed, the run is on a CPU and ``model`` is available
    converted; otherwise ``transformers``. Decided without importing torch."""
    if device not in ("auto", "cpu"):
        return "transformers"
    try:
        import ctranslate2
    except ImportError:
        return "transformers"
    if device == "auto" and ctranslate2.get_cuda_device_count() > 0:
        return "transformers"
    from pipeline.translate.models import resolve_model

    try:
        resolve_model(model, backend="ct2")
    except ModelUnavailable:
        return "transformers"
    return "ct2"
