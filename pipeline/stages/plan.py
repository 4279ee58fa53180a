"""Findings -> edits and translation requests: the one place that decides what gets applied.

Checks only measure. Here each proposal is applied, kept as a suggestion, or sent to the
translation model, according to its origin and the ``apply`` setting, and conflicts
between overlapping proposals are resolved (a retranslated passage wins over smaller
repairs inside it; among the rest, the more severe finding wins). A repair that would change
a protected span (a placeholder such as ``{0}`` or ``%s``, a tag, a bilingual file's inline
code: ``pipeline.core.protected``) is only ever a suggestion, which says why; a passage for the
model that holds an inline code is not sent (its translation could not keep the code).
"""

from __future__ import annotations

from bisect import bisect_right, insort
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import regex

from pipeline.core.document import Document
from pipeline.core.edits import Edit
from pipeline.core.findings import Finding
from pipeline.core.languages import Router
from pipeline.core.protected import first_touched, protected_spans
from pipeline.core.settings import DEFAULT_APPLY
from pipeline.core.spans import Span

# A sentence of Chinese ends at one of these; each piece is one model input, which is
# what Marian models are trained on, and lets identical sentences share one translation.
_ZH_SENTENCE = regex.compile(r"[^。！？；!?;]+(?:[。！？；!?;]+[”’」』）)]*|$)")
# Elsewhere a sentence ends at . ! ? ; followed by a space (or the passage's end).
_SENTENCE = regex.compile(r".+?(?:[.!?;。！？；]+[”’»)]*(?=\s)|$)", flags=regex.S)
_CJK_LANGUAGES = frozenset({"zh", "ja"})
_LETTER_OR_DIGIT = regex.compile(r"[\p{L}\p{N}]")


@dataclass(frozen=True)
class TranslationRequest:
    """A passage to retranslate: its span, the model inputs it splits into, and how it sits."""

    span: Span
    segments: tuple[str, ...]
    language: str
    reason: str
    model: str = ""  # the model the router chose for ``language``
    continues: bool = False  # the passage breaks off mid-sentence and English follows directly
    context: str = ""  # the English that follows, shown to the reviewer


@dataclass
class Plan:
    edits: list[Edit] = field(default_factory=list)  # applied without a model
    suggestions: list[Edit] = field(default_factory=list)  # shown, not applied
    requests: list[TranslationRequest] = field(default_factory=list)
    untranslatable: list[tuple[Span, str]] = field(default_factory=list)  # passages no model can take


def split_segments(passage: str, language: str = "zh") -> tuple[str, ...]:
    """The passage's sentences: each is one model input."""
    pattern = _ZH_SENTENCE if language in _CJK_LANGUAGES else _SENTENCE
    return tuple(s.strip() for s in pattern.findall(passage) if s.strip())


def _request(doc: Document, finding: Finding, model: str) -> TranslationRequest:
    text, span = doc.text, finding.span
    after = text[span.end : span.end + 200].split("\n", 1)[0]
    continues = bool(after) and bool(_LETTER_OR_DIGIT.match(after))
    context = after.split(". ", 1)[0] if continues else ""
    return TranslationRequest(
        span=span,
        segments=split_segments(span.of(text), str(finding.evidence.get("language", ""))),
        language=str(finding.evidence.get("language", "")),
        reason=finding.message,
        model=model,
        continues=continues,
        context=context,
    )


def make_plan(
    doc: Document,
    findings: Iterable[Finding],
    apply: Iterable[str] = DEFAULT_APPLY,
    router: Router | None = None,
) -> Plan:
    """Sort each proposal into applied edits, suggestions and translation requests (each
    passage to the model ``router`` names for its language)."""
    apply = frozenset(apply)
    router = router or Router()
    plan = Plan()
    taken: list[tuple[int, int]] = []  # sorted (start, end) of what is already edited or translated
    longest = 0

    def free(span: Span) -> bool:
        # Only spans starting less than the longest taken span before ``span`` can touch it.
        for k in range(bisect_right(taken, (span.end, span.end)) - 1, -1, -1):
            start, end = taken[k]
            if start + longest < span.start:
                break
            t = Span(start, end)
            if span.overlaps(t) or span == t:
                return False
        return True

    def take(span: Span) -> None:
        nonlocal longest
        insort(taken, (span.start, span.end))
        longest = max(longest, len(span))

    findings = list(findings)
    guarded = protected_spans(doc.text, doc.codes, doc.syntax)
    for f in findings:
        if f.origin != "marian":
            continue
        language = f.evidence.get("language")
        model = router.model_for(str(language)) if language else router.fallback
        code = first_touched(f.span, [p for p in guarded if p.kind == "code"])
        if model is None:
            plan.untranslatable.append((f.span, f"no model for {f.evidence.get('script')} text of unknown language"))
        elif code is not None:
            plan.untranslatable.append(
                (f.span, f"it holds inline markup ({code.text}), which a translation would lose")
            )
        elif "marian" in apply:
            plan.requests.append(_request(doc, f, model))
            take(f.span)
    # Most severe first, then text order, so a conflict keeps the repair that matters most.
    proposals = sorted(
        (f for f in findings if f.replacement is not None and f.origin != "marian"),
        key=lambda f: (-f.severity.rank, f.span.start, f.span.end),
    )
    for f in proposals:
        edit = Edit(f.span, f.replacement or "", f.message, f.origin or "rule", f.check)
        if f.origin in apply and free(f.span):
            kept = first_touched(f.span, guarded)
            if kept is None:
                plan.edits.append(edit)
                take(f.span)
            else:
                what = "inline markup" if kept.kind == "code" else f"the {kept.kind}"
                plan.suggestions.append(
                    replace(edit, reason=f"{f.message} (not applied: it would change {what} {kept.text})")
                )
        else:
            plan.suggestions.append(edit)
    plan.edits.sort(key=lambda e: e.span)
    plan.suggestions.sort(key=lambda e: e.span)
    return plan


def join_translation(doc: Document, request: TranslationRequest, outputs: list[str]) -> str:
    """The replacement text for a passage from its segments' translations.

    Keeps the passage's surroundings readable: a space between the translation and
    adjacent words, and no full stop where the sentence goes on in English.
    """
    text = " ".join(o.strip() for o in outputs if o.strip())
    if request.continues:
        text = text.rstrip(".。!?;；")
    before = doc.text[request.span.start - 1] if request.span.start > 0 else ""
    after = doc.text[request.span.end] if request.span.end < len(doc.text) else ""
    if text and before and _LETTER_OR_DIGIT.match(before):
        text = " " + text
    if text and after and _LETTER_OR_DIGIT.match(after):
        text = text + " "
    return text
