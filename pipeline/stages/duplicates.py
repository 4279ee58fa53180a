"""Duplicates across the batch: ``DuplicateIndex`` decides, in input order, which inputs copy an earlier one.

Each input's ``RecordSignature`` is computed where it is checked (``prepare``, in a worker
process); the index lives in the main process, one of the batch's indexes
(``pipeline.stages.batch``), and sees the prepared inputs in input order, so the first copy
in input order is the one named, whatever the number of workers. It keeps signatures and
names, never texts: per input a 16-byte digest and, unless it is an exact copy, ``num_perm``
32-bit MinHash values and its LSH buckets, all in a temporary SQLite file
(``pipeline.util.lsh``), so memory stays flat as the batch grows.
"""

from __future__ import annotations

from pipeline.checks.duplicate_record import DuplicateRecord, RecordSignature
from pipeline.util.lsh import BandIndex

Copy = tuple[str, str, float]  # the first copy's name, "exact" or "near", the Jaccard estimate

# The LSH looks for candidates below the reporting threshold, so that a pair just above it
# is not lost to banding; each candidate is then measured on its signature.
_LSH_MARGIN = 0.1


class DuplicateIndex:
    """The batch's signatures so far; ``add`` says whether an input copies an earlier one."""

    def __init__(self, check: DuplicateRecord) -> None:
        self.check = check
        self.threshold = float(check.config["threshold"])
        self._index: BandIndex | None = None  # made on the first signature: a batch of short texts needs none

    def add(self, name: str, sig: RecordSignature | None) -> Copy | None:
        """Record the input ``name``; the earlier input it copies as (name, "exact" or "near",
        Jaccard estimate), or None."""
        if sig is None:
            return None
        if self._index is None:
            self._index = BandIndex(max(0.05, self.threshold - _LSH_MARGIN), len(sig.minhash))
        index = self._index
        number = index.count
        first = index.add_exact(sig.digest, name)
        if first != number:  # the first copy's values stand for it
            return index.name(first), "exact", 1.0
        best = index.nearest(sig.minhash, self.threshold) if number else None
        index.insert(number, sig.minhash)
        if best is None:
            return None
        return index.name(best[0]), "near", best[1]
