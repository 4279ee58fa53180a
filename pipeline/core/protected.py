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
code).

Which look-alikes are placeholders depends on the segment's syntax where its file says it (a PO
message's format flags, ``syntax_of``): in a ``no-c-format`` message ``%d`` is text, in a
``python-brace-format`` one ``{name}`` is a placeholder and ``%s`` text. Where the file says
nothing (most inputs), every look-alike of any syntax is one: the heuristic. The plan never
applies an edit that touches a protected span, and a retranslation must keep the
placeholders, in order (``changed``). Here in ``core`` because the readers (``io``),
the checks and the stages all use it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

import regex

from pipeline.core.spans import Span

_PARTS = {
    "mustache": r"(?P<mustache>\{\{[ ]?[A-Za-z_][A-Za-z0-9_.\-]{0,63}[ ]?\}\})",  # {{name}}, {{ user.name }}
    "dollar": r"(?P<dollar>\$\{[A-Za-z_][A-Za-z0-9_.]{0,63}\})",  # ${name}
    "brace": r"(?P<brace>\{(?:\d{1,3}|[A-Za-z_][A-Za-z0-9_.]{0,63})?(?:![rsa])?(?::[^{}\s]{0,20})?\})",  # {} {0} {0:.2f}
    "printf": r"""(?P<printf>%
        (?:(?P<num>[1-9]\d{0,2})\$|\((?P<name>[A-Za-z_]\w{0,63})\))?  # %1$s, %(name)s
        [-+0\#]{0,5}(?:\d{1,3}|\*)?(?:\.(?:\d{1,3}|\*))?          # flags (no space: "50% done"), width, precision
        (?:hh|h|ll|l|L|q|j|z|t)?
        (?P<conv>[diouxXeEfFgGaAcsp@])
        (?![A-Za-z])                                            # "50%off" is prose
    )""",
    "tag": r"(?P<tag></?[A-Za-z][\w:-]{0,63}(?:\s[^<>]{0,500})?/?>)",  # <b>, </b>, <br/>, <a href="...">
}
# the placeholder syntaxes, in the order they are tried at one place; tags are markup, not a
# format language's, and are protected whatever the syntax
SYNTAXES = ("mustache", "dollar", "brace", "printf")
# how a syntax writes its own delimiter as text: "%%" in printf, "{{" and "}}" in str.format
_ESCAPES = {"printf": "%%", "brace": r"\{\{|\}\}"}
_PLACEHOLDER = regex.compile("|".join(_PARTS[n] for n in (*SYNTAXES, "tag")), regex.X)

# gettext's format flags (``#, c-format``, ``#, no-c-format``), by language, and the syntax of
# ``_PARTS`` each language's format strings use. Languages whose placeholders tqa does not model
# (qt-format's ``%1``, lisp-format's ``~a``, boost-format's ``%1%``, ...) are not here: their
# flags say nothing, and the message keeps the heuristic.
_PRINTF = "c objc python php perl java-printf javascript sh-printf awk lua go ruby tcl gcc-internal gfc-internal"
FORMAT_SYNTAX = {
    **dict.fromkeys(_PRINTF.split(), "printf"),
    **dict.fromkeys("python-brace perl-brace csharp java c++ rust".split(), "brace"),
    "sh": "dollar",
}
# a segment's placeholder syntaxes (``syntax_of``); None: not known, so anything that looks like
# a placeholder of any of them is one (the heuristic)
Syntax = frozenset[str] | None


def syntax_of(flags: Iterable[str]) -> Syntax:
    """The placeholder syntaxes of a segment with the format ``flags`` its file gives it (a PO
    message's ``c-format``, ``no-python-format``, ...; other flags are ignored).

    A format flag (``python-format``) says the texts are format strings of that language: its
    syntax is the one used (with ``python-brace-format`` too, both), and the others' look-alikes
    are text (``{name}`` in a c-format message). A negative flag only (``no-c-format``) says
    that syntax is text, the others are as the heuristic finds them. No flag of a known
    language: None, the heuristic."""
    used, text = set(), set()
    for flag in flags:
        negative = flag.startswith("no-")
        language = flag.removeprefix("no-").removesuffix("-format")
        if flag.endswith("-format") and language in FORMAT_SYNTAX:
            (text if negative else used).add(FORMAT_SYNTAX[language])
    if used:
        return frozenset(used)
    return frozenset(SYNTAXES) - text if text else None


@cache
def _pattern(syntax: frozenset[str]) -> regex.Pattern[str]:
    """The placeholders of ``syntax`` and tags; its escapes are matched before the placeholders
    they would split ("%%d" is "%" and "d"), then dropped."""
    escapes = [_ESCAPES[n] for n in SYNTAXES if n in syntax and n in _ESCAPES]
    # after {{name}} and ${name}, which hold a brace of their own
    parts = [_PARTS[n] for n in ("mustache", "dollar") if n in syntax]
    parts += [f"(?P<escape>{'|'.join(escapes)})"] if escapes else []
    parts += [_PARTS[n] for n in ("brace", "printf") if n in syntax]
    return regex.compile("|".join([*parts, _PARTS["tag"]]), regex.X)


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


def placeholders(text: str, syntax: Syntax = None) -> list[Protected]:
    """The placeholders and tags written in ``text``, in text order; only the placeholders of
    ``syntax`` where it is known (``syntax_of``)."""
    out = []
    for m in (_PLACEHOLDER if syntax is None else _pattern(syntax)).finditer(text):
        group = m.groupdict()  # a syntax's pattern has only its own groups
        if group.get("escape"):
            continue  # "%%", "{{": the delimiter as text
        raw = m.group()
        printf = group.get("printf")
        if printf and _PERCENT_ENCODING.fullmatch(raw) and _inside_word(text, m.start(), m.end()):
            continue  # "a%2Fb": a URL's percent-encoding
        kind = "tag" if group["tag"] else "placeholder"
        positional = raw == "{}" or bool(printf and not group["num"] and not group["name"])
        key = _SPACES.sub("", raw) if group.get("mustache") else raw
        out.append(Protected(Span(m.start(), m.end()), raw, key, kind, positional))
    return out


def _inside_word(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return not before.isspace() or after.isalnum()


def code_spans(codes: Iterable[InlineCode]) -> list[Protected]:
    return [Protected(Span(c.at, c.at), c.label, f"{c.kind}:{c.name}:{c.id}", "code", False) for c in codes]


def protected_spans(text: str, codes: Iterable[InlineCode] = (), syntax: Syntax = None) -> list[Protected]:
    """Every protected span of a segment (its placeholders of ``syntax``, tags and inline codes), in text order."""
    return sorted([*placeholders(text, syntax), *code_spans(codes)], key=lambda p: (p.span.start, p.span.end))


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


def changed(before: str, after: str, also: str | None = None, syntax: Syntax = None) -> str | None:
    """Why ``after`` cannot replace ``before``: a placeholder lost, added or moved (one line), or
    None when both hold the same placeholders in the same order. ``also``: another text whose
    placeholders ``after`` may keep instead (the original it was translated from); ``syntax``:
    the segment's placeholder syntaxes (``syntax_of``)."""
    want = [p.key for p in placeholders(before, syntax)]
    got = [p.key for p in placeholders(after, syntax)]
    if got == want or (also is not None and got == [p.key for p in placeholders(also, syntax)]):
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
