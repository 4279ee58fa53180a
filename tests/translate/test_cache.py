"""The persistent translation cache: hits cost no model call, keys follow the settings."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from pipeline.translate import Translator
from pipeline.translate.cache import (
    CACHE_ENV,
    CACHE_FILE,
    CachedTranslator,
    TranslationCache,
    default_cache_path,
    settings_key,
)

SIGNATURE = {
    "model": "Helsinki-NLP/opus-mt-zh-en",
    "revision": "abc123",
    "backend": "transformers",
    "device": "cpu",
    "dtype": "float32",
    "library": "transformers 5",
    "num_beams": 4,
    "max_length": 512,
    "batch_size": 16,
}


class Spy:
    """A translator that records every call and 'translates' by tagging the text."""

    def __init__(self, **changes: Any) -> None:
        self.calls: list[list[str]] = []
        self._signature = {**SIGNATURE, **changes}

    @property
    def signature(self) -> dict[str, Any]:
        return dict(self._signature)

    def translate(self, texts: list[str]) -> list[str]:
        self.calls.append(list(texts))
        return [f"EN({t})" for t in texts]


@pytest.fixture
def cache(tmp_path: Path) -> TranslationCache:
    with TranslationCache(tmp_path / "c" / CACHE_FILE) as c:
        yield c


def test_is_a_translator(cache: TranslationCache) -> None:
    wrapped = CachedTranslator(Spy(), cache)
    assert isinstance(wrapped, Translator)
    assert wrapped.signature == SIGNATURE


def test_hits_cost_no_model_call_and_order_is_kept(cache: TranslationCache) -> None:
    spy = Spy()
    wrapped = CachedTranslator(spy, cache)
    assert wrapped.translate(["甲", "乙", "甲", " "]) == ["EN(甲)", "EN(乙)", "EN(甲)", " "]
    assert spy.calls == [["甲", "乙"]]  # distinct, non-blank, one call
    assert (wrapped.stats.hits, wrapped.stats.misses) == (0, 2)

    assert wrapped.translate(["乙", "丙", "甲", "丙"]) == ["EN(乙)", "EN(丙)", "EN(甲)", "EN(丙)"]
    assert spy.calls[1] == ["丙"]  # only the miss reaches the model
    assert (wrapped.stats.hits, wrapped.stats.misses) == (2, 3)

    assert wrapped.translate(["丙", "甲"]) == ["EN(丙)", "EN(甲)"]
    assert len(spy.calls) == 2  # all hits: no call at all
    assert wrapped.translate([]) == [] and wrapped.translate(["", "  "]) == ["", "  "]
    assert len(spy.calls) == 2


def test_persists_across_instances(tmp_path: Path) -> None:
    path = tmp_path / CACHE_FILE
    with TranslationCache(path) as first:
        CachedTranslator(Spy(), first).translate(["甲", "乙"])
    spy = Spy()
    with TranslationCache(path) as second:
        wrapped = CachedTranslator(spy, second)
        assert wrapped.translate(["乙", "甲"]) == ["EN(乙)", "EN(甲)"]
        assert len(second) == 2
    assert spy.calls == [] and wrapped.stats.hits == 2


@pytest.mark.parametrize(
    "change",
    [
        {"num_beams": 1},
        {"revision": "def456"},
        {"model": "other/model"},
        {"max_length": 128},
        {"backend": "ct2", "dtype": "int8"},
        {"quantization": "int8_float16"},
    ],
)
def test_key_changes_with_output_deciding_settings(cache: TranslationCache, change: dict) -> None:
    CachedTranslator(Spy(), cache).translate(["甲"])
    spy = Spy(**change)
    CachedTranslator(spy, cache).translate(["甲"])
    assert spy.calls == [["甲"]]
    assert settings_key({**SIGNATURE, **change}) != settings_key(SIGNATURE)


@pytest.mark.parametrize("change", [{"device": "cuda"}, {"batch_size": 64}, {"library": "transformers 6"}])
def test_key_ignores_what_does_not_change_output(cache: TranslationCache, change: dict) -> None:
    CachedTranslator(Spy(), cache).translate(["甲"])
    spy = Spy(**change)
    CachedTranslator(spy, cache).translate(["甲"])
    assert spy.calls == []


def test_corrupt_file_degrades_to_no_cache(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / CACHE_FILE
    path.write_bytes(b"this is not a database, just bytes" * 100)
    spy = Spy()
    with caplog.at_level(logging.WARNING, logger="pipeline.translate.cache"):
        cache = TranslationCache(path)
        wrapped = CachedTranslator(spy, cache)
        assert wrapped.translate(["甲", "乙"]) == ["EN(甲)", "EN(乙)"]
        assert wrapped.translate(["甲"]) == ["EN(甲)"]
    assert len(spy.calls) == 2  # no cache: every call reaches the model
    assert not cache.enabled and str(path) in (cache.error or "")
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "\n" not in warnings[0].getMessage()
    assert path.read_bytes().startswith(b"this is not")  # the user's file is left alone


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs file permissions (not root)")
def test_unwritable_folder_degrades_to_no_cache(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        cache = TranslationCache(locked / "sub" / CACHE_FILE)
        assert CachedTranslator(Spy(), cache).translate(["甲"]) == ["EN(甲)"]
        assert not cache.enabled
    finally:
        locked.chmod(0o700)


@pytest.mark.parametrize("where", ["folder-in-place-of-file", "file-in-place-of-folder"])
def test_unusable_path_degrades(tmp_path: Path, where: str) -> None:
    if where == "folder-in-place-of-file":
        (tmp_path / CACHE_FILE).mkdir()
        path = tmp_path / CACHE_FILE
    else:  # the cache folder cannot be created: works as root too, unlike permissions
        (tmp_path / "blocker").write_text("a file", encoding="utf-8")
        path = tmp_path / "blocker" / CACHE_FILE
    cache = TranslationCache(path)
    assert CachedTranslator(Spy(), cache).translate(["甲"]) == ["EN(甲)"]
    assert not cache.enabled and len(cache) == 0


def test_wal_mode_and_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "env-cache"))
    assert default_cache_path() == tmp_path / "env-cache" / CACHE_FILE
    assert TranslationCache().path == default_cache_path()
    assert TranslationCache.in_dir(tmp_path / "cli").path == tmp_path / "cli" / CACHE_FILE
    with TranslationCache.in_dir(tmp_path / "cli") as cache:
        CachedTranslator(Spy(), cache).translate(["甲"])
    with sqlite3.connect(tmp_path / "cli" / CACHE_FILE) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_many_texts_and_threads(cache: TranslationCache) -> None:
    texts = [f"句子{i}" for i in range(1300)]  # more than one SELECT's worth of keys
    spy = Spy()
    wrapped = CachedTranslator(spy, cache)
    assert wrapped.translate(texts) == [f"EN({t})" for t in texts]
    errors: list[BaseException] = []

    def work() -> None:
        try:
            assert wrapped.translate(texts[::-1]) == [f"EN({t})" for t in texts[::-1]]
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(spy.calls) == 1


def test_with_the_tiny_model(tiny_model_dir: Path, tmp_path: Path) -> None:
    from pipeline.translate import load_translator

    inner = load_translator(str(tiny_model_dir), num_beams=1, max_length=8)
    texts = ["中国和中亚将逐步恢复客运航班", "确保中国", "中国和中亚将逐步恢复客运航班"]
    expected = inner.translate(texts)
    with TranslationCache(tmp_path / CACHE_FILE) as cache:
        first = CachedTranslator(inner, cache)
        assert first.translate(texts) == expected
    calls: list[list[str]] = []
    original = inner.translate
    inner.translate = lambda batch: calls.append(batch) or original(batch)  # type: ignore[method-assign]
    with TranslationCache(tmp_path / CACHE_FILE) as cache:
        again = CachedTranslator(inner, cache)
        assert again.translate(texts) == expected
    assert calls == [] and again.stats.to_dict() == {"hits": 2, "misses": 0}


def test_a_journal_takes_what_one_machines_cache_used_into_another(tmp_path: Path, monkeypatch) -> None:
    """A Ray actor's cache is its node's; the pairs it answered or stored go back to the driver,
    whose cache (the user's) then answers the same texts with no model call."""
    from pipeline.translate import cache as cache_module
    from pipeline.translate.cache import merge_pairs, start_journal, take_journal

    monkeypatch.setattr(cache_module, "_JOURNAL", None)  # no journal unless started
    with (
        TranslationCache(tmp_path / "node" / CACHE_FILE) as node,
        TranslationCache(tmp_path / "user" / CACHE_FILE) as user,
    ):
        CachedTranslator(Spy(), node).translate(["earlier"])  # already in the node's cache
        assert take_journal() == []
        start_journal()
        CachedTranslator(Spy(), node).translate(["earlier", "new", "new"])  # one hit, one miss
        journal = take_journal()
        assert take_journal() == []  # taken once
        assert merge_pairs(user, journal) == 2
        spy = Spy()
        again = CachedTranslator(spy, user)
        assert again.translate(["earlier", "new"]) == ["EN(earlier)", "EN(new)"]
        assert spy.calls == [] and again.stats.to_dict() == {"hits": 2, "misses": 0}
