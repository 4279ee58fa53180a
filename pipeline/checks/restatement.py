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
from bisect import bisect_left
from collections.abc import Iterable
from functools import lru_cache
from itertools import compress, count
from operator import eq

from pipeline.checks.base import Check, register
from pipeline.checks.glued import FUNCTION_WORDS
from pipeline.checks.resources.words import WORDS_CACHED, word_index
from pipeline.core.document import Document
from pipeline.core.findings import Finding, Severity
from pipeline.core.spans import Span

_CLAUSE_BREAK = re.compile(r"[^A-Za-z\s'’-]")
_JOINERS = frozenset("and or but nor to from than versus vs by into with".split())
_LOWER_WORD = re.compile(r"[a-z]+")
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
        words, starts, ends = word_index(doc).latin  # the words of ``[A-Za-z]+``
        found = []
        # The common case, decided cheaply (in C): no word of the next three shares the first
        # five letters, among the words that can be one of a pair (five letters or more, not
        # capitalised): the shorter words and names are dropped before comparing.
        pairable = list(compress(count(), map(_pairable, words)))
        head = list(map(_head, map(words.__getitem__, pairable)))
        near = sorted(
            {
                pairable[t]
                for k in (1, 2, 3)
                for t in compress(count(), map(eq, head, head[k:]))
                if pairable[t + k] - pairable[t] <= 3
            }
        )
        for i in near:
            a, wa = words[i], words[i].lower()
            if wa in FUNCTION_WORDS:
                continue
            for j in range(i + 1, min(i + 4, len(words))):
                b = words[j]
                wb = b.lower()
                between = text[ends[i] : starts[j]]
                if _CLAUSE_BREAK.search(between):
                    break
                if wb == wa or len(wb) < 5 or b[0].isupper():
                    continue
                if any(w.lower() in _JOINERS for w in words[i + 1 : j]):
                    break
                stem = os.path.commonprefix([wa, wb])
                if len(stem) >= 5 and len(stem) >= 0.75 * min(len(wa), len(wb)):
                    found.append(
                        self.finding(
                            Span(starts[i], ends[j]),
                            f'one word in two forms: "{a}" ... "{b}"',
                            evidence={"text": text[starts[i] : ends[j]], "stem": stem},
                        )
                    )
                    break
        return found


@lru_cache(maxsize=WORDS_CACHED)
def _pairable(word: str) -> bool:
    return len(word) >= 5 and not word[0].isupper()


@lru_cache(maxsize=WORDS_CACHED)
def _head(word: str) -> str:
    return word[:5].lower()


@register
class RepeatedModifier(Check):
    id = "repeated-modifier"
    severity = Severity.MINOR
    description = 'A coordinated pair repeating its modifier: "joint defense and joint control"'

    def find(self, doc: Document) -> Iterable[Finding]:
        # A match of the pair's pattern is five whole words of the index around an "and",
        # spaced by single spaces; matches do not overlap, as with ``finditer``.
        index = word_index(doc)
        words, gaps = index.words, index.gaps
        found = []
        done = 0
        for k in index.where("and".__eq__):
            if k < 2 or k + 2 >= len(words) or index.starts[k - 2] < done:
                continue
            if gaps[k - 1] != " " or gaps[k] != " " or gaps[k + 1] != " " or gaps[k + 2] != " ":
                continue
            first, noun, second, other = words[k - 2], words[k - 1], words[k + 1], words[k + 2]
            if min(len(first), len(second)) < 4 or min(len(noun), len(other)) < 3:
                continue
            if not all(map(_LOWER_WORD.fullmatch, (first, noun, second, other))):
                continue
            done = index.ends[k + 2]
            if first != second or first in _NOT_MODIFIERS or first.endswith("ly"):
                continue
            pair = doc.text[index.starts[k - 2] : done]
            found.append(
                self.finding(
                    Span(index.starts[k - 2], done),
                    f'"{first}" repeated on both halves: "{pair}"',
                    evidence={"text": pair, "modifier": first},
                )
            )
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
        starts = [s.start for s in doc.sentences]  # in text order: a paragraph's first is found by bisection
        for head, body in zip(doc.paragraphs, doc.paragraphs[1:]):
            title = head.of(text)
            if "\n" in title.strip() or len(title.split()) > 25:
                continue
            tag = _TAG.search(title)
            bare = _bare(_TAG.sub(" ", title))
            if len(bare.split()) < 4:
                continue
            k = bisect_left(starts, body.start)
            first = doc.sentences[k] if k < len(starts) and starts[k] < body.end else None
            if first is None or _bare(first.of(text)) != bare:
                continue
            if tag is None and first.end >= body.end - 1:
                continue  # the whole paragraph is the copy: duplicate-line reports it
            dropped = f' (its tag "{tag.group().strip()}" dropped)' if tag else ""
            found.append(
                self.finding(
                    first,
                    f"the headline repeated as the first sentence{dropped}",
                    evidence={"text": first.of(text), "headline": title.strip()},
                )
            )
        return found
