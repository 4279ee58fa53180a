"""Duplicates across the batch: ``DuplicateIndex`` decides, in input order, which inputs copy an earlier one.

Each input's ``RecordSignature`` is computed where it is checked (``prepare``, in a worker
process); the index lives in the main process, one of the batch's indexes
(``pipeline.stages.batch``), and sees the prepared inputs in input order, so the first copy
in input order is the one named, whatever the number of workers. It keeps signatures and names, never texts: per input a 16-byte digest
and, unless it is an exact copy, ``num_perm`` 32-bit MinHash values and datasketch's LSH
buckets.
"""

from __future__ import annotations

from typing import Any

from pipeline.checks.duplicate_record import DuplicateRecord, RecordSignature

Copy = tuple[str, str, float]  # the first copy's name, "exact" or "near", the Jaccard estimate

# The LSH looks for candidates below the reporting threshold, so that a pair just above it
# is not lost to banding; each candidate is then measured on its signature.
_LSH_MARGIN = 0.1


class DuplicateIndex:
    """The batch's signatures so far; ``add`` says whether an input copies an earlier one."""

    def __init__(self, check: DuplicateRecord) -> None:
        self.check = check
        self.threshold = float(check.config["threshold"])
        self._exact: dict[bytes, int] = {}
        self._names: list[str] = []
        self._values: list[Any] = []  # per input: its MinHash values, or None (exact copy, too short)
        self._lsh: Any = None

    def add(self, name: str, sig: RecordSignature | None) -> Copy | None:
        """Record the input ``name``; the earlier input it copies as (name, "exact" or "near",
        Jaccard estimate), or None."""
        if sig is None:
            return None
        number = len(self._names)
        self._names.append(name)
        first = self._exact.setdefault(sig.digest, number)
        if first != number:
            self._values.append(None)  # the first copy's values stand for it
            return self._names[first], "exact", 1.0
        self._values.append(sig.minhash)
        best = self._nearest(sig.minhash)
        self._insert(number, sig.minhash)
        if best is None:
            return None
        return self._names[best[0]], "near", best[1]

    def _lsh_index(self) -> Any:
        if self._lsh is None:
            from datasketch import MinHashLSH  # imported by the main process only, and only for a batch

            self._lsh = MinHashLSH(threshold=max(0.05, self.threshold - _LSH_MARGIN), num_perm=len(self._values[-1]))
        return self._lsh

    def _minhash(self, values: Any) -> Any:
        from datasketch import LeanMinHash

        # the LSH reads only the values; "legacy" is datasketch's label for values it did not make
        return LeanMinHash(seed=1, hashvalues=values.astype("uint64"), scheme="legacy")

    def _nearest(self, values: Any) -> tuple[int, float] | None:
        """The earliest earlier input at or above the threshold, with its Jaccard estimate."""
        if self._lsh is None and len(self._names) == 1:
            return None
        for other in sorted(self._lsh_index().query(self._minhash(values))):
            jaccard = float((self._values[other] == values).mean())
            if jaccard >= self.threshold:
                return other, round(jaccard, 3)
        return None

    def _insert(self, number: int, values: Any) -> None:
        self._lsh_index().insert(number, self._minhash(values), check_duplication=False)
