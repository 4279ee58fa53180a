"""The checks' caches stay bounded: a corpus brings new words (names, numbers) with every
record, and a cache without a small bound grows with the corpus, not with the article."""

from __future__ import annotations

import functools
import importlib
import pkgutil

import pipeline.checks
from pipeline.checks.resources.words import WORDS_CACHED


def _caches() -> list[tuple[str, functools._lru_cache_wrapper]]:
    found = []
    for info in pkgutil.walk_packages(pipeline.checks.__path__, "pipeline.checks."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, functools._lru_cache_wrapper) and getattr(value, "__module__", None) == info.name:
                found.append((f"{info.name}.{name}", value))
    return found


def test_every_cache_of_the_checks_is_bounded():
    caches = _caches()
    assert len(caches) > 10  # the word tests were found
    unbounded = [name for name, cache in caches if cache.cache_info().maxsize is None]
    assert not unbounded
    too_big = [name for name, cache in caches if cache.cache_info().maxsize > WORDS_CACHED]
    assert not too_big


def test_word_caches_stop_growing_on_a_corpus_of_new_words():
    """20,000 words never seen before (numbers and names, as a corpus's records bring): every
    cache keeps a few thousand of them, not all."""
    from pipeline.checks.runner import run_checks
    from pipeline.core.document import Document

    words = " ".join(f"Record {i} named Zhq{i}x." for i in range(20_000))
    run_checks(Document.from_text(words))
    grown = {name: cache.cache_info().currsize for name, cache in _caches() if cache.cache_info().currsize > 5_000}
    assert not grown
