"""Residue of tokenizing and of web pages left in the text.

- ``doubled-punctuation``: ". ,", "etc. ,", ",,", ", ." , "; ;": two sentence marks in a
  row with at most spaces between them (an ellipsis, "?!" and "etc.," are left alone);
- ``spaced-quote``: a space inside curly quotes, "“ Belt and Road ”" (straight quotes
  cannot tell opening from closing, so they are left to ``unpaired-punctuation``);
- ``html-residue``: tags and entities as words, "< / p >", "<br>", "&nbsp;", "&amp;".

Repairs (``rule``): a doubled mark becomes one, "etc. ," becomes "etc.,"; the space in a
quote goes; a broken tag ("< / p >", which no markup writer emits) goes, with a space
where it separated words; an entity becomes its character. A well-formed tag ("<p>") is
reported without a repair: the input may be a page someone chose to check as text. Mixed marks (", .") are reported without a repair: which one was meant is
the writer's call.

With the original (a PO message, an XLIFF or TMX segment, ``--source``), a well-formed tag or an
entity the original holds too is the string's own markup, not residue: "<b>Save</b>" for
"<b>保存</b>", "Save &amp; close" for "保存 &amp; 关闭". Such a finding is dropped, as many times as
the original has that tag (by name, opening or closing; attributes aside, which ``tag-mismatch``
compares) or that entity; one more is still reported, and so is a broken tag ("< / b >"), which no
original holds. The check finds on the English alone and drops in ``with_original``, the hook
the runner calls wherever the source checks run (before and after repair), rather than reading
the original itself: the original reaches checks one way, with the pair, and a plain check on a
text without one stays as it was.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable
from itertools import chain
from typing import Any

from pipeline.checks.base import PatternCheck, register
from pipeline.core.document import Document
from pipeline.core.findings import Finding, Severity
from pipeline.core.spans import Span

# Each pattern starts with the characters it needs (not a look-behind or a space), which lets
# the engine skip ahead to them: 3-4x faster than "(?<![.,;:!?])([,;:.])" and "[ \t]+”".
_DOUBLED = re.compile(r"([,;:.])(?<![.,;:!?][,;:.])([ \t]*)([,;:.])(?![.,;:!?])")
_SPACED_OPEN = re.compile(r"“[ \t]+(?=\w)")
_CLOSE = re.compile(r"”")  # a spaced closing quote: the spaces before it are read back from the quote
_TAG_NAMES = "p|br|div|span|a|b|i|u|em|strong|li|ul|ol|h[1-6]|img|td|tr|th|table|font|sup|sub|hr|tbody|thead|section|article|figure|figcaption|blockquote"
_TAG = re.compile(
    rf"<[ \t]*/?[ \t]*(?:{_TAG_NAMES})(?:[ \t]+[a-z-]+[ \t]*=[ \t]*(?:\"[^\"<>]*\"|'[^'<>]*'|[^\s<>]+))*[ \t]*/?[ \t]*>",
    re.I,
)
_WELL_FORMED = re.compile(r"</?[a-z0-9]+(?:\s[^<>]*)?/?>", re.I)  # as markup writes it: no space after "<"
_ENTITY = re.compile(
    r"&[ \t]?(?:nbsp|amp|lt|gt|quot|apos|mdash|ndash|hellip|rsquo|lsquo|rdquo|ldquo|#\d{2,5}|#x[0-9a-f]{2,4});", re.I
)


@register
class DoubledPunctuation(PatternCheck):
    id = "doubled-punctuation"
    severity = Severity.MINOR
    description = 'Two punctuation marks in a row: ". ,", "etc. ,", ",,", ", ."'
    pattern = _DOUBLED

    def keep(self, m: re.Match[str], doc: Document) -> bool:
        first, space, second = m.groups()
        if first == second == "." or first == second == ":" and not space:
            return False  # ".." is part of an ellipsis or a path; "::" a separator in code
        return not (first == "." and not space)  # "etc.," and "U.S.;" are standard

    def message(self, m: re.Match[str], doc: Document) -> str:
        return f"two punctuation marks in a row: {m.group()!r}"

    def replacement(self, m: re.Match[str], doc: Document) -> str | None:
        first, _, second = m.groups()
        if first == second:
            return first
        return "." + second if first == "." else None  # "etc. ," -> "etc.,"


@register
class SpacedQuote(PatternCheck):
    id = "spaced-quote"
    severity = Severity.MINOR
    description = 'Space inside curly quotation marks: "“ Belt and Road ”"'

    def matches(self, doc: Document) -> Iterable[tuple[int, int]]:
        """(start, end) of each spaced quotation mark, with its spaces, in text order."""
        text = doc.text
        spans = [
            m.span()
            for m in _SPACED_OPEN.finditer(text)
            if m.start() == 0 or text[m.start() - 1].isspace() or text[m.start() - 1] == "("
        ]
        for m in _CLOSE.finditer(text):
            start = m.start()
            while start and text[start - 1] in " \t":
                start -= 1
            if start < m.start() and start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_.,!?"):
                spans.append((start, m.end()))
        return sorted(spans)

    def span(self, m: tuple[int, int], doc: Document) -> Span:
        return Span(*m)

    def message(self, m: tuple[int, int], doc: Document) -> str:
        return "space inside quotation marks"

    def replacement(self, m: tuple[int, int], doc: Document) -> str:
        return doc.text[m[0] : m[1]].strip(" \t")

    def evidence(self, m: tuple[int, int], doc: Document) -> dict[str, Any]:
        return {"text": doc.text[m[0] : m[1]]}


@register
class HtmlResidue(PatternCheck):
    id = "html-residue"
    severity = Severity.MINOR
    description = 'HTML tags or entities left in the text: "< / p >", "<br>", "&nbsp;"'
    by_span = True

    def matches(self, doc: Document) -> Iterable[re.Match[str]]:
        return chain(_TAG.finditer(doc.text), _ENTITY.finditer(doc.text))

    def message(self, m: re.Match[str], doc: Document) -> str:
        if m.re is _ENTITY:
            return f"HTML entity in the text: {m.group()!r}"
        # "<p>" may be a page given as text on purpose: reported, left for a person
        return (
            f"HTML tag in the text: {m.group()!r}"
            if _WELL_FORMED.fullmatch(m.group())
            else f"broken HTML tag in the text: {m.group()!r}"
        )

    def replacement(self, m: re.Match[str], doc: Document) -> str | None:
        if m.re is _ENTITY:
            char = html.unescape(m.group().replace(" ", "").replace("\t", ""))
            return " " if char == "\xa0" else char
        if _WELL_FORMED.fullmatch(m.group()):
            return None
        text = doc.text
        return " " if text[m.start() - 1 : m.start()].isalnum() and text[m.end() : m.end() + 1].isalnum() else ""

    def with_original(self, findings: list[Finding], pair: Any) -> list[Finding]:
        if not findings:
            return findings
        original = pair.original.text
        held = Counter(_markup(m.group()) for m in chain(_TAG.finditer(original), _ENTITY.finditer(original)))
        held.pop(None, None)
        kept = []
        for f in findings:  # in text order: the first ones are the original's
            key = _markup(f.span.of(pair.en.text))
            if key is not None and held[key] > 0:
                held[key] -= 1
            else:
                kept.append(f)
        return kept

    def span(self, m: re.Match[str], doc: Document) -> Span:
        text = doc.text
        before, after = text[m.start() - 1 : m.start()], text[m.end() : m.end() + 1]
        broken = m.re is _TAG and not _WELL_FORMED.fullmatch(m.group())
        # a broken tag takes the space before it along, so that no double space is left
        start = m.start() - 1 if broken and before == " " and after in (" ", "\n", "") else m.start()
        return Span(start, m.end())


def _markup(text: str) -> str | None:
    """What an original must hold for ``text`` to be its markup: a well-formed tag's name with
    its end ("<b", "</b"), an entity as written; None for residue no original explains."""
    if _ENTITY.fullmatch(text):
        return None if " " in text or "\t" in text else text.lower()
    if _WELL_FORMED.fullmatch(text):
        name = re.match(r"</?[a-z0-9]+", text, re.I)
        return name.group().lower() if name else None
    return None
