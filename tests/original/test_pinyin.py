"""Pinyin readings of a Chinese text and whether a romanised name spells it; the shared jieba word cutter."""

from __future__ import annotations

from pipeline.original.pinyin import is_pinyin_like, readings, romanises, spelling
from pipeline.original.segment import words


def test_a_name_is_spelt_by_consecutive_characters_one_reading_each():
    text = "会见王沪宁和尹力。"
    assert romanises("wanghuning", readings(text)) == (2, 5)
    assert romanises("yinli", readings(text)) == (6, 8)
    assert romanises("wangyining", readings(text)) is None
    assert romanises("huwang", readings(text)) is None  # in order only


def test_every_reading_of_a_character_counts_and_u_umlaut_is_v_or_u():
    assert romanises("shan", readings("单")) and romanises("dan", readings("单"))
    assert romanises("lv", readings("绿")) and romanises("lu", readings("绿"))


def test_pinyin_like_words():
    assert all(is_pinyin_like(w) for w in ["Huning", "Li", "Jinping", "Xinhua"])
    # not pinyin: Korean and Wade-Giles spellings, a vowel-initial later syllable (Xi'an needs an
    # apostrophe), a syllable without a vowel
    assert not any(is_pinyin_like(w) for w in ["Kim", "Hsia", "Julio", "Alocasia", "Hm", "Memorandum"])


def test_words_cut_text_and_tag_names():
    cut = words("国民党副主席会见王沪宁。")
    assert "".join(w for w, _ in cut) == "国民党副主席会见王沪宁。"
    assert ("王沪宁", "nr") in cut


def test_spelling_gives_the_usual_reading_and_the_package_is_not_imported():
    import sys

    assert spelling("王沪宁") == "wang hu ning" and spelling("单A") == "dan"
    assert "pypinyin" not in sys.modules  # its phrase tables are never loaded


def test_the_cached_table_and_syllables_are_pypinyins():
    from pipeline.original import pinyin

    assert pinyin._table() == pinyin._read_table(pinyin._table_path())
    assert pinyin.syllables() == pinyin._syllables() and "zhong" in pinyin.syllables()
