"""``summary.md``: the batch in a few lines of Markdown, for a pull request or a ticket.

Article names are untrusted: Markdown would render their ``*``, ``|``, ``[`` or raw HTML,
so every name is escaped, and links go through URL quoting.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import regex

from .. import __version__

_SPECIAL = regex.compile(r"([\\`*_\[\]|~<>&])")  # what acts inside a line (a table cell, link text)
TOP = 50  # articles listed, worst MQM after repair first


def md_escape(text: str) -> str:
    """Text that Markdown shows as typed: specials backslash-escaped, lines joined."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _num(value: Any) -> str:
    return "–" if value is None or value == "" else f"{value:g}" if isinstance(value, float) else str(value)


def summary_markdown(rows: list[dict[str, Any]], totals: dict[str, Any], checks: dict[str, int]) -> str:
    ok = [r for r in rows if r.get("status") == "ok"]
    failed = [r for r in rows if r.get("status") != "ok"]
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
            articles = sum(1 for r in ok if r.get(f"n_{check}"))
            out.append(f"| `{check}` | {n} | {articles} |")
        out.append("")
    if ok:
        worst = sorted(ok, key=lambda r: (-(r.get("mqm_after") or 0), str(r.get("stem"))))[:TOP]
        title = "## Articles" if len(ok) <= TOP else f"## The {TOP} articles with the highest MQM after repair"
        out += [title, "", "| article | findings | MQM before → after | applied | not retranslated |", "|---|--:|--:|--:|--:|"]
        for r in worst:
            link = f"[{md_escape(r.get('input') or r.get('stem'))}]({quote(str(r.get('stem')) + '.html')})"
            out.append(
                f"| {link} | {_num(r.get('findings_before'))} → {_num(r.get('findings_after'))} | "
                f"{_num(r.get('mqm_before'))} → {_num(r.get('mqm_after'))} | {_num(r.get('applied'))} | {_num(r.get('skipped'))} |"
            )
        out.append("")
    if failed:
        out += ["## Failed", ""]
        out += [f"- {md_escape(r.get('input') or r.get('stem') or '')}: {md_escape(r.get('error') or 'failed')}" for r in failed]
        out.append("")
    return "\n".join(out)
