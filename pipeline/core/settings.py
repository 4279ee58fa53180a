"""``Settings``, everything that decides a run's output, and every default in one place.

The model ids, the backends, devices and engines the CLI offers, the repair origins and
the sizes below are written here only; the CLI, the translators and the stages import them.
``Settings.describe()`` is hashed into the manifest: what it returns decides ``--resume``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.core.languages import Router
from pipeline.util.digest import file_hash

DEFAULT_MODEL = "Helsinki-NLP/opus-mt-zh-en"  # Chinese -> English
ROUND_TRIP_MODEL = "Helsinki-NLP/opus-mt-en-zh"  # English -> Chinese, for round trips
BACKENDS = ("transformers", "ct2")  # what ``load_translator`` loads
BACKEND_CHOICES = ("auto", *BACKENDS)  # auto: ct2 on a CPU when installed and converted, else transformers
DEVICES = ("auto", "cpu", "cuda", "mps")
ENGINES = ("local", "ray")
ORIGINS = ("rule", "glossary", "marian")  # where an edit comes from; --apply picks among them
DEFAULT_APPLY = frozenset({"rule", "marian"})
NUM_BEAMS = 4
MAX_LENGTH = 512  # tokens generated per segment
BATCH_SIZE = 16  # segments per model call
CHUNK_SIZE = 64  # inputs per chunk: memory follows the chunk


@dataclass
class Settings:
    """Everything that decides a run's output (recorded in every report and the manifest)."""

    apply: frozenset[str] = DEFAULT_APPLY
    model: str = DEFAULT_MODEL  # the Chinese model
    models: dict[str, str] = field(default_factory=dict)  # other languages' models (default opus-mt-{lang}-en)
    fallback_model: str | None = None  # for a language whose own model is missing (opt-in: opus-mt-mul-en)
    backend: str = "transformers"  # the CLI's default is auto
    device: str = "auto"
    num_beams: int = NUM_BEAMS
    max_length: int = MAX_LENGTH
    batch_size: int = BATCH_SIZE
    checks: dict[str, dict[str, Any]] = field(default_factory=dict)
    output_encoding: str | None = None
    ignore_file: Path | None = None  # accepted findings (review memory), not reported again
    guard: bool = True  # reject model output that is worse than the passage it replaces
    retranslate: bool = True  # retranslate flagged sentences (from the original, else by round trip)
    round_trip_model: str = ROUND_TRIP_MODEL
    encoding: str | None = None  # --encoding: read every input so (None: detect)
    reports: frozenset[str] | None = None  # --reports: what is written (None: everything)
    # How the run goes, not what it produces (left out of ``describe``):
    record_reports: bool = False  # per-record report files for corpus records (--reports)
    jobs: int = 1
    threads: int = 1  # intra-op threads of the model (workers always get one)
    chunk_size: int = CHUNK_SIZE
    in_place: bool = False
    follow_links: bool = False  # --in-place may rewrite what a symlink points to outside its folder
    use_cache: bool = True
    cache_dir: Path | None = None  # None: $TQA_CACHE_DIR or the user cache folder

    def router(self) -> Router:
        return Router({**self.models, "zh": self.model}, self.fallback_model)

    def describe(self) -> dict[str, Any]:
        routing = {"models": dict(sorted(self.models.items()))} if self.models else {}
        if self.fallback_model:
            routing["fallback_model"] = self.fallback_model
        return {
            "tqa": __version__,
            "apply": sorted(self.apply),
            "model": self.model,
            "backend": self.backend,
            "num_beams": self.num_beams,
            "max_length": self.max_length,
            "checks": self.checks,
            "output_encoding": self.output_encoding,
            "ignore": _ignore_digest(self.ignore_file),
            "guard": self.guard,
            "retranslate": self.retranslate,
            "round_trip_model": self.round_trip_model if self.retranslate else None,
            **routing,  # only when set: the settings of a Chinese-only run are as before
            **({"encoding": self.encoding} if self.encoding else {}),
            **({"reports": sorted(self.reports)} if self.reports is not None else {}),
        }


def _ignore_digest(path: Path | None) -> str | None:
    """The ignore list's content decides the findings, so its hash belongs to the settings."""
    if path is None or not path.is_file():
        return None
    return file_hash(path)[:16]
