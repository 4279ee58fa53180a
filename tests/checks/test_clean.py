"""False alarms on professionally written English news (tests/data/clean/*.txt).

Measure: total findings of all checks / total words (``Document.word_count``) across
the passages, scaled to 2,000 words. The bar: no finding of severity major or above, and
fewer than one finding per 2,000 words.
"""

from __future__ import annotations

import pytest

from pipeline.checks import build_checks, run_checks
from pipeline.core.document import load_document
from pipeline.core.findings import Severity
from tests.support import TEST_DATA

CLEAN = sorted((TEST_DATA / "clean").glob("*.txt"))


@pytest.fixture(scope="module")
def results():
    checks = build_checks()
    return [(load_document(p), p) for p in CLEAN], checks


def test_there_are_enough_passages():
    assert len(CLEAN) >= 5


@pytest.mark.parametrize("path", CLEAN, ids=lambda p: p.name)
def test_no_major_finding(path):
    doc = load_document(path)
    serious = [f for f in run_checks(doc) if f.severity >= Severity.MAJOR]
    assert serious == [], [(f.check, f.span.of(doc.text)) for f in serious]


def test_false_alarm_rate(results):
    docs, checks = results
    findings = sum(len(run_checks(doc, checks)) for doc, _ in docs)
    words = sum(doc.word_count for doc, _ in docs)
    assert words >= 1500
    assert findings / words * 2000 < 1
