"""Measure-word (classifier) structures rendered word for word: found, with near misses left alone."""

from __future__ import annotations

import pytest

from pipeline.checks import build_checks, run_checks
from pipeline.checks.resources.termbase import shipped_termbase
from pipeline.core.document import Document


def calques(text: str):
    return [f for f in run_checks(Document.from_text(text), build_checks()) if f.check == "calque"]


def test_the_term_base_holds_a_few_dozen_classifier_structures() -> None:
    classifiers = [e for e in shipped_termbase() if e.domain == "classifier"]
    assert len(classifiers) >= 40 and all(e.wrong for e in classifiers)


@pytest.mark.parametrize(
    "text, literal, better",
    [
        ("The county built a seat of bridge over the river last year.", "a seat of bridge", "a bridge"),
        ("The rocket sent three grains of satellites into orbit.", "three grains of satellites", "a satellite"),
        ("The town received 1.2 million person-times during the holiday.", "person-times", "visits"),
        ("He borrowed a pen of money from the bank.", "a pen of money", "a sum of money"),
        ("The experts put forward two strips of suggestions.", "two strips of suggestions", "a suggestion"),
        ("A family of five mouths lives in the house.", "A family of five mouths", "a family of five"),
        ("Students can choose five doors of courses this term.", "five doors of courses", "a course"),
        ("The city has opened one home hospital in the district.", "one home hospital", "a hospital"),
    ],
)
def test_literal_classifiers_are_calques_with_the_english_as_suggestion(text: str, literal: str, better: str) -> None:
    found = calques(text)
    assert [f.span.of(text) for f in found] == [literal]
    assert better.lower() in found[0].message.lower()


@pytest.mark.parametrize(
    "text",
    [
        "They walked to the seat of the bridge and waited.",
        "A strip of land separates the river from the road.",
        "She lost a set of house keys on the bus.",
        "He is a bit of an expert on bridges.",
        "The tails of fish help them steer.",
        "Copies of the questionnaire were sent to every school.",
        "It was a piece of cake, and a head of state came to watch.",
        "Economics is a branch of science; it is a field of study.",
        "She closed it: a door, of course, has two sides.",
        "A pen and a sum of money were left on the table.",
    ],
)
def test_near_misses_in_ordinary_english_are_not_calques(text: str) -> None:
    assert calques(text) == []
