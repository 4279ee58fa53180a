"""The original of an English input: finding it, aligning it, and the checks it allows.

An input is paired with its original by ``--source FILE``, by a source folder holding a
file of the same name (or the same name with the language tag swapped), or by a file
beside the input named like it with a language tag: ``article.en.txt`` ↔ ``article.zh.txt``.
The original is Chinese, Japanese, Korean, Russian, French or German; its language's
sentence, length and number rules are in ``pipeline.original.rules``.

With both texts aligned (``pipeline.original.align``) three checks become possible; they only
measure, like every check, and report spans into the English text:

- ``number-mismatch``: a number of the Chinese sentence that its English lacks, or an
  English number the Chinese does not have (digits and Chinese numerals compared by
  value: 三十 = 30, 5万 = 50,000, 百分之五 = 5%, 2022年 = 2022);
- ``omission``: a Chinese sentence with no English counterpart; the span is empty, at the
  place in the English where the translation is missing, and the Chinese is in evidence;
- ``untranslated-source``: Chinese in the English that is copied from the aligned
  original, i.e. a sentence (or part of one) left untranslated.

They are ``Check`` subclasses (options, severity overrides, ``ConfigurationError``) but are
not in the registry, since they need the pair: run them with ``run_source_checks``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import regex

from pipeline.checks.base import SOURCE_REGISTRY, Check, ConfigurationError, instantiate, register_source
from pipeline.core.document import Document, load_document
from pipeline.core.findings import Finding, Severity, in_text_order
from pipeline.core.spans import Span
from pipeline.original.align import Alignment, Link, align, en_numbers
from pipeline.original.rules import ORIGINAL_LANGUAGES, Rules, detect, rules_for

# Languages of the originals these checks understand (``pipeline.original.rules``); a flagged
# sentence retranslated from the original goes to the model of the original's language.
SOURCE_LANGUAGES = ORIGINAL_LANGUAGES
# Language tags an original may carry in its name, tried in this order (Chinese first).
ZH_TAGS = (
    "zh",
    "zh-cn",
    "zh_cn",
    "zh-hans",
    "zh-hant",
    "zh-tw",
    "cn",
    "chs",
    "cht",
    "ja",
    "jp",
    "ko",
    "kr",
    "ru",
    "fr",
    "de",
)
EN_TAGS = ("en", "eng", "en-us", "en-gb")
_HAN = regex.compile(r"\p{Han}")
_HAN_RUN = regex.compile(
    r"\p{Han}(?:[\p{Han}\p{P}\p{N}\p{Zs}]*\p{Han})?[\p{InCJK_Symbols_and_Punctuation}\p{InHalfwidth_and_Fullwidth_Forms}”’」』》）]*"
)


class SourceError(Exception):
    """The original cannot be used (missing, unreadable, not in a language read); one line for the user."""


# --- finding and loading the original -------------------------------------------------


def _split_name(name: str) -> tuple[str, str | None, str]:
    """``article.en.txt`` -> ("article", "en", ".txt"); ``article.txt`` -> ("article", None, ".txt")."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    else:
        ext = "." + ext
    base, dot, tag = stem.rpartition(".")
    if dot and tag.lower() in (*EN_TAGS, *ZH_TAGS):
        return base, tag.lower(), ext
    return stem, None, ext


def source_names(en_name: str, same_name: bool = False) -> list[str]:
    """Names the original of ``en_name`` may have, most likely first.

    ``same_name``: the original may carry the input's own name (it is in another folder).
    """
    base, tag, ext = _split_name(en_name)
    names = [f"{base}.{t}{ext}" for t in ZH_TAGS]
    if same_name:
        names = [en_name, *names]
        if tag is not None:
            names.append(f"{base}{ext}")
    return names


def _match(
    folder: Path, names: list[str], exclude: Path | None = None, listings: dict[Path, dict[str, Path]] | None = None
) -> Path | None:
    present = listings.get(folder) if listings is not None else None
    if present is None:
        try:
            present = {p.name.lower(): p for p in folder.iterdir() if p.is_file()}
        except OSError:
            return None
        if listings is not None:
            listings[folder] = present
    for name in names:
        found = present.get(name.lower())
        if found is not None and (exclude is None or found.resolve() != exclude.resolve()):
            return found
    return None


def find_source(
    en_path: str | Path, source: str | Path | None = None, listings: dict[Path, dict[str, Path]] | None = None
) -> Path | None:
    """The Chinese original of ``en_path``, or None when there is none.

    ``source`` is a file (used as is), or a folder searched for the input's name, the name
    with a Chinese tag (``article.zh.txt``) or without its English tag (``article.txt``).
    Without ``source``, only the folder of the input is searched, for a tagged name.
    A ``source`` that does not exist raises ``SourceError``. Pass the same ``listings``
    dict for many inputs: each folder is then listed once, not once per input.
    """
    en_path = Path(en_path)
    if source is not None:
        source = Path(source)
        if source.is_file():
            return source
        if not source.is_dir():
            raise SourceError(f"source {source} does not exist")
        return _match(source, source_names(en_path.name, same_name=True), en_path, listings)
    return _match(en_path.parent, source_names(en_path.name), en_path, listings)


def load_source(path: str | Path) -> Document:
    """Read the original (any encoding ``load_document`` reads: UTF-8, GB18030, Big5, ...);
    one in a language the checks do not read is refused."""
    from pipeline.core.document import InputError

    try:
        doc = load_document(path)
    except InputError as err:
        raise SourceError(f"source {path}: {err}") from None
    language, why = detect(doc.text)
    if language is None:
        raise SourceError(f"source {path} {why}")
    return doc


# --- the pair ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SourcePair:
    """An English document, its original (``zh``, whatever its language), and their alignment."""

    en: Document
    zh: Document
    alignment: Alignment
    language: str = "zh"  # the original's language, one of SOURCE_LANGUAGES

    @property
    def rules(self) -> Rules:
        return rules_for(self.language)

    def zh_text(self, link: Link) -> str:
        return link.zh_span.of(self.zh.text)

    def en_text(self, link: Link) -> str:
        return link.en_span.of(self.en.text)

    def zh_sentences(self, link: Link) -> tuple[str, ...]:
        return tuple(self.alignment.zh_sentences[i].of(self.zh.text) for i in link.zh)

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.zh.path, "encoding": self.zh.encoding, **self.alignment.to_dict()}


def pair_documents(
    en: Document, zh: Document, translations: Mapping[str, str] | None = None, anchors: bool = True
) -> SourcePair:
    """Align the original ``zh`` with ``en`` by its language's rules; ``translations``
    (original sentence -> model English) sharpen it."""
    language = detect(zh.text)[0] or "zh"
    rules = rules_for(language)
    alignment = align(
        zh.text,
        en,
        anchors=anchors,
        translations=translations,
        zh_sentences=rules.split(zh.text),
        src_length=rules.length,
        src_numbers=rules.numbers,
    )
    return SourcePair(en, zh, alignment, language)


# --- the checks -------------------------------------------------------------------------


class SourceCheck(Check):
    """A check that needs the original: ``find_pair(pair)`` instead of ``find(doc)``.

    ``languages``: the originals it reads (``tqa checks`` lists them); others are skipped.
    """

    languages: tuple[str, ...] = SOURCE_LANGUAGES

    def find(self, doc: Document) -> Iterable[Finding]:
        return []  # nothing to say without the original

    def find_pair(self, pair: SourcePair) -> Iterable[Finding]:
        raise NotImplementedError


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@register_source
class NumberMismatch(SourceCheck):
    id = "number-mismatch"
    severity = Severity.MAJOR
    description = (
        "A number differs between the Chinese original and its English (digits and Chinese numerals compared by value)"
    )

    def find_pair(self, pair: SourcePair) -> Iterable[Finding]:
        en_text, zh_text = pair.en.text, pair.zh.text
        for link in pair.alignment.links:
            if not link.zh or not link.en:
                continue
            zh = pair.rules.numbers(link.zh_span.of(zh_text))
            en = [
                (n, Span(link.en_span.start + n.span.start, link.en_span.start + n.span.end))
                for n in en_numbers(link.en_span.of(en_text))
            ]
            zh_all = {n.key for n in zh}
            en_all = {n.key for n, _ in en}
            missing = [n for n in zh if n.strict and n.key not in en_all]
            extra = [(n, span) for n, span in en if n.strict and n.key not in zh_all]
            missing = list({n.key: n for n in missing}.values())  # each value once
            shown = ", ".join(n.text for n in missing)
            evidence_base = {"zh": link.zh_span.of(zh_text), "zh_start": link.zh_span.start, "zh_end": link.zh_span.end}
            for n, span in extra:
                message = f"{n.text} is not in the Chinese original" + (f", which has {shown}" if missing else "")
                yield self.finding(
                    span,
                    message,
                    evidence={
                        **evidence_base,
                        "en_number": n.text,
                        "value": n.value,
                        "zh_numbers": [m.text for m in missing],
                    },
                )
            if missing and not extra:
                yield self.finding(
                    link.en_span,
                    f"the Chinese original has {shown}, which the English lacks",
                    evidence={
                        **evidence_base,
                        "zh_numbers": [m.text for m in missing],
                        "values": [m.value for m in missing],
                    },
                )


@register_source
class Omission(SourceCheck):
    id = "omission"
    severity = Severity.MAJOR
    description = "A sentence of the original has no English translation (an empty span where it is missing)"
    # shorter sentences ("（完）", a byline) are not worth a finding: letters of a Chinese,
    # Japanese or Korean original, words of a Russian, French or German one
    options = {"min_han": 4, "min_words": 3}

    def find_pair(self, pair: SourcePair) -> Iterable[Finding]:
        for link in pair.alignment.links:
            if not link.zh or link.en:
                continue
            zh = link.zh_span.of(pair.zh.text)
            rules = pair.rules
            if rules.size(zh) < self.config["min_han" if rules.size_unit == "letters" else "min_words"]:
                continue
            yield self.finding(
                link.en_span,
                f"not translated: 「{_short(zh)}」",
                evidence={
                    "zh": zh,
                    "zh_start": link.zh_span.start,
                    "zh_end": link.zh_span.end,
                    "zh_sentences": list(link.zh),
                },
            )


@register_source
class UntranslatedSource(SourceCheck):
    id = "untranslated-source"
    severity = Severity.CRITICAL
    description = "Text of the original copied into the English: a sentence, or part of one, left untranslated"
    languages = ("zh", "ja", "ko", "ru")  # a French or German copy is in English's own letters
    options = {"min_copied": 0.6}  # share of the passage's Han characters found in the original

    def find_pair(self, pair: SourcePair) -> Iterable[Finding]:
        en_text = pair.en.text
        letter, run = _letter_patterns(pair.rules.letters or "Han")
        for link in pair.alignment.links:
            if not link.en or not link.zh:
                continue
            original = link.zh_span.of(pair.zh.text)
            have = Counter(letter.findall(original))
            for m in run.finditer(en_text, link.en_span.start, link.en_span.end):
                han = letter.findall(m.group())
                copied = sum((Counter(han) & have).values()) / len(han)
                if copied < self.config["min_copied"]:
                    continue
                whole = m.start() == link.en_span.start and m.end() >= link.en_span.end - 1
                yield self.finding(
                    Span(m.start(), m.end()),
                    ("sentence left untranslated" if whole else f"{len(han)} Chinese characters left untranslated")
                    + " (copied from the original)",
                    evidence={
                        "zh": original,
                        "zh_start": link.zh_span.start,
                        "zh_end": link.zh_span.end,
                        "copied": round(copied, 3),
                        "language": pair.language,
                    },
                )


def _letter_patterns(script: str) -> tuple[regex.Pattern[str], regex.Pattern[str]]:
    """Letters of ``script`` and a run of them (with the punctuation and spaces inside it)."""
    if script == "Han":
        return _HAN, _HAN_RUN
    letter = rf"\p{{{script}}}"
    return regex.compile(letter), regex.compile(rf"{letter}+(?:[\p{{P}}\p{{N}}\p{{Zs}}]*{letter}+)*[.!?»”]*")


def build_source_checks(settings: Mapping[str, Mapping[str, Any]] | None = None) -> list[SourceCheck]:
    """The source-aware checks; ``settings`` may hold other checks' ids too (they are skipped).

    ``{"enabled": False}`` leaves a check out, as in ``build_checks``.
    """
    return instantiate(SOURCE_REGISTRY, settings or {})  # type: ignore[return-value]


def run_source_checks(pair: SourcePair, checks: Iterable[SourceCheck] | None = None) -> list[Finding]:
    """All findings of the source-aware checks (default: all three), in text order."""
    findings: list[Finding] = []
    for check in build_source_checks() if checks is None else checks:
        if not isinstance(check, SourceCheck):
            raise ConfigurationError(f"run_source_checks: {type(check).__name__} is not a SourceCheck")
        if pair.language in check.languages:
            findings.extend(check.find_pair(pair))
    return in_text_order(findings)


from pipeline.checks.source import keyterm  # noqa: E402,F401  (registers the key-term check; it builds on SourceCheck)
