from __future__ import annotations

import pytest

from pipeline.checks.spacing import HyphenSpacing, MissingSpace, OrdinalSpacing, SpaceBeforePunctuation
from pipeline.core.document import Document
from pipeline.core.edits import Edit, apply_edits


def fixed(check, text: str) -> str:
    found = list(check.find(Document.from_text(text)))
    assert all(f.origin == "rule" for f in found)
    return apply_edits(text, [Edit(f.span, f.replacement, f.message, f.origin) for f in found])


@pytest.mark.parametrize(
    "text, expected",
    [
        ("good -neighborly friendship", "good-neighborly friendship"),
        ("e -commerce platforms", "e-commerce platforms"),
        ("China -Central Asia", "China-Central Asia"),
        ("high -quality and low -carbon", "high-quality and low-carbon"),
        ("COVID -19 and G -20", "COVID-19 and G-20"),
        ("anti - terrorism", "anti-terrorism"),
        ("counter- terrorism", "counter-terrorism"),
    ],
)
def test_hyphen_spacing(text, expected):
    assert fixed(HyphenSpacing(), text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "well-known",
        "3 -1 win",
        "from -5 to -10 degrees",
        "short- and long-term",
        "pre- and post-war",
        "Beijing - China said",
        "prices were high - the highest",
        "- a list item",
        "line\n -item",
        "a - b",
    ],
)
def test_hyphen_near_misses(text):
    assert fixed(HyphenSpacing(), text) == text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("China , Central Asia .", "China, Central Asia."),
        ("China 's trade", "China's trade"),
        ("(see above ) and ( this)", "(see above) and (this)"),
        ("Really ?", "Really?"),
    ],
)
def test_space_before_punctuation(text, expected):
    assert fixed(SpaceBeforePunctuation(), text) == expected


@pytest.mark.parametrize("text", ["a .45 calibre", "wait ...", "Forum … A series", "won 3 : 1", "x\n, y"])
def test_space_before_punctuation_near_misses(text):
    assert fixed(SpaceBeforePunctuation(), text) == text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("cooperation.The summit", "cooperation. The summit"),
        ("trade,and energy", "trade, and energy"),
        ("Why?Because", "Why? Because"),
        ("trade;energy", "trade; energy"),
    ],
)
def test_missing_space(text, expected):
    assert fixed(MissingSpace(), text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "the U.S. and U.K.",
        "J.K. Rowling",
        "e.g. this",
        "1,000 people",
        "3.5 percent",
        "中国,中亚",
        "xinhua.net",
        "Node.js",
        "a.m. today",
    ],
)
def test_missing_space_near_misses(text):
    assert fixed(MissingSpace(), text) == text


def test_ordinals():
    assert (
        fixed(OrdinalSpacing(), "the 30 th anniversary, 1 st, 22 nd, 3 rd, 11 th")
        == "the 30th anniversary, 1st, 22nd, 3rd, 11th"
    )
    assert fixed(OrdinalSpacing(), "weighs 12 st, 5 then, 2 th") == "weighs 12 st, 5 then, 2 th"
