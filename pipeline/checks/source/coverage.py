"""``uncovered-source``: words of the original that nothing in the English sentence renders.

The Chinese sentence is cut into words (jieba) and each content word looked up in CC-CEDICT
(``pipeline.original.lexicon``); a word is covered when its aligned English sentence holds an
English word of one of its definitions (stemmed, generously: see the lexicon's docstring).
One uncovered word says little: translators paraphrase, and the dictionary misses senses
(the plain share of uncovered words separates error-free from mistranslated segments no
better than chance). Two things do carry signal, and only they are reported:

- a **run**: ``min_run`` or more consecutive content words holding ``min_chars`` Chinese
  characters or more, none covered: a clause the English left out or replaced. Words more
  common than ``max_frequency`` per million (进行, 具有, 人) are skipped, as are words the
  dictionary does not know: they neither count nor break a run;
- a **name** the dictionary knows (its pinyin capitalised: 伊朗, 证监会) with nothing of it
  in the English: no definition's word, no acronym (UK, CSRC), no pinyin spelling, and no
  capitalised English word left unexplained that could be its transliteration.

The thresholds are learnt on the tune half of the MQM development split by
``bench/tune_coverage.py``, which prints its choices; the evidence lists each uncovered word
with its dictionary definitions. This check is a separate id rather than part of
``omission``, which reports sentences with no English at all (an empty span); this one reads
inside sentences that do have a translation, with its own thresholds and cost (the jieba and
CC-CEDICT load, once per process and only when a Chinese original is checked).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from pipeline.checks.base import register_source
from pipeline.checks.source.base import LexiconCheck, aligned, dictionary_entry, where
from pipeline.core.findings import Finding, Severity
from pipeline.original.lexicon import English, Word, coverage, match, unexplained_names
from pipeline.original.pair import SourcePair

# Learnt by bench/tune_coverage.py on the tune half (its printed choice).
MIN_RUN = 2
MAX_FREQUENCY = 3.0
MIN_CHARS = 8


@dataclass(frozen=True)
class Gap:
    """Uncovered words reported together: a ``run`` of content words, or one ``name``."""

    kind: str
    words: tuple[Word, ...]


def gaps(
    words: list[Word],
    english: str,
    min_run: int,
    max_frequency: float,
    names: bool,
    pieces: bool = True,
    min_chars: int = 0,
    document: English | Callable[[], English] | None = None,
) -> list[Gap]:
    """The runs and names of ``words`` (``lexicon.coverage``'s) that nothing in ``english``
    renders. A run is reported when it has ``min_run`` words or more and ``min_chars`` Chinese
    characters or more (the longest such run of the sentence); ``pieces``: words the
    dictionary knows only by their pieces count in a run. A name the whole English
    ``document`` renders elsewhere is not reported: a mention left implicit ("in Vientiane"
    for 老挝万象) loses nothing the reader lacks (a callable gives it when first needed)."""

    def elsewhere(w: Word) -> bool:
        if document is None:
            return False
        return bool(match(w.text, document() if callable(document) else document))

    found: list[Gap] = []
    runs: list[list[Word]] = [[]]
    counted = [w for w in words if w.known and w.frequency <= max_frequency and (pieces or w.whole)]
    if not min_run or len(counted) < min_run or sum(len(w.text) for w in counted) < min_chars:
        counted = []  # no run can qualify: no word needs matching for one
    for w in counted:
        if w.covered:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(w)
    qualifying = [r for r in runs if r and len(r) >= min_run and sum(len(w.text) for w in r) >= min_chars and min_run]
    best = max(qualifying, key=len, default=[])
    if best:
        found.append(Gap("run", tuple(best)))
    if names:
        missing = [w for w in words if w.name and w.known and not w.covered and w not in best and not elsewhere(w)]
        if missing and not unexplained_names(words, english):
            found.extend(Gap("name", (w,)) for w in dict.fromkeys(missing))
    return found


def _shown(w: Word) -> str:
    return f"{w.text} “{w.glosses[0]}”" if w.glosses else w.text


@register_source
class UncoveredSource(LexiconCheck):
    id = "uncovered-source"
    severity = Severity.MAJOR
    description = (
        "With the original: a run of Chinese content words, or a name, that nothing in the English sentence "
        "renders (CC-CEDICT glosses)"
    )
    options = {
        "min_run": MIN_RUN,
        "max_frequency": MAX_FREQUENCY,
        "names": True,
        "pieces": True,
        "min_chars": MIN_CHARS,
    }

    def find_pair(self, pair: SourcePair) -> Iterable[Finding]:
        document = English.of(pair.en.text)  # read only for a name the sentence lacks (English is lazy)
        for link, zh, english in aligned(pair):
            words = coverage(zh, english)
            c = self.config
            settings = (c["min_run"], c["max_frequency"], c["names"], c["pieces"], c["min_chars"])
            for gap in gaps(words, english, *settings, document=document):
                if gap.kind == "run":
                    message = (
                        f"「{''.join(w.text for w in gap.words)}」: {len(gap.words)} words in a row with nothing in "
                        "the English: " + "; ".join(_shown(w) for w in gap.words[:4])
                    )
                else:
                    message = f"the name {_shown(gap.words[0])} has nothing in the English"
                first, last = gap.words[0], gap.words[-1]
                yield self.finding(
                    link.en_span,
                    message,
                    evidence={
                        **where(link, zh),
                        "kind": gap.kind,
                        "uncovered": [dictionary_entry(w) for w in gap.words],
                        "uncovered_start": link.zh_span.start + first.start,
                        "uncovered_end": link.zh_span.start + last.end,
                        "dictionary": "CC-CEDICT",
                    },
                )
