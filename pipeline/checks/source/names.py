"""``name-mismatch``: a romanised Chinese name in the English that spells nothing in its original.

A run of capitalised words that each split into Mandarin syllables ("Wang Yining", "Xia Li
Yun") is a pinyin name when one of its words is rare in English (Zipf below 3.5: "Yining",
"Huning", "Taipei") or a Chinese surname ("Li", "Wang"); syllables without a vowel (m, ng)
and "-ese" adjectives ("Taiwanese") are not pinyin. It is explained when its letters spell
consecutive characters of the aligned Chinese sentence, one reading each (pypinyin's
readings, every one of a character with several: 单 Shan, 曾 Zeng), as a whole or in groups
of two characters or more ("Xi Jinping", "Nanjing Jiangning" beside 南京 and 江宁, but not
"Xia Li Yun" for 夏立言), or when it is an
accepted rendering of a term-base term of the sentence (澳门 Macao) or a known exonym (国民党
Kuomintang). An unexplained one is the original's name spelt wrongly or replaced by another
(王沪宁 as "Wang Yining", 何立峰 as "Wen Jiabao"), or a name the original does not have.
Frequent English words ("Singapore", "Bang", "Forum") and names that are not pinyin (Korean
"Kim Jong-un", Wade-Giles "Hsia", "Julio") are never read as pinyin, so exonyms and other
romanisations are left alone. The evidence names the English run and the person and place
names of the Chinese sentence (jieba's ``nr``/``ns`` words) that the English does not
spell, with their pinyin: the likely original of the misspelt name.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import regex

from pipeline.checks.base import register_source
from pipeline.checks.resources.termbase import shipped_termbase
from pipeline.checks.resources.wordfreq_en import zipf
from pipeline.checks.source.base import SourceCheck, aligned, where
from pipeline.core.findings import Finding, Severity
from pipeline.core.spans import Span
from pipeline.original.pair import SourcePair
from pipeline.original.pinyin import is_pinyin_like, readings, romanises, spelling

# A capitalised word, hyphenated parts kept together ("Li-yan"), a possessive left out
_WORD = regex.compile(r"(?<![\p{L}\p{N}'’.-])\p{Lu}\p{Ll}+(?:-\p{Ll}+)*(?=(?:['’]s)?(?![\p{L}\p{N}]))")
_NOT_A_TO_Z = regex.compile(r"[^a-z]")
_HAN = regex.compile(r"\p{Han}")
# Common surnames, frequent enough in English text (Zipf 3 to 4.4) to need naming
_SURNAMES = frozenset(
    "wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he gao lin luo zheng liang xie song tang "
    "han feng deng cao peng zeng xiao tian dong yuan pan cai jiang yu du ye cheng wei su lu ding ren shen yao jin "
    "fu zhong dai cui liao tan jia xia fang shi qian qin gu hou shao meng wan duan lei yin yi kong mao bai".split()
)
# Exonyms spelt like pinyin of something else (国民党 is guomindang)
_EXONYMS = {
    "国民党": ("Kuomintang",),
    "澳门": ("Macao",),
    "港澳": ("Hong Kong and Macao",),
    "台北": ("Taipei",),
}


def _letters(word: str) -> str:
    return word.replace("-", "").lower()


def _runs(english: str, common: float, rare: float) -> list[list[regex.Match[str]]]:
    """Runs of capitalised pinyin-like words next to each other (one space or hyphen between)
    with a rare word or a surname among them."""
    runs: list[list[regex.Match[str]]] = []
    for m in _WORD.finditer(english):
        word = _letters(m.group())
        if not is_pinyin_like(word) or word.endswith("ese") or zipf(word) >= common:  # "Taiwanese" is English
            continue
        if runs and english[runs[-1][-1].end() : m.start()] in (" ", "-"):
            runs[-1].append(m)
        else:
            runs.append([m])
    return [r for r in runs if any(zipf(m.group().lower()) < rare or _letters(m.group()) in _SURNAMES for m in r)]


@lru_cache(maxsize=1)
def _renderings() -> tuple[tuple[str, frozenset[str]], ...]:
    """(Chinese, the words of its accepted English) for the term base's terms and the exonyms."""
    entries = [(e.zh, e.en) for e in shipped_termbase()] + list(_EXONYMS.items())
    return tuple((zh, frozenset(_letters(w) for r in en for w in regex.findall(r"[\p{L}-]+", r))) for zh, en in entries)


@lru_cache(maxsize=4096)
def _known_words(zh: str) -> frozenset[str]:
    return frozenset(w for term, words in _renderings() if term in zh for w in words)


@register_source
class NameMismatch(SourceCheck):
    id = "name-mismatch"
    severity = Severity.MAJOR
    description = "With the original: a romanised Chinese name (pinyin) in the English that spells nothing in its Chinese sentence"
    languages = ("zh",)
    # Zipf frequencies, set on the development data: from "common_word" a capitalised word is
    # English, not a name ("Singapore" 4.35, "Forum" 4.4); a run must hold a word below
    # "rare_word" ("Yining" 1.2, "Taipei" 3.3) or a surname
    options = {"common_word": 4.3, "rare_word": 3.5}

    def find_pair(self, pair: SourcePair) -> Iterable[Finding]:
        common, rare = float(self.config["common_word"]), float(self.config["rare_word"])
        for link, zh, english in aligned(pair):
            if not _HAN.search(zh) or not (runs := _runs(english, common, rare)):
                continue
            text_readings, known = readings(zh), _known_words(zh)
            for run in runs:
                words = [_letters(m.group()) for m in run]
                if _explained(words, text_readings, known):
                    continue
                name = english[run[0].start() : run[-1].end()]
                unspelt = _unspelt_names(zh, english)
                shown = "、".join(f"{w} ({p})" for w, p in unspelt)
                yield self.finding(
                    Span(link.en_span.start + run[0].start(), link.en_span.start + run[-1].end()),
                    f'"{name}" spells no name of the Chinese'
                    + (f"; the English does not spell its {shown}" if unspelt else ""),
                    evidence={
                        **where(link, zh),
                        "en_name": name,
                        "romanised": "".join(words),
                        "zh_names": [{"zh": w, "pinyin": p} for w, p in unspelt],
                    },
                )


def _explained(words: list[str], text_readings: tuple[frozenset[str], ...], known: frozenset[str]) -> bool:
    """Whether the run's words split into consecutive groups that each spell characters of the
    text (or are a known rendering's words); in a run of several words a group must spell two
    characters or more, since one syllable is found in almost any sentence ("Xia Li Yun" for
    夏立言 is "Xia Li" and a stray "Yun")."""

    def spelt(group: list[str]) -> bool:
        if all(w in known for w in group):
            return True
        where = romanises("".join(group), text_readings)
        return where is not None and (len(words) == 1 or where[1] - where[0] >= 2)

    ends = {0}
    for end in range(1, len(words) + 1):
        if any(start in ends and spelt(words[start:end]) for start in range(end)):
            ends.add(end)
    return len(words) in ends


def _unspelt_names(zh: str, english: str) -> list[tuple[str, str]]:
    """The person names of ``zh`` (jieba's nr), or else its place names (ns), that ``english`` does
    not spell nor render as the term base does, with their pinyin."""
    from pipeline.original.segment import words

    letters = _NOT_A_TO_Z.sub("", english.lower())
    # a word of ``zh`` is a term only if the term is in ``zh``: look no further than those
    rendered = {t for t, en_words in _renderings() if t in zh and any(w in letters for w in en_words)}
    found: dict[str, tuple[str, str]] = {}
    for word, flag in words(zh):
        if flag not in ("nr", "ns") or len(word) < 2 or not _HAN.match(word) or word in rendered:
            continue
        options = [""]
        for chars in readings(word):
            options = [o + r for o in options for r in chars][:64]
        if not any(o in letters for o in options if o):
            found.setdefault(word, (flag, spelling(word)))
    people = [(w, p) for w, (flag, p) in found.items() if flag == "nr"]
    return people or [(w, p) for w, (_, p) in found.items()]  # a person's name is the likelier original
