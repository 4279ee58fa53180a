"""A file written as a stream but moved into place only when complete.

``atomic.write_atomic`` takes the whole content at once; a corpus is written record by
record, so its writer holds this temporary file open instead. Same naming as
``write_atomic``'s temporaries, so ``remove_stale_temps`` clears what a killed run left.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from ..atomic import _TMP_PREFIX, _TMP_SUFFIX, _UMASK, _fsync_folder


class AtomicFile:
    def __init__(self, target: Path) -> None:
        self.target = Path(target)
        self.target.parent.mkdir(parents=True, exist_ok=True)
        # tqa's own temp name: the next run removes it if this one is killed, and nothing else
        self.file = tempfile.NamedTemporaryFile(dir=self.target.parent, prefix=_TMP_PREFIX, suffix=_TMP_SUFFIX, delete=False)

    def commit(self) -> Path:
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()
        os.chmod(self.file.name, 0o666 & ~_UMASK)
        os.replace(self.file.name, self.target)
        _fsync_folder(self.target.parent)
        return self.target

    def abort(self) -> None:
        with contextlib.suppress(OSError):
            self.file.close()
            os.unlink(self.file.name)
