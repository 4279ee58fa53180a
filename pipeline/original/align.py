"""Sentence alignment of an original with its English translation (Gale–Church).

Over 400 lines: the costs, the dynamic programme and the links it yields are read together.

The aligner is the length-based dynamic programme of Gale & Church (1993): a bead links
0–2 original sentences with 0–2 English ones (1-1, 1-0, 0-1, 2-1, 1-2), and costs
``-log P(bead type) - log P(length match)``, where the length match is
``delta = (l_zh * c - l_en) / sqrt(s2 * (l_zh + l_en / c) / 2)`` under a standard normal
(two-tailed); a bead with one side empty costs its prior only (see ``length_cost``: the
formula would make every long omitted sentence cheaper to merge into a neighbour than to
leave unlinked). ``c`` (English characters per original character) and ``s2`` (the variance
per character) are estimated from the document pair itself, not taken from a language
table: a first pass uses ``c`` = total English / total original length and a prior
``s2 = 2 c²``; a second pass re-estimates both from the 1-1 links of the first.

Lengths: the original's sentences are measured by its language's rules (for Chinese,
``pipeline.original.zh.zh_length``: a Han character 1, any other non-space character 1/3);
on the English side every non-space character counts 1, and a Han character left in the
English (an untranslated sentence) counts ``c``, so a sentence copied through still aligns
with its original.

Two optional signals sharpen the costs: numbers found on both sides of a bead (anchors,
``ANCHOR_WEIGHT`` nats each, in favour when they match and against when they do not;
``pipeline.original.numbers``) and, when the translation model has translated the original
sentences, the chrF of that translation against the English (``SIMILARITY_WEIGHT`` times the
gain over the document's typical chrF between unrelated sentences). Multi-sentence beads
never cross a paragraph boundary on either side.

The ``zh`` names of this module (``Link.zh``, ``l_zh``, ``zh_text``) are the original's side
in any language; they are kept because the report's alignment keys (``zh``, ``zh_span``) use them.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

import regex

from pipeline.core.document import Document, split_paragraphs
from pipeline.core.spans import Span
from pipeline.original.numbers import Number, en_numbers
from pipeline.original.zh import split_zh_sentences, zh_length, zh_numbers

_HAN = regex.compile(r"\p{Han}")
_SPACE = regex.compile(r"\s")


def en_length(sentence: str, ratio: float = 3.0) -> float:
    """Non-space characters; a Han character (left untranslated) counts ``ratio``."""
    not_space, han = _counts(sentence)
    return not_space - han + ratio * han


@lru_cache(maxsize=8192)  # each pass of the aligner measures every sentence again, at another ratio
def _counts(sentence: str) -> tuple[int, int]:
    # the spaces are counted, not the rest: a list of every other character costs 4x as much
    not_space = len(sentence) - len(_SPACE.findall(sentence))
    return not_space, (0 if sentence.isascii() else len(_HAN.findall(sentence)))


# --- the aligner ------------------------------------------------------------------------

# Bead priors of Gale & Church (1993), Table 5: 1-1 .89, 1-0/0-1 .0099, 2-1/1-2 .089.
PRIORS: dict[tuple[int, int], float] = {(1, 1): 0.89, (1, 0): 0.0099, (0, 1): 0.0099, (2, 1): 0.089, (1, 2): 0.089}
ANCHOR_WEIGHT = 1.5  # nats per number matched (-) or unmatched (+) in a bead
MAX_ANCHORS = 3  # numbers counted per bead, so a table of figures cannot swamp the lengths
SIMILARITY_WEIGHT = 6.0  # nats per unit of chrF/100 above the document's unrelated-pair chrF
FULL_TABLE = 400 * 400  # cells searched whole; beyond, a beam (ordinary articles are far below)
BEAM = 50  # cells either side of the path so far on long documents: the longest detour followed
MIN_LINKS_TO_ESTIMATE = 4  # fewer confident 1-1 links: keep the first pass's estimates
_LOG_PRIOR = {bead: -math.log(p) for bead, p in PRIORS.items()}


@dataclass(frozen=True)
class Link:
    """A bead: Chinese sentence indexes, English sentence indexes, and their spans.

    An empty side has an empty span at the place where its sentences would be: for an
    omission (no English), the point in the English text where the translation is missing.
    """

    zh: tuple[int, ...]
    en: tuple[int, ...]
    zh_span: Span
    en_span: Span
    cost: float = 0.0
    similarity: float | None = None  # chrF/100 of the model's translation, when there was one

    @property
    def kind(self) -> str:
        return f"{len(self.zh)}-{len(self.en)}"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "zh": list(self.zh),
            "en": list(self.en),
            "zh_span": [self.zh_span.start, self.zh_span.end],
            "en_span": [self.en_span.start, self.en_span.end],
            "cost": round(self.cost, 3),
        }
        if self.similarity is not None:
            out["similarity"] = round(self.similarity, 3)
        return out


@dataclass(frozen=True)
class Alignment:
    """The links of a Chinese text and its English, with the estimates that produced them."""

    links: tuple[Link, ...]
    zh_sentences: tuple[Span, ...]
    en_sentences: tuple[Span, ...]
    ratio: float  # English characters per Chinese character (c)
    variance: float  # s2, per Chinese character
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def signature(self) -> str:
        """``gale-church|ratio:3.05|var:18.2|anchors:yes|sim:chrF`` — enough to redo the alignment."""
        parts = [f"gale-church|ratio:{self.ratio:.3f}|var:{self.variance:.2f}"]
        parts.append(f"anchors:{'yes' if self.settings.get('anchors') else 'no'}")
        parts.append(f"sim:{'chrF' if self.settings.get('similarity') else 'none'}")
        return "|".join(parts)

    def link_of_en(self, index: int) -> Link | None:
        return self._link_by_sentence[1].get(index)

    def link_of_zh(self, index: int) -> Link | None:
        return self._link_by_sentence[0].get(index)

    @cached_property
    def _link_by_sentence(self) -> tuple[dict[int, Link], dict[int, Link]]:
        # built once: a lookup per flagged sentence must not scan every link
        return ({i: link for link in self.links for i in link.zh}, {j: link for link in self.links for j in link.en})

    def pairs(self) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
        return [(link.zh, link.en) for link in self.links]

    def to_dict(self) -> dict[str, Any]:
        return {"signature": self.signature, "links": [link.to_dict() for link in self.links]}


def _log_two_tail(x: float) -> float:
    """log P(|Z| >= x) for a standard normal Z, stable far into the tail."""
    y = x / math.sqrt(2.0)
    tail = math.erfc(y)
    if tail > 1e-300:
        return math.log(tail)
    return -y * y - math.log(y * math.sqrt(math.pi))  # asymptotic expansion of erfc


def length_cost(l_zh: float, l_en: float, ratio: float, variance: float) -> float:
    """``-log P(length match)`` of Gale & Church for a bead of these lengths.

    A bead with one side empty has no translation whose length could match: it costs
    nothing here, only its prior. (Gale & Church's formula would charge it for the
    "mismatch" of its whole length, which grows with the sentence, so that any long
    omitted sentence is cheaper to merge into a neighbour's 2-1 bead than to leave
    unlinked, and omissions, which this aligner exists to find, are never found.)
    """
    if l_zh == 0 or l_en == 0:
        return 0.0
    mean = (l_zh + l_en / ratio) / 2
    delta = (l_zh * ratio - l_en) / math.sqrt(max(mean, 1e-9) * variance)
    return -_log_two_tail(abs(delta))


@dataclass
class Side:
    """One side of an alignment: a length per unit (sentence, paragraph) and its paragraph."""

    lengths: list[float]
    paragraphs: list[int]  # paragraph index of each sentence


def default_band(n: int, m: int, band: int | None = None) -> int | None:
    """``band`` if given; else the whole table of ``n x m`` cells when it is small, a beam when not."""
    if band is None and n * m > FULL_TABLE:
        return BEAM
    return band


# The beads in the order they are tried (ties go to the first): (zh sentences, en sentences, -log prior).
_BEADS = tuple((di, dj, _LOG_PRIOR[(di, dj)]) for di, dj in ((1, 1), (1, 0), (0, 1), (2, 1), (1, 2)))
_NO_BEAD = 255
_DI = tuple(di for di, _, _ in _BEADS)
BOUND_MIN_CELLS = 100  # from this many cells a whole-table search is bounded (``_Bound``)
BOUND_BEAM = 3  # the beam whose path gives the bound
_MARGIN = 1e-9  # relative: rounding in the sums of costs is far below it
_COSTED = (1, 2, 0, 3, 4)  # 1-0 and 0-1 (no length cost) first, then 1-1, 2-1, 1-2
_BELOW = 1 - 1e-9  # y² scaled down a little: a bound below the computed length cost, whatever its rounding


def _bead_lengths(lengths: list[float], paragraphs: list[int], k: int) -> tuple[float | None, ...]:
    """Length of the 0, 1 and 2 sentences ending before ``k`` (None: no such bead side)."""
    one = lengths[k - 1] if k >= 1 else None
    two = lengths[k - 2] + lengths[k - 1] if k >= 2 and paragraphs[k - 2] == paragraphs[k - 1] else None
    return (0.0, one, two)


def align_lengths(
    zh: Side,
    en: Side,
    ratio: float,
    variance: float,
    extra_cost: Callable[[int, int, int, int], float] | None = None,
    band: int | None = None,
    known: Sequence[tuple[tuple[int, ...], tuple[int, ...]]] | None = None,
) -> list[tuple[tuple[int, ...], tuple[int, ...], float]]:
    """The cheapest monotone sequence of beads covering both sides (dynamic programming).

    ``extra_cost(i0, i1, j0, j1)`` adds to the cost of the bead of zh[i0:i1] and en[j0:j1].
    ``band`` (default: none up to ``FULL_TABLE`` cells, else ``BEAM``) makes the search a beam: row ``i`` searches only the
    ``band`` cells either side of row ``i - 1``'s cheapest cell (the last row reaches to
    ``m``). The beam follows the alignment wherever it goes (an omitted paragraph, sides
    that split sentences differently), so ``band`` needs to cover only a local detour, and
    the work is at most ``n x (2 band + 1)`` cells, linear in the document, where a band
    around the diagonal had to widen with the difference in sentence counts.
    Memory: a row of costs (8 bytes a cell) and back pointers (1 byte) per searched cell.
    A whole table of ``BOUND_MIN_CELLS`` or more is searched bounded (``_Bound``): a cell that
    no path as cheap as a known one (a narrow beam's, or ``known``: beads covering both sides,
    such as an earlier pass's) can pass is left out, and in each cell a bead is costed
    only when even its least cost can beat the best so far, so the result is the whole
    table's, bit for bit, from a fraction of the cells and of the erfc calls.
    """
    n, m = len(zh.lengths), len(en.lengths)
    band = default_band(n, m, band)
    inf = math.inf
    # Row i holds cells lo[i] .. lo[i] + len(cost[i]) - 1; back[i] the bead that reached each.
    lows: list[int] = []
    costs: list[array[float]] = []
    backs: list[bytearray] = []
    best_j = 0
    en_beads = [_bead_lengths(en.lengths, en.paragraphs, j) for j in range(m + 1)]
    # The loop below is the aligner's whole cost: ``length_cost`` is inlined with the same
    # arithmetic, in the same order, so the costs (and the beads chosen) are bit-identical.
    sqrt, erfc, log = math.sqrt, math.erfc, math.log
    root2, rootpi = math.sqrt(2.0), math.sqrt(math.pi)
    en_scaled = [tuple(None if x is None else x / ratio for x in el) for el in en_beads]
    # the anchors' sets per bead side, read in the loop rather than calling the cost per cell
    anchors = extra_cost if isinstance(extra_cost, AnchorCost) else None
    en_sets = [AnchorCost.bead_sets(anchors.en, j) for j in range(m + 1)] if anchors else []
    anchor_cost = AnchorCost.of
    # On a whole table, cells that no path cheaper than a known one can pass are left out (see
    # ``_Bound``): the same cheapest path, in a fraction of the cells.
    # (not with another extra cost, chrF's: it has no floor the bound could use)
    bounded = band is None and n * m >= BOUND_MIN_CELLS and (extra_cost is None or anchors is not None)
    bound = _Bound.of(zh, en, ratio, variance, anchors, known) if bounded else None
    for i in range(n + 1):
        if bound is not None:
            lo, hi = bound.span(i, lows, costs)
        elif band is None:
            lo, hi = 0, m
        else:
            lo, hi = max(0, best_j - band), (m if i == n else min(m, best_j + band))
        zl = _bead_lengths(zh.lengths, zh.paragraphs, i)
        row: list[float] = []
        back = bytearray()
        # the rows a bead of di Chinese sentences starts in (di = 0 is this row, as it fills)
        starts = (
            (row, lo),
            (costs[i - 1], lows[i - 1]) if i >= 1 else None,
            (costs[i - 2], lows[i - 2]) if i >= 2 else None,
        )
        # the beads that can end in this row, with what they need of it, in the order they are
        # costed: those without a length cost first, so that a bead with one is skipped when
        # even its least length cost cannot beat them (ties still go to the first in _BEADS)
        zh_sets = AnchorCost.bead_sets(anchors.zh, i) if anchors else (None, None, None)
        beads_here = [
            (k, dj, prior, zl[di], zl[di] * ratio, start[0], start[1], zh_sets[di])
            for k, (di, dj, prior) in ((k, _BEADS[k]) for k in _COSTED)
            if zl[di] is not None and (start := starts[di]) is not None
        ]
        j = lo - 1
        while j < hi or (bound is not None and j < m and row and row[-1] != inf):
            j += 1  # past ``hi`` (a bounded row), only while the 0-1 bead keeps the row alive
            if i == 0 and j == 0:
                row.append(0.0)
                back.append(_NO_BEAD)
                continue
            el, scaled = en_beads[j], en_scaled[j]
            best, arg = inf, _NO_BEAD
            for k, dj, prior, l_zh, zh_scaled, prev_row, prev_lo, zh_anchors in beads_here:
                l_en = el[dj]
                if l_en is None:
                    continue
                at = j - dj - prev_lo
                if at < 0 or at >= len(prev_row):
                    continue
                c = prev_row[at]
                if c == inf:
                    continue
                c = c + prior
                extra = None
                if anchors is not None:
                    en_anchors = en_sets[j][dj]
                    if zh_anchors or en_anchors:  # AnchorCost.of, inlined: most sentences have no number
                        extra = anchor_cost(zh_anchors, en_anchors)
                elif extra_cost is not None:
                    extra = extra_cost(i - _DI[k], i, j - dj, j)
                if (c if extra is None else c + extra) > best:
                    continue  # a length cost is never negative
                if l_zh and l_en:
                    mean = (l_zh + scaled[dj]) / 2
                    delta = (zh_scaled - l_en) / sqrt((mean if mean > 1e-9 else 1e-9) * variance)
                    y = abs(delta) / root2
                    # -log erfc(y) >= y², so this bead costs at least ``least``: when that is more
                    # than the best so far, its erfc and log are not needed (float sums are
                    # monotone, and _BELOW leaves room for their rounding)
                    least = c + y * y * _BELOW
                    if (least if extra is None else least + extra) > best:
                        continue
                    tail = erfc(y)
                    c = c + -(log(tail) if tail > 1e-300 else -y * y - log(y * rootpi))
                else:
                    c = c + 0.0
                if extra is not None:
                    c += extra
                if c < best or (c == best and k < arg):
                    best, arg = c, k
            if bound is not None and best != inf and bound.beyond(best, i, j):
                best, arg = inf, _NO_BEAD
            row.append(best)
            back.append(arg)
        if bound is not None:  # keep the row from its first live cell to its last
            live = [k for k, c in enumerate(row) if c != inf]
            first, last = (live[0], live[-1] + 1) if live else (0, 0)
            lo, row, back = lo + first, row[first:last], back[first:last]
        lows.append(lo)
        costs.append(array("d", row))
        backs.append(back)
        if band is not None and row:  # only a beam follows the cheapest cell
            best_j = lo + min(range(len(row)), key=row.__getitem__)
    if bound is not None and (not costs[n] or lows[n] + len(costs[n]) - 1 != m):
        # the bound left out the last cell: cannot happen for a bound that is one path's cost,
        # but if rounding ever made it so, the whole table decides
        return align_lengths(zh, en, ratio, variance, extra_cost, band=max(n, m) + 1)
    return _backtrack(n, m, lows, costs, backs)


class _Bound:
    """What makes a whole-table search skip cells, exactly: ``limit``, the cost of one full path
    (the cheapest a beam of ``BOUND_BEAM`` finds, or ``known``: an earlier pass's, costed
    anew), which the cheapest path costs at most; and,
    for each cell, a floor under what any path from it to the end costs. A cell whose own cost
    plus that floor exceeds the limit is on no path as cheap as the cheapest, so leaving it out
    (its cost infinite) changes no cell of the cheapest path, nor the bead that reached it.

    The floor: the priors of the fewest-cost beads that can cover the sentences left on each
    side (``_prior_floor``; a length cost is never negative), less the most the numbers can
    give back (``ANCHOR_WEIGHT`` for each of at most ``MAX_ANCHORS`` numbers of a sentence left,
    on the side with fewer). ``_MARGIN`` keeps rounding from deciding.
    """

    def __init__(self, n: int, m: int, limit: float, zh_numbers: list[float], en_numbers: list[float]) -> None:
        self.n, self.m, self.limit = n, m, limit + _MARGIN * (1.0 + abs(limit))
        self.zh_numbers, self.en_numbers = zh_numbers, en_numbers

    @classmethod
    def of(
        cls,
        zh: Side,
        en: Side,
        ratio: float,
        variance: float,
        anchors: AnchorCost | None,
        known: Sequence[tuple[tuple[int, ...], tuple[int, ...]]] | None = None,
    ) -> _Bound | None:
        """The bound from the path ``known`` (an earlier pass's beads), else from the beam's."""
        n, m = len(zh.lengths), len(en.lengths)
        if known is not None:
            limit = sum(_bead_cost(zi, ei, zh, en, ratio, variance, anchors) for zi, ei in known)
        else:
            try:
                beads = align_lengths(zh, en, ratio, variance, anchors, band=BOUND_BEAM)
            except RuntimeError:  # no path within the beam: search the whole table
                return None
            limit = sum(cost for _, _, cost in beads)

        def gains(numbers: Sequence[frozenset[float]] | None, count: int) -> list[float]:
            out = [0.0] * (count + 1)
            for k in range(count - 1, -1, -1):
                out[k] = out[k + 1] + (ANCHOR_WEIGHT * min(len(numbers[k]), MAX_ANCHORS) if numbers else 0.0)
            return out

        return cls(n, m, limit, gains(anchors.zh if anchors else None, n), gains(anchors.en if anchors else None, m))

    def beyond(self, cost: float, i: int, j: int) -> bool:
        floor = _prior_floor(self.n - i, self.m - j) - min(self.zh_numbers[i], self.en_numbers[j])
        return cost + floor > self.limit

    def span(self, i: int, lows: list[int], costs: list[array[float]]) -> tuple[int, int]:
        """The cells of row ``i`` the beads from the rows above reach (before the 0-1 bead)."""
        if i == 0:
            return 0, 0
        above = [(lows[k], lows[k] + len(costs[k]) - 1) for k in (i - 1, i - 2) if k >= 0 and len(costs[k])]
        if not above:
            return 0, -1  # nothing alive above: nothing here either
        return min(a for a, _ in above), min(self.m, max(b for _, b in above) + 2)


def _bead_cost(
    zi: tuple[int, ...],
    ei: tuple[int, ...],
    zh: Side,
    en: Side,
    ratio: float,
    variance: float,
    anchors: AnchorCost | None,
) -> float:
    """What ``align_lengths`` charges for the bead of zh[zi] and en[ei] (up to rounding)."""
    cost = _LOG_PRIOR[(len(zi), len(ei))]
    cost += length_cost(sum(zh.lengths[i] for i in zi), sum(en.lengths[j] for j in ei), ratio, variance)
    if anchors is not None:
        i0, j0 = zi[0] if zi else 0, ei[0] if ei else 0
        cost += anchors(i0, i0 + len(zi), j0, j0 + len(ei))
    return cost


def _prior_floor(a: int, b: int) -> float:
    """The least the bead priors of a path covering ``a`` and ``b`` sentences can cost: 2-1 (or
    1-2) beads for as much of the difference as the shorter side allows, 1-0 (0-1) for the rest
    of it, 1-1 for what is left; any other mix costs more."""
    d, s = abs(a - b), min(a, b)
    k = min(d, s)
    return k * _LOG_PRIOR[(2, 1)] + (d - k) * _LOG_PRIOR[(1, 0)] + (s - k) * _LOG_PRIOR[(1, 1)]


def _backtrack(
    n: int, m: int, lows: list[int], costs: Sequence[Sequence[float]], backs: list[bytearray]
) -> list[tuple[tuple[int, ...], tuple[int, ...], float]]:
    """The beads of the cheapest path, from the last cell back (see ``align_lengths``)."""
    if costs[n][m - lows[n]] == math.inf:  # the last row always reaches m; a cell can still be unreachable
        raise RuntimeError("align_lengths: no alignment within the band; widen it")
    beads = []
    i, j = n, m
    while (i, j) != (0, 0):
        di, dj, _ = _BEADS[backs[i][j - lows[i]]]
        i0, j0 = i - di, j - dj
        beads.append((tuple(range(i0, i)), tuple(range(j0, j)), costs[i][j - lows[i]] - costs[i0][j0 - lows[i0]]))
        i, j = i0, j0
    return beads[::-1]


def paragraph_index(paragraphs: Sequence[Span], sentences: Sequence[Span]) -> list[int]:
    """The index of the paragraph each sentence lies in (both in text order)."""
    out, p = [], 0
    for s in sentences:
        while p + 1 < len(paragraphs) and paragraphs[p].end <= s.start:
            p += 1
        out.append(p)
    return out


class AnchorCost:
    """The cost of a bead's numbers: ``ANCHOR_WEIGHT`` nats per number both sides share (-)
    or one side lacks (+), at most ``MAX_ANCHORS`` of each. A callable like any
    ``extra_cost``; ``align_lengths`` reads ``bead_sets`` instead of calling it per cell."""

    def __init__(self, zh: Sequence[frozenset[float]], en: Sequence[frozenset[float]]) -> None:
        self.zh, self.en = zh, en

    @staticmethod
    def bead_sets(numbers: Sequence[frozenset[float]], k: int) -> tuple[frozenset[float] | None, ...]:
        """The numbers of the 0, 1 and 2 sentences ending before ``k`` (None: no such bead side)."""
        one = numbers[k - 1] if k >= 1 else None
        two = numbers[k - 2] | numbers[k - 1] if k >= 2 else None
        return (_EMPTY, one, two)

    @staticmethod
    def of(a: frozenset[float], b: frozenset[float]) -> float:
        if not a and not b:
            return 0.0  # most sentences have no number
        matched = min(len(a & b), MAX_ANCHORS)
        unmatched = min(len(a ^ b), MAX_ANCHORS)
        return ANCHOR_WEIGHT * (unmatched - matched)

    def __call__(self, i0: int, i1: int, j0: int, j1: int) -> float:
        # beads hold 0-2 sentences a side
        zh, en = self.zh, self.en
        a = zh[i0] if i1 - i0 == 1 else (_EMPTY if i1 == i0 else zh[i0] | zh[i0 + 1])
        b = en[j0] if j1 - j0 == 1 else (_EMPTY if j1 == j0 else en[j0] | en[j0 + 1])
        return self.of(a, b)


_EMPTY: frozenset[float] = frozenset()


def _similarity_cost(
    zh_texts: Sequence[str], en_texts: Sequence[str], translations: Mapping[str, str]
) -> tuple[Callable[[int, int, int, int], float], dict[tuple[int, int, int, int], float]]:
    from sacrebleu.metrics import CHRF

    chrf = CHRF()
    memo: dict[tuple[int, int, int, int], float] = {}

    def sim(i0: int, i1: int, j0: int, j1: int) -> float:
        key = (i0, i1, j0, j1)
        if key not in memo:
            hyp = " ".join(translations.get(zh_texts[i], "") for i in range(i0, i1))
            ref = " ".join(en_texts[j0:j1])
            memo[key] = chrf.sentence_score(hyp, [ref]).score / 100 if hyp.strip() and ref.strip() else 0.0
        return memo[key]

    # The typical chrF of unrelated sentences: the median over each Chinese sentence's
    # candidates near the diagonal, most of which are not its translation.
    n, m = len(zh_texts), len(en_texts)
    width = 6  # a sample, whatever the band: n x 13 chrF scores
    samples = []
    for i in range(n):
        centre = int(i * m / n) if n else 0
        samples.extend(sim(i, i + 1, j, j + 1) for j in range(max(0, centre - width), min(m, centre + width + 1)))
    samples.sort()
    baseline = samples[len(samples) // 2] if samples else 0.0

    def cost(i0: int, i1: int, j0: int, j1: int) -> float:
        if i0 == i1 or j0 == j1:
            return 0.0
        return SIMILARITY_WEIGHT * (baseline - sim(i0, i1, j0, j1))

    return cost, memo


def align_texts(
    src: Sequence[str],
    tgt: Sequence[str],
    src_paragraphs: Sequence[int],
    tgt_paragraphs: Sequence[int],
    *,
    src_length: Callable[[str], float] = zh_length,
    tgt_length: Callable[[str, float], float] = en_length,
    extra: Callable[[int, int, int, int], float] | None = None,
    band: int | None = None,
) -> tuple[list[tuple[tuple[int, ...], tuple[int, ...], float]], float, float]:
    """Beads of two lists of sentences, with the length ratio and variance they were found with.

    ``tgt_length(text, ratio)`` may use the ratio (a Han character left in English counts
    ``ratio``). Two passes: the first with ``c`` from the totals and the prior ``s2 = 2 c²``,
    the second with both re-estimated from the first pass's 1-1 beads (``s2`` kept within
    [0.5 c², 10 c²]), when there are at least ``MIN_LINKS_TO_ESTIMATE`` of them.
    """
    src_len = [src_length(t) for t in src]
    plain = [tgt_length(t, 0.0) for t in tgt]
    ratio = (sum(plain) / sum(src_len)) if sum(src_len) > 0 and sum(plain) > 0 else 3.0
    variance = 2.0 * ratio * ratio
    src_side = Side(src_len, list(src_paragraphs))
    beads: list[tuple[tuple[int, ...], tuple[int, ...], float]] = []
    for second in (False, True):
        tgt_side = Side([tgt_length(t, ratio) for t in tgt], list(tgt_paragraphs))
        # the second pass is bounded by the first one's path, costed anew (see ``_Bound``)
        known = [(a, b) for a, b, _ in beads] if second else None
        beads = align_lengths(src_side, tgt_side, ratio, variance, extra, band, known=known)
        ones = [(src_len[a[0]], tgt_side.lengths[b[0]]) for a, b, _ in beads if len(a) == 1 and len(b) == 1]
        ones = [(a, b) for a, b in ones if a > 0 and b > 0]
        if len(ones) < MIN_LINKS_TO_ESTIMATE:
            break
        ratio = sum(b for _, b in ones) / sum(a for a, _ in ones)
        s2 = sum((a * ratio - b) ** 2 / ((a + b / ratio) / 2) for a, b in ones) / len(ones)
        variance = min(max(s2, 0.5 * ratio * ratio), 10.0 * ratio * ratio)
    return beads, ratio, variance


def align(
    zh_text: str,
    en: Document | str,
    *,
    anchors: bool = True,
    translations: Mapping[str, str] | None = None,
    zh_sentences: Sequence[Span] | None = None,
    band: int | None = None,
    src_length: Callable[[str], float] = zh_length,
    src_numbers: Callable[[str], list[Number]] = zh_numbers,
) -> Alignment:
    """Align the sentences of a Chinese text with those of its English translation.

    ``en`` is the English ``Document`` (its ``sentences`` are used) or its text.
    ``translations`` maps Chinese sentence texts to the model's English for them (from
    ``Translator.translate``); when given, chrF between that and the English sharpens the
    costs. ``band`` makes the search a beam of that many sentences either side of the
    path found so far (see ``align_lengths``); by default the whole table is searched up to
    ``FULL_TABLE`` cells, beyond that a beam of ``BEAM``, so a long document costs time
    linear in its length. An original in another language passes its sentences, length
    and number parser (``pipeline.original.rules``).
    """
    doc = en if isinstance(en, Document) else Document.from_text(en)
    zh_spans = list(zh_sentences) if zh_sentences is not None else split_zh_sentences(zh_text)
    en_spans = list(doc.sentences)
    zh_texts = [s.of(zh_text) for s in zh_spans]
    en_texts = [s.of(doc.text) for s in en_spans]
    n, m = len(zh_spans), len(en_spans)
    band = default_band(n, m, band)

    zh_paragraphs = paragraph_index(split_paragraphs(zh_text), zh_spans)
    zh_numbers_ = [frozenset(x.key for x in src_numbers(t) if x.strict) for t in zh_texts]
    en_numbers_ = [frozenset(x.key for x in en_numbers(t) if x.strict) for t in en_texts]

    extras: list[Callable[[int, int, int, int], float]] = []
    if anchors:
        extras.append(AnchorCost(zh_numbers_, en_numbers_))
    memo: dict[tuple[int, int, int, int], float] = {}
    if translations:
        sim_cost, memo = _similarity_cost(zh_texts, en_texts, translations)
        extras.append(sim_cost)

    def extra(i0: int, i1: int, j0: int, j1: int) -> float:
        return sum(f(i0, i1, j0, j1) for f in extras)

    beads, ratio, variance = align_texts(
        zh_texts,
        en_texts,
        zh_paragraphs,
        paragraph_index(doc.paragraphs, en_spans),
        src_length=src_length,
        extra=(extras[0] if len(extras) == 1 else extra) if extras else None,
        band=band,
    )
    links = _links(beads, zh_spans, en_spans, zh_paragraphs, memo)
    settings = {"anchors": anchors, "similarity": bool(translations), "band": band}
    return Alignment(tuple(links), tuple(zh_spans), tuple(en_spans), ratio, variance, settings)


def _links(
    beads: list[tuple[tuple[int, ...], tuple[int, ...], float]],
    zh_spans: list[Span],
    en_spans: list[Span],
    zh_paragraphs: list[int],
    memo: Mapping[tuple[int, int, int, int], float],
) -> list[Link]:
    links = []
    zh_at, en_at = 0, 0  # where the previous bead ended on each side
    # the start of the first English sentence after each bead (a run of omissions is not rescanned)
    following_at: list[int | None] = [None] * len(beads)
    for k in range(len(beads) - 2, -1, -1):
        ei = beads[k + 1][1]
        following_at[k] = en_spans[ei[0]].start if ei else following_at[k + 1]
    for k, (zi, ei, cost) in enumerate(beads):
        zh_span = Span(zh_spans[zi[0]].start, zh_spans[zi[-1]].end) if zi else Span(zh_at, zh_at)
        if ei:
            en_span = Span(en_spans[ei[0]].start, en_spans[ei[-1]].end)
        else:
            # Missing English goes after the previous English sentence, unless the Chinese
            # sentence opens a paragraph: then before the next English sentence.
            opens = zi and (zi[0] == 0 or zh_paragraphs[zi[0]] != zh_paragraphs[zi[0] - 1])
            following = following_at[k]
            point = (
                following if opens and following is not None else (en_at if en_at or following is None else following)
            )
            en_span = Span(point, point)
        similarity = memo.get((zi[0], zi[-1] + 1, ei[0], ei[-1] + 1)) if zi and ei else None
        links.append(Link(zi, ei, zh_span, en_span, cost, similarity))
        zh_at, en_at = zh_span.end, en_span.end
    return links
