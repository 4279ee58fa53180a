"""``untranslated-segment``: a segment whose English is its original, unchanged.

Translator QA's "target same as source": the English equals the original once whitespace
is trimmed and collapsed (line wrapping in a PO or XLIFF file is layout). Many segments are
legitimately the same in both languages, and these near misses are not flagged:

- nothing but numbers, codes, URLs, e-mail addresses, markup and placeholders
  (``{0}``, ``%s``, ``%(name)s``, ``{{name}}``, ``${x}``): nothing to translate;
- tokens that read as names or codes: a capital after the first letter (``OK``, ``USB``,
  ``iPhone``, ``macOS``), a digit, or code punctuation (``MP3``, ``v2``, ``file_name``,
  ``config.json``, ``key=value``, ``C:\\path``);
- names: a capitalised word after the first (``Brandt's Cormorant``), and a segment of
  capitalised words only (``Frodo``, ``Tim Cook``);
- words English itself writes (wordfreq's English table at Zipf ``min_zipf`` or more):
  names and loans the same in both languages (``Paris``, ``Google``, ``Email``,
  ``Description``), and an English text given as its own original.

What is left is flagged when it is at least ``min_foreign`` of the segment's words: a copy of
``Ouvrir le fichier`` or ``%d fichiers`` holds words English does not write, while an English
sentence copied with a rare word or two ("pelagic") is English. A longer copy (``SENTENCE``
words or more) is flagged from a fifth of foreign words when it holds none of English's own
function words ("the", "of", "with", ...): a Spanish or German sentence shares many short
words with English text ("el", "que", "de", capitalised nouns) but not those, while an
English sentence full of rare terms always has them. The near miss this leaves: a
one-word copy in capitals (``Annuler``) reads as a name and is not flagged; ``annuler`` is.

A segment holding letters other than Latin ones (Chinese, Japanese, Korean, Cyrillic) is left
to ``untranslated`` and ``untranslated-source``, which already flag that text in the English
and point at the copied passage; this check is the one signal for an original in English's
own letters, where identifying a language on one or two words is guesswork.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

import regex

from pipeline.checks.base import ConfigurationError, register_source
from pipeline.checks.resources.wordfreq_en import zipf
from pipeline.checks.source.base import SourceCheck
from pipeline.core.findings import Finding, Severity
from pipeline.core.spans import Span
from pipeline.original.pair import SourcePair

# What never needs translating, removed before the words are looked at.
UNTRANSLATABLE = regex.compile(
    r"""
      (?:https?|ftp)://\S+ | www\.\S+ | [\w.+-]+@[\w-]+(?:\.[\w-]+)+   # URLs, e-mail addresses
    | <[^<>]*>                                                       # markup
    | &\#?\w+;                                                       # entities
    | %(?:\d+\$)?(?:\([^()]*\))?[-+ \#0]*\d*(?:\.\d+)?[a-zA-Z@%]     # printf: %s %d %1$s %(name)s
    | \{\{[^{}]*\}\} | \$?\{[^{}]*\}                                  # {{name}} {0} ${x}
    """,
    regex.VERBOSE,
)
_NON_LATIN = regex.compile(r"[^\P{L}\p{Latin}]")  # a letter of any script but Latin
_LETTERS = regex.compile(r"\p{L}+")
_CODE = regex.compile(r"\d|[_./\\=:@#|<>]")  # a digit, or punctuation of code inside a token
# English function words that the source languages tqa reads do not write as words of their
# own ("in", "an", "was", "will", "on", "a" are German, French, Spanish or Italian words too)
_ENGLISH = frozenset(
    "the of and to is are were for with that this these those be been has have from by you your "
    "it its not when which who what there their they our".split()
)
SENTENCE = 4  # words from which a copy is judged by its function words too
_EDGE = regex.compile(r"^[\s.,;:!?'\"“”‘’()\[\]«»…-]+|[\s.,;:!?'\"“”‘’()\[\]«»…-]+$")  # sentence punctuation


def _same(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _name_or_code(token: str) -> bool:
    """``OK``, ``iPhone``, ``MP3``, ``file_name``, ``config.json``: read as they are in any language."""
    letters = "".join(_LETTERS.findall(token))
    return bool(_CODE.search(token)) or (len(letters) > 1 and letters[1:] != letters[1:].lower())


@register_source
class UntranslatedSegment(SourceCheck):
    id = "untranslated-segment"
    severity = Severity.MAJOR
    needs = "the original (in any language; a copy in other letters than Latin is untranslated-source's)"
    description = "Segment whose English is its original unchanged (numbers, codes, names and English words aside)"
    # Zipf 3: once per million words. "bonjour" (2.8) and "xinhua" (2.8) fall below,
    # "paris" (4.8), "description" (4.7) and "shenzhen" (3.2) above.
    options = {"min_zipf": 3.0, "min_foreign": 0.5}

    def __init__(self, severity: str | Severity | None = None, **options: object) -> None:
        super().__init__(severity, **options)
        for name, top in (("min_zipf", 8), ("min_foreign", 1)):
            z = self.config[name]
            if isinstance(z, bool) or not isinstance(z, (int, float)) or not 0 <= z <= top:
                raise ConfigurationError(f"{type(self).__name__}: {name} must be a number from 0 to {top}, got {z!r}")

    def find_pair(self, pair: SourcePair) -> Iterable[Finding]:
        text = pair.en.text
        if not text.strip() or _same(text) != _same(pair.original.text):
            return
        if _NON_LATIN.search(text):
            return  # untranslated and untranslated-source say it, and where
        foreign, words = self.foreign_words(text)
        share = len(foreign) / max(1, words)
        english = any(w.lower() in _ENGLISH for w in _LETTERS.findall(text))
        if not foreign or (share < self.config["min_foreign"] and (english or words < SENTENCE or share < 0.2)):
            return
        start = len(text) - len(text.lstrip())
        yield self.finding(
            Span(start, len(text.rstrip())),
            f"the English is the original, unchanged: left untranslated ({', '.join(foreign[:3])})",
            evidence={"words": list(dict.fromkeys(foreign))[:10], "language": pair.language},
        )

    def foreign_words(self, text: str) -> tuple[list[str], int]:
        """The words of ``text`` that are neither names, codes nor English (see the module
        docstring), and how many words it has."""
        tokens = [t for t in (_EDGE.sub("", t) for t in UNTRANSLATABLE.sub(" ", text).split()) if t]
        tokens = [t for t in tokens if _LETTERS.search(t)]
        if all(t[0].isupper() for t in tokens):
            return [], len(tokens)  # a name, or a title of names
        foreign, words = [], 0
        for n, token in enumerate(tokens):
            if _name_or_code(token) or (n > 0 and token[0].isupper()):
                words += 1
                continue
            for w in _LETTERS.findall(token):
                words += 1
                if zipf(w) < self.config["min_zipf"]:
                    foreign.append(w)
        return foreign, words
