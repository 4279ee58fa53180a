"""The batch summary: one row per article, as JSON, JSONL, CSV, Markdown and an HTML index.

A row is a small flat dict built from an ``ArticleResult`` by ``summary_row``; the batch
runner keeps rows, not results, so ten thousand articles fit in memory. The retranslated
passages go to a TMX file, read back from the articles' findings JSON.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..atomic import write_atomic
from ..result import ArticleResult
from ..score import QualityScore
from .html import index_html
from .json_report import dumps, jsonable
from .markdown import summary_markdown
from .tmx import TranslationMemory

if TYPE_CHECKING:
    from rich.table import Table

SCHEMA = "tqa-summary/1"
SEVERITIES = ("minor", "major", "critical")
# Fixed columns, in order; per-check counts ``n_<check>`` follow, sorted by check id.
COLUMNS = (
    "input", "stem", "status", "error", "words",
    "findings_before", *(f"{s}_before" for s in SEVERITIES),
    "findings_after", *(f"{s}_after" for s in SEVERITIES),
    "mqm_before", "mqm_after", "applied", "suggestions", "skipped",
    "bleu_before", "bleu_after", "chrf_before", "chrf_after", "ter_before", "ter_after",
)  # fmt: skip
REFERENCE = (("bleu", "BLEU"), ("chrf", "chrF"), ("ter", "TER"))


def _severity_counts(q: QualityScore, when: str) -> dict[str, int]:
    return {f"{s}_{when}": q.severities.get(s, 0) for s in SEVERITIES}


def _reference_score(result: ArticleResult, prefix: str, when: str = "after") -> float | None:
    scores = (result.scores.reference or {}).get(when) or {}
    # sacrebleu names chrF after its beta ("chrF2"), so match on the prefix.
    for name, value in scores.items():
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
        **{f"{key}_{when}": _reference_score(result, prefix, when) for key, prefix in REFERENCE for when in ("before", "after")},
    }
    row.update({f"n_{check}": n for check, n in sorted(before.counts.items())})
    # passages left in another language, per language (lang_zh, lang_ja, ...)
    langs = Counter(str(f.evidence.get("language")) for f in result.findings if f.check == "untranslated" and f.evidence.get("language"))
    row.update({f"lang_{lang}": n for lang, n in sorted(langs.items())})
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
            "languages": {k[5:]: sum(r.get(k) or 0 for r in ok) for k in sorted({k for r in ok for k in r if k.startswith("lang_")})},
        },
        "articles": rows,
    }


def summary_jsonl(rows: list[dict[str, Any]]) -> str:
    """One JSON object per line, one line per article, in the order of ``rows``."""
    return "".join(json.dumps(row, ensure_ascii=False, default=jsonable) + "\n" for row in rows)


def check_totals(rows: list[dict[str, Any]]) -> dict[str, int]:
    """Findings per check (before repair) across the articles that were processed."""
    ok = [r for r in rows if r.get("status") == "ok"]
    return {c[2:]: sum(r.get(c) or 0 for r in ok) for c in check_columns(rows)}


def write_summary(rows: list[dict[str, Any]], out_dir: Path, reports: frozenset[str] | None = None) -> dict[str, Path]:
    """Write ``summary.json``, ``.jsonl``, ``.csv``, ``.md``, ``index.html`` and ``retranslations.tmx``.

    The TMX is read back from the articles' findings JSON in ``out_dir`` (see ``tmx``).
    """
    out_dir = Path(out_dir)
    checks = check_columns(rows)
    payload = summary_payload(rows)
    paths = {
        "json": write_atomic(out_dir / "summary.json", dumps(payload)),
        "jsonl": write_atomic(out_dir / "summary.jsonl", summary_jsonl(rows)),
        "csv": write_atomic(out_dir / "summary.csv", summary_csv(rows)),
        "markdown": write_atomic(out_dir / "summary.md", summary_markdown(rows, payload["totals"], check_totals(rows))),
        "index": write_atomic(out_dir / "index.html", index_html(_filled(rows, checks), [c[2:] for c in checks], check_totals(rows), reports)),
    }
    stems = [str(r["stem"]) for r in rows if r.get("status") == "ok" and r.get("stem")]
    paths["tmx"] = TranslationMemory.from_reports(out_dir, stems).write(out_dir / "retranslations.tmx")
    return paths


def _number(value: Any) -> str:
    return "" if value is None or value == "" else f"{value:g}" if isinstance(value, float) else str(value)


def summary_table(rows: list[dict[str, Any]], limit: int = 20) -> Table:
    """The batch at a glance for the terminal: totals in the footer over every article, and
    one line per article for at most ``limit`` of them (failures first, then the worst MQM).

    Cells are ``Text``, never markup: an article named ``[red]x`` prints as typed.
    """
    from rich.table import Table
    from rich.text import Text

    ok = [r for r in rows if r.get("status") == "ok"]
    reference = any(r.get("chrf_after") is not None for r in ok)

    def total(key: str) -> str:
        return _number(sum(r.get(key) or 0 for r in ok))

    table = Table(title="tqa summary", title_justify="left", show_footer=len(rows) > 1)
    table.add_column("article", footer=Text(f"{len(ok)} of {len(rows)} ok"), overflow="fold")
    table.add_column("words", justify="right", footer=total("words"))
    table.add_column("findings", justify="right", footer=f"{total('findings_before')} → {total('findings_after')}")
    table.add_column("MQM", justify="right")
    table.add_column("applied", justify="right", footer=total("applied"))
    table.add_column("suggested", justify="right", footer=total("suggestions"))
    table.add_column("skipped", justify="right", footer=total("skipped"))
    if reference:
        table.add_column("chrF", justify="right")
    shown = rows
    if len(rows) > limit:
        shown = sorted(rows, key=lambda r: (r.get("status") == "ok", -(r.get("mqm_after") or 0)))[:limit]
        table.caption = f"{limit} of {len(rows)} articles shown: failures first, then the highest MQM after; all in summary.csv"
    for r in shown:
        name = Text(str(r.get("input") or r.get("stem") or ""))
        if r.get("status") != "ok":
            name.append(f" — error: {r.get('error') or 'failed'}")
            table.add_row(name, *[""] * (len(table.columns) - 1), style="red")
            continue
        cells = [
            name,
            _number(r.get("words")),
            f"{_number(r.get('findings_before'))} → {_number(r.get('findings_after'))}",
            f"{_number(r.get('mqm_before'))} → {_number(r.get('mqm_after'))}",
            _number(r.get("applied")),
            _number(r.get("suggestions")),
            _number(r.get("skipped")),
        ]
        if reference:
            cells.append(f"{_number(r.get('chrf_before'))} → {_number(r.get('chrf_after'))}")
        table.add_row(*cells)
    return table
