"""Checks, one module per family, and the function that runs them over a document."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..document import Document
from ..findings import Finding, in_text_order
from .base import REGISTRY, Check, ConfigurationError, register
from . import untranslated  # noqa: F401  (modules register their checks on import)
from . import calque, duplicate_line, punctuation, repetition, spacing  # noqa: F401

__all__ = ["REGISTRY", "Check", "ConfigurationError", "register", "build_checks", "run_checks"]


def build_checks(settings: Mapping[str, Mapping[str, Any]] | None = None) -> list[Check]:
    """Instantiate every registered check; ``settings[id]`` holds its options.

    ``{"enabled": False}`` in a check's settings leaves it out.
    """
    settings = dict(settings or {})
    unknown = sorted(set(settings) - set(REGISTRY))
    if unknown:
        raise ConfigurationError(f"unknown check(s): {', '.join(unknown)}; known: {', '.join(sorted(REGISTRY))}")
    checks = []
    for check_id, cls in sorted(REGISTRY.items()):
        options = dict(settings.get(check_id, {}))
        if not options.pop("enabled", True):
            continue
        checks.append(cls(**options))
    return checks


def run_checks(doc: Document, checks: Iterable[Check] | None = None) -> list[Finding]:
    """All findings of ``checks`` (default: every registered check), in text order."""
    findings: list[Finding] = []
    for check in build_checks() if checks is None else checks:
        findings.extend(check.find(doc))
    return in_text_order(findings)
