"""Each check's score: findings per 1,000 words by default, the checks' own figures where
they measure one, and the threshold that decides whether a check's findings count."""

from __future__ import annotations

import pytest

from pipeline.checks import ConfigurationError, known_checks
from pipeline.checks.base import PER_1000W, covered
from pipeline.checks.scores import check_scores, counted, thresholds
from pipeline.core.findings import Finding, Severity
from pipeline.core.spans import Span


def _f(check: str, start: int, end: int, **evidence: object) -> Finding:
    return Finding(check=check, span=Span(start, end), severity=Severity.MAJOR, message="m", evidence=dict(evidence))


def test_covered_counts_non_blank_characters_once():
    text = "ab cd ef gh"  # 8 letters
    assert covered([_f("x", 0, 2)], text) == 0.25
    assert covered([_f("x", 0, 5), _f("x", 3, 5)], text) == 0.5  # "ab cd": 4 letters, the overlap once
    assert covered([], text) == 0.0
    assert covered([_f("x", 0, 0)], "   ") == 0.0


def test_scores_per_check_default_and_own():
    text = "China China relations are good. " * 5  # 25 words
    found = [_f("repeated-phrase", 0, 11), _f("hyphen-spacing", 12, 13), _f("hyphen-spacing", 14, 15)]
    scores = check_scores(found, text)
    assert list(scores) == ["hyphen-spacing", "repeated-phrase"]
    assert scores["hyphen-spacing"] == {"findings": 2, "per_1000w": 80.0, "score": 80.0}
    repeated = scores["repeated-phrase"]
    assert repeated["per_1000w"] == 40.0
    assert repeated["score"] == covered(found[:1], text) and 0 < repeated["score"] < 1
    assert check_scores([], text) == {}


def test_duplicate_record_scores_its_jaccard():
    cls = known_checks()["duplicate-record"]
    assert cls.score([_f("duplicate-record", 0, 3, kind="near", jaccard=0.71)], "abc", 1) == 0.71
    assert cls.score([_f("duplicate-record", 0, 3, kind="exact", jaccard=None)], "abc", 1) == 1.0


def test_every_check_names_its_score():
    names = {check: cls.score_name for check, cls in known_checks().items()}
    assert names["untranslated"] != PER_1000W and names["calque"] == PER_1000W
    assert all(isinstance(n, str) and n for n in names.values())


def test_a_threshold_decides_which_findings_count():
    text = "China China relations are good. " * 5
    found = [_f("repeated-phrase", 0, 11), _f("hyphen-spacing", 12, 13)]
    share = check_scores(found, text)["repeated-phrase"]["score"]
    assert counted(found, text, {}) == found
    assert counted(found, text, {"repeated-phrase": share}) == found  # reaches it: counts
    assert counted(found, text, {"repeated-phrase": share + 0.01}) == found[1:]
    assert counted(found, text, {"hyphen-spacing": 1000.0}) == found[:1]
    assert thresholds({"calque": {"fail_threshold": 2}, "pinyin": {"severity": "major"}}) == {"calque": 2.0}


@pytest.mark.parametrize("bad", [-1, "high", True])
def test_a_check_refuses_a_bad_threshold(bad):
    with pytest.raises(ConfigurationError, match="fail_threshold must be a number >= 0"):
        known_checks()["calque"](fail_threshold=bad)


def test_duplicate_record_keeps_its_own_threshold_beside_the_fail_threshold():
    check = known_checks()["duplicate-record"](threshold=0.8, fail_threshold=0.9)
    assert check.config["threshold"] == 0.8 and check.fail_threshold == 0.9
