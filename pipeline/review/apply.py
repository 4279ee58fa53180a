"""A reviewer's decisions -> the final text.

The review page saves ``<stem>.decisions.json``: for each change its id, its span in the
original text, the replacement and ``accept`` or ``reject``. A findings JSON works too
and means "accept everything that was applied". Either way the original file is read
again, checked against the fingerprint the report recorded (offsets into a text that has
changed since would silently corrupt it), and exactly the accepted changes are applied
with ``apply_edits``, the one place text changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.core.document import Document, InputError, load_document
from pipeline.core.edits import Edit, OverlappingEditsError, apply_edits
from pipeline.core.spans import Span
from pipeline.report.changes import ACCEPT, APPLIED, REJECT, SUGGESTION, text_sha256
from pipeline.util.atomic import write_atomic
from pipeline.util.reading import loads_json, read_text_limited

DECISIONS_SCHEMA = "tqa-decisions/1"
FINDINGS_SCHEMA = "tqa-findings/1"


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

    @property
    def accepted(self) -> list[Decision]:
        return [d for d in self.decisions if d.decision == ACCEPT]


@dataclass(frozen=True)
class Applied:
    """What ``apply_review`` did."""

    output: Path
    input: Path
    accepted: int
    rejected: int
    final: str


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
    if schema == DECISIONS_SCHEMA:
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
            f"{source}: not a tqa decisions or findings file (schema {schema!r}; expected {DECISIONS_SCHEMA!r} or {FINDINGS_SCHEMA!r})"
        )
    path_value, chars, sha = info.get("path"), info.get("chars"), info.get("text_sha256")
    _need(path_value is None or isinstance(path_value, str), source, "the input path must be a string")
    _need(chars is None or _int(chars), source, "the input length must be a number")
    _need(sha is None or isinstance(sha, str), source, "the input hash must be a string")
    return Review(source, schema, path_value, chars, sha, decisions)


def decisions_from_report(payload: dict[str, Any], decide: dict[str, str] | None = None) -> dict[str, Any]:
    """A decisions file as the review page saves it, from a findings JSON payload.

    Every change keeps its default (applied: accept, suggestion: reject) unless ``decide``
    names it. For scripted reviews, and what the tests compare the page's output with.
    """
    decide = dict(decide or {})
    doc = payload.get("document") or {}
    changes = []
    for kind, items in ((APPLIED, payload.get("applied") or []), (SUGGESTION, payload.get("suggestions") or [])):
        for c in items:
            default = ACCEPT if kind == APPLIED else REJECT
            changes.append(
                {
                    key: c.get(key)
                    for key in ("id", "check", "origin", "severity", "start", "end", "text", "replacement")
                }
                | {"kind": kind, "decision": decide.pop(str(c.get("id")), default)}
            )
    if decide:
        raise ReviewError(f"no such change(s) in the report: {', '.join(sorted(decide))}")
    changes.sort(key=lambda c: (c["start"], c["end"], c["kind"] != APPLIED))
    return {
        "schema": DECISIONS_SCHEMA,
        "report_schema": payload.get("schema"),
        "tqa": (payload.get("settings") or {}).get("tqa", ""),
        "input": {key: doc.get(key) for key in ("path", "name", "encoding", "chars", "text_sha256")},
        "changes": changes,
    }


def _matches(review: Review, doc: Document) -> str | None:
    """Why ``doc`` is not the text the review was made on; None when it is.

    The hash decides, first and alone: a report names a path, and a tampered one may name
    any file; nothing about a file that is not the input is used or said.
    """
    if review.sha256 is None:
        return "cannot be checked: the report carries no text_sha256"
    if text_sha256(doc.text) != review.sha256:
        return "is not the text the report was made on (its sha256 differs)"
    for d in review.decisions:
        if d.span.end > len(doc.text):
            return f"change {d.id} ends at {d.span.end}, past the end of the text ({len(doc.text)})"
        if d.text is not None and d.span.of(doc.text) != d.text:
            return f"the text at change {d.id} ({d.span.start}-{d.span.end}) is not what the report says"
    return None


def locate_input(review: Review, override: str | Path | None = None) -> Document:
    """Load the original text: ``override``, else the report's path as given, else near the file.

    The path in a report is the one ``tqa run`` was given, usually relative to where it ran;
    a decisions file may since have moved (a browser's download folder), so the folders of
    the file and its parent are tried too.
    """
    if override is not None:
        candidates = [Path(override)]
    else:
        if not review.input_path:
            raise ReviewError(f"{review.source}: the report names no input file; pass --input FILE")
        given = Path(review.input_path)
        candidates = (
            [given]
            if given.is_absolute()
            else [given, review.source.parent / given, review.source.parent.parent / given]
        )
    problems = []
    for candidate in dict.fromkeys(candidates):
        if not candidate.is_file():
            continue
        try:
            doc = load_document(candidate)
        except InputError as err:
            problems.append(f"{candidate}: {err}")
            continue
        why = _matches(review, doc)
        if why is None:
            return doc
        problems.append(f"{candidate} {why}")
    if problems:
        raise ReviewError(f"the input has changed since the report: {problems[0]}; rerun `tqa run` on it")
    tried = ", ".join(str(c) for c in dict.fromkeys(candidates))
    raise ReviewError(f"cannot find the input file (tried {tried}); pass --input FILE")


def final_text(review: Review, doc: Document) -> str:
    """The original text with exactly the accepted changes applied."""
    edits = [Edit(d.span, d.replacement, f"{d.id} accepted in review", d.origin, d.check) for d in review.accepted]
    try:
        return apply_edits(doc.text, edits)
    except OverlappingEditsError:
        spans = sorted(review.accepted, key=lambda d: (d.span.start, d.span.end))
        for a, b in zip(spans, spans[1:]):
            if a.span.overlaps(b.span) or a.span == b.span:
                raise ReviewError(
                    f"{review.source}: accepted changes {a.id} and {b.id} overlap; reject one of them"
                ) from None
        raise


def default_output(source: Path) -> Path:
    """``x.decisions.json`` or ``x.findings.json`` -> ``x.final.txt`` in the same folder."""
    name = source.name
    for suffix in (".decisions.json", ".findings.json", ".json"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return source.with_name(name[: -len(suffix)] + ".final.txt")
    return source.with_name(name + ".final.txt")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (b.exists() and a.exists() and a.samefile(b))
    except OSError:
        return False


def apply_review(path: str | Path, out: str | Path | None = None, input_path: str | Path | None = None) -> Applied:
    """Write the final text of a review; never overwrites the input or the decisions file."""
    review = load_review(path)
    doc = locate_input(review, input_path)
    final = final_text(review, doc)
    target = Path(out) if out is not None else default_output(review.source)
    assert doc.path is not None
    for protected, what in ((Path(doc.path), "the input"), (review.source, "the decisions file")):
        if _same_file(target, protected):
            raise ReviewError(f"{target}: refusing to overwrite {what}; choose another --out")
    if target.is_dir():
        raise ReviewError(f"{target}: is a folder; --out takes a file name")
    try:
        payload = doc.encode(final)
    except UnicodeEncodeError as err:
        raise ReviewError(
            f"the final text cannot be written in the input's encoding {doc.encoding}: {err.reason}"
        ) from None
    try:
        write_atomic(target, payload)
    except OSError as err:
        raise ReviewError(f"{target}: cannot write it: {err.strerror or err}") from None
    accepted = len(review.accepted)
    return Applied(target, Path(doc.path), accepted, len(review.decisions) - accepted, final)
