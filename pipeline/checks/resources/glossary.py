"""The calque glossary: the one shipped in ``pipeline/checks/resources/data/glossary.tsv`` and users' own.

A glossary is a table with a header row naming its columns: ``phrase`` and ``rendering``
are required, ``source`` (the Chinese, when known) and ``note`` optional. Tab-separated
unless the file name ends in ``.csv``. Blank lines and lines starting with ``#`` are
skipped. In a phrase, ``*`` stands for one to three words, and a ``*`` in the rendering
takes the words it matched: ``community of * destiny`` -> ``* community with a shared
future``. An empty rendering flags the phrase without proposing a replacement.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.checks.base import ConfigurationError
from pipeline.util.reading import read_text_limited

SHIPPED = Path(__file__).resolve().parent / "data" / "glossary.tsv"
COLUMNS = ("phrase", "rendering", "source", "note")


@dataclass(frozen=True)
class GlossaryEntry:
    phrase: str
    rendering: str
    source: str = ""
    note: str = ""
    origin: str = ""  # the file it came from, for the report


def _rows(path: Path, text: str) -> list[tuple[int, list[str]]]:
    if path.suffix.lower() == ".csv":
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    else:  # TSV: quotes are ordinary characters in phrases
        reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE, strict=True)
    out = []
    try:
        for row in reader:
            if not any(cell.strip() for cell in row) or row[0].lstrip().startswith("#"):
                continue
            out.append((reader.line_num, [cell.strip() for cell in row]))
    except csv.Error as err:
        raise ConfigurationError(f"glossary {path}: line {reader.line_num}: {err}") from None
    return out


def load_glossary(path: str | Path) -> list[GlossaryEntry]:
    """Entries of a TSV or CSV glossary; a malformed file raises a one-line ConfigurationError."""
    path = Path(path)
    try:
        text = read_text_limited(path, "utf-8-sig")
    except FileNotFoundError:
        raise ConfigurationError(f"glossary {path}: no such file") from None
    except UnicodeDecodeError as err:
        raise ConfigurationError(f"glossary {path}: not UTF-8 text ({err.reason} at byte {err.start})") from None
    except OSError as err:
        raise ConfigurationError(f"glossary {path}: {err.strerror or err}") from None
    rows = _rows(path, text)
    if not rows:
        raise ConfigurationError(f"glossary {path}: empty; expected a header row naming {', '.join(COLUMNS)}")
    header = [h.lower() for h in rows[0][1]]
    unknown = [h for h in header if h not in COLUMNS]
    if unknown or "phrase" not in header or "rendering" not in header or len(set(header)) != len(header):
        raise ConfigurationError(
            f"glossary {path}: line {rows[0][0]}: header must name columns from {', '.join(COLUMNS)} "
            f"(phrase and rendering required, each once); got {', '.join(rows[0][1])}"
        )
    entries = []
    for line, row in rows[1:]:
        if len(row) > len(header):
            raise ConfigurationError(f"glossary {path}: line {line}: {len(row)} fields, the header has {len(header)}")
        fields = dict(zip(header, row + [""] * (len(header) - len(row))))
        phrase = " ".join(fields["phrase"].split())
        if not any(c.isalpha() for c in phrase) or phrase.replace("*", "").strip() == "":
            raise ConfigurationError(
                f"glossary {path}: line {line}: the phrase must contain a word, got {fields['phrase']!r}"
            )
        if not fields["rendering"] and not fields.get("note"):
            raise ConfigurationError(f"glossary {path}: line {line}: give a rendering or a note for {phrase!r}")
        entries.append(
            GlossaryEntry(phrase, fields["rendering"], fields.get("source", ""), fields.get("note", ""), path.name)
        )
    return entries


@lru_cache(maxsize=1)
def shipped_glossary() -> tuple[GlossaryEntry, ...]:
    return tuple(load_glossary(SHIPPED))
