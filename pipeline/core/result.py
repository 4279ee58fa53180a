"""What processing one article produces; the reports are written from this alone."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipeline.core.document import Document
from pipeline.core.edits import Edit
from pipeline.core.findings import Finding
from pipeline.core.scores import Scores
from pipeline.core.spans import Span


@dataclass(frozen=True)
class Skipped:
    """A passage that should have been retranslated but was not, and why."""

    span: Span
    reason: str


@dataclass
class ArticleResult:
    doc: Document
    findings: list[Finding]  # on the original text
    applied: list[Edit]  # edits that made ``cleaned``
    suggestions: list[Edit]  # proposed, not applied (spans into the original text)
    skipped: list[Skipped]  # retranslations that did not happen
    cleaned: str
    findings_after: list[Finding]  # on the cleaned text (spans into ``cleaned``)
    scores: Scores
    settings: dict[str, Any] = field(default_factory=dict)  # what produced this: versions, model, options
    notices: list[str] = field(default_factory=list)  # one-line messages for the user
    output_encoding: str | None = None  # None: write the cleaned text like the input
    retranslations: list[dict[str, Any]] = field(default_factory=list)  # proposals with their decisions
    source: dict[str, Any] | None = None  # the Chinese original and the sentence alignment
    source_text: str | None = None  # the Chinese original's text, for the review page's source column
    unguarded: list[str] = field(
        default_factory=list
    )  # --no-guard: why the guard would have rejected an applied translation
