"""``meaning-flip``: a question, a modal's strength or a comparison's direction reversed between an aligned sentence pair.

Three kinds, each named in the evidence with what was compared:

- ``question``: the Chinese sentence asks (？) and its English does not (no "?"), or the
  English asks and the Chinese does not.
- ``modal``: the Chinese only allows (可能, 也许, 或许, 大概, 恐怕) and the English obliges or
  asserts (must, certainly, definitely, surely, inevitably, bound to); or the Chinese obliges
  (必须, 务必, 一定要, 必然, 必定, 肯定) and the English only allows (may, might, could,
  possibly, perhaps, maybe) with nothing obliging beside it.
- ``comparison``: the Chinese compares upwards (更多, 更大, 更高, 更强, 更快, 更好, 最多, 最大,
  最高) and the English downwards (less, fewer, lower, smaller, weaker, slower, worse, least),
  with nothing downward in the Chinese.

A missing modal or comparative is not a flip (a translation may drop 更 or 可能 and keep its
meaning); only a reversal is. A sentence pair whose Chinese has no Han character is skipped.
``negation`` is the check of the same family for 不/没 and
not/no.
"""

from __future__ import annotations

from collections.abc import Iterable

import regex

from pipeline.checks.base import register_source
from pipeline.checks.source.base import SourceCheck, aligned, where
from pipeline.core.findings import Finding, Severity
from pipeline.original.pair import SourcePair

_HAN = regex.compile(r"\p{Han}")
_ZH_QUESTION = regex.compile(r"[？?]")
_EN_QUESTION = regex.compile(r"\?")

_ZH_WEAK = regex.compile("可能|也许|或许|大概|恐怕")
_ZH_STRONG_ANY = regex.compile("必|须|一定|务|肯定|确定|定将|将会|势必")
_EN_STRONG = regex.compile(r"(?i)\b(?:must|certainly|definitely|surely|inevitabl[ey]|bound\s+to)\b")
_ZH_STRONG = regex.compile("必须|务必|一定要|必然|必定|肯定")
_EN_WEAK = regex.compile(r"(?i)\b(?:may|might|could|possibly|perhaps|maybe)\b")
_EN_STRONG_ANY = regex.compile(
    r"(?i)\b(?:must|have\s+to|has\s+to|had\s+to|need\w*|necessar\w+|certain\w*|definite\w*|sure\w*|inevitabl\w+|"
    r"bound|will|shall|should|requir\w+|ensur\w+|essential|imperative)\b"
)

_ZH_UP = regex.compile("更多|更大|更高|更强|更快|更好|最多|最大|最高")
_ZH_DOWN = regex.compile("少|小|低|弱|慢|差|减|降|缩|跌|下")
_EN_DOWN = regex.compile(r"(?i)\b(?:less|fewer|lower|smaller|weaker|slower|worse|least|fewest|lowest|smallest)\b")


def _first(pattern: regex.Pattern[str], text: str) -> str:
    m = pattern.search(text)
    return m.group() if m else ""


@register_source
class MeaningFlip(SourceCheck):
    id = "meaning-flip"
    severity = Severity.MAJOR
    description = (
        "With the original: a question, a modal's strength (可能/must, 必须/may) or a comparison's direction "
        "(更多/less) reversed between the Chinese sentence and its English"
    )
    languages = ("zh",)
    options = {"kinds": ["question", "modal", "comparison"]}

    def find_pair(self, pair: SourcePair) -> Iterable[Finding]:
        kinds = set(self.config["kinds"])
        for link, zh, english in aligned(pair):
            if not _HAN.search(zh):
                continue  # an "original" in another language (a mislabelled file): nothing Chinese to compare
            for kind, message, zh_word, en_word in _flips(zh, english):
                if kind not in kinds:
                    continue
                yield self.finding(
                    link.en_span,
                    message,
                    evidence={
                        **where(link, zh),
                        "kind": kind,
                        "zh_word": zh_word,
                        "en_word": en_word,
                    },
                )


def _flips(zh: str, english: str) -> Iterable[tuple[str, str, str, str]]:
    """(kind, message, what the Chinese has, what the English has) for each flip in the pair."""
    zh_asks, en_asks = bool(_ZH_QUESTION.search(zh)), bool(_EN_QUESTION.search(english))
    if zh_asks and not en_asks:
        yield "question", "the Chinese asks (？) and the English does not", "？", ""
    elif en_asks and not zh_asks:
        yield "question", "the English asks (?) and the Chinese does not", "", "?"
    if (weak := _first(_ZH_WEAK, zh)) and not _ZH_STRONG_ANY.search(zh) and (strong := _first(_EN_STRONG, english)):
        yield "modal", f'the Chinese only allows ({weak}) and the English asserts ("{strong}")', weak, strong
    if (
        (strong := _first(_ZH_STRONG, zh))
        and (weak := _first(_EN_WEAK, english))
        and not _EN_STRONG_ANY.search(english)
    ):
        yield "modal", f'the Chinese obliges ({strong}) and the English only allows ("{weak}")', strong, weak
    if (up := _first(_ZH_UP, zh)) and not _ZH_DOWN.search(zh) and (down := _first(_EN_DOWN, english)):
        yield "comparison", f'the Chinese compares upwards ({up}) and the English downwards ("{down}")', up, down
