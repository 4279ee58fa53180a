"""The untranslated check: script passages with exact offsets, and foreign Latin sentences."""

from pipeline.checks import run_checks
from pipeline.checks.untranslated import Untranslated
from pipeline.core.document import Document

PASSAGE = (
    "疫情背景下,中国和中亚将逐步恢复客运航班,建立人畅其行的“快捷通道”,完善物畅其流的“绿色通道”;"
    "确保中国—中亚油气管道稳定运营,加快中国—中"
)


def untranslated(text):
    doc = Document.from_text(text)
    return doc, list(Untranslated().find(doc))


def test_sample_passage_has_exact_offsets(sample_doc):
    findings = [f for f in run_checks(sample_doc) if f.check == "untranslated"]
    assert len(findings) == 1
    f = findings[0]
    start = sample_doc.text.index("疫情背景下")
    assert (f.span.start, f.span.end) == (start, start + len(PASSAGE))
    assert f.span.of(sample_doc.text) == PASSAGE
    assert f.evidence["language"] == "zh"
    assert f.evidence["identified_by"] == "script"  # Han without Kana is Chinese: no identifier asked
    assert f.message.startswith("Chinese, ")


def test_language_switch_mid_sentence_ends_the_passage(sample_doc):
    f = next(f for f in run_checks(sample_doc) if f.check == "untranslated")
    after = sample_doc.text[f.span.end :]
    assert after.startswith("The construction of the sub -natural gas pipeline D")
    assert sample_doc.text[f.span.end - 1] == "中"


def test_no_finding_on_an_english_paragraph():
    _, findings = untranslated(
        "China is the largest trading partner of Central Asia. The bilateral trade volume "
        "has increased a hundredfold since diplomatic relations were established."
    )
    assert findings == []


def test_runs_separated_by_punctuation_digits_and_spaces_are_one_passage():
    doc, findings = untranslated("Before 中国，2022年 “中亚” 合作。 After.")
    assert len(findings) == 1
    assert findings[0].span.of(doc.text) == "中国，2022年 “中亚” 合作。"


def test_english_words_split_passages():
    doc, findings = untranslated("中国 and 中亚 met.")
    assert [f.span.of(doc.text) for f in findings] == ["中国", "中亚"]


def test_passages_do_not_cross_lines():
    doc, findings = untranslated("中国\n中亚")
    assert [f.span.of(doc.text) for f in findings] == ["中国", "中亚"]


def test_other_scripts_are_found_and_named():
    doc, findings = untranslated("Leaders met in Москва and signed. Then こんにちは and 안녕하세요.")
    by_text = {f.span.of(doc.text): f.evidence for f in findings}
    assert by_text["Москва"]["script"] == "Cyrillic"
    assert by_text["こんにちは"]["language"] == "ja"
    assert by_text["안녕하세요"]["language"] == "ko"


def test_a_lone_greek_letter_is_a_symbol_not_a_passage():
    _, findings = untranslated("The α variant and the β-coronavirus family were studied.")
    assert findings == []


def test_a_whole_sentence_in_another_latin_language_is_flagged():
    doc, findings = untranslated(
        "The summit ended on Tuesday. Le gouvernement chinois a annoncé une nouvelle aide aux pays voisins. Trade grew."
    )
    assert len(findings) == 1
    assert findings[0].evidence["language"] == "fr"
    assert findings[0].span.of(doc.text).startswith("Le gouvernement")


def test_findings_are_deterministic(sample_doc):
    first = [f.to_dict(sample_doc.text) for f in run_checks(sample_doc)]
    second = [f.to_dict(sample_doc.text) for f in run_checks(sample_doc)]
    assert first == second


def test_a_heading_in_capitals_or_a_list_of_names_is_not_a_foreign_sentence():
    for text in (
        "GNU GENERAL PUBLIC LICENSE Version 3, 29 June 2007",
        "Kassym-Jomart Tokayev, Sadyr Japarov, Emomali Rahmon, Serdar Berdimuhamedov, Shavkat Mirziyoyev.",
    ):
        _, findings = untranslated(text)
        assert findings == [], text


def test_the_script_decides_without_langdetect(monkeypatch):
    import pipeline.checks.untranslated as module

    def refuse(*args, **kwargs):
        raise AssertionError("langdetect asked where the script decides")

    monkeypatch.setattr(module, "identify", refuse)
    doc, findings = untranslated("A 東京都の会議 B 서울시 C 中国外交部 D สวัสดีครับ E Αθήνα F.")
    got = {f.span.of(doc.text): (f.evidence["language"], f.evidence["script"]) for f in findings}
    assert got == {
        "東京都の会議": ("ja", "Kana"),
        "서울시": ("ko", "Hangul"),
        "中国外交部": ("zh", "Han"),
        "สวัสดีครับ": ("th", "Thai"),
        "Αθήνα": ("el", "Greek"),
    }
    assert (
        next(f for f in findings if f.evidence["language"] == "ja").message == "Japanese, 6 letters left untranslated"
    )


def test_a_shared_script_is_identified_among_its_own_languages():
    doc, findings = untranslated(
        "The minister said: Правительство России объявило о новых мерах поддержки экономики. Then he left."
    )
    assert [(f.evidence["language"], f.evidence["identified_by"]) for f in findings] == [("ru", "langdetect")]
    assert findings[0].message.startswith("Russian, ")


def test_text_alternating_between_scripts_asks_the_identifier_once_per_line(monkeypatch):
    # One identifier call per passage made such text cost ~2 ms a character; now a line's
    # passages of a shared script go to it together (bench/langid.py times the whole check).
    import pipeline.checks.untranslated as module

    asked: list[str] = []
    real = module.identify

    def counting(text, candidates=None):
        asked.append(text)
        return real(text, candidates)

    monkeypatch.setattr(module, "identify", counting)
    doc = Document.from_text("дд a 中 b " * 3000 + "\nПривет мир, как дела")
    found = list(Untranslated().find(doc))
    assert len(found) == 6001
    assert len(asked) == 2  # one per line holding Cyrillic; never for the Han passages
    assert all(len(text) <= module.IDENTIFY_CHARS for text in asked)
