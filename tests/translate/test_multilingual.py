"""Every foreign passage goes to the model of its language; a missing model costs only its passages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.checks.base import ConfigurationError
from pipeline.cli import app
from pipeline.core.languages import Router, parse_model_options
from pipeline.core.settings import Settings
from pipeline.engines import run_batch
from pipeline.stages.config import parse_config
from pipeline.stages.translate import TranslatorSlot
from pipeline.translate.pool import ModelPool
from tests.support import TEST_DATA

DATA = TEST_DATA / "multilingual"
ZH = "中国将与中亚国家扩大贸易往来。"
JA = "日本も地域の安定に協力していきます。"
RU = "Россия поддерживает развитие транспортных коридоров в регионе"
FR = "Le sommet a été suivi par de nombreux diplomates européens et des journalistes étrangers."


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory, seed_text: str) -> dict[str, Path]:
    """Tiny random Marian models for zh, ja and ru, each with its own sentencepiece vocabulary."""
    from tests.support.tiny_model import build_tiny_marian

    root = tmp_path_factory.mktemp("multilingual-models")
    corpora = {
        "zh": seed_text,
        "ja": (DATA / "ja.txt").read_text(encoding="utf-8"),
        "ru": (DATA / "ru.txt").read_text(encoding="utf-8"),
    }
    return {
        lang: build_tiny_marian(root / f"tiny-{lang}", text, seed=i, source_lang=lang)
        for i, (lang, text) in enumerate(corpora.items())
    }


@pytest.fixture()
def no_local_models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The default models (Helsinki-NLP/opus-mt-fr-en, ...) are absent, whatever this machine caches."""
    monkeypatch.setenv("TQA_MODELS_DIR", str(tmp_path / "tqa-models"))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))


@pytest.fixture()
def received(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """What each loaded model was asked to translate, by model folder name."""
    from pipeline.translate.marian import MarianTranslator

    calls: dict[str, list[str]] = {}
    original = MarianTranslator._translate_batch

    def recording(self, texts):  # type: ignore[no-untyped-def]
        calls.setdefault(self._meta["model"], []).extend(texts)
        return original(self, texts)

    monkeypatch.setattr(MarianTranslator, "_translate_batch", recording)
    return calls


def test_each_passage_goes_to_the_model_of_its_language(tmp_path, tiny_models, no_local_models, received):
    settings = Settings(
        model=str(tiny_models["zh"]),
        models={"ja": str(tiny_models["ja"]), "ru": str(tiny_models["ru"])},
        guard=False,
        retranslate=False,
        use_cache=False,
        max_length=24,
    )
    article = DATA / "article.txt"
    [outcome] = run_batch([article], {article: "article"}, settings, tmp_path / "out", slot=TranslatorSlot(settings))
    assert outcome.error is None
    assert received == {"tiny-zh": [ZH], "tiny-ja": [JA], "tiny-ru": [RU]}
    report = json.loads((tmp_path / "out" / "article.findings.json").read_text(encoding="utf-8"))
    applied = {c["text"]: c["reason"] for c in report["applied"] if c["origin"] == "marian"}
    assert applied[ZH].startswith("Chinese, ") and applied[ZH].endswith(f"({tiny_models['zh']})")
    assert applied[JA].startswith("Japanese, ") and applied[JA].endswith(f"({tiny_models['ja']})")
    assert applied[RU].startswith("Russian, ") and applied[RU].endswith(f"({tiny_models['ru']})")
    # French has no model here: a notice for that sentence only, the rest is translated
    [skipped] = report["skipped"]
    assert skipped["text"] == FR and "Helsinki-NLP/opus-mt-fr-en" in skipped["reason"]
    assert outcome.notices == [f"passages not retranslated: {skipped['reason']}"]
    assert FR in (tmp_path / "out" / "article.cleaned.txt").read_text(encoding="utf-8")


def test_the_cli_takes_a_model_per_language_and_refuses_a_named_model_that_is_absent(
    tmp_path, tiny_models, no_local_models
):
    runner = CliRunner()
    args = [
        "run",
        str(DATA / "article.txt"),
        "--out",
        str(tmp_path / "out"),
        "-j",
        "1",
        "--no-retranslate",
        "--no-guard",
        "--no-cache",
        "--max-length",
        "24",
        "--model",
        str(tiny_models["zh"]),
        "--model",
        f"ja={tiny_models['ja']}",
        "--model",
        f"ru={tiny_models['ru']}",
    ]
    result = runner.invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "out" / "article.findings.json").read_text(encoding="utf-8"))
    assert report["settings"]["models"] == {"ja": str(tiny_models["ja"]), "ru": str(tiny_models["ru"])}
    assert sorted(report["settings"]["translators"]) == [str(tiny_models["ja"]), str(tiny_models["ru"])]
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["totals"]["languages"] == {"fr": 1, "ja": 1, "ru": 1, "zh": 1}  # passages per language
    tmx = (tmp_path / "out" / "retranslations.tmx").read_text(encoding="utf-8")
    assert 'srclang="*all*"' in tmx
    assert all(f'<tuv xml:lang="{lang}">' in tmx for lang in ("zh", "ja", "ru"))
    assert "tiny-ja" in tmx  # each unit names the model that translated it

    missing = runner.invoke(app, [*args[:-2], "--model", f"ru={tmp_path / 'no-such-model'}"], catch_exceptions=False)
    assert missing.exit_code == 2
    assert "--model ru=" in missing.output and "Traceback" not in missing.output


def test_model_options_and_the_config_table():
    assert parse_model_options(["Helsinki-NLP/opus-mt-zh-en", "ja=DIR", "fallback=Helsinki-NLP/opus-mt-mul-en"]) == {
        "zh": "Helsinki-NLP/opus-mt-zh-en",
        "ja": "DIR",
        "fallback": "Helsinki-NLP/opus-mt-mul-en",
    }
    assert parse_model_options(["./models/a=b"]) == {"zh": "./models/a=b"}  # a bare folder is still zh
    with pytest.raises(ValueError):
        parse_model_options(["japanese=DIR"])
    cfg = parse_config({"models": {"ko": "Helsinki-NLP/opus-mt-ko-en", "ja": "./ja-model"}}, Path("/cfg"))
    assert cfg.models == {"ko": "Helsinki-NLP/opus-mt-ko-en", "ja": "/cfg/ja-model"}
    with pytest.raises(ConfigurationError):
        parse_config({"models": {"ko": 3}}, Path("/cfg"))


def test_the_router_defaults_to_opus_mt_per_language():
    router = Router({"zh": "ZH-DIR"})
    assert router.model_for("zh") == "ZH-DIR"
    assert router.model_for("ko") == "Helsinki-NLP/opus-mt-ko-en"
    assert router.model_for(None) is None


class _FakeSlot:
    def __init__(self, model: str, present: bool, translator=None) -> None:  # type: ignore[no-untyped-def]
        self.model, self.error = model, None if present else f"model {model} is not available locally"
        self.translator = (translator or _Echo(model)) if present else None
        self.settings = Settings()

    def get(self):  # type: ignore[no-untyped-def]
        return self.translator


class _Echo:
    def __init__(self, model: str) -> None:
        self.signature = {"model": model}

    def translate(self, texts):  # type: ignore[no-untyped-def]
        return [f"{self.signature['model']}:{t}" for t in texts]


class _Request:
    def __init__(self, model: str, *segments: str) -> None:
        self.model, self.segments = model, segments


def test_the_pool_keeps_few_models_and_uses_the_fallback_only_where_a_model_is_missing(monkeypatch):
    import pipeline.translate.pool as pool_module

    monkeypatch.setattr(pool_module, "_weights_bytes", lambda model, slot: 300)
    made: list[str] = []

    def make(model: str) -> _FakeSlot:
        made.append(model)
        return _FakeSlot(model, present=model != "fr-en")

    pool = ModelPool(make, max_bytes=700, fallback="mul-en")
    done = pool.translate([_Request("ja-en", "a"), _Request("ru-en", "b"), _Request("fr-en", "c")])
    assert done.lookup("ja-en", ["a"]) == ["ja-en:a"]
    assert done.lookup("fr-en", ["c"]) == ["mul-en:c"] and done.used["fr-en"] == "mul-en"
    assert len(pool.loaded) == 2  # 3 x 300 bytes > 700: the least recently used went
    assert "ja-en" not in pool.loaded
    without = ModelPool(make).translate([_Request("fr-en", "c")])
    assert without.lookup("fr-en", ["c"]) == "model fr-en is not available locally"


def test_models_list_shows_each_languages_model_from_the_hugging_face_cache(tmp_path, tiny_model_dir, monkeypatch):
    import huggingface_hub.constants

    monkeypatch.setenv("TQA_MODELS_DIR", str(tmp_path / "tqa-models"))
    commit = "0a1b2c3d" * 5
    repo = tmp_path / "hf" / "models--Helsinki-NLP--opus-mt-ja-en"
    import shutil

    shutil.copytree(tiny_model_dir, repo / "snapshots" / commit)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hf"))
    result = CliRunner().invoke(app, ["models", "list", "--lang", "ko"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines() if line.strip()}
    assert "Helsinki-NLP/opus-mt-ja-en" in lines["ja"] and commit in lines["ja"]  # found in the cache: listed
    assert "absent: tqa models pull --lang ko" in lines["ko"]
    assert "absent: tqa models pull --lang zh" in lines["zh"]
    assert "Helsinki-NLP/opus-mt-ja-en" in result.output.split("models in the caches:")[1]


def test_models_pull_respects_the_offline_flag(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    result = CliRunner().invoke(app, ["models", "pull", "--lang", "ja,ko"], catch_exceptions=False)
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0
    assert "Helsinki-NLP/opus-mt-ja-en" in result.output and "HF_HUB_OFFLINE" in result.output


def test_tqa_checks_says_which_languages_each_check_takes():
    out = CliRunner().invoke(app, ["checks"], catch_exceptions=False).output
    lines = {line.split()[0]: line for line in out.splitlines() if line.strip()}
    assert (
        "originals in: zh, ja, ko, ru, fr, de" in lines["number-mismatch"]
        and "originals in: zh, ja, ko, ru, fr, de" in lines["omission"]
    )
    assert "that language's model" in lines["untranslated"]


class _Recorder:
    def __init__(self, tag: str) -> None:
        self.tag, self.calls = tag, []
        self.signature = {"model": tag}

    def translate(self, texts):  # type: ignore[no-untyped-def]
        self.calls.append(list(texts))
        return [f"{self.tag} output for {t}" for t in texts]


def test_a_japanese_original_is_translated_by_the_japanese_model(tmp_path):
    from pipeline.checks import build_checks
    from pipeline.core.document import Document
    from pipeline.stages.job import Job
    from pipeline.stages.prepare import prepare
    from pipeline.stages.translate import TranslatorSlot, retranslate_chunk

    original = tmp_path / "article.ja.txt"
    original.write_text(
        "政府は新しい経済対策を発表しました。首相は来週、中央アジアの五か国を訪問する予定です。"
        "会議では貿易とエネルギーについて話し合われました。",
        encoding="utf-8",
    )
    english = (
        "The government announced new economic measures. The prime minister will visit the five countries "
        "of Central Asia next week. The meeting discussed the the trade and energy."
    )
    checks = build_checks()
    prep = prepare(Document.from_text(english), checks, frozenset(), source=original)
    assert prep.pair is not None and prep.pair.language == "ja"
    zh, ja = _Recorder("zh"), _Recorder("ja")
    slot = TranslatorSlot(Settings())
    slot.translator = zh
    pool = ModelPool(
        lambda model: _FakeSlot(model, True, ja if model == "JA-MODEL" else None), router=Router({"ja": "JA-MODEL"})
    )
    retranslate_chunk([(Job(tmp_path / "article.en.txt", "article"), prep)], checks, slot, slot, pool)
    assert zh.calls == []  # the Chinese model never sees Japanese
    assert any("会議では貿易とエネルギーについて話し合われました。" in call for call in ja.calls)
    assert prep.retranslation is not None and prep.retranslation.proposals


def test_japanese_scale_characters_count_like_chinese_ones():
    from pipeline.original.zh import zh_numbers

    assert [n.value for n in zh_numbers("予算は5億円です")] == [5e8]
    assert [n.value for n in zh_numbers("三万人")] == [30000]


def test_an_original_beside_the_article_may_be_japanese(tmp_path):
    from pipeline.original.files import find_source

    (tmp_path / "story.en.txt").write_text("The meeting discussed trade.", encoding="utf-8")
    (tmp_path / "story.ja.txt").write_text("会議では貿易について話し合われました。", encoding="utf-8")
    assert find_source(tmp_path / "story.en.txt", None) == tmp_path / "story.ja.txt"


def test_models_list_tells_how_to_pull_a_round_trip_model(tmp_path, monkeypatch):
    import huggingface_hub

    monkeypatch.setenv("TQA_MODELS_DIR", str(tmp_path / "models"))
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hf"))
    config = tmp_path / "tqa.toml"
    config.write_text('[models]\n"en-ja" = "Helsinki-NLP/opus-mt-en-jap"\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["models", "list", "--config", str(config)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines() if line.strip()}
    # a reverse model has no --lang of its own: the hint names the model
    assert lines["en-ja"].rstrip().endswith("absent: tqa models pull Helsinki-NLP/opus-mt-en-jap")
    assert "absent: tqa models pull --lang zh" in lines["zh"]
