"""``negation``: with the original, a negation on one side of an aligned sentence and none on the other."""

from __future__ import annotations

import pytest

from pipeline.checks import SOURCE_REGISTRY
from pipeline.checks.source.negation import Negation
from pipeline.core.document import Document
from pipeline.original.pair import pair_documents
from tests.support import FAITHFUL_ARTICLES, faithful_findings


def findings(zh: str, en: str):
    return list(Negation().find_pair(pair_documents(Document.from_text(en), Document.from_text(zh))))


def test_registered_as_a_source_check():
    assert "negation" in SOURCE_REGISTRY


def test_a_dropped_negation_is_a_finding_with_its_evidence():
    [f] = findings("他没有参加会议。", "He attended the meeting.")
    assert f.evidence["zh_negations"] == ["没"] and f.evidence["en_negations"] == []
    assert f.span.of("He attended the meeting.") == "He attended the meeting." and "negates" in f.message


def test_an_added_negation_is_a_finding():
    [f] = findings("他参加了会议。", "He did not attend the meeting.")
    assert f.evidence["en_negations"] == ["not"]


@pytest.mark.parametrize(
    ("zh", "en"),
    [
        ("他没有参加会议。", "He did not attend the meeting."),
        ("他没有参加会议。", "He didn't attend the meeting."),
        ("他无法参加会议。", "He was unable to attend the meeting."),  # negation by form
        ("声音太小，我们听不到。", "The voices are too small for us to hear."),  # too ... to
        ("民进党拒绝接受“九二共识”。", 'The DPP rejects the "1992 Consensus".'),
        ("经济动力不断增强。", "The economy keeps growing stronger."),  # 不断: continuously
        ("这株植物为南非的昆虫所喜爱。", "Insects in South Africa love this plant."),  # 南非: a name
        ("中国坚定不移扩大开放。", "China has steadfastly opened up."),  # an idiom
        ("毋庸置疑，两个黑洞已经融合。", "There is no doubt that two black holes have merged."),
    ],
)
def test_near_misses_are_not_findings(zh: str, en: str):
    assert findings(zh, en) == []


@pytest.mark.parametrize("name", FAITHFUL_ARTICLES)
def test_faithful_translations_have_no_finding(name: str):
    assert faithful_findings(name, "negation") == []
