"""Pairing an English input with its Chinese original, and the checks that need the original."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.checks import SOURCE_REGISTRY, ConfigurationError
from pipeline.checks.runner import build_source_checks, run_source_checks
from pipeline.core.document import Document, load_document
from pipeline.original.files import SourceError, find_source, load_source
from pipeline.original.pair import pair_documents
from tests.support import TEST_DATA

PARALLEL = TEST_DATA / "parallel"


@pytest.fixture(scope="module")
def rail_zh() -> Document:
    return load_source(PARALLEL / "rail.zh.txt")


@pytest.fixture(scope="module")
def rail_en() -> Document:
    return load_document(PARALLEL / "rail.en.txt")


def pair_with(zh: Document, english: str):
    return pair_documents(Document.from_text(english), zh)


def by_check(findings, check):
    return [f for f in findings if f.check == check]


# --- finding the original ----------------------------------------------------------------


def test_original_beside_the_input_by_language_tag(tmp_path: Path) -> None:
    (tmp_path / "article.en.txt").write_text("English.", encoding="utf-8")
    (tmp_path / "article.zh.txt").write_text("中文。", encoding="utf-8")
    assert find_source(tmp_path / "article.en.txt") == tmp_path / "article.zh.txt"


def test_untagged_input_finds_a_tagged_original(tmp_path: Path) -> None:
    (tmp_path / "article.txt").write_text("English.", encoding="utf-8")
    (tmp_path / "article.ZH-CN.txt").write_text("中文。", encoding="utf-8")
    assert find_source(tmp_path / "article.txt") == tmp_path / "article.ZH-CN.txt"


def test_no_original_beside_the_input(tmp_path: Path) -> None:
    (tmp_path / "article.en.txt").write_text("English.", encoding="utf-8")
    (tmp_path / "article.txt").write_text("Not the original: no tag.", encoding="utf-8")
    assert find_source(tmp_path / "article.en.txt") is None


def test_source_folder_by_same_name_then_tags(tmp_path: Path) -> None:
    inputs, originals = tmp_path / "en", tmp_path / "zh"
    inputs.mkdir()
    originals.mkdir()
    (inputs / "a.txt").write_text("English.", encoding="utf-8")
    (inputs / "b.en.txt").write_text("English.", encoding="utf-8")
    (originals / "a.txt").write_text("中文。", encoding="utf-8")
    (originals / "b.txt").write_text("中文。", encoding="utf-8")
    assert find_source(inputs / "a.txt", originals) == originals / "a.txt"
    assert find_source(inputs / "b.en.txt", originals) == originals / "b.txt"
    (originals / "b.zh.txt").write_text("中文。", encoding="utf-8")
    assert find_source(inputs / "b.en.txt", originals) == originals / "b.zh.txt"


def test_source_file_and_missing_source(tmp_path: Path) -> None:
    original = tmp_path / "orig.txt"
    original.write_text("中文。", encoding="utf-8")
    assert find_source(tmp_path / "x.txt", original) == original
    with pytest.raises(SourceError, match="does not exist"):
        find_source(tmp_path / "x.txt", tmp_path / "nowhere")


def test_original_in_gb18030_is_read_and_english_is_refused(tmp_path: Path) -> None:
    gb = tmp_path / "a.zh.txt"
    gb.write_bytes((PARALLEL / "summit.zh.txt").read_text(encoding="utf-8").encode("gb18030"))
    assert load_source(gb).text == (PARALLEL / "summit.zh.txt").read_text(encoding="utf-8")
    with pytest.raises(SourceError, match="no Chinese"):
        load_source(PARALLEL / "rail.en.txt")


# --- the checks ------------------------------------------------------------------------------


def test_faithful_translation_has_only_its_omission(rail_zh: Document, rail_en: Document) -> None:
    findings = run_source_checks(pair_documents(rail_en, rail_zh))
    assert [f.check for f in findings] == ["omission"]
    omission = findings[0]
    assert not omission.span and omission.span.start == rail_en.sentences[6].end
    assert omission.evidence["zh"] == "记者在磨憨站看到，当天有12列满载橡胶、木薯和水果的货运列车正在排队等待通关。"
    assert omission.evidence["zh"] == rail_zh.text[omission.evidence["zh_start"] : omission.evidence["zh_end"]]


def test_changed_numbers_are_found_at_their_spans(rail_zh: Document, rail_en: Document) -> None:
    english = rail_en.text.replace("fallen by 40 percent", "fallen by 14 percent").replace(
        "29.1 million tonnes", "2.91 million tonnes"
    )
    findings = by_check(run_source_checks(pair_with(rail_zh, english)), "number-mismatch")
    assert [f.span.of(english) for f in findings] == ["2.91 million", "14 percent"]
    assert findings[1].evidence["zh_numbers"] == ["百分之四十"]
    assert "百分之四十" in findings[1].message


def test_a_dropped_number_is_reported_on_its_sentence(rail_zh: Document, rail_en: Document) -> None:
    english = rail_en.text.replace("to more than 2,000 categories", "to many categories")
    doc = Document.from_text(english)
    findings = by_check(run_source_checks(pair_documents(doc, rail_zh)), "number-mismatch")
    assert len(findings) == 1
    assert findings[0].span == doc.sentences[6]
    assert findings[0].evidence["zh_numbers"] == ["2000"]


def test_numbers_written_differently_are_the_same() -> None:
    summit = run_source_checks(
        pair_documents(load_document(PARALLEL / "summit.en.txt"), load_source(PARALLEL / "summit.zh.txt"))
    )
    # 三十 = "thirty", 30周年 = "30th", 1月25日 = "January 25", 100多倍 = "more than 100 times"
    assert not by_check(summit, "number-mismatch")


def test_sentence_left_in_chinese(rail_zh: Document, rail_en: Document) -> None:
    copied = "越来越多的老挝农产品通过铁路进入中国市场。"
    english = rail_en.text.replace(
        "More and more Lao agricultural products are entering the Chinese market by rail.", copied
    )
    findings = by_check(run_source_checks(pair_with(rail_zh, english)), "untranslated-source")
    assert len(findings) == 1
    assert findings[0].span.of(english) == copied
    assert findings[0].evidence["copied"] == 1.0 and findings[0].message.startswith("sentence left untranslated")


def test_chinese_not_from_the_original_is_not_untranslated_source(rail_zh: Document, rail_en: Document) -> None:
    english = rail_en.text.replace("transport costs have fallen", "transport costs 天气很好 have fallen")
    assert not by_check(run_source_checks(pair_with(rail_zh, english)), "untranslated-source")


def test_source_checks_take_options_like_other_checks() -> None:
    checks = build_source_checks(
        {"omission": {"severity": "minor", "min_han": 100}, "number-mismatch": {"enabled": False}, "calque": {}}
    )
    assert sorted(c.id for c in checks) == [
        "inconsistent-source",
        "inconsistent-target",
        "key-term",
        "length-mismatch",
        "meaning-flip",
        "mistranslation",
        "name-mismatch",
        "negation",
        "omission",
        "tag-mismatch",
        "uncovered-source",
        "untranslated-segment",
        "untranslated-source",
    ]
    assert next(c for c in checks if c.id == "omission").severity.value == "minor"
    with pytest.raises(ConfigurationError, match="allowed: min_han"):
        build_source_checks({"omission": {"min_chars": 3}})
    assert set(SOURCE_REGISTRY) == {
        "inconsistent-source",
        "inconsistent-target",
        "key-term",
        "length-mismatch",
        "meaning-flip",
        "mistranslation",
        "name-mismatch",
        "negation",
        "number-mismatch",
        "omission",
        "tag-mismatch",
        "uncovered-source",
        "untranslated-segment",
        "untranslated-source",
    }


def test_short_omitted_sentences_are_not_reported(rail_zh: Document, rail_en: Document) -> None:
    pair = pair_documents(rail_en, rail_zh)
    assert not run_source_checks(pair, build_source_checks({"omission": {"min_han": 100}}))


def test_without_the_original_the_checks_find_nothing(rail_en: Document) -> None:
    assert all(list(c.find(rail_en)) == [] for c in build_source_checks())


def test_pair_reports_its_alignment(rail_zh: Document, rail_en: Document) -> None:
    payload = pair_documents(rail_en, rail_zh).to_dict()
    assert payload["signature"].startswith("gale-church")
    assert payload["links"][6]["zh"] == [7] and payload["links"][6]["en"] == []


def number_findings(zh: str, en: str) -> list:
    return by_check(
        run_source_checks(pair_documents(Document.from_text(en), Document.from_text(zh))), "number-mismatch"
    )


@pytest.mark.parametrize(
    ("zh", "en"),
    [
        ("它们的融合将经历数十亿年的时间。", "Their fusion will take billions of years."),  # 数十亿: approximate
        ("质量是太阳的几百万倍甚至几十亿倍。", "Millions or even billions of times the Sun."),
        ("两百五十万个部分。", "Two and a half million parts."),
        ("上世纪80年代，他担任厂长。", "In the 1980s, he was the director."),  # 80年代: the 1980s
        ("上世纪80年代，他担任厂长。", "In the 80s, he was the director."),
        ("民进党拒绝接受“九二共识”。", 'The DPP rejects the "1992 Consensus".'),  # 九二: '92
        ("2023年1月25日举行。", "It was held on January 25, 2023."),
        ("2023年1月25日举行。", "It was held on 25 January 2023."),
        ("1月25日举行。", "It was held on Jan. 25."),
        ("增长了百分之五十。", "It grew by 50%."),
        ("增长了百分之五十。", "It grew by 50 per cent."),
        ("增长了50%。", "It grew by fifty percent."),
        ("工期3至5年。", "The work takes 3-5 years."),
        ("工期3-5年。", "The work takes three to five years, or 3 to 5."),
        ("尤其是25-54岁的劳动参与率。", "Especially the participation rate of those aged 25-54."),
        ("《2023-2027年行动计划》", "The 2023-2027 Action Plan"),  # a range, not a name like COVID-19
        ("全长12公里。", "It is 12 km long."),
        ("投资3.5亿元。", "An investment of 350 million yuan."),
        ("投资3.5亿元。", "An investment of RMB 350 million."),
        ("尚有500余万的缺口。", "There is a gap of more than 5 million."),  # 500余万: over five million
        ("这是第十六届论坛。", "This is the 16th forum."),
        ("他排名第三。", "He came third."),
        ("它越来越近- 40000年前，我们还在画画。", "It is getting closer-40000 years ago, we were painting."),  # a dash
        ("九二共识", "the consensus of '92"),
    ],
)
def test_numbers_written_differently_still_match(zh: str, en: str) -> None:
    assert number_findings(zh, en) == []


@pytest.mark.parametrize(
    ("zh", "en"),
    [
        ("两百五十万个部分。", "Three and a half million parts."),
        ("上世纪80年代，他担任厂长。", "In the 1970s, he was the director."),
        ("它们的融合将经历三十亿年的时间。", "Their fusion will take forty billion years."),  # exact, not approximate
        ("2023年1月25日举行。", "It was held on January 26, 2023."),
        ("2023年1月25日举行。", "It was held on 25 January 2022."),
        ("增长了百分之五十。", "It grew by 15%."),
        ("工期3至5年。", "The work takes 3-6 years."),
        ("尤其是25-54岁的劳动参与率。", "Especially the participation rate of those aged 25-45."),
        ("投资3.5亿元。", "An investment of 35 million yuan."),
        ("尚有500余万的缺口。", "There is a gap of more than 50 million."),
        ("这是第十六届论坛。", "This is the 17th forum."),
        ("它越来越近- 40000年前，我们还在画画。", "It is getting closer-4000 years ago, we were painting."),
        ("九二共识", "the consensus of '93"),
    ],
)
def test_near_misses_of_numbers_written_differently(zh: str, en: str) -> None:
    assert number_findings(zh, en)


def test_a_date_read_as_a_duration_is_a_finding_with_both() -> None:
    [f] = number_findings("（综合11日电）", "(Comprehensive 11 days)")
    assert f.evidence["zh_date"] == "11日" and f.evidence["en_number"] == "11 days"


@pytest.mark.parametrize(
    ("zh", "en"),
    [
        ("（综合11日电）", "(Combined reports, 11th)"),
        ("工期3个月。", "The work takes 3 months."),  # a count, not a date
        ("展览持续3天，3日开幕。", "The show lasts 3 days and opens on the 3rd."),  # 3天 is a duration
        ("3日内完成。", "Done within 3 days."),
    ],
)
def test_near_misses_of_a_date_read_as_a_duration(zh: str, en: str) -> None:
    assert not [f for f in number_findings(zh, en) if "zh_date" in f.evidence]


@pytest.mark.parametrize(
    ("zh", "en", "currency"),
    [
        ("尚有500余万的缺口。", "There is a gap of more than 5 million yuan.", "CNY"),  # added
        ("出超金额仅23.4亿美元。", "The surplus was only 2.34 billion yuan.", "CNY"),  # changed
        ("投资3亿人民币。", "An investment of $300 million.", "USD"),
    ],
)
def test_a_currency_changed_or_added_is_a_finding(zh: str, en: str, currency: str) -> None:
    [f] = [f for f in number_findings(zh, en) if "en_currency" in f.evidence]
    assert f.evidence["en_currency"] == currency


@pytest.mark.parametrize(
    ("zh", "en"),
    [
        ("出超金额仅23.4亿美元。", "The surplus was only $2.34 billion."),
        ("出超金额仅23.4亿美元。", "The surplus was only 2.34 billion US dollars."),
        ("投资3.5亿元。", "An investment of NT$350 million."),  # a bare 元: any local currency
        ("投资3.5亿元。", "An investment of $350 million."),
        ("票价涨了5倍。", "Ticket prices rose fivefold, to $50."),  # 价: money is spoken of
    ],
)
def test_near_misses_of_a_currency_change(zh: str, en: str) -> None:
    assert not [f for f in number_findings(zh, en) if "en_currency" in f.evidence]
