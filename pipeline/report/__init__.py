"""Reports: what a person (or the next tool) reads after a run.

Per article, from an ``ArticleResult`` alone: ``{stem}.cleaned.txt``, ``{stem}.findings.json``,
``{stem}.diff`` and ``{stem}.html`` (the review page). Per batch: ``summary.json``,
``summary.jsonl``, ``summary.csv``, ``summary.md``, ``index.html`` and ``retranslations.tmx``
(see ``summary``). Every file is written atomically, so an interrupted
run never leaves a half-written report behind.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING, Any

from pipeline.util.atomic import write_atomic

if TYPE_CHECKING:
    from pipeline.core.result import ArticleResult
    from pipeline.report.diff import word_diff
    from pipeline.report.summary import error_row, summary_row, summary_table, write_summary

# Imported on first use: `tqa check` reaches this package for one JSON helper, and the
# HTML pages (jinja2, ~0.2 s) are only for `tqa run`.
_LAZY = {
    "word_diff": ".diff",
    "error_row": ".summary",
    "summary_row": ".summary",
    "summary_table": ".summary",
    "write_summary": ".summary",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "REPORT_KINDS",
    "error_row",
    "parse_reports",
    "summary_row",
    "summary_table",
    "word_diff",
    "write_article_reports",
    "write_summary",
]


def _check_stem(stem: str) -> None:
    # The stem names files inside out_dir; it may hold sub-folders but must not leave out_dir.
    parts = PurePosixPath(stem.replace("\\", "/")).parts
    if not stem or PureWindowsPath(stem).is_absolute() or stem.startswith("/") or ".." in parts:
        raise ValueError(f"write_article_reports: stem must be a relative name inside the output folder, got {stem!r}")


# --reports: what is written per article (txt = the cleaned text), plus the batch's findings export
ARTICLE_REPORTS = ("txt", "json", "diff", "html")
REPORT_KINDS = (*ARTICLE_REPORTS, "export")


def parse_reports(value: str) -> frozenset[str]:
    """``html,json`` -> the kinds; ``ValueError`` naming the allowed ones."""
    kinds = {part.strip() for part in value.split(",") if part.strip()}
    if not kinds or (bad := sorted(kinds - set(REPORT_KINDS))):
        shown = f"unknown report {bad[0]!r}; " if kinds else ""
        raise ValueError(f"--reports: {shown}choose from {','.join(REPORT_KINDS)} (comma-separated)")
    return frozenset(kinds)


def write_article_reports(
    result: ArticleResult, out_dir: Path, stem: str, kinds: frozenset[str] | None = None, durable: bool = True
) -> dict[str, Path]:
    """Write the per-article reports ``kinds`` asks for (default: all four) into ``out_dir``;
    return them by kind.

    The caller picks ``stem`` and guarantees it is unique within ``out_dir``. Output is
    deterministic: the same result gives the same bytes. ``durable=False``: no fsync per
    file (see ``atomic.write_atomic``); the batch syncs once per chunk.
    """
    from pipeline.report.diff import display_edits
    from pipeline.report.html import article_html
    from pipeline.report.json_report import findings_json
    from pipeline.report.unified import unified_diff

    _check_stem(stem)
    out_dir = Path(out_dir)
    doc = result.doc
    name = doc.name if doc.path else f"{stem}.txt"
    wanted = set(ARTICLE_REPORTS) if kinds is None else kinds
    edits, _ = display_edits(doc.text, result.cleaned, result.applied) if "diff" in wanted else ([], True)
    writers = {
        # Same encoding, BOM and newlines as the input (unless --output-encoding), so it can replace it.
        "cleaned": ("txt", f"{stem}.cleaned.txt", lambda: doc.encode(result.cleaned, result.output_encoding)),
        "findings": ("json", f"{stem}.findings.json", lambda: findings_json(result)),
        "diff": ("diff", f"{stem}.diff", lambda: unified_diff(doc.text, result.cleaned, name, edits=edits)),
        "html": ("html", f"{stem}.html", lambda: article_html(result, stem)),
    }
    return {
        key: write_atomic(out_dir / file, make(), durable=durable)
        for key, (kind, file, make) in writers.items()
        if kind in wanted
    }
