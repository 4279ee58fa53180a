"""Source-aware checks with originals in Korean, Russian, French and German."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.checks.runner import run_source_checks
from pipeline.cli import app
from pipeline.core.document import Document, load_document
from pipeline.original.files import SourceError, find_source, load_source
from pipeline.original.pair import pair_documents
from pipeline.original.rules import rules_for
from tests.support import TEST_DATA

DATA = TEST_DATA / "originals"
LANGUAGES = ("de", "fr", "ru", "ko")
EN = (DATA / "port.en.txt").read_text(encoding="utf-8")


def checked(lang: str, english: str = EN):
    pair = pair_documents(Document.from_text(english), load_source(DATA / f"port.{lang}.txt"))
    return pair, run_source_checks(pair)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_faithful_translation_has_no_findings(lang: str) -> None:
    pair, findings = checked(lang)
    assert pair.language == lang
    assert [link.kind for link in pair.alignment.links] == ["1-1"] * 6  # title + five sentences
    assert findings == []


@pytest.mark.parametrize("lang, written", [("de", "3,2 Prozent"), ("fr", "3,2 %"), ("ru", "3,2%"), ("ko", "3.2%")])
def test_a_changed_number_is_found_against_the_originals_own_notation(lang: str, written: str) -> None:
    english = EN.replace("3.2 percent", "2.3 percent")
    _, findings = checked(lang, english)
    assert [(f.check, f.span.of(english)) for f in findings] == [("number-mismatch", "2.3 percent")]
    assert findings[0].evidence["zh_numbers"] == [written]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_grouped_thousands_and_scale_words_are_values(lang: str) -> None:
    # 12.000 / 12 000 / 12,000명 = 12,000; 1,5 Milliarden / milliard / млрд / 15억 = 1.5 billion
    english = EN.replace("About 12,000 people", "About 1,200 people").replace("1.5 billion", "15 billion")
    _, findings = checked(lang, english)
    assert sorted(f.span.of(english) for f in findings) == ["1,200", "15 billion"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_omitted_sentence_is_reported_where_it_is_missing(lang: str) -> None:
    english = EN.replace(" About 12,000 people work at the port.", "")
    pair, findings = checked(lang, english)
    assert [f.check for f in findings] == ["omission"]
    assert not findings[0].span and findings[0].span.start == english.index(" Officials")
    assert findings[0].evidence["zh"] == pair.rules.split(pair.original.text)[3].of(pair.original.text)


@pytest.mark.parametrize("lang", ["ko", "ru"])
def test_a_sentence_left_in_the_originals_script_is_untranslated_source(lang: str) -> None:
    original = (DATA / f"port.{lang}.txt").read_text(encoding="utf-8")
    copied = [s.of(original) for s in rules_for(lang).split(original)][4]
    english = EN.replace("Officials said the new rail link would open in 2026.", copied)
    _, findings = checked(lang, english)
    findings = [f for f in findings if f.check != "number-mismatch"]  # (2026년 is no English number)
    assert [(f.check, f.span.of(english)) for f in findings] == [("untranslated-source", copied)]
    assert findings[0].evidence["language"] == lang


def test_sentences_end_at_stops_but_not_after_abbreviations_or_german_ordinals() -> None:
    de = "Am 3. Oktober stieg der Umsatz z. B. um 2 Mrd. Euro. Das ist viel."
    assert [s.of(de) for s in rules_for("de").split(de)] == [
        "Am 3. Oktober stieg der Umsatz z. B. um 2 Mrd. Euro.",
        "Das ist viel.",
    ]
    ru = "В 2022 г. было 1 500 человек. Выделено 2 млрд. рублей."
    assert [s.of(ru) for s in rules_for("ru").split(ru)] == [
        "В 2022 г. было 1 500 человек.",
        "Выделено 2 млрд. рублей.",
    ]
    assert [(n.text, n.value) for n in rules_for("ru").numbers(ru)] == [
        ("2022", 2022),
        ("1 500", 1500),
        ("2 млрд.", 2e9),
    ]


def test_originals_in_other_languages_are_refused_in_one_line() -> None:
    with pytest.raises(SourceError, match="in Spanish; the source checks read originals in zh, ja, ko, ru, fr, de"):
        load_source(DATA / "port.es.txt")
    with pytest.raises(SourceError, match="it is English"):
        load_source(DATA / "port.en.txt")


def test_an_original_is_found_by_its_language_tag(tmp_path: Path) -> None:
    (tmp_path / "port.en.txt").write_text(EN, encoding="utf-8")
    (tmp_path / "port.ru.txt").write_text((DATA / "port.ru.txt").read_text(encoding="utf-8"), encoding="utf-8")
    assert find_source(tmp_path / "port.en.txt") == tmp_path / "port.ru.txt"


def test_tqa_check_with_a_german_original_and_tqa_checks_naming_the_languages(tmp_path: Path) -> None:
    english = tmp_path / "port.en.txt"
    english.write_text(EN.replace("3.2 percent", "2.3 percent"), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(english), "--source", str(DATA / "port.de.txt")])
    assert "number-mismatch" in result.output and "2.3 percent" in result.output
    lines = {line.split()[0]: line for line in CliRunner().invoke(app, ["checks"]).output.splitlines() if line.strip()}
    assert "originals in: zh, ja, ko, ru, fr, de" in lines["omission"]
    assert (
        "originals in: zh, ja, ko, ru" in lines["untranslated-source"]
        and "fr" not in lines["untranslated-source"].split("originals in:")[1].split(")")[0]
    )
    assert "originals in: zh, ja)" in lines["key-term"]
    assert load_document(DATA / "port.en.txt").text == EN  # inputs are read-only
