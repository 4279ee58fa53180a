"""Round trips in the original's language, and the cache line counting every model."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.checks import build_checks
from pipeline.core.document import Document
from pipeline.core.languages import Router, parse_model_options
from pipeline.core.settings import Settings
from pipeline.stages.job import Job
from pipeline.stages.prepare import prepare
from pipeline.stages.translate import TranslatorSlot, retranslate_chunk
from pipeline.translate.pool import ModelPool
from tests.support import TEST_DATA

JA = (
    "政府は2023年に新しい経済対策を発表しました。首相は来週、中央アジアの五か国を訪問する予定です。\n\n"
    "会議では、両国の貿易、エネルギー、交通インフラの協力について詳しく話し合われました。輸出は40%増えました。"
)
# The third sentence (its own paragraph) has no Japanese counterpart: only a round trip can
# propose anything for it.
EN = (
    "The government announced new economic measures in 2023. The prime minister will visit the five countries of "
    "Central Asia next week.\n\nBoth sides will build a community of destiny.\n\nThe meeting discussed in detail "
    "cooperation between the two countries on trade, energy and transport infrastructure. Exports rose by 40 percent."
)
UNPAIRED = "Both sides will build a community of destiny."


class Recorder:
    def __init__(self, tag: str) -> None:
        self.tag, self.calls = tag, []
        self.signature = {"model": tag}

    def translate(self, texts):  # type: ignore[no-untyped-def]
        self.calls.append(list(texts))
        return [f"{self.tag}: {t}" for t in texts]


class Slot:
    def __init__(self, model: str, translator=None) -> None:  # type: ignore[no-untyped-def]
        self.model, self.translator, self.settings = model, translator, Settings()
        self.error = None if translator is not None else f"model {model} is not available locally"

    def get(self):  # type: ignore[no-untyped-def]
        return self.translator


def run_chunk(tmp_path: Path, models: dict[str, Recorder]):  # type: ignore[no-untyped-def]
    original = tmp_path / "article.ja.txt"
    original.write_text(JA, encoding="utf-8")
    checks = build_checks()
    prep = prepare(Document.from_text(EN), checks, frozenset(), source=original)
    assert prep.pair is not None and prep.pair.language == "ja"
    assert [link.en for link in prep.pair.alignment.links if not link.zh] == [(2,)]  # the unpaired sentence
    zh, en_zh = Recorder("zh-en"), Recorder("en-zh")
    slot, round_trip = Slot("ZH", zh), Slot("EN-ZH", en_zh)
    pool = ModelPool(lambda model: Slot(model, models.get(model)), router=Router({"ja": "JA", "en-ja": "EN-JA"}))
    retranslate_chunk([(Job(tmp_path / "article.en.txt", "article"), prep)], checks, slot, round_trip, pool)  # type: ignore[arg-type]
    assert zh.calls == [] and en_zh.calls == []  # the Chinese models see nothing of a Japanese article
    return prep


def test_round_trips_of_an_article_with_a_japanese_original_go_through_japanese(tmp_path: Path) -> None:
    ja, en_ja = Recorder("ja-en"), Recorder("en-ja")
    prep = run_chunk(tmp_path, {"JA": ja, "EN-JA": en_ja})
    assert en_ja.calls == [[UNPAIRED]]
    assert [f"en-ja: {UNPAIRED}"] in ja.calls  # and back with the Japanese model
    trips = [p for p in prep.retranslation.proposals if p.retranslation.mechanism == "round-trip"]
    assert [(p.pivot, p.text) for p in trips] == [(f"en-ja: {UNPAIRED}", f"ja-en: en-ja: {UNPAIRED}")]
    assert not any("round-trip suggestions skipped" in n for n in prep.retranslation.notices)


def test_without_the_reverse_model_round_trips_are_skipped_with_a_notice(tmp_path: Path) -> None:
    ja = Recorder("ja-en")
    prep = run_chunk(tmp_path, {"JA": ja})
    assert (
        "round-trip suggestions skipped: no English→Japanese model (`tqa models pull EN-JA`)"
        in prep.retranslation.notices
    )
    assert not [p for p in prep.retranslation.proposals if p.retranslation.mechanism == "round-trip"]


def test_reverse_models_default_to_opus_mt_and_are_named_with_en_lang() -> None:
    assert Router().reverse_model_for("ru") == "Helsinki-NLP/opus-mt-en-ru"
    table = parse_model_options(["en-ja=./en-ja-model", "ja=./ja-model", "./zh-model"])
    assert table == {"en-ja": "./en-ja-model", "ja": "./ja-model", "zh": "./zh-model"}
    assert Router(table).reverse_model_for("ja") == "./en-ja-model"
    with pytest.raises(ValueError, match="--round-trip-model"):
        parse_model_options(["en-zh=./model"])


def test_the_cache_line_counts_every_models_lookups(tmp_path: Path) -> None:
    from pipeline.translate.cache import CachedTranslator, TranslationCache

    settings = Settings(cache_dir=tmp_path / "cache")
    main = TranslatorSlot(settings, "ZH")
    other = TranslatorSlot(settings, "JA", main.tally)  # as model_pool makes them
    cache = TranslationCache.in_dir(tmp_path / "cache")
    for slot, texts in ((main, ["a", "b"]), (other, ["c"])):
        slot.translator = CachedTranslator(Recorder(slot.model), cache)
        main.tally.count(slot.model, slot.translator)
        slot.translator.translate(texts)
    other.translator.translate(["c"])
    assert main.tally.line() == f"translation cache ZH: 0 hits, 2 misses; JA: 1 hits, 1 misses ({cache.path})"


def test_tqa_run_round_trips_through_tiny_japanese_models_and_counts_both_caches(tmp_path, tiny_model_dir, seed_text):
    import json

    from typer.testing import CliRunner

    from pipeline.cli import app
    from tests.support.tiny_model import build_tiny_marian

    ja_text = (TEST_DATA / "multilingual" / "ja.txt").read_text(encoding="utf-8") + JA
    ja_en = build_tiny_marian(tmp_path / "tiny-ja-en", ja_text, seed=3, source_lang="ja")
    en_ja = build_tiny_marian(tmp_path / "tiny-en-ja", EN + "\n" + ja_text, seed=4, source_lang="en", target_lang="ja")
    (tmp_path / "article.en.txt").write_text(EN, encoding="utf-8")
    (tmp_path / "article.ja.txt").write_text(JA, encoding="utf-8")
    result = CliRunner().invoke(
        app,
        [
            "run",
            str(tmp_path / "article.en.txt"),
            "--out",
            str(tmp_path / "out"),
            "-j",
            "1",
            "--max-length",
            "24",
            "--cache",
            str(tmp_path / "cache"),
            "--model",
            str(tiny_model_dir),
            "--model",
            f"ja={ja_en}",
            "--model",
            f"en-ja={en_ja}",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code in (0, 1), result.output
    report = json.loads((tmp_path / "out" / "article.en.findings.json").read_text(encoding="utf-8"))
    trips = [r for r in report["retranslations"] if r["mechanism"] == "round-trip"]
    assert [r["original"] for r in trips] == [UNPAIRED] and trips[0]["pivot"]
    cache_line = next(line for line in result.output.splitlines() if "translation cache" in line)
    assert f"{ja_en}: " in cache_line and f"{en_ja}: " in cache_line
