"""The checks that need the original: number-mismatch, omission, untranslated-source, key-term, negation,
name-mismatch, meaning-flip, uncovered-source, mistranslation, length-mismatch, tag-mismatch, untranslated-segment, and the batch-wide
consistency checks (inconsistent-target, inconsistent-source).

Importing this package registers them in ``SOURCE_REGISTRY``; run them over a
``SourcePair`` with ``pipeline.checks.runner.run_source_checks``.
"""

# registered in this order, the order ``tqa checks`` lists them in
from pipeline.checks.source import numbers, omission, untranslated  # noqa: F401, I001
from pipeline.checks.source import keyterm, negation, names, flips  # noqa: F401, I001
from pipeline.checks.source import coverage, mistranslation, length, tags  # noqa: F401, I001
from pipeline.checks.source import untranslated_segment, consistency  # noqa: F401, I001
from pipeline.checks.source.base import SOURCE_LANGUAGES, SourceCheck

__all__ = ["SOURCE_LANGUAGES", "SourceCheck"]
