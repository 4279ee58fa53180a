"""What names a finding durably: a fingerprint of its check, its text and its context.

A finding is named by its check id, its text and a few words of context on each side
(within its line), all normalised (case, whitespace, quote style). Offsets are left out
on purpose: an edit elsewhere in the article moves them, and a selection of checks
renumbers the findings. The ignore list remembers findings by the full fingerprint; the
review page, ``tqa check`` and the decisions file name them by its first ten digits
(``finding_ids``), with ``-2``, ``-3`` for a second and third identical passage.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import regex

from pipeline.core.findings import Finding

CONTEXT_WORDS = 3
ID_DIGITS = 10
_WORDS = regex.compile(r"\w+")
_QUOTES = str.maketrans({c: '"' for c in "“”„‟«»「」『』＂"} | {c: "'" for c in "‘’‚‛＇"})
_REACH = 200  # characters searched for context words on each side


def normal(text: str) -> str:
    return " ".join(text.translate(_QUOTES).casefold().split())


def context(text: str, start: int, end: int) -> tuple[str, str]:
    """A few words on each side, within the line: a new paragraph above changes nothing."""
    lo, hi = max(0, start - _REACH), min(len(text), end + _REACH)
    lo = max(lo, text.rfind("\n", lo, start) + 1, text.rfind("\r", lo, start) + 1)
    stops = [i for i in (text.find("\n", end, hi), text.find("\r", end, hi)) if i >= 0]
    hi = min(stops, default=hi)
    before = _WORDS.findall(text[lo:start])[-CONTEXT_WORDS:]
    after = _WORDS.findall(text[end:hi])[:CONTEXT_WORDS]
    return normal(" ".join(before)), normal(" ".join(after))


def describe_span(check: str, start: int, end: int, text: str) -> dict[str, str]:
    """The fingerprint of a check's flag on ``text[start:end]``, plus what it was computed from."""
    body = normal(text[start:end])
    before, after = context(text, start, end)
    digest = hashlib.sha256("\x1f".join((check, body, before, after)).encode("utf-8", "surrogatepass")).hexdigest()[:20]
    return {"fingerprint": digest, "check": check, "text": body, "context": f"{before} … {after}"}


def describe(finding: Finding, text: str) -> dict[str, str]:
    return describe_span(finding.check, finding.span.start, finding.span.end, text)


def fingerprint(finding: Finding, text: str) -> str:
    return describe(finding, text)["fingerprint"]


class IdMaker:
    """Hands out finding ids in text order: the same fingerprint again gets ``-2``, ``-3``."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.seen: dict[str, int] = {}

    def __call__(self, check: str, start: int, end: int) -> str:
        base = describe_span(check, start, end, self.text)["fingerprint"][:ID_DIGITS]
        n = self.seen[base] = self.seen.get(base, 0) + 1
        return base if n == 1 else f"{base}-{n}"


def finding_ids(findings: Iterable[Finding], text: str) -> list[str]:
    """The ids of ``findings`` (in their order; counted in text order, so identical passages
    are told apart by position among themselves only)."""
    items = list(findings)
    order = sorted(range(len(items)), key=lambda k: (items[k].span.start, items[k].span.end, k))
    make = IdMaker(text)
    out = [""] * len(items)
    for k in order:
        out[k] = make(items[k].check, items[k].span.start, items[k].span.end)
    return out
