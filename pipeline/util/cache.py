"""The per-user cache folder, and derived data kept there between runs (``cached``).

Some data tqa reads is derived from a large file by a slow parse that gives the same result
every time: jieba's prefix dictionary (~350,000 words read line by line), CC-CEDICT's table,
an index built over it. ``cached(name, inputs, build)`` keeps ``build()``'s result in the
cache folder as a ``marshal`` file, so a later process reads it back in a fraction of the
time (marshal is the fastest reader of plain dicts, lists, tuples and strings, and needs no
dependency). A stored result is used only when its key matches: the cache's format, the
Python version (marshal's format is Python's own), ``version`` (which the caller bumps when
``build`` changes), and each input file's path, size and modification time.

The cache is an optimisation and nothing more: a folder that cannot be created or written
(a read-only home), a missing, truncated or corrupt file, anything that goes wrong reading or
writing it, and the result is built in memory as if there were no cache. A file is written to
a temporary name and renamed over the old one, so concurrent workers never read half a file.

The folder: ``$TQA_CACHE_DIR``, else the user cache folder (platformdirs' when installed,
else ``$XDG_CACHE_HOME/tqa`` or ``~/.cache/tqa``); derived data goes in its ``derived/``.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sys
import tempfile
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

CACHE_ENV = "TQA_CACHE_DIR"
DERIVED = "derived"
FORMAT = 1  # bump when the file layout below changes
_MAGIC = b"tqa-cache\n"

T = TypeVar("T")


def cache_dir() -> Path:
    """``$TQA_CACHE_DIR``, else the user cache folder (platformdirs when installed) ``/tqa``."""
    if env := os.environ.get(CACHE_ENV):
        return Path(env).expanduser()
    try:
        from platformdirs import user_cache_path
    except ImportError:
        base = os.environ.get("XDG_CACHE_HOME")
        return (Path(base).expanduser() if base else Path.home() / ".cache") / "tqa"
    return user_cache_path("tqa")


def _key(name: str, inputs: Sequence[str | os.PathLike[str]], version: str) -> bytes:
    parts = [f"format={FORMAT}", f"name={name}", f"version={version}", f"python={sys.version_info[:2]}"]
    parts.append(f"marshal={marshal.version}")
    for path in inputs:
        stat = os.stat(path)
        parts.append(f"input={os.fspath(path)}|{stat.st_size}|{stat.st_mtime_ns}")
    return "\n".join(parts).encode("utf-8", "surrogateescape")


def cached(name: str, inputs: Sequence[str | os.PathLike[str]], build: Callable[[], T], version: str = "1") -> T:
    """``build()``'s result, read from the cache file ``name`` when its key matches, else built
    and stored there. ``inputs`` are the files the result is derived from; the result must be
    marshal-able (None, bools, numbers, strings, bytes, tuples, lists, sets, dicts of these).
    Exceptions of ``build`` propagate; none of the cache's own does."""
    try:
        key = _key(name, inputs, version)
        path = cache_dir() / DERIVED / f"{name}.marshal"
    except (OSError, ValueError, RuntimeError):  # an input gone, no home folder: build, keep nothing
        return build()
    found = _read(path, key)
    if found is not _MISSING:
        return found  # type: ignore[no-any-return]
    value = build()
    _write(path, key, value)
    return value


_MISSING: Any = object()


def _read(path: Path, key: bytes) -> Any:
    """The stored value, or ``_MISSING`` when the file is absent, stale or damaged.
    Layout: magic, key length, key, payload length, payload CRC-32, marshal payload."""
    try:
        data = path.read_bytes()
        at = len(_MAGIC)
        if data[:at] != _MAGIC:
            return _MISSING
        key_length = int.from_bytes(data[at : at + 4], "little")
        at += 4
        if data[at : at + key_length] != key:
            return _MISSING
        at += key_length
        size, crc = int.from_bytes(data[at : at + 8], "little"), int.from_bytes(data[at + 8 : at + 12], "little")
        payload = memoryview(data)[at + 12 :]
        if len(payload) != size or zlib.crc32(payload) != crc:
            return _MISSING
        return marshal.loads(payload)
    except (OSError, ValueError, EOFError, TypeError):
        return _MISSING


def _write(path: Path, key: bytes, value: Any) -> None:
    try:
        payload = marshal.dumps(value)
        header = _MAGIC + len(key).to_bytes(4, "little") + key
        header += len(payload).to_bytes(8, "little") + zlib.crc32(payload).to_bytes(4, "little")
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(header)
                f.write(payload)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except (OSError, ValueError):  # read-only, full disk, a value marshal cannot store: keep it in memory
        return
