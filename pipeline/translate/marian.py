"""MarianMT through transformers: the default backend."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pipeline.core.settings import DEFAULT_MODEL
from pipeline.translate.base import BaseTranslator
from pipeline.translate.models import describe_model, resolve_model

log = logging.getLogger(__name__)


@contextmanager
def quiet_transformers() -> Iterator[None]:
    """Silence what transformers prints on every load: a weights progress bar, a sacremoses nag.

    (MarianTokenizer only wants sacremoses for a normalizer it never applies.)
    """
    import transformers

    bars = transformers.utils.logging.is_progress_bar_enabled()
    transformers.utils.logging.disable_progress_bar()
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*sacremoses.*")
            yield
    finally:
        if bars:
            transformers.utils.logging.enable_progress_bar()


def pick_device(torch: Any, device: str) -> str:
    """``auto``: cuda, else mps, else cpu; an explicit device must exist."""
    has = {
        "cuda": torch.cuda.is_available(),
        "mps": getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available(),
        "cpu": True,
    }
    if device == "auto":
        return next(name for name in ("cuda", "mps", "cpu") if has[name])
    if not has.get(device, False):
        raise ValueError(f"MarianTranslator: device {device!r} is not available to torch here; use auto or cpu")
    return device


class MarianTranslator(BaseTranslator):
    """A Marian model and its tokenizer, loaded from a resolved local folder."""

    backend = "transformers"

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        device: str = "auto",
        num_beams: int = 4,
        max_length: int = 512,
        batch_size: int = 16,
        threads: int = 1,
    ) -> None:
        super().__init__(num_beams=num_beams, max_length=max_length, batch_size=batch_size)
        path = resolve_model(model)  # before importing torch: a missing model fails fast
        self._meta = describe_model(path, model)

        import torch
        import transformers
        from transformers import MarianMTModel, MarianTokenizer

        self._torch = torch
        self.device = pick_device(torch, device)
        if self.device == "cpu":
            torch.set_num_threads(threads)
        self.threads = threads
        # fp16 halves memory and time on GPUs; CPUs and MPS keep fp32 for exact, stable output
        self.dtype = torch.float16 if self.device == "cuda" else torch.float32
        with quiet_transformers():
            self._tokenizer = MarianTokenizer.from_pretrained(path)
            self._model = MarianMTModel.from_pretrained(path, dtype=self.dtype).to(self.device).eval()
        config = self._model.config
        # sinusoidal positions stop at max_position_embeddings: longer inputs/outputs would fail
        self._max_input = min(self._tokenizer.model_max_length, config.max_position_embeddings)
        self.max_length = min(max_length, config.max_position_embeddings - 1)  # signature shows the real limit
        self._library = f"transformers {transformers.__version__}, torch {torch.__version__}"

    def _describe(self) -> dict[str, Any]:
        return {
            **self._meta,
            "device": self.device,
            "dtype": str(self.dtype).removeprefix("torch."),
            "library": self._library,
        }

    def _token_lengths(self, texts: list[str]) -> list[int]:
        return [len(ids) for ids in self._tokenizer(texts)["input_ids"]]

    def _translate_batch(self, texts: list[str]) -> list[str]:
        batch = self._tokenizer(texts, return_tensors="pt", padding=True)
        too_long = int((batch["attention_mask"].sum(dim=1) > self._max_input).sum())
        if too_long:  # rare (requests are sentences), but never silent: the tail is lost
            log.warning("truncating %d input(s) to %d tokens", too_long, self._max_input)
            batch = self._tokenizer(
                texts, return_tensors="pt", padding=True, truncation=True, max_length=self._max_input
            )
        batch = batch.to(self.device)
        with self._torch.inference_mode():
            out = self._model.generate(**batch, num_beams=self.num_beams, max_new_tokens=self.max_length)
        return self._tokenizer.batch_decode(out, skip_special_tokens=True)
