"""Checks, one module per family; importing the package registers them all.

The base class and registry are in ``base``, the runner (``run_checks``, ``build_checks``,
the source checks' counterparts) in ``runner``, the checks that need the original in ``source``.
"""

from __future__ import annotations

# Each module registers its checks on import; the order of these imports is the order
# ``tqa checks`` lists them in.
# isort: off
from pipeline.checks import untranslated  # noqa: F401
from pipeline.checks import calque, duplicate_line, punctuation, repetition, spacing  # noqa: F401
from pipeline.checks import compounds, glued, pinyin, residue, restatement  # noqa: F401  (surface defects of real MT pages)
from pipeline.checks import source  # noqa: F401  (the checks that need the original)
from pipeline.checks import duplicate_record  # noqa: F401  (batch-wide: decided across inputs)

# isort: on
from pipeline.checks.base import REGISTRY, SOURCE_REGISTRY, Check, ConfigurationError, register, register_source
from pipeline.checks.runner import build_checks, build_source_checks, known_checks, run_checks, run_source_checks

__all__ = [
    "REGISTRY",
    "SOURCE_REGISTRY",
    "Check",
    "ConfigurationError",
    "register",
    "register_source",
    "build_checks",
    "build_source_checks",
    "known_checks",
    "run_checks",
    "run_source_checks",
]
