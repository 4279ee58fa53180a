"""Repetition beyond exact copies: one content word said twice in two forms, or a
coordinated pair that repeats its modifier where the Chinese had one term.

- ``repeated-stem``: "voiced their voices", "developing the development": two words of
  one stem (a shared beginning of five letters or more, most of the shorter word) within
  three words of each other in one clause. Pairs joined by a conjunction or preposition
  ("developed and developing countries", "from building to building") are English.
- ``repeated-modifier``: "joint defense and joint control": a modifier repeated on both
  halves of an "and" (MT renders 联防联控 as two phrases). Function words are not
  modifiers here ("the old and the new", "nothing more and nothing less"); lists with
  commas ("good neighbours, good friends") are left alone, since English uses them for
  emphasis.

Both are minor and have no automatic repair: a reviewer rewrites the phrase.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from itertools import compress, count
from operator import eq

from ..document import Document
from ..findings import Finding, Severity
from ..spans import Span
from .base import Check, register
from .glued import FUNCTION_WORDS

_WORD = re.compile(r"[A-Za-z]+")
_CLAUSE_BREAK = re.compile(r"[^A-Za-z\s'’-]")
_JOINERS = frozenset("and or but nor to from than versus vs by into with".split())
_PAIR = re.compile(r"\b([a-z]{4,}) ([a-z]{3,}) and ([a-z]{4,}) ([a-z]{3,})\b")
_NOT_MODIFIERS = FUNCTION_WORDS | frozenset(
    "some many every much very well also only just both either neither nothing something anything everything".split()
)


@register
class RepeatedStem(Check):
    id = "repeated-stem"
    severity = Severity.MINOR
    description = 'One word said twice in two forms within a clause: "voiced their voices"'

    def find(self, doc: Document) -> Iterable[Finding]:
        text = doc.text
        words = list(_WORD.finditer(text))
        lower = [w.group().lower() for w in words]
        found = []
        # The common case, decided cheaply (in C): no word of the next three shares the first five letters.
        head = [w[:5] for w in lower]
        near = sorted({i for k in (1, 2, 3) for i in compress(count(), map(eq, head, head[k:]))})
        for i in near:
            a, wa = words[i], lower[i]
            if len(wa) < 5 or wa in FUNCTION_WORDS or a.group()[0].isupper():
                continue
            for j in range(i + 1, min(i + 4, len(words))):
                b = words[j]
                wb = lower[j]
                between = text[a.end() : b.start()]
                if _CLAUSE_BREAK.search(between):
                    break
                if wb == wa or len(wb) < 5 or b.group()[0].isupper():
                    continue
                if any(w in _JOINERS for w in lower[i + 1 : j]):
                    break
                stem = os.path.commonprefix([wa, wb])
                if len(stem) >= 5 and len(stem) >= 0.75 * min(len(wa), len(wb)):
                    found.append(self.finding(
                        Span(a.start(), b.end()), f'one word in two forms: "{a.group()}" ... "{b.group()}"',
                        evidence={"text": text[a.start() : b.end()], "stem": stem},
                    ))
                    break
        return found


@register
class RepeatedModifier(Check):
    id = "repeated-modifier"
    severity = Severity.MINOR
    description = 'A coordinated pair repeating its modifier: "joint defense and joint control"'

    def find(self, doc: Document) -> Iterable[Finding]:
        found = []
        for m in _PAIR.finditer(doc.text):
            first, second = m.group(1), m.group(3)
            if first != second or first in _NOT_MODIFIERS or first.endswith("ly"):
                continue
            found.append(self.finding(
                Span(m.start(), m.end()), f'"{first}" repeated on both halves: "{m.group()}"',
                evidence={"text": m.group(), "modifier": first},
            ))
        return found


_TAG = re.compile(r"^\s*[【\[(（][^】\]）)\n]{1,30}[】\])）]\s*|\s*[【\[(（][^】\]）)\n]{1,30}[】\])）]\s*$")
_NOT_WORD = re.compile(r"[^\w]+")


def _bare(text: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", text.replace("’", "'").replace("'", "")).casefold().split())


@register
class RepeatedHeadline(Check):
    id = "repeated-headline"
    severity = Severity.MINOR
    description = 'A headline repeated as the first sentence of the next paragraph, often with its tag dropped: "【Focus】Exports rose" + "Exports rose. ..."'

    def find(self, doc: Document) -> Iterable[Finding]:
        text = doc.text
        found = []
        for head, body in zip(doc.paragraphs, doc.paragraphs[1:]):
            title = head.of(text)
            if "\n" in title.strip() or len(title.split()) > 25:
                continue
            tag = _TAG.search(title)
            bare = _bare(_TAG.sub(" ", title))
            if len(bare.split()) < 4:
                continue
            first = next((s for s in doc.sentences if body.start <= s.start < body.end), None)
            if first is None or _bare(first.of(text)) != bare:
                continue
            if tag is None and first.end >= body.end - 1:
                continue  # the whole paragraph is the copy: duplicate-line reports it
            dropped = f' (its tag "{tag.group().strip()}" dropped)' if tag else ""
            found.append(self.finding(
                first, f"the headline repeated as the first sentence{dropped}",
                evidence={"text": first.of(text), "headline": title.strip()},
            ))
        return found
