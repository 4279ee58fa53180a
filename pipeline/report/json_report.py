"""The findings JSON: everything an article's run decided, in a stable, diffable form.

No timestamps and a fixed key order: two runs over the same input give the same bytes,
so a report can be committed, compared, or used as a test oracle.
"""

from __future__ import annotations

import dataclasses
import json
from enum import Enum
from pathlib import Path, PurePath
from typing import Any

from pipeline.core.edits import Edit
from pipeline.core.findings import Finding
from pipeline.core.fingerprints import finding_ids
from pipeline.core.lines import LineIndex
from pipeline.core.result import ArticleResult
from pipeline.report.changes import APPLIED, SUGGESTION, Change, review_changes, text_sha256

# Bump when a key changes meaning or disappears; adding keys keeps the version.
SCHEMA = "tqa-findings/1"
# JSON Schemas of the findings report and of a review's decisions file, shipped with the package.
SCHEMA_DIR = Path(__file__).parent / "schema"
FINDINGS_SCHEMA_FILE = SCHEMA_DIR / "findings.schema.json"
DECISIONS_SCHEMA_FILE = SCHEMA_DIR / "decisions.schema.json"


def jsonable(value: Any) -> Any:
    """``json.dumps`` fallback for what settings and evidence tend to hold."""
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"jsonable: cannot write {type(value).__name__} as JSON")


def dumps(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False, indent=2, default=jsonable) + "\n"


def edit_dict(edit: Edit, text: str, cleaned_start: int | None = None) -> dict[str, Any]:
    """An edit with the original text it replaces; ``cleaned_start``: where it landed."""
    out: dict[str, Any] = {
        "check": edit.check,
        "origin": edit.origin,
        "start": edit.span.start,
        "end": edit.span.end,
        "text": edit.span.of(text),
        "replacement": edit.replacement,
        "reason": edit.reason,
    }
    if cleaned_start is not None:
        # Offsets in the cleaned text, so a reviewer's accept/reject can find the change there.
        out["cleaned_start"] = cleaned_start
        out["cleaned_end"] = cleaned_start + len(edit.replacement)
    return out


def change_dict(change: Change, text: str, cleaned_start: int | None = None) -> dict[str, Any]:
    """A reviewable change: its id (``c3``, for display) and stable ``key``, the edit, the
    severity of its finding and its score change."""
    return {
        "id": change.id,
        "key": change.key,
        **edit_dict(change.edit, text, cleaned_start),
        "severity": change.severity,
        "mqm_delta": change.mqm_delta,
    }


def landed_at(edits: list[Edit]) -> list[int]:
    """For edits sorted by position: where each replacement starts in the cleaned text."""
    out, delta = [], 0
    for edit in edits:
        out.append(edit.span.start + delta)
        delta += len(edit.replacement) - len(edit.span)
    return out


def located(findings: list[Finding], text: str, ids: list[str] | None = None) -> list[dict[str, Any]]:
    """Findings with their stable id (``ids``, when already made) and the line and column a reviewer looks for."""
    index = LineIndex(text)
    out = []
    for f, fid in zip(findings, ids if ids is not None else finding_ids(findings, text)):
        line, column = index.position(f)
        out.append({"id": fid, **f.to_dict(text), "line": line, "column": column})
    return out


def findings_payload(result: ArticleResult) -> dict[str, Any]:
    doc, text = result.doc, result.doc.text
    ids = finding_ids(result.findings, text)
    changes = review_changes(result, ids)
    applied = [c for c in changes if c.kind == APPLIED]
    suggestions = [c for c in changes if c.kind == SUGGESTION]
    return {
        "schema": SCHEMA,
        "document": {
            "path": doc.path,
            "name": doc.name,
            "encoding": doc.encoding,
            "bom": bool(doc.bom),
            "newline": doc.newline,
            "words": doc.word_count,
            "paragraphs": len(doc.paragraphs),
            "sentences": len(doc.sentences),
            # What ``tqa apply`` checks before it trusts the offsets below.
            "chars": len(text),
            "text_sha256": text_sha256(text),
        },
        "findings": located(result.findings, text, ids),
        "applied": [change_dict(c, text, at) for c, at in zip(applied, landed_at([c.edit for c in applied]))],
        "suggestions": [change_dict(c, text) for c in suggestions],
        "skipped": [
            {"start": s.span.start, "end": s.span.end, "text": s.span.of(text), "reason": s.reason}
            for s in result.skipped
        ],
        "findings_after": [f.to_dict(result.cleaned) for f in result.findings_after],
        "scores": result.scores.to_dict(),
        "settings": result.settings,
        "notices": result.notices,
        **({"retranslations": result.retranslations} if result.retranslations else {}),
        **({"source": result.source} if result.source else {}),
    }


def findings_json(result: ArticleResult) -> str:
    return dumps(findings_payload(result))
