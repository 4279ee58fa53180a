"""The batch summary: one row per article, as JSON, JSONL, CSV, Markdown and an HTML index.

A row is a small flat dict built from an ``ArticleResult`` by ``summary_row``; the batch
runner keeps rows, not results, and spools them to disk (``rowspool``), so the files here
are written from rows read back one at a time: memory is flat in the batch size. The retranslated
passages go to a TMX file, read back from the articles' findings JSON.
"""

from __future__ import annotations

import csv
import heapq
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sized
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol

from pipeline.core.result import ArticleResult
from pipeline.core.scores import QualityScore
from pipeline.report.columns import COLUMNS, RATE, SCORE, SEVERITIES, display_row
from pipeline.report.index_page import write_index
from pipeline.report.json_report import dumps, jsonable
from pipeline.report.markdown import summary_markdown
from pipeline.report.tmx import TranslationMemory
from pipeline.util.atomic import atomic_writer, write_atomic

if TYPE_CHECKING:
    from rich.table import Table


class Rows(Iterable[dict[str, Any]], Sized, Protocol):
    """Summary rows that can be read more than once: a list, or a ``RowSpool``."""


SCHEMA = "tqa-summary/1"
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


def summary_row(result: ArticleResult, stem: str, file: str | None = None, record: str = "") -> dict[str, Any]:
    """The summary row of one processed article; ``n_<check>`` counts findings before repair,
    ``per1000w_<check>`` and ``score_<check>`` are that check's figures (``check_scores``).
    ``file``: the file it was read from (default: its input name); ``record``: its id in a
    corpus (a PO message, an XLIFF unit), empty for a text file."""
    before, after = result.scores.before, result.scores.after
    name = result.doc.path or result.doc.name
    row: dict[str, Any] = {
        "input": name,
        "file": name if file is None else file,
        "record": record,
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
        **{
            f"{key}_{when}": _reference_score(result, prefix, when)
            for key, prefix in REFERENCE
            for when in ("before", "after")
        },
    }
    row.update({f"n_{check}": n for check, n in sorted(before.counts.items())})
    # each check's figures before repair: findings per 1,000 words and its score (tqa stats)
    row.update({f"{RATE}{check}": figures["per_1000w"] for check, figures in before.checks.items()})
    row.update({f"{SCORE}{check}": figures["score"] for check, figures in before.checks.items()})
    # passages left in another language, per language (lang_zh, lang_ja, ...)
    langs = Counter(
        str(f.evidence.get("language"))
        for f in result.findings
        if f.check == "untranslated" and f.evidence.get("language")
    )
    row.update({f"lang_{lang}": n for lang, n in sorted(langs.items())})
    return row


def error_row(input_path: str, stem: str, error: str, file: str | None = None, record: str = "") -> dict[str, Any]:
    """The row of an article that could not be processed (unreadable, crashed)."""
    row: dict[str, Any] = dict.fromkeys(COLUMNS)
    row.update(input=input_path, file=input_path if file is None else file, record=record)
    row.update(stem=stem, status="error", error=error)
    return row


def check_columns(rows: Iterable[dict[str, Any]]) -> list[str]:
    return sorted({key for row in rows for key in row if key.startswith("n_")})


def _write_csv(handle: IO[str], rows: Rows) -> None:
    keys = {k for row in rows for k in row}
    checks = sorted(k for k in keys if k.startswith("n_"))
    rates = sorted(k for k in keys if k.startswith(RATE))
    scores = sorted(k for k in keys if k.startswith(SCORE))
    extra = sorted(keys - set(COLUMNS) - {*checks, *rates, *scores})  # keep unknown keys, at the end
    writer = csv.DictWriter(handle, fieldnames=[*COLUMNS, *checks, *rates, *scores, *extra], restval="")
    writer.writeheader()
    for row in rows:
        writer.writerow(display_row(row, [*checks, *rates]))


def summary_totals(rows: Rows) -> dict[str, Any]:
    """The ``totals`` of ``summary.json``, in one pass over the rows."""
    keys = ("words", "findings_before", "findings_after", "applied", "skipped")
    sums, languages, n, ok = dict.fromkeys(keys, 0), Counter[str](), 0, 0
    for r in rows:
        n += 1
        if r.get("status") != "ok":
            continue
        ok += 1
        for key in keys:
            sums[key] += r.get(key) or 0
        languages.update({k[5:]: r.get(k) or 0 for k in r if k.startswith("lang_")})
    return {"articles": n, "ok": ok, "error": n - ok, **sums, "languages": {k: languages[k] for k in sorted(languages)}}


def _write_json(handle: IO[str], totals: dict[str, Any], rows: Rows) -> None:
    """``dumps({"schema", "totals", "articles": rows})``, written row by row (each row is
    indented as the encoder indents it inside the payload)."""
    if not len(rows):
        handle.write(dumps({"schema": SCHEMA, "totals": totals, "articles": []}))
        return
    head = dumps({"schema": SCHEMA, "totals": totals, "articles": [0]})
    handle.write(head[: head.rindex("\n    0\n") + 1])
    for i, row in enumerate(rows):
        text = json.dumps(row, ensure_ascii=False, indent=2, default=jsonable)
        handle.write(("" if i == 0 else ",\n") + "    " + text.replace("\n", "\n    "))
    handle.write("\n  ]\n}\n")


def _jsonl_lines(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """One JSON object per line, one line per article, in the order of ``rows``."""
    return (json.dumps(row, ensure_ascii=False, default=jsonable) + "\n" for row in rows)


def check_totals(rows: Rows) -> dict[str, int]:
    """Findings per check (before repair) across the articles that were processed."""
    sums: Counter[str] = Counter()
    checks = set()
    for r in rows:
        columns = [k for k in r if k.startswith("n_")]
        checks.update(columns)
        if r.get("status") == "ok":
            sums.update({c: r.get(c) or 0 for c in columns})
    return {c[2:]: sums[c] for c in sorted(checks)}


class SummaryNotWritten(Exception):
    """Some batch files could not be written (a full disk, a folder squatting on a name);
    every other one was. ``failures``: (path, reason), one per file."""

    def __init__(self, failures: list[tuple[Path, str]], paths: dict[str, Path]) -> None:
        super().__init__("; ".join(f"{path}: {reason}" for path, reason in failures))
        self.failures, self.paths = failures, paths


def write_summary(rows: Rows, out_dir: Path, reports: frozenset[str] | None = None) -> dict[str, Path]:
    """Write ``summary.json``, ``.jsonl``, ``.csv``, ``.md``, ``index.html`` and ``retranslations.tmx``.

    ``rows`` is a list or a ``RowSpool``: each file is written as the rows are read, so a
    spool of any length never sits in memory whole. The TMX is read back from the
    articles' findings JSON in ``out_dir`` (see ``tmx``). A file that cannot be written does
    not stop the others: ``SummaryNotWritten`` names each one that failed, after the rest.
    """
    out_dir = Path(out_dir)
    checks = check_columns(rows)
    totals, per_check = summary_totals(rows), check_totals(rows)

    def streamed(write: Callable[[IO[str]], None]) -> Callable[[Path], Path]:
        def to(path: Path) -> Path:
            with atomic_writer(path) as handle:
                write(handle)
            return path

        return to

    def tmx(path: Path) -> Path:
        # read as the reports are: a list of every stem grew with the batch
        stems = (str(r["stem"]) for r in rows if r.get("status") == "ok" and r.get("stem"))
        return TranslationMemory.from_reports(out_dir, stems).write(path)

    writers: dict[str, tuple[str, Callable[[Path], Path]]] = {
        "json": ("summary.json", streamed(lambda h: _write_json(h, totals, rows))),
        "jsonl": ("summary.jsonl", streamed(lambda h: h.writelines(_jsonl_lines(rows)))),
        "csv": ("summary.csv", streamed(lambda h: _write_csv(h, rows))),
        "markdown": ("summary.md", lambda path: write_atomic(path, summary_markdown(rows, totals, per_check))),
        "index": ("index.html", streamed(lambda h: write_index(h, rows, [c[2:] for c in checks], per_check, reports))),
        "tmx": ("retranslations.tmx", tmx),
    }
    paths: dict[str, Path] = {}
    failures: list[tuple[Path, str]] = []
    for key, (name, write) in writers.items():
        try:
            paths[key] = write(out_dir / name)
        except (OSError, UnicodeError) as err:
            failures.append((out_dir / name, _reason(err)))
    if failures:
        raise SummaryNotWritten(failures, paths)
    return paths


def _reason(err: Exception) -> str:
    return getattr(err, "strerror", None) or str(err)


def _number(value: Any) -> str:
    return "" if value is None or value == "" else f"{value:g}" if isinstance(value, float) else str(value)


def summary_table(rows: Rows, limit: int = 20, text: Callable[[str], str] = str) -> Table:
    """The batch at a glance for the terminal: totals in the footer over every article, and
    one line per article for at most ``limit`` of them (failures first, then the worst MQM).

    Cells are ``Text``, never markup: an article named ``[red]x`` prints as typed; ``text``
    makes a row's strings printable. ``rows``: a list or a ``RowSpool``, read twice.
    """
    from rich.table import Table
    from rich.text import Text

    keys = ("words", "findings_before", "findings_after", "applied", "suggestions", "skipped")
    sums, n_ok, reference = dict.fromkeys(keys, 0), 0, False
    for r in rows:
        if r.get("status") == "ok":
            n_ok += 1
            reference = reference or r.get("chrf_after") is not None
            for key in keys:
                sums[key] += r.get(key) or 0

    def total(key: str) -> str:
        return _number(sums[key])

    table = Table(title="tqa summary", title_justify="left", show_footer=len(rows) > 1)
    table.add_column("article", footer=Text(f"{n_ok} of {len(rows)} ok"), overflow="fold")
    table.add_column("words", justify="right", footer=total("words"))
    table.add_column("findings", justify="right", footer=f"{total('findings_before')} → {total('findings_after')}")
    table.add_column("MQM", justify="right")
    table.add_column("applied", justify="right", footer=total("applied"))
    table.add_column("suggested", justify="right", footer=total("suggestions"))
    table.add_column("skipped", justify="right", footer=total("skipped"))
    if reference:
        table.add_column("chrF", justify="right")
    shown: Iterable[dict[str, Any]] = rows
    if len(rows) > limit:  # sorted(...)[:limit], without the list
        shown = heapq.nsmallest(limit, rows, key=lambda r: (r.get("status") == "ok", -(r.get("mqm_after") or 0)))
        table.caption = (
            f"{limit} of {len(rows)} articles shown: failures first, then the highest MQM after; all in summary.csv"
        )
    for r in shown:
        r = {k: text(v) if isinstance(v, str) else v for k, v in r.items()}
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


def plain_summary(table: Any) -> str:
    """``summary_table`` as plain lines for a log or a pipe: one per article, its whole name
    first, never folded or cut as a table is at a terminal's width."""
    columns = table.columns
    out = [str(table.title)]
    for i in range(table.row_count):
        name, *cells = (str(c._cells[i]) for c in columns)
        pairs = ", ".join(f"{c.header} {v}" for c, v in zip(columns[1:], cells) if v)
        out.append(f"{name}: {pairs}" if pairs else name)
    if table.show_footer:
        pairs = ", ".join(f"{c.header} {c.footer}" for c in columns[1:] if str(c.footer or ""))
        out.append(f"total: {columns[0].footer}: {pairs}")
    if table.caption:
        out.append(str(table.caption))
    return "\n".join(out) + "\n"
