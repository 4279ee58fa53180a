"""The output guard on hand-written model outputs: each rejection, and plausible outputs accepted."""

from __future__ import annotations

import pytest

from pipeline.checks import build_checks
from pipeline.translate.guard import find_loop, judge, judge_segments, source_units, tokens

SRC = "中国和中亚将逐步恢复客运航班"  # 14 Han characters


@pytest.fixture(scope="module")
def checks():
    return build_checks()


@pytest.mark.parametrize(
    ("source", "output"),
    [
        (SRC, "China and Central Asia will gradually resume passenger flights"),
        ("中国是中亚最大的贸易伙伴", "China is the largest trading partner of Central Asia."),
        ("疫情背景下", "Against the backdrop of the epidemic"),
        ("哈萨克斯坦", "Kazakhstan"),  # names transliterate short: 2 characters per Han character
        ("是", "Yes"),  # too short a source for the lower bound
        ("一带一路", "Belt and Road"),
        (
            "2022年，中国将向中亚国家提供5000万剂疫苗援助。",
            "In 2022, China will provide 50 million doses of vaccine assistance to Central Asian countries.",
        ),
        ("确保中国—中亚油气管道稳定运营", "Ensure the stable operation of the China-Central Asia oil and gas pipeline"),
        (SRC, "The economy grew by 1,000,000,000 yuan in the year"),  # number groups are not a loop
        ("他说：“不，不，不。”", 'He said, "No, no, no."'),  # three words with commas: below three full copies
        (
            SRC,
            "Reduce poverty reduction, reduce poverty reduction and resume flights",
        ),  # a doubled phrase is not a loop
        (SRC, "The mood improved... and the flights resumed."),
    ],
)
def test_plausible_outputs_are_accepted(checks, source: str, output: str) -> None:
    assert judge(source, output, checks) is None


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        ("", "empty output"),
        ("   \n", "empty output"),
        (" . , ", "no words"),
        ("of the of the of the of the", 'repetition loop: "of the" 4 times'),
        ("China and Central Asia will resume flights, flights, flights, flights", "repetition loop"),
        ("The the the economy of China will resume", 'repetition loop: "the" 3 times'),
        ("China - - - - - - - - -", 'repetition loop: "-"'),
        ("China will China the China in China of China and China to China for China", '"china" is 8 of 15 words'),
        ("China and 中亚 will resume flights", "untranslated script left"),
        ("中国和中亚将逐步恢复客运航班", "untranslated script left"),  # copied through
        ("China.", "output too short"),
        (
            "China and Central Asia will gradually resume passenger flights, build a fast lane for people and a "
            "green lane for goods, keep the oil and gas pipelines running, finish line D of the gas pipeline and "
            "expand cooperation along the whole energy chain while promoting the low-carbon transformation of energy",
            "output too long",
        ),
    ],
)
def test_rejections_name_their_reason(checks, output: str, expected: str) -> None:
    reason = judge(SRC, output, checks)
    assert reason is not None and expected in reason


def test_repeated_phrase_check_catches_loops_the_token_detector_misses(checks) -> None:
    # no comma after the last copy: not three full copies of "reduce poverty ,"
    output = "We reduce poverty, reduce poverty, reduce poverty across the region"
    assert find_loop(tokens(output)) is None
    reason = judge(SRC, output, checks)
    assert reason is not None and "3 times" in reason
    assert judge(SRC, output, []) is None  # without the check, only the token detector runs


def test_script_found_by_regex_when_the_check_is_absent() -> None:
    reason = judge(SRC, "China and 中亚 will resume flights", checks=[])
    assert reason is not None and "中亚" in reason
    assert judge(SRC, "Привет мир, China and Central Asia resume flights", checks=[]) is not None


def test_default_checks_are_the_registered_ones() -> None:
    assert judge(SRC, "China and 中亚 will resume flights") is not None
    assert judge(SRC, "China and Central Asia will gradually resume passenger flights") is None


def test_source_units_weigh_han_against_other_characters() -> None:
    assert source_units("中国") == 2
    assert source_units("2022年") == pytest.approx(1 + 4 / 3)
    assert source_units("  ") == 0


def test_find_loop_reports_the_shortest_period_and_all_copies() -> None:
    assert find_loop("a b a b a b a b c".split()) == ("a b", 4)
    assert find_loop("x y z x y z x y".split()) is None
    assert find_loop("the cat sat on the mat".split()) is None


def test_judge_segments_names_the_failing_segment(checks) -> None:
    segments = ["疫情背景下", SRC]
    good = ["Against the backdrop of the epidemic", "China and Central Asia will gradually resume passenger flights"]
    assert judge_segments(segments, good, checks) is None
    reason = judge_segments(segments, [good[0], ""], checks)
    assert reason == "translation rejected (segment 2 of 2: empty output)"
    assert judge_segments([SRC], [""], checks) == "translation rejected (empty output)"


@pytest.mark.parametrize(
    ("language", "source", "output"),
    [
        ("ko", "중국은 중앙아시아의 최대 무역 파트너이다", "China is Central Asia's largest trading partner."),
        ("ja", "日本も地域の安定に協力していきます。", "Japan will also cooperate for the stability of the region."),
        (
            "ru",
            "Россия поддерживает развитие транспортных коридоров в регионе",
            "Russia supports the development of transport corridors in the region",
        ),
        (
            "fr",
            "Le sommet a été suivi par de nombreux diplomates européens et des journalistes étrangers.",
            "The summit was attended by many European diplomats and foreign journalists.",
        ),
    ],
)
def test_sound_translations_from_other_languages_pass(checks, language, source, output):
    assert judge(source, output, checks, language) is None


def test_length_bounds_weigh_each_script():
    # a Hangul syllable carries less than a Han character, Kana less still, letters a third
    assert source_units("중국은") == pytest.approx(1.8)
    assert source_units("にほん") == pytest.approx(1.5)
    assert source_units("Россия") == pytest.approx(2.0)
    long_korean = "중국은 중앙아시아의 최대 무역 파트너이다"
    assert judge(long_korean, "China.", checks=None, language="ko") is not None  # a fragment of a 19-syllable sentence


def test_an_output_still_in_the_source_language_is_rejected_for_a_latin_script_source(checks):
    source = "Le gouvernement chinois a annoncé une nouvelle aide aux pays voisins."
    copied = "Le gouvernement chinois a annoncé une nouvelle aide aux pays voisins de la région."
    assert "untranslated" in (judge(source, copied, checks, "fr") or "")
    assert judge(source, "The Chinese government announced new aid to neighbouring countries.", checks, "fr") is None
