"""The one runner of checks: ``run_checks`` over a document, ``run_source_checks`` over a pair.

``with_original``: what a document's findings become once its original is known (the checks'
``Check.with_original``, then the source checks' findings added): ``prepare`` and ``finish``
both go through it, so the original explains a finding the same way before and after repair.

It also builds the checks from settings (``build_checks``, ``build_source_checks``).

``check`` (``stages.prepare``), ``recheck`` and the output guard all run checks
through here, so every run drops the document's word index the same way after its checks
(``resources.words.forget``: the checks share one index per document; the reports only
need the word count it leaves).

Order: findings come back in text order (``in_text_order``, the order every report uses),
unless ``text_order=False``, which keeps the order the checks found them in (check by
check). Two callers need that: ``recheck`` sorts its carried and fresh findings together
itself, and on its whole-text fallback writes the findings in the order found, which the
reports of the cleaned text have always shown; the guard takes the first finding that
rejects a translation, so the order found decides which reason it gives.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pipeline.checks.base import REGISTRY, SOURCE_REGISTRY, Check, ConfigurationError, instantiate
from pipeline.checks.resources.words import forget
from pipeline.checks.source.base import SourceCheck
from pipeline.core.document import Document
from pipeline.core.findings import Finding, in_text_order
from pipeline.original.pair import SourcePair


def known_checks() -> dict[str, type[Check]]:
    """Every check id a config may name: the registry and the checks that need the original."""
    return {**REGISTRY, **SOURCE_REGISTRY}


def build_checks(settings: Mapping[str, Mapping[str, Any]] | None = None) -> list[Check]:
    """Instantiate every registered check; ``settings[id]`` holds its options.

    ``{"enabled": False}`` in a check's settings leaves it out. Settings of the source
    checks are accepted here and used by ``build_source_checks``.
    """
    settings = dict(settings or {})
    unknown = sorted(set(settings) - set(known_checks()))
    if unknown:
        raise ConfigurationError(f"unknown check(s): {', '.join(unknown)}; known: {', '.join(sorted(known_checks()))}")
    return instantiate(REGISTRY, settings)


def build_source_checks(settings: Mapping[str, Mapping[str, Any]] | None = None) -> list[SourceCheck]:
    """The source-aware checks; ``settings`` may hold other checks' ids too (they are skipped).

    ``{"enabled": False}`` leaves a check out, as in ``build_checks``.
    """
    return instantiate(SOURCE_REGISTRY, settings or {})  # type: ignore[return-value]


def run_checks(doc: Document, checks: Iterable[Check] | None = None, *, text_order: bool = True) -> list[Finding]:
    """All findings of ``checks`` (default: every registered check) on ``doc``; see the
    module docstring for ``text_order``."""
    return _run(build_checks() if checks is None else checks, lambda check: check.find(doc), doc, text_order)


def run_source_checks(pair: SourcePair, checks: Iterable[SourceCheck] | None = None) -> list[Finding]:
    """All findings of the source-aware checks (default: all of them) on ``pair``, in text
    order; a check that does not read the original's language is skipped."""

    def find(check: Check) -> Iterable[Finding]:
        if not isinstance(check, SourceCheck):
            raise ConfigurationError(f"run_source_checks: {type(check).__name__} is not a SourceCheck")
        return check.find_pair(pair) if pair.language in check.languages else ()

    return _run(build_source_checks() if checks is None else checks, find, None, True)


def with_original(
    findings: list[Finding], pair: SourcePair, checks: Iterable[Check], source_checks: Iterable[SourceCheck] | None
) -> list[Finding]:
    """``findings`` on ``pair.en`` less those the original explains (each of ``checks`` that
    has a ``with_original``), with the findings of ``source_checks`` on ``pair``, in text order."""
    own = {c.id: c for c in checks if type(c).with_original is not Check.with_original}
    kept = [f for f in findings if f.check not in own]
    for check_id, check in own.items():
        kept += check.with_original([f for f in findings if f.check == check_id], pair)
    return in_text_order(kept + run_source_checks(pair, source_checks))


def _run(
    checks: Iterable[Check], find: Callable[[Check], Iterable[Finding]], doc: Document | None, text_order: bool
) -> list[Finding]:
    findings: list[Finding] = []
    try:
        for check in checks:
            findings.extend(find(check))
    finally:
        if doc is not None:
            forget(doc)
    return in_text_order(findings) if text_order else findings
