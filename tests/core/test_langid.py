"""Language identification: the regression floor on short passages, and langdetect loaded only when needed."""

from __future__ import annotations

import subprocess
import sys

import regex

from pipeline.core.languages import SHARED_SCRIPTS, identify, language_of
from tests.support import TEST_DATA

SAMPLE = TEST_DATA / "langid" / "passages.tsv"
FLOOR = 0.95  # bench/langid.py measured 96/96 (100%) for langdetect within the script's languages


def _sample() -> list[tuple[str, str]]:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t", 1)) for line in lines if line.strip() and not line.startswith("#")]  # type: ignore[misc]


def _script(text: str) -> str:
    return next((s for s in ("Cyrillic", "Arabic") if regex.search(rf"\p{{{s}}}", text)), "Latin")


def test_sample_covers_at_least_twelve_languages_of_short_passages():
    sample = _sample()
    assert len({lang for lang, _ in sample}) >= 12
    assert all(5 <= len(text.split()) <= 30 for _, text in sample)


def test_short_passages_are_identified_above_the_floor():
    sample = _sample()
    right = sum(language_of(_script(text), text)[0] == lang for lang, text in sample)
    assert right / len(sample) >= FLOOR, f"{right}/{len(sample)}"


def test_the_identifier_only_chooses_among_the_languages_of_the_script():
    for _lang, text in _sample():
        guess = identify(text, SHARED_SCRIPTS[_script(text)])
        assert guess is None or guess[0] in SHARED_SCRIPTS[_script(text)]


def test_checking_the_sample_article_never_loads_langdetect(sample_path):
    # Han without Kana is Chinese and the English sentences are English by their function
    # words: nothing for an identifier to decide, so its profiles (~0.3 s) are never read.
    code = (
        "import sys; from pipeline.checks import run_checks; from pipeline.core.document import load_document; "
        f"run_checks(load_document({str(sample_path)!r})); print('langdetect' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_langdetect_profiles_load_once():
    from pipeline.core.languages import _factory

    _factory.cache_clear()  # counted from here: earlier tests may have loaded other profile sets
    identify("Le gouvernement a annoncé une nouvelle aide.")
    identify("Правительство объявило о новой помощи.")
    assert _factory.cache_info().misses <= 1
