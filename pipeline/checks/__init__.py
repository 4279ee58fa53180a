"""Checks, one module per family, and the function that runs them over a document."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pipeline.checks import (  # noqa: F401  # noqa: F401  (surface defects of real MT pages)
    calque,
    compounds,
    duplicate_line,
    glued,
    pinyin,
    punctuation,
    repetition,
    residue,
    restatement,
    spacing,
    untranslated,  # noqa: F401  (modules register their checks on import)
)
from pipeline.checks.base import (
    REGISTRY,
    SOURCE_REGISTRY,
    Check,
    ConfigurationError,
    instantiate,
    register,
    register_source,
)
from pipeline.checks.resources.words import forget
from pipeline.core.document import Document
from pipeline.core.findings import Finding, in_text_order

__all__ = [
    "REGISTRY",
    "SOURCE_REGISTRY",
    "Check",
    "ConfigurationError",
    "register",
    "register_source",
    "build_checks",
    "known_checks",
    "run_checks",
]


def known_checks() -> dict[str, type[Check]]:
    """Every check id a config may name: the registry and the checks that need the original."""
    from pipeline.original import source  # noqa: F401  (registers the source checks; imported late: it imports this package)

    return {**REGISTRY, **SOURCE_REGISTRY}


def build_checks(settings: Mapping[str, Mapping[str, Any]] | None = None) -> list[Check]:
    """Instantiate every registered check; ``settings[id]`` holds its options.

    ``{"enabled": False}`` in a check's settings leaves it out. Settings of the source
    checks are accepted here and used by ``pipeline.original.source.build_source_checks``.
    """
    settings = dict(settings or {})
    unknown = sorted(set(settings) - set(known_checks()))
    if unknown:
        raise ConfigurationError(f"unknown check(s): {', '.join(unknown)}; known: {', '.join(sorted(known_checks()))}")
    return instantiate(REGISTRY, settings)


def run_checks(doc: Document, checks: Iterable[Check] | None = None) -> list[Finding]:
    """All findings of ``checks`` (default: every registered check), in text order."""
    findings: list[Finding] = []
    try:
        for check in build_checks() if checks is None else checks:
            findings.extend(check.find(doc))
    finally:
        forget(doc)  # the checks share one word index per document (``words``); the reports do not need it
    return in_text_order(findings)
