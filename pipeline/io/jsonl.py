"""JSON Lines (``.jsonl``, ``.jsonl.gz``, ``.jsonl.zst``): one JSON object a line."""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from pipeline.io.base import CorpusError, Fields, Malformed, Record, make_record
from pipeline.io.base import Writer as BaseWriter
from pipeline.util.atomic import AtomicFile


def _compression(path: Path) -> str | None:
    name = path.name.lower()
    return "gz" if name.endswith(".gz") else "zst" if name.endswith(".zst") else None


def _open(path: Path) -> IO[bytes]:
    kind = _compression(path)
    if kind == "gz":
        return gzip.open(path, "rb")
    if kind == "zst":
        try:
            import zstandard
        except ImportError:
            raise CorpusError(f"{path}: .zst needs zstandard: pip install 'tqa[corpora]'") from None
        return io.BufferedReader(zstandard.open(path, "rb"))  # its reader cannot iterate lines itself
    return open(path, "rb")


def read(path: Path, fields: Fields) -> Iterator[Record | Malformed]:
    try:
        with _open(path) as f:
            for number, raw in enumerate(f, 1):
                if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]  # a UTF-8 byte-order mark, as some Windows tools write
                if not raw.strip():
                    continue
                try:
                    row = json.loads(raw.decode("utf-8"))
                except UnicodeDecodeError as err:
                    yield Malformed(f"line {number}", f"not UTF-8 ({err.reason} at byte {err.start})")
                    continue
                except ValueError as err:
                    yield Malformed(
                        f"line {number}", f"not JSON: {getattr(err, 'msg', err)} at column {getattr(err, 'colno', '?')}"
                    )
                    continue
                except RecursionError:
                    yield Malformed(f"line {number}", "JSON nested too deeply")
                    continue
                if not isinstance(row, dict):
                    yield Malformed(f"line {number}", f"a JSON {type(row).__name__}, not an object")
                    continue
                yield make_record(row, number, "line", fields)
    except CorpusError:
        raise
    except (OSError, EOFError) as err:  # a truncated or corrupt .gz/.zst, an unreadable file
        raise CorpusError(f"{path}: cannot be read: {err}") from None
    except Exception as err:  # zstandard's ZstdError is not an OSError
        raise CorpusError(f"{path}: cannot be read: {err}") from None


class Writer(BaseWriter):
    """Every record back as one line, its fields in their order, the cleaned text in place
    (or in ``fields.cleaned``) and a ``tqa`` field last. Compressed like the input, with no
    timestamp in a gzip header, so the same run gives the same bytes."""

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
        row = dict(record.fields)
        row[self.fields.cleaned or self.fields.text] = output["cleaned"]
        row.pop("tqa", None)  # a corpus cleaned before: this run's findings replace the old ones
        row["tqa"] = output["tqa"]
        self.stream.write((json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8"))
        return []

    def commit(self) -> Path:
        if self.stream is not self.out.file:
            self.stream.close()
        return self.out.commit()

    def abort(self) -> None:
        self.out.abort()
