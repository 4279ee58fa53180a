"""Protected spans: what no repair or retranslation may change in a segment.

Two kinds. **Placeholders** in the text, which software fills in at run time: ``{0}``, ``{}``,
``{name}``, ``{0:.2f}``, ``{{name}}``, ``${name}``, printf's ``%s``, ``%d``, ``%5.2f``, ``%1$s``,
``%(name)s``, ``%@``, and HTML/XML tags written in the text (``<b>``, ``</a>``, ``<br/>``).
**Inline codes** (``InlineCode``) of a bilingual file: XLIFF's ``<g>``, ``<x/>``, ``<ph>``,
``<bpt>``/``<ept>``, ``<pc>``, ``<sc/>``/``<ec/>`` ..., which are not text at all: the reader
leaves them out and records where they sit (a zero-width span at that offset).

Prose is not a placeholder: "50% of", "100% done" (a space after ``%``: printf's space flag is
left out for that reason), "50%off" (a letter right after the conversion), "a%2Fb" (a
percent-encoding inside a word), "{" alone, "{a, b}" or "{下降}" (a name is ASCII, as in
code). The plan never applies an edit that touches a protected span, and a retranslation must
keep the placeholders, in order (``changed``). Here in ``core`` because the readers (``io``),
the checks and the stages all use it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import regex

from pipeline.core.spans import Span

_PLACEHOLDER = regex.compile(
    r"""
    (?P<mustache>\{\{[ ]?[A-Za-z_][A-Za-z0-9_.\-]{0,63}[ ]?\}\})              # {{name}}, {{ user.name }}
  | (?P<dollar>\$\{[A-Za-z_][A-Za-z0-9_.]{0,63}\})                           # ${name}
  | (?P<brace>\{(?:\d{1,3}|[A-Za-z_][A-Za-z0-9_.]{0,63})?(?:![rsa])?(?::[^{}\s]{0,20})?\})  # {} {0} {name} {0:.2f}
  | (?P<printf>%
        (?:(?P<num>[1-9]\d{0,2})\$|\((?P<name>[A-Za-z_]\w{0,63})\))?  # %1$s, %(name)s
        [-+0\#]{0,5}(?:\d{1,3}|\*)?(?:\.(?:\d{1,3}|\*))?          # flags (no space: "50% done"), width, precision
        (?:hh|h|ll|l|L|q|j|z|t)?
        (?P<conv>[diouxXeEfFgGaAcsp@])
        (?![A-Za-z])                                            # "50%off" is prose
    )
  | (?P<tag></?[A-Za-z][\w:-]{0,63}(?:\s[^<>]{0,500})?/?>)       # <b>, </b>, <br/>, <a href="...">
    """,
    regex.X,
)
_PERCENT_ENCODING = regex.compile(r"%[0-9][0-9A-Fa-f]")
_SPACES = regex.compile(r"\s+")


@dataclass(frozen=True)
class InlineCode:
    """An inline element of a bilingual segment at a text offset (it holds no text of the segment).

    ``kind``: ``open`` or ``close`` (the two ends of ``<g>``/``<pc>``, or ``<bpt>``/``<ept>``,
    ``<sc/>``/``<ec/>``) or ``standalone`` (``<x/>``, ``<ph>``, ``<it>``). ``id``: the element's
    id (an ``<ec>``'s ``startRef``), which pairs a code of the target with the original's."""

    at: int
    name: str
    id: str = ""
    kind: str = "standalone"

    @property
    def label(self) -> str:
        ident = f' id="{self.id}"' if self.id else ""
        if self.name in ("g", "pc", "mrk"):  # elements around text: their two ends
            return (
                f"</{self.name}>" + (f" (id {self.id})" if self.id else "")
                if self.kind == "close"
                else f"<{self.name}{ident}>"
            )
        return f"<{self.name}{ident}/>"


@dataclass(frozen=True)
class Protected:
    """One protected span: where it is, what it looks like, and how it is compared.

    ``key`` is what the original and the English must share (a placeholder's text with its
    spaces taken out; an inline code's element, end and id). ``positional``: a placeholder
    bound by its place among the others (``%s``, ``{}``), not by a number or a name, so its
    order is part of its meaning."""

    span: Span
    text: str
    key: str
    kind: str  # "placeholder", "tag" (written in the text) or "code" (an inline element)
    positional: bool = False


def placeholders(text: str) -> list[Protected]:
    """The placeholders and tags written in ``text``, in text order."""
    out = []
    for m in _PLACEHOLDER.finditer(text):
        raw = m.group()
        if m.group("printf") and _PERCENT_ENCODING.fullmatch(raw) and _inside_word(text, m.start(), m.end()):
            continue  # "a%2Fb": a URL's percent-encoding
        kind = "tag" if m.group("tag") else "placeholder"
        positional = raw == "{}" or bool(m.group("printf") and not m.group("num") and not m.group("name"))
        key = _SPACES.sub("", raw) if m.group("mustache") else raw
        out.append(Protected(Span(m.start(), m.end()), raw, key, kind, positional))
    return out


def _inside_word(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return not before.isspace() or after.isalnum()


def code_spans(codes: Iterable[InlineCode]) -> list[Protected]:
    return [Protected(Span(c.at, c.at), c.label, f"{c.kind}:{c.name}:{c.id}", "code", False) for c in codes]


def protected_spans(text: str, codes: Iterable[InlineCode] = ()) -> list[Protected]:
    """Every protected span of a segment (its placeholders, tags and inline codes), in text order."""
    return sorted([*placeholders(text), *code_spans(codes)], key=lambda p: (p.span.start, p.span.end))


def touches(span: Span, item: Protected) -> bool:
    """Whether an edit of ``span`` would change ``item``: it overlaps the placeholder, or is an
    insertion inside it; for an inline code (zero width), the edit reaches it, ends included,
    since a change next to a code cannot say on which side of it the text goes."""
    p = item.span
    if not p:
        return span.start <= p.start <= span.end
    if not span:
        return p.start < span.start < p.end
    return span.start < p.end and p.start < span.end


def first_touched(span: Span, items: Sequence[Protected]) -> Protected | None:
    """The first of ``items`` (in text order) an edit of ``span`` would change, or None."""
    for p in items:
        if p.span.start > span.end:
            break
        if touches(span, p):
            return p
    return None


def changed(before: str, after: str, also: str | None = None) -> str | None:
    """Why ``after`` cannot replace ``before``: a placeholder lost, added or moved (one line), or
    None when both hold the same placeholders in the same order. ``also``: another text whose
    placeholders ``after`` may keep instead (the original it was translated from)."""
    want = [p.key for p in placeholders(before)]
    got = [p.key for p in placeholders(after)]
    if got == want or (also is not None and got == [p.key for p in placeholders(also)]):
        return None
    lost = _minus(want, got)
    added = _minus(got, want)
    parts = []
    if lost:
        parts.append("loses " + " ".join(lost))
    if added:
        parts.append("adds " + " ".join(added))
    if not parts:
        parts.append(f"reorders placeholders {' '.join(want)} as {' '.join(got)}")
    return "placeholders not kept: it " + ", ".join(parts)


def _minus(a: list[str], b: list[str]) -> list[str]:
    rest = list(b)
    out = []
    for x in a:
        if x in rest:
            rest.remove(x)
        else:
            out.append(x)
    return out


def shifted(codes: Iterable[InlineCode], edits: Iterable[tuple[Span, str]]) -> tuple[InlineCode, ...]:
    """The codes' offsets in the text after ``edits`` ((span, replacement), none touching a code)."""
    ordered = sorted(edits, key=lambda e: (e[0].start, e[0].end))
    out = []
    for c in codes:
        shift = sum(len(new) - len(span) for span, new in ordered if span.end <= c.at and span.start < c.at)
        out.append(InlineCode(c.at + shift, c.name, c.id, c.kind))
    return tuple(out)
