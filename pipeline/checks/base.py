"""The check interface and registry.

A check *measures*: it returns findings with their evidence. Whether a proposed
replacement is applied is decided later, in one place (``pipeline.stages.plan``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from pipeline.core.document import Document
from pipeline.core.findings import Finding, Severity
from pipeline.core.spans import Span

# A paragraph longer than this (a whole book on one line, a data dump) is not prose: the
# checks that look at word patterns skip it with a "too long to check" finding, so that
# time and memory stay bounded by this, not by the file.
MAX_PARAGRAPH_CHARS = 1_000_000


class ConfigurationError(ValueError):
    """A check was given an option it does not know or a value it cannot use."""


REGISTRY: dict[str, type[Check]] = {}
# Checks that need the Chinese original (pipeline.original.source): configured like the others,
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
    (name -> default); ``severity`` can be overridden per run like any option.
    """

    id: ClassVar[str]
    severity: ClassVar[Severity]
    description: ClassVar[str]
    options: ClassVar[dict[str, Any]] = {}

    def __init__(self, severity: str | Severity | None = None, **options: Any) -> None:
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
        self.config = {**self.options, **options}

    def find(self, doc: Document) -> Iterable[Finding]:
        raise NotImplementedError

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
