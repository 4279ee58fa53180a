"""Translating a chunk's passages with the model of each passage's language.

Requests are grouped by model: each model gets one call with all its distinct segments,
loaded once and kept while it is used. Loaded models live in a small LRU whose bound is
the size of their weights, so an article mixing ten languages does not hold ten models.
A model that is not on this machine costs only its own passages (they are skipped with
its reason, or go to the opt-in fallback model); the rest of the chunk is translated.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

DEFAULT_MAX_BYTES = 4 << 30  # weights of loaded models; opus-mt models are ~300 MB each


@dataclass
class Translations:
    """A chunk's model outputs: by model asked for, then by segment."""

    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)  # model -> why it could not translate
    used: dict[str, str] = field(default_factory=dict)  # model asked for -> model that answered

    def lookup(self, model: str, segments: Iterable[str]) -> list[str] | str:
        """The outputs for ``segments``, or the one-line reason there are none."""
        if model in self.missing:
            return self.missing[model]
        done = self.outputs.get(model, {})
        return [done[s] for s in segments]

    def subset(self, requests: Iterable[Any]) -> Translations:
        """Only what ``requests`` need (what a worker process is sent)."""
        part = Translations(missing=dict(self.missing), used=dict(self.used))
        for r in requests:
            if r.model in self.outputs:
                part.outputs.setdefault(r.model, {}).update({s: self.outputs[r.model][s] for s in r.segments})
        return part


class ModelPool:
    """Translator slots by model id, least recently used dropped beyond ``max_bytes``.

    ``make_slot(model)`` builds a slot (loads on first ``get()``); ``pinned`` slots (the run's
    main model, whose cache statistics the CLI prints) are never dropped.
    """

    def __init__(
        self,
        make_slot: Callable[[str], Any],
        pinned: dict[str, Any] | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        fallback: str | None = None,
        router: Any = None,
    ) -> None:
        from pipeline.core.languages import Router

        self.make_slot = make_slot
        self.router = router or Router()
        self.pinned = dict(pinned or {})
        self.max_bytes = max_bytes
        self.fallback = fallback
        self.loaded: OrderedDict[str, tuple[Any, int]] = OrderedDict()  # model -> (slot, bytes)
        self.errors: dict[str, str] = {}
        self.signatures: dict[str, dict[str, Any]] = {}  # every model that translated, for the reports

    def get(self, model: str) -> Any | None:
        """The translator for ``model``, loading it if needed; None (see ``errors``) if unavailable."""
        if model in self.errors:
            return None
        if model in self.pinned:
            slot = self.pinned[model]
        elif model in self.loaded:
            self.loaded.move_to_end(model)
            slot = self.loaded[model][0]
        else:
            slot = self.make_slot(model)
            if slot.get() is not None:
                self.loaded[model] = (slot, _weights_bytes(model, slot))
                self._shrink(keep=model)
        translator = slot.get()
        if translator is None:
            self.errors[model] = slot.error or f"model {model} could not be loaded"
            return None
        self.signatures[model] = translator.signature
        return translator

    def _shrink(self, keep: str) -> None:
        while sum(size for _, size in self.loaded.values()) > self.max_bytes and len(self.loaded) > 1:
            oldest = next(iter(self.loaded))
            if oldest == keep:
                break
            del self.loaded[oldest]  # the model is freed with its slot

    def translate(self, requests: Iterable[Any]) -> Translations:
        """Every distinct segment of ``requests`` through its request's model, one call per model."""
        by_model: dict[str, set[str]] = {}
        for r in requests:
            by_model.setdefault(r.model, set()).update(r.segments)
        done = Translations()
        for model, segments in by_model.items():
            if not segments:
                continue
            answering, translator = model, self.get(model)
            if translator is None and self.fallback and self.fallback != model:
                answering, translator = self.fallback, self.get(self.fallback)
            if translator is None:
                done.missing[model] = self.errors[model]
                continue
            ordered = sorted(segments, key=lambda s: (len(s), s))
            done.outputs[model] = dict(zip(ordered, translator.translate(ordered)))
            done.used[model] = answering
        return done


def _weights_bytes(model: str, slot: Any) -> int:
    from pipeline.translate.models import CT2_WEIGHTS, HF_WEIGHTS, ModelUnavailable, resolve_model

    try:
        folder = resolve_model(model, getattr(slot.settings, "backend", "transformers"))
    except (ModelUnavailable, OSError):
        return 0
    return sum((folder / name).stat().st_size for name in (CT2_WEIGHTS, *HF_WEIGHTS) if (folder / name).is_file())
