"""Checks made before any work: what the user named explicitly must exist.

An explicitly named ``--model``, ``--device cuda``/``mps`` or ``--backend ct2`` that
cannot work is a usage error (exit 2) before a single file is read, never a notice at
the end of an hour's run. Only the *default* model being absent stays a notice: the
model-free run is a feature. Nothing here loads a model; torch or ctranslate2 is
imported only when a GPU device was asked for, to ask the library that would use it.
"""

from __future__ import annotations

from pipeline.translate import auto_backend
from pipeline.translate.models import ModelUnavailable, resolve_model


class PreflightError(Exception):
    """One line for the user: what was asked for and why it cannot be had."""


def _gpu_available(backend: str, device: str) -> bool:
    if backend == "ct2":
        try:
            import ctranslate2
        except ImportError:
            return False  # reported by the backend check
        return device == "cuda" and ctranslate2.get_cuda_device_count() > 0
    import torch

    if device == "cuda":
        return bool(torch.cuda.is_available())
    mps = getattr(torch.backends, "mps", None)
    return mps is not None and bool(mps.is_available())


def check_translation_setup(
    model: str | None, backend: str, device: str, default_model: str, round_trip_model: str | None = None
) -> None:
    """Raise ``PreflightError`` when an explicit choice cannot work here.

    ``model`` / ``round_trip_model`` are None when the user left the default.
    """
    if backend == "ct2":
        try:
            import ctranslate2  # noqa: F401
        except ImportError:
            raise PreflightError(
                "--backend ct2 needs ctranslate2: `pip install 'tqa[ct2]'`, or use --backend transformers"
            ) from None
        if device == "mps":
            raise PreflightError("--device mps: the ct2 backend runs on cpu or cuda only")
    if device in ("cuda", "mps") and not _gpu_available(backend, device):
        library = "ctranslate2" if backend == "ct2" else "torch"
        raise PreflightError(
            f"--device {device}: no {device.upper() if device == 'cuda' else 'MPS'} device is available to {library} here; use --device auto or cpu"
        )
    # --backend ct2 is an explicit choice too: it needs its converted model, default or not
    implied = model is None and backend == "ct2"
    for option, name in (
        ("--backend ct2: model" if implied else "--model", default_model if implied else model),
        ("--round-trip-model", round_trip_model),
    ):
        if name is None:
            continue
        try:
            resolve_model(name, auto_backend(name, device) if backend == "auto" else backend)
        except ModelUnavailable as err:
            raise PreflightError(f"{option} {name}: {err}") from None
