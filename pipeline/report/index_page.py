"""The batch index (``index.html``): failures on top, then the worst articles, a filter box,
totals, a chart of findings per check, and links to each article's reports."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO, Any

from pipeline import __version__
from pipeline.report.columns import display_row
from pipeline.report.html import INDEX_TOTALS, MODEL_HINT, environment


def chart_view(totals: dict[str, int], width: int = 300) -> dict[str, Any]:
    """Bars of findings per check, most frequent first, scaled to ``width`` pixels."""
    top = max(totals.values(), default=0) or 1
    bars = [
        {"check": check, "n": n, "width": round(width * n / top, 1), "y": 6 + 24 * i}
        for i, (check, n) in enumerate(sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])))
    ]
    label = max((len(b["check"]) for b in bars), default=0) * 7.5 + 12
    return {"bars": bars, "label": label, "width": label + width + 50, "height": 12 + 24 * len(bars), "bar": width}


def _worst_key(row: dict[str, Any]) -> tuple[bool, float, float]:
    """What needs a reviewer most first: failures, then the highest MQM penalty after repair, then before."""
    number = lambda v: v if isinstance(v, (int, float)) else 0.0  # noqa: E731
    return row.get("status") == "ok", -number(row.get("mqm_after")), -number(row.get("mqm_before"))


def _index_context(
    rows: Iterable[dict[str, Any]],
    ordered: Iterable[dict[str, Any]],
    checks: list[str],
    totals: dict[str, int] | None,
    reports: frozenset[str] | None,
) -> dict[str, Any]:
    """What the index template lays out, from one pass over the display rows; ``ordered``
    (the same rows, worst first) is read once, while the page is written."""
    reference, n_rows, n_ok, hit, failed = False, 0, 0, 0, []
    sums = dict.fromkeys((*INDEX_TOTALS, *(f"n_{c}" for c in checks)), 0)
    for r in rows:
        n_rows += 1
        reference = reference or any(r.get(key) not in (None, "") for key in ("bleu_after", "chrf_after", "ter_after"))
        if r.get("status") != "ok":
            failed.append(r)
            continue
        n_ok += 1
        hit += bool(r.get("skipped"))
        for key in sums:
            sums[key] += r.get(key) or 0
    kinds = set(reports) if reports is not None else {"txt", "json", "diff", "html"}
    banners = []
    if sums["skipped"]:  # from the rows alone, so a resumed batch writes the same page
        banners.append(
            f"Retranslation skipped: {sums['skipped']} passage(s) in {hit} article(s) were not retranslated "
            f"(no translation model, or the output guard rejected its output); each article's page says why. {MODEL_HINT}"
        )
    return dict(
        rows=ordered,
        n_rows=n_rows,
        n_ok=n_ok,
        checks=checks,
        chart=chart_view(totals or {}),
        reference=reference,
        version=__version__,
        sums=sums,
        kinds=kinds,
        failed=failed,
        banners=banners,
    )


def write_index(
    handle: IO[str],
    rows: Any,
    checks: list[str],
    totals: dict[str, int] | None = None,
    reports: frozenset[str] | None = None,
) -> None:
    """The batch index: failures with their error on top, then the worst articles (failures,
    then the highest MQM penalty after repair, then before; the terminal table orders the
    same way); a filter box, a totals row, links to each article's page, cleaned text, JSON
    and diff (those written). ``rows``: summary rows, a list or a ``RowSpool``; the page is
    written as it is rendered."""
    from pipeline.report.rowspool import in_order

    columns = [f"n_{c}" for c in checks]

    class Filled:  # the display rows, made again on each pass
        def __iter__(self) -> Iterator[dict[str, Any]]:
            return (display_row(row, columns) for row in rows)

    ordered = (display_row(row, columns) for row in in_order(rows, _worst_key))
    handle.writelines(
        environment()
        .get_template("index.html.j2")
        .generate(**_index_context(Filled(), ordered, checks, totals, reports))
    )
