"""What the batch decides across inputs: ``BatchIndex``, one index per ``BatchCheck`` that is on.

A batch check (``duplicate-record``, ``inconsistent-target``, ``inconsistent-source``) measures
each input where it is checked (``prepare``, in a worker: ``Prepared.signatures``); whether
the input is flagged depends on the inputs before it, so the decision is taken here, in the
main process, in input order, whatever the number of workers:

- ``mark_batch``: the local engine, after a chunk is prepared, gives each input its findings;
- ``remember``: the inputs are measured here instead, from the record or the file: those
  ``--resume`` skips (the earlier inputs of what follows) and, on Ray, every input before its
  window is launched (the tasks check in any order and finish without coming back); the
  verdicts travel with the job and ``add_verdicts`` turns them into findings in the task.

Each check's index says, per input, something or None (``add(name, signature)``); the
check words it (``BatchCheck.verdict``), and the ignore list is applied as to any finding.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pipeline.checks.base import BatchCheck
from pipeline.core.document import Document, InputError
from pipeline.review.ignore import IgnoreList, load_ignore
from pipeline.stages.job import Job, Prepared

Verdicts = dict[str, Any]  # check id -> what its index said of an input


def _index_for(check: BatchCheck) -> Any:
    from pipeline.checks.duplicate_record import DuplicateRecord

    if isinstance(check, DuplicateRecord):
        from pipeline.stages.duplicates import DuplicateIndex

        return DuplicateIndex(check)
    from pipeline.stages.consistency import ConsistencyIndex

    return ConsistencyIndex(check)


class BatchIndex:
    """The indexes of the batch checks that are on; ``add`` an input's signatures, in input order."""

    def __init__(self, checks: Iterable[BatchCheck], ignore: IgnoreList | None = None) -> None:
        self.indexes = {check.id: _index_for(check) for check in checks}
        self.ignore = ignore  # the ignore list: an accepted finding is not reported again

    @property
    def checks(self) -> list[BatchCheck]:
        return [index.check for index in self.indexes.values()]

    def add(self, name: str, signatures: Mapping[str, Any]) -> Verdicts:
        """Record the input ``name``; what each index says of it (only those that say something)."""
        found = {}
        for check_id, index in self.indexes.items():
            verdict = index.add(name, signatures.get(check_id))
            if verdict is not None:
                found[check_id] = verdict
        return found


def batch_checks(checks: Iterable[Any]) -> list[BatchCheck]:
    return [c for c in checks if isinstance(c, BatchCheck)]


def batch_index(
    checks: Mapping[str, Mapping[str, Any]], count: int, ignore_file: str | Path | None = None
) -> BatchIndex | None:
    """The index for a batch of ``count`` inputs with these check settings and ignore list;
    None when every batch check is off or there is nothing to compare."""
    from pipeline.checks.base import instantiate
    from pipeline.checks.runner import known_checks

    if count < 2:
        return None
    # only the batch checks are made here: the main process needs no other
    on = batch_checks(instantiate({k: c for k, c in known_checks().items() if issubclass(c, BatchCheck)}, checks))
    if not on:
        return None
    return BatchIndex(on, load_ignore(ignore_file) if ignore_file else None)


def add_verdicts(prep: Prepared, verdicts: Verdicts, checks: Iterable[Any], ignore: IgnoreList | None) -> None:
    """Give ``prep`` the findings of ``verdicts`` (or count them hidden, if the ignore list has them)."""
    if not verdicts:
        return
    by_id = {c.id: c for c in checks}
    for check_id, verdict in verdicts.items():
        finding = by_id[check_id].verdict(prep.doc, verdict)
        if ignore is not None and ignore.ignores(finding, prep.doc.text):
            prep.hidden += 1
            continue
        prep.findings.append(finding)
    prep.findings.sort(key=lambda f: (f.span.start, f.span.end, f.check))


def mark_batch(index: BatchIndex | None, jobs: Sequence[Job], prepared: Sequence[Prepared | str]) -> None:
    """Add the batch findings to each prepared input; ``jobs`` and ``prepared`` in input
    order. The signatures are let go."""
    for job, prep in zip(jobs, prepared):
        if not isinstance(prep, Prepared):
            continue
        signatures, prep.signatures = prep.signatures, {}
        if index is not None:
            add_verdicts(prep, index.add(job.key, signatures), index.checks, index.ignore)


def remember(index: BatchIndex | None, jobs: Sequence[Job], encoding: str | None = None) -> list[Verdicts]:
    """Add ``jobs`` to the index in input order, measured here (in the main process) from the
    record's text and original or the files; what the index says of each."""
    if index is None:
        return [{} for _ in jobs]
    return [index.add(job.key, measure_job(index.checks, job, encoding)) for job in jobs]


def measure_job(checks: Sequence[BatchCheck], job: Job, encoding: str | None = None) -> dict[str, Any]:
    """``job``'s signatures for ``checks``, measured from the record or the files wherever this
    runs (the Ray engine's tasks read their inputs themselves); none for an unreadable input:
    it is compared with nothing, and nothing with it (nor with an input that failed before it
    was read, ``Job.failure``)."""
    if job.failure is not None:
        return {}
    try:
        text, source = _texts(job, encoding)
    except (InputError, OSError):
        return {}
    context = job.record.context if job.record is not None else None
    return signatures(checks, text, source, context)


def signatures(checks: Iterable[Any], text: str, source: str | None, context: str | None) -> dict[str, Any]:
    """What each batch check among ``checks`` measures of an input (the others are skipped)."""
    return {check.id: check.measure(text, source, context) for check in batch_checks(checks)}


def _texts(job: Job, encoding: str | None) -> tuple[str, str | None]:
    """An input's English and its original (None when it has none or it cannot be read)."""
    if job.record is not None:
        return job.record.text, job.record.source or None
    doc, source, _ = job.load(encoding)
    if source is None or isinstance(source, str):
        return doc.text, source
    if isinstance(source, Document):
        return doc.text, source.text
    from pipeline.original.files import SourceError, load_source

    try:
        return doc.text, load_source(source).text
    except SourceError:
        return doc.text, None
