"""``--select`` / ``--ignore CHECK,...``: which checks run, on top of the config (as ruff's).

The command line wins over ``tqa.toml``: a selected check runs even if the config turned
it off, and everything else is turned off; an ignored one is off. An unknown id is an
error naming the known ones, so a typo never silently turns a check off. ``low-confidence``
is made by the retranslation step, which ``--no-retranslate`` turns off.
"""

from __future__ import annotations

from typing import Any

MODEL_MADE = "low-confidence"  # reported by retranslation (--retranslate), whatever --select says


class SelectionError(Exception):
    """A bad --select/--ignore value; one line for the user."""


def parse_ids(value: str | None, option: str) -> list[str]:
    from pipeline.checks.catalog import catalog, unknown_ids

    if value is None:
        return []
    ids = [part.strip() for part in value.split(",") if part.strip()]
    if not ids:
        raise SelectionError(f"{option}: give check ids, comma-separated (see `tqa checks`)")
    if option == "--ignore" and value.endswith(".json"):
        raise SelectionError("--ignore takes check ids now (CHECK,...); give the ignore list with --ignore-list FILE")
    if bad := unknown_ids(ids):
        raise SelectionError(f"{option} {bad[0]}: no such check; known: {', '.join(catalog())}")
    if option == "--ignore" and MODEL_MADE in ids:  # not a check that runs: say how to turn it off
        raise SelectionError(
            f"--ignore {MODEL_MADE}: made by the retranslation step, not a check that runs; turn it off with --no-retranslate"
        )
    return ids


def select_checks(checks: dict[str, dict[str, Any]], select: str | None, skip: str | None) -> dict[str, dict[str, Any]]:
    """The per-check settings with ``enabled`` set from ``--select`` / ``--ignore``."""
    from pipeline.checks import known_checks

    chosen, dropped = parse_ids(select, "--select"), set(parse_ids(skip, "--ignore"))
    if not chosen and not dropped:
        return checks
    out = {k: dict(v) for k, v in checks.items()}
    for check_id in known_checks():
        on = (not chosen or check_id in chosen) and check_id not in dropped
        if chosen or not on:
            out.setdefault(check_id, {})["enabled"] = on
    return out
