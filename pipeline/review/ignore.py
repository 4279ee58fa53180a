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

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.checks import ConfigurationError
from pipeline.core.findings import Finding
from pipeline.core.fingerprints import CONTEXT_WORDS, describe, fingerprint  # noqa: F401 (the ignore list's API)
from pipeline.util.atomic import write_atomic
from pipeline.util.reading import loads_json, read_text_limited

DEFAULT_NAME = ".tqa-ignore.json"
_VERSION = 1


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

    number: int  # position in the report, for display
    label: str  # how the user is shown it: "#3" (a finding) or "c3" (a change on the review page)
    check: str
    severity: str
    text: str
    new: bool  # False: it was in the ignore list already
    id: str = ""  # the stable id (``tqa accept --id``)


class AcceptOutcome(list):  # type: ignore[type-arg]
    """The accepted findings (a list), and how many pending ones a decisions file left out."""

    pending = 0


def _report_entries(report_path: Path) -> tuple[list[dict[str, Any]], bool]:
    """(entries to choose from, whether the file is a decisions file saved from the page).

    A findings report offers its findings; a decisions file the items the reviewer
    dismissed (and says how many are still pending)."""
    try:
        data = loads_json(read_text_limited(report_path))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:  # NotReadable is an OSError
        raise ConfigurationError(
            f"{report_path}: cannot read it as JSON: {getattr(err, 'strerror', None) or err}"
        ) from None
    schema = data.get("schema") if isinstance(data, dict) else None
    if schema == "tqa-decisions/1":
        raise ConfigurationError(
            f"{report_path}: a tqa-decisions/1 file says accept or reject per change, not which findings "
            "are false alarms; open the review page again and save it (tqa-decisions/2)"
        )
    decisions = isinstance(data, dict) and isinstance(data.get("items"), list)
    entries = data.get("items" if decisions else "findings") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and isinstance(e.get("start"), int) and isinstance(e.get("end"), int) for e in entries
    ):
        raise ConfigurationError(f"{report_path}: not a tqa findings report or decisions file (no findings)")
    label = (lambda e, i: str(e.get("label") or e.get("id"))) if decisions else (lambda e, i: f"#{i}")
    return [{**e, "_label": label(e, i), "_number": i} for i, e in enumerate(entries, 1)], decisions


def accept_from_report(
    report_path: str | Path,
    ignore_path: str | Path,
    checks: Iterable[str] = (),
    indexes: Iterable[int] = (),
    note: str = "",
    input_path: str | Path | None = None,
    everything: bool = False,
    ids: Iterable[str] = (),
) -> AcceptOutcome:
    """Accept findings of a report into the ignore file; return what was chosen.

    From a ``*.findings.json``: ``ids`` are stable finding ids (what ``tqa check`` and the
    review page show), ``indexes`` 1-based positions in its findings, ``checks`` select by
    check id, ``everything`` takes all; one of them is required, so nothing (a critical
    finding least of all) is accepted silently. From a ``*.decisions.json`` saved from the
    review page: only the findings the reviewer dismissed (false alarms), narrowed by the
    same selectors; pending ones are left out and counted, fixed ones need no entry. The
    input the report was made from is found as ``tqa apply`` finds it and must not have
    changed since: each finding's context is read from it.
    """
    from pipeline.checks.catalog import catalog
    from pipeline.core.findings import Severity
    from pipeline.core.spans import Span
    from pipeline.review.apply import locate_input
    from pipeline.review.decisions import ReviewError, load_review

    report_path = Path(report_path)
    wanted_checks, wanted, wanted_ids = set(checks), set(indexes), set(ids)
    if unknown := sorted(wanted_checks - set(catalog())):
        raise ConfigurationError(f"--check {unknown[0]}: no such check; known: {', '.join(catalog())}")
    entries, decisions = _report_entries(report_path)
    try:
        doc = locate_input(load_review(report_path), input_path)
    except ReviewError as err:
        raise ConfigurationError(str(err)) from None
    if not decisions and not (wanted or wanted_checks or wanted_ids or everything):
        raise ConfigurationError("say which findings to accept: --id ID, --check ID, -n N (repeatable) or --all")
    if bad := sorted(i for i in wanted if i not in {e["_number"] for e in entries}):
        raise ConfigurationError(f"no finding number {bad[0]}: the report has {len(entries)}")
    if bad_ids := sorted(wanted_ids - {e.get("id") for e in entries}):
        raise ConfigurationError(f"no finding with id {bad_ids[0]} in {report_path}")
    selected = [
        e
        for e in entries
        if everything
        or (not wanted and not wanted_checks and not wanted_ids)
        or e["_number"] in wanted
        or e.get("check") in wanted_checks
        or e.get("id") in wanted_ids
    ]
    outcome = AcceptOutcome()
    if decisions:
        outcome.pending = sum(e.get("state", "pending") == "pending" for e in selected)
        selected = [e for e in selected if e.get("state") == "dismissed"]
    ignore = IgnoreList.load(ignore_path)
    for e in selected:
        i = e["_number"]
        # the report is a file a person can edit: a bad entry is a one-line error, not a traceback
        valid = 0 <= e["start"] <= e["end"] <= len(doc.text) and (
            decisions or (isinstance(e.get("check"), str) and e.get("severity") in {s.value for s in Severity})
        )
        if not valid:
            raise ConfigurationError(
                f"{report_path}: finding {i} is not a valid tqa finding (check, start, end, severity, message)"
            )
        severity = e.get("severity") if e.get("severity") in {s.value for s in Severity} else "minor"
        start, end = e["start"], e["end"]
        behind = e.get("finding")  # a dismissed change: the ignore list remembers the finding behind it
        if (
            decisions
            and isinstance(behind, list)
            and len(behind) == 2
            and all(isinstance(x, int) for x in behind)
            and 0 <= behind[0] <= behind[1] <= len(doc.text)
        ):
            start, end = behind
        finding = Finding(str(e.get("check", "")), Span(start, end), Severity(severity), str(e.get("message", "")))
        new = ignore.accept(finding, doc.text, note or str(e.get("comment") or ""))
        outcome.append(
            Accepted(i, e["_label"], finding.check, severity, finding.span.of(doc.text), new, str(e.get("id") or ""))
        )
    if any(a.new for a in outcome):
        ignore.save()
    return outcome
