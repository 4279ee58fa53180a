"""The ignore list: findings a reviewer has accepted, so later runs stop reporting them.

A finding is remembered by a fingerprint of its check id, its text and a few words of
context on each side (within its line), all normalised (case, whitespace, quote style). Offsets are left out
on purpose: an edit elsewhere in the article moves them. The context is what keeps the
acceptance narrow: the same words flagged in another sentence come back.

The file is JSON, one entry per accepted finding, readable and diff-friendly::

    {"version": 1, "accepted": [{"fingerprint": "...", "check": "calque",
      "text": "three forces", "context": "crack down on … with central asian"}]}
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex

from pipeline.checks import ConfigurationError
from pipeline.core.findings import Finding
from pipeline.util.atomic import write_atomic
from pipeline.util.reading import loads_json, read_text_limited

DEFAULT_NAME = ".tqa-ignore.json"
CONTEXT_WORDS = 3
_VERSION = 1
_WORDS = regex.compile(r"\w+")
_QUOTES = str.maketrans({c: '"' for c in "“”„‟«»「」『』＂"} | {c: "'" for c in "‘’‚‛＇"})
_REACH = 200  # characters searched for context words on each side


def _normal(text: str) -> str:
    return " ".join(text.translate(_QUOTES).casefold().split())


def _context(text: str, start: int, end: int) -> tuple[str, str]:
    """A few words on each side, within the line: a new paragraph above changes nothing."""
    lo, hi = max(0, start - _REACH), min(len(text), end + _REACH)
    lo = max(lo, text.rfind("\n", lo, start) + 1, text.rfind("\r", lo, start) + 1)
    stops = [i for i in (text.find("\n", end, hi), text.find("\r", end, hi)) if i >= 0]
    hi = min(stops, default=hi)
    before = _WORDS.findall(text[lo:start])[-CONTEXT_WORDS:]
    after = _WORDS.findall(text[end:hi])[:CONTEXT_WORDS]
    return _normal(" ".join(before)), _normal(" ".join(after))


def describe(finding: Finding, text: str) -> dict[str, str]:
    """The entry recorded for ``finding``: fingerprint plus what it was computed from."""
    body = _normal(finding.span.of(text))
    before, after = _context(text, finding.span.start, finding.span.end)
    digest = hashlib.sha256("\x1f".join((finding.check, body, before, after)).encode("utf-8")).hexdigest()[:20]
    return {"fingerprint": digest, "check": finding.check, "text": body, "context": f"{before} … {after}"}


def fingerprint(finding: Finding, text: str) -> str:
    return describe(finding, text)["fingerprint"]


@dataclass
class IgnoreList:
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)  # fingerprint -> entry
    path: Path | None = None

    @classmethod
    def load(cls, path: str | Path) -> IgnoreList:
        """Read an ignore file; a missing file is an empty list (it is created on first save)."""
        path = Path(path)
        try:
            data = loads_json(read_text_limited(path))
        except FileNotFoundError:
            return cls(path=path)
        except (OSError, UnicodeDecodeError) as err:
            raise ConfigurationError(
                f"ignore list {path}: cannot read: {getattr(err, 'strerror', None) or err}"
            ) from None
        except json.JSONDecodeError as err:
            raise ConfigurationError(f"ignore list {path}: not valid JSON: {err}") from None
        accepted = data.get("accepted") if isinstance(data, dict) else None
        if not isinstance(accepted, list) or not all(
            isinstance(e, dict) and isinstance(e.get("fingerprint"), str) for e in accepted
        ):
            raise ConfigurationError(
                f'ignore list {path}: expected {{"version": 1, "accepted": [{{"fingerprint": ...}}, ...]}}'
            )
        return cls({e["fingerprint"]: e for e in accepted}, path)

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, finding_fingerprint: object) -> bool:
        return finding_fingerprint in self.entries

    def ignores(self, finding: Finding, text: str) -> bool:
        return fingerprint(finding, text) in self.entries

    def split(self, findings: Iterable[Finding], text: str) -> tuple[list[Finding], list[Finding]]:
        """(still reported, ignored)."""
        kept: list[Finding] = []
        ignored: list[Finding] = []
        for f in findings:
            (ignored if self.ignores(f, text) else kept).append(f)
        return kept, ignored

    def accept(self, finding: Finding, text: str, note: str = "") -> bool:
        """Remember ``finding``; False when it was already there."""
        entry = describe(finding, text)
        if entry["fingerprint"] in self.entries:
            return False
        if note:
            entry["note"] = note
        self.entries[entry["fingerprint"]] = entry
        return True

    def save(self, path: str | Path | None = None) -> Path:
        target = Path(path) if path is not None else self.path
        if target is None:
            raise ValueError("IgnoreList.save: no path given and the list was not loaded from a file")
        accepted = sorted(
            self.entries.values(), key=lambda e: (e.get("check", ""), e.get("text", ""), e["fingerprint"])
        )
        payload = json.dumps({"version": _VERSION, "accepted": accepted}, ensure_ascii=False, indent=1) + "\n"
        return write_atomic(target, payload)


def load_ignore(path: str | Path) -> IgnoreList:
    return IgnoreList.load(path)


def filter_findings(findings: Iterable[Finding], text: str, ignore: IgnoreList | None) -> list[Finding]:
    """The findings the ignore list does not cover."""
    if ignore is None or not ignore.entries:
        return list(findings)
    return ignore.split(findings, text)[0]


def add_fingerprints(path: str | Path, findings: Iterable[Finding], text: str, note: str = "") -> int:
    """Accept ``findings`` into the ignore file at ``path``; return how many were new."""
    ignore = IgnoreList.load(path)
    added = sum(ignore.accept(f, text, note) for f in findings)
    if added:
        ignore.save()
    return added


@dataclass(frozen=True)
class Accepted:
    """One finding taken into the ignore list by ``tqa accept``, as the user is told about it."""

    number: int  # position in the report (the number ``-n`` takes)
    label: str  # how the user is shown it: "#3" (a finding) or "c3" (a change on the review page)
    check: str
    severity: str
    text: str
    new: bool  # False: it was in the ignore list already


def _report_entries(report_path: Path) -> tuple[list[dict[str, Any]], bool]:
    """(entries to choose from, whether the file is a decisions file saved from the page).

    A findings report offers its findings; a decisions file its changes, each with the
    reviewer's decision.
    """
    try:
        data = loads_json(read_text_limited(report_path))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:  # NotReadable is an OSError
        raise ConfigurationError(
            f"{report_path}: cannot read it as JSON: {getattr(err, 'strerror', None) or err}"
        ) from None
    decisions = isinstance(data, dict) and isinstance(data.get("changes"), list)
    entries = data.get("changes" if decisions else "findings") if isinstance(data, dict) else None
    if decisions and isinstance(entries, list):
        # a change is chosen when the reviewer rejected it (the text stays as it is), a
        # finding with no change when the reviewer accepted it as it is
        entries = [
            {**e, "_label": f"c{i}", "_number": i, "_pick": e.get("decision") == "reject"}
            for i, e in enumerate(entries, 1)
        ]
        found = data.get("findings") if isinstance(data.get("findings"), list) else []
        entries += [
            {**f, "_label": f"#{f.get('number')}", "_number": f.get("number"), "_pick": f.get("decision") == "accept"}
            for f in found
            if isinstance(f, dict)
        ]
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and isinstance(e.get("start"), int) and isinstance(e.get("end"), int) for e in entries
    ):
        raise ConfigurationError(f"{report_path}: not a tqa findings report or decisions file (no findings)")
    return entries, decisions


def accept_from_report(
    report_path: str | Path,
    ignore_path: str | Path,
    checks: Iterable[str] = (),
    indexes: Iterable[int] = (),
    note: str = "",
    input_path: str | Path | None = None,
    everything: bool = False,
) -> list[Accepted]:
    """Accept findings of a report into the ignore file; return what was chosen.

    From a ``*.findings.json``: ``indexes`` are 1-based positions in its findings, ``checks``
    select by check id, ``everything`` takes all; one of them is required, so nothing
    (a critical finding least of all) is accepted silently. From a ``*.decisions.json``
    saved from the review page: the changes the reviewer rejected (the text stays as it
    is, so its finding would come back) and the findings without a change the reviewer
    accepted as they are, narrowed by the same selectors (``indexes``: c3 = 3, #5 = 5). The input the report was made from is found as ``tqa apply``
    finds it and must not have changed since: each finding's context is read from it.
    """
    from pipeline.checks.catalog import catalog
    from pipeline.core.findings import Severity
    from pipeline.core.spans import Span
    from pipeline.review.apply import ReviewError, load_review, locate_input

    report_path = Path(report_path)
    wanted_checks, wanted = set(checks), set(indexes)
    if unknown := sorted(wanted_checks - set(catalog())):
        raise ConfigurationError(f"--check {unknown[0]}: no such check; known: {', '.join(catalog())}")
    try:
        doc = locate_input(load_review(report_path), input_path)
    except ReviewError as err:
        raise ConfigurationError(str(err)) from None
    entries, decisions = _report_entries(report_path)
    if not decisions and not (wanted or wanted_checks or everything):
        raise ConfigurationError("say which findings to accept: --check ID, -n N (repeatable) or --all")
    numbered = [(e["_number"] if decisions else i, e) for i, e in enumerate(entries, 1)]
    if bad := sorted(i for i in wanted if i not in {n for n, _ in numbered}):
        raise ConfigurationError(f"no finding number {bad[0]}: the report has {len(entries)}")
    chosen = [
        (i, e)
        for i, e in numbered
        if (not decisions or e["_pick"])
        and (everything or (not wanted and not wanted_checks) or i in wanted or e.get("check") in wanted_checks)
    ]
    ignore = IgnoreList.load(ignore_path)
    accepted = []
    for i, e in chosen:
        # the report is a file a person can edit: a bad entry is a one-line error, not a traceback
        valid = 0 <= e["start"] <= e["end"] <= len(doc.text) and (
            decisions or (isinstance(e.get("check"), str) and e.get("severity") in {s.value for s in Severity})
        )
        if not valid:
            raise ConfigurationError(
                f"{report_path}: finding {i} is not a valid tqa finding (check, start, end, severity, message)"
            )
        severity = e.get("severity") if e.get("severity") in {s.value for s in Severity} else "minor"
        finding = Finding(
            str(e.get("check", "")), Span(e["start"], e["end"]), Severity(severity), str(e.get("message", ""))
        )
        new = ignore.accept(finding, doc.text, note)
        accepted.append(Accepted(i, e.get("_label", f"#{i}"), finding.check, severity, finding.span.of(doc.text), new))
    if any(a.new for a in accepted):
        ignore.save()
    return accepted
