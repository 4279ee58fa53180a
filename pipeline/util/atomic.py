"""Atomic file writing: a reader sees the old file or the new one, never half of one.

Reports of a long batch are rewritten while people may have them open, and a run can be
interrupted (Ctrl-C, a killed job) at any moment; writing to a temporary file in the same
folder and renaming it over the target is the portable way to make that safe.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

# tqa's own temporary files, and only those, are what a later run may clean up: a fixed
# prefix and tempfile's 8 random characters. Short, so a 240-character report name still
# fits the 255-byte limit of a file name; hidden, so no one mistakes it for a report.
_TMP_PREFIX, _TMP_SUFFIX = ".tqa-", ".tmp"
_TMP_NAME = re.compile(r"\.tqa-[a-z0-9_]{8}\.tmp")


def _read_umask() -> int:
    # os.umask can only be read by setting it; do it once, at import, before worker threads exist.
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _read_umask()


def write_atomic(
    path: str | os.PathLike[str], data: bytes | str, encoding: str = "utf-8", durable: bool = True
) -> Path:
    """Write ``data`` to ``path`` atomically; create missing parent folders; return the path.

    ``str`` data is encoded with ``encoding`` as is: no newline translation, so CRLF text
    stays CRLF. If anything fails (encoding, a full disk, KeyboardInterrupt) the target is
    left as it was and the temporary file is removed. ``durable=False`` leaves out the
    fsyncs (still atomic for readers and for a killed process); the caller then makes
    many files durable at once with ``sync_folder`` (a batch does, once per chunk).
    """
    path = Path(path)
    # Encode first: an unencodable text must fail before any file exists.
    payload = data.encode(encoding) if isinstance(data, str) else bytes(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = tempfile.NamedTemporaryFile(dir=path.parent, prefix=_TMP_PREFIX, suffix=_TMP_SUFFIX, delete=False)
    try:
        with tmp:
            tmp.write(payload)
            tmp.flush()
            if durable:
                os.fsync(tmp.fileno())
        # NamedTemporaryFile creates 0600; give the report the mode a plain open() would.
        os.chmod(tmp.name, 0o666 & ~_UMASK)
        os.replace(tmp.name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp.name)
        raise
    if durable:
        _fsync_folder(path.parent)
    return path


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike[str], encoding: str = "utf-8", durable: bool = True) -> Iterator[IO[str]]:
    """``write_atomic`` for a text written piece by piece (a summary of 100,000 rows), so it
    is never whole in memory: a text handle (no newline translation) on a temporary file
    that replaces ``path`` when the block ends, and is removed if the block raises."""
    out = AtomicFile(path)
    try:
        yield out.text(encoding)
        out.commit(durable)
    except BaseException:  # the commit too: a folder in the way must not leave the temporary file
        out.abort()
        raise


def sync_folder(folder: Path) -> None:
    """Make every file written under ``folder`` durable, with one call: syncfs(2) of its
    file system on Linux, else sync(2) where there is one, else fsync of the folder."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        syncfs = libc.syncfs
    except (OSError, AttributeError, ImportError):
        syncfs = None
    if syncfs is not None:
        fd = os.open(folder, os.O_RDONLY)
        try:
            if syncfs(fd) == 0:
                return
        finally:
            os.close(fd)
    if hasattr(os, "sync"):
        os.sync()
    else:
        _fsync_folder(folder)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable where the platform allows it (POSIX; not Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def remove_stale_temps(folder: Path) -> int:
    """Delete temporary files a killed tqa run left in ``folder``; return how many.

    Only names tqa makes are touched: ``--out`` may be a folder of the user's own files.
    Call it holding the output lock, so no running tqa is still writing them.
    """
    removed = 0
    for tmp in Path(folder).glob(f"{_TMP_PREFIX}*{_TMP_SUFFIX}"):
        if _TMP_NAME.fullmatch(tmp.name) and tmp.is_file() and not tmp.is_symlink():
            with contextlib.suppress(OSError):
                tmp.unlink()
                removed += 1
    return removed


class AtomicFile:
    """A file written as a stream and moved into place only when complete (``commit``):
    a corpus written record by record, the batch's findings export, a summary written row
    by row. ``write_atomic``'s temporary names, so ``remove_stale_temps`` clears what a
    killed run left."""

    def __init__(self, target: str | os.PathLike[str]) -> None:
        self.target = Path(target)
        self.target.parent.mkdir(parents=True, exist_ok=True)
        # tqa's own temp name: the next run removes it if this one is killed, and nothing else
        self.file = tempfile.NamedTemporaryFile(
            dir=self.target.parent, prefix=_TMP_PREFIX, suffix=_TMP_SUFFIX, delete=False
        )
        self._text: io.TextIOWrapper | None = None

    def text(self, encoding: str = "utf-8") -> io.TextIOWrapper:
        """A text handle on the file (no newline translation); ``commit`` flushes it."""
        self._text = io.TextIOWrapper(self.file, encoding=encoding, newline="")
        return self._text

    def commit(self, durable: bool = True) -> Path:
        if self._text is not None:
            self._text.flush()
            self._text.detach()  # the binary file stays open to be synced and closed here
        self.file.flush()
        if durable:
            os.fsync(self.file.fileno())
        self.file.close()
        os.chmod(self.file.name, 0o666 & ~_UMASK)
        os.replace(self.file.name, self.target)
        if durable:
            _fsync_folder(self.target.parent)
        return self.target

    def abort(self) -> None:
        if self._text is not None:
            with contextlib.suppress(ValueError, OSError):
                self._text.detach()
        with contextlib.suppress(OSError):
            self.file.close()
            os.unlink(self.file.name)
