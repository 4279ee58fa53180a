"""False alarms of the surface checks on clean English: tests/data/clean_en (licences,
public-domain prose, news written for tqa; see its README) and tests/data/clean.

The bar, per check: at most 0.1 findings per 1,000 words over the whole set (at least
50,000 words). The calque check is held to it too, since the term base feeds it."""

from __future__ import annotations

import pytest

from pipeline.checks import REGISTRY
from pipeline.checks.catalog import SURFACE
from pipeline.core.document import load_document
from tests.support import TEST_DATA

FILES = sorted((TEST_DATA / "clean_en").glob("*.txt")) + sorted((TEST_DATA / "clean").glob("*.txt"))
CHECKED = ("calque", *SURFACE)


@pytest.fixture(scope="module")
def docs():
    return [load_document(p) for p in FILES]


def test_the_set_is_big_enough(docs):
    assert sum(d.word_count for d in docs) >= 50_000


@pytest.mark.parametrize("check_id", CHECKED)
def test_false_alarms_per_1000_words(docs, check_id):
    check = REGISTRY[check_id]()
    found = [(d.path, f.span.of(d.text)) for d in docs for f in check.find(d)]
    words = sum(d.word_count for d in docs)
    assert len(found) / words * 1000 <= 0.1, found[:10]
