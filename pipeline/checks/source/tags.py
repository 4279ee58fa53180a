"""``tag-mismatch``: a placeholder, tag or inline code of the original missing, extra or moved in the English.

What is compared (``pipeline.core.protected``): placeholders (``{0}``, ``{name}``, ``%s``,
``%1$s``, ``%(name)s``, ``{{name}}``, ``${name}``), tags written in the text (``<b>``), and a
bilingual file's inline codes (XLIFF ``<g>``, ``<x/>``, ``<ph>``, ``<bpt>``/``<ept>``, ``<pc>``,
``<sc/>``/``<ec/>``, by element and id). Annotations (``<mrk>``, ``<sm/>``/``<em/>``) are not
compared: tools add and drop them (terms, segmentation) without harm; nor is 2.x ``<cp/>``, which
stands for a character XML cannot hold, not for markup.

- **missing** (major): in the original, not in the English; the finding spans the English
  sentence aligned with where the original holds it.
- **extra** (major): in the English, not in the original; the finding spans it.
- **reordered** (minor): the same ones in another order. Only for *positional* placeholders by
  default (``reordered = "positional"``): ``%s``, ``%d``, ``{}`` are bound to the values by
  their place, so a new order binds the wrong value (or, ``%d`` for ``%s``, fails). Numbered
  and named ones (``{0}``, ``%1$s``, ``%(name)s``) and tags are bound by their number, name
  or id, and another order is what a translation into another language often needs: reporting
  them would flag correct translations. ``"all"`` reports any change of order (as
  translator-QA tools do), ``"none"`` none. Two positional placeholders of one kind swapped
  (``%s ... %s``) cannot be told apart, so that is never reported.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from pipeline.checks.base import ConfigurationError, register_source
from pipeline.checks.source.base import SourceCheck
from pipeline.core.document import Document
from pipeline.core.findings import Finding, Severity
from pipeline.core.protected import Protected, protected_spans
from pipeline.core.spans import Span
from pipeline.original.pair import SourcePair

NOT_COMPARED = frozenset({"mrk", "sm", "em", "cp"})
REORDERED = ("positional", "all", "none")


def compared(doc: Document) -> list[Protected]:
    """What ``tag-mismatch`` compares in a text: its protected spans but annotations and ``<cp/>``."""
    spans = protected_spans(doc.text, doc.codes, doc.syntax)
    return [p for p in spans if not (p.kind == "code" and p.key.split(":")[1] in NOT_COMPARED)]


@register_source
class TagMismatch(SourceCheck):
    id = "tag-mismatch"
    severity = Severity.MAJOR
    description = (
        "With the original: a placeholder ({0}, %s, %(name)s, {{name}}), tag or XLIFF inline code of the original "
        "missing or extra in the English, or positional placeholders (%s, %d) reordered"
    )
    options = {"reordered": "positional"}  # which changes of order to report: positional, all, none

    def __init__(self, severity: str | Severity | None = None, **options: Any) -> None:
        super().__init__(severity, **options)
        if self.config["reordered"] not in REORDERED:
            raise ConfigurationError(
                f"{type(self).__name__}: reordered must be one of {', '.join(REORDERED)}, "
                f"got {self.config['reordered']!r}"
            )

    def find_pair(self, pair: SourcePair) -> Iterable[Finding]:
        original = compared(pair.original)
        english = compared(pair.en)
        if not original and not english:
            return
        missing = _minus(original, english)
        extra = _minus(english, original)
        evidence = {
            "original": [p.text for p in original],
            "english": [p.text for p in english],
            "missing": [p.text for p in missing],
            "extra": [p.text for p in extra],
        }
        shown = " ".join(p.text for p in missing)
        for p in extra:
            what = "inline code" if p.kind == "code" else p.kind
            yield self.finding(
                p.span,
                f"{what} {p.text} is not in the original" + (f", which has {shown} instead" if missing else ""),
                evidence=evidence,
            )
        if missing and not extra:
            yield self.finding(
                self._where(pair, missing[0]),
                f"the original has {shown}, which the English lacks",
                evidence=evidence,
            )
        if missing or extra or self.config["reordered"] == "none":
            return
        keep = (lambda p: p.positional) if self.config["reordered"] == "positional" else (lambda p: True)
        before = [p for p in original if keep(p)]
        after = [p for p in english if keep(p)]
        if [p.key for p in before] != [p.key for p in after]:
            yield self.finding(
                Span(after[0].span.start, after[-1].span.end),
                f"placeholders in another order: {' '.join(p.text for p in after)} "
                f"for the original's {' '.join(p.text for p in before)}",
                severity=Severity.MINOR,
                evidence={**evidence, "moved": [p.text for p, q in zip(after, before) if p.key != q.key]},
            )

    @staticmethod
    def _where(pair: SourcePair, item: Protected) -> Span:
        """The English sentence aligned with the original's sentence that holds ``item``; the
        whole English where the alignment does not say."""
        for link in pair.alignment.links:
            if link.zh and link.zh_span.start <= item.span.start <= link.zh_span.end:
                return link.en_span
        text = pair.en.text
        start = len(text) - len(text.lstrip())
        return Span(start, max(start, len(text.rstrip())))


def _minus(a: list[Protected], b: list[Protected]) -> list[Protected]:
    """The items of ``a`` that ``b`` lacks, counted (two ``%s`` against one: one missing)."""
    have = Counter(p.key for p in b)
    out = []
    for p in a:
        if have[p.key]:
            have[p.key] -= 1
        else:
            out.append(p)
    return out
