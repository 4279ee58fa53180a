"""Retranslating flagged sentences, and the rule that decides whether a proposal replaces one.

Rules repair spacing and known calques; a sentence such as "How should the country work
on the moment, fight side by side" needs its meaning back. Three mechanisms:

1. **From the original** (``mechanism="source"``): with the Chinese aligned to the
   English (``pipeline.original.source``), each English sentence that a trigger check flagged is
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

``decide`` is the acceptance rule: a proposal replaces the original only when it is
measurably better by the scores tqa has, and no score is worse. Every ``Decision`` carries
the numbers behind it (before, after, deltas) and its reasons in words.

Nothing here loads a model: translators and scorers come from the caller, so the
stages can run where the batch runner wants them (workers without a model; the main
process with one).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import regex

from pipeline.core.document import Document, split_paragraphs
from pipeline.core.edits import Edit
from pipeline.core.findings import Finding, Severity, in_text_order
from pipeline.core.spans import Span, overlapping

# Findings that send a sentence to the model: garbled wording, not spacing (rules fix
# spacing better than a retranslation, which would also discard the correct words).
DEFAULT_TRIGGERS = frozenset({"calque", "repeated-phrase", "low-confidence", "number-mismatch", "untranslated-source"})
# A sentence holding Chinese is the untranslated check's (its passage goes to the model
# already); an English→Chinese round trip of it would be meaningless.
ROUND_TRIP_SKIP = frozenset({"untranslated", "untranslated-source", "number-mismatch"})
ROUND_TRIP_MODEL = "Helsinki-NLP/opus-mt-en-zh"
# opus-mt-en-zh serves several Chinese targets and wants the one to produce as a first
# token; the first of these the model knows is used.
ZH_TARGET_TOKENS = (">>cmn_Hans<<", ">>zho_Hans<<", ">>cmn<<", ">>zho<<", ">>zh<<")
MODEL_MARGIN = 0.1  # nats per token: a smaller change of the model score is no change
CHRF_MARGIN = 1.0  # chrF points: likewise
SOURCE, ROUND_TRIP = "source", "round-trip"
ORIGINS = {SOURCE: "retranslation", ROUND_TRIP: "round-trip"}  # Edit.origin of each mechanism
_HAN = regex.compile(r"\p{Han}")


# --- what to retranslate -----------------------------------------------------------------


@dataclass(frozen=True)
class Retranslation:
    """English text to retranslate: its span, the model inputs, and why.

    ``segments`` are what goes to the model: Chinese sentences (``source``) or the English
    sentence (``round-trip``). An empty ``span`` with an empty ``original`` is an insertion
    (an omitted Chinese sentence).
    """

    span: Span
    original: str
    segments: tuple[str, ...]
    mechanism: str
    checks: tuple[str, ...]  # trigger checks that flagged it, most severe first
    sentences: tuple[int, ...] = ()  # English sentence indexes (Document.sentences)
    source: str = ""  # the aligned Chinese (mechanism source)

    @property
    def insertion(self) -> bool:
        return not self.span and not self.original

    def to_dict(self) -> dict[str, Any]:
        out = {
            "start": self.span.start,
            "end": self.span.end,
            "original": self.original,
            "mechanism": self.mechanism,
            "checks": list(self.checks),
            "segments": list(self.segments),
        }
        if self.source:
            out["source"] = self.source
        return out


def _inside(span: Span, sentence: Span) -> bool:
    if span.start == span.end:
        return sentence.start <= span.start < sentence.end
    return span.overlaps(sentence)


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
            if _inside(f.span, sentence):
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

    ``pair`` is a ``pipeline.original.source.SourcePair``. Flagged sentences whose link has no
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
                link.en_span, pair.en_text(link), pair.zh_sentences(link), SOURCE, checks, link.en, pair.zh_text(link)
            )
        )
    if insert_omissions:
        for f in findings:
            if f.check == "omission" and f.evidence.get("zh"):
                zh = str(f.evidence["zh"])
                segments = tuple(
                    pair.alignment.zh_sentences[i].of(pair.zh.text) for i in f.evidence.get("zh_sentences", ())
                ) or (zh,)
                out.append(Retranslation(Span(f.span.start, f.span.start), "", segments, SOURCE, ("omission",), (), zh))
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


def round_trip(texts: Sequence[str], en_zh: Any, zh_en: Any, language: str = "zh") -> list[tuple[str, str]]:
    """(original language, English again) for each English text: two model calls, whatever
    the count; ``en_zh`` translates English into ``language``, ``zh_en`` back."""
    prefix = target_prefix(en_zh, language)
    pivots = en_zh.translate([f"{prefix} {t}" if prefix else t for t in texts])
    back = zh_en.translate(list(pivots))
    return list(zip(pivots, back))


def load_optional(model: str, **options: Any) -> tuple[Any | None, str | None]:
    """``load_translator(model, ...)``, or (None, a one-line notice) when it is not here."""
    from pipeline.translate import ModelUnavailable, load_translator

    try:
        return load_translator(model, **options), None
    except (ModelUnavailable, ValueError, ImportError) as err:
        return None, str(err)


# --- proposals ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    """A model's text for a ``Retranslation``, with the model scores of before and after."""

    retranslation: Retranslation
    text: str
    outputs: tuple[str, ...] = ()  # the model's output per segment
    pivot: str = ""  # round trip: the Chinese in between
    model_before: float | None = None  # mean log-prob per token of the original given the Chinese
    model_after: float | None = None  # the same of the proposal

    @property
    def span(self) -> Span:
        return self.retranslation.span

    @property
    def mechanism(self) -> str:
        return self.retranslation.mechanism

    @property
    def scoring_source(self) -> str:
        """The Chinese both texts are scored against."""
        return self.pivot if self.mechanism == ROUND_TRIP else self.retranslation.source

    def to_dict(self) -> dict[str, Any]:
        out = {**self.retranslation.to_dict(), "proposal": self.text, "outputs": list(self.outputs)}
        if self.pivot:
            out["pivot"] = self.pivot
        if self.model_before is not None:
            out["model_before"] = round(self.model_before, 4)
        if self.model_after is not None:
            out["model_after"] = round(self.model_after, 4)
        return out


def _insertion_text(text: str, at: int, translation: str) -> str:
    before = text[at - 1] if at > 0 else ""
    after = text[at] if at < len(text) else ""
    out = translation
    if before and not before.isspace():
        out = " " + out
    if after and not after.isspace():
        out = out + " "
    return out


def make_proposals(
    retranslations: Iterable[Retranslation],
    translations: Mapping[str, str] | None = None,
    round_trips: Mapping[str, tuple[str, str]] | None = None,
    text: str = "",
) -> list[Proposal]:
    """Proposals from the model outputs: ``translations`` (Chinese segment -> English) for
    mechanism source, ``round_trips`` (English -> (Chinese, English)) for round trip.
    A retranslation whose outputs are missing or empty gets no proposal. ``text`` (the document's)
    places the spaces around an insertion.
    """
    out = []
    for r in retranslations:
        if r.mechanism == SOURCE:
            if translations is None or any(s not in translations for s in r.segments):
                continue
            outputs = tuple(translations[s].strip() for s in r.segments)
            joined = " ".join(o for o in outputs if o)
            if not joined:
                continue  # the model gave nothing: no proposal, rather than a deletion
            if r.insertion:
                joined = _insertion_text(text, r.span.start, joined)
            out.append(Proposal(r, joined, outputs))
        else:
            if round_trips is None or r.segments[0] not in round_trips:
                continue
            pivot, back = round_trips[r.segments[0]]
            if not back.strip():
                continue
            out.append(Proposal(r, back.strip(), (back.strip(),), pivot.strip()))
    return out


def score_proposals(proposals: Sequence[Proposal], scorer: Any) -> list[Proposal]:
    """Fill in the model scores of the original and of each proposal (one scorer call)."""
    sources: list[str] = []
    targets: list[str] = []
    for p in proposals:
        if p.retranslation.insertion or not p.scoring_source or not p.text.strip():
            continue
        sources += [p.scoring_source, p.scoring_source]
        targets += [p.retranslation.original, p.text]
    if not sources:
        return list(proposals)
    scores = iter(scorer.score(sources, targets))
    out = []
    for p in proposals:
        if p.retranslation.insertion or not p.scoring_source or not p.text.strip():
            out.append(p)
            continue
        before, after = next(scores), next(scores)
        out.append(replace(p, model_before=before.score, model_after=after.score))
    return out


# --- the acceptance rule ------------------------------------------------------------------


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


def _checks(checks: Iterable[Any] | None) -> list[Any]:
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

    findings = run_checks(Document.from_text(text), _checks(checks))
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
    scores (e.g. a round trip). Both still report the scores.
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
    if suggestion_only:
        reasons.append(suggestion_only)
    reasons += [f"worse {w}" for w in worse] + [f"better {b}" for b in better]
    reasons += [f"higher {n}" for n in noted] + [f"unchanged {s}" for s in same]
    accept = not guard and not suggestion_only and not worse and bool(better)
    if not accept and not guard and not suggestion_only and not worse:
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
) -> Decision:
    """``decide`` for a proposal: a round trip and an insertion are suggestions only.

    ``original`` overrides the text compared against (e.g. the sentence as the applied
    rule repairs leave it, from ``text_with_edits``), so a retranslation is not credited
    with what a rule fixes anyway.
    """
    checks = _checks(checks)
    r = proposal.retranslation
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
        model_alone=model_alone,
    )


# --- edits and references -------------------------------------------------------------------


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
    return low_confidence(pair.en.text, [l.en_span for l in links], [pair.zh_text(l) for l in links], scorer, **options)


def retranslate(
    doc: Document,
    findings: Iterable[Finding],
    *,
    pair: Any | None = None,
    zh_en: Any | None = None,
    en_zh: Any | None = None,
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
    ``language`` is the original's (the pair's, else Chinese): ``zh_en`` translates from it,
    ``en_zh`` (``reverse_model``) into it.
    """
    from pipeline.translate.scoring import low_confidence, make_scorer

    findings = list(findings)
    checks = _checks(checks)
    edits = list(edits)
    notices: list[str] = []
    scorer = make_scorer(zh_en) if (zh_en is not None and score) else None
    if zh_en is not None and score and scorer is None:
        notices.append("low-confidence scores skipped: this backend cannot score")
    extra: list[Finding] = []
    if scorer is not None and pair is not None:
        extra = confidence_findings(pair, scorer)
    wanted = plan_retranslations(doc, findings + extra, pair, triggers, round_trip=True)
    if zh_en is None:
        if wanted:
            notices.append("flagged sentences not retranslated: no Chinese→English model")
        return RetranslationResult([], [], extra, notices)

    source_segments = sorted({s for r in wanted if r.mechanism == SOURCE for s in r.segments}, key=len)
    translations = dict(zip(source_segments, zh_en.translate(source_segments))) if source_segments else {}
    trips: dict[str, tuple[str, str]] = {}
    english = [r.segments[0] for r in wanted if r.mechanism == ROUND_TRIP]
    if english and en_zh is None:
        from pipeline.core.languages import name

        notices.append(
            f"round-trip suggestions skipped: no English→{name(language)} model (`tqa models pull {reverse_model}`)"
        )
    elif english:
        trips = dict(zip(english, round_trip(english, en_zh, zh_en, language)))
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
        )
        for p in proposals
    ]
    return RetranslationResult(proposals, decisions, in_text_order(extra), notices)
