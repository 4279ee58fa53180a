"""Finding and loading the original of an English input.

An input is paired with its original by ``--source FILE``, by a source folder holding a
file of the same name (or the same name with the language tag swapped), or by a file
beside the input named like it with a language tag: ``article.en.txt`` ↔ ``article.zh.txt``.
The original is Chinese, Japanese, Korean, Russian, French or German; its language's
sentence, length and number rules are in ``pipeline.original.zh`` and ``pipeline.original.rules``.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.core.document import Document, load_document
from pipeline.original.rules import detect
from pipeline.util.storage import location

# Language tags an original may carry in its name, tried in this order (Chinese first).
ORIGINAL_TAGS = (
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


class SourceError(Exception):
    """The original cannot be used (missing, unreadable, not in a language read); one line for the user."""


def _split_name(name: str) -> tuple[str, str | None, str]:
    """``article.en.txt`` -> ("article", "en", ".txt"); ``article.txt`` -> ("article", None, ".txt")."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    else:
        ext = "." + ext
    base, dot, tag = stem.rpartition(".")
    if dot and tag.lower() in (*EN_TAGS, *ORIGINAL_TAGS):
        return base, tag.lower(), ext
    return stem, None, ext


def source_names(en_name: str, same_name: bool = False) -> list[str]:
    """Names the original of ``en_name`` may have, most likely first.

    ``same_name``: the original may carry the input's own name (it is in another folder).
    """
    base, tag, ext = _split_name(en_name)
    names = [f"{base}.{t}{ext}" for t in ORIGINAL_TAGS]
    if same_name:
        names = [en_name, *names]
        if tag is not None:
            names.append(f"{base}{ext}")
    return names


def resolved(path: Path, memo: dict[Path, Path] | None = None) -> Path:
    """``path.resolve()``, remembered in ``memo``: pairing a folder of inputs compares each
    input with its original several times, and each resolve reads every folder above it (with
    ``memo``, a path that is no link is its folder's resolved path and its name)."""
    if memo is None:
        return path.resolve()
    found = memo.get(path)
    if found is None:
        if isinstance(path, Path) and path.name not in ("", ".", "..") and not path.is_symlink():
            found = resolved(path.parent, memo) / path.name  # a folder's inputs share its resolving
        else:
            found = path.resolve()
        memo[path] = found
    return found


def _match(
    folder: Path,
    names: list[str],
    exclude: Path | None = None,
    listings: dict[Path, dict[str, Path]] | None = None,
    memo: dict[Path, Path] | None = None,
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
        if found is not None and (exclude is None or resolved(found, memo) != resolved(exclude, memo)):
            return found
    return None


def find_source(
    en_path: str | Path,
    source: str | Path | None = None,
    listings: dict[Path, dict[str, Path]] | None = None,
    memo: dict[Path, Path] | None = None,
) -> Path | None:
    """The original of ``en_path``, or None when there is none.

    ``source`` is a file (used as is), or a folder searched for the input's name, the name
    with an original's tag (``article.zh.txt``) or without its English tag (``article.txt``).
    Without ``source``, only the folder of the input is searched, for a tagged name.
    A ``source`` that does not exist raises ``SourceError``. Pass the same ``listings``
    dict for many inputs: each folder is then listed once, not once per input; and the same
    ``memo`` (see ``resolved``): each path is then resolved once.
    """
    en_path = location(en_path)  # a URL stays one: its original is looked for in its store
    if source is not None:
        source = location(source)
        if source.is_file():
            return source
        if not source.is_dir():
            raise SourceError(f"source {source} does not exist")
        return _match(source, source_names(en_path.name, same_name=True), en_path, listings, memo)
    return _match(en_path.parent, source_names(en_path.name), en_path, listings, memo)


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
