"""``key-term``: with the original, a term whose accepted English is missing from its sentence."""

from __future__ import annotations

from pathlib import Path

from pipeline.checks import SOURCE_REGISTRY
from pipeline.checks.source.keyterm import KeyTerm
from pipeline.core.document import Document
from pipeline.original.pair import pair_documents


def findings(zh: str, en: str, **options):
    pair = pair_documents(Document.from_text(en), Document.from_text(zh))
    return list(KeyTerm(**options).find_pair(pair))


def test_registered_as_a_source_check():
    assert "key-term" in SOURCE_REGISTRY


def test_missing_accepted_rendering_is_a_finding_with_the_suggestion():
    zh = "我们要推动高质量发展。"
    en = "We must push for growth of a better kind."
    [f] = findings(zh, en)
    assert f.evidence["zh_term"] == "高质量发展" and f.evidence["suggestion"] == "high-quality development"
    assert f.span.of(en) == en and "high-quality development" in f.message and f.replacement is None
    assert zh[f.evidence["zh_start"] : f.evidence["zh_end"]] == "高质量发展"


def test_present_renderings_are_not_findings():
    # any case, hyphen or space, a plural, without the article, a listed alternative
    zh = "一带一路倡议推动高质量发展。新冠肺炎疫情期间，脱贫攻坚取得成效。"
    en = "The Belt and Road initiative promotes high quality development. During the COVID-19 pandemic, poverty alleviation made progress."
    assert findings(zh, en) == []


def test_longest_term_first():
    # 新冠肺炎疫情 is one term: "COVID-19 pandemic" satisfies it, no separate 新冠肺炎 finding
    assert [f.evidence["zh_term"] for f in findings("新冠肺炎疫情蔓延。", "The outbreak spread.")] == ["新冠肺炎疫情"]


def test_a_known_wrong_rendering_is_left_to_the_calque_check():
    assert findings("新冠肺炎患者出院。", "New crown pneumonia patients were discharged.") == []


def test_user_term_base(tmp_path: Path):
    tsv = tmp_path / "mine.tsv"
    tsv.write_text("zh\ten\n白皮书\twhite paper\n", encoding="utf-8")
    assert [
        f.evidence["suggestion"]
        for f in findings("发表白皮书。", "A report was issued.", termbase=str(tsv), shipped=False)
    ] == ["white paper"]
    assert findings("发表白皮书。", "A white paper was issued.", termbase=str(tsv), shipped=False) == []
