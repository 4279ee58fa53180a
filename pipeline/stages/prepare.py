"""The first stage of an input: check it and plan its repairs (``prepare``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.checks import Check, run_checks
from pipeline.core.document import Document
from pipeline.core.languages import Router
from pipeline.review.ignore import IgnoreList
from pipeline.stages.batch import signatures
from pipeline.stages.job import Prepared
from pipeline.stages.plan import make_plan


def prepare(
    doc: Document,
    checks: list[Check],
    apply: frozenset[str],
    ignore: IgnoreList | None = None,
    source: Path | Document | None = None,
    source_checks: list[Any] | None = None,
    router: Router | None = None,
    context: str | None = None,
) -> Prepared:
    """Check and plan ``doc`` (with its original ``source``, if any); ``context``: what sets
    the original apart in its file (a PO msgctxt), for the batch checks' measure."""
    findings = run_checks(doc, checks)
    pair, notices, original = None, [], None
    if doc.replaced:
        notices.append(f"{doc.replaced} byte sequence(s) not valid UTF-8, read as U+FFFD (the rest is UTF-8)")
    if source is not None:
        from pipeline.checks.runner import with_original
        from pipeline.original.files import SourceError, load_source
        from pipeline.original.pair import misfit, pair_documents

        try:
            original = source if isinstance(source, Document) else load_source(source)
            pair = pair_documents(doc, original)
        except SourceError as err:
            notices.append(f"checked without its original: {err}")
        else:
            # an original that is not this English's gives only false findings: set it aside
            if (why := misfit(pair)) is not None:
                notices.append(why)
                pair = None
            else:
                findings = with_original(findings, pair, checks, source_checks)
    hidden = 0
    if ignore is not None and ignore.entries:
        findings, ignored = ignore.split(findings, doc.text)
        hidden = len(ignored)
    # the batch checks are decided across the batch (stages/batch.py): here only measured
    source_text = original.text if original is not None else None
    measured = signatures((*checks, *(source_checks or ())), doc.text, source_text, context)
    plan = make_plan(doc, findings, apply, router)
    return Prepared(doc, findings, plan, pair, notices=notices, hidden=hidden, signatures=measured)
