"""The HTML pages: one side-by-side review page per article, and the batch index.

Python builds a plain view model (rows of text pieces, tables of numbers); the Jinja
templates in ``templates/`` only lay it out. Article text is untrusted, so the
environment autoescapes everything, and bidi controls are shown as visible marks: an
article cannot run script, inject markup, or reorder what the reviewer reads.
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

from .. import __version__
from ..edits import Edit, apply_edits
from ..result import ArticleResult
from ..score import QualityScore
from .diff import Pair, align_paragraphs, edits_from_diff, word_diff
from .json_report import jsonable, landed_at

TEMPLATES = Path(__file__).parent / "templates"
# Invisible characters that change how text reads (bidi overrides, zero-width, BOM).
_INVISIBLE = regex.compile(r"[\u061c\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_EXCERPT = 120
MODEL_HINT = "Get the translation model with `tqa models pull`, or point `--model DIR` at a local copy."


def visible(text: str) -> Markup:
    """Escape ``text`` and show invisible controls as small labelled marks."""

    def mark(m: regex.Match[str]) -> str:
        char = m.group()
        name = unicodedata.name(char, "FORMAT CHARACTER")
        return f'<span class="cc" title="{name}">U+{ord(char):04X}</span>'

    return Markup(_INVISIBLE.sub(mark, str(escape(text))))


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
    env.filters["url"] = lambda path: quote(str(path))
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def excerpt(text: str, limit: int = _EXCERPT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Annotator:
    """Finds the edits behind a stretch of the diff, by offsets in either text."""

    def __init__(self, result: ArticleResult, edits: list[Edit]) -> None:
        self.edits = list(zip(edits, landed_at(edits)))
        self.severity: dict[Edit, str] = {}
        for edit in edits:
            for f in result.findings:
                if f.check == edit.check and (f.span == edit.span or f.span.overlaps(edit.span)):
                    self.severity[edit] = f.severity.value
                    break

    def notes(self, a: tuple[int, int], b: tuple[int, int]) -> list[dict[str, str]]:
        # Linear scan: an article has tens of edits, not thousands.
        out = []
        for edit, at in self.edits:
            on_a = edit.span.start < a[1] and a[0] < edit.span.end
            on_b = at < b[1] and b[0] < at + len(edit.replacement)
            if on_a or on_b:
                out.append(
                    {
                        "check": edit.check or "change",
                        "origin": edit.origin,
                        "reason": edit.reason,
                        "severity": self.severity.get(edit, ""),
                    }
                )
        return out


def _piece(kind: str, text: str, change: int | None = None, notes: list[dict[str, str]] | None = None, tagged: bool = False) -> dict[str, Any]:
    notes = notes or []
    title = "; ".join(
        f"{n['check']}{' [' + n['severity'] + ']' if n['severity'] else ''} ({n['origin']}): {n['reason']}" for n in notes
    )
    tag = ", ".join(dict.fromkeys(f"{n['check']} · {n['origin']}" for n in notes)) if tagged else ""
    return {"kind": kind, "text": text, "change": change, "title": title or "change", "tag": tag}


def _rows(result: ArticleResult, edits: list[Edit], pairs: list[Pair]) -> tuple[list[dict[str, Any]], int]:
    text, cleaned = result.doc.text, result.cleaned
    annotate = _Annotator(result, edits)
    rows: list[dict[str, Any]] = []
    n = 0
    for pair in pairs:
        left: list[dict[str, Any]] = []
        right: list[dict[str, Any]] = []
        if pair.b is None or pair.a is None:
            n += 1
            span = pair.a or pair.b
            assert span is not None
            a = (span.start, span.end) if pair.a else (0, 0)
            b = (span.start, span.end) if pair.b else (0, 0)
            notes = annotate.notes(a, b)
            if pair.a:
                left.append(_piece("del", pair.a.of(text), n, notes, tagged=True))
            else:
                right.append(_piece("ins", pair.b.of(cleaned), n, notes, tagged=True))  # type: ignore[union-attr]
            rows.append({"kind": "deleted" if pair.a else "inserted", "left": left, "right": right})
            continue
        a_pos, b_pos = pair.a.start, pair.b.start
        chunks = word_diff(pair.a.of(text), pair.b.of(cleaned))
        for chunk in chunks:
            if chunk.op == "equal":
                left.append(_piece("text", chunk.a))
                right.append(_piece("text", chunk.b))
            else:
                n += 1
                notes = annotate.notes((a_pos, a_pos + len(chunk.a)), (b_pos, b_pos + len(chunk.b)))
                if chunk.a:
                    left.append(_piece("del", chunk.a, n, notes, tagged=not chunk.b))
                if chunk.b:
                    right.append(_piece("ins", chunk.b, n, notes, tagged=True))
            a_pos += len(chunk.a)
            b_pos += len(chunk.b)
        changed = any(c.op != "equal" for c in chunks)
        rows.append({"kind": "changed" if changed else "same", "left": left, "right": right})
    return rows, n


def _display_edits(result: ArticleResult) -> tuple[list[Edit], bool]:
    """The applied edits, or, if they do not explain the cleaned text, edits read off a diff."""
    try:
        if apply_edits(result.doc.text, result.applied) == result.cleaned:
            return sorted(result.applied, key=lambda e: (e.span.start, e.span.end)), True
    except ValueError:
        pass
    return edits_from_diff(result.doc.text, result.cleaned, "not explained by the recorded edits"), False


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
            reference.append({"metric": name, "before": was.get("score"), "after": value["score"], "signature": value.get("signature", "")})
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


def article_view(result: ArticleResult) -> dict[str, Any]:
    """Everything ``article.html.j2`` shows, as plain data."""
    doc = result.doc
    edits, explained = _display_edits(result)
    rows, n_changes = _rows(result, edits, align_paragraphs(doc.text, result.cleaned, edits))
    notices = list(result.notices)
    if result.skipped and not notices:
        notices.append(f"{len(result.skipped)} passage(s) were not retranslated. {MODEL_HINT}")
    if not explained:
        notices.append("The cleaned text differs from the recorded edits; changes are shown without their reasons.")
    return {
        "doc": {"name": doc.name, "path": doc.path or "", "encoding": doc.encoding, "bom": bool(doc.bom), "newline": doc.newline, "words": doc.word_count},
        "rows": rows,
        "n_changes": n_changes,
        "findings": [
            {"check": f.check, "severity": f.severity.value, "start": f.span.start, "end": f.span.end,
             "text": excerpt(f.span.of(doc.text)), "message": f.message, "replacement": f.replacement}
            for f in result.findings
        ],
        "suggestions": [
            {"check": e.check, "origin": e.origin, "text": excerpt(e.span.of(doc.text)), "replacement": e.replacement, "reason": e.reason}
            for e in result.suggestions
        ],
        "skipped": [{"start": s.span.start, "end": s.span.end, "text": excerpt(s.span.of(doc.text)), "reason": s.reason} for s in result.skipped],
        "notices": notices,
        "scores": _scores_view(result),
        "settings": _settings_view(result.settings),
    }


def article_html(result: ArticleResult) -> str:
    return render("article.html.j2", **article_view(result))


def index_html(rows: list[dict[str, Any]], checks: list[str]) -> str:
    return render("index.html.j2", rows=rows, checks=checks, version=__version__)
