"""JSON Lines (``.jsonl``, ``.jsonl.gz``, ``.jsonl.zst``): one JSON object a line.

Written back line for line: a record's line is kept as it was read and only the values
tqa decided to change are spliced into it (the text, or ``--cleaned-field``, and the
``tqa`` field), so escapes, key order, duplicate keys, number spellings, a byte-order
mark, CRLF and blank lines stay as they were. A line tqa cannot use goes back unchanged.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from pipeline.io.base import CorpusError, Fields, Malformed, Record, UnreadableInput, make_record, spliced
from pipeline.io.base import Writer as BaseWriter
from pipeline.util.atomic import AtomicFile
from pipeline.util.storage import open_binary

BOM = b"\xef\xbb\xbf"
_CHUNK = 1 << 16
_DECODER = json.JSONDecoder()
_WS = " \t\n\r"


def _compression(path: Path) -> str | None:
    name = path.name.lower()
    return "gz" if name.endswith(".gz") else "zst" if name.endswith(".zst") else None


def _zst_lines(f: IO[bytes], path: Path) -> Iterator[bytes]:
    """Lines of a Zstandard file, frame after frame; one that ends early is an error (the
    library's stream reader takes a cut frame for the end of the data)."""
    try:
        import zstandard
    except ImportError:
        raise CorpusError(f"{path}: .zst needs zstandard: pip install 'tqa[corpora]'") from None
    pending, frames, whole = b"", 0, True
    decoder = None
    while chunk := f.read(_CHUNK):
        while chunk:
            if decoder is None:
                decoder, frames, whole = zstandard.ZstdDecompressor().decompressobj(), frames + 1, False
            pending += decoder.decompress(chunk)
            chunk = b""
            if decoder.eof:
                whole, chunk, decoder = True, decoder.unused_data, None
        *lines, pending = pending.split(b"\n")
        yield from (line + b"\n" for line in lines)
    if not whole or not frames:
        raise UnreadableInput(f"{path}: the compressed data ends early (a truncated or damaged .zst file)")
    if pending:
        yield pending


def _lines(path: Path) -> Iterator[bytes]:
    kind = _compression(path)
    with open_binary(path) as raw:
        f = raw if kind != "gz" else gzip.GzipFile(fileobj=raw, mode="rb")
        if kind == "zst":
            yield from _zst_lines(f, path)
        else:
            yield from f


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _row(text: str) -> Any:
    return json.loads(text, parse_constant=_no_constant)


def read(path: Path, fields: Fields) -> Iterator[Record | Malformed]:
    try:
        for number, raw in enumerate(_lines(path), 1):
            where = f"line {number}"
            body = raw[3:] if number == 1 and raw.startswith(BOM) else raw  # as some Windows tools write
            if not body.strip():
                yield Malformed(where, "blank", raw, quiet=True)
                continue
            try:
                row = _row(body.decode("utf-8"))
            except UnicodeDecodeError as err:
                yield Malformed(where, f"not UTF-8 ({err.reason} at byte {err.start})", raw)
                continue
            except ValueError as err:
                yield Malformed(
                    where, f"not JSON: {getattr(err, 'msg', err)} at column {getattr(err, 'colno', '?')}", raw
                )
                continue
            except RecursionError:
                yield Malformed(where, "JSON nested too deeply", raw)
                continue
            if not isinstance(row, dict):
                yield Malformed(where, f"a JSON {type(row).__name__}, not an object", raw)
                continue
            yield make_record(row, number, "line", fields, raw)
    except CorpusError:
        raise
    except (OSError, EOFError) as err:  # a truncated or corrupt .gz, an unreadable file
        raise UnreadableInput(f"{path}: cannot be read: {getattr(err, 'strerror', None) or err}") from None
    except Exception as err:  # zstandard's ZstdError is not an OSError
        raise UnreadableInput(f"{path}: cannot be read: {err}") from None


LOOK_AHEAD = 100  # object lines whose fields tell whether the options name fields that exist


def first_fields(path: Path) -> list[str] | None:
    """The field names of the first JSON object lines, in the order they first appear (None:
    there are none); a stray first line does not decide for the file."""
    names: dict[str, None] = {}
    seen = 0
    try:
        for raw in _lines(path):
            try:
                row = _row(raw.removeprefix(BOM).decode("utf-8"))
            except (ValueError, RecursionError):
                continue
            if isinstance(row, dict):
                names.update(dict.fromkeys(row))
                seen += 1
                if seen >= LOOK_AHEAD:
                    break
    except Exception:  # unreadable: ``read`` says so
        return None
    return list(names) if seen else None


def _skip(s: str, i: int) -> int:
    while i < len(s) and s[i] in _WS:
        i += 1
    return i


def members(line: str) -> tuple[list[tuple[str, int, int]], int]:
    """The top-level members of the JSON object ``line`` as (key, value start, value end),
    duplicates included, and where its closing brace is."""
    i, out = _skip(line, 0) + 1, []
    i = _skip(line, i)
    if line[i] == "}":
        return out, i
    while True:
        key, i = json.decoder.scanstring(line, i + 1)
        i = _skip(line, _skip(line, i) + 1)  # past the colon
        _, end = _DECODER.raw_decode(line, i)
        out.append((key, i, end))
        i = _skip(line, end)
        if line[i] == "}":
            return out, i
        i = _skip(line, i + 1)


def splice(raw: bytes, values: dict[str, Any]) -> bytes:
    """``raw`` (one object line) with each of ``values`` replacing its member's value (the
    last of duplicates: the one a reader sees), or added before the closing brace."""
    bom = BOM if raw.startswith(BOM) else b""
    body = raw[len(bom) :]
    end = len(body.rstrip(b"\r\n"))
    line, newline = body[:end].decode("utf-8"), body[end:]
    found, close = members(line)
    last = {key: (start, stop) for key, start, stop in found}
    edits = [(*last[k], _dumps(v)) for k, v in values.items() if k in last]
    spaced = bool(found) and line[found[0][1] - 1] == " "  # "k": v, "k2": ... or compact
    added = [
        f"{json.dumps(k, ensure_ascii=False)}:{' ' if spaced else ''}{_dumps(v)}"
        for k, v in values.items()
        if k not in last
    ]
    if added:
        sep = ", " if spaced else ","
        edits.append((close, close, (sep if found else "") + sep.join(added)))
    return bom + spliced(line, edits).encode("utf-8") + newline


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


class Writer(BaseWriter):
    """Every line back in order: a record's with the cleaned text in place (or in
    ``fields.cleaned``) and a ``tqa`` field, the rest as read. Compressed like the input,
    with no timestamp in a gzip header, so the same run gives the same bytes."""

    def __init__(self, target: Path, fields: Fields, source: Path | None = None) -> None:
        self.fields = fields
        self.out = AtomicFile(target)
        kind = _compression(target)
        self.stream: Any = self.out.file
        if kind == "gz":
            self.stream = gzip.GzipFile(filename="", mode="wb", fileobj=self.out.file, mtime=0)
        elif kind == "zst":
            import zstandard

            self.stream = zstandard.ZstdCompressor().stream_writer(self.out.file, closefd=False)

    def write(self, record: Record, output: dict[str, Any]) -> list[str]:
        values: dict[str, Any] = {}
        target = self.fields.cleaned or self.fields.text
        if output["cleaned"] != record.fields.get(target):  # an unchanged value keeps its spelling
            values[target] = output["cleaned"]
        values["tqa"] = output["tqa"]
        if record.raw is None:
            row = {**record.fields, **values}
            self.stream.write((_dumps(row) + "\n").encode("utf-8"))
        else:
            self.stream.write(splice(record.raw, values))
        return []

    def passthrough(self, item: Malformed) -> None:
        if item.raw is not None:
            self.stream.write(item.raw)

    def commit(self) -> Path:
        if self.stream is not self.out.file:
            self.stream.close()
        return self.out.commit()

    def abort(self) -> None:
        self.out.abort()
