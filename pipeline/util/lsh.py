"""MinHash LSH with its buckets on disk: near-copy candidates among millions of inputs in flat memory.

The scheme is datasketch's ``MinHashLSH``: the ``num_perm`` MinHash values of an input are cut
into ``b`` bands of ``r`` values, two inputs are candidates when any band is equal, and ``b`` and
``r`` minimise the equally weighted areas of false positives below the threshold and false
negatives above it (``bands``, datasketch's ``_optimal_param`` computed with numpy instead of
scipy, whose import costs ~0.6 CPU-s). datasketch keeps its buckets in memory (or in Redis or
Cassandra): ~11 KB per input, 11 GB for a corpus of a million records. Here the buckets, the
values and the exact digests live in a temporary SQLite database that SQLite removes when it is
closed, with a bounded page cache (``pipeline.util.scratch``), so memory stays flat however
many inputs the batch holds.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pipeline.util.scratch import scratch_db

# SQLite's page cache for the index, in KiB (negative cache_size); the file grows, memory does not
_CACHE_KIB = 8 * 1024
# A bucket keeps its first inputs only: in a corpus of near-identical records (boilerplate,
# syndicated copies) every input would otherwise be measured against all earlier ones sharing a
# band, quadratic in the batch. The earliest copy stays in each band it fills, and an input is
# measured against at most ``b * _BUCKET_CAP`` others.
_BUCKET_CAP = 32


@lru_cache(maxsize=16)
def bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """(b, r): the bands and rows per band that minimise false positives (Jaccard below
    ``threshold`` that share a band) plus false negatives (above it that share none)."""
    import numpy as np

    s = np.linspace(0.0, 1.0, 2001)
    below, above = s <= threshold, s >= threshold
    best, opt = float("inf"), (1, 1)
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            p = 1 - (1 - s**r) ** b  # the chance two inputs of Jaccard s share a band
            error = np.trapezoid(p[below], s[below]) + np.trapezoid(1 - p[above], s[above])
            if error < best:
                best, opt = error, (b, r)
    return opt


class BandIndex:
    """Inputs numbered 0, 1, ... in the order added; each with its exact digest and MinHash values."""

    def __init__(self, threshold: float, num_perm: int) -> None:
        self.b, self.r = bands(threshold, num_perm)
        self._db = scratch_db(
            """
            CREATE TABLE exact (digest BLOB PRIMARY KEY, input INTEGER) WITHOUT ROWID;
            CREATE TABLE bucket (key INTEGER, input INTEGER, PRIMARY KEY (key, input)) WITHOUT ROWID;
            CREATE TABLE sig (input INTEGER PRIMARY KEY, name TEXT, vals BLOB);
            """,
            _CACHE_KIB,
        )
        self.count = 0
        import numpy as np

        gen = np.random.default_rng(1)
        self._mix = gen.integers(0, 1 << 63, size=(self.b, self.r), dtype=np.uint64) * np.uint64(2) + np.uint64(1)
        self._last: tuple[Any, list[int]] | None = None  # the keys nearest computed, for insert

    def name(self, number: int) -> str:
        return self._db.execute("SELECT name FROM sig WHERE input = ?", (number,)).fetchone()[0]

    def add_exact(self, digest: bytes, name: str) -> int:
        """Number the input ``name``; the number of the first input with ``digest`` (its own if new)."""
        number = self.count
        self.count += 1
        self._db.execute("INSERT INTO sig (input, name) VALUES (?, ?)", (number, name))
        row = self._db.execute("SELECT input FROM exact WHERE digest = ?", (digest,)).fetchone()
        if row is not None:
            return row[0]
        self._db.execute("INSERT INTO exact VALUES (?, ?)", (digest, number))
        return number

    def _keys(self, values: Any) -> list[int]:
        """Each band's key: its values combined by odd 64-bit multipliers, one per place in the
        index (so equal values in two bands give two keys). A collision only adds a candidate,
        which the Jaccard estimate then turns away."""
        import numpy as np

        rows = values[: self.b * self.r].astype(np.uint64).reshape(self.b, self.r)
        with np.errstate(over="ignore"):  # arithmetic modulo 2**64 is the point
            keys = (rows * self._mix).sum(axis=1, dtype=np.uint64)
        return keys.view(np.int64).tolist()

    def nearest(self, values: Any, threshold: float) -> tuple[int, float] | None:
        """The earliest input whose Jaccard estimate with ``values`` reaches ``threshold``, with it."""
        import numpy as np

        keys = self._keys(values)
        marks = ",".join("?" * len(keys))
        full = self._db.execute(
            f"SELECT key FROM bucket WHERE key IN ({marks}) GROUP BY key HAVING count(*) >= {_BUCKET_CAP}", keys
        ).fetchall()
        full_keys = {k for (k,) in full}
        self._last = (values, [k for k in keys if k not in full_keys])  # the buckets insert may fill
        # the candidates in input order, read a few at a time: the first is usually the answer
        found = self._db.execute(f"SELECT DISTINCT input FROM bucket WHERE key IN ({marks}) ORDER BY input", keys)
        while chunk := [n for (n,) in found.fetchmany(32)]:
            blobs = dict(
                self._db.execute(f"SELECT input, vals FROM sig WHERE input IN ({','.join('?' * len(chunk))})", chunk)
            )
            for number in chunk:
                jaccard = float((np.frombuffer(blobs[number], dtype="<u4") == values).mean())
                if jaccard >= threshold:
                    return number, round(jaccard, 3)
        return None

    def insert(self, number: int, values: Any) -> None:
        """Put the input ``number`` (already numbered by ``add_exact``) into its buckets that are not full."""
        self._db.execute("UPDATE sig SET vals = ? WHERE input = ?", (values.astype("<u4").tobytes(), number))
        keys = self._last[1] if self._last is not None and self._last[0] is values else self._keys(values)
        self._last = None
        self._db.executemany("INSERT OR IGNORE INTO bucket VALUES (?, ?)", [(k, number) for k in keys])

    def close(self) -> None:
        self._db.close()
