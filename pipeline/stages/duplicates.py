"""Duplicates across the batch: ``DuplicateIndex`` decides, in input order, which inputs copy an earlier one.

Each input's ``RecordSignature`` is computed where it is checked (``prepare``, in a worker
process); the index lives in the main process and sees the prepared inputs in input order
(``mark_duplicates``), so the first copy in input order is the one named, whatever the
number of workers. It keeps signatures and names, never texts: per input a 16-byte digest
and, unless it is an exact copy, ``num_perm`` 32-bit MinHash values and its LSH buckets, all
in a temporary SQLite file (``pipeline.util.lsh``), so memory stays flat as the batch grows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pipeline.checks.duplicate_record import DuplicateRecord, RecordSignature, anchor
from pipeline.core.document import InputError
from pipeline.review.ignore import IgnoreList, load_ignore
from pipeline.stages.job import Job, Prepared
from pipeline.util.lsh import BandIndex

Copy = tuple[str, str, float]  # the first copy's name, "exact" or "near", the Jaccard estimate

# The LSH looks for candidates below the reporting threshold, so that a pair just above it
# is not lost to banding; each candidate is then measured on its signature.
_LSH_MARGIN = 0.1


class DuplicateIndex:
    """The batch's signatures so far; ``add`` says whether an input copies an earlier one."""

    def __init__(self, check: DuplicateRecord, ignore: IgnoreList | None = None) -> None:
        self.check = check
        self.ignore = ignore  # the ignore list: an accepted copy is not reported again
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


def add_copy(prep: Prepared, copy: Copy, check: DuplicateRecord, ignore: IgnoreList | None) -> None:
    """Give ``prep`` its ``duplicate-record`` finding (or count it hidden, if the ignore list has it)."""
    first, kind, jaccard = copy
    how = (
        "exact, after case, whitespace, quotes and dashes"
        if kind == "exact"
        else f"near, estimated Jaccard {jaccard:.2f} of {check.config['shingle']}-word shingles"
    )
    evidence = {"kind": kind, "first": first, "jaccard": jaccard}
    finding = check.finding(anchor(prep.doc), f"copy of {first} ({how})", evidence=evidence)
    if ignore is not None and ignore.ignores(finding, prep.doc.text):
        prep.hidden += 1
        return
    prep.findings.append(finding)
    prep.findings.sort(key=lambda f: (f.span.start, f.span.end, f.check))


def duplicate_index(
    checks: Mapping[str, Mapping[str, Any]], count: int, ignore_file: str | Path | None = None
) -> DuplicateIndex | None:
    """The index for a batch of ``count`` inputs with these check settings and ignore list;
    None when the check is off or there is nothing to compare."""
    options = dict(checks.get(DuplicateRecord.id, {}))
    if not options.pop("enabled", True) or count < 2:
        return None
    return DuplicateIndex(DuplicateRecord(**options), load_ignore(ignore_file) if ignore_file else None)


def mark_duplicates(index: DuplicateIndex | None, jobs: Sequence[Job], prepared: Sequence[Prepared | str]) -> None:
    """Add a ``duplicate-record`` finding to each prepared input that copies an earlier one;
    ``jobs`` and ``prepared`` in input order. The signatures are let go."""
    for job, prep in zip(jobs, prepared):
        if not isinstance(prep, Prepared):
            continue
        sig, prep.signature = prep.signature, None
        if index is None:
            continue
        found = index.add(job.key, sig)
        if found is not None:
            add_copy(prep, found, index.check, index.ignore)


def remember(index: DuplicateIndex | None, jobs: Sequence[Job], encoding: str | None = None) -> list[Copy | None]:
    """Add ``jobs`` to the index in input order, measured here (in the main process) from the
    record's text or the file; what each copies. For the inputs an earlier run processed
    (``--resume``), and on an engine whose workers cannot wait for the index (Ray)."""
    if index is None:
        return [None] * len(jobs)
    return [index.add(job.key, signature(index.check, job, encoding)) for job in jobs]


def signature(check: DuplicateRecord, job: Job, encoding: str | None = None) -> RecordSignature | None:
    """``job``'s signature, measured from the record's text or the file, wherever this runs
    (the Ray engine's tasks read their inputs themselves); None for an unreadable input:
    it copies nothing, and cannot be a first copy."""
    try:
        text = job.record.text if job.record is not None else job.load(encoding)[0].text
    except (InputError, OSError):
        return None
    return check.signature(text)
