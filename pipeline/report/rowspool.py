"""A batch's summary rows on disk, so memory stays flat in the number of articles.

``tqa run`` keeps one summary row per article for ``summary.*``, ``index.html`` and the
terminal table (about 4 KB as a dict: 40 MB at 10,000 articles). A ``RowSpool`` appends
each row to an anonymous temporary file as one JSON line and keeps only its offset; the
summary writers read the rows back, one at a time, as often as they need. Anything that
iterates a list of rows can iterate a spool.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .json_report import jsonable


class RowSpool:
    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()  # removed when closed, or when the process ends
        self._index: list[tuple[int, int]] = []  # (position in the input order, offset)

    def add(self, row: dict[str, Any], position: int = 0) -> None:
        self._file.seek(0, 2)
        offset = self._file.tell()
        # ASCII escapes: a name that is not UTF-8 (lone surrogates) comes back as it went in
        self._file.write(json.dumps(row, default=jsonable).encode("ascii") + b"\n")
        self._index.append((position, offset))

    def sort(self) -> None:
        """Input order: by the positions given to ``add``, ties in the order added."""
        self._index.sort(key=lambda entry: entry[0])

    def _read(self, offset: int) -> dict[str, Any]:
        self._file.seek(offset)
        return json.loads(self._file.readline())

    def __len__(self) -> int:
        return len(self._index)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for _, offset in list(self._index):
            yield self._read(offset)

    def sorted_by(self, key: Callable[[dict[str, Any]], Any]) -> Iterator[dict[str, Any]]:
        """``sorted(rows, key=key)``, holding only the keys in memory."""
        keys = sorted(((key(row), i) for i, row in enumerate(self)), key=lambda k: k[0])  # stable, like sorted()
        offsets = [self._index[i][1] for _, i in keys]
        del keys
        for offset in offsets:
            yield self._read(offset)

    def close(self) -> None:
        self._file.close()


def in_order(rows: Iterable[dict[str, Any]], key: Callable[[dict[str, Any]], Any]) -> Iterable[dict[str, Any]]:
    """``rows`` sorted by ``key``: a spool reads them back in that order, a list is sorted."""
    return rows.sorted_by(key) if isinstance(rows, RowSpool) else sorted(rows, key=key)
