"""Proposals for flagged sentences and the acceptance rule (``decide``): a proposal replaces a
sentence only when it is measurably better by the scores tqa has, and no score is worse.

Every ``Decision`` carries the numbers behind it (before, after, deltas) and its reasons in words."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline.core.document import Document
from pipeline.core.edits import Edit
from pipeline.core.protected import InlineCode, Syntax, changed, code_spans, touches
from pipeline.core.spans import Span
from pipeline.stages.proposals import ORIGINS, ROUND_TRIP, SOURCE, Proposal

MODEL_MARGIN = 0.1  # nats per token: a smaller change of the model score is no change


CHRF_MARGIN = 1.0  # chrF points: likewise


@dataclass(frozen=True)
class Decision:
    """Whether a proposal replaces the original, why, and the numbers behind it.

    ``deltas`` are after − before: ``penalty`` (severity-weighted findings; negative is
    better), ``findings`` (their count), ``model`` (mean log-prob per token; positive is
    better), ``chrF`` (against the reference; positive is better).
    """

    accept: bool
    reasons: list[str]
    deltas: dict[str, float]
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)

    @property
    def summary(self) -> str:
        return ("accepted: " if self.accept else "kept as a suggestion: ") + "; ".join(self.reasons)

    def to_dict(self) -> dict[str, Any]:
        return {
            "accept": self.accept,
            "reasons": list(self.reasons),
            "deltas": dict(self.deltas),
            "before": dict(self.before),
            "after": dict(self.after),
        }


_default_checks: list[Any] | None = None


def checks_or_default(checks: Iterable[Any] | None) -> list[Any]:
    global _default_checks
    if checks is not None:
        return list(checks)
    if _default_checks is None:
        from pipeline.checks import build_checks

        _default_checks = build_checks()
    return _default_checks


def measure(text: str, checks: Iterable[Any] | None = None) -> dict[str, Any]:
    """The findings of ``checks`` on ``text`` alone: penalty, count, counts per check, worst severity."""
    from pipeline.checks import run_checks

    findings = run_checks(Document.from_text(text), checks_or_default(checks))
    worst = max((f.severity for f in findings), key=lambda s: s.rank, default=None)
    return {
        "penalty": sum(f.severity.weight for f in findings),
        "findings": len(findings),
        "counts": dict(sorted(Counter(f.check for f in findings).items())),
        "worst": worst.value if worst else None,
    }


def _chrf(hypothesis: str, reference: str) -> float:
    from sacrebleu.metrics import CHRF

    return round(CHRF().sentence_score(hypothesis, [reference]).score, 2)


def _counts_change(before: Mapping[str, int], after: Mapping[str, int]) -> str:
    parts = []
    for check in sorted(set(before) | set(after)):
        d = after.get(check, 0) - before.get(check, 0)
        if d:
            parts.append(f"{check} {d:+d}")
    return f" ({', '.join(parts)})" if parts else ""


def decide(
    original: str,
    proposal: str,
    *,
    checks: Iterable[Any] | None = None,
    model_before: float | None = None,
    model_after: float | None = None,
    reference: str | None = None,
    guard: str | None = None,
    suggestion_only: str | None = None,
    protected: str | None = None,
    model_alone: bool = False,
    model_margin: float = MODEL_MARGIN,
    chrf_margin: float = CHRF_MARGIN,
) -> Decision:
    """Whether ``proposal`` replaces ``original``: only when measurably better, never worse.

    The scores: the findings of ``checks`` (default: every registered check) on each text
    alone, compared by severity-weighted penalty, then by count; the model score when
    both ``model_before`` and ``model_after`` are given; chrF against ``reference`` when
    given. Accepted when no score is worse (beyond its margin) and the findings or chrF
    are better. A better model score alone does not accept (the model always prefers its
    own output) unless ``model_alone``. ``guard`` is a reason the output guard rejected
    the proposal for; ``suggestion_only`` a reason it may not be applied whatever the
    scores (e.g. a round trip); ``protected`` why it would change what may not change (a
    placeholder lost or moved, inline markup in its span). All three still report the scores.
    """
    before, after = measure(original, checks), measure(proposal, checks)
    deltas: dict[str, float] = {
        "penalty": after["penalty"] - before["penalty"],
        "findings": after["findings"] - before["findings"],
    }
    better: list[str] = []
    worse: list[str] = []
    same: list[str] = []
    noted: list[str] = []  # better, but not counted as such

    line = (
        f"findings: penalty {before['penalty']} → {after['penalty']}, {before['findings']} → {after['findings']} finding(s)"
        + _counts_change(before["counts"], after["counts"])
    )
    if (after["penalty"], after["findings"]) < (before["penalty"], before["findings"]):  # milder, or as mild and fewer
        better.append(line)
    elif after["penalty"] > before["penalty"]:
        worse.append(line)
    else:
        same.append(line)

    model_better, model_line = False, ""
    if model_before is not None and model_after is not None:
        before["model"], after["model"] = round(model_before, 4), round(model_after, 4)
        d = model_after - model_before
        deltas["model"] = round(d, 4)
        line = f"model score {model_before:.2f} → {model_after:.2f} per token ({d:+.2f})"
        if d > model_margin:
            model_better, model_line = True, line
            if model_alone:
                better.append(line)
        elif d < -model_margin:
            worse.append(line)
        else:
            same.append(line)

    if reference is not None:
        b, a = _chrf(original, reference), _chrf(proposal, reference)
        before["chrF"], after["chrF"] = b, a
        deltas["chrF"] = round(a - b, 2)
        line = f"chrF against the reference {b:.1f} → {a:.1f} ({a - b:+.1f})"
        if a - b > chrf_margin:
            better.append(line)
        elif a - b < -chrf_margin:
            worse.append(line)
        else:
            same.append(line)

    if model_better and not model_alone:  # support for another gain; alone, not enough
        (better if better else noted).append(
            model_line + ("" if better else ", not counted alone: the model prefers its own output")
        )

    reasons: list[str] = []
    if guard:
        reasons.append(f"rejected by the output guard: {guard}")
    if protected:
        reasons.append(f"rejected: {protected}")
    if suggestion_only:
        reasons.append(suggestion_only)
    reasons += [f"worse {w}" for w in worse] + [f"better {b}" for b in better]
    reasons += [f"higher {n}" for n in noted] + [f"unchanged {s}" for s in same]
    vetoed = bool(guard or suggestion_only or protected)
    accept = not vetoed and not worse and bool(better)
    if not accept and not vetoed and not worse:
        reasons.insert(0, "not measurably better" + (" (only the model score rose)" if model_better else ""))
    return Decision(accept, reasons, deltas, before, after)


def guard_reason(proposal: Proposal, checks: Iterable[Any] | None = None) -> str | None:
    """What the output guard (``pipeline.translate.guard``) says against a proposal, or None."""
    from pipeline.translate.guard import judge, judge_segments

    r = proposal.retranslation
    if not proposal.text.strip():
        return "empty output"
    if r.mechanism == SOURCE:
        return judge_segments(r.segments, proposal.outputs, checks)
    return judge(proposal.pivot, proposal.text, checks) if proposal.pivot else None


def decide_proposal(
    proposal: Proposal,
    checks: Iterable[Any] | None = None,
    reference: str | None = None,
    original: str | None = None,
    model_alone: bool = False,
    codes: Sequence[InlineCode] = (),
    syntax: Syntax = None,
) -> Decision:
    """``decide`` for a proposal: a round trip and an insertion are suggestions only.

    ``original`` overrides the text compared against (e.g. the sentence as the applied
    rule repairs leave it, from ``text_with_edits``), so a retranslation is not credited
    with what a rule fixes anyway. A proposal is rejected when it does not hold the
    placeholders of the English it replaces (or, from the original, the original's) in the
    same order (placeholders of the segment's ``syntax``), or when its span holds one of
    ``codes`` (the segment's inline markup, which a model's text cannot carry).
    """
    checks = checks_or_default(checks)
    r = proposal.retranslation
    protected = changed(r.original, proposal.text, r.source if r.mechanism == SOURCE else None, syntax)
    code = next((c for c in code_spans(codes) if touches(r.span, c)), None)
    if code is not None:
        protected = f"its span holds inline markup ({code.text}), which a retranslation would lose"
    only = None
    if r.mechanism == ROUND_TRIP:
        only = "round trip: a suggestion only (it carries whatever the English→Chinese model misread)"
    elif r.insertion:
        only = "an omitted sentence is inserted by a reviewer only"
    return decide(
        r.original if original is None else original,
        proposal.text,
        checks=checks,
        model_before=proposal.model_before,
        model_after=proposal.model_after,
        reference=reference,
        guard=guard_reason(proposal, checks),
        suggestion_only=only,
        protected=protected,
        model_alone=model_alone,
    )


def text_with_edits(text: str, span: Span, edits: Iterable[Edit]) -> str:
    """``span`` of ``text`` with the edits that lie inside it applied (the rule-repaired sentence)."""
    from pipeline.core.edits import apply_edits

    inner = [
        Edit(Span(e.span.start - span.start, e.span.end - span.start), e.replacement, e.reason, e.origin, e.check)
        for e in edits
        if span.contains(e.span) and (e.span or span.start < e.span.start < span.end)
    ]
    return apply_edits(span.of(text), inner)


def to_edit(proposal: Proposal, decision: Decision) -> Edit:
    """The proposal as an ``Edit`` (origin ``retranslation`` or ``round-trip``), its reason the decision."""
    r = proposal.retranslation
    what = (
        "translation of an omitted sentence"
        if r.insertion
        else "retranslated from the Chinese original"
        if r.mechanism == SOURCE
        else "round trip English→Chinese→English"
    )
    because = f" ({', '.join(r.checks)})" if r.checks else ""
    return Edit(
        r.span,
        proposal.text,
        f"{what}{because}: {decision.summary}",
        ORIGINS[r.mechanism],
        r.checks[0] if r.checks else "",
    )
