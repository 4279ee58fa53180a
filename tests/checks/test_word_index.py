"""The word index the checks share (``pipeline/checks/resources/words.py``), and the faster ways some
checks find their matches: each must find exactly what the plain scan of the text found,
which these tests hold on random text made of the pieces that matter to each pattern."""

from __future__ import annotations

import re

import regex
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline.checks import build_checks, repetition, run_checks
from pipeline.checks.compounds import _FIXED, _matches
from pipeline.checks.glued import _UNITS, FUNCTION_WORDS, GluedNumber, GluedWords, _split, _token_at
from pipeline.checks.pinyin import Pinyin, is_pinyin
from pipeline.checks.repetition import RepeatedPhrase
from pipeline.checks.resources import words
from pipeline.checks.resources.wordfreq_en import zipf
from pipeline.checks.resources.words import WordIndex, word_index
from pipeline.checks.restatement import RepeatedModifier
from pipeline.checks.spacing import _HYPHEN, _SPACE_BEFORE, _spaced_hyphens, _spaced_marks
from pipeline.checks.untranslated import _ENGLISH, _Letters
from pipeline.core import document
from pipeline.core.document import Document
from pipeline.core.spans import Span

PIECES = [
    "the",
    "The",
    "and",
    "of",
    "China",
    "china",
    "in2020",
    "5million",
    "1,000.million",
    "ofthe",
    "inChina",
    "economicdevelopment",
    "zhengfu",
    "gongzuo",
    "jiayou",
    "Sino",
    "sino",
    "Japanese",
    "post",
    "pandemic",
    "era",
    "COVID",
    "19",
    "win",
    "people",
    "to",
    "exchanges",
    "state",
    "owned",
    "related",
    "deaths",
    "joint",
    "defense",
    "control",
    "café",
    "naïve",
    "ſ",
    "K",
    "İn",
    "中国",
    "日本",
    "Москва",
    "_",
    "x_y",
    "'s",
    "’s",
    "'",
    "’",
    "-",
    " -",
    "- ",
    "--",
    " ",
    "  ",
    "\t",
    "\n",
    "\n\n",
    ",",
    ".",
    "..",
    ";",
    ":",
    "?",
    "!",
    ")",
    "]",
    "(",
    '"',
    "“",
    "”",
    "2",
    "3.5",
    "e\u0301",
    "²",
]
texts = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_the_index_splits_the_text_into_words_and_gaps():
    index = WordIndex("  Good -neighborly, 2020’s x_y\n")
    assert index.words == ["Good", "neighborly", "2020", "s", "x_y"]
    assert index.gaps == ["  ", " -", ", ", "’", " ", "\n"]
    assert list(index.starts) == [2, 8, 20, 25, 27] and list(index.ends) == [6, 18, 24, 26, 30]
    assert [index.text[s:e] for s, e in zip(index.starts, index.ends)] == index.words
    assert index.where({"s", "Good"}.__contains__) == [0, 3]
    assert index.where_gap(" ".__eq__) == [4]
    words, starts, ends = index.latin
    assert (words, list(starts), list(ends)) == (
        ["Good", "neighborly", "s", "x", "y"],
        [2, 8, 25, 27, 29],
        [6, 18, 26, 28, 30],
    )


@given(texts)
@SETTINGS
def test_words_and_gaps_are_the_whole_text(text):
    index = WordIndex(text)
    assert "".join(g + w for g, w in zip(index.gaps, index.words)) + index.gaps[-1] == text
    assert index.words == re.findall(r"\w+", text)
    assert index.latin[0] == re.findall(r"[A-Za-z]+", text)
    assert [text[s:e] for s, e in zip(index.latin[1], index.latin[2])] == index.latin[0]


def test_run_checks_splits_a_document_into_words_once_and_lets_the_index_go(monkeypatch):
    built = []
    original = WordIndex.__init__

    def counting(self, text):
        built.append(text)
        original(self, text)

    monkeypatch.setattr(WordIndex, "__init__", counting)
    doc = Document.from_text(
        "The the ofthe in2020 of zhengfu gongzuo, Sino Japanese ties.\n\nA community of destiny.\n"
    )
    findings = run_checks(doc, build_checks())
    assert {"repeated-phrase", "glued-words", "glued-number", "pinyin", "missing-hyphen", "calque"} <= {
        f.check for f in findings
    }
    assert built == [doc.text], "one split for every check"
    assert words._ATTRIBUTE not in doc.__dict__, "the index is dropped after the checks"
    assert word_index(doc) is word_index(doc)


# ---- each faster finder against the plain scan it replaces


@given(texts)
@SETTINGS
def test_spaced_hyphens_are_the_pattern_s_matches_with_spaces(text):
    expected = [m.span() for m in _HYPHEN.finditer(text) if m.group(1) or m.group(2)]
    assert [m.span() for m in _spaced_hyphens(text)] == expected


@given(texts)
@SETTINGS
def test_spaced_marks_are_the_pattern_s_matches(text):
    assert [m.span() for m in _spaced_marks(text)] == [m.span() for m in _SPACE_BEFORE.finditer(text)]


@given(texts)
@SETTINGS
def test_missing_hyphen_candidates_find_every_match(text):
    assert [m.span() for m in _matches(text, WordIndex(text))] == [m.span() for m in _FIXED.finditer(text)]


def _glued_words_by_scan(text):
    found = [(m.span(), _split(m.group())) for m in re.finditer(r"\b[a-z]{5,}\b", text)]
    found += [
        (m.span(), (m.group(1), m.group(2)))
        for m in re.finditer(r"\b([a-z]{2,5})([A-Z][a-z]{2,})\b", text)
        if m.group(1) in FUNCTION_WORDS
    ]
    return sorted((span, split) for span, split in found if split)


@given(texts)
@SETTINGS
def test_glued_words_judges_the_words_a_scan_finds(text):
    found = [
        ((f.span.start, f.span.end), tuple(f.replacement.split(" ")))
        for f in GluedWords().find(Document.from_text(text))
    ]
    expected = [
        (span, split)
        for span, split in _glued_words_by_scan(text)
        if not re.search(r"[/@_=\\#]|\w\.\w|://", _token_at(text, *span))
    ]
    assert found == expected


def _glued_numbers_by_scan(text):
    if not re.search(r"[A-Za-z]\d|\d[a-z]", text):
        return []
    pattern = r"\b(in|on|at|by|since|from|to|of|until|before|after|than|about)(\d{1,4})\b"
    found = [m.span() for m in re.finditer(pattern, text, re.I)]
    for m in re.finditer(r"\b(\d[\d,.]*)([a-z]{4,})\b", text):
        word = m.group(2)
        if word in _UNITS or zipf(word) < 4.0 or text[m.start() - 1 : m.start()].isalpha():
            continue
        found.append(m.span())
    return sorted(found)


@given(texts)
@SETTINGS
def test_glued_number_finds_what_a_scan_finds(text):
    assert [(f.span.start, f.span.end) for f in GluedNumber().find(Document.from_text(text))] == _glued_numbers_by_scan(
        text
    )


def _pinyin_by_scan(text):
    pattern = r"(?<![\w'’-])[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{2,}(?![\w'’-])"
    runs = []
    for m in re.finditer(pattern, text):
        if not is_pinyin(m.group(), alone=False):
            continue
        if runs and re.fullmatch(r"[ \t]+", text[runs[-1][-1].end() : m.start()]):
            runs[-1].append(m)
        else:
            runs.append([m])
    return [(run[0].start(), run[-1].end()) for run in runs if len(run) > 1 or is_pinyin(run[0].group())]


@given(texts)
@SETTINGS
def test_pinyin_finds_what_a_scan_finds(text):
    assert [(f.span.start, f.span.end) for f in Pinyin().find(Document.from_text(text))] == _pinyin_by_scan(text)


@given(
    st.lists(
        st.sampled_from(
            ["joint", "defense", "and", "control", "good", "friends", "the", " ", "  ", ",", "\n", "Joint"]
        ),
        max_size=40,
    ).map("".join)
)
@SETTINGS
def test_repeated_modifier_finds_what_its_pattern_finds(text):
    pattern = r"\b([a-z]{4,}) ([a-z]{3,}) and ([a-z]{4,}) ([a-z]{3,})\b"
    expected = [m.span() for m in re.finditer(pattern, text) if m.group(1) == m.group(3)]
    found = [(f.span.start, f.span.end) for f in RepeatedModifier().find(Document.from_text(text))]
    assert found == expected


@given(texts)
@SETTINGS
def test_repeated_phrase_in_blocks_finds_what_it_finds_per_paragraph(text):
    doc = Document.from_text(text)
    blocks = RepeatedPhrase().find(doc)
    saved = repetition.BLOCK_CHARS
    repetition.BLOCK_CHARS = 0  # every paragraph a block of its own: the pass per paragraph
    try:
        paragraphs = RepeatedPhrase().find(doc)
    finally:
        repetition.BLOCK_CHARS = saved
    assert blocks == paragraphs


_LETTERS = regex.compile(r"\p{L}+")


@given(texts, st.data())
@SETTINGS
def test_letter_counts_per_span_are_those_of_a_scan_of_the_span(text, data):
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    words = _LETTERS.findall(text[start:end])
    expected = (len(words), sum(w.lower() in _ENGLISH for w in words), sum(w[0].islower() for w in words))
    assert _Letters.of(text).count(Span(start, end)) == expected
    if not regex.search(r"[\p{L}--[A-Za-z]]", text, flags=regex.V1):
        assert _Letters(text, *WordIndex(text).latin).count(Span(start, end)) == expected
    letters = WordIndex(text).letters  # None where re and regex disagree on a character
    if letters is not None:
        assert _Letters(text, *letters).count(Span(start, end)) == expected


@given(texts)
@SETTINGS
def test_the_index_counts_words_as_the_document_does(text):
    count = WordIndex(text).word_count()  # None where re and regex disagree on a character
    assert count is None or count == document.word_count(text)
    if regex.fullmatch(r"[\p{ASCII}\p{Han}\p{Cyrillic}]*", text):
        assert count is not None  # most texts are counted from the index


TRIE_PHRASES = [
    "community of destiny",
    "community of common destiny",
    "in the new era",
    "in the",
    "people's war",
    "win-win",
    "win-win cooperation",
    "the people's community",
    "state-owned",
    "joint defense and control",
    "post pandemic era",
    "China's * development",
    "of the",
    "to, exchanges",
    "Sino Japanese exchanges",
    "deaths related",
    "the 19 COVID",
]
TRIE_WORDS = sorted({w for p in TRIE_PHRASES for w in re.findall(r"\w+", p)}) + ["People", "China's", "x", "*"]
TRIE_GAPS = [" ", " ", " ", " ", "  ", "-", " -", ", ", "'s ", "’s ", "'", "\n", ". "]
trie_texts = st.lists(st.tuples(st.sampled_from(TRIE_WORDS), st.sampled_from(TRIE_GAPS)), max_size=40).map(
    lambda pairs: "".join(w + g for w, g in pairs)
)


@given(trie_texts)
@example("the people's community in the war: win -win cooperation, China’s people development, people's war")
@SETTINGS
def test_the_phrase_trie_starts_from_the_index_where_a_scan_would(text):
    # the index picks start words by their next one or two words (sets, in C); the plain path
    # tries every word the phrases may start with: both find the same matches
    from pipeline.checks.resources.trie import PhraseTrie

    trie = PhraseTrie(TRIE_PHRASES)
    assert list(trie.finditer(text, WordIndex(text))) == list(trie.finditer(text))


_OLD_SPACED_QUOTE = re.compile(r"“[ \t]+(?=\w)|[ \t]+”")
QUOTE_PIECES = ["a", "Belt", "“", "”", " ", "  ", "\t", "(", ".", ",", "_", "\n", "!", "中", "3"]


@given(st.lists(st.sampled_from(QUOTE_PIECES), max_size=40).map("".join))
@SETTINGS
def test_spaced_quotes_are_the_pattern_s_matches_on_the_right_side(text):
    from pipeline.checks.residue import SpacedQuote

    expected = []
    for m in _OLD_SPACED_QUOTE.finditer(text):
        before = text[m.start() - 1] if m.start() else ""
        opening = m.group()[0] == "“"
        if (opening and (not before or before.isspace() or before == "(")) or (
            not opening and before and (before.isalnum() or before in "_.,!?")
        ):
            expected.append((m.start(), m.end()))
    assert [(f.span.start, f.span.end) for f in SpacedQuote().find(Document.from_text(text))] == expected


@given(st.lists(st.sampled_from([",", ";", ":", ".", "!", "?", " ", "\t", "a", "etc", "\n"]), max_size=30).map("".join))
@SETTINGS
def test_doubled_marks_are_those_the_look_behind_first_pattern_finds(text):
    from pipeline.checks.residue import _DOUBLED

    old = re.compile(r"(?<![.,;:!?])([,;:.])([ \t]*)([,;:.])(?![.,;:!?])")
    assert [m.span() for m in _DOUBLED.finditer(text)] == [m.span() for m in old.finditer(text)]
