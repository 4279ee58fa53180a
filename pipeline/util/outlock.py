"""One run at a time per output folder.

Two runs writing the same ``--out`` remove each other's temporary files and reset each
other's manifest; the second one is refused instead. ``flock`` on a lock file in the
folder: the kernel releases it when the process ends, however it ends, so a killed run
never leaves a stale lock. Where ``fcntl`` does not exist (Windows) there is no lock.

A forked worker inherits the lock's descriptor (close-on-exec does not act on fork), and a
flock lasts until every copy is closed: a worker still finishing its article after the main
run was killed would hold the folder, and ``--resume`` right after would be refused. So
forked children close their copies at once.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

LOCK_NAME = ".tqa.lock"
_FDS: dict[Path, int] = {}  # folder -> the locked descriptor, for forked children to close


def _forget_in_child() -> None:
    for fd in _FDS.values():
        with contextlib.suppress(OSError):
            os.close(fd)
    _FDS.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_in_child)


class OutputLocked(Exception):
    """Another run holds the output folder; the message is one line for the user."""


@contextlib.contextmanager
def output_lock(folder: Path) -> Iterator[None]:
    """Hold ``folder`` for this run; ``OutputLocked`` when another run holds it.

    One owner: ``tqa run`` takes it before the batch and keeps it through the summary, so
    nothing else takes it. Not re-entrant: a second take, even in this process, is refused.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    key = Path(folder).resolve()
    key.mkdir(parents=True, exist_ok=True)
    fd = os.open(key / LOCK_NAME, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise OutputLocked(
                f"{folder}: another tqa run (pid {holder}) is writing reports there; "
                "wait for it to end or choose another --out"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        _FDS[key] = fd
        try:
            yield
        finally:
            del _FDS[key]
            os.ftruncate(fd, 0)  # no pid left behind: the folder reads the same after every run
    finally:
        os.close(fd)  # closing the descriptor releases the lock
