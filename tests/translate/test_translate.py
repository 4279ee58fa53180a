"""Translators on a tiny random Marian model: behaviour, not expected strings."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.translate import (
    DEFAULT_MODEL,
    ModelUnavailable,
    Translator,
    format_signature,
    list_models,
    load_translator,
    pull_model,
    resolve_model,
)
from pipeline.translate.models import cache_name, describe_model, write_metadata
from tests.support import REPO_ROOT

# drawn from the seed's own Chinese and English, so most pieces are in the tiny vocabulary
A = "中国和中亚将逐步恢复客运航班"
B = "The summit is the first major multilateral diplomatic activity"
C = "确保中国"
OPTIONS = dict(num_beams=2, max_length=12)


@pytest.fixture(scope="module")
def translator(tiny_model_dir: Path) -> Translator:
    return load_translator(str(tiny_model_dir), **OPTIONS)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to resolve or connect fails at once, so a test proves it stays offline."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("network disabled in tests")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.fixture
def models_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "tqa-models"
    root.mkdir()
    monkeypatch.setenv("TQA_MODELS_DIR", str(root))
    return root


def count_batches(monkeypatch: pytest.MonkeyPatch, translator: Translator) -> list[list[str]]:
    """Record every batch that reaches the model."""
    calls: list[list[str]] = []
    real = translator._translate_batch  # type: ignore[attr-defined]

    def spy(texts: list[str]) -> list[str]:
        calls.append(list(texts))
        return real(texts)

    monkeypatch.setattr(translator, "_translate_batch", spy)
    return calls


def test_loads_through_the_factory(translator: Translator) -> None:
    assert isinstance(translator, Translator)
    out = translator.translate([A, B])
    assert len(out) == 2 and all(isinstance(t, str) and t for t in out)


def test_output_follows_input_order(translator: Translator) -> None:
    out = translator.translate([A, B, A, C])
    assert len(out) == 4 and out[0] == out[2]
    assert len(set(out)) > 1, "the tiny model should tell inputs apart, or order tests prove nothing"
    assert translator.translate([C, A, B]) == [out[3], out[0], out[1]]


def test_identical_texts_reach_the_model_once(translator: Translator, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = count_batches(monkeypatch, translator)
    translator.translate([A, B, A, "", A, B])
    seen = [t for batch in calls for t in batch]
    assert sorted(seen) == sorted([A, B])


def test_batches_are_bounded_and_length_sorted(tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    small = load_translator(str(tiny_model_dir), batch_size=2, **OPTIONS)
    calls = count_batches(monkeypatch, small)
    texts = [B, C, A, "中国", B[:20]]
    assert len(small.translate(texts)) == 5
    assert [len(batch) for batch in calls] == [2, 2, 1]


# (text, what the tiny model's tokenizer makes of it): characters and tokens disagree
MIXED = [
    "中国和中亚将逐步恢复客运航班",
    "确保中国",
    "2023年12月3日",
    "The summit is the first",
    "中国",
    "XJ-9 qz wv",
    "中亚峰会在西安举行，这是首次",
    "恢复客运航班",
    "ΩΨΦ",
]


def test_batches_hold_texts_of_similar_token_length(tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    batched = load_translator(str(tiny_model_dir), batch_size=3, **OPTIONS)
    calls = count_batches(monkeypatch, batched)
    out = batched.translate(MIXED)
    tokens = dict(zip(MIXED, batched._token_lengths(MIXED)))  # type: ignore[attr-defined]
    assert [len(batch) for batch in calls] == [3, 3, 3]
    in_batches = [t for batch in calls for t in batch]
    # the whole call sorted by the model's tokens before cutting: each batch pads to its neighbours
    assert [tokens[t] for t in in_batches] == sorted(tokens.values())
    assert [len(t) for t in in_batches] != sorted(len(t) for t in MIXED), "characters would batch differently"
    # outputs come back in request order, as the model gives them unbatched
    one_by_one = load_translator(str(tiny_model_dir), batch_size=1, **OPTIONS)
    assert out == one_by_one.translate(MIXED)


def test_empty_inputs_skip_the_model(translator: Translator, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = count_batches(monkeypatch, translator)
    assert translator.translate([]) == []
    assert translator.translate(["", "  \n"]) == ["", "  \n"]
    assert calls == []


def test_a_bare_string_is_refused(translator: Translator) -> None:
    with pytest.raises(TypeError, match="list of strings"):
        translator.translate(A)  # type: ignore[arg-type]


def test_deterministic_across_loads(tiny_model_dir: Path, translator: Translator) -> None:
    again = load_translator(str(tiny_model_dir), **OPTIONS)
    assert again.translate([A, B, C]) == translator.translate([A, B, C])


def test_tiny_model_build_is_deterministic(tmp_path: Path, seed_text: str, tiny_model_dir: Path) -> None:
    from tests.support.tiny_model import build_tiny_marian

    rebuilt = build_tiny_marian(tmp_path / "again", seed_text)
    for name in ("model.safetensors", "source.spm", "vocab.json", "config.json"):
        assert (rebuilt / name).read_bytes() == (tiny_model_dir / name).read_bytes(), name


def test_signature_says_what_produced_the_output(translator: Translator, tiny_model_dir: Path) -> None:
    sig = translator.signature
    weights = hashlib.sha256((tiny_model_dir / "model.safetensors").read_bytes()).hexdigest()
    assert sig["model"] == tiny_model_dir.name
    assert sig["revision"] == "sha256:" + weights[:12]
    assert sig["backend"] == "transformers"
    assert (sig["device"], sig["dtype"]) in {("cpu", "float32"), ("mps", "float32"), ("cuda", "float16")}
    assert (sig["num_beams"], sig["max_length"]) == (2, 12)
    assert "transformers" in sig["library"]
    assert "backend:transformers|" in format_signature(sig)


def test_bad_options_fail_early_with_allowed_values(tiny_model_dir: Path) -> None:
    with pytest.raises(ValueError, match="transformers, ct2"):
        load_translator(str(tiny_model_dir), backend="onnx")
    with pytest.raises(ValueError, match="num_beams"):
        load_translator(str(tiny_model_dir), num_beams=0)


def test_missing_model_id_fails_fast_and_offline(models_env: Path, no_network: None) -> None:
    start = time.monotonic()
    with pytest.raises(ModelUnavailable) as raised:
        load_translator("no-such-org/no-such-model")
    message = str(raised.value)
    assert time.monotonic() - start < 5
    assert "\n" not in message and "tqa models pull" in message and "no-such-org/no-such-model" in message


def test_missing_or_empty_folder_is_unavailable(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match="does not exist"):
        resolve_model(str(tmp_path / "nowhere" / "model"))
    with pytest.raises(ModelUnavailable, match="holds no model"):
        resolve_model(str(tmp_path))


def test_resolves_an_id_from_the_tqa_cache(models_env: Path, tiny_model_dir: Path, no_network: None) -> None:
    cached = shutil.copytree(tiny_model_dir, models_env / cache_name(DEFAULT_MODEL))
    assert resolve_model(DEFAULT_MODEL) == cached
    assert load_translator(DEFAULT_MODEL, **OPTIONS).signature["model"] == DEFAULT_MODEL
    write_metadata(cached, model=DEFAULT_MODEL, revision="0123abcd")  # as `tqa models pull` leaves it
    assert describe_model(cached)["revision"] == "0123abcd"


def test_resolves_an_id_from_the_hugging_face_cache(
    tmp_path: Path, models_env: Path, tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch, no_network: None
) -> None:
    import huggingface_hub.constants

    commit = "c0ffee" * 6 + "abcd"
    repo = tmp_path / "hf" / "models--tiny-org--tiny-marian"
    shutil.copytree(tiny_model_dir, repo / "snapshots" / commit)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hf"))
    path = resolve_model("tiny-org/tiny-marian")
    assert path.name == commit
    assert describe_model(path) == {"model": "tiny-org/tiny-marian", "revision": commit}


def test_list_models(models_env: Path, tiny_model_dir: Path, tiny_ct2_dir: Path) -> None:
    shutil.copytree(tiny_model_dir, models_env / "tiny")
    shutil.copytree(tiny_ct2_dir, models_env / "tiny--ct2")
    (models_env / ".tiny.partial").mkdir()  # an interrupted pull is not a model
    rows = {Path(row["path"]).name: row for row in list_models()}
    assert set(rows) == {"tiny", "tiny--ct2"}
    assert rows["tiny"]["backend"] == "transformers" and rows["tiny--ct2"]["backend"] == "ct2"
    assert rows["tiny"]["size"] > (tiny_model_dir / "model.safetensors").stat().st_size
    assert rows["tiny--ct2"]["name"] == "tiny-marian"  # the source model, from the conversion metadata


def test_pull_failure_is_one_line_and_leaves_nothing(tmp_path: Path, no_network: None) -> None:
    with pytest.raises(ModelUnavailable) as raised:
        pull_model(DEFAULT_MODEL, cache_dir=tmp_path)
    assert "\n" not in str(raised.value) and DEFAULT_MODEL in str(raised.value)
    assert list(tmp_path.iterdir()) == []


def test_ct2_translates_like_a_translator(
    tiny_ct2_dir: Path, tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ct2 = load_translator(str(tiny_ct2_dir), backend="ct2", **OPTIONS)
    calls = count_batches(monkeypatch, ct2)
    out = ct2.translate([A, B, "", A, C])
    assert len(out) == 5 and out[2] == "" and out[0] == out[3] and all(out[i] for i in (0, 1, 4))
    assert sorted(t for batch in calls for t in batch) == sorted([A, B, C])
    assert ct2.translate([C, A]) == [out[4], out[0]]
    marian = load_translator(str(tiny_model_dir), **OPTIONS)
    assert ct2._token_lengths(MIXED) == marian._token_lengths(MIXED)  # type: ignore[attr-defined]  (same batches)
    sig = ct2.signature
    assert (sig["backend"], sig["device"], sig["dtype"], sig["quantization"]) == ("ct2", "cpu", "int8", "int8")
    source = json.loads((tiny_ct2_dir / "tqa-model.json").read_text())
    assert sig["revision"] == source["revision"] and sig["revision"].startswith("sha256:")


def test_ct2_is_found_by_id_and_asks_for_conversion(models_env: Path, tiny_model_dir: Path, tiny_ct2_dir: Path) -> None:
    with pytest.raises(ModelUnavailable, match="tqa models convert"):
        resolve_model(str(tiny_model_dir), backend="ct2")
    with pytest.raises(ModelUnavailable, match="tqa models pull .* then `tqa models convert"):
        resolve_model(DEFAULT_MODEL, backend="ct2")
    shutil.copytree(tiny_model_dir, models_env / cache_name(DEFAULT_MODEL))
    with pytest.raises(ModelUnavailable, match="not converted yet"):
        resolve_model(DEFAULT_MODEL, backend="ct2")
    cached = shutil.copytree(tiny_ct2_dir, models_env / cache_name(DEFAULT_MODEL, "ct2"))
    assert resolve_model(DEFAULT_MODEL, backend="ct2") == cached


def test_importing_the_package_loads_no_heavy_library() -> None:
    code = (
        "import sys\n"
        "import pipeline.translate as t\n"
        "try:\n"
        "    t.load_translator('no-such-org/no-such-model')\n"
        "except t.ModelUnavailable:\n"
        "    pass\n"
        "heavy = [m for m in ('torch', 'transformers', 'ctranslate2') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    env = {**os.environ, "TQA_MODELS_DIR": "/nonexistent-tqa-models", "HF_HUB_OFFLINE": "1"}
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_ct2_keeps_a_leading_language_token_whole(tiny_ct2_dir):
    from pipeline.translate.ct2 import CT2Translator

    translator = CT2Translator(str(tiny_ct2_dir), device="cpu", max_length=8)
    tokens = translator.source_tokens(">>cmn_Hans<< China and Central Asia")
    assert tokens[0] == ">>cmn_Hans<<" and tokens[-1] == "</s>"
    assert translator.source_tokens("China")[0] != ">>cmn_Hans<<"
