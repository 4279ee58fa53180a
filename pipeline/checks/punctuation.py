"""Punctuation carried over from Chinese, and marks left without their partner.

- ``cjk-punctuation``: full-width punctuation (，。；：（）【】《》 ...), full-width letters and
  digits, and the ideographic space in English text. Inside an untranslated Chinese
  passage they are correct, and that passage is the ``untranslated`` check's business,
  so a mark whose nearest letter on either side is Han (or Kana, Hangul) is left alone.
  The repair maps each to its ASCII counterpart, adding the space that the full-width
  glyph used to provide ("trade，and" -> "trade, and"): a ``rule`` repair.
  Curly quotes (“ ” ‘ ’) are ordinary English typography and are not flagged.
- ``unpaired-punctuation``: a bracket or double quote without its partner in the same
  paragraph. A quotation that runs on into the next paragraph (which then opens with a
  quote mark, the news convention) is not unpaired. No repair: only a reader knows where
  the missing mark goes.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import regex

from pipeline.checks.base import MAX_PARAGRAPH_CHARS, Check, PatternCheck, register
from pipeline.checks.spoken import drop_split_quotations
from pipeline.core.document import Document
from pipeline.core.findings import Finding, Severity
from pipeline.core.spans import Span

_FULLWIDTH = regex.compile(r"\u3000+|[\uFF01-\uFF5E\u3001-\u3003\u3008-\u3011\u3014-\u301F\uFF61-\uFF64]")
_MAP = {
    "、": ",",
    "。": ".",
    "〃": '"',
    "〈": '"',
    "〉": '"',
    "《": '"',
    "》": '"',
    "「": '"',
    "」": '"',
    "『": '"',
    "』": '"',
    "【": "[",
    "】": "]",
    "〔": "(",
    "〕": ")",
    "〖": "[",
    "〗": "]",
    "〘": "(",
    "〙": ")",
    "〚": "[",
    "〛": "]",
    "〜": "-",
    "～": "-",
    "〝": '"',
    "〞": '"',
    "〟": '"',
    "｡": ".",
    "｢": '"',
    "｣": '"',
    "､": ",",
}
_OPENING = set("（［｛〈《「『【〔〖〘〚〝｢")
_CLOSING_OR_STOP = set("，、。．；：！？）］｝〉》」』】〕〗〙〛〞〟｡｣､")
_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Bopomofo}\p{Hangul}]")
_LOOK = 8  # how far to look for the nearest letter on each side


def _ascii(c: str) -> str:
    return _MAP.get(c) or unicodedata.normalize("NFKC", c)


def _in_cjk(text: str, i: int, j: int) -> bool:
    """True when the nearest letter before ``i`` or after ``j`` is Han, Kana or Hangul."""
    for start, step in ((i - 1, -1), (j, 1)):
        k, n = start, 0
        while 0 <= k < len(text) and n < _LOOK and text[k] not in "\r\n":
            c = text[k]
            if c.isalpha() and not ("\uff21" <= c <= "\uff5a"):
                if _CJK.match(c):
                    return True
                break
            k += step
            n += 1
    return False


@register
class CjkPunctuation(PatternCheck):
    id = "cjk-punctuation"
    severity = Severity.MINOR
    description = "Full-width (Chinese) punctuation, letters or spaces in English text, outside Chinese passages"
    pattern = _FULLWIDTH

    def keep(self, m: regex.Match[str], doc: Document) -> bool:
        return not _in_cjk(doc.text, m.start(), m.end())

    def message(self, m: regex.Match[str], doc: Document) -> str:
        return f"full-width {unicodedata.name(m.group()[0], 'character').lower()} in English text"

    def replacement(self, m: regex.Match[str], doc: Document) -> str:
        text, mark = doc.text, m.group()
        if mark[0] == "\u3000":
            return " " * len(mark)
        fixed = _ascii(mark)
        before = text[m.start() - 1] if m.start() else ""
        after = text[m.end()] if m.end() < len(text) else ""
        if mark in _CLOSING_OR_STOP and after.isalpha():
            fixed += " "
        elif mark in _CLOSING_OR_STOP and after.isdigit() and not before.isdigit():
            fixed += " "
        if mark in _OPENING and (before.isalnum() or before in ",.;:!?"):
            fixed = " " + fixed
        return fixed

    def evidence(self, m: regex.Match[str], doc: Document) -> dict[str, Any]:
        return {"text": m.group(), "codepoint": f"U+{ord(m.group()[0]):04X}"}


# the standard library's engine finds these literal marks 2-3x faster than ``regex``
_MARKS = re.compile(r'[()\[\]（）【】［］"“”]')
_OPEN = {"(": "(", "（": "(", "[": "[", "【": "[", "［": "["}
_CLOSE = {")": "(", "）": "(", "]": "[", "】": "[", "］": "["}
_PARTNER = {"(": ")", "（": "）", "[": "]", "【": "】", "［": "］", "“": "”", '"': '"'}
# "a)", "2)", "iv)": list enumerators that close nothing.
_ENUMERATOR = regex.compile(r"(?:^|[\s(])[\p{L}\p{N}]{1,3}$")
_QUOTE_OPENS = regex.compile(r'^\s*["“]')


def _paragraph_marks(text: str, paragraphs: Sequence[Span]) -> Iterator[tuple[int, Span, list[int]]]:
    """(index, paragraph, offsets of its marks) for each paragraph with a mark, in text order,
    those over the limit left out: a search of the text finds the next paragraph with a
    mark, so that the many without one are not looked at."""
    ends = [p.end for p in paragraphs]
    m = _MARKS.search(text)
    while m is not None:
        n = bisect_right(ends, m.start())  # the paragraph holding the mark: only whitespace lies outside
        if n == len(paragraphs):
            return
        para = paragraphs[n]
        if para.start > m.start():
            m = _MARKS.search(text, para.start)
            continue
        if len(para) <= MAX_PARAGRAPH_CHARS:
            yield n, para, [x.start() for x in _MARKS.finditer(text, m.start(), para.end)]
        m = _MARKS.search(text, para.end)


@register
class UnpairedPunctuation(Check):
    id = "unpaired-punctuation"
    severity = Severity.MINOR
    description = "Bracket or double quote without its partner in the same paragraph"

    def find(self, doc: Document) -> Iterable[Finding]:
        text = doc.text
        found: list[Finding] = []
        paragraphs = doc.paragraphs
        if len(text) > MAX_PARAGRAPH_CHARS:
            found.extend(self.too_long(para) for para in paragraphs if len(para) > MAX_PARAGRAPH_CHARS)
        for n, para, marks in _paragraph_marks(text, paragraphs):
            body = para.of(text)  # once per paragraph: a slice per closing mark was quadratic on "a) a) a) ..."
            stack: list[tuple[str, int]] = []  # (kind, offset): kind is "(", "[" or '"'
            # open marks per kind: "is one open?" must not rescan the stack (quadratic on "((((...")
            open_count = {"(": 0, "[": 0, '"': 0}
            for at in marks:
                c = text[at]
                if c in _OPEN or c == "“" or (c == '"' and not open_count['"']):
                    kind = _OPEN.get(c, '"')
                    stack.append((kind, at))
                    open_count[kind] += 1
                elif c in _CLOSE or c in '"”':
                    kind = _CLOSE.get(c, '"')
                    if open_count[kind]:
                        while stack:  # close the innermost of that kind; skipped openers are unpaired
                            k, pos = stack.pop()
                            open_count[k] -= 1
                            if k == kind:
                                break
                            found.append(self._unpaired(pos, text, True))
                    elif not (kind == "(" and _ENUMERATOR.search(body, max(0, at - para.start - 8), at - para.start)):
                        found.append(self._unpaired(at, text, False))
            if open_count['"'] and n + 1 < len(paragraphs) and _QUOTE_OPENS.match(paragraphs[n + 1].of(text)):
                # a quotation running on into the next paragraph
                found.extend(self._unpaired(pos, text, True) for kind, pos in stack if kind != '"')
            else:
                found.extend(self._unpaired(pos, text, True) for kind, pos in stack)
        # a quotation cut at a paragraph break (a transcript's cue boundary) is one quotation
        return drop_split_quotations(sorted(found, key=lambda f: f.span), text, paragraphs)

    def _unpaired(self, at: int, text: str, opening: bool) -> Finding:
        mark = text[at]
        kind = "quote mark" if mark in '"“”' else "bracket"
        partner = _PARTNER.get(mark, '"') if opening else "an opening one"
        missing = f"no closing {partner}" if opening else "no opening partner"
        return self.finding(
            Span(at, at + 1), f"unpaired {kind} {mark}: {missing} in the paragraph", evidence={"mark": mark}
        )
