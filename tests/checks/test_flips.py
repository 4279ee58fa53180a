"""``meaning-flip``: with the original, a question, a modal's strength or a comparison's direction reversed."""

from __future__ import annotations

import pytest

from pipeline.checks import SOURCE_REGISTRY
from pipeline.checks.source.flips import MeaningFlip
from pipeline.core.document import Document
from pipeline.original.pair import pair_documents
from tests.support import FAITHFUL_ARTICLES, faithful_findings


def findings(zh: str, en: str, **options):
    return list(MeaningFlip(**options).find_pair(pair_documents(Document.from_text(en), Document.from_text(zh))))


def test_registered_as_a_source_check():
    assert "meaning-flip" in SOURCE_REGISTRY


@pytest.mark.parametrize(
    ("zh", "en", "kind", "zh_word", "en_word"),
    [
        (
            "为何会员的第一反应是“大事不妙”？",
            "The first reaction of members was that it was a big deal.",
            "question",
            "？",
            "",
        ),
        ("会员的第一反应是“大事不妙”。", "Why was the first reaction of members a big deal?", "question", "", "?"),
        ("经济可能会放缓。", "The economy must slow down.", "modal", "可能", "must"),
        ("我们必须加快改革。", "We might speed up the reform.", "modal", "必须", "might"),
        ("今年的投资更多。", "This year's investment is less.", "comparison", "更多", "less"),
    ],
)
def test_a_flip_is_a_finding_with_what_was_compared(zh: str, en: str, kind: str, zh_word: str, en_word: str):
    [f] = findings(zh, en)
    assert (f.evidence["kind"], f.evidence["zh_word"], f.evidence["en_word"]) == (kind, zh_word, en_word)


@pytest.mark.parametrize(
    ("zh", "en"),
    [
        ("为何会员的第一反应是“大事不妙”？", "Why was the first reaction of members a big deal?"),
        ("经济可能会放缓。", "The economy may slow down."),
        ("经济可能会放缓。", "The economy will slow down."),  # a dropped 可能 is not a reversal
        ("经济可能一定会放缓。", "The economy must slow down."),  # the Chinese obliges too
        ("我们必须加快改革。", "We must speed up the reform."),
        ("我们必须加快改革，这可能很难。", "We must speed up the reform, which may be hard."),  # obliges beside
        ("今年的投资更多。", "This year's investment is greater."),
        ("投资更多，成本更低。", "More investment, lower costs."),  # the Chinese has its own downward
    ],
)
def test_near_misses_are_not_findings(zh: str, en: str):
    assert findings(zh, en) == []


def test_kinds_can_be_chosen():
    assert findings("经济可能会放缓。", "The economy must slow down.", kinds=["question"]) == []


@pytest.mark.parametrize("name", FAITHFUL_ARTICLES)
def test_faithful_translations_have_no_finding(name: str):
    assert faithful_findings(name, "meaning-flip") == []
