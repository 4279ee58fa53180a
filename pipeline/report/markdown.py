"""``summary.md``: the batch in a few lines of Markdown, for a pull request or a ticket.

Article names are untrusted: Markdown would render their ``*``, ``|``, ``[`` or raw HTML,
so every name is escaped, and links go through URL quoting.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import quote

import regex

from pipeline import __version__

_SPECIAL = regex.compile(r"([\\`*_\[\]|~<>&])")  # what acts inside a line (a table cell, link text)
TOP = 50  # articles listed, worst MQM after repair first


def md_escape(text: str) -> str:
    """Text that Markdown shows as typed: specials backslash-escaped, lines joined."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _num(value: Any) -> str:
    return "–" if value is None or value == "" else f"{value:g}" if isinstance(value, float) else str(value)


def summary_markdown(rows: Iterable[dict[str, Any]], totals: dict[str, Any], checks: dict[str, int]) -> str:
    """``rows``: a list or a ``RowSpool``, read in one pass (only the worst ``TOP`` are kept)."""
    failed: list[dict[str, Any]] = []
    articles: Counter[str] = Counter()  # per check, the articles with a finding of it
    n_ok = [0]

    def ok_rows() -> Iterator[dict[str, Any]]:
        for r in rows:
            if r.get("status") != "ok":
                failed.append(r)
                continue
            n_ok[0] += 1
            articles.update(c for c in checks if r.get(f"n_{c}"))
            yield r

    # sorted(...)[:TOP] without the list (heapq.nsmallest is documented to be that)
    worst = heapq.nsmallest(TOP, ok_rows(), key=lambda r: (-(r.get("mqm_after") or 0), str(r.get("stem"))))
    out = [
        "# tqa summary",
        "",
        f"{totals['articles']} article(s): {totals['ok']} processed, {totals['error']} failed · "
        f"{totals['words']} words · findings {totals['findings_before']} → {totals['findings_after']} · "
        f"{totals['applied']} change(s) applied · {totals['skipped']} passage(s) not retranslated · tqa {__version__}",
        "",
        "Open `index.html` for the review pages; the MQM-style penalty is severity-weighted findings per 1,000 words (lower is better).",
        "",
    ]
    if checks:
        out += ["## Findings per check", "", "| check | findings | articles |", "|---|--:|--:|"]
        for check, n in sorted(checks.items(), key=lambda kv: (-kv[1], kv[0])):
            out.append(f"| `{check}` | {n} | {articles[check]} |")
        out.append("")
    if n_ok[0]:
        title = "## Articles" if n_ok[0] <= TOP else f"## The {TOP} articles with the highest MQM after repair"
        out += [
            title,
            "",
            "| article | findings | MQM before → after | applied | not retranslated |",
            "|---|--:|--:|--:|--:|",
        ]
        for r in worst:
            name = md_escape(r.get("input") or r.get("stem"))
            link = (
                f"[{name}]({quote(str(r.get('stem')) + '.html')})" if r.get("stem") else name
            )  # no stem: no report written
            out.append(
                f"| {link} | {_num(r.get('findings_before'))} → {_num(r.get('findings_after'))} | "
                f"{_num(r.get('mqm_before'))} → {_num(r.get('mqm_after'))} | {_num(r.get('applied'))} | {_num(r.get('skipped'))} |"
            )
        out.append("")
    if failed:
        out += ["## Failed", ""]
        out += [
            f"- {md_escape(r.get('input') or r.get('stem') or '')}: {md_escape(r.get('error') or 'failed')}"
            for r in failed
        ]
        out.append("")
    return "\n".join(out)
