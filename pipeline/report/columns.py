"""The summary's columns, and a summary row filled for display (CSV and the batch index)."""

from __future__ import annotations

from typing import Any

SEVERITIES = ("minor", "major", "critical")
# Fixed columns, in order; per-check counts ``n_<check>`` follow, sorted by check id.
COLUMNS = (
    "input", "file", "record", "stem", "status", "error", "words",
    "findings_before", *(f"{s}_before" for s in SEVERITIES),
    "findings_after", *(f"{s}_after" for s in SEVERITIES),
    "mqm_before", "mqm_after", "applied", "suggestions", "skipped",
    "bleu_before", "bleu_after", "chrf_before", "chrf_after", "ter_before", "ter_after",
)  # fmt: skip


def display_row(row: dict[str, Any], checks: list[str]) -> dict[str, Any]:
    """A row for display: every column present, None as blank, 0 for a check without findings."""
    return {
        **dict.fromkeys(COLUMNS, ""),
        **dict.fromkeys(checks, 0 if row.get("status") == "ok" else ""),
        **{k: "" if v is None else v for k, v in row.items()},
    }
