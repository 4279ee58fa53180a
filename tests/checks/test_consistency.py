"""The consistency checks' measure (what counts as the same segment) and ``untranslated-segment``'s
near misses; the batch decisions are in tests/stages/test_consistency.py."""

from __future__ import annotations

import pytest

from pipeline.checks import ConfigurationError
from pipeline.checks.source.consistency import InconsistentSource, InconsistentTarget, consistency_form, digest
from pipeline.checks.source.untranslated_segment import UntranslatedSegment
from pipeline.core.document import Document
from pipeline.original.pair import pair_documents


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Open file", "  open   FILE. "),  # case, whitespace, end punctuation
        ("打开文件", "打开文件。"),  # CJK end punctuation
        ("ＯＫ，继续", "OK,继续"),  # full-width forms (NFKC)
        ("It’s “new” – really", 'It\'s "new" - really'),  # quotes and dashes
    ],
)
def test_the_same_segment_in_other_clothes(a: str, b: str) -> None:
    assert consistency_form(a) == consistency_form(b)
    assert digest(a) == digest(b)


@pytest.mark.parametrize(("a", "b"), [("3 files", "4 files"), ("Open file", "Open-file"), ("Save", "Save as")])
def test_numbers_and_inner_punctuation_count(a: str, b: str) -> None:
    assert digest(a) != digest(b)


def test_a_segment_without_letters_is_not_compared() -> None:
    assert digest("%d") is None and digest("100 %") is None
    assert InconsistentTarget().measure("%d", "%d") is None
    assert InconsistentTarget().measure("Save", None) is None  # no original: nothing to compare
    src, tgt = InconsistentTarget().measure("Save", "保存")
    assert InconsistentSource().measure("Save", "保存") == (tgt, src)  # grouped by the English


def _untranslated(original: str, english: str, **options: object) -> list[str]:
    pair = pair_documents(Document.from_text(english), Document.from_text(original))
    return [f.span.of(english) for f in UntranslatedSegment(**options).find_pair(pair)]


@pytest.mark.parametrize(
    "text",
    [
        "Annuler le téléchargement",
        "  Ouvrir le fichier  ",  # trimmed
        "%d fichiers supprimés",  # the placeholder aside, French
        "annuler",
        "Speichern unter",
        # sentences: some of their words are frequent in English text too, English's own are missing
        "El ministerio anunció ayer que las nuevas normas entrarán en vigor el próximo mes.",
        "Das Ministerium hat gestern angekündigt, dass die neuen Regeln nächsten Monat in Kraft treten.",
    ],
)
def test_a_copied_segment_is_flagged(text: str) -> None:
    assert _untranslated(text, text) == [text.strip()]


def test_whitespace_differences_are_still_a_copy() -> None:
    assert _untranslated("Ouvrir le\n  fichier", "Ouvrir le fichier") == ["Ouvrir le fichier"]


@pytest.mark.parametrize(
    "text",
    [
        "OK",
        "iPhone 15 Pro",
        "USB-C",
        "%s",
        "{0} / {1}",
        "https://example.com/path",
        "support@example.com",
        "1,234.5",
        "config.json",
        "key=value",
        "Paris",  # English writes it
        "Description",
        "Frodo",  # capitalised words only: a name
        "Tim Cook",
        "Open file",  # an English original
        "Common ocean birds are Brandt's Cormorant and the pelagic shag.",  # English with a rare word
        "The photosynthetic dinoflagellates bioluminesce when agitated by waves.",  # and with many
        "中国",  # Chinese: untranslated and untranslated-source say it
        "",
    ],
)
def test_near_misses_are_not_flagged(text: str) -> None:
    assert _untranslated(text, text) == []


def test_a_translated_segment_is_not_flagged() -> None:
    assert _untranslated("Annuler", "Cancel") == []


def test_the_share_of_foreign_words_decides() -> None:
    text = "Ouvrir the file now please"  # one foreign word in five
    assert _untranslated(text, text) == []
    assert _untranslated(text, text, min_foreign=0.2) == [text]


@pytest.mark.parametrize("options", [{"min_zipf": "3"}, {"min_foreign": 2}, {"min_zipf": True}])
def test_options_are_checked(options: dict) -> None:
    with pytest.raises(ConfigurationError):
        UntranslatedSegment(**options)


@pytest.mark.parametrize(
    "form",
    [
        "<b>x</b>",
        "%(name)s",
        "{0} {1}",
        "<a href='x y'>",
        "http://a.b/c",
        "www.x.org",
        "a@b.cd",
        "&amp; <i>",
        "{{ name }} is",
        "<p>Hello</p>",
        "%s: %d",
        "  <x/>a",
        "{a b} c",
        "{a b}",
        "<a b c>",
        "%(a b)s x",
        "Plain: text",
    ],
)
def test_a_letter_outside_placeholders_is_found_as_the_substitution_finds_it(form: str):
    from pipeline.checks.source import consistency
    from pipeline.checks.source.untranslated_segment import UNTRANSLATABLE

    expected = consistency._LETTER.search(UNTRANSLATABLE.sub(" ", form)) is not None
    assert consistency._has_words(form) == expected
