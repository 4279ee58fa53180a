"""Retranslating flagged sentences: what goes to the model, by which mechanism, and the result.

Rules repair spacing and known calques; a sentence such as "How should the country work
on the moment, fight side by side" needs its meaning back. Three mechanisms:

1. **From the original** (``mechanism="source"``): with the Chinese aligned to the
   English (``pipeline.original.pair``), each English sentence that a trigger check flagged is
   replaced as a whole link: the Chinese sentence(s) of its link are the model inputs,
   and their translations, joined, are the proposal for the link's English span. An
   omitted sentence gets its translation proposed as an insertion (always a suggestion).
2. **By round trip** (``mechanism="round-trip"``): without the original, a flagged
   sentence goes English→Chinese (``Helsinki-NLP/opus-mt-en-zh``) and back; when the
   original is in another language, English→that language (``opus-mt-en-{lang}``) and
   back with that language's model. The result is only ever a suggestion: it carries
   whatever the first model misunderstood.
3. **The model's own score** (``pipeline.translate.scoring``): forced decoding of the
   English given its Chinese (the original, or the round trip's) gives ``low-confidence``
   findings, which are triggers too, and a score for the original and the proposal.

The acceptance rule, which decides whether a proposal replaces the sentence, is in
``pipeline.stages.acceptance``; it rejects a proposal that loses, adds or moves a placeholder
(``{0}``, ``%s``) or whose span holds a bilingual file's inline markup.

Nothing here loads a model: translators and scorers come from the caller, so the
stages can run where the batch runner wants them (workers without a model; the main
process with one).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import regex

from pipeline.core.document import Document, split_paragraphs
from pipeline.core.edits import Edit
from pipeline.core.findings import Finding, Severity, in_text_order
from pipeline.core.settings import ROUND_TRIP_MODEL
from pipeline.core.spans import Span, overlapping
from pipeline.stages.acceptance import Decision, checks_or_default, decide_proposal, text_with_edits, to_edit
from pipeline.stages.proposals import (
    ROUND_TRIP,
    SOURCE,
    Proposal,
    Retranslation,
    inside,
    make_proposals,
    score_proposals,
)

# Findings that send a sentence to the model: garbled wording, not spacing (rules fix
# spacing better than a retranslation, which would also discard the correct words).
DEFAULT_TRIGGERS = frozenset({"calque", "repeated-phrase", "low-confidence", "number-mismatch", "untranslated-source"})
# A sentence holding Chinese is the untranslated check's (its passage goes to the model
# already); an English→Chinese round trip of it would be meaningless.
ROUND_TRIP_SKIP = frozenset({"untranslated", "untranslated-source", "number-mismatch"})
# opus-mt-en-zh serves several Chinese targets and wants the one to produce as a first
# token; the first of these the model knows is used.
ZH_TARGET_TOKENS = (">>cmn_Hans<<", ">>zho_Hans<<", ">>cmn<<", ">>zho<<", ">>zh<<")
_HAN = regex.compile(r"\p{Han}")


# --- what to retranslate -----------------------------------------------------------------


def flagged_sentences(
    doc: Document, findings: Iterable[Finding], triggers: Iterable[str] = DEFAULT_TRIGGERS
) -> dict[int, tuple[str, ...]]:
    """English sentence index -> the trigger checks with a finding in it (most severe first)."""
    triggers = frozenset(triggers)
    found: dict[int, dict[str, Severity]] = {}
    for f in findings:
        if f.check not in triggers:
            continue
        for index, sentence in enumerate(doc.sentences):
            if inside(f.span, sentence):
                worst = found.setdefault(index, {})
                if f.check not in worst or f.severity > worst[f.check]:
                    worst[f.check] = f.severity
    return {i: tuple(sorted(c, key=lambda k: (-c[k].rank, k))) for i, c in sorted(found.items())}


def _ordered(checks: Iterable[tuple[str, ...]]) -> tuple[str, ...]:
    seen: list[str] = []
    for group in checks:
        seen.extend(c for c in group if c not in seen)
    return tuple(seen)


def from_source(
    pair: Any,
    findings: Iterable[Finding],
    triggers: Iterable[str] = DEFAULT_TRIGGERS,
    insert_omissions: bool = True,
) -> list[Retranslation]:
    """Mechanism 1: one retranslation per link holding a flagged English sentence.

    ``pair`` is a ``pipeline.original.pair.SourcePair``. Flagged sentences whose link has no
    Chinese (English added by the translator) are left out here: see ``plan_retranslations``.
    With ``insert_omissions``, each ``omission`` finding becomes an insertion proposal.
    """
    findings = list(findings)
    doc, alignment = pair.en, pair.alignment
    flagged = flagged_sentences(doc, findings, triggers)
    out: list[Retranslation] = []
    done: set[tuple[int, ...]] = set()
    for index in flagged:
        link = alignment.link_of_en(index)
        if link is None or not link.zh or link.en in done:
            continue
        done.add(link.en)
        checks = _ordered(flagged[j] for j in link.en if j in flagged)
        out.append(
            Retranslation(
                link.en_span,
                pair.en_text(link),
                pair.original_sentences(link),
                SOURCE,
                checks,
                link.en,
                pair.original_text(link),
            )
        )
    if insert_omissions:
        for f in findings:
            if f.check == "omission" and f.evidence.get("zh"):
                original = str(f.evidence["zh"])
                segments = tuple(
                    pair.alignment.zh_sentences[i].of(pair.original.text) for i in f.evidence.get("zh_sentences", ())
                ) or (original,)
                out.append(
                    Retranslation(Span(f.span.start, f.span.start), "", segments, SOURCE, ("omission",), (), original)
                )
    return sorted(out, key=lambda r: (r.span.start, r.span.end))


def by_round_trip(
    doc: Document,
    findings: Iterable[Finding],
    triggers: Iterable[str] = DEFAULT_TRIGGERS,
    only: Iterable[int] | None = None,
) -> list[Retranslation]:
    """Mechanism 2: one round-trip retranslation per flagged English sentence.

    Sentences holding Chinese, or flagged only by checks that need the original, are
    left out (``ROUND_TRIP_SKIP``). ``only`` restricts to these sentence indexes.
    """
    allowed = None if only is None else set(only)
    out = []
    for index, checks in flagged_sentences(doc, findings, frozenset(triggers) - ROUND_TRIP_SKIP).items():
        if allowed is not None and index not in allowed:
            continue
        span = doc.sentences[index]
        text = span.of(doc.text)
        if _HAN.search(text):
            continue
        out.append(Retranslation(span, text, (text,), ROUND_TRIP, checks, (index,)))
    return out


def plan_retranslations(
    doc: Document,
    findings: Iterable[Finding],
    pair: Any | None = None,
    triggers: Iterable[str] = DEFAULT_TRIGGERS,
    round_trip: bool = True,
) -> list[Retranslation]:
    """From the original where the sentence has one; by round trip otherwise (``round_trip``)."""
    findings = list(findings)
    if pair is None:
        return by_round_trip(doc, findings, triggers) if round_trip else []
    out = from_source(pair, findings, triggers)
    if round_trip:
        unpaired = [j for link in pair.alignment.links if not link.zh for j in link.en]
        out.extend(by_round_trip(doc, findings, triggers, only=unpaired))
    return sorted(out, key=lambda r: (r.span.start, r.span.end))


# --- running the models -------------------------------------------------------------------


def target_prefix(translator: Any, language: str = "zh") -> str:
    """The target-language token a multi-target model wants first (``>>cmn_Hans<<``,
    ``>>jpn<<``), or "" for a model with one target."""
    from pipeline.translate.scoring import unwrap

    tokenizer = getattr(unwrap(translator), "_tokenizer", None)
    codes = list(getattr(tokenizer, "supported_language_codes", None) or [])
    wanted = ZH_TARGET_TOKENS if language == "zh" else (f">>{language}<<",)
    for token in wanted:
        if token in codes:
            return token
    starts = (">>cmn", ">>zh") if language == "zh" else (f">>{language}",)
    return next((c for c in codes if c.startswith(starts)), "")


def round_trip(texts: Sequence[str], from_english: Any, to_english: Any, language: str = "zh") -> list[tuple[str, str]]:
    """(original language, English again) for each English text: two model calls, whatever
    the count; ``from_english`` translates English into ``language``, ``to_english`` back."""
    prefix = target_prefix(from_english, language)
    pivots = from_english.translate([f"{prefix} {t}" if prefix else t for t in texts])
    back = to_english.translate(list(pivots))
    return list(zip(pivots, back))


def load_optional(model: str, **options: Any) -> tuple[Any | None, str | None]:
    """``load_translator(model, ...)``, or (None, a one-line notice) when it is not here."""
    from pipeline.translate import ModelUnavailable, load_translator

    try:
        return load_translator(model, **options), None
    except (ModelUnavailable, ValueError, ImportError) as err:
        return None, str(err)


# --- proposals ------------------------------------------------------------------------------


# --- the acceptance rule ------------------------------------------------------------------


# --- edits and references -------------------------------------------------------------------


def merge_edits(edits: Iterable[Edit], accepted: Iterable[Edit]) -> tuple[list[Edit], list[Edit]]:
    """(edits to apply, edits displaced): an accepted sentence replacement displaces the
    edits inside or across its span (a retranslated sentence supersedes repairs in it)."""
    accepted = list(accepted)
    keep, displaced = [], []
    for e in edits:
        if any(
            e.span.overlaps(a.span) or e.span == a.span or (not e.span and a.span.start < e.span.start < a.span.end)
            for a in accepted
        ):
            displaced.append(e)
        else:
            keep.append(e)
    return sorted(keep + accepted, key=lambda e: (e.span.start, e.span.end)), displaced


def reference_segments(doc: Document, reference: str) -> Callable[[Span], str | None]:
    """A function from a span of ``doc`` (whole sentences) to the aligned reference text.

    The English input and its reference are aligned sentence by sentence with the same
    length-based aligner (``pipeline.original.align.align_texts``, English lengths on both sides).
    """
    from pipeline.original.align import align_texts, en_length, paragraph_index

    ref = Document.from_text(reference)
    src = [s.of(doc.text) for s in doc.sentences]
    tgt = [s.of(ref.text) for s in ref.sentences]
    if not src or not tgt:
        return lambda span: None
    beads, _, _ = align_texts(
        src,
        tgt,
        paragraph_index(doc.paragraphs, doc.sentences),
        paragraph_index(split_paragraphs(ref.text), ref.sentences),
        src_length=lambda t: en_length(t, 3.0),
        tgt_length=en_length,
    )
    owner = {i: bead for bead in beads for i in bead[0]}
    ends = [s.end for s in doc.sentences]

    def lookup(span: Span) -> str | None:
        indexes = overlapping(doc.sentences, ends, span)
        targets = sorted({j for i in indexes if i in owner for j in owner[i][1]})
        if not indexes or not targets:
            return None
        return " ".join(tgt[j] for j in targets)

    return lookup


# --- the whole flow for one document --------------------------------------------------------


@dataclass
class RetranslationResult:
    """What ``retranslate`` found and decided for one document."""

    proposals: list[Proposal]
    decisions: list[Decision]
    findings: list[Finding]  # low-confidence findings (the model's own score)
    notices: list[str] = field(default_factory=list)

    def edits(self) -> tuple[list[Edit], list[Edit]]:
        """(accepted edits, suggestions)."""
        accepted, suggestions = [], []
        for p, d in zip(self.proposals, self.decisions):
            (accepted if d.accept else suggestions).append(to_edit(p, d))
        return accepted, suggestions

    def to_dict(self) -> list[dict[str, Any]]:
        return [{**p.to_dict(), "decision": d.to_dict()} for p, d in zip(self.proposals, self.decisions)]


def confidence_findings(pair: Any, scorer: Any, **options: Any) -> list[Finding]:
    """``low-confidence`` findings over every linked English sentence, scored against its Chinese."""
    from pipeline.translate.scoring import low_confidence

    links = [link for link in pair.alignment.links if link.zh and link.en]
    return low_confidence(
        pair.en.text, [l.en_span for l in links], [pair.original_text(l) for l in links], scorer, **options
    )


def retranslate(
    doc: Document,
    findings: Iterable[Finding],
    *,
    pair: Any | None = None,
    to_english: Any | None = None,
    from_english: Any | None = None,
    checks: Iterable[Any] | None = None,
    reference: str | None = None,
    triggers: Iterable[str] = DEFAULT_TRIGGERS,
    edits: Iterable[Edit] = (),
    score: bool = True,
    model_alone: bool = False,
    language: str = "zh",
    reverse_model: str = ROUND_TRIP_MODEL,
) -> RetranslationResult:
    """All three mechanisms for one document, in one process (the batch runner splits them).

    ``findings`` are the document's (with the source checks' when there is a ``pair``);
    ``edits`` the rule edits that will be applied, so that a proposal is compared with the
    sentence as they leave it. Missing models cost only their part, with a one-line notice.
    ``language`` is the original's (the pair's, else Chinese): ``to_english`` translates from it,
    ``from_english`` (``reverse_model``) into it.
    """
    from pipeline.translate.scoring import low_confidence, make_scorer

    findings = list(findings)
    checks = checks_or_default(checks)
    edits = list(edits)
    notices: list[str] = []
    scorer = make_scorer(to_english) if (to_english is not None and score) else None
    if to_english is not None and score and scorer is None:
        notices.append("low-confidence scores skipped: this backend cannot score")
    extra: list[Finding] = []
    if scorer is not None and pair is not None:
        extra = confidence_findings(pair, scorer)
    wanted = plan_retranslations(doc, findings + extra, pair, triggers, round_trip=True)
    if to_english is None:
        if wanted:
            notices.append("flagged sentences not retranslated: no Chinese→English model")
        return RetranslationResult([], [], extra, notices)

    source_segments = sorted({s for r in wanted if r.mechanism == SOURCE for s in r.segments}, key=len)
    translations = dict(zip(source_segments, to_english.translate(source_segments))) if source_segments else {}
    trips: dict[str, tuple[str, str]] = {}
    english = [r.segments[0] for r in wanted if r.mechanism == ROUND_TRIP]
    if english and from_english is None:
        from pipeline.core.languages import name

        notices.append(
            f"round-trip suggestions skipped: no English→{name(language)} model (`tqa models pull {reverse_model}`)"
        )
    elif english:
        trips = dict(zip(english, round_trip(english, from_english, to_english, language)))
        if scorer is not None:  # the round trip's Chinese lets the model score the English too
            spans = [r.span for r in wanted if r.mechanism == ROUND_TRIP and r.segments[0] in trips]
            pivots = [trips[r.segments[0]][0] for r in wanted if r.mechanism == ROUND_TRIP and r.segments[0] in trips]
            extra += low_confidence(doc.text, spans, pivots, scorer, source_kind="round-trip")
    proposals = make_proposals(wanted, translations, trips, doc.text)
    if scorer is not None:
        proposals = score_proposals(proposals, scorer)
    lookup = reference_segments(doc, reference) if reference is not None else None
    decisions = [
        decide_proposal(
            p,
            checks,
            lookup(p.span) if lookup and p.span else None,
            text_with_edits(doc.text, p.span, edits) if edits and p.span else None,
            model_alone,
            doc.codes,
            doc.syntax,
        )
        for p in proposals
    ]
    return RetranslationResult(proposals, decisions, in_text_order(extra), notices)
