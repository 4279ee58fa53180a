"""Reading a file tqa was pointed at: regular files only, within a size limit.

A FIFO among the inputs blocks ``open`` and ``read`` forever, and ``/dev/zero`` or
``/dev/urandom`` (reached through a symlink, where ``stat`` says size 0) never ends, so
neither a path check nor ``st_size`` is enough: the file is opened without blocking,
checked on its descriptor, and the limit is enforced on the bytes actually read.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

MAX_BYTES = 64 * 1024 * 1024  # documented limit: larger files are refused, not read into memory


class NotReadable(OSError):
    """A path that is not a regular file, or one over the size limit; ``str`` is one line."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.strerror = message


def read_limited(path: str | os.PathLike[str], max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of the regular file ``path``; ``NotReadable`` (an ``OSError``) otherwise.

    Other ``OSError``s (no such file, permission denied) pass through unchanged. A URL
    (``s3://...``) is read from its store, within the same limit.
    """
    from pipeline.util.storage import as_remote

    remote = as_remote(path)
    if remote is not None:
        data = remote.read_limited(max_bytes)
        if len(data) > max_bytes:
            raise NotReadable(over_limit(max_bytes))
        return data
    # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        mode = info.st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if not stat.S_ISREG(mode):
            kind = (
                "a FIFO"
                if stat.S_ISFIFO(mode)
                else "a device"
                if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
                else "a socket"
            )
            raise NotReadable(f"is {kind}, not a regular file; only regular files are read")
        if info.st_size > max_bytes:  # refused without reading it
            raise NotReadable(
                f"is {info.st_size / 2**20:.0f} MiB, over the {max_bytes / 2**20:.0f} MiB limit per file; split it"
            )
        chunks, total = [], 0
        while True:
            # one byte past the limit tells "exactly at the limit" from "over it"
            block = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not block:
                break
            chunks.append(block)
            total += len(block)
            if total > max_bytes:
                raise NotReadable(over_limit(max_bytes))
        return b"".join(chunks)
    finally:
        os.close(fd)


def over_limit(max_bytes: int = MAX_BYTES) -> str:
    return f"is over the {max_bytes / 2**20:.0f} MiB limit per file; split it"


def read_text_limited(path: str | os.PathLike[str], encoding: str = "utf-8", max_bytes: int = MAX_BYTES) -> str:
    """``Path.read_text`` for config, glossary, ignore and report files, within the same rules."""
    return read_limited(Path(path), max_bytes).decode(encoding)


def loads_json(text: str) -> object:
    """``json.loads`` where nesting too deep for the parser is a ``JSONDecodeError`` too,
    so every caller's one-line message covers it (Python raises ``RecursionError``)."""
    import json

    try:
        return json.loads(text)
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply", text[:100], 0) from None


def path_text(path: str | os.PathLike[str]) -> str:
    """A path as text that every report can hold: bytes of a name that are not UTF-8 (Python
    keeps them as lone surrogates, which no UTF-8 writer accepts) shown as ``\\xe9``."""
    name = os.fspath(path)
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return name
