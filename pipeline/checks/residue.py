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
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from pipeline.checks.base import Check, register
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
class DoubledPunctuation(Check):
    id = "doubled-punctuation"
    severity = Severity.MINOR
    description = 'Two punctuation marks in a row: ". ,", "etc. ,", ",,", ", ."'

    def find(self, doc: Document) -> Iterable[Finding]:
        found = []
        for m in _DOUBLED.finditer(doc.text):
            first, space, second = m.groups()
            if first == second == "." or first == second == ":" and not space:
                continue  # ".." is part of an ellipsis or a path; "::" a separator in code
            if first == "." and not space:
                continue  # "etc.," and "U.S.;" are standard
            if first == second:
                replacement = first
            elif first == ".":
                replacement = "." + second  # "etc. ," -> "etc.,"
            else:
                replacement = None
            found.append(
                self.finding(
                    Span(m.start(), m.end()),
                    f"two punctuation marks in a row: {m.group()!r}",
                    replacement=replacement,
                    origin="rule" if replacement else None,
                    evidence={"text": m.group()},
                )
            )
        return found


@register
class SpacedQuote(Check):
    id = "spaced-quote"
    severity = Severity.MINOR
    description = 'Space inside curly quotation marks: "“ Belt and Road ”"'

    def find(self, doc: Document) -> Iterable[Finding]:
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
        found = []
        for start, end in sorted(spans):
            quoted = text[start:end]
            found.append(
                self.finding(
                    Span(start, end),
                    "space inside quotation marks",
                    replacement=quoted.strip(" \t"),
                    origin="rule",
                    evidence={"text": quoted},
                )
            )
        return found


@register
class HtmlResidue(Check):
    id = "html-residue"
    severity = Severity.MINOR
    description = 'HTML tags or entities left in the text: "< / p >", "<br>", "&nbsp;"'

    def find(self, doc: Document) -> Iterable[Finding]:
        text = doc.text
        found = []
        for m in _TAG.finditer(text):
            if _WELL_FORMED.fullmatch(m.group()):
                # "<p>" may be a page given as text on purpose: reported, left for a person
                found.append(
                    self.finding(
                        Span(m.start(), m.end()), f"HTML tag in the text: {m.group()!r}", evidence={"text": m.group()}
                    )
                )
                continue
            before, after = text[m.start() - 1 : m.start()], text[m.end() : m.end() + 1]
            glue = before.isalnum() and after.isalnum()
            start = m.start() - 1 if before == " " and after in (" ", "\n", "") else m.start()  # no double space left
            found.append(
                self.finding(
                    Span(start, m.end()),
                    f"broken HTML tag in the text: {m.group()!r}",
                    replacement=" " if glue else "",
                    origin="rule",
                    evidence={"text": m.group()},
                )
            )
        for m in _ENTITY.finditer(text):
            char = html.unescape(m.group().replace(" ", "").replace("\t", ""))
            found.append(
                self.finding(
                    Span(m.start(), m.end()),
                    f"HTML entity in the text: {m.group()!r}",
                    replacement=" " if char == "\xa0" else char,
                    origin="rule",
                    evidence={"text": m.group()},
                )
            )
        return sorted(found, key=lambda f: f.span)
