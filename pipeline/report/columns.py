"""The summary's columns, and a summary row filled for display (CSV and the batch index)."""

from __future__ import annotations

from typing import Any

SEVERITIES = ("minor", "major", "critical")
# Fixed columns, in order; per-check counts ``n_<check>`` follow, sorted by check id, then
# each check's findings per 1,000 words (``per1000w_<check>``) and its score (``score_<check>``).
COLUMNS = (
    "input", "file", "record", "stem", "status", "error", "words",
    "findings_before", *(f"{s}_before" for s in SEVERITIES),
    "findings_after", *(f"{s}_after" for s in SEVERITIES),
    "mqm_before", "mqm_after", "applied", "suggestions", "skipped",
    "bleu_before", "bleu_after", "chrf_before", "chrf_after", "ter_before", "ter_after",
)  # fmt: skip


RATE, SCORE = "per1000w_", "score_"


def display_row(row: dict[str, Any], checks: list[str]) -> dict[str, Any]:
    """A row for display: every column present, None as blank, 0 in ``checks`` (the count and
    rate columns) for a check without findings; a check without findings has no score (blank)."""
    return {
        **dict.fromkeys(COLUMNS, ""),
        **dict.fromkeys(checks, 0 if row.get("status") == "ok" else ""),
        **{k: "" if v is None else v for k, v in row.items()},
    }
