"""What the model is asked to retranslate (``Retranslation``) and what it proposes (``Proposal``):
a whole aligned link from the original, an omitted sentence as an insertion, or a round trip."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from pipeline.core.spans import Span

SOURCE, ROUND_TRIP = "source", "round-trip"


ORIGINS = {SOURCE: "retranslation", ROUND_TRIP: "round-trip"}  # Edit.origin of each mechanism


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


def inside(span: Span, sentence: Span) -> bool:
    if span.start == span.end:
        return sentence.start <= span.start < sentence.end
    return span.overlaps(sentence)


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
