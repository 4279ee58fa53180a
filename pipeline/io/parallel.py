"""Parallel text: an English file line-aligned with its original, as Moses and OpusFilter read them.

``corpus.en`` (or any file read with ``--input-format parallel``) beside ``corpus.zh`` — or
with ``--source FILE`` naming the original, ``--source DIR`` a folder holding it — is a corpus:
line N of the English is one record, its original line N of the other file, its id the line
number. The two files are read side by side, a line of each at a time, so neither is held in
memory; a differing number of lines is an error naming both counts (the files are not
aligned, and every pair after the first gap would be wrong). A blank English line is not a
record and is written back as it was. Both files are UTF-8 (a byte-order mark is allowed).

Written back line by line: a line tqa did not change is copied byte for byte (its line ending
too); a repaired line is the cleaned text with the line's own ending. Plain text has no place
for a review marker: the findings are in the batch's reports.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pipeline.io.base import CorpusError, Fields, Malformed, Record, UnreadableInput
from pipeline.io.base import Writer as BaseWriter
from pipeline.original.files import ORIGINAL_TAGS
from pipeline.util.atomic import AtomicFile

ORIGINAL_FILE = True  # the original is a file of its own: ``--source`` is read here (``Fields.original``)
BOM = b"\xef\xbb\xbf"


def original_of(path: Path, given: Path | None) -> Path:
    """The original of the English file ``path``: ``given`` when it is a file; else a file
    named like ``path`` with an original's language tag in place of its last suffix
    (``corpus.en`` -> ``corpus.zh``), in the folder ``given`` or beside ``path``."""
    if given is not None and given.is_file():
        return given
    if given is not None and not given.is_dir():
        raise CorpusError(f"--source {given}: no such file or folder")
    folder = given if given is not None else path.parent
    stem = path.name.rpartition(".")[0] or path.name
    names = [f"{stem}.{tag}" for tag in ORIGINAL_TAGS]
    try:
        present = {p.name.lower(): p for p in folder.iterdir() if p.is_file()}
    except OSError as err:
        raise UnreadableInput(f"{folder}: cannot be listed: {err.strerror or err}") from None
    for name in names:
        found = present.get(name.lower())
        if found is not None and found.resolve() != path.resolve():
            return found
    raise UnreadableInput(
        f"{path}: parallel text without its original: no {stem}.zh (or another language tag) "
        f"{'in ' + str(folder) if given is not None else 'beside it'}; name it with --source FILE"
    )


def _text(raw: bytes, first: bool) -> str:
    body = raw[3:] if first and raw.startswith(BOM) else raw
    return body.rstrip(b"\r\n").decode("utf-8")


def read(path: Path, fields: Fields) -> Iterator[Record | Malformed]:
    original = original_of(path, fields.original)
    if original.resolve() == path.resolve():
        raise CorpusError(f"--source {original} is the English file itself; give its original")
    try:
        with path.open("rb") as en, original.open("rb") as src:
            number = 0
            for number, raw in enumerate(en, 1):
                other = src.readline()
                where = f"line {number}"
                if not other:
                    rest = sum(1 for _ in en)
                    raise CorpusError(_mismatch(path, number + rest, original, number - 1))
                try:
                    text = _text(raw, number == 1)
                except UnicodeDecodeError as err:
                    yield Malformed(where, f"not UTF-8 ({err.reason} at byte {err.start})", raw)
                    continue
                if not text.strip():
                    yield Malformed(where, "blank", raw, quiet=True)
                    continue
                try:
                    source = _text(other, number == 1)
                except UnicodeDecodeError as err:
                    yield Malformed(where, f"its original is not UTF-8 ({err.reason} at byte {err.start})", raw)
                    continue
                yield Record(str(number), text, where, None, source.strip() and source or None, f"i:{number}", raw)
            rest = sum(1 for _ in src)
            if rest:
                raise CorpusError(_mismatch(path, number, original, number + rest))
    except OSError as err:
        raise UnreadableInput(f"{err.filename or path}: cannot be read: {err.strerror or err}") from None


def _mismatch(path: Path, lines: int, original: Path, original_lines: int) -> str:
    return (
        f"{path} has {lines} line(s) and its original {original} {original_lines}: parallel text must be line-aligned"
    )


class Writer(BaseWriter):
    """Every line back in order: a repaired line with its cleaned text, the rest as read."""

    def __init__(self, target: Path, fields: Fields, source: Path | None = None) -> None:
        self.out = AtomicFile(target)

    def write(self, record: Record, output: dict[str, Any]) -> list[str]:
        raw: bytes = record.raw
        cleaned = output["cleaned"]
        if cleaned == record.text or not output["tqa"].get("applied"):
            self.out.file.write(raw)
            return []
        if "\n" in cleaned or "\r" in cleaned:  # one line a record, or the files fall out of line
            self.out.file.write(raw)
            return ["its repairs not written back: they would break the line"]
        body = raw.rstrip(b"\r\n")
        bom = BOM if record.where == "line 1" and raw.startswith(BOM) else b""
        self.out.file.write(bom + cleaned.encode("utf-8", "surrogateescape") + raw[len(body) :])
        return []

    def passthrough(self, item: Malformed) -> None:
        if item.raw is not None:
            self.out.file.write(item.raw)

    def commit(self) -> Path:
        return self.out.commit()

    def abort(self) -> None:
        self.out.abort()
