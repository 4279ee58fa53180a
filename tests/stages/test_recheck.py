"""Re-checking after repair looks only at touched paragraphs, and finds what a full check finds."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pipeline.checks import build_checks, run_checks
from pipeline.core.document import Document
from pipeline.core.edits import apply_edits
from pipeline.stages.prepare import prepare
from pipeline.stages.recheck import recheck
from tests.support import TEST_DATA


def documents(sample: str) -> list[str]:
    paras = [p for p in sample.split("\n\n") if p.strip()]
    rng = random.Random(3)
    shuffled = paras[:]
    rng.shuffle(shuffled)
    clean = [p.read_text(encoding="utf-8") for p in sorted((TEST_DATA / "clean").glob("*.txt"))]
    return [
        sample,
        "\n".join(paras),  # one long paragraph of lines
        "\n\n".join(shuffled + paras[:3]),  # duplicates far apart
        clean[0] + "\n\n" + sample + "\n\n" + clean[1],
        "“A quotation that runs on\n\n“into the next paragraph ,and ends.”\n\nThe the end .\n",
        "\r\n".join(paras[:6]).replace("\n", "\r\n"),
    ]


@pytest.mark.parametrize("apply", [frozenset({"rule"}), frozenset({"rule", "glossary"})])
def test_recheck_finds_what_a_full_check_finds(sample_path: Path, apply: frozenset[str]) -> None:
    checks = build_checks()
    for text in documents(sample_path.read_text(encoding="utf-8")):
        doc = Document.from_text(text)
        prep = prepare(doc, checks, apply)
        cleaned = apply_edits(text, prep.plan.edits)
        full_doc = Document.from_text(cleaned)
        cleaned_doc, after = recheck(doc, prep.findings, cleaned, list(prep.plan.edits), checks)
        assert cleaned_doc == full_doc
        assert after == run_checks(full_doc, checks)


def test_untouched_paragraphs_are_not_checked_again(sample_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "\n\n".join(
        ["The good -neighborly line.", *(f"Paragraph {k} reads well and needs nothing." for k in range(50))]
    )
    checks = build_checks()
    doc = Document.from_text(text)
    prep = prepare(doc, checks, frozenset({"rule"}))
    assert len(prep.plan.edits) == 1
    segmented: list[str] = []
    import pipeline.stages.recheck as module

    real = module.split_sentences
    monkeypatch.setattr(module, "split_sentences", lambda t, p: segmented.append(p.of(t)) or real(t, p))
    cleaned = apply_edits(text, prep.plan.edits)
    cleaned_doc, after = recheck(doc, prep.findings, cleaned, list(prep.plan.edits), checks)
    assert segmented == ["The good-neighborly line."]
    assert cleaned_doc == Document.from_text(cleaned) and after == []
