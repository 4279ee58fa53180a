"""``repeated-phrase``: a word or phrase repeated back to back or nearly so.

Over 400 lines because the one pass over the shared word index (runs of copies, the
allowances for speech and lists, the overlap grouping) reads best beside its allowances.

Machine translation repeats what it is unsure of: "reduce poverty reduction, reduce
poverty reduction", "China China relations", "fruits and fruits", "the Fate of the Fate".
English repeats too, on purpose ("had had", "that that", "very very", "more and more",
"side by side", "the best of the best"), and a QA tool that flags those loses its reader,
so each shape has its own exclusions:

- back to back ("X X", "X, X"): single words only when separated by a space (a comma is
  usually rhetoric: "no, no"), never the allow-listed words, never romanised names
  ("Lang Lang", "Bing Dwen Dwen"), never numbers; phrases never starting or ending with
  a conjunction ("on and on and on").
- "X and X": not comparatives ("closer and closer") or the listed intensifiers
  ("again and again", "years and years").
- "X of X": content words only, not superlatives ("the best of the best").
- "X's X": "China's China".

Collapsing an exact repetition to its first copy is a ``rule`` repair; "X of X" and
"X's X" need a translator, so they carry no replacement.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import accumulate, chain, compress, count
from operator import eq, itemgetter
from typing import Any

import regex

from pipeline.checks.base import MAX_PARAGRAPH_CHARS, Check, ConfigurationError, covered, register
from pipeline.checks.resources.words import WORDS_CACHED, word_index
from pipeline.checks.spoken import spoken_restart
from pipeline.core.document import Document
from pipeline.core.findings import Finding, Severity
from pipeline.core.spans import Span

# Words and the gaps between them: split keeps both, so offsets come from their lengths.
# The standard library's engine is about 1.6x faster than ``regex`` at this simple split.
_SPLIT = re.compile(r"([^\W_][\w'’-]*)")
_INNER_GAP = regex.compile(r"[ \t]+")
_COPY_GAP = regex.compile(r"[ \t]*[,;][ \t]*|[ \t]+")
_ARTICLES = frozenset({"the", "a", "an"})
_POSSESSIVE = frozenset({"'s", "'S", "’s", "’S"})

# Words English doubles on purpose (lower case).
_ALLOW_WORDS = frozenset(
    """had that her very bye no yes well so ha haha hee ho hip now there tut knock chop la blah bla boo is do does did far
    many long really too much oh hey hear ding dong tick pom bang boom yeah wow hush go night yum um uh hmm tsk ta woof
    beep choo chug murmur pooh pretty big little quick wait hello hi sure okay ok cha dum bam tom""".split()
)
_ALLOW_PHRASES = frozenset({"thank you", "come on", "go on", "bye now", "so on", "and so on", "oh my", "hear hear"})
_CONJUNCTIONS = frozenset({"and", "or", "but", "nor"})
# Doubled function words are typos even when the first is capitalised ("The the"); not
# "her" ("gave her her keys").
_FUNCTION_WORDS = frozenset(
    "the a an of to in on at for and or but are was were be by with from as this it its their his our we they".split()
)
# "X and X" that English uses to intensify.
_AND_ALLOW = frozenset(
    """more less worse again over on round through by out up down back forth ever miles years hours days weeks months
    decades centuries ages rows layers tons lots piles pages acres times minutes seconds dozens hundreds thousands
    millions""".split()
)
_OF_STOP = frozenset(
    """the a an one two some all any each part most much many more less least best worst first last state friend
    kind sort out king lord song holy""".split()
)
# One syllable of pinyin: "Lang Lang", "Meng Meng" and other reduplicated names.
_PINYIN = regex.compile(
    r"(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?"
    r"(?:a|ai|an|ang|ao|e|ei|en|eng|er|i|ia|ian|iang|iao|ie|in|ing|iong|iu|o|ong|ou|u|ua|uai|uan|uang|ue|ui|un|uo|v|ü)",
    flags=regex.I,
)


@dataclass
class _Hit:
    span: Span
    message: str
    replacement: str | None
    evidence: dict[str, Any] = field(default_factory=dict)
    severity: Severity | None = None  # None: the check's


class _Words:
    """The words of a text with the gaps between them; ``gaps[k]`` precedes word ``k``."""

    def __init__(self, text: str, offset: int = 0) -> None:
        self._parts = parts = _SPLIT.split(text)
        self._offset = offset
        self.words = parts[1::2]
        self.gaps = parts[0::2]
        self.low = list(map(str.lower, self.words))

    @cached_property
    def _ends(self) -> list[int]:
        # offsets only for the spans of hits: most texts have none
        return list(accumulate(map(len, self._parts), initial=self._offset))[1:]

    def __len__(self) -> int:
        return len(self.words)

    def span(self, first: int, last: int) -> Span:
        return Span(self._ends[2 * first], self._ends[2 * last + 1])

    def spaced(self, first: int, last: int) -> bool:
        """Words ``first..last`` are separated by spaces only (no line break, no punctuation)."""
        return all(_INNER_GAP.fullmatch(self.gaps[k]) for k in range(first + 1, last + 1))

    def phrase(self, first: int, n: int) -> str:
        return " ".join(self.words[first : first + n])


def _same_but_first_letter(a: str, b: str) -> bool:
    return a[1:] == b[1:] and a[:1].lower() == b[:1].lower()


class _Run:
    """Copies of an n-word phrase back to back, from word ``first`` to ``end`` (exclusive).

    Suffix tables answer, for a start at any copy, what a scan from there would see:
    whether the later copies are all written alike (an equivalence, so it chains) and
    whether a gap between them holds punctuation.
    """

    def __init__(self, first: int, end: int, n: int, same: list[bool], punctuated: list[bool]) -> None:
        self.first, self.end, self.n = first, end, n
        self._same, self._punctuated = same, punctuated

    @classmethod
    def measure(cls, w: _Words, i: int, n: int) -> _Run | None:
        low, gaps = w.low, w.gaps
        if not w.spaced(i, i + n - 1):
            return None
        k = i + n
        while (
            k + n <= len(w)
            and low[k : k + n] == low[i : i + n]
            and _COPY_GAP.fullmatch(gaps[k])
            and w.spaced(k, k + n - 1)
        ):
            k += n
        if k == i + n:
            return None
        m = (k - i) // n
        same, punctuated = [True] * m, [False] * m
        for j in range(m - 2, -1, -1):
            at = i + j * n
            same[j] = same[j + 1] and _same_but_first_letter(w.phrase(at, n), w.phrase(at + n, n))
            punctuated[j] = punctuated[j + 1] or not gaps[at + n].isspace()
        return cls(i, k, n, same, punctuated)

    def holds(self, i: int) -> bool:
        """``i`` starts a copy with another copy after it."""
        return self.first <= i < self.end - self.n and (i - self.first) % self.n == 0

    def copies_from(self, i: int) -> int:
        return (self.end - i) // self.n

    def same_from(self, i: int) -> bool:
        return self._same[(i - self.first) // self.n]

    def punctuated_from(self, i: int) -> bool:
        return self._punctuated[(i - self.first) // self.n]


@register
class RepeatedPhrase(Check):
    id = "repeated-phrase"
    severity = Severity.MAJOR
    description = 'Word or phrase repeated back to back or nearly so: "fruits and fruits", "China China relations"'
    options = {
        "max_words": 6,  # longest phrase looked for when repeated back to back
        "allow": [],  # extra words or phrases that may repeat (case-insensitive)
    }
    score_name = "share of the text in repeated phrases"

    @classmethod
    def score(cls, findings: Sequence[Finding], text: str, words: int) -> float:
        return covered(findings, text)

    def __init__(self, severity: str | Severity | None = None, **options: Any) -> None:
        super().__init__(severity, **options)
        max_words = self.config["max_words"]
        if not isinstance(max_words, int) or isinstance(max_words, bool) or not 1 <= max_words <= 20:
            raise ConfigurationError(
                f"{type(self).__name__}: max_words must be an integer from 1 to 20, got {max_words!r}"
            )
        allow = self.config["allow"]
        if isinstance(allow, str) or not all(isinstance(a, str) for a in allow):
            raise ConfigurationError(f"{type(self).__name__}: allow must be a list of strings, got {allow!r}")
        self._allow = frozenset(" ".join(a.lower().split()) for a in allow)
        # a word repeated within max_words words, in the text's word codes (see ``_marked``)
        self._square = re.compile(rf"(?=(.{{1,{max_words}}})\1)", re.S)

    def find(self, doc: Document) -> Iterable[Finding]:
        # A block of paragraphs at a time: no shape crosses a line break (each needs spaces
        # or a comma between its words), so this finds what a pass per paragraph finds, with
        # one pass per block instead; memory follows the block, which is bounded. Where the
        # shared word index tells which paragraphs can hold a shape, only those are read.
        found: list[Finding] = []
        paragraphs = doc.paragraphs
        marked = self._marked(doc)
        if marked is None:
            blocks: Iterable[Span] = _blocks(paragraphs)
        else:
            blocks = (p for p, m in zip(paragraphs, marked) if m or len(p) > MAX_PARAGRAPH_CHARS)
        for block in blocks:
            if len(block) > MAX_PARAGRAPH_CHARS:
                found.append(self.too_long(block))
                continue
            w = _Words(block.of(doc.text), block.start)
            hits = [*self._back_to_back(w), *self._and(w), *self._of(w), *self._possessive(w)]
            found.extend(self._finding(group) for group in _overlap_groups(hits))
        return found

    def _marked(self, doc: Document) -> list[bool] | None:
        """For each paragraph, whether it can hold a shape (None: every paragraph can).

        Every shape has a word equal (lower case) to one a few words on: "X X", "X Y X Y",
        "X and X", "X of X", "the X of the X", "X's X" (whose first runs of word characters
        are equal). Each word of the text becomes one character, a code of its first run
        in lower case, so those repeats are found by one regular expression over a string
        of a character per word, in C, not by a Python loop per word.
        """
        text, paragraphs = doc.text, doc.paragraphs
        index = word_index(doc)
        # This check's words are the index's runs joined across apostrophes and hyphens
        # ("China’s" is one word, two runs) where no underscore splits them differently, and
        # equal words have equal first runs where lower case changes ASCII letters only.
        if "_" in text or not all(map(_lowers_ascii_only, index.distinct)):
            return None
        words = index.words
        if not words:
            return [False] * len(paragraphs)
        separate = set(filter(_separates, set(index.gaps)))
        first = list(chain((True,), map(separate.__contains__, index.gaps[1:-1])))  # run k begins a word
        # case folded, as other checks need them; equal words (lower case) fold alike here
        folded = index.casefolded
        others = set(folded) - {"and", "of"}
        if len(others) + 2 > 0x110000:
            return None  # more distinct words than characters
        code = dict(zip(others, map(chr, range(2, len(others) + 2))))
        code.update({"and": "\0", "of": "\1"})
        line = "".join(map(code.__getitem__, compress(folded, first)))  # a character per word
        runs = list(compress(count(), first))  # the first run of each word

        def plain(k: int) -> str | None:
            """Word ``k`` in lower case where it is one run of the index (no apostrophe or hyphen)."""
            run = runs[k]
            if run + 1 < len(first) and not first[run + 1] or index.gaps[run + 1][:1] in ("'", "’", "-"):
                return None
            return words[run].lower()

        # English's own repeats ("had had", "more and more") are left out here as in the shapes
        at = []
        for m in self._square.finditer(line):  # "X X", "X Y X Y", "X's X"
            k = m.start()
            if len(m.group(1)) > 1 or (w := plain(k)) is None or not (w in _ALLOW_WORDS or w in self._allow):
                at.append(k)
        for m in _AND_OF.finditer(line):  # "X and X", "X of X", "the X of the X"
            k = m.start()
            if not 0 < k < len(line) - 1:
                continue
            if line[k] == "\0" and line[k - 1] == line[k + 1]:
                w = plain(k - 1)
                if w is None or not (w in _AND_ALLOW or w in self._allow or w.endswith(("er", "est"))):
                    at.append(k)
            elif line[k] == "\1" and (line[k - 1] == line[k + 1] or line[k - 1 : k] == line[k + 2 : k + 3]):
                at.append(k)
        marked = [False] * len(paragraphs)
        paragraph_starts = [p.start for p in paragraphs]
        for k in at:
            marked[bisect_right(paragraph_starts, index.starts[runs[k]]) - 1] = True
        return marked

    def _back_to_back(self, w: _Words) -> Iterable[_Hit]:
        low = w.low
        # Cheap filter first: a repetition of n words has equal words n apart.
        starts: dict[int, list[int]] = {}
        for n in range(self.config["max_words"], 0, -1):
            for i in compress(count(), map(eq, low, low[n:])):  # the comparisons in C: most of this check's time
                if low[i : i + n] == low[i + n : i + 2 * n]:
                    starts.setdefault(i, []).append(n)
        # A run of copies is measured once per phrase length; a later start inside it reads
        # the run from there (measuring it again from every copy made "0, 0, 0, ..." quadratic).
        runs: dict[tuple[int, int], _Run] = {}  # by (n, phase)
        done = 0
        for i in sorted(starts):
            if i < done:
                continue
            for n in starts[i]:  # longest phrase first
                if n > 1 and len(set(low[i : i + n])) == 1:
                    continue  # "the the the the" is one word four times, not a pair twice
                run = runs.get((n, i % n))
                if run is None or not run.holds(i):
                    run = _Run.measure(w, i, n)
                    if run is None:
                        continue
                    runs[n, i % n] = run
                hit = self._back_to_back_hit(w, i, n, run)
                if hit is not None:
                    yield hit
                    done = run.end
                    break

    def _back_to_back_hit(self, w: _Words, i: int, n: int, run: _Run) -> _Hit | None:
        words = w.words[i : i + n]
        phrase = " ".join(words)
        end, copies, same, punctuated = run.end, run.copies_from(i), run.same_from(i), run.punctuated_from(i)
        if not any(word[0].isalpha() for word in words) or phrase.lower() in self._allow:
            return None  # numbers: "20 20"
        if n == 1:
            if not self._word_repeat_is_error(words[0], same, punctuated):
                return None
        elif not same:
            return None
        elif w.low[i] in _CONJUNCTIONS or w.low[i + n - 1] in _CONJUNCTIONS or phrase.lower() in _ALLOW_PHRASES:
            return None  # "on and on and on", "and so on and so on"
        elif all(word[:1].isupper() for word in words) and punctuated:
            return None  # a name said twice on purpose: "New York, New York"
        elif punctuated and spoken_restart(w.low[i]):
            # "if we, if we": a speaker's restart (transcripts), not MT's doubling; a reviewer decides
            return _Hit(
                w.span(i, end - 1),
                f'"{phrase}" said again after a comma ({copies} times): spoken style, or a repetition to remove',
                None,
                {"kind": "restart", "phrase": phrase, "copies": copies},
                Severity.MINOR,
            )
        if n == 1 and words[0][:1].isupper() and w.low[i] not in _FUNCTION_WORDS:
            # "China China" is an MT artefact, "Walla Walla" a town: a reviewer decides
            return _Hit(
                w.span(i, end - 1),
                f'"{phrase}" repeated back to back ({copies} times); a doubled name is possible, so nothing is removed',
                None,
                {"kind": "back-to-back", "phrase": phrase, "copies": copies, "maybe_name": True},
                Severity.MINOR,
            )
        return _Hit(
            w.span(i, end - 1),
            f'"{phrase}" repeated back to back ({copies} times)',
            phrase,
            {"kind": "back-to-back", "phrase": phrase, "copies": copies},
        )

    @staticmethod
    def _word_repeat_is_error(word: str, same: bool, punctuated: bool) -> bool:
        lower = word.lower()
        if lower in _ALLOW_WORDS or punctuated:  # "had had", "no, no", "We, we will"
            return False
        if lower in _FUNCTION_WORDS:
            return True  # "the the", "The the"
        if not same:
            return False  # "Will will": a name and a verb
        # Capitalised short syllables are names: "Lang Lang", "Bing Dwen Dwen", "Bora Bora".
        if word[:1].isupper() and (len(word) <= 4 or _PINYIN.fullmatch(word)):
            return False
        return True

    def _and(self, w: _Words) -> Iterable[_Hit]:
        low, words = w.low, w.words
        for k in compress(count(), map("and".__eq__, low)):  # the comparisons in C
            if not 1 <= k < len(w) - 1 or low[k - 1] != low[k + 1] or not w.spaced(k - 1, k + 1):
                continue
            word, lower = words[k - 1], low[k - 1]
            if not word[0].isalpha() or not _same_but_first_letter(word, words[k + 1]):
                continue
            if lower in _AND_ALLOW or lower in self._allow or lower.endswith(("er", "est")):
                continue  # "again and again", "closer and closer"
            yield _Hit(
                w.span(k - 1, k + 1),
                f'"{word} and {words[k + 1]}": the same word on both sides of "and"',
                word,
                {"kind": "and", "phrase": word},
            )

    def _of(self, w: _Words) -> Iterable[_Hit]:
        low, words = w.low, w.words
        for k in compress(count(), map("of".__eq__, low)):
            if not 1 <= k < len(w) - 1:
                continue
            if k >= 2 and k + 2 < len(w) and low[k - 2] in _ARTICLES and low[k - 2 : k] == low[k + 1 : k + 3]:
                first, last = k - 2, k + 2  # "the Fate of the Fate"
            elif low[k - 1] == low[k + 1]:
                first, last = k - 1, k + 1
            else:
                continue
            word, lower = words[k - 1], low[k - 1]
            if not word[0].isalpha() or not _same_but_first_letter(word, words[last]) or not w.spaced(first, last):
                continue
            if lower in _OF_STOP or lower in _FUNCTION_WORDS or lower.endswith("est") or lower in self._allow:
                continue  # "the best of the best"
            phrase = w.phrase(first, k - first)
            yield _Hit(
                w.span(first, last),
                f'"{phrase} of {w.phrase(k + 1, last - k)}": a phrase repeated around "of", typical of a garbled translation',
                None,
                {"kind": "of", "phrase": phrase},
            )

    def _possessive(self, w: _Words) -> Iterable[_Hit]:
        words = w.words
        for k in compress(count(), map(_POSSESSIVE.__contains__, map(itemgetter(slice(-2, None)), words))):
            word = words[k]
            if k < len(w) - 1 and len(word) > 2 and word[:-2] == words[k + 1] and w.spaced(k, k + 1):
                if word[0].isalpha() and word[:-2].lower() not in self._allow:
                    yield _Hit(
                        w.span(k, k + 1),
                        f'"{word} {words[k + 1]}": a word repeated after its own possessive',
                        None,
                        {"kind": "possessive", "phrase": words[k + 1]},
                    )

    def _finding(self, group: list[_Hit]) -> Finding:
        if len(group) == 1:
            hit = group[0]
            origin = "rule" if hit.replacement is not None else None
            return self.finding(
                hit.span,
                hit.message,
                replacement=hit.replacement,
                origin=origin,
                evidence=hit.evidence,
                severity=hit.severity or self.severity,
            )
        # Overlapping shapes ("China's China China"): one finding, and no repair is unambiguous.
        span = Span(min(h.span.start for h in group), max(h.span.end for h in group))
        return self.finding(
            span,
            "; ".join(h.message for h in group),
            evidence={"kind": "overlapping", "parts": [h.evidence for h in group]},
        )


_AND_OF = re.compile("[\0\1]")  # the codes of "and" and "of" (``RepeatedPhrase._marked``)


@lru_cache(maxsize=WORDS_CACHED)
def _lowers_ascii_only(word: str) -> bool:
    """``str.lower`` changes no character of ``word`` but ASCII letters (so it keeps its runs)."""
    return word.isascii() or all(c.isascii() or c.lower() == c for c in word)


def _separates(gap: str) -> bool:
    """The runs on either side of ``gap`` are two of this check's words, not one."""
    return not gap or bool(gap.strip("'’-"))


BLOCK_CHARS = 1 << 16


def _blocks(paragraphs: Iterable[Span]) -> Iterator[Span]:
    """Runs of consecutive paragraphs up to ``BLOCK_CHARS``; a paragraph over the check's
    limit is a block of its own."""
    block: Span | None = None
    for para in paragraphs:
        if block is not None and (len(para) > MAX_PARAGRAPH_CHARS or para.end - block.start > BLOCK_CHARS):
            yield block
            block = None
        if len(para) > MAX_PARAGRAPH_CHARS:
            yield para
        elif block is None:
            block = para
        else:
            block = Span(block.start, para.end)
    if block is not None:
        yield block


def _overlap_groups(hits: list[_Hit]) -> list[list[_Hit]]:
    groups: list[list[_Hit]] = []
    end = -1
    for hit in sorted(hits, key=lambda h: (h.span.start, h.span.end)):
        if groups and hit.span.start < end:
            groups[-1].append(hit)
            end = max(end, hit.span.end)
        else:
            groups.append([hit])
            end = hit.span.end
    return groups
