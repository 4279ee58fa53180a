"""The translate stage of a chunk: the run's models (``TranslatorSlot``, ``model_pool``), one
call per model for the chunk's passages (``translate_chunk``), the flagged sentences'
retranslations (``retranslate_chunk``), and ``Stages``, which holds them for an engine."""

from __future__ import annotations

from typing import Any

from pipeline.checks import Check, build_checks
from pipeline.core.settings import Settings
from pipeline.stages.job import Job, Prepared
from pipeline.translate.cache_tally import CacheTally
from pipeline.translate.pool import ModelPool, Translations


class PooledModel:
    """A model of ``pool`` used like a ``TranslatorSlot``: loaded on the first ``get()``."""

    def __init__(self, pool: ModelPool, model: str) -> None:
        self.pool, self.model = pool, model

    def get(self) -> Any:
        return self.pool.get(self.model)


class TranslatorSlot:
    """Loads the translator on first use only, so runs without Chinese never import torch."""

    def __init__(self, settings: Settings, model: str | None = None, tally: CacheTally | None = None) -> None:
        self.settings = settings
        self.model = model or settings.model
        self.translator: Any = None
        self.cache: Any = None
        self.error: str | None = None
        self.tally = tally if tally is not None else CacheTally()  # shared by the run's slots

    def get(self) -> Any:
        if self.translator is None and self.error is None:
            from pipeline.translate import ModelUnavailable, load_translator

            s = self.settings
            try:
                self.translator = load_translator(
                    self.model,
                    backend=s.backend,
                    device=s.device,
                    num_beams=s.num_beams,
                    max_length=s.max_length,
                    batch_size=s.batch_size,
                    threads=s.threads,
                )
            except (ModelUnavailable, ValueError) as err:
                self.error = str(err)
                return None
            if s.use_cache:
                from pipeline.translate.cache import CachedTranslator, TranslationCache

                self.cache = TranslationCache.in_dir(s.cache_dir)
                self.translator = CachedTranslator(self.translator, self.cache)
                self.tally.count(self.model, self.translator)
        return self.translator


def model_pool(settings: Settings, slot: TranslatorSlot) -> ModelPool:
    """The run's models by language; ``slot`` (the Chinese model) is kept loaded throughout."""
    return ModelPool(
        lambda model: TranslatorSlot(settings, model, slot.tally),
        {slot.model: slot},
        fallback=settings.fallback_model,
        router=settings.router(),
    )


def translate_chunk(preps: list[Prepared], pool: ModelPool) -> Translations:
    """Translate every distinct segment of the chunk: one call per model."""
    return pool.translate(r for p in preps for r in p.plan.requests)


class Stages:
    """The run-wide pieces of the translate stage: the settings a report records, the models,
    the checks. An engine builds one where its translator runs (one per actor on Ray)."""

    def __init__(self, settings: Settings, slot: TranslatorSlot) -> None:
        self.settings = settings
        self.described = settings.describe()
        self.slot = slot
        self.pool = model_pool(settings, slot)
        self.checks = build_checks(settings.checks)
        self.round_trip = TranslatorSlot(settings, settings.round_trip_model, slot.tally)

    def translate(self, ready: list[tuple[Job, Prepared]]) -> tuple[list[Translations], dict[str, Any]]:
        """Translate a chunk's requests (one call per model), retranslate its flagged
        sentences; each article's translations, and the settings its reports record."""
        translations = translate_chunk([p for _, p in ready], self.pool)
        if self.settings.retranslate:
            retranslate_chunk(ready, self.checks, self.slot, self.round_trip, self.pool)
        run_settings = dict(self.described)
        if self.slot.translator is not None:
            run_settings["translator"] = self.slot.translator.signature
        others = {m: sig for m, sig in self.pool.signatures.items() if m != self.slot.model}
        if others:  # the other languages' models, only where some were used
            run_settings["translators"] = others
        return [_subset(translations, p) for _, p in ready], run_settings


def _subset(translations: Translations, prep: Prepared) -> Translations:
    return translations.subset(prep.plan.requests)


class ChunkMemo:
    """A translator that remembers its answers for one chunk.

    The chunk's sentences go to the model together first (one batched call per direction);
    the per-article retranslation steps then find their sentences here, with or without
    the persistent cache.
    """

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.memo: dict[str, str] = {}

    @property
    def signature(self) -> dict[str, Any]:
        return self.inner.signature

    def translate(self, texts: list[str]) -> list[str]:
        missing = [t for t in dict.fromkeys(texts) if t not in self.memo]
        if missing:
            self.memo.update(zip(missing, self.inner.translate(missing)))
        return [self.memo[t] for t in texts]


def retranslate_chunk(
    ready: list[tuple[Job, Prepared]],
    checks: list[Check],
    slot: TranslatorSlot,
    round_trip: TranslatorSlot,
    pool: ModelPool | None = None,
) -> None:
    """Flagged sentences of a chunk: proposals from the original or by round trip, each with
    its decision, stored on each ``Prepared``. Runs in the main process, which holds the
    models; a model loads only when a sentence needs it. An original in another language
    than Chinese (Japanese) is translated by that language's model from ``pool``, and its
    round trips go English -> that language (``Router.reverse_model_for``) and back."""
    from pipeline.stages.retranslate import plan_retranslations

    wanted = {id(prep): plan_retranslations(prep.doc, prep.findings, prep.pair) for _, prep in ready}
    todo = [(job, prep) for job, prep in ready if wanted[id(prep)] or prep.pair is not None]
    foreign = [(job, prep) for job, prep in todo if prep.pair is not None and prep.pair.language != "zh"]
    if pool is not None:
        for lang in sorted({prep.pair.language for _, prep in foreign}):
            group = [(job, prep) for job, prep in foreign if prep.pair.language == lang]
            model = pool.router.model_for(lang) or ""
            reverse = PooledModel(pool, pool.router.reverse_model_for(lang))
            _retranslate_group(group, wanted, checks, pool.get(model), pool.errors.get(model), reverse, lang)
        todo = [(job, prep) for job, prep in todo if prep.pair is None or prep.pair.language == "zh"]
    if todo:
        _retranslate_group(todo, wanted, checks, slot.get(), slot.error, round_trip)


def _retranslate_group(
    todo: list[tuple[Job, Prepared]],
    wanted: dict[int, list[Any]],
    checks: list[Check],
    translator: Any,
    error: str | None,
    round_trip: TranslatorSlot | PooledModel | None,
    language: str = "zh",
) -> None:
    """``retranslate_chunk`` for articles whose originals (if any) are in one language."""
    from pipeline.stages.proposals import ROUND_TRIP, SOURCE
    from pipeline.stages.retranslate import retranslate
    from pipeline.stages.retranslate import round_trip as translate_both_ways

    if translator is None:
        for _, prep in todo:
            if wanted[id(prep)]:
                prep.notices.append(f"flagged sentences not retranslated: {error}")
        return
    zh_en = ChunkMemo(translator)
    requests = [r for _, prep in todo for r in wanted[id(prep)]]
    zh_en.translate(sorted({s for r in requests if r.mechanism == SOURCE for s in r.segments}, key=len))
    english = sorted({r.segments[0] for r in requests if r.mechanism == ROUND_TRIP}, key=len)
    en_zh = round_trip.get() if english and round_trip is not None else None
    if en_zh is not None:
        en_zh = ChunkMemo(en_zh)
        translate_both_ways(english, en_zh, zh_en, language)
    reverse_model = round_trip.model if round_trip is not None else ""
    for job, prep in todo:
        prep.retranslation = retranslate(
            prep.doc,
            prep.findings,
            pair=prep.pair,
            to_english=zh_en,
            from_english=en_zh,
            checks=checks,
            reference=job.reference,
            edits=prep.plan.edits,
            language=language,
            reverse_model=reverse_model,
        )
