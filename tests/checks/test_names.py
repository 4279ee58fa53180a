"""``name-mismatch``: with the original, a romanised Chinese name in the English that spells nothing in the Chinese."""

from __future__ import annotations

import pytest

from pipeline.checks import SOURCE_REGISTRY
from pipeline.checks.source.names import NameMismatch
from pipeline.core.document import Document
from pipeline.original.pair import pair_documents
from tests.support import FAITHFUL_ARTICLES, faithful_findings


def findings(zh: str, en: str):
    return list(NameMismatch().find_pair(pair_documents(Document.from_text(en), Document.from_text(zh))))


def test_registered_as_a_source_check():
    assert "name-mismatch" in SOURCE_REGISTRY


def test_a_misspelt_name_is_a_finding_with_the_likely_original():
    en = "He met Wang Yining, a member of the Standing Committee."
    [f] = findings("他会见了中央政治局常委王沪宁。", en)
    assert f.span.of(en) == "Wang Yining" and f.evidence["romanised"] == "wangyining"
    assert {"zh": "王沪宁", "pinyin": "wang hu ning"} in f.evidence["zh_names"]


@pytest.mark.parametrize(
    ("zh", "en", "name"),
    [
        ("国民党副主席夏立言率团访陆。", "Kuomintang vice chairman Xia Li Yun led a delegation.", "Xia Li Yun"),
        ("会见北京市委书记尹力。", "He met Li Ying, secretary of the Beijing committee.", "Li Ying"),
    ],
)
def test_a_name_right_in_part_is_a_finding(zh: str, en: str, name: str):
    # one syllable is spelt by almost any sentence: a group of words must spell two characters
    assert [f.evidence["en_name"] for f in findings(zh, en)] == [name]


def test_another_person_in_the_names_place_is_a_finding():
    [f] = findings("何立峰指出，这是重要举措。", "Wen Jiabao pointed out that this is an important measure.")
    assert f.evidence["en_name"] == "Wen Jiabao"


@pytest.mark.parametrize(
    ("zh", "en"),
    [
        ("他会见了中央政治局常委王沪宁。", "He met Wang Huning, a member of the Standing Committee."),
        ("他会见了王沪宁。", "He met Wang Hu-ning."),  # hyphens and spaces do not matter
        ("习近平主席发表讲话。", "President Xi delivered a speech."),  # the surname alone
        ("单位负责人曾经说过。", "Shan Wei, the head, once said so."),  # 单 read Shan, not dan
        ("京沪高铁开通。", "The Beijing-Shanghai high-speed railway opened."),  # frequent English: not read
        ("江宁区和南京市。", "Nanjing Jiangning."),  # two names, each spelt
        ("金正恩出席了仪式。", "Kim Jong-un attended the ceremony."),  # Korean, not pinyin
        (
            "国民党副主席夏立言访问大陆。",
            "Kuomintang vice chairman Hsia Li-yan visited the mainland.",
        ),  # exonym, Wade-Giles
        ("这株植物为新加坡的昆虫所喜爱。", "Insects in Singapore love this plant."),
        ("日本媒体认为台湾很重要。", "The Taiwanese media believe Taiwan matters."),  # -ese: English
        ("吸引香港旅客拓展港澳旅游", "Attracting Hong Kong tourists to Hong Kong and Macao"),  # 港澳
        ("胡里奥·里奥斯接受采访。", "Julio Rios was interviewed."),  # ju-li-o: not pinyin (o after a syllable)
    ],
)
def test_near_misses_are_not_findings(zh: str, en: str):
    assert findings(zh, en) == []


@pytest.mark.parametrize("name", FAITHFUL_ARTICLES)
def test_faithful_translations_have_no_finding(name: str):
    assert faithful_findings(name, "name-mismatch") == []
