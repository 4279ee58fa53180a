"""Reports: what a person (or the next tool) reads after a run.

Per article, from an ``ArticleResult`` alone: ``{stem}.cleaned.txt``, ``{stem}.findings.json``,
``{stem}.diff`` and ``{stem}.html`` (the review page). Per batch: ``summary.json``,
``summary.jsonl``, ``summary.csv``, ``summary.md``, ``index.html`` and ``retranslations.tmx``
(see ``summary``). Every file is written atomically, so an interrupted
run never leaves a half-written report behind.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath

from ..atomic import write_atomic
from ..result import ArticleResult
from .diff import display_edits, unified_diff, word_diff
from .html import article_html
from .json_report import findings_json
from .summary import error_row, summary_row, summary_table, write_summary

__all__ = [
    "error_row",
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


def write_article_reports(result: ArticleResult, out_dir: Path, stem: str, durable: bool = True) -> dict[str, Path]:
    """Write the four per-article reports into ``out_dir``; return them by kind.

    The caller picks ``stem`` and guarantees it is unique within ``out_dir``. Output is
    deterministic: the same result gives the same bytes. ``durable=False``: no fsync per
    file (see ``atomic.write_atomic``); the batch syncs once per chunk.
    """
    _check_stem(stem)
    out_dir = Path(out_dir)
    doc = result.doc
    name = doc.name if doc.path else f"{stem}.txt"
    edits, _ = display_edits(doc.text, result.cleaned, result.applied)
    return {
        # Same encoding, BOM and newlines as the input (unless --output-encoding), so it can replace it.
        "cleaned": write_atomic(out_dir / f"{stem}.cleaned.txt", doc.encode(result.cleaned, result.output_encoding), durable=durable),
        "findings": write_atomic(out_dir / f"{stem}.findings.json", findings_json(result), durable=durable),
        "diff": write_atomic(out_dir / f"{stem}.diff", unified_diff(doc.text, result.cleaned, name, edits=edits), durable=durable),
        "html": write_atomic(out_dir / f"{stem}.html", article_html(result, stem), durable=durable),
    }
