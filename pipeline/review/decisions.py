"""Decisions are data: the ``tqa-decisions/2`` file (one item per finding, under its stable id, with its
state, pending, fixed or dismissed, the reviewer's own text and a comment), read and checked,
and made from a findings report."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.core.edits import Edit
from pipeline.core.spans import Span
from pipeline.report.changes import ACCEPT, APPLIED, REJECT, SUGGESTION
from pipeline.util.reading import loads_json, read_text_limited

DECISIONS_SCHEMA = "tqa-decisions/2"


DECISIONS_SCHEMA_V1 = "tqa-decisions/1"


FINDINGS_SCHEMA = "tqa-findings/1"


PENDING, FIXED, DISMISSED = "pending", "fixed", "dismissed"


STATES = (PENDING, FIXED, DISMISSED)


FINDING = "finding"  # an item with no change of its own


REVIEWER = "reviewer"  # the origin of a reviewer's own text


class ReviewError(Exception):
    """Bad decisions or a mismatched input; the message is one line for the user."""


@dataclass(frozen=True)
class Decision:
    id: str
    kind: str  # APPLIED or SUGGESTION
    span: Span
    text: str | None  # the original text of the span, when the file says it
    replacement: str
    decision: str  # ACCEPT or REJECT
    check: str = ""
    origin: str = "review"


@dataclass(frozen=True)
class Review:
    source: Path  # the decisions or findings file
    schema: str
    input_path: str | None
    chars: int | None
    sha256: str | None
    decisions: tuple[Decision, ...]
    items: tuple[dict[str, Any], ...] = ()  # tqa-decisions/2: every item as the file has it

    @property
    def accepted(self) -> list[Decision]:
        return [d for d in self.decisions if d.decision == ACCEPT]


def _need(cond: bool, source: Path, message: str) -> None:
    if not cond:
        raise ReviewError(f"{source}: {message}")


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _decision(item: Any, where: str, source: Path, default: str | None) -> Decision:
    _need(isinstance(item, dict), source, f"{where} is not an object")
    start, end = item.get("start"), item.get("end")
    _need(_int(start) and _int(end) and start <= end, source, f"{where}: start/end must be offsets with start <= end")
    replacement = item.get("replacement")
    _need(isinstance(replacement, str), source, f"{where}: replacement must be a string")
    decision = item.get("decision", default)
    _need(decision in (ACCEPT, REJECT), source, f"{where}: decision must be 'accept' or 'reject', got {decision!r}")
    kind = item.get("kind", APPLIED if default == ACCEPT else SUGGESTION)
    text = item.get("text")
    _need(text is None or isinstance(text, str), source, f"{where}: text must be a string")
    return Decision(
        id=str(item.get("id") or where),
        kind=str(kind),
        span=Span(start, end),
        text=text,
        replacement=replacement,
        decision=decision,
        check=str(item.get("check") or ""),
        origin=str(item.get("origin") or "review"),
    )


def _item(item: Any, where: str, source: Path) -> tuple[dict[str, Any], list[Decision]]:
    """A tqa-decisions/2 item, and the edits it puts in the text."""
    _need(isinstance(item, dict), source, f"{where} is not an object")
    _need(isinstance(item.get("id"), str) and item["id"] != "", source, f"{where}: no id")
    start, end = item.get("start"), item.get("end")
    _need(_int(start) and _int(end) and start <= end, source, f"{where}: start/end must be offsets with start <= end")
    state = item.get("state", PENDING)
    _need(state in STATES, source, f"{where}: state must be one of {', '.join(STATES)}, got {state!r}")
    fix, kind = item.get("fix"), item.get("kind", FINDING)
    _need(fix is None or isinstance(fix, str), source, f"{where}: fix must be a string or null")
    _need(isinstance(item.get("comment", ""), str), source, f"{where}: comment must be a string")
    text = item.get("text")
    _need(text is None or isinstance(text, str), source, f"{where}: text must be a string")
    check, out = str(item.get("check") or ""), []
    if kind != FINDING:
        _need(kind in (APPLIED, SUGGESTION), source, f"{where}: kind must be applied, suggestion or finding")
        _need(isinstance(item.get("replacement"), str), source, f"{where}: replacement must be a string")
        applied = item.get("applied", kind == APPLIED)
        _need(isinstance(applied, bool), source, f"{where}: applied must be true or false")
        on = applied and fix is None and state != DISMISSED
        name = f"{item['label']} (id {item['id']})" if item.get("label") else item["id"]
        out.append(
            Decision(
                name,
                kind,
                Span(start, end),
                text,
                item["replacement"],
                ACCEPT if on else REJECT,
                check,
                str(item.get("origin") or "review"),
            )
        )
    if fix is not None and state == FIXED:
        out.append(Decision(f"{item['id']} (own text)", REVIEWER, Span(start, end), text, fix, ACCEPT, check, REVIEWER))
    return item, out


def load_review(path: str | Path) -> Review:
    """Read a decisions file or a findings JSON; ``ReviewError`` says what is wrong with it."""
    source = Path(path)
    try:
        data = loads_json(read_text_limited(source))
    except FileNotFoundError:
        raise ReviewError(f"{source}: no such file") from None
    except IsADirectoryError:
        raise ReviewError(f"{source}: is a folder, not a decisions file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ReviewError(f"{source}: cannot read it: {err}") from None
    except json.JSONDecodeError as err:
        raise ReviewError(f"{source}: not JSON ({err.msg} at line {err.lineno})") from None
    _need(isinstance(data, dict), source, "not a tqa decisions or findings file (expected a JSON object)")
    schema = data.get("schema")
    items: tuple[dict[str, Any], ...] = ()
    if schema == DECISIONS_SCHEMA:
        info = data.get("input")
        _need(isinstance(info, dict), source, "no 'input' object")
        listed = data.get("items")
        _need(isinstance(listed, list), source, "no 'items' list")
        parsed = [_item(x, f"item {i + 1}", source) for i, x in enumerate(listed)]
        items = tuple(x for x, _ in parsed)
        decisions = tuple(d for _, ds in parsed for d in ds)
    elif schema == DECISIONS_SCHEMA_V1:
        info = data.get("input")
        _need(isinstance(info, dict), source, "no 'input' object")
        changes = data.get("changes")
        _need(isinstance(changes, list), source, "no 'changes' list")
        decisions = tuple(_decision(c, f"change {i + 1}", source, None) for i, c in enumerate(changes))
    elif schema == FINDINGS_SCHEMA:
        info = data.get("document")
        _need(isinstance(info, dict), source, "no 'document' object")
        applied, suggestions = data.get("applied", []), data.get("suggestions", [])
        _need(
            isinstance(applied, list) and isinstance(suggestions, list),
            source,
            "'applied' and 'suggestions' must be lists",
        )
        decisions = tuple(
            [_decision(c, f"applied {i + 1}", source, ACCEPT) for i, c in enumerate(applied)]
            + [_decision(c, f"suggestion {i + 1}", source, REJECT) for i, c in enumerate(suggestions)]
        )
    else:
        raise ReviewError(
            f"{source}: not a tqa decisions or findings file (schema {schema!r}; expected {DECISIONS_SCHEMA!r}, {DECISIONS_SCHEMA_V1!r} or {FINDINGS_SCHEMA!r})"
        )
    path_value, chars, sha = info.get("path"), info.get("chars"), info.get("text_sha256")
    _need(path_value is None or isinstance(path_value, str), source, "the input path must be a string")
    _need(chars is None or _int(chars), source, "the input length must be a number")
    _need(sha is None or isinstance(sha, str), source, "the input hash must be a string")
    return Review(source, schema, path_value, chars, sha, decisions, items)


def _uncovered_numbers(payload: dict[str, Any]) -> set[int]:
    """The numbers of the findings no change stands for, as the review page marks them."""
    from pipeline.core.findings import Finding, Severity
    from pipeline.report.marks import uncovered

    class _Change:  # what ``uncovered`` reads of a change
        def __init__(self, c: dict[str, Any]) -> None:
            self.edit = Edit(Span(c["start"], c["end"]), c.get("replacement", ""), "", "", c.get("check", ""))

    findings = [
        Finding(f["check"], Span(f["start"], f["end"]), Severity(f["severity"]), f.get("message", ""))
        for f in payload.get("findings") or []
    ]
    changes = [_Change(c) for c in (payload.get("applied") or []) + (payload.get("suggestions") or [])]
    return {n for n, _ in uncovered(findings, changes)}


def review_items(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Every item of a findings JSON's review page, pending, in text order: its changes
    (under their stable ``key``) and the findings no change stands for."""
    items = []
    spans = {f.get("id"): [f.get("start"), f.get("end")] for f in payload.get("findings") or [] if isinstance(f, dict)}
    for kind, listed in ((APPLIED, payload.get("applied") or []), (SUGGESTION, payload.get("suggestions") or [])):
        for c in listed:
            items.append(
                {
                    "id": c.get("key") or c.get("id"),
                    "label": c.get("id"),
                    "kind": kind,
                    **{
                        key: c.get(key)
                        for key in ("check", "origin", "severity", "start", "end", "text", "replacement")
                    },
                    "finding": spans.get(c.get("key")),
                    "state": PENDING,
                    "applied": kind == APPLIED,
                    "fix": None,
                    "comment": "",
                }
            )
    marked = _uncovered_numbers(payload)
    for n, f in enumerate(payload.get("findings") or [], 1):
        if n in marked:
            items.append(
                {
                    "id": f.get("id") or f"#{n}",
                    "label": f"#{n}",
                    "kind": FINDING,
                    "origin": None,
                    "replacement": None,
                    **{key: f.get(key) for key in ("check", "severity", "start", "end", "text", "message")},
                    "state": PENDING,
                    "fix": None,
                    "comment": "",
                }
            )
    items.sort(key=lambda c: (c["start"], c["end"], c["kind"] == FINDING, c["kind"] != APPLIED))
    return items


def decide_item(item: dict[str, Any], how: str | dict[str, Any]) -> dict[str, Any]:
    """``item`` with a decision: a state (``fixed`` applies its change, ``dismissed`` keeps
    the original text, ``pending`` the run's), ``apply`` or ``undo`` its change (the finding
    then fixed, or pending), or the fields to set."""
    how = {"accept": "apply", "reject": "undo"}.get(how, how) if isinstance(how, str) else how
    if how in ("apply", "undo") and item["kind"] != FINDING:
        return item | {"state": FIXED if how == "apply" else PENDING, "applied": how == "apply"}
    if isinstance(how, dict):
        return item | {k: v for k, v in how.items() if k in ("state", "applied", "fix", "comment")}
    if how not in STATES:
        raise ReviewError(f"no such state {how!r}; one of {', '.join(STATES)}")
    out = item | {"state": how}
    if item["kind"] != FINDING:
        out["applied"] = {FIXED: True, DISMISSED: False}.get(how, item["kind"] == APPLIED)
    return out


def decisions_from_report(payload: dict[str, Any], decide: dict[str, Any] | None = None) -> dict[str, Any]:
    """A decisions file as the review page saves it, from a findings JSON payload.

    Every item is pending unless ``decide`` names it (by id or label: ``c3``, ``#6``) with
    a state or the fields to set. What ``tqa review`` starts an article's decisions from,
    for scripted reviews, and what the tests compare the page's output with.
    """
    decide = dict(decide or {})
    items = []
    for item in review_items(payload):
        for name in (item["id"], item["label"]):
            if name in decide:
                item = decide_item(item, decide.pop(name))
        items.append(item)
    if decide:
        raise ReviewError(f"no such change(s) in the report: {', '.join(sorted(decide))}")
    doc = payload.get("document") or {}
    return {
        "schema": DECISIONS_SCHEMA,
        "report_schema": payload.get("schema"),
        "tqa": (payload.get("settings") or {}).get("tqa", ""),
        "input": {key: doc.get(key) for key in ("path", "name", "encoding", "chars", "text_sha256")},
        "items": items,
    }
