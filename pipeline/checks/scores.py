"""Each check's figures on a text, from its findings: how many, per 1,000 words, and its
score (``Check.score``); and the one decision made on a score: whether a check's findings
reach its ``fail_threshold`` and so count for ``--fail-on``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pipeline.checks.base import REGISTRY, SOURCE_REGISTRY, Check, per_1000w
from pipeline.core.document import word_count
from pipeline.core.findings import Finding


def _classes() -> dict[str, type[Check]]:
    return {**REGISTRY, **SOURCE_REGISTRY}


def check_scores(findings: Iterable[Finding], text: str, words: int | None = None) -> dict[str, dict[str, Any]]:
    """``{check id: {"findings": n, "per_1000w": rate, "score": score}}`` for each check
    with findings on ``text`` (of ``words`` words, counted when not given), by check id.
    A check this build does not know (a finding read back from elsewhere) is scored by
    its findings per 1,000 words."""
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f.check, []).append(f)
    if not groups:
        return {}
    words = word_count(text) if words is None else words
    classes = _classes()
    out = {}
    for check_id in sorted(groups):
        found = groups[check_id]
        cls = classes.get(check_id, Check)
        out[check_id] = {
            "findings": len(found),
            "per_1000w": per_1000w(len(found), words),
            "score": cls.score(found, text, words),
        }
    return out


def thresholds(settings: Mapping[str, Mapping[str, Any]] | None) -> dict[str, float]:
    """The ``fail_threshold`` of each check that has one in ``settings`` (``Settings.checks``)."""
    return {k: float(v["fail_threshold"]) for k, v in (settings or {}).items() if v.get("fail_threshold") is not None}


def counted(findings: list[Finding], text: str, limits: Mapping[str, float]) -> list[Finding]:
    """The findings that count for ``--fail-on``: every finding of a check without a
    threshold, and those of a check whose score on ``text`` reaches its threshold."""
    if not limits or not any(f.check in limits for f in findings):
        return findings
    scores = check_scores((f for f in findings if f.check in limits), text)
    return [f for f in findings if f.check not in limits or scores[f.check]["score"] >= limits[f.check]]
