from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.checks import ConfigurationError
from pipeline.checks.calque import Calque
from pipeline.checks.resources.glossary import SHIPPED, load_glossary, shipped_glossary
from tests.support import hits


def test_shipped_glossary_is_well_formed():
    entries = shipped_glossary()
    assert len(entries) >= 40
    assert len({e.phrase.casefold() for e in entries}) == len(entries)
    assert all(e.rendering or e.note for e in entries)
    assert SHIPPED.suffix == ".tsv"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("building a community of destiny", [("community of destiny", "community with a shared future")]),
        ("a Community of Common Destiny", [("Community of Common Destiny", "Community with a shared future")]),
        ("the people’s livelihood projects", [("people’s livelihood", "living standards")]),
        (
            'crack down on "three forces"',
            [("three forces", "three evil forces of terrorism, separatism and extremism")],
        ),
        ("anti -epidemic supplies", [("anti -epidemic", "pandemic")]),
        (
            "a community of China -Central Asian destiny",
            [("community of China -Central Asian destiny", "China-Central Asian community with a shared future")],
        ),
        ("do a good job in promoting trade", [("do a good job in", None)]),
    ],
)
def test_matches(text, expected):
    assert hits(Calque, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "win-win cooperation",
        "a community with a shared future",
        "as close as lips and teeth",
        "communities of destiny",
        "non-community of destiny",
        "reform and opening up",
        "three forcesful",
        "earth villages",
    ],
)
def test_near_misses(text):
    assert hits(Calque, text) == []


def test_user_glossary_tsv_and_csv(tmp_path: Path):
    tsv = tmp_path / "terms.tsv"
    tsv.write_text(
        "phrase\trendering\tsource\tnote\nfoo bar\tbaz\t\t\n# comment\n\ncommunity of destiny\tshared-future community\t\t\n",
        encoding="utf-8",
    )
    csv = tmp_path / "terms.csv"
    csv.write_text('phrase,rendering\n"golden, week",holiday week\n', encoding="utf-8")
    assert [e.phrase for e in load_glossary(csv)] == ["golden, week"]
    found = hits(Calque, "the foo bar and a community of destiny, golden, week", glossary=[str(tsv), str(csv)])
    assert found == [
        ("foo bar", "baz"),
        ("community of destiny", "shared-future community"),
        ("golden, week", "holiday week"),
    ]
    assert hits(Calque, "foo bar and community of destiny", glossary=str(tsv), shipped=False) == [
        ("foo bar", "baz"),
        ("community of destiny", "shared-future community"),
    ]


@pytest.mark.parametrize(
    "content, message",
    [
        ("", "empty"),
        ("term\tbetter\nfoo\tbar\n", "header must name columns"),
        ("phrase\trendering\nfoo\tbar\textra\n", "line 2: 3 fields"),
        ("phrase\trendering\n***\tbar\n", "line 2: the phrase must contain a word"),
        ("phrase\trendering\nfoo\t\n", "line 2: give a rendering or a note"),
    ],
)
def test_malformed_glossary(tmp_path: Path, content: str, message: str):
    path = tmp_path / "bad.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigurationError, match=message) as err:
        load_glossary(path)
    assert "\n" not in str(err.value) and str(path) in str(err.value)


def test_missing_and_undecodable_glossary(tmp_path: Path):
    with pytest.raises(ConfigurationError, match="no such file"):
        Calque(glossary=[str(tmp_path / "nope.tsv")])
    bad = tmp_path / "latin1.tsv"
    bad.write_bytes("phrase\trendering\ncaf\xe9\tx\n".encode("latin-1"))
    with pytest.raises(ConfigurationError, match="not UTF-8"):
        load_glossary(bad)
    with pytest.raises(ConfigurationError, match="glossary must be"):
        Calque(glossary=[1])


def test_literal_star_in_a_phrase_is_an_ordinary_character(tmp_path: Path):
    # "*" inside a token is not a wildcard; it used to fail with "no such group"
    tsv = tmp_path / "stars.tsv"
    tsv.write_text(
        "phrase\trendering\nfive*star hotel\tfive-star hotel\nQ*bert\tQbert\nrated * stars\t* stars\n", encoding="utf-8"
    )
    assert hits(Calque, "a five*star hotel and Q*bert, rated four stars", glossary=str(tsv), shipped=False) == [
        ("five*star hotel", "five-star hotel"),
        ("Q*bert", "Qbert"),
        ("rated four stars", "four stars"),
    ]
    assert hits(Calque, "a five star hotel", glossary=str(tsv), shipped=False) == []


def test_big_glossary_matches_only_what_is_there(tmp_path: Path):
    # 20,000 entries sharing first words: the trie keeps matching to the words present
    rows = [f"term {i} alpha\tT{i}" for i in range(20_000)]
    tsv = tmp_path / "big.tsv"
    tsv.write_text("phrase\trendering\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert hits(Calque, "the term 17 alpha and term 17 beta, term 19999 alpha.", glossary=str(tsv), shipped=False) == [
        ("term 17 alpha", "T17"),
        ("term 19999 alpha", "T19999"),
    ]
