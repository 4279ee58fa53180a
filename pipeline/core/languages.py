"""Languages: which language a passage is in, and which model translates it.

Language is a property of a span. The script decides it wherever a script belongs to one
language (Kana means Japanese even beside Kanji, Hangul Korean, Thai, Greek, ...); only
scripts shared by many languages (Latin, Cyrillic, Arabic, Devanagari) ask a language
identifier, restricted to the languages of that script. The router maps a language to the
model that translates it into English.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

import regex

NAMES = {
    "ar": "Arabic",
    "bg": "Bulgarian",
    "ca": "Catalan",
    "cs": "Czech",
    "da": "Danish",
    "de": "German",
    "el": "Greek",
    "es": "Spanish",
    "et": "Estonian",
    "fa": "Persian",
    "fi": "Finnish",
    "fr": "French",
    "he": "Hebrew",
    "hi": "Hindi",
    "hr": "Croatian",
    "hu": "Hungarian",
    "hy": "Armenian",
    "id": "Indonesian",
    "it": "Italian",
    "ja": "Japanese",
    "ka": "Georgian",
    "kk": "Kazakh",
    "ko": "Korean",
    "lt": "Lithuanian",
    "lv": "Latvian",
    "mk": "Macedonian",
    "mn": "Mongolian",
    "mr": "Marathi",
    "ne": "Nepali",
    "nl": "Dutch",
    "no": "Norwegian",
    "pl": "Polish",
    "pt": "Portuguese",
    "ro": "Romanian",
    "ru": "Russian",
    "sk": "Slovak",
    "sl": "Slovenian",
    "sr": "Serbian",
    "sv": "Swedish",
    "th": "Thai",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "ur": "Urdu",
    "vi": "Vietnamese",
    "zh": "Chinese",
}

# Scripts that name their language outright (the identifier is never asked).
SCRIPT_LANGUAGE = {
    "Hangul": "ko",
    "Kana": "ja",
    "Thai": "th",
    "Greek": "el",
    "Hebrew": "he",
    "Georgian": "ka",
    "Armenian": "hy",
}
# Scripts shared by several languages: the identifier chooses among these.
SHARED_SCRIPTS = {
    "Latin": (
        "fr",
        "de",
        "es",
        "it",
        "pt",
        "nl",
        "pl",
        "ro",
        "sv",
        "da",
        "no",
        "fi",
        "cs",
        "sk",
        "hu",
        "tr",
        "vi",
        "id",
        "ca",
        "hr",
        "sl",
        "et",
        "lv",
        "lt",
    ),
    "Cyrillic": ("ru", "uk", "bg", "sr", "mk", "kk", "mn"),
    "Arabic": ("ar", "fa", "ur"),
    "Devanagari": ("hi", "mr", "ne"),
}

_KANA = regex.compile(r"[\p{Hiragana}\p{Katakana}]")
_HANGUL = regex.compile(r"\p{Hangul}")


def name(language: str | None) -> str:
    """English name of a language code ("ja" -> "Japanese"); the code itself if unknown."""
    return NAMES.get(language or "", language or "unknown language")


def han_language(passage: str) -> str:
    """Han letters: Japanese when Kana are among them, Korean with Hangul, else Chinese."""
    if _KANA.search(passage):
        return "ja"
    if _HANGUL.search(passage):
        return "ko"
    return "zh"


def script_language(script: str, passage: str) -> str | None:
    """The language ``script`` alone decides for ``passage``, or None for a shared script."""
    if script == "Han":
        return han_language(passage)
    return SCRIPT_LANGUAGE.get(script)


# langdetect's languages written in Latin letters: a Latin-script sentence is told apart
# among these (and English) alone. Their profiles are half of langdetect's 2.2 MB, so a
# process that checks English articles loads 0.15 CPU-s of profiles instead of 0.42.
LATIN_PROFILES = (
    "af",
    "ca",
    "cs",
    "cy",
    "da",
    "de",
    "en",
    "es",
    "et",
    "fi",
    "fr",
    "hr",
    "hu",
    "id",
    "it",
    "lt",
    "lv",
    "nl",
    "no",
    "pl",
    "pt",
    "ro",
    "sk",
    "sl",
    "so",
    "sq",
    "sv",
    "sw",
    "tl",
    "tr",
    "vi",
)


@cache
def _factory(profiles: tuple[str, ...] | None = None):  # type: ignore[no-untyped-def]
    """langdetect's profiles (all, or those named), loaded once per process and only when
    first needed."""
    import os

    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

    factory = DetectorFactory()
    names = sorted(os.listdir(PROFILES_DIRECTORY)) if profiles is None else profiles
    jsons = []
    for profile in names:
        with open(os.path.join(PROFILES_DIRECTORY, profile), encoding="utf-8") as f:
            jsons.append(f.read())
    factory.load_json_profile(jsons)
    factory.seed = 0  # langdetect samples at random unless seeded
    return factory


def identify(
    text: str, candidates: tuple[str, ...] | None = None, profiles: tuple[str, ...] | None = None
) -> tuple[str, float] | None:
    """Most probable language of ``text`` with its probability (langdetect, deterministic).

    With ``candidates``, only those languages count (a Cyrillic passage is ru, uk, bg, ...,
    never Macedonian's Latin neighbours); None when nothing can be said. ``profiles``: the
    langdetect profiles to compare (default all; ``LATIN_PROFILES`` for Latin script).
    """
    from langdetect.lang_detect_exception import LangDetectException

    detector = _factory(profiles).create()
    detector.append(text)
    try:
        ranked = detector.get_probabilities()
    except LangDetectException:
        return None
    for guess in ranked:
        lang = guess.lang.split("-")[0]
        if candidates is None or lang in candidates:
            return lang, round(guess.prob, 4)
    return None


def language_of(script: str, passage: str) -> tuple[str | None, str, float | None]:
    """(language, how it was decided: ``script`` or ``langdetect``, probability) of a passage."""
    decided = script_language(script, passage)
    if decided is not None:
        return decided, "script", None
    guess = identify(passage, SHARED_SCRIPTS.get(script))
    if guess is None:
        return None, "langdetect", None
    return guess[0], "langdetect", guess[1]


DEFAULT_TEMPLATE = "Helsinki-NLP/opus-mt-{lang}-en"
REVERSE_TEMPLATE = "Helsinki-NLP/opus-mt-en-{lang}"  # round trips: English -> the original's language
MUL_MODEL = "Helsinki-NLP/opus-mt-mul-en"


@dataclass(frozen=True)
class Router:
    """Language -> model: explicit entries first, then ``Helsinki-NLP/opus-mt-{lang}-en``;
    ``en-{lang}`` entries name the reverse models of round trips (``reverse_model_for``).

    ``fallback`` (e.g. ``opus-mt-mul-en``, opt-in) is for a passage of unknown language, and
    (in ``translate.pool``) for a language whose own model is not on this machine.
    """

    models: Mapping[str, str] = field(default_factory=dict)
    fallback: str | None = None

    def model_for(self, language: str | None) -> str | None:
        if not language:
            return self.fallback
        return self.models.get(language) or DEFAULT_TEMPLATE.format(lang=language)

    def reverse_model_for(self, language: str) -> str:
        """English -> ``language``, for round trips: ``en-{lang}`` in the table, else
        ``Helsinki-NLP/opus-mt-en-{lang}`` (Chinese has its own ``--round-trip-model``)."""
        return self.models.get(f"en-{language}") or REVERSE_TEMPLATE.format(lang=language)


FALLBACK_KEY = "fallback"


def parse_model_options(values: list[str] | None, bare_is_zh: bool = True) -> dict[str, str]:
    """``--model`` values: ``LANG=MODEL`` (``fallback=MODEL`` for the fallback model,
    ``en-LANG=MODEL`` for a round trip's English -> LANG model), and a bare ``MODEL`` meaning
    Chinese, as before there were other languages.

    Raises ValueError with a one-line message for a bad language code.
    """
    table: dict[str, str] = {}
    for value in values or ():
        lang, sep, model = value.partition("=")
        if bare_is_zh and (not sep or not regex.fullmatch(r"[A-Za-z_]+|en-[A-Za-z]{2,3}", lang)):
            table["zh"] = value  # a folder or a model id (a path may hold "=", a code never "/")
            continue
        lang = lang.strip().lower()
        if lang != FALLBACK_KEY and (not regex.fullmatch(r"(?:en-)?[a-z]{2,3}", lang)):
            raise ValueError(
                f"{value!r}: expected LANG=MODEL with a language code such as ja or ru, en-LANG=MODEL, or fallback=MODEL"
            )
        if not model.strip():
            raise ValueError(f"{value!r}: no model after '='")
        if lang == "en-zh":  # one way to name it: the round trips' Chinese model has its own option
            raise ValueError(f"{value!r}: the English->Chinese model is set with --round-trip-model")
        table[lang] = model.strip()
    return table


def model_table(cli_values: list[str] | None, config_models: Mapping[str, str] | None = None) -> dict[str, str]:
    """The explicitly named models: the config's ``[models]``, then ``--model`` on top."""
    return {**(config_models or {}), **parse_model_options(cli_values)}
