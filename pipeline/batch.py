"""Running the stages over many documents.

Documents go through in chunks: check and plan each one, send every translation request
of the chunk to the model together (deduplicated), then apply, verify, score and write
the reports of each document, and let it go. Memory is bounded by the chunk size, not by
the number of documents.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .checks import Check, build_checks, run_checks
from .document import Document, InputError, load_document
from .edits import Edit, apply_edits
from .findings import Finding
from .plan import DEFAULT_APPLY, Plan, join_translation, make_plan
from .result import ArticleResult, Skipped
from .score import compute_scores

MODEL_HINT = "run `tqa models pull` or pass --model DIR"


@dataclass
class Settings:
    """Everything that decides a run's output (recorded in every report)."""

    apply: frozenset[str] = DEFAULT_APPLY
    model: str = "Helsinki-NLP/opus-mt-zh-en"
    backend: str = "transformers"
    device: str = "auto"
    num_beams: int = 4
    max_length: int = 512
    batch_size: int = 16
    checks: dict[str, dict[str, Any]] = field(default_factory=dict)
    chunk_size: int = 64

    def describe(self) -> dict[str, Any]:
        return {
            "tqa": __version__,
            "apply": sorted(self.apply),
            "model": self.model,
            "backend": self.backend,
            "num_beams": self.num_beams,
            "max_length": self.max_length,
            "checks": self.checks,
        }


@dataclass
class Prepared:
    doc: Document
    findings: list[Finding]
    plan: Plan


def prepare(doc: Document, checks: list[Check], apply: Iterable[str]) -> Prepared:
    findings = run_checks(doc, checks)
    return Prepared(doc, findings, make_plan(doc, findings, apply))


def finish(
    prep: Prepared,
    checks: list[Check],
    translations: dict[str, str] | None,
    settings: dict[str, Any],
    missing_model: str | None = None,
    reference: str | None = None,
) -> ArticleResult:
    """Apply the plan (with the model's translations when there are any), verify and score."""
    doc, plan = prep.doc, prep.plan
    edits: list[Edit] = list(plan.edits)
    skipped = [Skipped(span, reason) for span, reason in plan.untranslatable]
    for request in plan.requests:
        if translations is None:
            skipped.append(Skipped(request.span, missing_model or "no translation model"))
            continue
        replacement = join_translation(doc, request, [translations[s] for s in request.segments])
        edits.append(Edit(request.span, replacement, request.reason, "marian", "untranslated"))
    cleaned = apply_edits(doc.text, edits)
    after = run_checks(Document.from_text(cleaned), checks)
    notices = []
    if plan.requests and translations is None:
        notices.append(f"{len(plan.requests)} passage(s) not retranslated: {missing_model}")
    return ArticleResult(
        doc=doc,
        findings=prep.findings,
        applied=sorted(edits, key=lambda e: e.span),
        suggestions=plan.suggestions,
        skipped=sorted(skipped, key=lambda s: s.span),
        cleaned=cleaned,
        findings_after=after,
        scores=compute_scores(doc.text, prep.findings, cleaned, after, reference),
        settings=settings,
        notices=notices,
    )


class TranslatorSlot:
    """Loads the translator on first use only, so runs without Chinese never import torch."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.translator: Any = None
        self.error: str | None = None

    def get(self) -> Any:
        if self.translator is None and self.error is None:
            from .translate import ModelUnavailable, load_translator

            s = self.settings
            try:
                self.translator = load_translator(
                    s.model, backend=s.backend, device=s.device, num_beams=s.num_beams,
                    max_length=s.max_length, batch_size=s.batch_size,
                )
            except ModelUnavailable as err:
                self.error = str(err)
        return self.translator


def translate_chunk(preps: list[Prepared], slot: TranslatorSlot) -> dict[str, str] | None:
    """Translate every distinct segment of the chunk in one call; None when there is no model."""
    segments = sorted({s for p in preps for r in p.plan.requests for s in r.segments}, key=len)
    if not segments:
        return {}
    translator = slot.get()
    if translator is None:
        return None
    return dict(zip(segments, translator.translate(segments)))


@dataclass
class Outcome:
    """One input's end: a result, or the one-line reason it failed."""

    path: Path
    result: ArticleResult | None = None
    error: str | None = None


def _chunks(items: list[Path], size: int) -> Iterator[list[Path]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def run_batch(
    paths: list[Path],
    settings: Settings,
    references: Callable[[Path], str | None] = lambda _: None,
) -> Iterator[Outcome]:
    """Process ``paths`` chunk by chunk, yielding each input's outcome as soon as it is done."""
    checks = build_checks(settings.checks)
    slot = TranslatorSlot(settings)
    described = settings.describe()
    for chunk in _chunks(paths, settings.chunk_size):
        preps: list[tuple[Path, Prepared]] = []
        for path in chunk:
            try:
                preps.append((path, prepare(load_document(path), checks, settings.apply)))
            except InputError as err:
                yield Outcome(path, error=str(err))
        translations = translate_chunk([p for _, p in preps], slot)
        run_settings = dict(described)
        if slot.translator is not None:
            run_settings["translator"] = slot.translator.signature
        missing = f"{slot.error}" if slot.error else None
        for path, prep in preps:
            yield Outcome(path, finish(prep, checks, translations, run_settings, missing, references(path)))
