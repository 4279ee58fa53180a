"""The HTML pages: one side-by-side review page per article, and the batch index.

Python builds a plain view model (rows of text pieces, tables of numbers); the Jinja
templates in ``templates/`` only lay it out. Article text is untrusted, so the
environment autoescapes everything, and bidi controls are shown as visible marks: an
article cannot run script, inject markup, or reorder what the reviewer reads. The review
page's script (``templates/review.js``) reads the changes from a JSON script element whose
``<``, ``>`` and ``&`` are escaped, and only ever sets text and classes.
"""

from __future__ import annotations

import functools
import json
import unicodedata
from pathlib import Path
from typing import Any
from urllib.parse import quote

import regex
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from pipeline import __version__
from pipeline.core.edits import Edit
from pipeline.core.fingerprints import finding_ids
from pipeline.core.result import ArticleResult
from pipeline.core.scores import QualityScore
from pipeline.report.changes import APPLIED, Change, review_changes, text_sha256
from pipeline.report.diff import align_paragraphs, display_edits
from pipeline.report.json_report import SCHEMA, jsonable, located
from pipeline.report.marks import FINDING, finding_id, mark_rows, sentence_of, uncovered
from pipeline.report.rows import build_rows, signed

TEMPLATES = Path(__file__).parent / "templates"
# Invisible characters that change how text reads (bidi overrides, zero-width, BOM).
_INVISIBLE = regex.compile(r"[\u061c\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_EXCERPT = 120
MODEL_HINT = "Get the translation model with `tqa models pull`, or point `--model DIR` at a local copy."
_CODE = regex.compile(r"`([^`\n]+)`")


def visible(text: str) -> Markup:
    """Escape ``text`` and show invisible controls as small labelled marks."""

    def mark(m: regex.Match[str]) -> str:
        char = m.group()
        name = unicodedata.name(char, "FORMAT CHARACTER")
        return f'<span class="cc" title="{name}">U+{ord(char):04X}</span>'

    return Markup(_INVISIBLE.sub(mark, str(escape(text))))


def codes(text: str) -> Markup:
    """``visible``, with `command` spans (as messages write them) shown as code, not backticks."""
    parts = _CODE.split(str(text))
    return Markup("").join(
        visible(p) if i % 2 == 0 else Markup("<code>%s</code>") % visible(p) for i, p in enumerate(parts)
    )


def plain(text: str) -> str:
    """For attributes (tooltips), where marks cannot go: invisible controls as ``[U+202E]``."""
    return _INVISIBLE.sub(lambda m: f"[U+{ord(m.group()):04X}]", str(text))


@functools.lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,  # a typo in a template fails the tests, not silently
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["visible"] = visible
    env.filters["plain"] = plain
    env.filters["codes"] = codes
    env.filters["url"] = lambda path: quote(str(path))
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def excerpt(text: str, limit: int = _EXCERPT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _display_edits(result: ArticleResult) -> tuple[list[Edit], bool]:
    """The applied edits, or, if they do not explain the cleaned text, edits read off a diff."""
    return display_edits(result.doc.text, result.cleaned, result.applied)


def _scores_view(result: ArticleResult) -> dict[str, Any]:
    before, after = result.scores.before, result.scores.after

    def severities(q: QualityScore) -> dict[str, int]:
        return {s: q.severities.get(s, 0) for s in ("minor", "major", "critical")}

    quality = [
        ("words", before.words, after.words),
        ("MQM-style penalty (per 1,000 words; lower is better)", before.penalty, after.penalty),
        ("findings", sum(before.counts.values()), sum(after.counts.values())),
        *((s, severities(before)[s], severities(after)[s]) for s in ("minor", "major", "critical")),
    ]
    checks = sorted(set(before.counts) | set(after.counts))
    reference = []
    ref = result.scores.reference or {}
    for name, value in (ref.get("after") or {}).items():
        if isinstance(value, dict) and "score" in value:
            was = (ref.get("before") or {}).get(name) or {}
            reference.append(
                {
                    "metric": name,
                    "before": was.get("score"),
                    "after": value["score"],
                    "signature": value.get("signature", ""),
                }
            )
    return {
        "quality": quality,
        "checks": [(c, before.counts.get(c, 0), after.counts.get(c, 0)) for c in checks],
        "reference": reference,
        "reference_segments": (ref.get("after") or {}).get("aligned_by"),
        "signature": result.scores.signature,
    }


def _settings_view(settings: dict[str, Any]) -> list[tuple[str, str]]:
    rows = [("tqa", __version__)] if "tqa" not in settings else []
    for key, value in settings.items():
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=jsonable)
        rows.append((str(key), text))
    return rows


def json_for_script(payload: Any) -> Markup:
    """JSON to embed in ``<script type="application/json">``: no ``</script>``, no comment or entity tricks."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=jsonable)
    for char, code in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, code)
    return Markup(text)


def review_data(
    result: ArticleResult, changes: list[Change], stem: str, marks: list[Any] = (), ids: list[str] | None = None
) -> dict[str, Any]:
    """What the page's script needs: every item (a change, or a finding no change stands
    for) under its stable id, pending; see ``pipeline.review.apply`` for the decisions file."""
    doc = result.doc
    ids = ids if ids is not None else finding_ids(result.findings, doc.text)
    key = {c.id: c.key for c in changes}
    spans = {fid: [f.span.start, f.span.end] for fid, f in zip(ids, result.findings)}
    items = [
        {
            "id": c.key,
            "dom": c.id,
            "label": c.id,
            "kind": c.kind,
            "check": c.edit.check,
            "origin": c.edit.origin,
            "severity": c.severity,
            "start": c.edit.span.start,
            "end": c.edit.span.end,
            "text": c.edit.span.of(doc.text),
            "replacement": c.edit.replacement,
            "reason": c.edit.reason,
            "mqm_delta": c.mqm_delta,
            "conflicts": [key[x] for x in c.conflicts],
            "context": sentence_of(doc, c.edit.span.start, c.edit.span.end),
            "finding": spans.get(c.key),
        }
        for c in changes
    ] + [
        {
            "id": ids[n - 1],
            "dom": finding_id(n),
            "label": f"#{n}",
            "kind": FINDING,
            "number": n,
            "check": f.check,
            "severity": f.severity.value,
            "start": f.span.start,
            "end": f.span.end,
            "text": f.span.of(doc.text),
            "message": f.message,
            "context": sentence_of(doc, f.span.start, f.span.end),
        }
        for n, f in marks
    ]
    return {
        "schema": SCHEMA,
        "tqa": __version__,
        "stem": stem,
        "input": {
            "path": doc.path,
            "name": doc.name,
            "encoding": doc.encoding,
            "chars": len(doc.text),
            "text_sha256": text_sha256(doc.text),
        },
        "items": items,
    }


def source_cells(result: ArticleResult, pairs: list[Any]) -> list[list[dict[str, Any]]] | None:
    """For each row (a paragraph pair), the Chinese sentences aligned to its original English,
    omissions included where they belong; None without an original."""
    if result.source is None or result.source_text is None:
        return None
    zh = result.source_text
    cells: list[list[dict[str, Any]]] = [[] for _ in pairs]
    starts = [(p.a.start, p.a.end, i) for i, p in enumerate(pairs) if p.a is not None]
    for link in result.source.get("links", []):
        z0, z1 = link["zh_span"]
        e0 = link["en_span"][0]
        if z1 <= z0:
            continue
        # the paragraph holding the English start; an omission (empty English) goes to the
        # paragraph it falls in or the one before
        row = next((i for a0, a1, i in starts if a0 <= e0 < a1), None)
        if row is None:
            row = max((i for a0, _, i in starts if a0 <= e0), default=starts[0][2] if starts else None)
        if row is not None:
            cells[row].append({"text": zh[z0:z1].strip(), "omitted": not link.get("en")})
    return cells


def _source_view(result: ArticleResult) -> dict[str, Any]:
    """The original's file (empty: the record's own, a PO msgid or an XLIFF source), its
    language as the column head names it, and the alignment's signature."""
    from pipeline.core.languages import name
    from pipeline.original.rules import detect

    language = detect(result.source_text or "")[0]
    return {
        "path": (result.source or {}).get("source") or "",
        "signature": (result.source or {}).get("signature", ""),
        "lang": language or "",
        "language": name(language) if language else "",
    }


def article_view(result: ArticleResult, stem: str = "") -> dict[str, Any]:
    """Everything ``article.html.j2`` shows, as plain data."""
    doc = result.doc
    stem = stem or Path(doc.name).stem
    edits, explained = _display_edits(result)
    ids = finding_ids(result.findings, doc.text)
    changes = review_changes(result, ids)
    pairs = align_paragraphs(doc.text, result.cleaned, edits)
    rows, elsewhere = build_rows(doc.text, result.cleaned, pairs, changes, explained, edits)
    marks = uncovered(result.findings, changes)
    elsewhere += mark_rows(rows, pairs, marks, doc.text)
    sources = source_cells(result, pairs)
    if sources is not None:
        for row, zh in zip(rows, sources):
            row["source"] = zh
    notices = list(result.notices)
    if result.skipped and not notices:
        notices.append(f"{len(result.skipped)} passage(s) were not retranslated. {MODEL_HINT}")
    if not explained:
        notices.append("The cleaned text differs from the recorded edits; changes are shown without their reasons.")
    n_applied = sum(c.kind == APPLIED for c in changes)
    # where the findings table's rows jump to: the chip of the finding, or of its change
    chip_of = {c.key: c.id for c in changes} | {ids[n - 1]: finding_id(n) for n, _ in marks}
    depth = Path(stem).as_posix().count("/")
    return {
        "doc": {
            "name": doc.name,
            "path": doc.path or "",
            "encoding": doc.encoding,
            "bom": bool(doc.bom),
            "newline": doc.newline,
            "words": doc.word_count,
        },
        "source": _source_view(result) if sources is not None and result.source else None,
        "rows": rows,
        "elsewhere": elsewhere,
        "n_changes": n_applied,
        "n_suggestions": len(changes) - n_applied,
        "index": "../" * depth + "index.html",
        "checks": sorted({f.check for f in result.findings} | {c.edit.check for c in changes if c.edit.check}),
        "findings": [
            {
                "number": n,
                "id": fid,
                "item": chip_of.get(fid, ""),
                "check": f.check,
                "severity": f.severity.value,
                "start": f.span.start,
                "end": f.span.end,
                "line": loc["line"],
                "column": loc["column"],
                "text": excerpt(f.span.of(doc.text)),
                "message": f.message,
                "replacement": f.replacement,
            }
            for n, (f, loc, fid) in enumerate(zip(result.findings, located(result.findings, doc.text, ids), ids), 1)
        ],
        "suggestions": [
            {
                "id": c.id,
                "check": c.edit.check,
                "origin": c.edit.origin,
                "severity": c.severity,
                "delta": signed(c.mqm_delta),
                "text": excerpt(c.edit.span.of(doc.text)),
                "replacement": c.edit.replacement,
                "reason": c.edit.reason,
            }
            for c in changes
            if c.kind != APPLIED
        ],
        "skipped": [
            {"start": s.span.start, "end": s.span.end, "text": excerpt(s.span.of(doc.text)), "reason": s.reason}
            for s in result.skipped
        ],
        "notices": notices,
        "scores": _scores_view(result),
        "settings": _settings_view(result.settings),
        "review": json_for_script(review_data(result, changes, stem, marks, ids)),
        "download": f"{Path(stem).name}.decisions.json",
    }


def article_html(result: ArticleResult, stem: str = "") -> str:
    return render("article.html.j2", **article_view(result, stem))


INDEX_TOTALS = ("words", "findings_before", "findings_after", "applied", "suggestions", "skipped")
