"""The check interface (``Check``), the match-loop base (``PatternCheck``) and the registry.

A check *measures*: it returns findings with their evidence. Whether a proposed
replacement is applied is decided later, in one place (``pipeline.stages.plan``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from pipeline.core.document import Document
from pipeline.core.findings import Finding, Severity
from pipeline.core.spans import Span

# A paragraph longer than this (a whole book on one line, a data dump) is not prose: the
# checks that look at word patterns skip it with a "too long to check" finding, so that
# time and memory stay bounded by this, not by the file.
MAX_PARAGRAPH_CHARS = 1_000_000


PER_1000W = "findings per 1,000 words"


def per_1000w(n: int, words: int) -> float:
    """``n`` findings in ``words`` words, per 1,000 words (the MQM penalty's normalisation)."""
    return round(1000.0 * n / max(words, 1), 2)


def covered(findings: Iterable[Finding], text: str) -> float:
    """The share of ``text``'s non-blank characters inside the findings' spans (overlaps
    counted once): the part of a text a check's findings cover."""
    spans = sorted((f.span.start, f.span.end) for f in findings)
    inside, reach = 0, 0
    for start, end in spans:
        start = max(start, reach)
        if end > start:
            inside += len(text[start:end]) - _blanks(text[start:end])
            reach = end
    total = len(text) - _blanks(text)
    return round(inside / total, 4) if total else 0.0


def _blanks(text: str) -> int:
    return len(text) - len("".join(text.split()))


class ConfigurationError(ValueError):
    """A check was given an option it does not know or a value it cannot use."""


REGISTRY: dict[str, type[Check]] = {}
# Checks that need the original (pipeline.checks.source): configured like the others,
# run only when an article has its original.
SOURCE_REGISTRY: dict[str, type[Check]] = {}


def register(cls: type[Check], registry: dict[str, type[Check]] = REGISTRY) -> type[Check]:
    if cls.id in REGISTRY or cls.id in SOURCE_REGISTRY:
        raise ConfigurationError(f"{cls.__name__}: check id {cls.id!r} is already registered")
    registry[cls.id] = cls
    return cls


def register_source(cls: type[Check]) -> type[Check]:
    return register(cls, SOURCE_REGISTRY)


def instantiate(registry: Mapping[str, type[Check]], settings: Mapping[str, Mapping[str, Any]]) -> list[Check]:
    """The checks of ``registry``, each with its options from ``settings[id]``;
    ``{"enabled": False}`` leaves one out. Ids of other registries are skipped."""
    checks = []
    for check_id, cls in sorted(registry.items()):
        options = dict(settings.get(check_id, {}))
        if not options.pop("enabled", True):
            continue
        checks.append(cls(**options))
    return checks


class Check:
    """Base class: subclasses set ``id``, ``severity``, ``description`` and fill in ``find``.

    Options are keyword arguments validated in the constructor against ``options``
    (name -> default); ``severity`` can be overridden per run like any option, and so can
    ``fail_threshold`` (see ``score``).

    A check's document-level figure is its ``score`` (higher is worse): by default its
    findings per 1,000 words; a check that measures something of its own (the share of the
    text left untranslated, a Jaccard similarity) says so in ``score_name`` and fills
    ``score``. ``fail_threshold``: the score from which the check's findings count for
    ``--fail-on`` (None: every finding counts); deciding on it is ``pipeline.checks.scores``'.
    """

    id: ClassVar[str]
    severity: ClassVar[Severity]
    description: ClassVar[str]
    options: ClassVar[dict[str, Any]] = {}
    score_name: ClassVar[str] = PER_1000W

    def __init__(
        self, severity: str | Severity | None = None, fail_threshold: float | None = None, **options: Any
    ) -> None:
        unknown = sorted(set(options) - set(self.options))
        if unknown:
            allowed = ", ".join(sorted(self.options)) or "none"
            raise ConfigurationError(
                f"{type(self).__name__}: unknown option(s) {', '.join(unknown)}; allowed: {allowed}"
            )
        if severity is not None:
            try:
                self.severity = Severity(severity)  # type: ignore[misc]
            except ValueError:
                raise ConfigurationError(
                    f"{type(self).__name__}: severity must be one of {', '.join(s.value for s in Severity)}, got {severity!r}"
                ) from None
        if fail_threshold is not None and (
            isinstance(fail_threshold, bool) or not isinstance(fail_threshold, (int, float)) or fail_threshold < 0
        ):
            raise ConfigurationError(
                f"{type(self).__name__}: fail_threshold must be a number >= 0, got {fail_threshold!r}"
            )
        self.fail_threshold = None if fail_threshold is None else float(fail_threshold)
        self.config = {**self.options, **options}

    @classmethod
    def score(cls, findings: Sequence[Finding], text: str, words: int) -> float:
        """This check's figure for a text of ``words`` words, from its ``findings`` there
        (never empty: a check without findings has no score). Measured from the findings'
        spans and evidence only, so it is the same wherever the findings are read back."""
        return per_1000w(len(findings), words)

    def find(self, doc: Document) -> Iterable[Finding]:
        raise NotImplementedError

    def with_original(self, findings: list[Finding], pair: Any) -> list[Finding]:
        """Of this check's ``findings`` on ``pair.en`` (a ``SourcePair``), those that stand once
        the original is known: a check whose finding the original can explain (a tag it holds
        too) drops it here. The runner calls it wherever the source checks run
        (``pipeline.checks.runner.with_original``). Default: all stand."""
        return findings

    def paths(self, option: str) -> list[str | Path]:
        """The file paths of ``option`` (one path or a list of them), checked."""
        paths = self.config[option]
        if isinstance(paths, (str, Path)):
            paths = [paths]
        if not isinstance(paths, list) or not all(isinstance(p, (str, Path)) for p in paths):
            raise ConfigurationError(
                f"{type(self).__name__}: {option} must be a file path or a list of them, got {paths!r}"
            )
        return paths

    def too_long(self, span: Span) -> Finding:
        """The finding that says a paragraph was skipped because of its length."""
        return self.finding(
            span,
            f"paragraph of {len(span):,} characters is too long to check (limit {MAX_PARAGRAPH_CHARS:,}); split it",
            severity=Severity.MINOR,
            evidence={"kind": "too-long", "chars": len(span), "limit": MAX_PARAGRAPH_CHARS},
        )

    def finding(self, span: Span, message: str, **kwargs: Any) -> Finding:
        """A finding of this check, at its configured severity unless ``severity`` is given."""
        kwargs.setdefault("severity", self.severity)
        return Finding(check=self.id, span=span, message=message, **kwargs)


class BatchCheck(Check):
    """A check decided across the batch, not in one document: ``duplicate-record``, the
    consistency checks. Whether an input is flagged depends on the inputs before it, so
    ``find`` finds nothing; ``measure`` gives, where the input is checked (a worker), the
    little the batch keeps of it (digests, never its text), and the main process decides in
    input order (``pipeline.stages.batch``), then makes the finding with ``verdict``.
    """

    def find(self, doc: Document) -> Iterable[Finding]:
        return ()  # decided by pipeline.stages.batch from what ``measure`` gave

    def measure(self, text: str, source: str | None, context: str | None = None) -> Any:
        """What the batch keeps of an input (its English ``text``, its original ``source`` if
        known, and what sets that original apart in its file, such as a PO ``msgctxt``);
        None: the input is not compared."""
        raise NotImplementedError

    def anchor(self, doc: Document) -> Span:
        """Where the finding points in ``doc`` (also in the cleaned text, after repairs)."""
        raise NotImplementedError

    def verdict(self, doc: Document, found: Any) -> Finding:
        """The finding for what the batch's index said of ``doc`` (``found``)."""
        raise NotImplementedError


class PatternCheck(Check):
    """A check that reports the kept matches of a pattern; the base owns the loop.

    A subclass sets ``pattern`` (searched over the whole text) or fills ``matches(doc)``,
    and fills the hooks it needs, each given the match and the document:

    - ``keep``: whether the match is a defect (default: every match is);
    - ``message``: the finding's message;
    - ``replacement``: the text proposed for the span (default: None, nothing to propose);
    - ``span``: where the finding is (default: the whole match);
    - ``evidence``: what was seen (default: ``{"text": the matched text}``).

    The base turns each kept match into a finding, with origin ``rule`` when it proposes a
    replacement. ``by_span``: the matches do not come in text order (several patterns), so
    the findings are sorted by span.
    """

    pattern: ClassVar[Any] = None  # a compiled ``re`` or ``regex`` pattern
    by_span: ClassVar[bool] = False

    def matches(self, doc: Document) -> Iterable[Any]:
        return self.pattern.finditer(doc.text)

    def keep(self, m: Any, doc: Document) -> bool:
        return True

    def message(self, m: Any, doc: Document) -> str:
        raise NotImplementedError

    def replacement(self, m: Any, doc: Document) -> str | None:
        return None

    def span(self, m: Any, doc: Document) -> Span:
        return Span(m.start(), m.end())

    def evidence(self, m: Any, doc: Document) -> dict[str, Any]:
        return {"text": m.group()}

    def find(self, doc: Document) -> Iterable[Finding]:
        found = []
        for m in self.matches(doc):
            if not self.keep(m, doc):
                continue
            replacement = self.replacement(m, doc)
            found.append(
                self.finding(
                    self.span(m, doc),
                    self.message(m, doc),
                    replacement=replacement,
                    origin="rule" if replacement is not None else None,
                    evidence=self.evidence(m, doc),
                )
            )
        return sorted(found, key=lambda f: f.span) if self.by_span else found
