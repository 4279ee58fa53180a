"""A remote ``--out``: the run writes into a local staging folder, as it writes any
``--out``, and ``publish`` uploads it when the run ends.

Each object appears whole (an S3 PUT is all or nothing, so no temporary key and move is
needed there), and the manifest goes last: a reader of the manifest, or ``--resume``, never
finds it listing a report that is not there yet. ``--resume`` first downloads what the store
holds under ``--out`` (the manifest and the reports it lists). One run at a time is kept by
a marker object, ``.tqa.lock``, written when the run starts and deleted when it ends.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pipeline.util.outlock import LOCK_NAME
from pipeline.util.storage import RemotePath, StorageError, describe, failing, location


def _failing_place(call: Any) -> Any:
    def wrapped(self: OutputPlace, *args: Any) -> Any:
        try:
            return call(self, *args)
        except StorageError:
            raise
        except Exception as err:
            raise StorageError(f"--out {self.target}: {describe(err)}") from None

    return wrapped


class OutputPlace:
    """Where a run writes (``local``) and where its outputs end up (``target``). For a local
    ``--out`` they are the same folder and nothing more happens; for a URL ``local`` is a
    staging folder, filled from the store for ``--resume`` and uploaded by ``publish``."""

    def __init__(self, target: Any, resume: bool = False) -> None:
        self.target = location(target)
        self.remote = isinstance(self.target, RemotePath)
        self._staging: tempfile.TemporaryDirectory[str] | None = None
        self.local: Path = self.target if not self.remote else Path()
        if self.remote:
            if self.target.is_file():
                raise StorageError(f"--out {self.target}: exists and is not a folder")
            # TQA_STAGING: a folder every Ray node sees, where the tasks write the reports
            self._staging = tempfile.TemporaryDirectory(prefix="tqa-out-", dir=os.environ.get("TQA_STAGING") or None)
            self.local = Path(self._staging.name)
            if resume and self.target.exists():  # the manifest and the reports it lists
                self._download()

    @_failing_place
    def _download(self) -> None:
        fs, root = self.target.fs, self.target.key
        for key in fs.find(root, withdirs=False):
            relative = key.strip("/")[len(root.strip("/")) + 1 :]
            if relative == LOCK_NAME:
                continue
            dest = self.local / relative
            dest.parent.mkdir(parents=True, exist_ok=True)
            fs.get_file(key, str(dest))

    @contextmanager
    def lock(self) -> Iterator[None]:
        """A marker object for a remote ``--out``: a second run is refused while it is there.
        A store has no atomic create-if-absent that every backend offers, so two runs started
        in the same second can both pass; a run that was killed leaves it, and the message
        says to delete it."""
        if not self.remote:
            yield
            return
        marker = self.target / LOCK_NAME
        try:  # before any work: a missing bucket or a refused credential is found here
            held = marker.exists()
            if not held:
                _put_bytes(marker, f"{os.getpid()} {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}\n".encode())
        except OSError as err:
            raise StorageError(f"--out {self.target}: cannot write there: {describe(err)}") from None
        if held:
            raise StorageError(
                f"--out {self.target}: another tqa run is writing there ({marker} exists;"
                " delete it if no run is, e.g. after a killed one)"
            )
        try:
            yield
        finally:
            try:
                failing(lambda p: p.fs.rm_file(p.key))(marker)
            except OSError:
                pass

    def publish(self, last: Iterable[str] = ()) -> list[tuple[str, str]]:
        """Upload what the run wrote; ``last`` (the manifest) after everything else, so a
        reader of the manifest finds every report it lists. The first failure stops it (the
        next uploads would fail alike) and is returned as (target, reason); none: ``[]``."""
        if not self.remote:
            return []
        late = set(last)
        files = sorted(
            p
            for p in self.local.rglob("*")
            if p.is_file() and p.name != LOCK_NAME and not (p.name.startswith(".tqa-") and p.name.endswith(".tmp"))
        )
        ordered = [p for p in files if p.name not in late] + [p for p in files if p.name in late]
        for n, path in enumerate(ordered):
            dest = self.target / path.relative_to(self.local).as_posix()
            try:
                failing(lambda p, src=path: p.fs.put_file(str(src), p.key))(dest)
            except OSError as err:
                left = len(ordered) - n
                return [(str(dest), f"{describe(err)}; {left} file(s) not uploaded, the manifest among them")]
        return []

    def close(self) -> None:
        if self._staging is not None:
            shutil.rmtree(self._staging.name, ignore_errors=True)
            self._staging = None


def _put_bytes(path: RemotePath, data: bytes) -> None:
    def put(p: RemotePath) -> None:
        with p.fs.open(p.key, "wb") as f:
            f.write(data)

    failing(put)(path)
