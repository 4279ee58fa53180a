"""The last stage of an input: apply its repairs, verify and score the cleaned text (``finish``)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pipeline.checks import Check
from pipeline.checks.base import BatchCheck
from pipeline.core.edits import Edit, apply_edits, carry_span
from pipeline.core.findings import in_text_order
from pipeline.core.protected import changed, shifted
from pipeline.core.result import ArticleResult, Skipped
from pipeline.review.ignore import IgnoreList, filter_findings
from pipeline.stages.job import Prepared
from pipeline.stages.plan import join_translation
from pipeline.stages.recheck import recheck
from pipeline.stages.score import compute_scores
from pipeline.translate.guard import judge_segments
from pipeline.translate.pool import Translations


def finish(
    prep: Prepared,
    checks: list[Check],
    translations: Translations | None,
    settings: dict[str, Any],
    missing_model: str | None = None,
    reference: str | None = None,
    ignore: IgnoreList | None = None,
    guard: bool = True,
    source_checks: list[Any] | None = None,
) -> ArticleResult:
    """Apply the plan (with the model's translations when there are any), verify and score."""
    doc, plan = prep.doc, prep.plan
    edits: list[Edit] = list(plan.edits)
    skipped = [Skipped(span, reason) for span, reason in plan.untranslatable]
    not_translated: list[str] = []
    unguarded: list[str] = []
    for request in plan.requests:
        if translations is None:
            outputs: list[str] | str = missing_model or "no translation model"
        else:  # the outputs, or why this passage's model could not translate it
            outputs = translations.lookup(request.model, request.segments)
        if isinstance(outputs, str):
            skipped.append(Skipped(request.span, outputs))
            not_translated += [outputs] if outputs not in not_translated else []
            continue
        rejected = judge_segments(request.segments, outputs, checks, request.language)
        if rejected and guard:
            skipped.append(Skipped(request.span, rejected))
            continue
        if rejected:
            unguarded.append(rejected)
        replacement = join_translation(doc, request, outputs)
        lost = changed(request.span.of(doc.text), replacement, syntax=doc.syntax)
        if lost:  # a placeholder the translation dropped would break the software that fills it in
            skipped.append(Skipped(request.span, lost))
            continue
        model = translations.used.get(request.model, request.model) if translations is not None else request.model
        edits.append(Edit(request.span, replacement, f"{request.reason} ({model})", "marian", "untranslated"))
    findings, suggestions, notices = list(prep.findings), list(plan.suggestions), list(prep.notices)
    retranslations: list[dict[str, Any]] = []
    if prep.retranslation is not None:
        from pipeline.stages.retranslate import merge_edits

        rt = prep.retranslation
        findings = in_text_order(findings + filter_findings(rt.findings, doc.text, ignore))
        accepted, proposed = rt.edits()
        if "marian" in settings.get("apply", ()):
            edits, displaced = merge_edits(edits, accepted)
            suggestions += displaced
        else:
            suggestions += accepted
        suggestions = sorted(suggestions + proposed, key=lambda e: e.span)
        retranslations = rt.to_dict()
        notices += rt.notices
    cleaned = apply_edits(doc.text, edits)
    cleaned_doc, after = recheck(doc, prep.findings, cleaned, edits, checks)
    if prep.pair is not None:  # the original's checks again, on the cleaned text
        from pipeline.checks.runner import with_original
        from pipeline.original.pair import pair_documents

        # the inline markup, where the edits (none across it) moved it, and the placeholder syntax
        codes = shifted(doc.codes, [(e.span, e.replacement) for e in edits]) if doc.codes else ()
        cleaned_doc = replace(cleaned_doc, codes=codes, syntax=doc.syntax)

        after = with_original(after, pair_documents(cleaned_doc, prep.pair.original), checks, source_checks)
    after = filter_findings(after, cleaned, ignore)
    if prep.retranslation is not None:
        # model-made findings cannot be re-run on the cleaned text: carry over those no edit
        # touched, so the before/after scores count the same checks
        carried = [
            replace(f, span=span)
            for f in filter_findings(prep.retranslation.findings, doc.text, ignore)
            if (span := carry_span(f.span, edits)) is not None
        ]
        after = in_text_order(after + carried)
    # a copy of an earlier input is still one after repair, an inconsistent segment still
    # disagrees with the earlier ones: those findings are the batch's, not re-run
    batch = {c.id: c for c in (*checks, *(source_checks or ())) if isinstance(c, BatchCheck)}
    decided = [f for f in prep.findings if f.check in batch]
    if decided:
        after = in_text_order(after + [replace(f, span=batch[f.check].anchor(cleaned_doc)) for f in decided])
    notices += [f"passages not retranslated: {reason}" for reason in not_translated]
    notices += [f"applied with --no-guard although the guard rejects it: {reason}" for reason in unguarded]
    return ArticleResult(
        doc=doc,
        findings=findings,
        applied=sorted(edits, key=lambda e: e.span),
        suggestions=suggestions,
        skipped=sorted(skipped, key=lambda s: s.span),
        cleaned=cleaned,
        findings_after=after,
        scores=compute_scores(doc.text, findings, cleaned, after, reference, edits),
        settings=settings,
        notices=notices,
        output_encoding=settings.get("output_encoding"),
        retranslations=retranslations,
        source=prep.pair.to_dict() if prep.pair is not None else None,
        source_text=prep.pair.original.text if prep.pair is not None else None,
        unguarded=unguarded,
    )
