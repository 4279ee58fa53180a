"""Sentence alignment (Gale–Church) on the parallel sample in tests/data/parallel/."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.core.document import Document
from pipeline.original.align import PRIORS, Side, align, align_lengths, align_texts, length_cost
from pipeline.original.numbers import en_numbers
from pipeline.original.zh import split_zh_sentences, zh_numbers
from tests.support import TEST_DATA, count_length_costs

PARALLEL = TEST_DATA / "parallel"


def load_pair(name: str) -> tuple[str, Document, list[tuple[tuple[int, ...], tuple[int, ...]]]]:
    zh = (PARALLEL / f"{name}.zh.txt").read_text(encoding="utf-8")
    en = Document.from_text((PARALLEL / f"{name}.en.txt").read_text(encoding="utf-8"))
    expected = [
        (tuple(a), tuple(b))
        for a, b in json.loads((PARALLEL / f"{name}.links.json").read_text(encoding="utf-8"))["links"]
    ]
    return zh, en, expected


def test_chinese_sentences_keep_their_punctuation() -> None:
    text = "他说：“我们准备好了！”随后离开。真的吗？是的……\n标题一行\n\n第二段；分号后面。"
    sentences = [s.of(text) for s in split_zh_sentences(text)]
    assert sentences == [
        "他说：“我们准备好了！”",
        "随后离开。",
        "真的吗？",
        "是的……",
        "标题一行",
        "第二段；",
        "分号后面。",
    ]


@pytest.mark.parametrize("name", ["rail", "summit"])
def test_links_of_the_parallel_sample(name: str) -> None:
    zh, en, expected = load_pair(name)
    alignment = align(zh, en)
    assert alignment.pairs() == expected
    assert 2.5 < alignment.ratio < 5.0  # English characters per Chinese character, from the pair itself
    assert alignment.signature.startswith("gale-church|ratio:")


def test_merge_split_and_omission_are_found() -> None:
    zh, en, _ = load_pair("rail")
    alignment = align(zh, en)
    kinds = {link.kind: link for link in alignment.links if link.kind != "1-1"}
    assert set(kinds) == {"2-1", "1-2", "1-0"}
    merge = kinds["2-1"]
    assert merge.zh_span.of(zh).startswith("据中国国家铁路集团") and merge.zh_span.of(zh).endswith(
        "其中跨境旅客超过19万人次。"
    )
    split = kinds["1-2"]
    assert split.en_span == type(split.en_span)(en.sentences[3].start, en.sentences[4].end)
    omitted = kinds["1-0"]
    assert omitted.zh_span.of(zh).startswith("记者在磨憨站看到")
    # the empty span sits where the translation is missing: right after the English sentence before it
    assert not omitted.en_span and omitted.en_span.start == en.sentences[6].end


def test_model_translations_sharpen_the_alignment() -> None:
    """Without number anchors the lengths alone cannot tell which sentence was omitted;
    the model's translations of the Chinese (here: oracle ones) can."""
    zh, en, expected = load_pair("rail")
    zh_texts = [s.of(zh) for s in split_zh_sentences(zh)]
    en_texts = [s.of(en.text) for s in en.sentences]
    oracle = {zh_texts[i]: " ".join(en_texts[j] for j in b) for a, b in expected for i in a}
    alignment = align(zh, en, anchors=False, translations=oracle)
    assert alignment.pairs() == expected
    assert alignment.signature.endswith("anchors:no|sim:chrF")
    assert all(link.similarity is not None for link in alignment.links if link.zh and link.en)


def test_a_one_sided_bead_costs_its_prior_only() -> None:
    assert length_cost(30, 0, 3.0, 18.0) == 0.0 == length_cost(0, 90, 3.0, 18.0)
    assert length_cost(30, 90, 3.0, 18.0) < length_cost(30, 60, 3.0, 18.0)
    assert set(PRIORS) == {(1, 1), (1, 0), (0, 1), (2, 1), (1, 2)}


def test_an_untranslated_english_sentence_still_aligns_with_its_original() -> None:
    zh, en, expected = load_pair("rail")
    copied = en.text.replace(en.sentences[5].of(en.text), "越来越多的老挝农产品通过铁路进入中国市场。")
    assert align(zh, Document.from_text(copied)).pairs() == expected


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(1, 60), min_size=1, max_size=12),
    st.lists(st.integers(1, 180), min_size=1, max_size=12),
)
def test_links_cover_both_sides_once_in_order(zh_lengths: list[int], en_lengths: list[int]) -> None:
    beads, ratio, variance = align_texts(
        ["中" * n for n in zh_lengths], ["a" * n for n in en_lengths], [0] * len(zh_lengths), [0] * len(en_lengths)
    )
    assert [i for a, _, _ in beads for i in a] == list(range(len(zh_lengths)))
    assert [j for _, b, _ in beads for j in b] == list(range(len(en_lengths)))
    assert all((len(a), len(b)) in PRIORS for a, b, _ in beads)
    assert ratio > 0 and variance > 0


def test_multi_sentence_links_stay_inside_a_paragraph() -> None:
    beads, _, _ = align_texts(["中" * 10, "中" * 10], ["a" * 60], [0, 1], [0])
    assert all(len(a) < 2 for a, _, _ in beads)


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("三十", 30, "number"),
        ("5万", 50_000, "number"),
        ("百分之五", 5, "percent"),
        ("2022年", 2022, "year"),
        ("二〇二二年", 2022, "year"),
        ("1.5亿", 150_000_000, "number"),
        ("3万亿", 3 * 10**12, "number"),
        ("一百零五", 105, "number"),
        ("三点五", 3.5, "number"),
        ("增长30%", 30, "percent"),
        ("５２.５亿", 5_250_000_000, "number"),
    ],
)
def test_chinese_numbers_are_normalised(text: str, value: float, kind: str) -> None:
    strict = [n for n in zh_numbers(text) if n.strict]
    assert [(n.value, n.kind) for n in strict] == [(value, kind)]


@pytest.mark.parametrize("text", ["一带一路", "统一", "万象", "千万", "5G网络", "COVID-19疫情", "两国", "三四个"])
def test_words_made_of_numerals_are_not_strict_numbers(text: str) -> None:
    assert not [n for n in zh_numbers(text) if n.strict]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("50,000 people", 50_000),
        ("1.5 billion", 1.5e9),
        ("thirty stands", 30),
        ("twenty-five", 25),
        ("40 percent", 40),
        ("the 30th anniversary", 30),
        ("$3bn", 3e9),
        ("two hundred and fifty", 250),
    ],
)
def test_english_numbers_are_normalised(text: str, value: float) -> None:
    assert [n.value for n in en_numbers(text) if n.strict] == [value]


@pytest.mark.parametrize(
    "text", ["COVID-19", "the G20 summit", "5G", "one of them", "the two sides", "hundreds of times", "the first"]
)
def test_names_and_idioms_are_not_strict_english_numbers(text: str) -> None:
    assert not [n for n in en_numbers(text) if n.strict]


def test_spans_of_numbers_point_into_the_text() -> None:
    text = "By December 3, 2023, it carried 24.2 million trips."
    assert [n.span.of(text) for n in en_numbers(text)] == ["December", "3", "2023", "24.2 million"]
    zh = "截至2023年12月3日，累计发送旅客2420万人次。"
    assert [n.span.of(zh) for n in zh_numbers(zh)] == ["2023年", "12", "3", "2420万"]


def _repeated_pair(units: int) -> tuple[str, str]:
    """The two parallel articles repeated: a long document whose sides differ in sentence count."""
    zh = "\n\n".join((PARALLEL / f"{name}.zh.txt").read_text(encoding="utf-8").strip() for name in ("rail", "summit"))
    en = "\n\n".join((PARALLEL / f"{name}.en.txt").read_text(encoding="utf-8").strip() for name in ("rail", "summit"))
    return "\n\n".join([zh] * units), "\n\n".join([en] * units)


def test_a_long_document_aligns_in_work_linear_in_its_length(monkeypatch: pytest.MonkeyPatch) -> None:
    # The old band around the diagonal widened with the difference in sentence counts
    # (here 1 a unit): twice the document took 3x the cells. The beam follows the path.
    import pipeline.original.align as align_module

    calls = count_length_costs(monkeypatch)
    work, links = {}, {}
    for units in (28, 56):
        zh, en = _repeated_pair(units)
        calls["n"] = 0
        alignment = align(zh, Document.from_text(en), anchors=False)
        assert alignment.settings["band"] == align_module.BEAM  # past the full table
        work[units] = calls["n"]
        links[units] = alignment.pairs()
    assert work[56] / work[28] < 2.2
    # and the beam finds what the whole table finds: each repetition aligned like the first
    zh, en = _repeated_pair(1)
    unit = align(zh, Document.from_text(en), anchors=False).pairs()
    n_zh, n_en = len(split_zh_sentences(zh)), len(Document.from_text(en).sentences)
    assert links[28] == [
        (tuple(i + r * n_zh for i in a), tuple(j + r * n_en for j in b)) for r in range(28) for a, b in unit
    ]


def test_the_aligners_loop_costs_a_bead_as_length_cost_does() -> None:
    # the loop inlines length_cost for speed: each bead's cost is still its prior plus length_cost
    zh = Side([10.0, 25.0, 4.0, 12.0, 30.0], [0, 0, 0, 1, 1])
    en = Side([31.0, 70.0, 50.0, 9.0, 88.0, 2.0], [0, 0, 0, 0, 1, 1])
    for zh_i, en_j, cost in align_lengths(zh, en, 2.9, 17.0):
        l_zh, l_en = sum(zh.lengths[i] for i in zh_i), sum(en.lengths[j] for j in en_j)
        expected = -math.log(PRIORS[(len(zh_i), len(en_j))]) + length_cost(l_zh, l_en, 2.9, 17.0)
        assert cost == pytest.approx(expected, rel=1e-12)


def test_english_numbers_are_found_wherever_case_folding_puts_them() -> None:
    # the pattern matches case-insensitively by full case folding (ﬁ is fi, ſ is s): the words are
    # read by the same folding, and the positions the pattern skips are never where one starts
    text = "The ﬁrst ſecond and FIFTH of May 5, twenty-ﬁve, ٣٤ in all, two thouſand, ſept. 3"
    assert [(n.span.of(text), n.value) for n in en_numbers(text)] == [
        ("ﬁrst", 1),
        ("ſecond", 2),
        ("FIFTH", 5),
        ("May", 5),
        ("5", 5),
        ("twenty-ﬁve", 25),
        ("٣٤", 34),
        ("two thouſand", 2000),
        ("ſept.", 9),
        ("3", 3),
    ]


def test_the_bounded_whole_table_search_finds_what_the_unbounded_one_finds(monkeypatch: pytest.MonkeyPatch) -> None:
    # Cells no path as cheap as the beam's can pass are left out of a whole-table search:
    # the beads, their costs to the last bit and the cells' back pointers must not change,
    # whatever the lengths, paragraphs and numbers (omissions, splits, numbers on one side).
    import random

    import pipeline.original.align as align_module
    from pipeline.original.align import AnchorCost

    rng = random.Random(7)
    for _ in range(150):
        n, m = rng.randint(8, 40), rng.randint(8, 40)
        zh_par = sorted(rng.randint(0, n // 3) for _ in range(n))
        en_par = sorted(rng.randint(0, m // 3) for _ in range(m))
        zh = Side([float(rng.choice([0, rng.randint(1, 60)])) for _ in range(n)], zh_par)
        en = Side([float(rng.randint(0, 180)) for _ in range(m)], en_par)
        pool = [1.0, 2.0, 3.0, 2020.0, 45.5]
        zh_numbers = [frozenset(rng.sample(pool, rng.choice([0, 0, 0, 1, 2, 4]))) for _ in range(n)]
        en_numbers = [frozenset(rng.sample(pool, rng.choice([0, 0, 0, 1, 2, 4]))) for _ in range(m)]
        ratio, variance = rng.uniform(2.0, 4.5), rng.uniform(5.0, 60.0)
        for anchors in (None, AnchorCost(zh_numbers, en_numbers)):
            monkeypatch.setattr(align_module, "BOUND_MIN_CELLS", 10**9)
            whole = align_lengths(zh, en, ratio, variance, anchors)
            monkeypatch.setattr(align_module, "BOUND_MIN_CELLS", 0)
            assert align_lengths(zh, en, ratio, variance, anchors) == whole
            # bounded by another path (a first pass's, at other estimates) rather than the beam's
            other = [(a, b) for a, b, _ in align_lengths(zh, en, ratio * 1.3, variance / 2, anchors)]
            assert align_lengths(zh, en, ratio, variance, anchors, known=other) == whole


@pytest.mark.parametrize(
    "text",
    [
        "Nothing to count here, said the “minister” — again.",
        "The ﬁrst and the Second, on the ſixth of May 5.",  # full case folding: ﬁ is fi, ſ is s
        "KELVIN ONE and Twenty-five and a Hundred-fold",
        "one's twenty_one Sep. 4 Sept the fourteenth of December",
        "Ⅻ apostles, x\u0301one, 2bn, five-and-twenty, in '92",
        "Café owners met zero times; Ñandú",
        "a hundred and fifty, A  HUNDRED, two and a half million; 1,000.5 bn in the 80s, 5 per cent",
        "closer-40000 years ago, COVID-19, Su-27 and G20; the 12th, 3.5% and 5s",
    ],
)
def test_the_quick_look_for_english_numbers_misses_none(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # a sentence without a digit or a number word is not searched by the number pattern;
    # what the pattern finds must be the same with the look as without it
    import pipeline.original.numbers as numbers_module

    found = numbers_module._en_numbers.__wrapped__(text)
    monkeypatch.setattr(numbers_module, "_may_hold_a_number", lambda _text: True)
    assert numbers_module._en_numbers.__wrapped__(text) == found
    # nor what trying the pattern only where a match can start finds: the plain search's matches
    monkeypatch.setattr(numbers_module, "_number_matches", numbers_module._EN_NUMBER.finditer)
    assert numbers_module._en_numbers.__wrapped__(text) == found
