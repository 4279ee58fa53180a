from __future__ import annotations

import pytest

from pipeline.checks import ConfigurationError
from pipeline.checks.repetition import RepeatedPhrase
from pipeline.core.document import Document
from tests.support import hits


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Many fruits and fruits in Central Asia", [("fruits and fruits", "fruits")]),
        ("a speech entitled Together with the Fate of the Fate.", [("the Fate of the Fate", None)]),
        (
            "cultivate health, reduce poverty reduction, reduce poverty reduction, talents",
            [("reduce poverty reduction, reduce poverty reduction", "reduce poverty reduction")],
        ),
        ("China China relations", [("China China", None)]),  # a doubled name is possible: no repair
        ("China's China China relations", [("China's China China", None)]),
        ("the the report", [("the the", "the")]),
        ("The the report", [("The the", "The")]),
        ("in the in the region", [("in the in the", "in the")]),
        ("China China China ties", [("China China China", None)]),
    ],
)
def test_positives(text, expected):
    assert hits(RepeatedPhrase, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "He had had enough.",
        "She said that that was all.",
        "It was very very cold.",
        "bye-bye",
        "so-and-so",
        "in 20 20 cases",
        "The score was 2020 2020.",
        "more and more people",
        "closer and closer",
        "again and again",
        "years and years",
        "side by side",
        "step by step",
        "the best of the best",
        "on and on and on",
        "over and over and over",
        "No, no, no.",
        "gave her her keys",
        "Will will attend.",
        "Lang Lang played",
        "the mascot Bing Dwen Dwen",
        "Thank you, thank you.",
        "a friend of a friend",
        "the State of the State address",
        "New York, New York",
        "Asia. Asia is big.",
        "China\nChina",
        "what it is is a start",
        "long long ago",
        "hand in hand",
        "year after year",
        "face to face",
    ],
)
def test_legitimate_repetition_is_quiet(text):
    assert hits(RepeatedPhrase, text) == []


def test_options():
    assert hits(RepeatedPhrase, "China China relations", allow=["china"]) == []
    assert hits(RepeatedPhrase, "one two three one two three", max_words=2) == []
    assert hits(RepeatedPhrase, "one two three one two three", max_words=3) == [
        ("one two three one two three", "one two three")
    ]
    with pytest.raises(ConfigurationError, match="max_words"):
        RepeatedPhrase(max_words=0)
    with pytest.raises(ConfigurationError, match="allow"):
        RepeatedPhrase(allow="china")
    with pytest.raises(ConfigurationError, match="allowed: allow, max_words"):
        RepeatedPhrase(maxwords=3)


def test_repairs_do_not_overlap():
    text = "fruits and fruits fruits and fruits, the the the"
    found = RepeatedPhrase().find(Document.from_text(text))
    spans = sorted(f.span for f in found)
    assert all(not a.overlaps(b) for a, b in zip(spans, spans[1:]))


def test_a_doubled_capitalised_word_is_minor_and_never_removed_automatically():
    from pipeline.core.document import Document

    doc = Document.from_text("Officials from Walla Walla met. The band Duran Duran played.")
    findings = list(RepeatedPhrase().find(doc))
    assert [f.span.of(doc.text) for f in findings] == ["Walla Walla", "Duran Duran"]
    assert all(f.severity.value == "minor" and f.replacement is None for f in findings)
