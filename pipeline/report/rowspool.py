"""A batch's summary rows on disk, so memory stays flat in the number of articles.

``tqa run`` keeps one summary row per article for ``summary.*``, ``index.html`` and the
terminal table (about 4 KB as a dict: 40 MB at 10,000 articles). A ``RowSpool`` appends
each row to an anonymous temporary file as one JSON line and keeps only its offset; the
summary writers read the rows back, one at a time, as often as they need. Anything that
iterates a list of rows can iterate a spool.
"""

from __future__ import annotations

import heapq
import json
import pickle
import tempfile
from array import array
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from pipeline.report.json_report import jsonable

SORT_RUN = 4096  # keys sorted in memory at once by ``RowSpool.sorted_by``


class RowSpool:
    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()  # removed when closed, or when the process ends
        # position in the input order and offset of each row: 16 bytes a row in two arrays
        # (a list of tuples took ~90, 9 MB at 100,000 corpus records)
        self._positions, self._offsets = array("q"), array("q")

    def add(self, row: dict[str, Any], position: int = 0) -> None:
        self._file.seek(0, 2)
        offset = self._file.tell()
        # ASCII escapes: a name that is not UTF-8 (lone surrogates) comes back as it went in
        self._file.write(json.dumps(row, default=jsonable).encode("ascii") + b"\n")
        self._positions.append(position)
        self._offsets.append(offset)

    def sort(self) -> None:
        """Input order: by the positions given to ``add``, ties in the order added."""
        if all(a <= b for a, b in zip(self._positions, self._positions[1:])):
            return  # already in order (a corpus's records all share one position)
        order = sorted(range(len(self._positions)), key=self._positions.__getitem__)
        self._positions = array("q", (self._positions[i] for i in order))
        self._offsets = array("q", (self._offsets[i] for i in order))

    def _read(self, offset: int) -> dict[str, Any]:
        self._file.seek(offset)
        return json.loads(self._file.readline())

    def __len__(self) -> int:
        return len(self._offsets)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for offset in array("q", self._offsets):  # a copy: rows may be added while reading
            yield self._read(offset)

    def sorted_by(self, key: Callable[[dict[str, Any]], Any]) -> Iterator[dict[str, Any]]:
        """``sorted(rows, key=key)``, holding at most ``SORT_RUN`` keys in memory: runs of
        rows are sorted by key and spilled to a temporary file, then merged (a list of every
        row's key took ~200 bytes a row, 10 MB at 50,000 corpus records)."""
        with tempfile.TemporaryFile() as spill:
            runs: list[tuple[int, int]] = []  # (start, end) of each sorted run in ``spill``
            batch: list[tuple[Any, int]] = []

            def flush() -> None:
                batch.sort(key=lambda k: k[0])  # stable, like sorted()
                start = spill.seek(0, 2)
                for item in batch:
                    pickle.dump(item, spill)
                runs.append((start, spill.tell()))
                batch.clear()

            for i, row in enumerate(self):
                batch.append((key(row), i))
                if len(batch) == SORT_RUN:
                    flush()
            if len(runs) == 0:  # one run: no need to spill it
                batch.sort(key=lambda k: k[0])
                merged: Iterable[tuple[Any, int]] = batch
            else:
                if batch:
                    flush()

                def read(start: int, end: int) -> Iterator[tuple[Any, int]]:
                    while start < end:
                        spill.seek(start)
                        item = pickle.load(spill)
                        start = spill.tell()
                        yield item

                # ties keep the order of the runs, so the merge is stable too
                merged = heapq.merge(*(read(a, b) for a, b in runs), key=lambda k: k[0])
            for _, i in merged:
                yield self._read(self._offsets[i])

    def close(self) -> None:
        self._file.close()


def in_order(rows: Iterable[dict[str, Any]], key: Callable[[dict[str, Any]], Any]) -> Iterable[dict[str, Any]]:
    """``rows`` sorted by ``key``: a spool reads them back in that order, a list is sorted."""
    return rows.sorted_by(key) if isinstance(rows, RowSpool) else sorted(rows, key=key)
