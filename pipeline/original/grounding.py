"""English words the original grounds: the other direction of ``lexicon.coverage``.

``coverage`` asks, for each Chinese word, whether the English renders it; ``ungrounded`` asks,
for each English content word, whether the Chinese sentence holds any word CC-CEDICT gives it
as a translation (``lexicon.headwords``: English stem -> the headwords whose definitions hold
it). A word is grounded when one of those headwords occurs in the Chinese text, for its stem or
an opening of five letters or more ("developing" -> "develop"), so segmentation never decides.
Not judged: words the dictionary has no headword for (most names, rare spellings), stopwords,
function, number and date words, contractions, Latin words the Chinese holds as they are, and
capitalised words that read as pinyin (names: ``name-mismatch``'s business); other capitalised
words after a sentence's first only when asked (``capitalised``: "Economic and Social Council"
for 经济观察网 is what ``mistranslation`` is after). ``explained`` then drops the words the
glosses of the sentence's own Chinese words account for. One ungrounded word says little (paraphrase, a sense the dictionary lacks);
several in one sentence, where several rare Chinese words also have nothing in the English,
say the two sides may not say the same thing (``mistranslation``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from pipeline.original.lexicon import EN_STOPWORDS, fold, headwords, stem
from pipeline.original.pinyin import is_pinyin_like

_WORD = regex.compile(r"[\p{Latin}]+(?:['’][\p{Latin}]+)?")
# characters: for a stem with many headwords (looked up among the text's pieces), longer ones
# (whole idioms, titles) are not looked for
MAX_HEADWORD = 8
MIN_OPENING = 5  # the shortest opening of a stem looked up in its stead ("develop" for "developing")
RELATED_OPENING = 4  # letters an English stem shares with a gloss of the sentence's Chinese words (social/society)


@dataclass(frozen=True)
class Ungrounded:
    """An English word of the sentence that nothing in the original translates."""

    text: str
    start: int  # offsets into the English sentence
    end: int
    headwords: tuple[str, ...]  # what the dictionary would have expected in the original (a few)
    stems: frozenset[str] = frozenset()  # the word's stems, as the dictionary's glosses are stemmed


def _grounded(s: str, zh: str, pieces: frozenset[str] | None) -> bool:
    """Whether a headword of stem ``s`` (or of an opening of it) occurs in ``zh``: searched for
    one by one, or, for a stem with many (``pieces`` given), looked up among the text's pieces
    in one C loop ("term" has 419 headwords)."""
    for k in range(len(s), MIN_OPENING - 1, -1) if len(s) > MIN_OPENING else (len(s),):
        heads = headwords(s[:k])
        if not heads:
            continue
        if (not pieces.isdisjoint(heads)) if pieces is not None and len(heads) > _MANY else any(h in zh for h in heads):
            return True
    return False


_MANY = 24  # headwords from which the text's pieces are worth building


@lru_cache(maxsize=256)  # one original's sentence meets every translation of it
def _pieces(zh: str) -> frozenset[str]:
    """Every run of up to ``MAX_HEADWORD`` characters of ``zh``: a headword occurs in the text
    when it is one of them."""
    return frozenset(zh[i : i + k] for i in range(len(zh)) for k in range(1, MAX_HEADWORD + 1) if i + k <= len(zh))


def _base(s: str) -> str:
    """A comparative's or superlative's base when the dictionary has it ("faster" -> "fast")."""
    for suffix in ("est", "er"):
        if s.endswith(suffix) and len(s) - len(suffix) >= 3:
            base = s[: -len(suffix)]
            for candidate in (base, base[:-1] if len(base) > 3 and base[-1] == base[-2] else base, base + "e"):
                if headwords(stem(candidate)):
                    return stem(candidate)
    return s


def ungrounded(zh: str, english: str, capitalised: bool = False) -> list[Ungrounded]:
    """The content words of ``english`` whose dictionary translations the Chinese ``zh`` lacks
    (``capitalised``: also capitalised words after the sentence's first). A word the Chinese
    text holds as it is (TED, iPhone) is grounded, and so are contractions ("we're", "I'm"). A
    capitalised word that reads as pinyin (Yonggang) is a name, ``name-mismatch``'s business.
    ``explained`` then drops what the Chinese words' own glosses account for."""
    pieces: frozenset[str] | None = None  # built for the first stem with many headwords
    latin = zh.lower()
    found = []
    for i, m in enumerate(_WORD.finditer(english)):
        word = m.group()
        if len(word) < 3 or word.lower() in EN_STOPWORDS or (i > 0 and word[0].isupper() and not capitalised):
            continue
        head, _, tail = word.replace("’", "'").partition("'")
        if tail and tail.lower() in _CONTRACTED:
            continue
        if word.lower() in latin:
            continue
        if word[0].isupper() and is_pinyin_like(word.lower()):
            continue
        looked = _lookup(fold(word).lower())
        if looked is None:
            continue
        stems, heads = looked
        if pieces is None and any(len(headwords(s)) > _MANY for s in stems):
            pieces = _pieces(zh)
        if any(_grounded(s, zh, pieces) for s in stems):
            continue
        found.append(Ungrounded(word, m.start(), m.end(), heads[:5], stems))
    return found


@lru_cache(maxsize=65536)
def _lookup(w: str) -> tuple[frozenset[str], tuple[str, ...]] | None:
    """A lowercased English word's stems (of every form it may come from) and the headwords of
    the first the dictionary has; None for a word not judged (a stopword, function, number or
    date word in any of its forms, or one no definition holds)."""
    forms = _forms(w)
    if forms & _SKIP:
        return None
    stems = {stem(f) for f in forms}
    stems |= {_base(s) for s in stems}
    heads = next((found for s in sorted(stems) if (found := headwords(s))), None)
    return (frozenset(stems), heads) if heads else None


def explained(words: list[Ungrounded], glossed: frozenset[str]) -> list[Ungrounded]:
    """``words`` less those the Chinese sentence's words account for: ``glossed`` holds the stems
    of their definitions (``lexicon.gloss``), and an English word with one of them, or sharing
    its first ``RELATED_OPENING`` letters with one, is grounded (社会 "society" grounds "social":
    the dictionary gives one part of speech, the translator may use another)."""
    openings = {g[:RELATED_OPENING] for g in glossed if len(g) >= RELATED_OPENING}
    return [
        w
        for w in words
        if not (w.stems & glossed)
        and not any(len(s) >= RELATED_OPENING and s[:RELATED_OPENING] in openings for s in w.stems)
    ]


_CONTRACTED = {"re", "m", "ll", "ve", "d", "t", "s"}


def _forms(w: str) -> set[str]:
    """``w`` and the dictionary forms its inflection may come from ("tries" -> "try", "goes" ->
    "go", "shelves" -> "shelf", "planned" -> "plan", "making" -> "make"): ``stem`` alone cuts
    "tries" to "tri", which no definition shares with "try"."""
    forms = {w}
    for suffix, replacements in _INFLECTIONS:
        if w.endswith(suffix) and len(w) - len(suffix) >= 2:
            root = w[: -len(suffix)]
            forms.update(root + r for r in replacements)
            if len(root) >= 3 and root[-1] == root[-2]:
                forms.add(root[:-1])  # "planned" -> "plan"
    return forms


_INFLECTIONS = (
    ("ies", ("y",)),
    ("ied", ("y",)),
    ("ves", ("f", "fe")),
    ("es", ("", "e")),
    ("s", ("",)),
    ("ed", ("", "e")),
    ("ing", ("", "e")),
)
# Prepositions, conjunctions and adverbs of time and degree the stopwords leave in: Chinese
# renders them by word order, particles or nothing, so the dictionary's headwords for them
# ("under": 下, 在...之下, ...) say nothing of meaning; negation is another check's business.
_FUNCTION = frozenset(
    """under after before between through during within without among around across behind beyond toward towards
    upon while because though although however even still again already yet never ever really quite rather almost
    perhaps maybe often always sometimes now today well further since until unless whether little less least worse
    like cannot somewhere anywhere everywhere themselves himself herself itself ourselves yourself yourselves
    make get go take put let thing""".split()
)
# Number and date words: whether the English has the original's numbers and dates is
# ``number-mismatch``'s business (12月 is "December", 周六 "Saturday").
_NUMBERS = frozenset(
    """zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen
    seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million
    billion trillion half dozen first second third number percent january february march april may june july
    august september october november december monday tuesday wednesday thursday friday saturday sunday""".split()
)
_SKIP = EN_STOPWORDS | _FUNCTION | _NUMBERS
