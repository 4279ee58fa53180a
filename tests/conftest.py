"""Shared fixtures. Heavy ones are session-scoped and built once, from the seed text."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import REPO_ROOT


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The Ray tests each start a cluster: under ``-n auto`` (pyproject's addopts) they run on one
    worker, one after another, so two clusters never fight over a small machine's cores."""
    for item in items:
        if item.path.name.startswith("test_ray_"):
            item.add_marker(pytest.mark.xdist_group("ray"))


@pytest.fixture(scope="session")
def sample_path() -> Path:
    """The sample article shipped in seeds/ (the default input)."""
    return sorted((REPO_ROOT / "seeds").glob("*.txt"))[0]


@pytest.fixture()
def seeds(tmp_path: Path, sample_path: Path) -> Path:
    """A folder holding a copy of the sample article (an input a test may change)."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(sample_path, folder / sample_path.name)
    return folder


@pytest.fixture(scope="session")
def sample_doc(sample_path: Path):  # -> Document; the import stays lazy for modules that never use it
    from pipeline.core.document import load_document

    return load_document(sample_path)


@pytest.fixture(scope="session")
def seed_text() -> str:
    """All seed articles, concatenated: the corpus the tiny model's tokenizer learns from."""
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted((REPO_ROOT / "seeds").glob("*.txt")))


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory, seed_text: str) -> Path:
    """A tiny random Marian model folder, loadable like Helsinki-NLP/opus-mt-zh-en."""
    from tests.support.tiny_model import build_tiny_marian

    return build_tiny_marian(tmp_path_factory.mktemp("models") / "tiny-marian", seed_text)


@pytest.fixture(scope="session")
def tiny_ct2_dir(tmp_path_factory: pytest.TempPathFactory, tiny_model_dir: Path) -> Path:
    """The tiny model converted to CTranslate2 (skipped when ctranslate2 is not installed)."""
    pytest.importorskip("ctranslate2")
    from pipeline.translate.ct2 import convert_model

    return convert_model(tiny_model_dir, tmp_path_factory.mktemp("models") / "tiny-marian-ct2")


@pytest.fixture(autouse=True)
def _private_caches(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never read or write the user's translation cache, and never look for models online."""
    monkeypatch.setenv("TQA_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "translation-cache"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def tiny_en_zh_dir(tmp_path_factory: pytest.TempPathFactory, seed_text: str) -> Path:
    """A tiny random English->Chinese Marian model (a stand-in for Helsinki-NLP/opus-mt-en-zh,
    with its ``>>cmn_Hans<<`` target token)."""
    from tests.support.tiny_model import build_tiny_marian

    return build_tiny_marian(
        tmp_path_factory.mktemp("models") / "tiny-marian-en-zh",
        seed_text,
        seed=1,
        source_lang="en",
        target_lang="zh",
        language_tokens=(">>cmn_Hans<<",),
    )


@pytest.fixture(scope="session")
def ray_reference(tmp_path_factory: pytest.TempPathFactory, seed_text: str, tiny_model_dir: Path):
    """The Ray tests' articles and what ``tqa run -j 2`` (the local engine) writes for them,
    made once for every Ray test file (tests/support/ray_runs.py)."""
    from tests.support import ray_runs

    base = tmp_path_factory.mktemp("ray-reference")
    inputs = ray_runs.articles(base / "in", seed_text, ray_runs.ARTICLES)
    ray_runs.local_run(inputs, base / "local", tiny_model_dir)
    return inputs, ray_runs.tree(base / "local")


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run the browser tests (.ci/run installs chromium and playwright)")
    pytest.skip(reason)


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Chromium (Debian's), driven by Playwright; skipped where either is missing, except in CI."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install playwright)")
    executable = chromium_path()
    if executable is None:
        _unavailable("no Chromium found (apt-get install chromium)")
    with sync_playwright() as p:
        # The system Chromium, never a downloaded one (`playwright install` is not used).
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
