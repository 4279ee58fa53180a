"""The batch summary: one row per article, as JSON, CSV and an HTML index.

A row is a small flat dict built from an ``ArticleResult`` by ``summary_row``; the batch
runner keeps rows, not results, so ten thousand articles fit in memory.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..atomic import write_atomic
from ..result import ArticleResult
from ..score import QualityScore
from .html import index_html
from .json_report import dumps

SCHEMA = "tqa-summary/1"
SEVERITIES = ("minor", "major", "critical")
# Fixed columns, in order; per-check counts ``n_<check>`` follow, sorted by check id.
COLUMNS = (
    "input", "stem", "status", "error", "words",
    "findings_before", *(f"{s}_before" for s in SEVERITIES),
    "findings_after", *(f"{s}_after" for s in SEVERITIES),
    "mqm_before", "mqm_after", "applied", "suggestions", "skipped",
    "bleu_after", "chrf_after",
)  # fmt: skip


def _severity_counts(q: QualityScore, when: str) -> dict[str, int]:
    return {f"{s}_{when}": q.severities.get(s, 0) for s in SEVERITIES}


def _reference_score(result: ArticleResult, prefix: str) -> float | None:
    after = (result.scores.reference or {}).get("after") or {}
    # sacrebleu names chrF after its beta ("chrF2"), so match on the prefix.
    for name, value in after.items():
        if name.startswith(prefix) and isinstance(value, dict) and "score" in value:
            return value["score"]
    return None


def summary_row(result: ArticleResult, stem: str) -> dict[str, Any]:
    """The summary row of one processed article; ``n_<check>`` counts findings before repair."""
    before, after = result.scores.before, result.scores.after
    row: dict[str, Any] = {
        "input": result.doc.path or result.doc.name,
        "stem": stem,
        "status": "ok",
        "error": "",
        "words": result.doc.word_count,
        "findings_before": len(result.findings),
        **_severity_counts(before, "before"),
        "findings_after": len(result.findings_after),
        **_severity_counts(after, "after"),
        "mqm_before": before.penalty,
        "mqm_after": after.penalty,
        "applied": len(result.applied),
        "suggestions": len(result.suggestions),
        "skipped": len(result.skipped),
        "bleu_after": _reference_score(result, "BLEU"),
        "chrf_after": _reference_score(result, "chrF"),
    }
    row.update({f"n_{check}": n for check, n in sorted(before.counts.items())})
    return row


def error_row(input_path: str, stem: str, error: str) -> dict[str, Any]:
    """The row of an article that could not be processed (unreadable, crashed)."""
    row: dict[str, Any] = dict.fromkeys(COLUMNS)
    row.update(input=input_path, stem=stem, status="error", error=error)
    return row


def check_columns(rows: Iterable[dict[str, Any]]) -> list[str]:
    return sorted({key for row in rows for key in row if key.startswith("n_")})


def _filled(rows: list[dict[str, Any]], checks: list[str]) -> list[dict[str, Any]]:
    """Rows for display: every column present, None as blank, 0 for a check without findings."""
    return [
        {
            **dict.fromkeys(COLUMNS, ""),
            **dict.fromkeys(checks, 0 if row.get("status") == "ok" else ""),
            **{k: "" if v is None else v for k, v in row.items()},
        }
        for row in rows
    ]


def summary_csv(rows: list[dict[str, Any]]) -> str:
    checks = check_columns(rows)
    extra = sorted({k for row in rows for k in row} - set(COLUMNS) - set(checks))  # keep unknown keys, at the end
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=[*COLUMNS, *checks, *extra], restval="")
    writer.writeheader()
    writer.writerows(_filled(rows, checks))
    return buffer.getvalue()


def summary_payload(rows: list[dict[str, Any]]) -> dict[str, Any]:
    ok = [r for r in rows if r.get("status") == "ok"]
    return {
        "schema": SCHEMA,
        "totals": {
            "articles": len(rows),
            "ok": len(ok),
            "error": len(rows) - len(ok),
            **{key: sum(r.get(key) or 0 for r in ok) for key in ("words", "findings_before", "findings_after", "applied", "skipped")},
        },
        "articles": rows,
    }


def write_summary(rows: list[dict[str, Any]], out_dir: Path) -> dict[str, Path]:
    """Write ``summary.json``, ``summary.csv`` and ``index.html`` into ``out_dir``."""
    out_dir = Path(out_dir)
    checks = check_columns(rows)
    return {
        "json": write_atomic(out_dir / "summary.json", dumps(summary_payload(rows))),
        "csv": write_atomic(out_dir / "summary.csv", summary_csv(rows)),
        "index": write_atomic(out_dir / "index.html", index_html(_filled(rows, checks), [c[2:] for c in checks])),
    }
